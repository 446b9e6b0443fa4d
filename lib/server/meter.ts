import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { openDatabase } from '@/db/client';
import { isAdmin, isPublicPath, resolveAdminToken } from '@/lib/auth/admin-token';
import { databasePath, dataDirectory, type MeterConfig } from '@/lib/config';
import { loadCatalog } from '@/lib/pricing/catalog';
import { PriceBook } from '@/lib/pricing/price-book';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { proxyRequest } from '@/lib/proxy/handler';
import { Recorder } from '@/lib/recorder/recorder';
import { setRuntime, type MeterRuntime } from '@/lib/runtime';
import { requestRow } from '@/lib/recorder/request-row';
import { scheduleRetention } from '@/lib/recorder/retention';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface MeterOptions {
  config: MeterConfig;
  /** Next.js request handler for pages and /api; absent in proxy-only runs. */
  app?: Handler;
  log?: (message: string) => void;
}

export interface RunningMeter {
  origin: string;
  adminToken: string;
  adminTokenGenerated: boolean;
  recorder: Recorder;
  runtime: MeterRuntime;
  /** Stops accepting, lets in-flight calls finish, then writes every queued record. */
  close(): Promise<void>;
}

/** One HTTP server: the Fireworks proxy at /inference/v1, everything else behind the admin token. */
export async function startMeter({ config, app, log = console.log }: MeterOptions): Promise<RunningMeter> {
  const db = openDatabase(databasePath(config.DATABASE_URL));
  seedPriceCatalog(db, loadCatalog({ sizeBasedCachedRatioBp: config.SIZE_BASED_CACHED_RATIO_BP }));
  const priceBook = new PriceBook(db);
  const dataDir = dataDirectory(config.DATABASE_URL);
  const recorder = new Recorder(db, { spillDirectory: dataDir, log: (m) => console.error(m) });
  const retention = scheduleRetention(db, config.RETENTION_DAYS, log);
  const replayed = recorder.replaySpilled();
  if (replayed) log(`Recovered ${replayed} request records kept at the last shutdown.`);
  const admin = resolveAdminToken(config.METER_ADMIN_TOKEN, dataDir);
  const runtime: MeterRuntime = { config, adminToken: admin.token, db };
  setRuntime(runtime);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 512 });
  const upstreamBase = new URL(config.FIREWORKS_BASE_URL);
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const proxy: Handler = async (req, res) => {
    inFlight++;
    try {
      await proxyRequest(req, res, {
        upstreamBase,
        dispatcher,
        headersTimeoutMs: config.UPSTREAM_HEADERS_TIMEOUT_MS,
        bodyTimeoutMs: config.UPSTREAM_BODY_TIMEOUT_MS,
        rateLimitUnit: config.RATE_LIMIT_HEADER_UNIT,
        onCompleted: (call) => {
          const at = new Date(call.startedAt);
          const { model, servingPath, region } = call.facts;
          recorder.record(requestRow(call, priceBook.price({ model, servingPath, region, at }, call.usage)));
        },
      });
    } catch (error) {
      console.error('proxy: unexpected error', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end();
    } finally {
      if (--inFlight === 0) idle?.();
    }
  };

  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/inference/')) return void proxy(req, res);
    const pathname = url.split('?')[0] ?? '/';
    if (pathname === '/healthz') return json(res, 200, { ok: true, pendingRecords: recorder.pending });
    if (!isPublicPath(pathname) && !isAdmin(req.headers, admin.token)) {
      if (pathname.startsWith('/api/')) return json(res, 401, { error: 'Admin token required (Authorization: Bearer <token>).' });
      res.writeHead(302, { location: `/login?next=${encodeURIComponent(url)}` });
      return void res.end();
    }
    if (!app) return json(res, 404, { error: 'Not found' });
    void app(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const origin = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;

  return {
    origin,
    adminToken: admin.token,
    adminTokenGenerated: admin.generated,
    recorder,
    runtime,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      server.closeIdleConnections();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
      clearInterval(retention);
      recorder.close();
      await dispatcher.close();
      db.$client.close();
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
