// A fixed custom range, so a page and the API calls a test makes about it ask exactly the same
// question: a relative range moves on with the clock (the pages refresh every 30 s), and the seeded
// calls at its start drop out between the page's answer and the test's.
export function fixedRange(backMs: number, aheadMs = 3_600_000): { from: string; to: string; view: string } {
  const from = new Date(Date.now() - backMs).toISOString();
  const to = new Date(Date.now() + aheadMs).toISOString();
  return { from, to, view: `range=custom&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` };
}

/** Covers the browser tests' seeded week (e2e/server.ts) and the traffic after it. */
export const SEEDED_WEEK = fixedRange(8 * 86_400_000);
