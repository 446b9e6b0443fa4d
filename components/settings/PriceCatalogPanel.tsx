'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import type { PriceRecord } from '@/db/schema';
import { sendJson } from '@/lib/client/send-json';
import type { ListedPrice } from '@/lib/pricing/price-table';
import { fetchJson } from '@/lib/client/use-analytics';
import { formatCount, formatUsdPerMtok } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { AddPriceForm } from './AddPriceForm';

/** The dated price rows every call is priced from, with a text filter and a form to add one. */
export function PriceCatalogPanel() {
  const [text, setText] = useState('');
  const q = useDeferredValue(text.trim());
  const client = useQueryClient();
  const [editing, setEditing] = useState<PriceRecord | undefined>();
  const remove = useMutation({
    mutationFn: (id: number) => sendJson('DELETE', `/api/v1/settings/prices/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['settings'] }),
  });
  const query = useQuery({
    queryKey: ['settings', 'prices', q],
    queryFn: () => fetchJson<{ prices: ListedPrice[] }>(`/api/v1/settings/prices?${new URLSearchParams({ q })}`),
    placeholderData: (previous) => previous,
  });
  return (
    <Panel
      title="Price catalog"
      note="US dollars per 1M tokens. A call is priced with the newest row for its model, serving path and region whose effective date is on or before the call's UTC date; Batch is 50% of Standard."
      wide
    >
      {editing ? <AddPriceForm key={editing.id} editing={editing} onDone={() => setEditing(undefined)} /> : <AddPriceForm />}
      {remove.isError ? <p className="error small" role="alert">{remove.error.message}</p> : null}
      <label className="inline-field">
        Filter
        <input type="search" aria-label="Filter prices" placeholder="model, path, region or source" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <QueryState query={query} isEmpty={(d) => d.prices.length === 0} empty="No price rows match.">
        {(data) => (
          <>
            <p className="muted small" data-testid="price-count">{formatCount(data.prices.length)} rows</p>
            <div className="table-scroll price-table" tabIndex={0}>
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
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {data.prices.map((p) => (
                    <tr key={p.id} data-price={p.id}>
                      <td>{p.model} {p.current ? <span className="badge" title="the row in effect today">current</span> : null}</td>
                      <td>{p.servingPath}</td>
                      <td>{p.region}</td>
                      <td className="num">{formatUsdPerMtok(p.inputMicrosPerMtok)}</td>
                      <td className="num">{formatUsdPerMtok(p.cachedInputMicrosPerMtok)}</td>
                      <td className="num">{formatUsdPerMtok(p.outputMicrosPerMtok)}</td>
                      <td>{p.effectiveFrom}</td>
                      <td className="wrap">{p.source}</td>
                      <td>
                        <button type="button" onClick={() => setEditing(p)} aria-label={`Correct price row ${p.id}`}>Correct</button>{' '}
                        <button type="button" onClick={() => window.confirm(`Delete the ${p.servingPath} ${p.region} price of ${p.model} from ${p.effectiveFrom}? Calls priced with it keep their cost until re-priced.`) && remove.mutate(p.id)} aria-label={`Delete price row ${p.id}`}>Delete</button>
                      </td>
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
