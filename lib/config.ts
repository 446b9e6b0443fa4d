import path from 'node:path';
import { z } from 'zod';

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  FIREWORKS_BASE_URL: z.url().default('https://api.fireworks.ai/inference/v1'),
  DATABASE_URL: z.string().startsWith('file:').default('file:./data/meter.db'),
  METER_ADMIN_TOKEN: z.string().min(16).optional(),
  /** Fireworks documents the limit headers as per second; live captures show per-minute values. UNCONFIRMED. */
  RATE_LIMIT_HEADER_UNIT: z.enum(['tpm', 'tps']).default('tpm'),
  /** Cached-token discount for size-based models, in basis points of the input price. UNCONFIRMED upstream. */
  SIZE_BASED_CACHED_RATIO_BP: z.coerce.number().int().min(0).max(10000).default(5000),
  UPSTREAM_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  UPSTREAM_BODY_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  /** Raw rows older than this many days may be dropped; 0 keeps everything. */
  RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
});

export type MeterConfig = z.infer<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): MeterConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** `file:./data/meter.db` → absolute path; the data directory also holds the generated admin token. */
export function databasePath(databaseUrl: string): string {
  return path.resolve(databaseUrl.slice('file:'.length));
}

export function dataDirectory(databaseUrl: string): string {
  return path.dirname(databasePath(databaseUrl));
}
