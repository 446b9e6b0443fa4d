'use client';

import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import type { PriceRecord } from '@/db/schema';
import { fetchJson } from '@/lib/client/use-analytics';
import { formatCount, formatUsdPerMtok } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { AddPriceForm } from './AddPriceForm';

/** The dated price rows every call is priced from, with a text filter and a form to add one. */
export function PriceCatalogPanel() {
  const [text, setText] = useState('');
  const q = useDeferredValue(text.trim());
  const query = useQuery({
    queryKey: ['settings', 'prices', q],
    queryFn: () => fetchJson<{ prices: PriceRecord[] }>(`/api/v1/settings/prices?${new URLSearchParams({ q })}`),
    placeholderData: (previous) => previous,
  });
  return (
    <Panel
      title="Price catalog"
      note="US dollars per 1M tokens. A call is priced with the newest row for its model, serving path and region whose effective date is on or before the call's UTC date; Batch is 50% of Standard."
      wide
    >
      <AddPriceForm />
      <label className="inline-field">
        Filter
        <input type="search" aria-label="Filter prices" placeholder="model, path, region or source" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <QueryState query={query} isEmpty={(d) => d.prices.length === 0} empty="No price rows match.">
        {(data) => (
          <>
            <p className="muted small" data-testid="price-count">{formatCount(data.prices.length)} rows</p>
            <div className="table-scroll price-table">
              <table className="data">
                <thead>
                  <tr>
                    <th>Model</th>
                    <th>Serving path</th>
                    <th>Region</th>
                    <th className="num">Input</th>
                    <th className="num">Cached input</th>
                    <th className="num">Output</th>
                    <th>Effective from</th>
                    <th>Source</th>
                  </tr>
                </thead>
                <tbody>
                  {data.prices.map((p) => (
                    <tr key={p.id}>
                      <td>{p.model}</td>
                      <td>{p.servingPath}</td>
                      <td>{p.region}</td>
                      <td className="num">{formatUsdPerMtok(p.inputMicrosPerMtok)}</td>
                      <td className="num">{formatUsdPerMtok(p.cachedInputMicrosPerMtok)}</td>
                      <td className="num">{formatUsdPerMtok(p.outputMicrosPerMtok)}</td>
                      <td>{p.effectiveFrom}</td>
                      <td className="wrap">{p.source}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </QueryState>
    </Panel>
  );
}
