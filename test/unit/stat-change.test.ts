import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatUsd } from '@/components/format';
import { describeChange } from '@/components/StatCard';

it('says a change honestly: no percentage against almost nothing, rates in points', () => {
  assert.equal(describeChange(2_000_000, 1_000_000, 'relative', formatUsd), '+100.0%');
  // "+808,027%" against a nearly empty previous period becomes the amount it rose by
  assert.equal(describeChange(80_802_700, 100, 'relative', formatUsd), '+$80.80');
  assert.equal(describeChange(5, 0, 'relative', undefined), 'new');
  assert.equal(describeChange(0, 0, 'relative', formatUsd), 'no change');
  assert.equal(describeChange(0.62, 0.55, 'points', undefined), '+7.0 pts');
  assert.equal(describeChange(0.5, 0.55, 'points', undefined), '−5.0 pts');
});

it('writes small spend on an axis with the digits that tell ticks apart', async () => {
  const { formatUsdAxis } = await import('@/components/format');
  assert.deepEqual([25_000, 50_000, 75_000].map(formatUsdAxis), ['$0.025', '$0.05', '$0.075']);
  assert.equal(formatUsdAxis(0), '$0.00');
  assert.equal(formatUsdAxis(12_340_000), '$12.34');
});
