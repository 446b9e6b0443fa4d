'use client';

import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/** How often live pages fetch their figures again. */
export const LIVE_INTERVAL_MS = 30_000;

interface Live {
  live: boolean;
  setLive: (live: boolean) => void;
  /** Moves every LIVE_INTERVAL_MS while live, so relative ranges ("last hour") slide forward. */
  tick: number;
}

const LiveContext = createContext<Live>({ live: false, setLive: () => undefined, tick: 0 });

/** Whether the dashboard refreshes on its own (on by default, paused from the filter bar). */
export function LiveUpdates({ children }: { children: ReactNode }) {
  const [live, setLive] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setTick((t) => t + 1), LIVE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [live]);
  return <LiveContext.Provider value={{ live, setLive, tick }}>{children}</LiveContext.Provider>;
}

export const useLive = () => useContext(LiveContext);

/** When the newest figures on the page arrived. */
export function useLastUpdated(): number | null {
  const client = useQueryClient();
  const newest = () => Math.max(0, ...client.getQueryCache().getAll().map((q) => q.state.dataUpdatedAt));
  const [at, setAt] = useState(newest);
  useEffect(() => client.getQueryCache().subscribe(() => setAt(newest())), [client]);
  return at || null;
}
