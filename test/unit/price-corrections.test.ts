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
