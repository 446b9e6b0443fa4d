// Settings, key teams and login sessions on PostgreSQL (a throwaway cluster, test/support/postgres.ts),
// through the same functions as on SQLite: sessions through the login handler and the gate, labels
// and the billing zone saved and audited in one transaction, a label saved through one pool reaching
// a KeyTeams on another within a refresh, and the background re-stamping giving the same rows and
// rollups as on SQLite, also with two replicas and a per-key re-stamp running at once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PostgresDatabase } from '@/db/client-pg';
import { openDatabase, type Db } from '@/db/client';
import type { MeterDb } from '@/db/database';
import type { NewRequestRow } from '@/db/schema';
import { pgRows } from '@/lib/analytics/engine/dialect';
import { audited, listAuditLog } from '@/lib/audit/audit-log';
import { LoginThrottle } from '@/lib/auth/login-throttle';
import { createSession, findSession, listSessions, revokeSession, SESSION_COOKIE } from '@/lib/auth/sessions';
import { tableVersion } from '@/lib/change-check';
import { writeBatchPg } from '@/lib/recorder/pg-batch-writer';
import { newRecordId } from '@/lib/recorder/record-id';
import { Recorder } from '@/lib/recorder/recorder';
import { decideAccess } from '@/lib/server/gate';
import { handleLogin, handleLogout, type LoginContext } from '@/lib/server/login';
import { API_KEY_LABELS_TABLE, apiKeyLabel, listApiKeyLabels, saveApiKeyLabel } from '@/lib/settings/api-key-labels';
import { billingTimeZone, setBillingTimeZone } from '@/lib/settings/billing';
import { applyKeyTeams, KEY_TEAMS_TASK, KeyTeams, runPendingKeyTeams } from '@/lib/settings/key-teams';
import { usePostgresDatabases } from '../support/postgres-databases';
import { assertPgRollupsMatchRaw, assertSameRollups } from '../support/postgres-rollups';
import { assertRollupsMatchRaw } from '../support/rollups';

const ADMIN = { role: 'admin' as const, sessionId: 3 };
const TOKENS = { admin: 'admin-token-0123456789', viewer: 'viewer-token-0123456789' };

const T0 = Date.UTC(2026, 10, 17);
const KEYS = ['3f2a9c1b…a1x9', '77b0e4d2…k2p0', 'c09d1e5f…s7q1', '5e6f7a8b…g3m4', '0d9e8f7a…e5v6'];

/**
 * Calls over three days from five keys: a third with no annotated team, a third with a key team
 * from Settings gone stale, a third annotated (never re-stamped); errors, sessions, rate limits and
 * costs with pico-dollars below a micro-dollar, so every rollup table has rows.
 */
function calls(n: number): NewRequestRow[] {
  return Array.from({ length: n }, (_, i): NewRequestRow => {
    const ok = i % 13 !== 0;
    const prompt = 100 + ((i * 37) % 4000);
    return {
      recordId: newRecordId(T0 + i),
      startedAt: T0 + Math.floor((i * 3 * 86_400_000) / n) + ((i * 7919) % 60_000),
      durationMs: 100 + (i % 50),
      endpoint: i % 7 === 0 ? 'embeddings' : 'chat/completions',
      model: i % 2 ? 'm/a' : 'm/b',
      servingPath: i % 5 === 0 ? 'priority' : 'standard',
      region: 'global',
      stream: i % 2 === 0,
      status: ok ? 200 : 429,
      apiKey: KEYS[(i * 7) % KEYS.length]!,
      ...(i % 3 === 0 ? { team: null, teamSource: null } : i % 3 === 1 ? { team: 'old-team', teamSource: 'api_key' } : { team: 'annotated', teamSource: 'annotation' }),
      project: i % 4 === 0 ? 'ranker' : null,
      sessionAffinity: i % 2 === 0 ? `s${i % 11}` : null,
      limitPromptTpm: ok ? 3_600_000 : null,
      remainingPromptTokens: ok ? 3_000_000 - ((i * 9_973) % 2_000_000) : null,
      promptTokens: ok ? prompt : null,
      cachedPromptTokens: ok ? Math.floor(prompt * ((i % 10) / 10)) : null,
      completionTokens: ok ? 20 + (i % 300) : null,
      costTotalPico: ok ? 1_000_000 * (1000 + i * 13) + ((i * 104_729) % 1_000_000) : null,
      cacheSavingsPico: ok ? 1_000_000 * (i % 90) + ((i * 7) % 1_000_000) : null,
      standardCostPico: ok && i % 5 === 0 ? 1_000_000 * (800 + i * 11) + 123 : null,
    };
  });
}

/** The same calls recorded by the SQLite Recorder into a fresh file: the reference. */
function sqliteWith(rows: readonly NewRequestRow[]): { db: Db; dispose(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-pgset-'));
  const db = openDatabase(path.join(dir, 'meter.db'));
  const recorder = new Recorder(db, { log: () => {} });
  for (const row of rows) recorder.record({ ...row });
  recorder.close();
  return {
    db,
    dispose() {
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request as the gate sees it (it reads only the URL, the method and the headers). */
const request = (url: string, headers: Record<string, string> = {}) => ({ url, method: 'GET', headers }) as unknown as IncomingMessage;

describe('settings, key teams and sessions on PostgreSQL', () => {
  const databases = usePostgresDatabases('settings');
  /** A fresh migrated database on the cluster, and `pools` pools on it (one per "replica"). */
  const freshDatabase = async (pools = 1) => (await databases.fresh(pools)).pools;

  it('creates, finds, expires, lists and revokes sessions; the gate and the login handler use them', async () => {
    const [{ db }] = (await freshDatabase()) as [PostgresDatabase];
    const now = Date.UTC(2026, 11, 1);
    const { id, secret, expiresAt } = await createSession(db, { role: 'viewer', ttlMs: 3_600_000, clientAddress: '127.0.0.1', userAgent: 'test', now });
    assert.equal(expiresAt, now + 3_600_000);
    assert.deepEqual(await findSession(db, secret, now + 1000), { id, role: 'viewer', expiresAt });
    assert.equal(await findSession(db, secret, now + 3_600_001), undefined, 'expired');
    const [stored] = await pgRows<Record<string, unknown>>(db.$client, 'SELECT * FROM sessions', []);
    assert.ok(!JSON.stringify(stored).includes(secret), 'the secret itself is not stored');
    await findSession(db, secret, now + 120_000);
    assert.equal(stored?.last_seen_at, now);
    assert.equal((await listSessions(db, now + 120_001))[0]?.lastSeenAt, now + 120_000, 'a lookup a minute on refreshes last seen');
    assert.deepEqual((await listSessions(db, now)).map((s) => s.id), [id]);
    assert.equal(await revokeSession(db, id, now + 2000), true);
    assert.equal(await findSession(db, secret, now + 3000), undefined, 'revoked');
    assert.equal(await revokeSession(db, id, now + 4000), false, 'only a live session is revoked');
    assert.equal((await listSessions(db, now + 3000)).length, 0);
    // a session that ended more than a week ago is forgotten when the next one starts
    await createSession(db, { role: 'admin', ttlMs: 3_600_000, now: now + 8 * 86_400_000 });
    assert.equal((await pgRows(db.$client, 'SELECT id FROM sessions', [])).length, 1);

    // the login link starts a session the gate then accepts; logging out ends it
    const ctx: LoginContext = { db, tokens: TOKENS, throttle: new LoginThrottle(), sessionTtlMs: 3_600_000, trustedProxies: [] };
    const server = http.createServer((req, res) => void (req.url!.startsWith('/api/login') ? handleLogin(req, res, ctx) : handleLogout(req, res, ctx)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const login = await fetch(`${base}/api/login?token=${TOKENS.admin}&next=/settings`, { redirect: 'manual' });
      assert.equal(login.status, 303);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      assert.ok(cookie.startsWith(`${SESSION_COOKIE}=`));
      const access = await decideAccess(request('/api/v1/overview?from=a', { cookie }), { db, tokens: TOKENS });
      assert.equal(access.kind, 'allowed');
      assert.equal(access.kind === 'allowed' && access.caller.role, 'admin');
      assert.ok(access.kind === 'allowed' && access.caller.sessionId! > 0);
      const logout = await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie, accept: 'application/json' } });
      assert.deepEqual(await logout.json(), { loggedOut: true });
      const ended = await decideAccess(request('/api/v1/overview', { cookie }), { db, tokens: TOKENS });
      assert.equal(ended.kind === 'refused' && ended.status, 401, 'the cookie of a session logged out is no credential');
      const sneaky = await decideAccess(request('/_next/static/%2e%2e/api/v1/overview', { cookie }), { db, tokens: TOKENS });
      assert.equal(sneaky.kind === 'refused' && sneaky.status, 404, 'decided on the normalised path');
    } finally {
      server.close();
    }
  });

  it('saves and audits API key labels and the billing zone in one transaction; lists labels as SQLite does', async () => {
    const [{ db }] = (await freshDatabase()) as [PostgresDatabase];
    const rows = calls(300);
    const sqlite = sqliteWith(rows);
    await writeBatchPg(db.$client, rows.map((r) => ({ ...r })));
    const key = KEYS[0]!;

    const before = await tableVersion(db, API_KEY_LABELS_TABLE);
    const save = (on: MeterDb, label: string, team?: string) =>
      audited(on, ADMIN, { action: 'api_key_label.save', target: key, before: null, apply: (tx) => saveApiKeyLabel(tx, { apiKey: key, label, team }) });
    for (const on of [db, sqlite.db] as MeterDb[]) {
      assert.deepEqual(await save(on, 'Search prod', 'ranking'), { apiKey: key, label: 'Search prod', team: 'ranking' });
      await saveApiKeyLabel(on, { apiKey: 'not-used-yet', label: 'Later', team: '' });
    }
    assert.notEqual(await tableVersion(db, API_KEY_LABELS_TABLE), before, 'the change counter moved');
    assert.deepEqual(await apiKeyLabel(db, key), { apiKey: key, label: 'Search prod', team: 'ranking' });
    const listed = await listApiKeyLabels(db);
    assert.deepEqual(listed, await listApiKeyLabels(sqlite.db), 'the same list, in the same order, as SQLite');
    assert.ok(listed.length > 3 && listed.at(-1)!.apiKey === 'not-used-yet' && listed.at(-1)!.requests === 0 && listed.at(-1)!.lastSeenHour === null);
    assert.equal(typeof listed[0]!.requests, 'number');
    assert.equal(listed.reduce((n, k) => n + k.requests, 0), rows.length);

    // a change that fails after writing leaves neither the change nor its audit entry
    await assert.rejects(
      audited(db, ADMIN, {
        action: 'api_key_label.save',
        target: key,
        apply: async (tx) => {
          await saveApiKeyLabel(tx, { apiKey: key, label: 'Half done' });
          throw new Error('refused');
        },
      }),
      /refused/,
    );
    assert.equal((await apiKeyLabel(db, key))?.label, 'Search prod');

    assert.equal(await billingTimeZone(db), 'UTC');
    await audited(db, ADMIN, {
      action: 'billing.time_zone',
      before: await billingTimeZone(db),
      apply: async (tx) => {
        await setBillingTimeZone(tx, 'Europe/Berlin');
        return 'Europe/Berlin';
      },
    });
    assert.equal(await billingTimeZone(db), 'Europe/Berlin');
    const log = await listAuditLog(db);
    assert.deepEqual(
      log.map((e) => [e.action, e.role, e.sessionId, e.target, e.before, e.after]),
      [
        ['billing.time_zone', 'admin', 3, null, 'UTC', 'Europe/Berlin'],
        ['api_key_label.save', 'admin', 3, key, null, { apiKey: key, label: 'Search prod', team: 'ranking' }],
      ],
    );
    sqlite.dispose();
  });

  it("reaches another replica's KeyTeams within a refresh, and this one's at once after reload", async (t) => {
    const [a, b] = (await freshDatabase(2)) as [PostgresDatabase, PostgresDatabase];
    const errors: string[] = [];
    const here = await KeyTeams.start(a.db, { log: (m) => errors.push(m) });
    const there = await KeyTeams.start(b.db, { log: (m) => errors.push(m) });
    try {
      assert.deepEqual(there.resolve('k1', null), { team: null, teamSource: null });
      await audited(a.db, ADMIN, { action: 'api_key_label.save', target: 'k1', apply: (tx) => saveApiKeyLabel(tx, { apiKey: 'k1', label: 'Search', team: 'search' }) });
      const savedAt = Date.now();
      await here.reload();
      assert.deepEqual(here.resolve('k1', null), { team: 'search', teamSource: 'api_key' });
      assert.deepEqual(here.resolve('k1', 'platform'), { team: 'platform', teamSource: 'annotation' }, 'the annotation wins');
      while (there.resolve('k1', null).team !== 'search') {
        assert.ok(Date.now() - savedAt < 1500, 'the other replica saw the new team within a refresh');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      t.diagnostic(`the other replica saw the new team after ${Date.now() - savedAt} ms`);
      // a team taken away (the label kept) is seen the same way
      await saveApiKeyLabel(b.db, { apiKey: 'k1', label: 'Search', team: null });
      await there.reload();
      assert.equal(there.resolve('k1', null).team, null);
      const removedAt = Date.now();
      while (here.resolve('k1', null).team !== null) {
        assert.ok(Date.now() - removedAt < 1500);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.deepEqual(errors, []);
    } finally {
      here.stop();
      there.stop();
    }
  });

  it('re-stamps stored calls with their keys’ teams as SQLite does, rows and rollups, with two replicas and a per-key run at once', async (t) => {
    const rows = calls(1500);
    const keys = KEYS;
    const label = async (db: MeterDb) => {
      await saveApiKeyLabel(db, { apiKey: keys[0]!, label: 'Ranker', team: 'ranking' });
      await saveApiKeyLabel(db, { apiKey: keys[1]!, label: 'Helpdesk', team: 'helpdesk' });
      await saveApiKeyLabel(db, { apiKey: keys[2]!, label: 'No team', team: null });
    };
    const requestTask = `INSERT INTO maintenance_tasks (name, requested_at) VALUES ('${KEY_TEAMS_TASK}', 1)`;

    const sqlite = sqliteWith(rows);
    await label(sqlite.db);
    sqlite.db.$client.exec(requestTask);
    const sqliteLog: string[] = [];
    await runPendingKeyTeams(sqlite.db, (m) => sqliteLog.push(m));
    assertRollupsMatchRaw(sqlite.db);
    assert.deepEqual(sqlite.db.$client.prepare('SELECT name FROM maintenance_tasks').all(), []);
    const changed = Number(/Gave (\d+)/.exec(sqliteLog.join())?.[1]);
    assert.ok(changed > 300, `${changed} calls re-stamped on SQLite`);

    const [a, b] = (await freshDatabase(2)) as [PostgresDatabase, PostgresDatabase];
    for (let i = 0; i < rows.length; i += 500) await writeBatchPg(a.pool, rows.slice(i, i + 500).map((r) => ({ ...r })));
    await label(a.db);
    await a.pool.query(requestTask);
    const logs: string[] = [];
    await Promise.all([runPendingKeyTeams(a.db, (m) => logs.push(m)), runPendingKeyTeams(b.db, (m) => logs.push(m)), applyKeyTeams(b.db, keys[0])]);
    assert.equal(logs.length, 1, `one replica ran it: ${logs.join(' | ')}`);
    t.diagnostic(`SQLite: ${sqliteLog.join()} PostgreSQL: ${logs.join()}`);
    assert.equal((await a.pool.query('SELECT 1 FROM maintenance_tasks')).rowCount, 0, 'the task is done');
    await runPendingKeyTeams(b.db, (m) => logs.push(m));
    assert.equal(logs.length, 1, 'nothing left to do');

    const TEAMS = 'SELECT record_id, team, team_source FROM requests ORDER BY record_id';
    assert.deepEqual(await pgRows(a.pool, TEAMS, []), sqlite.db.$client.prepare(TEAMS).all(), 'every call has the team it has on SQLite');
    await assertSameRollups(sqlite.db, a.pool);
    await assertPgRollupsMatchRaw(a.pool);
    assert.equal(await applyKeyTeams(a.db), 0, 'applying again changes nothing');
    sqlite.dispose();
  });
});
