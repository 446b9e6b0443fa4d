import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactChannel, type Budget } from '@/lib/budgets/budget-schema';
import { BudgetIndex } from '@/lib/budgets/scope';
import { eventsToFire } from '@/lib/budgets/thresholds';

const USD = 1_000_000_000_000n;
const budget: Budget = {
  id: 1, name: 'Daily', scope: {}, period: 'day', timeZone: 'UTC', amountPico: 100n * USD, thresholds: [0.5, 0.8, 1], action: 'alert', channels: [], createdAt: new Date(0),
};
const call = { team: null, project: null, environment: null, apiKey: 'k', model: 'm', servingPath: 'standard' };

describe('budget state across a period boundary', () => {
  it('counts a call that began before midnight and was committed after it in the day it began, where it still alerts', () => {
    const index = new BudgetIndex();
    const lastSecond = new Date('2026-12-10T23:59:50Z');
    index.setBudgets([budget], new Map([[1, 99n * USD + USD / 2n]]), lastSecond);
    const after = new Date('2026-12-11T00:00:30Z');
    assert.equal(index.spend(after)[0]!.spentPico, 0n, 'the new day starts from nothing');
    index.addSpend(call, USD, lastSecond); // the stream that began at 23:59:50 is committed now
    assert.equal(index.spend(after)[0]!.spentPico, 0n, 'and does not count today');
    const [closed] = index.closedRecently(after, 15 * 60_000);
    assert.equal(closed!.spentPico, 100n * USD + USD / 2n);
    const events = eventsToFire({ ...closed!, forecastPico: null, fired: new Set(), now: after });
    assert.ok(events.some((e) => e.type === 'budget.exceeded' && e.periodStart.toISOString() === '2026-12-10T00:00:00.000Z'));
    assert.deepEqual(index.closedRecently(new Date('2026-12-11T00:20:00Z'), 15 * 60_000), [], 'checked for a while only');
  });

  it('alerts again at the new thresholds of a budget raised mid-period', () => {
    const period = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-02T00:00:00Z') };
    const now = new Date('2026-12-01T12:00:00Z');
    const fired = new Set(eventsToFire({ budget, period, spentPico: 100n * USD, forecastPico: null, fired: new Set(), now }).map((e) => e.id));
    const raised = { ...budget, amountPico: 200n * USD };
    const again = eventsToFire({ budget: raised, period, spentPico: 200n * USD, forecastPico: null, fired, now });
    assert.deepEqual(again.map((e) => e.type), ['budget.threshold', 'budget.threshold', 'budget.exceeded']);
  });
});

it('shows a viewer only the host of a webhook and the domain of an address', () => {
  assert.deepEqual(redactChannel({ type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/secret' }), { type: 'slack', url: 'https://hooks.slack.com/…' });
  assert.deepEqual(redactChannel({ type: 'email', to: 'lead@example.com' }), { type: 'email', to: '…@example.com' });
});
