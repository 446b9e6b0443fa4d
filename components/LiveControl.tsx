'use client';

import { useLastUpdated, useLive } from '@/lib/client/live-updates';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Pauses or resumes the pages' own refresh, and says when their figures last arrived. */
export function LiveControl() {
  const { live, setLive } = useLive();
  const updated = useLastUpdated();
  return (
    <label className="live-control small muted">
      <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live (every 30 s)
      {updated ? <span data-testid="updated-at"> · updated {time.format(updated)}</span> : null}
    </label>
  );
}
