import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { orm, tablesOf, type MeterDb } from '@/db/database';
import type { PriceRecord, RequestRow } from '@/db/schema';

export const requestIdSchema = z.string().regex(/^\d{1,15}$/, 'request id must be a positive whole number').transform(Number);

export interface RequestDetail {
  request: Omit<RequestRow, 'usageJson'>;
  apiKeyLabel: string | null;
  /** The response's `usage` object exactly as Fireworks sent it (null when the call had none). */
  usage: unknown;
  /** The dated price row the cost was computed with; null when the call is unpriced. */
  price: PriceRecord | null;
}

function parseUsage(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json; // keep what was stored rather than hide it
  }
}

/** One recorded call with its price row and raw usage, or null when there is no such id. */
export async function requestDetail(db: MeterDb, id: number): Promise<RequestDetail | null> {
  const { apiKeyLabels, prices, requests } = tablesOf(db);
  const [found] = await orm(db)
    .select({ request: requests, price: prices, apiKeyLabel: apiKeyLabels.label })
    .from(requests)
    .leftJoin(prices, eq(prices.id, requests.priceId))
    .leftJoin(apiKeyLabels, eq(apiKeyLabels.apiKey, requests.apiKey))
    .where(eq(requests.id, id));
  if (!found) return null;
  const { usageJson, ...request } = found.request;
  return { request, apiKeyLabel: found.apiKeyLabel, usage: parseUsage(usageJson), price: found.price };
}
