import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { openDatabase } from '@/db/client';
import { listAuditLog } from '@/lib/audit/audit-log';
import { loadCatalog } from '@/lib/pricing/catalog';
import { RepriceBusyError } from '@/lib/pricing/reprice';
import { cancelRepriceJob, currentRepriceJob, startRepriceJob } from '@/lib/pricing/reprice-job';
import { seedPriceCatalog } from '@/lib/pricing/seed';

it('applies a re-pricing in the background, with progress, one at a time, and stops it when asked', async () => {
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-job-')), 'meter.db'));
  await seedPriceCatalog(db, loadCatalog());
  const T0 = Date.UTC(2026, 10, 2);
  const insert = db.$client.prepare(`INSERT INTO requests (started_at, duration_ms, endpoint, model, serving_path, region, stream, status, api_key, prompt_tokens, cached_prompt_tokens, completion_tokens)
    VALUES (?, 1, 'chat/completions', 'accounts/fireworks/models/kimi-k3', 'standard', 'global', 0, 200, 'k', 100, 0, 10)`);
  db.$client.transaction(() => {
    for (let i = 0; i < 12_000; i++) insert.run(T0 + i * 1000);
  })();
  const actor = { role: 'admin' as const };
  const request = { from: new Date(T0), to: new Date(T0 + 86_400_000), apply: true as const };

  const job = await startRepriceJob(db, actor, request, 12_000);
  assert.equal(job.state, 'running');
  await assert.rejects(startRepriceJob(db, actor, request, 12_000), RepriceBusyError, 'one at a time');
  while (currentRepriceJob()!.state === 'running') await sleep(10);
  assert.equal(currentRepriceJob()!.state, 'done');
  assert.equal(currentRepriceJob()!.done, 12_000);
  assert.equal(currentRepriceJob()!.result!.totals.changed, 12_000, 'every unpriced call got its price');
  assert.equal((await listAuditLog(db))[0]!.action, 'history.reprice');

  // a second run, stopped at once: it ends after its first page, the rest untouched
  db.$client.exec('UPDATE requests SET price_id = NULL, cost_total_pico = NULL');
  await startRepriceJob(db, actor, request, 12_000);
  assert.equal(cancelRepriceJob(), true);
  while (currentRepriceJob()!.state === 'running') await sleep(10);
  assert.equal(currentRepriceJob()!.state, 'cancelled');
  assert.ok(currentRepriceJob()!.done < 12_000, `${currentRepriceJob()!.done} calls`);
  assert.match((await listAuditLog(db))[0]!.target!, /cancelled part way/);
  assert.equal(cancelRepriceJob(), false, 'nothing left to stop');
  db.$client.close();
});
