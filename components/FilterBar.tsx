'use client';

import { SERVING_PATH_LIST } from '@/lib/pricing/serving-paths';
import { useQuery } from '@tanstack/react-query';
import { format } from 'date-fns';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import type { FilterOptions } from '@/lib/analytics/filter-options';
import { fetchJson } from '@/lib/client/use-analytics';
import { useViewFilters } from '@/lib/client/use-view-filters';
import { useBillingZone } from '@/lib/client/use-billing-zone';
import { LiveControl } from './LiveControl';
import { ApplyOnLeave } from './ApplyOnLeave';
import { LIST_FILTER_LABELS, PRESETS, rangeProblem, resolveRange, type ListFilter, type Preset } from '@/lib/client/view-filters';
import { endpointLabel } from '@/lib/usage/endpoints';

const LABELS = LIST_FILTER_LABELS;

const toLocalInput = (d: Date) => format(d, "yyyy-MM-dd'T'HH:mm");

/** Pages whose figures are not about a date range (their own periods, or settings): no filter bar. */
const WITHOUT_FILTERS = new Set(['/settings', '/budgets']);

/** Date range and filters, on the pages they apply to. */
export function FilterBar() {
  return WITHOUT_FILTERS.has(usePathname()) ? null : <FilterControls />;
}

/** Date range and filters; every change goes into the URL. */
function FilterControls() {
  const { view, update } = useViewFilters();
  const [open, setOpen] = useState(false);
  const options = useQuery({ queryKey: ['filter-options'], queryFn: () => fetchJson<FilterOptions>('/api/v1/filter-options') });
  const choices: Record<ListFilter, { value: string; label: string }[]> = {
    apiKey: (options.data?.apiKeys ?? []).map((k) => ({ value: k.apiKey, label: k.label ? `${k.label} (${k.apiKey})` : k.apiKey })),
    team: (options.data?.teams ?? []).map((v) => ({ value: v, label: v })),
    project: (options.data?.projects ?? []).map((v) => ({ value: v, label: v })),
    environment: (options.data?.environments ?? []).map((v) => ({ value: v, label: v })),
    model: (options.data?.models ?? []).map((v) => ({ value: v, label: v.replace(/^accounts\/fireworks\/(models|routers)\//, '') })),
    servingPath: SERVING_PATH_LIST.map((p) => ({ value: p.id, label: p.label })),
    region: ['global', 'us'].map((v) => ({ value: v, label: v })),
    endpoint: (options.data?.endpoints ?? []).map((v) => ({ value: v, label: endpointLabel(v) })),
  };
  const billingZone = useBillingZone() ?? 'UTC';
  const range = resolveRange(view, new Date(), billingZone);
  const problem = rangeProblem(view);

  const setPreset = (preset: Preset) =>
    update((p) => {
      p.set('range', preset);
      if (preset === 'custom') {
        p.set('from', range.from.toISOString());
        p.set('to', range.to.toISOString());
      } else {
        p.delete('from');
        p.delete('to');
      }
    });
  const setBound = (key: 'from' | 'to', local: string) =>
    update((p) => p.set(key, local ? new Date(local).toISOString() : ''));

  const chosen = (Object.keys(LABELS) as ListFilter[]).reduce((n, k) => n + view.lists[k].length, 0);
  return (
    <div className={open ? 'filters' : 'filters collapsed'} role="group" aria-label="Filters">
      {/* on a phone the bar folds away behind this button (CSS shows it under 600 px only) */}
      <button type="button" className="filters-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {PRESETS[view.range]}{chosen ? ` · ${chosen} filter${chosen > 1 ? 's' : ''}` : ''} {open ? '▲' : '▼'}
      </button>
      <LiveControl />
      <label>
        Range
        <select aria-label="Range" value={view.range} onChange={(e) => setPreset(e.target.value as Preset)}>
          {Object.entries(PRESETS).map(([value, label]) => (
            <option key={value} value={value}>{label}</option>
          ))}
        </select>
        {view.range === 'month' || view.range === 'last-month' ? <span className="small muted" data-testid="month-zone">months in {billingZone}</span> : null}
      </label>
      {view.range === 'custom' ? (
        <>
          <label>
            From
            <ApplyOnLeave type="datetime-local" aria-label="From" value={isNaN(range.from.getTime()) ? '' : toLocalInput(range.from)} onApply={(v) => setBound('from', v)} />
          </label>
          <label>
            To
            <ApplyOnLeave type="datetime-local" aria-label="To" value={isNaN(range.to.getTime()) ? '' : toLocalInput(range.to)} onApply={(v) => setBound('to', v)} />
          </label>
          {problem ? <p className="range-problem" role="alert" data-testid="range-problem">{problem}</p> : null}
        </>
      ) : null}
      {(Object.keys(LABELS) as ListFilter[]).map((key) => (
        <label key={key}>
          {LABELS[key]}
          <select
            aria-label={LABELS[key]}
            value=""
            onChange={(e) => e.target.value && update((p) => !p.getAll(key).includes(e.target.value) && p.append(key, e.target.value))}
          >
            <option value="">{view.lists[key].length ? `${view.lists[key].length} selected` : 'All'}</option>
            {choices[key].filter((c) => !view.lists[key].includes(c.value)).map((c) => (
              <option key={c.value} value={c.value}>{c.label}</option>
            ))}
          </select>
        </label>
      ))}
      <div className="chips">
        {(Object.keys(LABELS) as ListFilter[]).flatMap((key) =>
          view.lists[key].map((value) => (
            <button
              key={`${key}=${value}`}
              type="button"
              className="chip"
              aria-label={`Remove ${LABELS[key]} ${value}`}
              onClick={() =>
                update((p) => {
                  const rest = p.getAll(key).filter((v) => v !== value);
                  p.delete(key);
                  rest.forEach((v) => p.append(key, v));
                })
              }
            >
              {LABELS[key]}: {key === 'endpoint' ? endpointLabel(value) : value} ×
            </button>
          )),
        )}
      </div>
    </div>
  );
}
