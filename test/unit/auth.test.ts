import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '@/db/client';
import { audited, listAuditLog } from '@/lib/audit/audit-log';
import { cookieValue } from '@/lib/auth/cookies';
import { LoginThrottle } from '@/lib/auth/login-throttle';
import { nextPath } from '@/lib/auth/next-path';
import { requestPath } from '@/lib/auth/request-path';
import { createSession, findSession, listSessions, revokeSession } from '@/lib/auth/sessions';
import { roleForToken } from '@/lib/auth/tokens';

const tempDb = () => openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-auth-')), 'meter.db'));

describe('request path', () => {
  it('refuses every way of spelling a dot segment or a hidden separator', () => {
    for (const url of [
      '/_next/static/../../api/v1/requests.csv',
      '/_next/static/%2e%2e/%2e%2e/api/v1/requests.csv',
      '/_next/static/%2E%2e/x',
      '/_next/static/chunks/../../../x',
      '/./settings',
      '/api/v1/.',
      '//api/v1/overview',
      '/_next/static//../settings',
      '/_next/static/..%2fapi',
      '/_next/static/..%5capi',
      '/_next/static/..\\api',
      '/_next/static/%252e%252e/api',
      '/api/%00',
      '/bad%e0%a4%a',
      'http://evil/api/v1/overview',
      '*',
    ]) {
      assert.equal(requestPath(url).ok, false, url);
    }
  });

  it('passes ordinary paths and keeps the query apart', () => {
    assert.deepEqual(requestPath('/api/v1/overview?from=a&to=..'), { ok: true, pathname: '/api/v1/overview', search: '?from=a&to=..' });
    assert.equal(requestPath('/_next/static/chunks/app-1.2.js').ok, true);
    assert.equal(requestPath('/settings/').ok, true);
  });
});

describe('next after login', () => {
  it('accepts only paths on our own origin', () => {
    assert.deepEqual(nextPath('/requests?from=x#a'), { ok: true, path: '/requests?from=x#a' });
    assert.deepEqual(nextPath(undefined), { ok: true, path: '/' });
    for (const bad of ['/\t/evil.example/phish', '/\n/evil.example', '//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', 'evil', 42, ['/']]) {
      assert.equal(nextPath(bad).ok, false, JSON.stringify(bad));
    }
  });
});

describe('cookies', () => {
  it('never throws on malformed values and never decodes', () => {
    assert.equal(cookieValue('a=%E0%A4%A; meter_session=abc', 'meter_session'), 'abc');
    assert.equal(cookieValue('meter_session=%E0%A4%A', 'meter_session'), '%E0%A4%A');
    assert.equal(cookieValue(undefined, 'x'), undefined);
  });
});

describe('tokens', () => {
  it('gives admin or viewer, and nothing for anything else', () => {
    const tokens = { admin: 'admin-token-0123456789', viewer: 'viewer-token-0123456789' };
    assert.equal(roleForToken('admin-token-0123456789', tokens), 'admin');
    assert.equal(roleForToken('viewer-token-0123456789', tokens), 'viewer');
    assert.equal(roleForToken('admin-token-012345678', tokens), undefined);
    assert.equal(roleForToken('', tokens), undefined);
    assert.equal(roleForToken('viewer-token-0123456789', { admin: tokens.admin }), undefined);
  });
});

describe('login throttle', () => {
  it('lets three wrong tokens through, then doubles the wait per address; a right one clears it', () => {
    const throttle = new LoginThrottle();
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.retryAfterMs('1.2.3.4', t), 0);
      throttle.failed('1.2.3.4', t);
    }
    assert.equal(throttle.retryAfterMs('1.2.3.4', t), 1000);
    throttle.failed('1.2.3.4', t + 1000);
    assert.equal(throttle.retryAfterMs('1.2.3.4', t + 1000), 2000);
    assert.equal(throttle.retryAfterMs('5.6.7.8', t), 0, 'other addresses are not slowed');
    throttle.succeeded('1.2.3.4');
    assert.equal(throttle.retryAfterMs('1.2.3.4', t + 1000), 0);
  });
});

describe('sessions', () => {
  it('stores only a hash, expires, and can be revoked', async () => {
    const db = tempDb();
    const now = Date.UTC(2026, 11, 1);
    const { id, secret } = await createSession(db, { role: 'viewer', ttlMs: 3_600_000, clientAddress: '127.0.0.1', userAgent: 'test', now });
    assert.deepEqual(await findSession(db, secret, now + 1000), { id, role: 'viewer', expiresAt: now + 3_600_000 });
    assert.equal(await findSession(db, secret, now + 3_600_001), undefined, 'expired');
    const stored = JSON.stringify(db.$client.prepare('SELECT * FROM sessions').all());
    assert.ok(!stored.includes(secret), 'the secret itself is not stored');
    assert.equal((await listSessions(db, now)).length, 1);
    assert.equal(await revokeSession(db, id, now + 2000), true);
    assert.equal(await findSession(db, secret, now + 3000), undefined, 'revoked');
    assert.equal(await revokeSession(db, id, now + 4000), false);
    assert.equal(await findSession(db, 'x'.repeat(43), now), undefined);
  });

  it('audits a change with who, what, before and after', async () => {
    const db = tempDb();
    const result = await audited(db, { role: 'admin', sessionId: 7 }, { action: 'api_key_label.save', target: 'k1', before: null, apply: async () => ({ label: 'Search' }) });
    assert.deepEqual(result, { label: 'Search' });
    const [entry] = await listAuditLog(db);
    assert.equal(entry?.role, 'admin');
    assert.equal(entry?.sessionId, 7);
    assert.equal(entry?.action, 'api_key_label.save');
    assert.deepEqual(entry?.after, { label: 'Search' });
    assert.equal(entry?.before, null);
  });
});
