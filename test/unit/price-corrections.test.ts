import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { openDatabase } from '@/db/client';
import { catalogKey, loadCatalog } from '@/lib/pricing/catalog';
import { addPrice, CatalogPriceError, correctPrice, deletePrice, DuplicatePriceError, listPrices, markCurrent, newPriceSchema, priceWarnings } from '@/lib/pricing/price-table';
import { seedPriceCatalog } from '@/lib/pricing/seed';

it('corrects a price in place, warns of a 3x jump or an unseen model, marks the current row, and keeps shipped rows', async () => {
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-prices-')), 'meter.db'));
  const catalog = loadCatalog();
  await seedPriceCatalog(db, catalog);
  const shippedKeys = new Set(catalog.map(catalogKey));
  const isShippedCatalogRow = (r: Parameters<typeof catalogKey>[0]) => shippedKeys.has(catalogKey(r));
  const row = (input: string, effectiveFrom: string, model = 'accounts/fireworks/models/kimi-k3') =>
    newPriceSchema.parse({ model, servingPath: 'standard', region: 'global', inputUsdPerMtok: input, cachedInputUsdPerMtok: '0.3', outputUsdPerMtok: '15', effectiveFrom });
  // a 100x typo against the row it supersedes ($3.00 from 2026-09-01), and a model no call has used
  const typo = row('300', '2026-12-01');
  assert.deepEqual((await priceWarnings(db, typo)).map((w) => w.code), ['price_jump', 'unseen_model']);
  assert.match((await priceWarnings(db, typo))[0]!.message, /input price is 100\.00x the row from 2026-09-01/);
  const added = await addPrice(db, typo);
  // the same-day correction, in place
  const fixed = await correctPrice(db, added.id, row('3.2', '2026-12-01'));
  assert.equal(fixed.id, added.id);
  assert.equal(fixed.inputMicrosPerMtok, 3_200_000);
  assert.deepEqual((await priceWarnings(db, row('3.2', '2026-12-01'), added.id)).map((w) => w.code), ['unseen_model'], 'a correction is not compared with itself');
  const kimi = markCurrent(await listPrices(db, { q: 'models/kimi-k3' }), '2026-12-05').filter((p) => p.model === 'accounts/fireworks/models/kimi-k3' && p.servingPath === 'standard' && p.region === 'global');
  assert.deepEqual(kimi.filter((p) => p.current).map((p) => p.id), [added.id]);
  // moving it onto a date that already has a row is refused
  await assert.rejects(correctPrice(db, added.id, row('3.2', '2026-09-01')), DuplicatePriceError);
  // a shipped row would come back at the next start: corrected, never deleted
  const shipped = kimi.find((p) => p.effectiveFrom === '2026-09-01')!;
  assert.ok(isShippedCatalogRow(shipped));
  await assert.rejects(deletePrice(db, shipped.id, isShippedCatalogRow), CatalogPriceError);
  assert.equal((await deletePrice(db, added.id, isShippedCatalogRow)).id, added.id);
  db.$client.close();
});

it('prices new calls with a corrected row once reloaded, though the table kept its size and its newest id', async () => {
  const { PriceBook, reloadPriceBooks } = await import('@/lib/pricing/price-book');
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-prices-book-')), 'meter.db'));
  const p = (input: string) =>
    newPriceSchema.parse({ model: 'accounts/x/models/y', servingPath: 'standard', region: 'global', inputUsdPerMtok: input, cachedInputUsdPerMtok: '0', outputUsdPerMtok: '0', effectiveFrom: '2026-01-01' });
  const row = await addPrice(db, p('2'));
  const book = await PriceBook.start(db, { refreshMs: 60_000 });
  const q = { model: 'accounts/x/models/y', servingPath: 'standard' as const, region: 'global' as const, at: new Date('2026-06-01T00:00:00Z') };
  const tokens = { promptTokens: 1_000_000, cachedPromptTokens: 0, completionTokens: 0 };
  assert.equal(book.price(q, tokens).cost!.totalPico, 2_000_000_000_000);
  await correctPrice(db, row.id, p('0.2'));
  assert.equal(book.price(q, tokens).cost!.totalPico, 2_000_000_000_000, 'the proxy never waits on the database: the old row until read again');
  await reloadPriceBooks(db); // what the Settings route does after a change
  assert.equal(book.price(q, tokens).cost!.totalPico, 200_000_000_000);
  book.stop();
  db.$client.close();
});
