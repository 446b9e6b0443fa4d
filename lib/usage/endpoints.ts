/**
 * Every inference endpoint Meter records, in one list: a new endpoint is one entry here. The proxy
 * records only these (lib/usage/request-facts.ts), the session rollup keeps those with a prompt
 * cache, and the dashboard's filter and "Spend by endpoint" show each by its label. No server-only
 * imports: the filter bar reads the labels in the browser.
 */
export const ENDPOINT_LIST = [
  { id: 'chat/completions', label: 'Chat completions', promptCache: true },
  { id: 'completions', label: 'Completions', promptCache: true },
  { id: 'embeddings', label: 'Embeddings', promptCache: false }, // embeddings keep no prompt cache
  { id: 'messages', label: 'Messages (Anthropic)', promptCache: true },
] as const;

export type RecordedEndpoint = (typeof ENDPOINT_LIST)[number]['id'];

export const RECORDED_ENDPOINTS: readonly RecordedEndpoint[] = ENDPOINT_LIST.map((e) => e.id);

/** Endpoints whose calls can hit the prompt cache: their sessions say something about cache hits. */
export const CACHED_ENDPOINTS: readonly RecordedEndpoint[] = ENDPOINT_LIST.filter((e) => e.promptCache).map((e) => e.id);

/**
 * The rollups' endpoint for calls totalled before Meter kept the endpoint per hour (migration 0016),
 * whose raw rows retention had already dropped.
 */
export const ENDPOINT_NOT_RECORDED = '';

const LABELS: ReadonlyMap<string, string> = new Map(ENDPOINT_LIST.map((e) => [e.id, e.label]));

/** What the dashboard calls an endpoint: its label, "not recorded" for old totals, else the path itself. */
export function endpointLabel(endpoint: string): string {
  if (endpoint === ENDPOINT_NOT_RECORDED) return 'not recorded';
  return LABELS.get(endpoint) ?? endpoint;
}
