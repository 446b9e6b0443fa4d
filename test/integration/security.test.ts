import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TOKEN, startMeterProcess, withSimulator, type MeterProcess } from './harness';
import { ENGINES, testDatabase } from './test-database';
import { rawRequest } from './load';

const VIEWER_TOKEN = 'test-viewer-token-0123456789';
const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every page and API route the app has, read from app/ so a new one is swept too. */
function appRoutes(): { pages: string[]; apis: string[] } {
  const pages: string[] = [];
  const apis: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      const route = '/' + path.relative(path.join(ROOT, 'app'), dir).split(path.sep).filter((s) => s && !s.startsWith('(')).map((s) => (s.startsWith('[') ? '1' : s)).join('/');
      if (entry.name === 'page.tsx') pages.push(route);
      if (entry.name === 'route.ts') apis.push(route);
    }
  };
  walk(path.join(ROOT, 'app'));
  return { pages, apis };
}

const traversals = (target: string) => {
  const t = target.slice(1);
  return [
    `/${t}`,
    `/_next/static/../../${t}`,
    `/_next/static/%2e%2e/%2e%2e/${t}`,
    `/_next/static/%2E%2E/%2e%2E/${t}`,
    `/_next/static/.%2e/%2e./${t}`,
    `/_next/static/chunks/../../../${t}`,
    `/_next/static/./../../${t}`,
    `//${t}`,
    `/_next/static//..//..//${t}`,
    `/login/../${t}`,
    `/healthz/../${t}`,
    `/api/login/../../${t}`,
    `/favicon.ico/%2e%2e/${t}`,
    `/_next/static/..%2f..%2f${t}`,
    `/_next/static/..\\..\\${t}`,
    `/./${t}`,
  ];
};

for (const engine of ENGINES) describe(`the gate (${engine})`, () => {
  let meter: MeterProcess;
  before(async () => {
    meter = await startMeterProcess({ METER_VIEWER_TOKEN: VIEWER_TOKEN, TRUSTED_PROXIES: '127.0.0.1', MAX_REQUEST_BODY_BYTES: String(1024 * 1024) }, await testDatabase(engine));
  });
  after(async () => {
    await meter.stop();
    await meter.db.close();
  });

  it('lets nothing through without a token, however the path is spelt', async () => {
    const { pages, apis } = appRoutes();
    assert.ok(pages.length >= 7 && apis.length >= 20, `found ${pages.length} pages, ${apis.length} routes`);
    const targets = [...pages.filter((p) => p !== '/login'), ...apis.map((a) => `${a}?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z`)];
    let tried = 0;
    for (const target of targets) {
      for (const url of traversals(target)) {
        for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
          if (method !== 'GET' && !target.startsWith('/api/')) continue;
          const res = await rawRequest(meter.origin, method, url, { 'content-type': 'application/json' }, method === 'GET' ? '' : '{}');
          tried++;
          assert.ok([302, 401, 404].includes(res.status), `${method} ${url} answered ${res.status}: ${res.body.slice(0, 200)}`);
          if (res.status === 302) assert.match(res.head, /\r\nlocation: \/login\?next=/i, url);
          assert.doesNotMatch(res.body, /upstream_id|Overview|"apiKeys"|"prices"/, url);
        }
      }
    }
    console.log(`traversal sweep: ${tried} requests, every one refused`);
  });

  it('exchanges the token for a session cookie, never the token itself, and keeps Secure for https', async () => {
    const link = await rawRequest(meter.origin, 'GET', `/api/login?token=${ADMIN_TOKEN}&next=%2Fsettings`);
    assert.equal(link.status, 303);
    assert.match(link.head, /\r\nlocation: \/settings\r\n/i);
    const cookie = /\r\nset-cookie: (meter_session=[^;]+);([^\r]*)/i.exec(link.head);
    assert.ok(cookie, link.head);
    assert.ok(!cookie[0].includes(ADMIN_TOKEN));
    assert.match(cookie[2]!, /HttpOnly/);
    assert.match(cookie[2]!, /SameSite=Lax/);
    assert.doesNotMatch(cookie[2]!, /Secure/);
    const page = await rawRequest(meter.origin, 'GET', '/api/v1/settings/api-keys', { cookie: cookie[1]! });
    assert.equal(page.status, 200);

    const viaHttps = await rawRequest(meter.origin, 'GET', `/api/login?token=${ADMIN_TOKEN}`, { 'x-forwarded-proto': 'https' });
    assert.match(viaHttps.head, /set-cookie: meter_session=[^\r]*; Secure/i);
  });

  it('refuses a `next` that leaves the site, and answers malformed input with 400, never 500 or a hang', async () => {
    for (const next of ['%2F%09%2Fevil.example%2Fphish', '%2F%0a%2Fevil.example', '%2F%2Fevil.example', 'https%3A%2F%2Fevil.example', '%2F%5Cevil.example']) {
      const res = await rawRequest(meter.origin, 'GET', `/api/login?token=${ADMIN_TOKEN}&next=${next}`);
      assert.equal(res.status, 400, `${next}: ${res.head}`);
      assert.match(res.body, /next/);
      assert.doesNotMatch(res.head, /evil/);
    }
    const json = { 'content-type': 'application/json' };
    assert.equal((await rawRequest(meter.origin, 'POST', '/api/login', json, JSON.stringify({ token: ADMIN_TOKEN, next: '/\n/evil' }))).status, 400);
    assert.equal((await rawRequest(meter.origin, 'POST', '/api/login', json, '{"token":')).status, 400);
    assert.equal((await rawRequest(meter.origin, 'POST', '/api/login', json, JSON.stringify({ token: 42 }))).status, 400);
    const badCookie = await rawRequest(meter.origin, 'GET', '/api/v1/settings/api-keys', { cookie: 'meter_session=%E0%A4%A' });
    assert.equal(badCookie.status, 400);
    assert.match(badCookie.head, /set-cookie: meter_session=;/i);
    const otherBadCookie = await rawRequest(meter.origin, 'GET', '/api/v1/settings/api-keys', { cookie: 'x=%E0%A4%A', authorization: `Bearer ${ADMIN_TOKEN}` });
    assert.equal(otherBadCookie.status, 200);
  });

  it('slows wrong logins per address', async () => {
    const json = { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' };
    for (let i = 0; i < 3; i++) assert.equal((await rawRequest(meter.origin, 'POST', '/api/login', json, JSON.stringify({ token: 'wrong-token-wrong-token' }))).status, 401);
    const slowed = await rawRequest(meter.origin, 'POST', '/api/login', json, JSON.stringify({ token: 'wrong-token-wrong-token' }));
    assert.equal(slowed.status, 429);
    assert.match(slowed.head, /retry-after: \d+/i);
    const right = await rawRequest(meter.origin, 'POST', '/api/login', json, JSON.stringify({ token: ADMIN_TOKEN }));
    assert.equal(right.status, 429, 'even the right token waits out the delay');
    const elsewhere = await rawRequest(meter.origin, 'POST', '/api/login', { ...json, 'x-forwarded-for': '203.0.113.10' }, JSON.stringify({ token: ADMIN_TOKEN }));
    assert.equal(elsewhere.status, 200);
  });

  it('gives the viewer token reads and exports, and refuses every change with 403', async () => {
    const viewer = { authorization: `Bearer ${VIEWER_TOKEN}`, 'content-type': 'application/json' };
    assert.equal((await rawRequest(meter.origin, 'GET', '/api/v1/overview?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', viewer)).status, 200);
    assert.equal((await rawRequest(meter.origin, 'GET', '/api/v1/requests.csv?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', viewer)).status, 200);
    for (const [method, url, body] of [
      ['PUT', '/api/v1/settings/api-keys', { apiKey: 'k', label: 'x' }],
      ['POST', '/api/v1/settings/prices', {}],
      ['POST', '/api/v1/settings/reprice', { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', apply: true }],
      ['DELETE', '/api/v1/sessions/1', undefined],
    ] as const) {
      const res = await rawRequest(meter.origin, method, url, viewer, body === undefined ? '' : JSON.stringify(body));
      assert.equal(res.status, 403, `${method} ${url}`);
      assert.match(res.body, /admin/);
    }
  });

  it('requires a same-origin Origin for changes made with a session cookie, and audits them', async () => {
    const login = await rawRequest(meter.origin, 'GET', `/api/login?token=${ADMIN_TOKEN}`);
    const cookie = /set-cookie: (meter_session=[^;]+)/i.exec(login.head)![1]!;
    const body = JSON.stringify({ apiKey: 'abcd1234…wxyz', label: 'Search prod', team: 'search' });
    const base = { cookie, 'content-type': 'application/json' };
    assert.equal((await rawRequest(meter.origin, 'PUT', '/api/v1/settings/api-keys', base, body)).status, 403, 'no Origin');
    assert.equal((await rawRequest(meter.origin, 'PUT', '/api/v1/settings/api-keys', { ...base, origin: 'http://evil.example' }, body)).status, 403, 'foreign Origin');
    const host = new URL(meter.origin).host;
    assert.equal((await rawRequest(meter.origin, 'PUT', '/api/v1/settings/api-keys', { ...base, origin: `http://${host}` }, body)).status, 200);
    const audit = JSON.parse((await rawRequest(meter.origin, 'GET', '/api/v1/settings/audit', { cookie })).body) as { entries: { action: string; role: string; sessionId: number; after: { label: string } }[] };
    const entry = audit.entries.find((e) => e.action === 'api_key_label.save');
    assert.equal(entry?.role, 'admin');
    assert.ok(entry?.sessionId);
    assert.equal(entry?.after.label, 'Search prod');
  });

  it('lists and revokes sessions, and logs out', async () => {
    const login = async () => /set-cookie: (meter_session=[^;]+)/i.exec((await rawRequest(meter.origin, 'GET', `/api/login?token=${ADMIN_TOKEN}`)).head)![1]!;
    const mine = await login();
    const other = await login();
    const origin = `http://${new URL(meter.origin).host}`;
    const listed = async (cookie: string) => (JSON.parse((await rawRequest(meter.origin, 'GET', '/api/v1/sessions', { cookie })).body) as { sessions: { id: number; current: boolean }[] }).sessions;
    const otherId = (await listed(other)).find((s) => s.current)!.id;
    assert.ok((await listed(mine)).some((s) => s.id === otherId && !s.current));
    assert.equal((await rawRequest(meter.origin, 'DELETE', `/api/v1/sessions/${otherId}`, { cookie: mine, origin })).status, 200);
    assert.equal((await rawRequest(meter.origin, 'GET', '/api/v1/settings/api-keys', { cookie: other })).status, 401, 'revoked');
    assert.equal((await rawRequest(meter.origin, 'DELETE', `/api/v1/sessions/${otherId}`, { cookie: mine, origin })).status, 404, 'already ended');
    const audit = JSON.parse((await rawRequest(meter.origin, 'GET', '/api/v1/settings/audit', { cookie: mine })).body) as { entries: { action: string; target: string }[] };
    assert.equal(audit.entries.filter((e) => e.action === 'session.revoke' && e.target === String(otherId)).length, 1, 'one audit entry, for the revoke that ended a session');
    assert.equal((await rawRequest(meter.origin, 'GET', '/api/v1/settings/api-keys', { cookie: mine })).status, 200);
    const out = await rawRequest(meter.origin, 'POST', '/api/logout', { cookie: mine, origin });
    assert.equal(out.status, 303);
    assert.match(out.head, /location: \/login/i);
    assert.equal((await rawRequest(meter.origin, 'GET', '/api/v1/settings/api-keys', { cookie: mine })).status, 401, 'logged out');
  });

  it('says only ok on /healthz without a token, and puts security headers on every dashboard response', async () => {
    const open = await rawRequest(meter.origin, 'GET', '/healthz');
    assert.deepEqual(JSON.parse(open.body), { ok: true });
    const detailed = JSON.parse((await rawRequest(meter.origin, 'GET', '/healthz', { authorization: `Bearer ${VIEWER_TOKEN}` })).body) as Record<string, unknown>;
    assert.equal(detailed.pendingRecords, 0);
    const page = await rawRequest(meter.origin, 'GET', '/login');
    assert.equal(page.status, 200);
    assert.match(page.head, /content-security-policy: default-src 'self'/i);
    assert.match(page.head, /frame-ancestors 'none'/i);
    assert.match(page.head, /x-frame-options: DENY/i);
    assert.match(page.head, /x-content-type-options: nosniff/i);
    assert.match(page.head, /referrer-policy: /i);
  });

  it('answers 411 to a chunked body on the dashboard, whose size it cannot bound in advance', async () => {
    const { hostname, port } = new URL(meter.origin);
    const socket = (await import('node:net')).connect(Number(port), hostname);
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.write(`PUT /api/v1/settings/api-keys HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n`);
    await new Promise((r) => socket.on('close', r));
    assert.match(data, /^HTTP\/1\.1 411 /);
    assert.match(data, /Content-Length/);
  });

  it('answers 413 to an oversized body on the dashboard', async () => {
    const res = await rawRequest(meter.origin, 'PUT', '/api/v1/settings/api-keys', { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, 'x'.repeat(1024 * 1024 + 1));
    assert.equal(res.status, 413);
  });
});

describe('the proxy', () => {
  it('answers 413 to bodies over the cap, declared or streamed, and adds nosniff to upstream responses', async () => {
    await withSimulator({}, async (sim) => {
      const meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, MAX_REQUEST_BODY_BYTES: String(1024 * 1024) });
      try {
        const big = JSON.stringify({ model: 'accounts/fireworks/models/kimi-k3', messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] });
        const declared = await fetch(`${meter.origin}/inference/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer fw_k', 'content-type': 'application/json' }, body: big });
        assert.equal(declared.status, 413);
        assert.equal(((await declared.json()) as { error: { code: string } }).error.code, 'request_too_large');
        const streamed = await fetch(`${meter.origin}/inference/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer fw_k', 'content-type': 'application/json' },
          body: new Blob([big]).stream(),
          duplex: 'half',
        } as RequestInit);
        assert.equal(streamed.status, 413);
        const models = await fetch(`${meter.origin}/inference/v1/models`, { headers: { authorization: 'Bearer fw_k' } });
        assert.equal(models.headers.get('x-content-type-options'), 'nosniff');
      } finally {
        await meter.stop();
      }
    });
  });
});
