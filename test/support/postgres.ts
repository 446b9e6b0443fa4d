/**
 * A throwaway PostgreSQL cluster for tests: initdb into a fresh temporary directory, started on a
 * free loopback port with trust auth and no fsync, removed again by stop() (or when the process
 * exits). Uses the highest PostgreSQL under /usr/lib/postgresql (Debian's layout) unless
 * METER_PG_BIN names a bin directory. Postgres refuses to run as root: as root, initdb and pg_ctl
 * run as the `postgres` system user (runuser), which owns the directory; otherwise they run as us.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth, no password). */
  url: string;
  port: number;
  /** Stops the server (fast shutdown) and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

const INSTALL_HINT = 'Install PostgreSQL 14 or later: `apt-get install postgresql` (Debian/Ubuntu; it provides /usr/lib/postgresql/<version>/bin), or set METER_PG_BIN to a directory holding initdb and pg_ctl.';

/** The bin directory of the highest PostgreSQL installed, or an Error that says what to install. */
export function findPostgresBin(): string {
  const override = process.env.METER_PG_BIN;
  if (override) {
    if (!hasServerBinaries(override)) throw new Error(`METER_PG_BIN=${override} holds no initdb and pg_ctl. ${INSTALL_HINT}`);
    return override;
  }
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v) && hasServerBinaries(path.join(root, v, 'bin')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error(`No PostgreSQL server found under ${root}. ${INSTALL_HINT}`);
  return path.join(root, versions[0]!, 'bin');
}

function hasServerBinaries(bin: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(bin, b)));
}

interface Runner {
  /** Runs `bin/cmd args` as the user that owns the cluster; throws with its output when it fails. */
  run(cmd: string, args: string[], cwd: string): string;
  /** chown target for the cluster's directory, when we are root. */
  owner?: { uid: number; gid: number };
}

function runner(bin: string): Runner {
  const asRoot = process.getuid?.() === 0;
  let owner: Runner['owner'];
  if (asRoot) {
    const entry = fs
      .readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .find((f) => f[0] === 'postgres');
    if (!entry) throw new Error(`Running as root, and there is no \`postgres\` system user to run the server as (PostgreSQL refuses root). ${INSTALL_HINT}`);
    owner = { uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  return {
    owner,
    run(cmd, args, cwd) {
      const file = path.join(bin, cmd);
      const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
      const result = spawnSync(command, argv, { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', PGTZ: 'UTC' } });
      if (result.error) throw new Error(`${command} could not be started: ${result.error.message}`);
      if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
      return result.stdout;
    },
  };
}

/** A port nothing listens on right now (the kernel's pick); a race with another process is retried by startPostgres. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// Clusters still running, stopped synchronously if the process exits without stop().
const running = new Map<string, () => void>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const stop of [...running.values()]) stop();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      for (const stop of [...running.values()]) stop();
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'fsync=off', // a test cluster never has to survive a crash
  'synchronous_commit=off',
  'full_page_writes=off',
  'shared_buffers=16MB',
  'max_connections=50',
  'max_wal_size=256MB',
  'timezone=UTC',
  'log_min_messages=warning',
];

/**
 * Starts a fresh cluster and resolves once it accepts connections. On a 2-core machine: initdb
 * about 0.8 s and pg_ctl start 0.1 s (0.8–1.3 s in all, more while other tests run), stop 0.1–0.2 s.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const as = runner(bin);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    if (as.owner) fs.chownSync(dir, as.owner.uid, as.owner.gid);
    fs.chmodSync(dir, 0o700);
    // -U postgres: the same superuser name whoever runs it; --no-sync: nothing here must survive a crash.
    as.run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], dir);
  } catch (error) {
    remove();
    throw error;
  }

  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const options = [`-p ${port}`, `-k '${dir}'`, ...SERVER_SETTINGS.map((s) => `-c ${s}`)].join(' ');
    try {
      as.run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start'], dir);
      break;
    } catch (error) {
      const serverLog = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      // Another process took the port between freePort() and the server's bind: try another.
      if (attempt < 3 && /could not bind|address already in use/i.test(serverLog)) {
        fs.rmSync(log, { force: true });
        continue;
      }
      remove();
      throw new Error(`${(error as Error).message}\nserver log:\n${serverLog}`);
    }
  }

  let stopped = false;
  const stopNow = (mode: 'fast' | 'immediate') => {
    if (stopped) return;
    stopped = true;
    running.delete(dir);
    try {
      as.run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop'], dir);
    } finally {
      remove();
    }
  };
  hookExit();
  running.set(dir, () => {
    try {
      stopNow('immediate');
    } catch {
      /* exiting anyway */
    }
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => stopNow('fast'),
  };
}

/** The server's version line (e.g. "PostgreSQL 15.x"), for logs. */
export function postgresVersion(): string {
  return execFileSync(path.join(findPostgresBin(), 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
}
