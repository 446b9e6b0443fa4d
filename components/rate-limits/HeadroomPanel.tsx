'use client';

import { LOW_HEADROOM, lowestHeadroom, type HeadroomRow, type RateLimitHeadroom } from '@/lib/analytics/engine/headroom';
import { useAnalytics } from '@/lib/client/use-analytics';
import { formatCount, formatPercent, formatTime, formatTokens } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { StatCard } from '../StatCard';
import { headroomSource, ignoredFiltersNote, seriesLabel, tightestMeter } from './labels';

function MeterCell({ used, limit, headroom }: { used: number; limit: number | null; headroom: number | null }) {
  return (
    <td className={`num${headroom !== null && headroom < LOW_HEADROOM ? ' low-headroom' : ''}`} title={limit === null ? 'no limit header recorded' : `${formatCount(used)} of ${formatCount(limit)} tokens/min`}>
      {formatTokens(used)} / {limit === null ? '?' : formatTokens(limit)}
      <div className="small">{headroom === null ? 'limit unknown' : `${formatPercent(headroom)} free`}</div>
    </td>
  );
}

/** The tightest remaining / limit Fireworks told any call in the range (the whole account), and the over-limit marks. */
function ReportedCell({ row }: { row: HeadroomRow }) {
  const least = lowestHeadroom(row.reported);
  return (
    <td className={`num${least !== null && least < LOW_HEADROOM ? ' low-headroom' : ''}`} data-testid="row-reported">
      {least === null ? <span className="muted">not reported</span> : `${formatPercent(least)} free`}
      <div className="small">{least === null ? '' : `${tightestMeter(row.reported)}; `}{formatCount(row.overLimitCalls)} over limit</div>
    </td>
  );
}

function Row({ row, perKey }: { row: HeadroomRow; perKey: boolean }) {
  const p = row.peak;
  return (
    <tr>
      <td>{seriesLabel({ model: row.model, apiKey: null })}</td>
      {perKey ? <td>{row.apiKey}</td> : null}
      <td>{formatTime(p.t, 'minute')}</td>
      <MeterCell used={p.promptTokens} limit={p.limitPromptTpm} headroom={row.headroom.prompt} />
      <MeterCell used={p.uncachedPromptTokens} limit={p.limitUncachedPromptTpm} headroom={row.headroom.uncachedPrompt} />
      <MeterCell used={p.generatedTokens} limit={p.limitGeneratedTpm} headroom={row.headroom.generated} />
      <td className="num" title="cached tokens in the peak minute as a share of the uncached-prompt limit">{formatPercent(row.cachingHeadroom)}</td>
      <ReportedCell row={row} />
      <td className="num">{formatCount(row.requests)}</td>
      <td className="num" data-testid="row-429">{formatCount(row.rateLimited)}</td>
      <td className="num" data-testid="row-503">{formatCount(row.overloaded)}</td>
    </tr>
  );
}

/** 429 / 503 counts and, per model, the minute that came closest to a limit with the headroom left on each meter. */
export function HeadroomPanel() {
  const query = useAnalytics<RateLimitHeadroom>('rate-limits/headroom');
  return (
    <QueryState query={query} isEmpty={(d) => d.rows.length === 0} empty="No calls to rate-limited models in this range.">
      {(data) => {
        const perKey = data.rows.some((r) => r.apiKey !== null);
        const tightest = data.rows.find((r) => r.lowestHeadroom !== null);
        return (
          <>
            <div className="stats">
              <StatCard testId="stat-429" label="Rate limited (429)" value={formatCount(data.rows.reduce((s, r) => s + r.rateLimited, 0))} />
              <StatCard testId="stat-503" label="Overloaded (503)" value={formatCount(data.rows.reduce((s, r) => s + r.overloaded, 0))} />
              <StatCard
                testId="stat-tightest"
                label={tightest ? `Least headroom, ${headroomSource(tightest)}` : 'Least headroom'}
                value={tightest ? `${formatPercent(tightest.lowestHeadroom)} · ${seriesLabel(tightest)}` : '—'}
              />
            </div>
            <Panel
              title="Headroom at each model's peak minute"
              note={
                <>
                  The peak minute is the one closest to any of the three limits on Meter&rsquo;s own calls. &ldquo;Reported by Fireworks&rdquo; is the
                  lowest remaining / limit any call was told in the range: Fireworks meters the whole account, other clients included, so it
                  can be tighter; the headline and the warning follow the lower of the two. &ldquo;Caching kept free&rdquo; is the cached prompt tokens
                  of that minute as a share of the uncached-prompt limit: what that meter would have used on top without the prompt cache.
                  {ignoredFiltersNote(data.ignoredFilters) ? <> {ignoredFiltersNote(data.ignoredFilters)}</> : null}
                </>
              }
              wide
            >
              <div className="table-scroll" tabIndex={0}>
                <table className="data" aria-label="Rate-limit headroom">
                  <thead>
                    <tr>
                      <th>Model</th>
                      {perKey ? <th>API key</th> : null}
                      <th>Peak minute</th>
                      <th className="num">Total prompt / limit</th>
                      <th className="num">Uncached prompt / limit</th>
                      <th className="num">Generated / limit</th>
                      <th className="num">Caching kept free</th>
                      <th className="num" title="x-ratelimit-remaining / limit: Fireworks meters the whole account, other clients included">Reported by Fireworks</th>
                      <th className="num">Requests</th>
                      <th className="num">429</th>
                      <th className="num">503</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.rows.map((r) => (
                      <Row key={seriesLabel(r)} row={r} perKey={perKey} />
                    ))}
                  </tbody>
                </table>
              </div>
            </Panel>
          </>
        );
      }}
    </QueryState>
  );
}
