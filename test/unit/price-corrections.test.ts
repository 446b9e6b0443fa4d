import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { openDatabase } from '@/db/client';
import { catalogKey, loadCatalog } from '@/lib/pricing/catalog';
import { addPrice, CatalogPriceError, correctPrice, deletePrice, DuplicatePriceError, listPrices, markCurrent, newPriceSchema, priceWarnings } from '@/lib/pricing/price-table';
import { seedPriceCatalog } from '@/lib/pricing/seed';

it('corrects a price in place, warns of a 3x jump or an unseen model, marks the current row, and keeps shipped rows', () => {
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-prices-')), 'meter.db'));
  const catalog = loadCatalog();
  seedPriceCatalog(db, catalog);
  const shippedKeys = new Set(catalog.map(catalogKey));
  const isShippedCatalogRow = (r: Parameters<typeof catalogKey>[0]) => shippedKeys.has(catalogKey(r));
  const row = (input: string, effectiveFrom: string, model = 'accounts/fireworks/models/kimi-k3') =>
    newPriceSchema.parse({ model, servingPath: 'standard', region: 'global', inputUsdPerMtok: input, cachedInputUsdPerMtok: '0.3', outputUsdPerMtok: '15', effectiveFrom });
  // a 100x typo against the row it supersedes ($3.00 from 2026-09-01), and a model no call has used
  const typo = row('300', '2026-12-01');
  assert.deepEqual(priceWarnings(db, typo).map((w) => w.code), ['price_jump', 'unseen_model']);
  assert.match(priceWarnings(db, typo)[0]!.message, /input price is 100\.00x the row from 2026-09-01/);
  const added = addPrice(db, typo);
  // the same-day correction, in place
  const fixed = correctPrice(db, added.id, row('3.2', '2026-12-01'));
  assert.equal(fixed.id, added.id);
  assert.equal(fixed.inputMicrosPerMtok, 3_200_000);
  assert.deepEqual(priceWarnings(db, row('3.2', '2026-12-01'), added.id).map((w) => w.code), ['unseen_model'], 'a correction is not compared with itself');
  const kimi = markCurrent(listPrices(db, { q: 'models/kimi-k3' }), '2026-12-05').filter((p) => p.model === 'accounts/fireworks/models/kimi-k3' && p.servingPath === 'standard' && p.region === 'global');
  assert.deepEqual(kimi.filter((p) => p.current).map((p) => p.id), [added.id]);
  // moving it onto a date that already has a row is refused
  assert.throws(() => correctPrice(db, added.id, row('3.2', '2026-09-01')), DuplicatePriceError);
  // a shipped row would come back at the next start: corrected, never deleted
  const shipped = kimi.find((p) => p.effectiveFrom === '2026-09-01')!;
  assert.ok(isShippedCatalogRow(shipped));
  assert.throws(() => deletePrice(db, shipped.id, isShippedCatalogRow), CatalogPriceError);
  assert.equal(deletePrice(db, added.id, isShippedCatalogRow).id, added.id);
  db.$client.close();
});

it('prices new calls with a corrected row at once, though the table kept its size and its newest id', async () => {
  const { PriceBook } = await import('@/lib/pricing/price-book');
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-prices-book-')), 'meter.db'));
  const p = (input: string) =>
    newPriceSchema.parse({ model: 'accounts/x/models/y', servingPath: 'standard', region: 'global', inputUsdPerMtok: input, cachedInputUsdPerMtok: '0', outputUsdPerMtok: '0', effectiveFrom: '2026-01-01' });
  const row = addPrice(db, p('2'));
  const book = new PriceBook(db, 0);
  const q = { model: 'accounts/x/models/y', servingPath: 'standard' as const, region: 'global' as const, at: new Date('2026-06-01T00:00:00Z') };
  const tokens = { promptTokens: 1_000_000, cachedPromptTokens: 0, completionTokens: 0 };
  assert.equal(book.price(q, tokens).cost!.totalPico, 2_000_000_000_000);
  correctPrice(db, row.id, p('0.2'));
  assert.equal(book.price(q, tokens).cost!.totalPico, 200_000_000_000);
  db.$client.close();
});
