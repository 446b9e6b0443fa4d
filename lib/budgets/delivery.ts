import { createTransport } from 'nodemailer';
import type { BudgetChannel } from './budget-schema';
import { createHmac } from 'node:crypto';
import { emailMessage, slackMessage, type MeterEventBody } from './payload';

/** `x-meter-signature`: HMAC-SHA256 of the exact bytes sent, so receivers must verify before parsing. */
export function signBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface DeliveryOptions {
  /** Signs webhook bodies as `x-meter-signature`; Slack gets none (its URL is its secret). */
  webhookSecret?: string;
  /** SMTP_URL, e.g. smtps://user:pass@mail.example.com or smtp://127.0.0.1:2525?ignoreTLS=true (query keys are nodemailer options). */
  smtpUrl?: string;
  /** The From address for email. */
  emailFrom?: string;
  /** Per attempt; a slow receiver must not hold the outbox worker. */
  timeoutMs?: number;
}

/** `retryable: false` means another attempt would get the same answer (a 404, a rejected address). */
export type DeliveryResult = { ok: true } | { ok: false; error: string; retryable: boolean };

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_FROM = 'Fireworks Meter <meter@localhost>';

/**
 * One attempt to hand one event to one channel. Never throws: the outbox records the result and
 * schedules the next attempt with nextAttemptDelayMs. Sending the same event again sends the same
 * bytes (same id, same signature), so a receiver can drop the repeat.
 */
export async function deliver(event: MeterEventBody, channel: BudgetChannel, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (channel.type === 'email') return sendEmail(event, channel.to, options, timeoutMs);
  const body = JSON.stringify(channel.type === 'slack' ? slackMessage(event) : event);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'fireworks-meter' };
  if (channel.type === 'webhook') {
    headers['x-meter-event'] = event.type;
    headers['x-meter-event-id'] = event.id;
    if (options.webhookSecret) headers['x-meter-signature'] = signBody(body, options.webhookSecret);
  }
  return post(channel.url, headers, body, timeoutMs);
}

async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<DeliveryResult> {
  try {
    // a redirect would re-send the body somewhere the budget's owner never named: count it as a failure
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => {});
    if (res.status >= 200 && res.status < 300) return { ok: true };
    const retryable = res.status >= 500 || res.status === 408 || res.status === 425 || res.status === 429;
    return { ok: false, error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, retryable };
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    return { ok: false, error: timedOut ? `no answer within ${timeoutMs} ms` : describe(err), retryable: true };
  }
}

async function sendEmail(event: MeterEventBody, to: string, options: DeliveryOptions, timeoutMs: number): Promise<DeliveryResult> {
  if (!options.smtpUrl) return { ok: false, error: 'SMTP_URL is not set', retryable: false };
  const transport = createTransport({ url: options.smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: 2 * timeoutMs });
  try {
    const { subject, text } = emailMessage(event);
    // the event id as Message-ID lets mail clients and archives fold a re-sent copy into the first
    await transport.sendMail({ from: options.emailFrom ?? DEFAULT_FROM, to, subject, text, messageId: `<${encodeURIComponent(event.id)}@fireworks-meter>` });
    return { ok: true };
  } catch (err) {
    // SMTP 5xx is a permanent refusal (unknown mailbox, policy); 4xx and network trouble may pass
    const code = (err as { responseCode?: unknown }).responseCode;
    return { ok: false, error: describe(err), retryable: !(typeof code === 'number' && code >= 500) };
  } finally {
    transport.close();
  }
}

const describe = (err: unknown) => (err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err));

/** Attempts per event and channel before it is marked failed (about an hour of trying in all). */
export const MAX_ATTEMPTS = 20;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 5 * 60_000;

/**
 * The wait after `attempt` failed attempts (1 after the first failure): 1 s, 2 s, 4 s … capped at
 * 5 min; null once MAX_ATTEMPTS have failed. Pure, so the outbox stores next_attempt_at = now + this.
 */
export function nextAttemptDelayMs(attempt: number): number | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  return Math.min(FIRST_DELAY_MS * 2 ** (Math.max(1, attempt) - 1), MAX_DELAY_MS);
}

/** What the outbox row becomes after an attempt: delivered, due again at a time, or given up. */
export function afterAttempt(
  attempts: number,
  result: DeliveryResult,
  now: Date,
): { state: 'delivered' } | { state: 'retry'; nextAttemptAt: Date; error: string } | { state: 'failed'; error: string } {
  if (result.ok) return { state: 'delivered' };
  const delay = result.retryable ? nextAttemptDelayMs(attempts) : null;
  return delay === null ? { state: 'failed', error: result.error } : { state: 'retry', nextAttemptAt: new Date(now.getTime() + delay), error: result.error };
}
