'use client';

import { useMounted } from '@/lib/client/use-mounted';
import { useBillingZone } from '@/lib/client/use-billing-zone';
import { useViewFilters } from '@/lib/client/use-view-filters';
import { apiQuery } from '@/lib/client/view-filters';
import { Panel } from '../Panel';

/** Download links for the range and filters in the URL; each link carries the same query as the page, and asks for a BOM (lib/export/bom.ts). */
export function ExportsPanel() {
  const { view, params, update } = useViewFilters();
  const mounted = useMounted();
  const tz = useBillingZone();
  const group = params.get('group') === 'month' ? 'month' : 'day';
  const detail = params.get('detail') === 'key' ? 'key' : 'tags';
  const query = mounted && tz ? apiQuery(view, tz, undefined, tz).toString() : '';
  return (
    <Panel title="Exports" wide>
      {mounted && tz ? (
        <div className="report-exports">
          <a className="button-link" href={`/api/v1/requests.csv?${query}&bom=1`} download data-testid="download-requests">
            Request-level CSV <span className="muted small">(times in UTC)</span>
          </a>
          <a className="button-link" href={`/api/v1/reports/summary.csv?${query}&group=${group}&detail=${detail}&bom=1`} download data-testid="download-summary">
            {group === 'month' ? 'Monthly' : 'Daily'} summary CSV <span className="muted small">({group}s in {tz})</span>
          </a>
          <label className="small muted">
            Summary by{' '}
            <select aria-label="Summary by" value={group} onChange={(e) => update((p) => (e.target.value === 'month' ? p.set('group', 'month') : p.delete('group')))}>
              <option value="day">day</option>
              <option value="month">month</option>
            </select>
          </label>
          <label className="small muted">
            <input type="checkbox" checked={detail === 'tags'} onChange={(e) => update((p) => (e.target.checked ? p.delete('detail') : p.set('detail', 'key')))} />{' '}
            Team, project and environment columns
          </label>
          <a href={`/api/v1/reports/summary?${query}&group=${group}&detail=${detail}`} target="_blank" rel="noreferrer" data-testid="summary-json">
            Summary as JSON
          </a>
        </div>
      ) : (
        <p className="state muted" aria-busy="true">Loading…</p>
      )}
      <p className="muted small">
        The request-level CSV has one row per call with times in UTC. The summary has one row per day, serving path, model,
        API key, team, project and environment (or per key only, faster over long ranges), with days counted in your time zone ({tz}); its totals equal the request-level CSV&apos;s to the micro-dollar.
        Both follow the range and filters above. Money is in US dollars with six decimals; unpriced calls have no cost and are
        counted separately, never as $0.
      </p>
      <p className="warning small">
        Usage is not an invoice: these are rated costs from the price table, which exclude fixed fees, invoice-level discounts,
        minimums, credits and taxes. Reconcile with the Fireworks invoice, not against it.
      </p>
    </Panel>
  );
}
