import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filtersSchema, previousPeriod } from '@/lib/analytics/engine/filters';
import { parseQuery } from '@/lib/api/query';

it('a date that does not parse is a 400 with a message about that field, not a crash in the range checks', async () => {
  for (const qs of ['from=not-a-date&to=2026-01-01T00:00:00Z', 'from=2026-01-01T00:00:00Z&to=soon', 'from=x&to=y']) {
    const parsed = parseQuery(filtersSchema, `http://meter/api/v1/overview?${qs}`);
    assert.equal(parsed.ok, false, qs);
    if (parsed.ok) continue;
    assert.equal(parsed.response.status, 400);
    const { error } = (await parsed.response.json()) as { error: string };
    assert.match(error, /from|to/);
    assert.doesNotMatch(error, /before|400 days/, 'range checks only run on two valid instants');
  }
  assert.equal(filtersSchema.safeParse({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }).error?.issues[0]?.message, '`from` must be before `to`');
});

describe('what a range is compared with', () => {
  const f = (from: string, to: string, tz = 'UTC') => filtersSchema.parse({ from, to, tz });
  const range = (p: { from: Date; to: Date }) => [p.from.toISOString(), p.to.toISOString()];
  it('"This month" on the 1st at 08:00 against the same 8 hours of last month, not the 8 hours before', () => {
    assert.deepEqual(range(previousPeriod(f('2026-12-01T00:00:00Z', '2026-12-01T08:00:00Z'))), ['2026-11-01T00:00:00.000Z', '2026-11-01T08:00:00.000Z']);
  });
  it('the 31st against the last day of a shorter month, in the range\'s own zone', () => {
    assert.deepEqual(range(previousPeriod(f('2026-02-28T23:00:00Z', '2026-03-31T10:00:00Z', 'Europe/Berlin'))), ['2026-01-31T23:00:00.000Z', '2026-02-28T11:00:00.000Z']); // noon local time both: Berlin's clocks moved on 29 March
  });
  it('a whole month against the whole month before, and other ranges against the span just before', () => {
    assert.deepEqual(range(previousPeriod(f('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'))), ['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    assert.deepEqual(range(previousPeriod(f('2026-11-03T00:00:00Z', '2026-11-10T00:00:00Z'))), ['2026-10-27T00:00:00.000Z', '2026-11-03T00:00:00.000Z']);
  });
});

describe('the page says what is wrong in its own words', () => {
  it('names a custom range problem once, before asking the API', async () => {
    const { rangeProblem, readViewFilters } = await import('@/lib/client/view-filters');
    const view = (q: string) => readViewFilters(new URLSearchParams(q));
    assert.equal(rangeProblem(view('range=custom&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')), 'From must be before To.');
    assert.equal(rangeProblem(view('range=custom&from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z')), 'From must be before To.');
    assert.equal(rangeProblem(view('range=custom&from=not-a-date')), 'From is not a date and time.');
    assert.equal(rangeProblem(view('range=custom&from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z')), 'A range can be 400 days at most.');
    assert.equal(rangeProblem(view('range=custom&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z')), null);
    assert.equal(rangeProblem(view('range=7d&from=garbage')), null, 'presets ignore from and to');
  });

  it("turns the API's parameter names into the filter bar's", async () => {
    const { describeIssues } = await import('@/lib/client/view-filters');
    assert.equal(describeIssues([{ path: 'servingPath.0', message: 'Invalid option' }, { path: 'servingPath.1', message: 'Invalid option' }]), 'Serving path: Invalid option');
    assert.equal(describeIssues([{ path: 'minCostUsd', message: 'minimum cost must be a dollar amount such as 0.01' }]), 'Minimum cost: minimum cost must be a dollar amount such as 0.01');
    assert.equal(describeIssues([{ path: '', message: 'ranges are limited to 400 days' }]), 'ranges are limited to 400 days');
  });
});
