import type { MeterDb } from '@/db/database';
import { recordChange, type Actor } from '@/lib/audit/audit-log';
import { claimRepricing, reprice, type RepriceRequest, type RepriceResult } from './reprice';

/** An applied re-pricing running in the background: its progress, and its result once over. */
export interface RepriceJob {
  id: number;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  range: { from: string; to: string };
  model: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** Calls looked at so far, of about `total` (the calls in the range when it started). */
  done: number;
  total: number;
  result: RepriceResult | null;
  error: string | null;
}

const JOB = Symbol.for('fireworks-meter.reprice-job');
const holder = globalThis as { [JOB]?: { job: RepriceJob; abort: AbortController } };
let nextId = 1;

/** The newest job (running or over), or null when none ran since the server started. */
export function currentRepriceJob(): RepriceJob | null {
  return holder[JOB]?.job ?? null;
}

/**
 * Starts applying a re-pricing in the background and returns once it holds the one re-pricing
 * allowed at a time (RepriceBusyError when this process or, on PostgreSQL, another replica is
 * applying one); the page follows its progress and may cancel it. When it ends, the audit log
 * records who ran it, when, and the result.
 */
export async function startRepriceJob(db: MeterDb, actor: Actor, request: RepriceRequest & { apply: true }, total: number): Promise<RepriceJob> {
  const claim = await claimRepricing(db);
  const abort = new AbortController();
  const job: RepriceJob = {
    id: nextId++, state: 'running', range: { from: request.from.toISOString(), to: request.to.toISOString() }, model: request.model ?? null,
    startedAt: new Date().toISOString(), finishedAt: null, done: 0, total, result: null, error: null,
  };
  holder[JOB] = { job, abort };
  void reprice(db, request, { onProgress: (calls) => (job.done = calls), signal: abort.signal, claim })
    .then(async (result) => {
      const { oldUsd, newUsd, calls, changed } = result.totals;
      const target = `${result.range.from} – ${result.range.to}${result.model ? ` ${result.model}` : ''}${result.cancelled ? ' (cancelled part way)' : ''}`;
      await recordChange(db, actor, { action: 'history.reprice', target, before: { costUsd: oldUsd, calls }, after: { costUsd: newUsd, changed } });
      // over only once it is in the audit log, so whoever sees the job end finds the entry
      job.result = result;
      job.state = result.cancelled ? 'cancelled' : 'done';
    })
    .catch((error: unknown) => {
      job.state = 'failed';
      job.error = error instanceof Error ? error.message : String(error);
    })
    .finally(() => (job.finishedAt = new Date().toISOString()));
  return job;
}

/** Asks the running job to stop after the page it is on; false when none is running. */
export function cancelRepriceJob(): boolean {
  const running = holder[JOB];
  if (running?.job.state !== 'running') return false;
  running.abort.abort();
  return true;
}
