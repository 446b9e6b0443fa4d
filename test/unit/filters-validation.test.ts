import assert from 'node:assert/strict';
import { it } from 'node:test';
import { filtersSchema } from '@/lib/analytics/filters';
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
