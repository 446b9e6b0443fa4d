import fs from 'node:fs';
import path from 'node:path';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { openMeterDatabase, type MeterDb } from '@/db/database';
import { execute } from '@/lib/analytics/engine/run';
import { sql } from '@/lib/analytics/engine/sql';
import { requestPath } from '@/lib/auth/request-path';
import { clearCookie } from '@/lib/auth/cookies';
import { LoginThrottle } from '@/lib/auth/login-throttle';
import { ROLE_HEADER, SESSION_HEADER } from '@/lib/auth/roles';
import { SESSION_COOKIE } from '@/lib/auth/sessions';
import { resolveAdminToken, type RoleTokens } from '@/lib/auth/tokens';
import { databasePath, dataDirectory, type MeterConfig } from '@/lib/config';
import { answerAfterBody, declaresTooLarge } from '@/lib/http/body';
import { sendJson } from '@/lib/http/respond';
import { catalogKey, loadCatalog } from '@/lib/pricing/catalog';
import { PriceBook } from '@/lib/pricing/price-book';
import { BudgetMonitor } from '@/lib/budgets/monitor';
import { KeyTeams, runPendingKeyTeams } from '@/lib/settings/key-teams';
import { meterClock } from '@/lib/clock';
import { runExactMoneyBackfill } from '@/lib/pricing/exact-money-backfill';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { proxyRequest } from '@/lib/proxy/handler';
import { CallJournal } from '@/lib/recorder/journal';
import type { CallRecorder } from '@/lib/recorder/call-recorder';
import { createRecorder } from '@/lib/recorder/create-recorder';
import { adoptLegacyJournal, journalDatabaseName, replicaId, replicaJournalBase } from '@/lib/recorder/replica';
import { requestRow } from '@/lib/recorder/request-row';
import { scheduleRetention } from '@/lib/recorder/retention';
import { isMetricsPath, metricsAccess, sendMetrics, startMetricsServer } from '@/lib/metrics/http';
import { MeterMetrics } from '@/lib/metrics/observe';
import { setRuntime, type MeterRuntime } from '@/lib/runtime';
import { clientView } from './client';
import { decideAccess, type Caller } from './gate';
import { refusedByRole } from './roles';
import { handleLogin, handleLogout, type LoginContext } from './login';
import { setDashboardSecurityHeaders } from './security-headers';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface MeterOptions {
  config: MeterConfig;
  /** Next.js request handler for pages and /api; absent in proxy-only runs. */
  app?: Handler;
  dev?: boolean;
  log?: (message: string) => void;
  /** Benchmarks only: run without the call journal, to measure what it costs. */
  withoutJournal?: boolean;
}

export interface RunningMeter {
  origin: string;
  adminToken: string;
  adminTokenGenerated: boolean;
  recorder: CallRecorder;
  runtime: MeterRuntime;
  /** Where METRICS_PORT serves /metrics (127.0.0.1), when it is set. */
  metricsOrigin?: string;
  /** Stops accepting, lets calls in flight finish within the grace period, cuts the rest, writes every record. */
  close(): Promise<void>;
}

/** Failed writes in a row after which /healthz says not ok. */
const UNHEALTHY_AFTER_FAILURES = 3;

/** One HTTP server: the Fireworks proxy at /inference/v1, everything else behind the gate. */
export async function startMeter({ config, app, dev = false, log = console.log, withoutJournal = false }: MeterOptions): Promise<RunningMeter> {
  const dbFile = databasePath(config.DATABASE_URL);
  const { db, close: closeDb } = await openMeterDatabase(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  let closing = false;
  const catalog = loadCatalog({ sizeBasedCachedRatioBp: config.SIZE_BASED_CACHED_RATIO_BP });
  await seedPriceCatalog(db, catalog);
  const shipped = new Set(catalog.map(catalogKey));
  const priceBook = await PriceBook.start(db, { log });
  const dataDir = dataDirectory(config);
  const replica = replicaId(config.METER_REPLICA_ID, config.PORT);
  const journalName = journalDatabaseName(config.DATABASE_URL, dataDir, dbFile);
  const journal = withoutJournal ? undefined : await openReplicaJournal(db, journalName, dbFile !== undefined, replica, config.JOURNAL_FSYNC_MS, log);
  const recorder = await createRecorder(db, { journal, queueLimit: config.RECORDER_QUEUE_LIMIT });
  warnAboutLegacySpills(dataDir);
  runExactMoneyBackfill(db, { isReplaying: () => recorder.replaying, log }).catch((error: unknown) => {
    if (!closing) log(`Exact re-pricing of stored calls stopped (${String(error)}); it runs again at the next start.`);
  });
  const retention = scheduleRetention(db, config.RETENTION_DAYS, log);
  const admin = resolveAdminToken(config.METER_ADMIN_TOKEN, dataDir);
  if (admin.generated && !dbFile) log('The admin token was generated in this replica\'s data directory: replicas sharing a PostgreSQL database should all be given one METER_ADMIN_TOKEN.');
  if (config.METER_METRICS_TOKEN === admin.token) throw new Error('Invalid configuration: METER_METRICS_TOKEN must differ from the admin token.');
  // Observed only where they are served: otherwise the proxy pays nothing for them.
  const metrics =
    config.METER_METRICS_TOKEN || config.METRICS_PORT !== undefined
      ? new MeterMetrics({ catalogModels: catalog.map((row) => row.model), modelLimit: config.METRICS_MODEL_LIMIT, recorder: () => recorder, processMetrics: true })
      : undefined;
  if (metrics) recorder.onBatch = (seconds, ok) => metrics.batchWritten(seconds, ok);
  const tokens: RoleTokens = { admin: admin.token, viewer: config.METER_VIEWER_TOKEN };
  let origin = config.METER_PUBLIC_URL ?? '';
  const now = meterClock(config);
  const budgets = new BudgetMonitor(db, {
    now,
    baseUrl: () => config.METER_PUBLIC_URL ?? origin,
    delivery: { webhookSecret: config.METER_WEBHOOK_SECRET, smtpUrl: config.SMTP_URL, emailFrom: config.ALERT_EMAIL_FROM },
    log,
  });
  recorder.onWritten = budgets.onWritten;
  await budgets.load(); // before the first call: a block budget already used up refuses from the start
  const keyTeams = await KeyTeams.start(db, { log });
  runPendingKeyTeams(db, log).catch((error: unknown) => {
    if (!closing) log(`Giving stored calls their keys' teams stopped (${String(error)}); it runs again at the next start.`);
  });
  const runtime: MeterRuntime = { config, db, budgets, keyTeams, isShippedPrice: (row) => shipped.has(catalogKey(row)) };
  setRuntime(runtime);
  const login: LoginContext = { db, tokens, throttle: new LoginThrottle(), sessionTtlMs: config.SESSION_TTL_HOURS * 3_600_000, trustedProxies: config.TRUSTED_PROXIES };
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 512 });
  const upstreamBase = new URL(config.FIREWORKS_BASE_URL);
  const shutdown = new AbortController();
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const proxy: Handler = async (req, res) => {
    try {
      await proxyRequest(req, res, {
        upstreamBase,
        dispatcher,
        headersTimeoutMs: config.UPSTREAM_HEADERS_TIMEOUT_MS,
        bodyTimeoutMs: config.UPSTREAM_BODY_TIMEOUT_MS,
        rateLimitUnit: config.RATE_LIMIT_HEADER_UNIT,
        maxBodyBytes: config.MAX_REQUEST_BODY_BYTES,
        shutdown: shutdown.signal,
        refuse: (facts, at) => budgets.refuse({ ...facts, team: keyTeams.resolve(facts.apiKey, facts.team).team }, at),
        now,
        onCompleted: (call) => {
          const began = performance.now();
          const at = new Date(call.startedAt);
          const { model, servingPath, region } = call.facts;
          const pricing = priceBook.price({ model, servingPath, region, at }, call.usage);
          recorder.record(requestRow(call, pricing, keyTeams.resolve(call.facts.apiKey, call.facts.team)));
          metrics?.callCompleted(call, pricing, performance.now() - began);
        },
      });
    } catch (error) {
      console.error('proxy: unexpected error', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end();
    }
  };

  const health = (res: ServerResponse, caller: Caller | undefined) => {
    const ok = recorder.failedAttempts < UNHEALTHY_AFTER_FAILURES;
    const { rss, heapUsed } = process.memoryUsage();
    const details = {
      replica,
      role: config.METER_ROLE,
      pendingRecords: recorder.pending,
      replayingJournal: recorder.replaying,
      failedWrites: recorder.failedAttempts,
      quarantinedRecords: recorder.quarantined,
      memoryMb: { rss: Math.round(rss / 1048576), heapUsed: Math.round(heapUsed / 1048576) },
    };
    sendJson(res, ok ? 200 : 503, caller ? { ok, ...details } : { ok });
  };

  const dashboard: Handler = async (req, res) => {
    // Before the gate: /metrics takes its own token only, never a dashboard login.
    if (isMetricsPath(req.url)) return sendMetrics(req, res, metricsAccess(req, config.METER_METRICS_TOKEN), metrics);
    setDashboardSecurityHeaders(res, dev);
    const access = await decideAccess(req, { db, tokens });
    if (access.kind === 'refused') {
      req.resume();
      if (access.status === 302) {
        res.writeHead(302, { location: access.location, 'cache-control': 'no-store' });
        return void res.end();
      }
      const clear = access.clearSession ? { 'set-cookie': clearCookie(SESSION_COOKIE, clientView(req, config.TRUSTED_PROXIES).https) } : {};
      return sendJson(res, access.status, { error: access.error }, clear);
    }
    if (access.pathname === '/healthz') return health(res, access.caller);
    if (access.pathname === '/api/login') return handleLogin(req, res, login);
    if (access.pathname === '/api/logout') return handleLogout(req, res, login);
    if (declaresTooLarge(req, config.MAX_REQUEST_BODY_BYTES)) {
      return answerAfterBody(req, () => sendJson(res, 413, { error: `Request body is larger than ${config.MAX_REQUEST_BODY_BYTES} bytes (MAX_REQUEST_BODY_BYTES).` }, { connection: 'close' }));
    }
    if (req.headers['transfer-encoding'] && req.method !== 'GET') {
      req.resume();
      return sendJson(res, 411, { error: 'Send a Content-Length with the body.' });
    }
    delete req.headers[ROLE_HEADER];
    delete req.headers[SESSION_HEADER];
    if (access.caller) {
      req.headers[ROLE_HEADER] = access.caller.role;
      if (access.caller.sessionId !== undefined) req.headers[SESSION_HEADER] = String(access.caller.sessionId);
    }
    if (!app) return sendJson(res, 404, { error: 'Not found' });
    await app(req, res);
  };

  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) idle?.();
    });
    if (closing) res.setHeader('connection', 'close');
    const target = requestPath(req.url);
    const refused = target.ok ? refusedByRole(config.METER_ROLE, target.pathname) : null;
    if (refused) {
      req.resume();
      return sendJson(res, 404, { error: refused });
    }
    const handle = (req.url ?? '').startsWith('/inference/') ? proxy : dashboard;
    Promise.resolve(handle(req, res)).catch((error: unknown) => {
      console.error('request failed', error);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  origin = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  try {
    if (metrics && config.METRICS_PORT !== undefined) metricsServer = await startMetricsServer(config.METRICS_PORT, metrics);
  } catch (error) {
    server.close();
    throw error;
  }
  budgets.start();

  return {
    origin,
    adminToken: admin.token,
    adminTokenGenerated: admin.generated,
    recorder,
    runtime,
    metricsOrigin: metricsServer?.origin,
    async close() {
      closing = true;
      const metricsClosed = metricsServer?.close();
      const deadline = Date.now() + config.SHUTDOWN_GRACE_MS;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets between requests are closed now; busy ones answer Connection: close.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      if (inFlight > 0) await Promise.race([new Promise<void>((resolve) => (idle = resolve)), sleep(config.SHUTDOWN_GRACE_MS)]);
      if (inFlight > 0) {
        log(`Shutdown grace (${config.SHUTDOWN_GRACE_MS} ms) is over: cutting ${inFlight} calls still in flight.`);
        shutdown.abort();
        await sleep(50); // let the cut calls be recorded
      }
      server.closeAllConnections();
      clearInterval(sweep);
      await Promise.race([Promise.all([closed, metricsClosed]), sleep(1000)]);
      clearInterval(retention);
      await budgets.stop();
      keyTeams.stop();
      priceBook.stop();
      await recorder.close(Math.max(deadline, Date.now()) + 1000);
      await Promise.race([dispatcher.close(), sleep(500)]).then(() => dispatcher.destroy()).catch(() => undefined);
      await closeDb();
    },
  };
}

/**
 * This replica's journal, named after the database and the replica. On SQLite, on the first start
 * after journals were named per replica, the shared one's segments and mark become its own (a
 * PostgreSQL database never had a shared journal).
 */
async function openReplicaJournal(db: MeterDb, databaseName: string, mayHaveLegacy: boolean, replica: string, fsyncMs: number, log: (message: string) => void): Promise<CallJournal> {
  const base = replicaJournalBase(databaseName, replica);
  const legacy = mayHaveLegacy ? adoptLegacyJournal(databaseName, base) : undefined;
  if (legacy) {
    const name = path.basename(base);
    await execute(db, sql`UPDATE journal_marks SET journal = ${name} WHERE journal = ${legacy} AND NOT EXISTS (SELECT 1 FROM journal_marks WHERE journal = ${name})`);
    fs.rmSync(`${path.dirname(databaseName)}/${legacy}.reserve`, { force: true });
    log(`Call journal: the shared journal ${legacy} is now replica ${replica}'s (${path.basename(base)}).`);
  }
  return new CallJournal(base, { fsyncMs, log });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Spill files of earlier versions name no database, so which one they belong to is unknown. */
function warnAboutLegacySpills(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const legacy = fs.readdirSync(dir).filter((n) => /^unwritten-\d+\.jsonl$/.test(n));
  if (legacy.length) console.error(`Found ${legacy.length} spill file(s) from an older Meter in ${dir} (unwritten-*.jsonl); they are not replayed, since they do not say which database they belong to.`);
}
