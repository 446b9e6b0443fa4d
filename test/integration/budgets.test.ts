import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { SMTPServer } from 'smtp-server';
import type { BudgetEventBody } from '@/lib/budgets/payload';
import type { BudgetView } from '@/lib/budgets/budget-view';
import { parseUsdToPico, picoToUsdString, sumPico } from '@/lib/money';
import type { Simulator } from '@/simulator/server';
import { startSimulator } from '@/simulator/server';
import { ADMIN_TOKEN, recordedRows, rowWhere, startMeterProcess, type MeterProcess } from './harness';
import { ENGINES, testDatabase } from './test-database';

const SECRET = 'webhook-secret-for-tests';
const MODEL = 'accounts/fireworks/models/kimi-k3';

interface Received {
  body: string;
  signature: string | undefined;
}

/** A webhook receiver on loopback that answers 500 to its first `failFirst` deliveries. */
async function receiver(failFirst = 0) {
  const accepted: Received[] = [];
  let refused = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (refused < failFirst) {
        refused++;
        res.writeHead(500).end('not yet');
        return;
      }
      accepted.push({ body, signature: req.headers['x-meter-signature'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, accepted, refusedCount: () => refused, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until<T>(what: string, get: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let sim: Simulator;
let meter: MeterProcess;
let smtp: SMTPServer;
let smtpPort = 0;
const mails: { to: string; text: string }[] = [];

const api = async <T,>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> => {
  const res = await fetch(`${meter.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
};

const client = () => new OpenAI({ apiKey: 'fw-budget-test-key', baseURL: `${meter.origin}/inference/v1`, maxRetries: 0 });
const callAs = (team: string, n: number) =>
  client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: `Budget test ${team} ${n}: say something.` }], max_tokens: 16 }, { headers: { 'fireworks-annotations': `team=${team}` } });

/** The exact spend of a team's recorded calls so far, from the raw rows (what the CSV would say). */
async function teamRows(team: string, atLeast: number) {
  const rows = await recordedRows(meter.db, 1);
  const mine = rows.filter((r) => r['team'] === team);
  if (mine.length >= atLeast) return mine;
  await new Promise((r) => setTimeout(r, 100));
  return teamRows(team, atLeast);
}

before(async () => {
  sim = await startSimulator({});
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let text = '';
      stream.on('data', (d: Buffer) => (text += d.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), text });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});

after(async () => {
  await sim.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

for (const engine of ENGINES) describe(`budgets through the real server (${engine})`, () => {
  before(async () => {
    mails.length = 0;
    meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, METER_WEBHOOK_SECRET: SECRET, SMTP_URL: `smtp://127.0.0.1:${smtpPort}?ignoreTLS=true` }, await testDatabase(engine));
  });
  after(async () => {
    await meter.stop();
    await meter.db.close();
  });

  it('refuses bad budgets with a readable 400', async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: 'x', period: 'month', amountUsd: '5', scope: { squad: 'a' } }, /unknown scope key "squad"/],
      [{ name: 'x', period: 'month', amountUsd: '-5' }, /must not be negative/],
      [{ name: 'x', period: 'month', amountUsd: '5e3' }, /exponent/],
      [{ name: 'x', period: 'month', amountUsd: '5', thresholds: [0] }, /more than 0/],
      [{ name: 'x', period: 'month', amountUsd: '5', thresholds: [10.5] }, /at most 10/],
      [{ name: 'x', period: 'month', amountUsd: '5', timeZone: 'Mars/Olympus' }, /unknown time zone/],
      [{ name: 'x', period: 'fortnight', amountUsd: '5' }, /period must be one of day, week, month/],
    ];
    for (const [body, message] of cases) {
      const res = await api<{ error: string }>('POST', '/api/v1/budgets', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.json.error, message);
    }
  });

  it('sends each threshold once, signed, with the exact spend, also to a receiver that fails twice first, and by email', async () => {
    const hook = await receiver();
    const flaky = await receiver(2);
    try {
      // one call first, to size the budget: about 4 calls' worth
      await callAs('alerts', 0);
      const [first] = await teamRows('alerts', 1);
      const amount = BigInt(first!.cost_total_pico!) * 4n;
      const created = await api<{ budget: BudgetView }>('POST', '/api/v1/budgets', {
        name: 'Alerts team', scope: { team: 'alerts' }, period: 'month', amountUsd: picoToUsdString(amount), thresholds: [0.5, 0.8, 1],
        channels: [{ type: 'webhook', url: hook.url }, { type: 'webhook', url: flaky.url }, { type: 'email', to: 'lead@example.com' }],
      });
      assert.equal(created.status, 201);
      assert.equal(created.json.budget.spentUsd, picoToUsdString(BigInt(first!.cost_total_pico!)), 'spend so far is counted at creation');
      for (let i = 1; i <= 6; i++) {
        await callAs('alerts', i);
        await teamRows('alerts', i + 1); // let the call be recorded before the next, as traffic spread out would be
      }
      const types = ['budget.threshold:0.5', 'budget.threshold:0.8', 'budget.exceeded'];
      const got = await until('three events at the receiver', () => hook.accepted.length >= 3 && hook.accepted);
      await until('three events at the flaky receiver', () => flaky.accepted.length >= 3 && flaky.accepted);
      await new Promise((r) => setTimeout(r, 1500)); // nothing more may arrive
      assert.equal(hook.accepted.length, 3, 'each threshold once');
      assert.equal(flaky.refusedCount(), 2);
      const rows = (await teamRows('alerts', 7)).sort((a, b) => Number(a['id']) - Number(b['id']));
      const prefix = rows.map((_, k) => sumPico(rows.slice(0, k + 1).map((r) => r.cost_total_pico)));
      const bodies = got.map((r) => {
        assert.equal(r.signature, `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`, 'signed over the exact bytes');
        return JSON.parse(r.body) as BudgetEventBody;
      });
      assert.deepEqual(bodies.map((b) => `${b.type}${b.threshold !== null && b.type === 'budget.threshold' ? `:${b.threshold}` : ''}`).sort(), types.sort());
      for (const b of bodies) {
        const spent = parseUsdToPico(b.spentUsd)!;
        assert.ok(prefix.includes(spent), `${b.type} carries the exact spend of the calls recorded so far (${b.spentUsd})`);
        assert.ok(spent * 10n >= amount * BigInt(Math.round((b.threshold ?? 1) * 10)), `${b.type} fired at or past its threshold`);
        assert.equal(b.budget.amountUsd, picoToUsdString(amount));
        assert.match(b.url, /\/budgets\?budget=\d+$/);
      }
      assert.deepEqual(new Set(flaky.accepted.map((r) => (JSON.parse(r.body) as BudgetEventBody).id)), new Set(bodies.map((b) => b.id)), 'the flaky receiver got every event once it recovered');
      await until('three emails', () => mails.filter((m) => m.to === 'lead@example.com').length >= 3);
      assert.ok(mails.some((m) => /Alerts team/.test(m.text)), 'the email names the budget');
      const inbox = await api<{ alerts: { type: string; deliveries: { delivered: boolean }[] }[] }>('GET', '/api/v1/alerts?type=budget.exceeded');
      assert.equal(inbox.json.alerts.length, 1);
      assert.ok(inbox.json.alerts[0]!.deliveries.every((d) => d.delivered));
    } finally {
      await hook.close();
      await flaky.close();
    }
  });

  it('blocks with 402 from exactly the call after the amount is reached, records the refusal, and lets calls through once its period is over', async () => {
    await callAs('blocked', 0);
    await callAs('blocked', 1);
    const before = await teamRows('blocked', 2);
    const spent = sumPico(before.map((r) => r.cost_total_pico));

    // one pico-dollar above what is spent: not used up yet
    const above = await api<{ budget: BudgetView }>('POST', '/api/v1/budgets', { name: 'Blocked team', scope: { team: 'blocked' }, period: 'day', amountUsd: picoToUsdString(spent + 1n), action: 'block' });
    assert.equal(above.status, 201);
    const id = above.json.budget.id;
    assert.equal(above.json.budget.status, 'warning', 'past the 80% threshold, under the amount');
    await callAs('blocked', 2); // allowed: spend was one pico-dollar short
    await teamRows('blocked', 3);
    await assert.rejects(callAs('blocked', 3), (error: unknown) => error instanceof OpenAI.APIError && error.status === 402);

    // exactly at the amount is used up too
    const exact = await api<{ budget: BudgetView }>('PUT', `/api/v1/budgets/${id}`, { name: 'Blocked team', scope: { team: 'blocked' }, period: 'day', amountUsd: picoToUsdString(sumPico((await teamRows('blocked', 3)).filter((r) => r.status === 200).map((r) => r.cost_total_pico))), action: 'block' });
    assert.equal(exact.status, 200);
    assert.equal(exact.json.budget.status, 'exceeded');
    const res = await fetch(`${meter.origin}/inference/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer fw-budget-test-key', 'content-type': 'application/json', 'fireworks-annotations': 'team=blocked' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 402);
    const periodEnd = Date.parse(exact.json.budget.periodEnd);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(Math.abs(Date.now() + retryAfter * 1000 - periodEnd) < 5000, 'retry-after counts down to the reset');
    assert.deepEqual(await res.json(), {
      error: {
        type: 'budget_exceeded', code: 'budget_exceeded',
        message: `Budget "Blocked team" of $${exact.json.budget.amountUsd} per day is used up; it resets at ${new Date(periodEnd).toISOString()}.`,
      },
    });
    // another team is not in scope
    await callAs('elsewhere', 0);

    const refused = await rowWhere(meter.db, (r) => r['team'] === 'blocked' && r.status === 402 && r['error_code'] === 'budget_exceeded');
    assert.equal(refused.cost_total_pico, null, 'no cost, and not $0: usage unknown');
    assert.equal(refused['budget_id'], id);
    await rowWhere(meter.db, (r) => r['team'] === 'blocked' && r.status === 402 && r['id'] !== refused['id']);
    const state = await api<{ budgets: BudgetView[] }>('GET', '/api/v1/budgets');
    assert.equal(state.json.budgets.find((b) => b.id === id)!.blockedCalls, 2);

    // the next day (Meter's clock moved past the period's end), the budget starts from nothing
    await meter.stop();
    meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, METER_CLOCK_OFFSET_MS: String(periodEnd - Date.now() + 1000) }, meter.db);
    await callAs('blocked', 4);
    const next = await api<{ budgets: BudgetView[] }>('GET', '/api/v1/budgets');
    const after = next.json.budgets.find((b) => b.id === id)!;
    assert.equal(after.periodStart, new Date(periodEnd).toISOString());
    assert.equal(after.blockedCalls, 0);
  });
});
