import { z } from 'zod';
import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { reloadPriceBooks } from '@/lib/pricing/price-book';
import { getRuntime } from '@/lib/runtime';
import {
  CatalogPriceError, confirmedPriceSchema, correctPrice, deletePrice, DuplicatePriceError, findPriceRow, priceWarnings, UnknownPriceError, warningsResponse,
} from '@/lib/pricing/price-table';

type Context = { params: Promise<{ id: string }> };
const idSchema = z.coerce.number().int().positive();

async function priceId(context: Context): Promise<number | undefined> {
  const id = idSchema.safeParse((await context.params).id);
  return id.success ? id.data : undefined;
}

const refused = (error: unknown) => {
  if (error instanceof UnknownPriceError) return Response.json({ error: error.message }, { status: 404 });
  if (error instanceof DuplicatePriceError) return Response.json({ error: error.message }, { status: 409 });
  if (error instanceof CatalogPriceError) return Response.json({ error: error.message }, { status: 400 });
  throw error;
};

/** Corrects a price row in place (a same-day correction included); warnings as for a new row. */
export async function PUT(request: Request, context: Context) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const id = await priceId(context);
  if (id === undefined) return Response.json({ error: 'Price id must be a positive integer.' }, { status: 400 });
  const body = await parseJsonBody(confirmedPriceSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  const warnings = body.data.confirm ? [] : await priceWarnings(db, body.data, id);
  if (warnings.length) return warningsResponse(warnings);
  try {
    const before = (await findPriceRow(db, id)) ?? null;
    const price = await audited(db, actor, { action: 'price.correct', target: String(id), before, apply: (tx) => correctPrice(tx, id, body.data) });
    await reloadPriceBooks(db); // the next call through this replica is priced with it
    return Response.json({ price });
  } catch (error) {
    return refused(error);
  }
}

/** Deletes a row added in Settings (rows Meter ships are corrected instead: they would come back). */
export async function DELETE(request: Request, context: Context) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const id = await priceId(context);
  if (id === undefined) return Response.json({ error: 'Price id must be a positive integer.' }, { status: 400 });
  const db = getDb();
  try {
    const before = (await findPriceRow(db, id)) ?? null;
    const deleted = await audited(db, actor, { action: 'price.delete', target: String(id), before, apply: (tx) => deletePrice(tx, id, (row) => getRuntime()?.isShippedPrice(row) ?? true) });
    await reloadPriceBooks(db);
    return Response.json({ deleted });
  } catch (error) {
    return refused(error);
  }
}
