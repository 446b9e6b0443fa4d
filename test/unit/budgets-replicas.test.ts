import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '@/db/client';
import { budgetInputSchema } from '@/lib/budgets/budget-schema';
import { BudgetMonitor } from '@/lib/budgets/monitor';
import { createBudget, replaceBudget } from '@/lib/budgets/store';
import { Recorder } from '@/lib/recorder/recorder';
import { requestFacts } from '../support/request-facts-for-budgets';

const USD = 1_000_000_000_000;
const now = Date.UTC(2026, 11, 1, 12);
const monitorOn = (db: ReturnType<typeof openDatabase>) =>
  new BudgetMonitor(db, { now: () => now, baseUrl: () => 'http://meter', delivery: { emailFrom: 'meter@localhost' }, log: () => undefined });

describe('budgets across replicas sharing one database', () => {
  it("a replica counts the calls another commits, and sees another's budget changes, when it follows the database", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-budget-replicas-')), 'meter.db');
    const a = openDatabase(file);
    const b = openDatabase(file); // another replica: its own connection
    const fields = budgetInputSchema.parse({ name: 'Team search', period: 'day', amountUsd: '1', thresholds: [1], action: 'block', scope: { team: 'search' } });
    const budget = await createBudget(b, fields, now);
    const monitor = monitorOn(a);
    await monitor.load();
    assert.equal((await monitor.state())[0]!.spentPico, 0n);

    // replica b records $0.60 for team search, then $0.40: replica a refuses the next call only once it has followed
    const recorder = new Recorder(b);
    const call = (i: number, pico: number) => ({
      startedAt: now - 1000 + i, durationMs: 5, endpoint: 'chat/completions', model: 'm', servingPath: 'standard' as const, region: 'global' as const, stream: false,
      status: 200, apiKey: 'k1', team: 'search', upstreamId: `c-${i}`, promptTokens: 10, cachedPromptTokens: 0, completionTokens: 1, costTotalPico: pico,
    });
    recorder.record(call(1, 0.6 * USD));
    recorder.flush();
    await monitor.follow();
    assert.equal((await monitor.state())[0]!.spentPico, BigInt(0.6 * USD));
    assert.equal(monitor.refuse(requestFacts('search'), new Date(now)), null);
    recorder.record(call(2, 0.4 * USD));
    recorder.record({ ...call(3, 5 * USD), team: 'other' });
    recorder.flush();
    await monitor.follow();
    assert.equal((await monitor.state())[0]!.spentPico, BigInt(USD), 'each call once, other teams not');
    assert.equal(monitor.refuse(requestFacts('search'), new Date(now))?.status, 402);
    await monitor.follow();
    assert.equal((await monitor.state())[0]!.spentPico, BigInt(USD), 'following again counts nothing twice');

    // replica b raises the amount: replica a reloads at its next look
    await replaceBudget(b, budget.id, { ...fields, amountPico: 2n * BigInt(USD) }, now);
    await monitor.followReplicas();
    const [state] = await monitor.state();
    assert.equal(state!.budget.amountPico, 2n * BigInt(USD));
    assert.equal(state!.spentPico, BigInt(USD), 'read again from the rollups: the same spend');
    assert.equal(monitor.refuse(requestFacts('search'), new Date(now)), null);
    recorder.close();
    await monitor.stop();
    a.$client.close();
    b.$client.close();
  });
});
