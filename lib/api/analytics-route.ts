import type { z } from 'zod';
import { getDb } from '@/db/client';
import type { MeterDb } from '@/db/database';
import { filtersSchema, type Filters } from '@/lib/analytics/engine/filters';
import { parseQuery } from './query';

/** A GET handler for one dashboard question: validate the URL's filters, ask, answer JSON. */
export function analyticsRoute<T>(question: (db: MeterDb, filters: Filters) => T | Promise<T>) {
  return async function GET(request: Request): Promise<Response> {
    const parsed = parseQuery(filtersSchema, request.url);
    if (!parsed.ok) return parsed.response;
    return Response.json(await question(getDb(), parsed.data));
  };
}

/** The same, for questions with their own extra query parameters. */
export function analyticsRouteWith<S extends z.ZodType, T>(schema: S, question: (db: MeterDb, input: z.infer<S>) => T | Promise<T>) {
  return async function GET(request: Request): Promise<Response> {
    const parsed = parseQuery(schema, request.url);
    if (!parsed.ok) return parsed.response;
    return Response.json(await question(getDb(), parsed.data));
  };
}
