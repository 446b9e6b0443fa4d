import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetJson, parseBudgetInput, type Budget, type BudgetFields } from '@/lib/budgets/budget-schema';
import { forecastPeriodTotal, monthToDateComparison, type DailySpend } from '@/lib/budgets/forecast';
import { signBody } from '@/lib/budgets/delivery';
import { budgetEventBody, emailMessage, slackMessage, watchEventBody } from '@/lib/budgets/payload';
import { budgetPeriod, secondsUntil } from '@/lib/budgets/period';
import { blockedResponse, BudgetIndex, matchesScope, type CallDimensions } from '@/lib/budgets/scope';
import { eventsToFire } from '@/lib/budgets/thresholds';

const USD = 1_000_000_000_000n;
const iso = (s: string) => new Date(s);
const hours = (r: { start: Date; end: Date }) => (r.end.getTime() - r.start.getTime()) / 3_600_000;

const valid = { name: 'Prod', period: 'month', amountUsd: '100' };
const fields = (body: unknown): BudgetFields => {
  const r = parseBudgetInput(body);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const rejection = (body: unknown): string => {
  const r = parseBudgetInput(body);
  assert.equal(r.ok, false, `expected a rejection of ${JSON.stringify(body)}`);
  return r.ok ? '' : r.error;
};
const budget = (over: Partial<Budget> = {}): Budget => ({
  id: 1,
  name: 'Prod',
  scope: {},
  period: 'month',
  timeZone: 'UTC',
  amountPico: 5n * USD,
  thresholds: [0.5, 0.8, 1],
  action: 'block',
  channels: [],
  createdAt: iso('2026-01-01T00:00:00Z'),
  ...over,
});
const call = (over: Partial<CallDimensions> = {}): CallDimensions => ({
  team: 'search',
  project: 'ranker',
  environment: 'prod',
  apiKey: 'fp_1',
  model: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
  servingPath: 'standard',
  ...over,
});

describe('budget schema', () => {
  it('fills defaults and normalises: trimmed name, lists, exact pico amount, sorted unique thresholds', () => {
    const b = fields({ ...valid, name: '  Prod  ', scope: { team: 'search', model: ['m1', 'm1', ' m2 '] }, amountUsd: '0.000000000001', thresholds: [1, 0.5, 0.5, 2] });
    assert.equal(b.name, 'Prod');
    assert.deepEqual(b.scope, { team: ['search'], model: ['m1', 'm2'] });
    assert.equal(b.amountPico, 1n);
    assert.deepEqual(b.thresholds, [0.5, 1, 2]);
    const d = fields(valid);
    assert.equal(d.timeZone, 'UTC');
    assert.deepEqual(d.thresholds, [0.5, 0.8, 1]);
    assert.equal(d.action, 'alert');
    assert.deepEqual(d.channels, []);
    assert.deepEqual(d.scope, {});
    assert.equal(d.amountPico, 100n * USD);
    assert.equal(fields({ ...valid, timeZone: 'europe/berlin' }).timeZone, 'Europe/Berlin');
  });

  it('refuses an unknown scope key by name', () => {
    const msg = rejection({ ...valid, scope: { team: 'a', teem: 'b' } });
    assert.match(msg, /unknown scope key "teem"/);
    assert.match(msg, /team, project, environment, apiKey, model, servingPath/);
    assert.match(rejection({ ...valid, colour: 'red' }), /unknown budget field "colour"/);
  });

  it('refuses bad scope values with the key named', () => {
    assert.match(rejection({ ...valid, scope: { team: [] } }), /scope\.team must list at least one value/);
    assert.match(rejection({ ...valid, scope: { team: 5 } }), /scope\.team must be a string or a list of strings/);
    assert.match(rejection({ ...valid, scope: { servingPath: ['fast', 'warp'] } }), /scope\.servingPath values must be one of standard, priority/);
  });

  it('refuses amounts that are not plain positive decimals, each with its own message', () => {
    assert.match(rejection({ ...valid, amountUsd: '-5' }), /amountUsd must not be negative/);
    assert.match(rejection({ ...valid, amountUsd: '1e3' }), /not exponent notation/);
    assert.match(rejection({ ...valid, amountUsd: '2.5E-3' }), /not exponent notation/);
    assert.match(rejection({ ...valid, amountUsd: 'ten' }), /amountUsd must be decimal dollars such as "25"/);
    assert.match(rejection({ ...valid, amountUsd: '0x10' }), /amountUsd must be decimal dollars/);
    assert.match(rejection({ ...valid, amountUsd: 25 }), /amountUsd must be a string/);
    assert.match(rejection({ ...valid, amountUsd: '0.000' }), /amountUsd must be more than 0/);
    assert.match(rejection({ ...valid, amountUsd: '1.0000000000001' }), /at most 12 decimal places/);
  });

  it('refuses thresholds of 0 and above 10', () => {
    assert.match(rejection({ ...valid, thresholds: [0] }), /each threshold must be more than 0/);
    assert.match(rejection({ ...valid, thresholds: [0.5, 10.5] }), /each threshold must be at most 10/);
    assert.equal(fields({ ...valid, thresholds: [10] }).thresholds[0], 10);
  });

  it('refuses an unknown time zone, periods and actions outside the lists, and bad channels', () => {
    assert.match(rejection({ ...valid, timeZone: 'Mars/Olympus_Mons' }), /unknown time zone "Mars\/Olympus_Mons"/);
    assert.match(rejection({ ...valid, period: 'year' }), /period must be one of day, week, month/);
    assert.match(rejection({ ...valid, action: 'stop' }), /action must be alert or block/);
    assert.match(rejection({ ...valid, name: '   ' }), /name must not be empty/);
    const msg = rejection({ ...valid, channels: [{ type: 'webhook', url: 'ftp://example.com/x' }, { type: 'email', to: 'not-an-address' }, { type: 'pager' }] });
    assert.match(msg, /url must be an http:\/\/ or https:\/\/ URL/);
    assert.match(msg, /to must be an email address/);
    assert.match(msg, /each channel needs a type of webhook, slack or email/);
    assert.deepEqual(fields({ ...valid, channels: [{ type: 'slack', url: 'https://hooks.slack.com/services/x' }] }).channels, [{ type: 'slack', url: 'https://hooks.slack.com/services/x' }]);
  });

  it('turns a budget back into JSON with the exact amount', () => {
    const json = budgetJson(budget({ amountPico: 1_500_000n }));
    assert.equal(json.amountUsd, '0.0000015');
    assert.equal(json.createdAt, '2026-01-01T00:00:00.000Z');
    assert.doesNotThrow(() => JSON.stringify(json));
  });
});

describe('budget periods', () => {
  it('a UTC month runs from the 1st to the 1st', () => {
    const r = budgetPeriod('month', 'UTC', iso('2026-02-14T10:00:00Z'));
    assert.deepEqual(r, { start: iso('2026-02-01T00:00:00Z'), end: iso('2026-03-01T00:00:00Z') });
  });

  it('weeks start on Monday', () => {
    const sunday = budgetPeriod('week', 'UTC', iso('2026-03-01T23:59:59Z'));
    assert.deepEqual(sunday, { start: iso('2026-02-23T00:00:00Z'), end: iso('2026-03-02T00:00:00Z') });
    assert.deepEqual(budgetPeriod('week', 'UTC', iso('2026-03-02T00:00:00Z')).start, iso('2026-03-02T00:00:00Z'));
  });

  it('a Berlin day is 23 hours on the spring-forward day and 25 on the fall-back day', () => {
    const spring = budgetPeriod('day', 'Europe/Berlin', iso('2026-03-29T12:00:00Z'));
    assert.deepEqual(spring, { start: iso('2026-03-28T23:00:00Z'), end: iso('2026-03-29T22:00:00Z') });
    assert.equal(hours(spring), 23);
    assert.equal(hours(budgetPeriod('day', 'Europe/Berlin', iso('2026-10-25T12:00:00Z'))), 25);
  });

  it('a New York month starts at local midnight, in EST or EDT', () => {
    const march = budgetPeriod('month', 'America/New_York', iso('2026-03-15T12:00:00Z'));
    assert.deepEqual(march, { start: iso('2026-03-01T05:00:00Z'), end: iso('2026-04-01T04:00:00Z') });
    // 04:59 UTC on 1 March is still 28 February in New York
    assert.deepEqual(budgetPeriod('month', 'America/New_York', iso('2026-03-01T04:59:59Z')).start, iso('2026-02-01T05:00:00Z'));
  });

  it('a day without a midnight ends at the next local midnight', () => {
    // Santiago springs from 00:00 to 01:00 on 6 September 2026
    const r = budgetPeriod('day', 'America/Santiago', iso('2026-09-06T12:00:00Z'));
    assert.deepEqual(r, { start: iso('2026-09-06T04:00:00Z'), end: iso('2026-09-07T03:00:00Z') });
  });

  it('counts seconds up, never below 1', () => {
    const end = iso('2026-03-01T00:00:10Z');
    assert.equal(secondsUntil(end, iso('2026-03-01T00:00:08.200Z')), 2);
    assert.equal(secondsUntil(end, iso('2026-03-01T00:00:00Z')), 10);
    assert.equal(secondsUntil(end, end), 1);
    assert.equal(secondsUntil(end, iso('2026-03-01T00:01:00Z')), 1);
  });
});

describe('budget scope', () => {
  it('an empty scope is the whole account; each set key must hold the call value; null never matches', () => {
    assert.equal(matchesScope({}, call({ team: null })), true);
    assert.equal(matchesScope({ team: ['search', 'ads'] }, call()), true);
    assert.equal(matchesScope({ team: ['ads'] }, call()), false);
    assert.equal(matchesScope({ team: ['search'] }, call({ team: null })), false);
    assert.equal(matchesScope({ team: ['search'], servingPath: ['fast'] }, call()), false);
    assert.equal(matchesScope({ team: ['search'], servingPath: ['standard'], environment: ['prod'] }, call()), true);
  });
});

describe('budget enforcement', () => {
  const now = iso('2026-03-10T12:00:00Z');

  it('blocks exactly at the amount, not one pico-dollar below', () => {
    const index = new BudgetIndex();
    const b = budget();
    index.setBudgets([b], new Map([[1, 5n * USD - 1n]]), now);
    assert.equal(index.blockingBudget(call(), now), null);
    index.addSpend(call(), 1n, now);
    assert.equal(index.blockingBudget(call(), now), b);
  });

  it('blocks only block budgets whose scope covers the call', () => {
    const index = new BudgetIndex();
    const alert = budget({ id: 1, action: 'alert' });
    const ads = budget({ id: 2, scope: { team: ['ads'] } });
    const search = budget({ id: 3, scope: { team: ['search'] }, amountPico: 10n * USD });
    index.setBudgets([alert, ads, search], new Map([[1, 50n * USD], [2, 50n * USD], [3, 9n * USD]]), now);
    assert.equal(index.blockingBudget(call(), now), null);
    index.addSpend(call({ team: 'ads' }), 1n * USD, now);
    assert.equal(index.blockingBudget(call(), now), null, 'ads spend does not count against search');
    index.addSpend(call(), 1n * USD, now);
    assert.equal(index.blockingBudget(call(), now), search);
    assert.equal(index.blockingBudget(call({ team: null }), now), null);
  });

  it('forgets a past period: at the period end the spend is 0 until refreshed', () => {
    const index = new BudgetIndex();
    index.setBudgets([budget()], new Map([[1, 5n * USD]]), now);
    assert.ok(index.blockingBudget(call(), iso('2026-03-31T23:59:59.999Z')));
    const april = iso('2026-04-01T00:00:00Z');
    assert.equal(index.blockingBudget(call(), april), null);
    // a late call from March does not count in April
    index.addSpend(call(), 5n * USD, iso('2026-03-31T23:00:00Z'));
    assert.equal(index.blockingBudget(call(), april), null);
    assert.deepEqual(index.spend(april).map((s) => [s.period.start, s.spentPico]), [[april, 0n]]);
    index.addSpend(call(), 5n * USD, april);
    assert.ok(index.blockingBudget(call(), april));
  });

  it('a call recorded after the period turned starts the new period', () => {
    const index = new BudgetIndex();
    index.setBudgets([budget({ period: 'day', action: 'alert' })], new Map([[1, 3n * USD]]), now);
    index.addSpend(call(), 2n * USD, iso('2026-03-11T00:00:01Z'));
    assert.deepEqual(index.spend(iso('2026-03-11T01:00:00Z')).map((s) => s.spentPico), [2n * USD]);
  });

  it('refuses with a 402 that says which budget, how much and when it resets', () => {
    const r = blockedResponse(budget(), iso('2026-03-31T23:59:00Z'));
    assert.equal(r.status, 402);
    assert.deepEqual(r.headers, { 'content-type': 'application/json', 'retry-after': '60' });
    assert.equal(r.body, '{"error":{"type":"budget_exceeded","code":"budget_exceeded","message":"Budget \\"Prod\\" of $5.00 per month is used up; it resets at 2026-04-01T00:00:00.000Z."}}');
    const quoted = blockedResponse(budget({ name: 'Team "search"' }), iso('2026-03-31T23:59:00Z'));
    assert.equal(JSON.parse(quoted.body).error.message, 'Budget "Team "search"" of $5.00 per month is used up; it resets at 2026-04-01T00:00:00.000Z.');
    const tiny = blockedResponse(budget({ name: 'Tiny', period: 'day', amountPico: 1_000_000n }), iso('2026-03-10T12:00:00Z'));
    assert.equal(JSON.parse(tiny.body).error.message, 'Budget "Tiny" of $0.000001 per day is used up; it resets at 2026-03-11T00:00:00.000Z.');
    assert.equal(tiny.headers['retry-after'], String(12 * 3600));
  });
});

describe('budget thresholds', () => {
  const b = budget({ amountPico: 100n * USD, thresholds: [0.5, 0.8, 1, 1.5] });
  const period = budgetPeriod('month', 'UTC', iso('2026-03-10T00:00:00Z'));
  const check = (spentPico: bigint, fired: Set<string>, forecastPico: bigint | null = null) => {
    const events = eventsToFire({ budget: b, period, spentPico, forecastPico, fired, now: iso('2026-03-10T12:00:00Z') });
    for (const e of events) fired.add(e.id);
    return events.map((e) => `${e.type}${e.threshold === null ? '' : `@${e.threshold}`}`);
  };

  it('fires each threshold once per period, at the exact fraction', () => {
    const fired = new Set<string>();
    assert.deepEqual(check(50n * USD - 1n, fired), []);
    assert.deepEqual(check(50n * USD, fired), ['budget.threshold@0.5']);
    assert.deepEqual(check(60n * USD, fired), []);
    assert.deepEqual(check(100n * USD, fired), ['budget.threshold@0.8', 'budget.exceeded']);
    assert.deepEqual(check(100n * USD, fired), [], 'a re-run fires nothing');
    assert.deepEqual(check(150n * USD, fired), ['budget.threshold@1.5']);
    assert.deepEqual(check(200n * USD, fired), []);
  });

  it('fires a forecast once, only while spend is under the amount', () => {
    const fired = new Set<string>();
    assert.deepEqual(check(10n * USD, fired, 99n * USD), []);
    assert.deepEqual(check(10n * USD, fired, 100n * USD), ['budget.forecast']);
    assert.deepEqual(check(20n * USD, fired, 150n * USD), []);
    assert.deepEqual(check(100n * USD, new Set(), 150n * USD).includes('budget.forecast'), false);
  });

  it('gives ids that are the same on a re-run and differ per period', () => {
    const at = iso('2026-03-10T12:00:00Z');
    const [a] = eventsToFire({ budget: b, period, spentPico: 100n * USD, forecastPico: null, fired: new Set(), now: at });
    const [again] = eventsToFire({ budget: b, period, spentPico: 100n * USD, forecastPico: null, fired: new Set(), now: iso('2026-03-10T13:00:00Z') });
    const april = budgetPeriod('month', 'UTC', iso('2026-04-02T00:00:00Z'));
    const [next] = eventsToFire({ budget: b, period: april, spentPico: 100n * USD, forecastPico: null, fired: new Set(), now: at });
    assert.equal(a?.id, again?.id);
    assert.notEqual(a?.id, next?.id);
  });
});

describe('budget forecast', () => {
  const periodStart = iso('2026-03-01T00:00:00Z');
  const periodEnd = iso('2026-04-01T00:00:00Z');
  const days = (n: number, pico: (d: Date) => bigint): DailySpend[] =>
    Array.from({ length: n }, (_, i) => {
      const day = new Date(Date.UTC(2026, 2, 11 - n + i));
      return { day, pico: pico(day) };
    });

  it('stretches the period so far when there is no history', () => {
    const f = forecastPeriodTotal({ spentSoFarPico: 10n * USD, periodStart, periodEnd, now: iso('2026-03-11T00:00:00Z'), dailyHistory: [], timeZone: 'UTC' });
    assert.equal(f.method, 'linear from period so far');
    assert.equal(f.forecastPico, 31n * USD);
  });

  it('uses the mean daily rate of fewer than 14 days, ignoring today', () => {
    const history = [...days(10, () => 2n * USD), { day: iso('2026-03-11T00:00:00Z'), pico: 0n }];
    const f = forecastPeriodTotal({ spentSoFarPico: 20n * USD, periodStart, periodEnd, now: iso('2026-03-11T12:00:00Z'), dailyHistory: history, timeZone: 'UTC' });
    assert.equal(f.method, 'mean daily rate over the last 10 days');
    // 20.5 days left at $2
    assert.equal(f.forecastPico, 20n * USD + 41n * USD);
  });

  it('treats weekdays and weekends apart from 14 days on', () => {
    const weekend = (d: Date) => d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const history = days(14, (d) => (weekend(d) ? 1n * USD : 10n * USD));
    // Wednesday 11 March 00:00 to 1 April: 15 weekdays and 6 weekend days left
    const f = forecastPeriodTotal({ spentSoFarPico: 0n, periodStart, periodEnd, now: iso('2026-03-11T00:00:00Z'), dailyHistory: history, timeZone: 'UTC' });
    assert.equal(f.method, 'weekday/weekend daily rate over the last 14 days');
    assert.equal(f.forecastPico, 15n * 10n * USD + 6n * USD);
  });

  it('forecasts the spend itself once the period is over', () => {
    const f = forecastPeriodTotal({ spentSoFarPico: 7n, periodStart, periodEnd, now: periodEnd, dailyHistory: days(3, () => USD), timeZone: 'UTC' });
    assert.equal(f.forecastPico, 7n);
  });

  it('compares month to date with the same day last month, clamped to its length', () => {
    const c = monthToDateComparison(iso('2026-03-31T14:00:00Z'), 'UTC');
    assert.deepEqual(c.current, { start: iso('2026-03-01T00:00:00Z'), end: iso('2026-03-31T14:00:00Z') });
    assert.deepEqual(c.previous, { start: iso('2026-02-01T00:00:00Z'), end: iso('2026-02-28T14:00:00Z') });
    const berlin = monthToDateComparison(iso('2026-04-10T08:00:00Z'), 'Europe/Berlin');
    // 10:00 CEST on 10 April against 10:00 CET on 10 March
    assert.deepEqual(berlin.previous, { start: iso('2026-02-28T23:00:00Z'), end: iso('2026-03-10T09:00:00Z') });
  });
});

describe('budget payloads', () => {
  const b = budget({ id: 7, amountPico: 100n * USD, scope: { team: ['search'] } });
  const event = {
    id: 'budget:7:2026-03-01T00:00:00.000Z:budget.threshold:0.8',
    type: 'budget.threshold' as const,
    budgetId: 7,
    periodStart: iso('2026-03-01T00:00:00Z'),
    threshold: 0.8,
    spentPico: 80n * USD + 1n,
    forecastPico: 123_456_789_000_000n,
    at: iso('2026-03-20T09:30:00Z'),
  };

  it('carries exact decimal dollars and a link to the budget', () => {
    const body = budgetEventBody(event, b, 'https://meter.example.com/');
    assert.deepEqual(body, {
      id: event.id,
      type: 'budget.threshold',
      at: '2026-03-20T09:30:00.000Z',
      budget: { id: 7, name: 'Prod', scope: { team: ['search'] }, period: 'month', amountUsd: '100.000000', action: 'block' },
      periodStart: '2026-03-01T00:00:00.000Z',
      spentUsd: '80.000000000001',
      fraction: 0.8,
      threshold: 0.8,
      forecastUsd: '123.456789',
      url: 'https://meter.example.com/budgets?budget=7',
    });
  });

  it('signs the exact bytes with HMAC-SHA256', () => {
    // the RFC 4231-style public vector: HMAC_SHA256("key", "The quick brown fox jumps over the lazy dog")
    assert.equal(signBody('The quick brown fox jumps over the lazy dog', 'key'), 'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    assert.notEqual(signBody('{"a":1}', 'key'), signBody('{"a":1} ', 'key'));
  });

  it('writes a sentence for Slack and email, escaping Slack markup', () => {
    const body = budgetEventBody(event, { ...b, name: '<!channel> & co' }, 'https://meter.example.com');
    assert.equal(
      slackMessage(body).text,
      'Budget "&lt;!channel&gt; &amp; co" has reached 80% of $100.00 this month ($80.000000000001 spent). <https://meter.example.com/budgets?budget=7|Open in Fireworks Meter>',
    );
    const mail = emailMessage(budgetEventBody({ ...event, type: 'budget.exceeded', threshold: null, spentPico: 100n * USD }, b, 'https://m.example'));
    assert.equal(mail.subject, 'Fireworks Meter: budget "Prod" is used up');
    assert.match(mail.text, /^Budget "Prod" is used up: \$100\.00 spent of \$100\.00 this month\. Calls in its scope are refused until it resets\.\n\nhttps:\/\/m\.example\/budgets\?budget=7\n/);
  });

  it('shapes the other watches the same way, with a cleared variant', () => {
    const w = watchEventBody({ id: 'cache.drop:2026-03-20T09', type: 'cache.drop', cleared: true, at: iso('2026-03-20T10:00:00Z'), summary: 'Cache hit rate is back to 61%.' }, 'https://m.example');
    assert.deepEqual(w, { id: 'cache.drop:2026-03-20T09', type: 'cache.drop.cleared', at: '2026-03-20T10:00:00.000Z', url: 'https://m.example/cache', cleared: true, summary: 'Cache hit rate is back to 61%.', details: {} });
    assert.equal(emailMessage(w).subject, 'Fireworks Meter: cleared: Cache hit rate is back to 61%.');
  });
});
