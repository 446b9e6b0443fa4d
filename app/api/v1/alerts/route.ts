import { z } from 'zod';
import { getDb } from '@/db/client';
import { parseQuery } from '@/lib/api/query';
import { requestActor } from '@/lib/api/actor';
import { redactChannel } from '@/lib/budgets/budget-schema';
import { inbox } from '@/lib/budgets/outbox';

const inboxQuerySchema = z.object({
  type: z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().min(1).max(60)).max(20)),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The alerts inbox: recent events, newest first, optionally of some types (`?type=budget.exceeded`). */
export async function GET(request: Request) {
  const parsed = parseQuery(inboxQuerySchema, request.url);
  if (!parsed.ok) return parsed.response;
  const alerts = await inbox(getDb(), { types: parsed.data.type, limit: parsed.data.limit });
  if (requestActor(request)?.role === 'admin') return Response.json({ alerts });
  return Response.json({ alerts: alerts.map((a) => ({ ...a, deliveries: a.deliveries.map((d) => ({ ...d, channel: redactChannel(d.channel) })) })) });
}
