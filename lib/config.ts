import path from 'node:path';
import { z } from 'zod';
import { METER_ROLES } from '@/lib/server/roles';

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  FIREWORKS_BASE_URL: z.url().default('https://api.fireworks.ai/inference/v1'),
  /** `file:<path>` for the embedded SQLite file, or `postgres://…` for a PostgreSQL database shared by replicas. */
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL)')
    .default('file:./data/meter.db'),
  /** Connections each replica keeps open to PostgreSQL (ignored on SQLite). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  /** Where the call journal and the generated admin token live (default: the SQLite file's directory, or ./data on PostgreSQL). */
  METER_DATA_DIR: z.string().min(1).optional(),
  METER_ADMIN_TOKEN: z.string().min(16).optional(),
  /** Read-only token: pages, reads and exports, never a change. */
  METER_VIEWER_TOKEN: z.string().min(16).optional(),
  /** How long a dashboard login lasts. */
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 366).default(168),
  /** Addresses of reverse proxies whose X-Forwarded-Proto and X-Forwarded-For are believed (comma-separated). */
  TRUSTED_PROXIES: z.string().default('').transform((s) => s.split(',').map((a) => a.trim()).filter(Boolean)),
  /** Request bodies above this get 413 (proxy and dashboard alike). */
  MAX_REQUEST_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024 * 1024),
  /** On SIGTERM, how long calls in flight may take before they are cut and recorded as client-closed. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Rows held in memory for the database; past this the call journal holds the rest. */
  RECORDER_QUEUE_LIMIT: z.coerce.number().int().positive().default(10_000),
  /** fsync the call journal this often (0: never; appends then survive a process kill, not a power cut). */
  JOURNAL_FSYNC_MS: z.coerce.number().int().min(0).default(0),
  /** Fireworks documents the limit headers as per second; live captures show per-minute values. UNCONFIRMED. */
  RATE_LIMIT_HEADER_UNIT: z.enum(['tpm', 'tps']).default('tpm'),
  /** Spot's price as a percent of Standard. UNCONFIRMED: Fireworks' Spot page says 30% below (70), its large-workloads page 50%. */
  SPOT_PRICE_PERCENT: z.coerce.number().int().min(1).max(100).default(70),
  /** Whether `service_tier: "spot"` selects Spot (UNCONFIRMED: the pages disagree); `-spot` model ids always do. */
  SERVICE_TIER_SPOT: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Whether `service_tier: "flex"` selects Flex (the SDK says other tiers are served as default). */
  SERVICE_TIER_FLEX: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Model-id suffixes that select Flex (comma-separated). UNCONFIRMED: Flex's id form is not documented yet. */
  FLEX_MODEL_SUFFIXES: z.string().default('-flex').transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  /** Cached-token discount for size-based models, in basis points of the input price. UNCONFIRMED upstream. */
  SIZE_BASED_CACHED_RATIO_BP: z.coerce.number().int().min(0).max(10000).default(5000),
  UPSTREAM_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  UPSTREAM_BODY_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  /** Signs budget webhooks: `x-meter-signature: sha256=<hex HMAC-SHA256 of the body>`. */
  METER_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Where budget email goes out, e.g. smtps://user:pass@mail.example.com:465 (query keys are nodemailer options). */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://').optional(),
  ALERT_EMAIL_FROM: z.string().default('Fireworks Meter <meter@localhost>'),
  /** The dashboard's address as people open it, for the links in alerts (default: the listening address). */
  METER_PUBLIC_URL: z.url().optional(),
  /** Moves Meter's clock (tests and demos of budget periods only). */
  METER_CLOCK_OFFSET_MS: z.coerce.number().int().default(0),
  /** Raw rows older than this many days may be dropped; 0 keeps everything. */
  RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  /** Bearer token for GET /metrics on the main port; without it /metrics there answers 404. */
  METER_METRICS_TOKEN: z.string().min(16).optional(),
  /** Serves GET /metrics without a token on 127.0.0.1 at this port only (0: any free port). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Names this process among replicas sharing one database (default: host name and port); its call journal is named after it. */
  METER_REPLICA_ID: z.string().trim().min(1).max(100).optional(),
  /** What this process serves: the proxy and the dashboard (all), or one of them. */
  METER_ROLE: z.enum(METER_ROLES, 'METER_ROLE must be all, proxy or dashboard').default('all'),
  /** Model names outside the price catalog that get their own metric label value; later ones are "other". */
  METRICS_MODEL_LIMIT: z.coerce.number().int().min(0).max(1000).default(50),
});

export type MeterConfig = z.infer<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): MeterConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${z.prettifyError(parsed.error)}`);
  }
  if (parsed.data.METER_VIEWER_TOKEN && parsed.data.METER_VIEWER_TOKEN === parsed.data.METER_ADMIN_TOKEN) {
    throw new Error('Invalid configuration: METER_VIEWER_TOKEN must differ from METER_ADMIN_TOKEN.');
  }
  const metricsToken = parsed.data.METER_METRICS_TOKEN;
  if (metricsToken && (metricsToken === parsed.data.METER_ADMIN_TOKEN || metricsToken === parsed.data.METER_VIEWER_TOKEN)) {
    throw new Error('Invalid configuration: METER_METRICS_TOKEN must differ from METER_ADMIN_TOKEN and METER_VIEWER_TOKEN.');
  }
  if (parsed.data.METRICS_PORT && parsed.data.METRICS_PORT === parsed.data.PORT) {
    throw new Error('Invalid configuration: METRICS_PORT must differ from PORT.');
  }
  return parsed.data;
}

/** `file:./data/meter.db` → absolute path; undefined for a PostgreSQL URL. */
export function databasePath(databaseUrl: string): string | undefined {
  return databaseUrl.startsWith('file:') ? path.resolve(databaseUrl.slice('file:'.length)) : undefined;
}

/** The directory holding the call journal and the generated admin token. */
export function dataDirectory(config: Pick<MeterConfig, 'DATABASE_URL' | 'METER_DATA_DIR'>): string {
  if (config.METER_DATA_DIR) return path.resolve(config.METER_DATA_DIR);
  const file = databasePath(config.DATABASE_URL);
  return file ? path.dirname(file) : path.resolve('data');
}
