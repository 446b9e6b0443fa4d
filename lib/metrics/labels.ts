/**
 * Label values with a hard bound. Every series is kept until the process ends, so a label that
 * takes whatever a caller sends (a model name is free text in the request body) would grow the
 * registry without limit: values outside a known set get their own series only up to a cap, and
 * later ones share OTHER.
 */
export const OTHER = 'other';

/** Longest label value kept; model ids are far shorter, anything longer is junk. */
const MAX_VALUE_LENGTH = 200;

export class CappedLabel {
  private readonly extra = new Set<string>();
  /** Values seen past the cap (counted by meter_metrics_label_overflow_total). */
  overflowed = 0;

  constructor(
    private readonly known: ReadonlySet<string>,
    private readonly cap: number,
  ) {}

  value(raw: string): string {
    if (this.known.has(raw) || this.extra.has(raw)) return raw;
    if (raw.length <= MAX_VALUE_LENGTH && raw !== OTHER && this.extra.size < this.cap) {
      this.extra.add(raw);
      return raw;
    }
    this.overflowed++;
    return OTHER;
  }
}

/** HTTP codes that get their own label value; any other is its class ("2xx" … "5xx"). */
const NAMED_STATUSES = new Set([200, 400, 401, 402, 403, 404, 408, 409, 412, 413, 422, 429, 499, 500, 502, 503, 504]);

export function statusLabel(status: number): string {
  if (NAMED_STATUSES.has(status)) return String(status);
  if (Number.isInteger(status) && status >= 100 && status <= 599) return `${Math.floor(status / 100)}xx`;
  return OTHER;
}

export function statusClass(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : OTHER;
}

const OPERATION_NAMES: Readonly<Record<string, string>> = {
  'chat/completions': 'chat',
  messages: 'chat',
  completions: 'text_completion',
  embeddings: 'embeddings',
};

/** OpenTelemetry's `gen_ai.operation.name` for a recorded endpoint (a fixed list, so bounded as it is). */
export function operationName(endpoint: string): string {
  return OPERATION_NAMES[endpoint] ?? endpoint;
}
