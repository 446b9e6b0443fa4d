// Rows that test the request CSV's formatting: text needing quotes or the formula guard in every
// text column, the 40 tricky amounts (each with its negative), edge times, and unpriced and
// usage-unknown calls. Shared by the SQLite export test and the PostgreSQL one.
import type { NewRequestRow } from '@/db/schema';

export const T = Date.UTC(2026, 10, 1, 12, 34, 56, 789);

export function base(i: number, extra: Partial<NewRequestRow> = {}): NewRequestRow {
  return {
    startedAt: T + i, durationMs: 10, endpoint: 'chat/completions', model: 'accounts/fireworks/models/kimi-k3', servingPath: 'standard',
    region: 'global', stream: i % 2 === 0, status: 200, apiKey: 'abcd1234…wxyz', upstreamId: `id-${i}`, upstreamRequestId: `req-${i}`,
    sessionAffinity: `s-${i}`, team: 'growth', project: 'copywriter', environment: 'prod', tags: 'team=growth,project=copywriter',
    promptTokens: 100, cachedPromptTokens: 50, completionTokens: 10, costTotalPico: 1000 + i, cacheSavingsPico: 5, ttftMs: 3, priceId: 7,
    ...extra,
  };
}

export const NULLS: Partial<NewRequestRow> = {
  upstreamId: null, upstreamRequestId: null, errorCode: null, user: null, sessionAffinity: null, team: null, project: null, environment: null,
  tags: null, promptTokens: null, cachedPromptTokens: null, completionTokens: null, costTotalPico: null, cacheSavingsPico: null,
  ttftMs: null, priceId: null,
};

export const TRICKY_TEXT = [
  'plain', 'a,b', 'say "hi"', '"', ',', 'line\nbreak', 'cr\rhere', 'crlf\r\nend', '=1+2', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=a,"b"',
  "'quoted'", 'x=1', 'a-b', '', ' ', 'unit\x1fsep', 'sep\x1f=x', '\x1f', 'emoji 🎆, ok', 'ümlaut…', '*', '[', '%_', 'x'.repeat(3000),
];
/** Text SQLite's GLOB reads only up to the NUL in: pages holding it are formatted in JS. */
export const NUL_TEXT = ['nul\0,x', '\0=', 'a\0"'];
const TEXT_KEYS = ['upstreamId', 'upstreamRequestId', 'errorCode', 'user', 'sessionAffinity', 'team', 'project', 'environment', 'tags', 'apiKey', 'model'] as const;
const PLAIN_KEYS = ['servingPath', 'region', 'endpoint'] as const;
export const PICO = [
  0, -1, 1, 5, -5, 10, 40_000, 999_999, 1_000_000, -1_000_000, 1_000_001, 1_234_567, -1_234_567, 7_537_000, 33_000_000_000, 999_999_999_999,
  1_000_000_000_000, -1_000_000_000_010, 9_007_199_254_740_991, -9_007_199_254_740_991,
];
export const TIMES = [
  0, 5, 999, 1000, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2000, 0, 1), Date.UTC(2024, 1, 29, 1, 2, 3, 4), Date.UTC(2038, 0, 19, 3, 14, 8),
  Date.UTC(2099, 11, 31, 23, 59, 59, 5), Date.UTC(2101, 2, 1, 0, 0, 0, 50), Date.UTC(9999, 11, 31, 23, 59, 59, 999),
];

export function trickyRows(texts = TRICKY_TEXT): NewRequestRow[] {
  const rows: NewRequestRow[] = [base(0), base(1, NULLS)];
  let i = 2;
  for (const text of texts) {
    for (const key of TEXT_KEYS) rows.push(base(i++, { [key]: text }));
    for (const key of PLAIN_KEYS) rows.push(base(i++, { [key]: text }));
    rows.push(base(i++, Object.fromEntries(TEXT_KEYS.map((k) => [k, text]))));
  }
  for (const m of PICO) rows.push(base(i++, { costTotalPico: m, cacheSavingsPico: -m }), base(i++, { costTotalPico: null, cacheSavingsPico: m }));
  for (const ms of TIMES) rows.push(base(i++, { startedAt: ms }));
  for (let ms = 0; ms < 1000; ms++) rows.push(base(i++, { startedAt: Date.UTC(2026, 0, 1, 0, 0, 59) + ms, stream: ms % 3 === 0 }));
  rows.push(base(i++, { status: 0, durationMs: 0, promptTokens: 0, ttftMs: 0, priceId: 0 }));
  rows.push(base(i++, { status: 599, durationMs: 9_007_199_254_740_991, promptTokens: 9_007_199_254_740_991, completionTokens: -3 }));
  return rows;
}

/** Before and after every row. */
export const ALL = [new Date(-1e15), new Date(1e15)] as const;
