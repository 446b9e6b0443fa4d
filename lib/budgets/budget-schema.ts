import { z } from 'zod';
import { parseUsdToPico, picoToUsdString } from '@/lib/money';
import { SERVING_PATHS, type ServingPath } from '@/lib/pricing/serving-paths';
import { PERIODS, type Period } from './period';

/** The call dimensions a budget can be narrowed by, named as in the filters and the request rows. */
export const SCOPE_KEYS = ['team', 'project', 'environment', 'apiKey', 'model', 'servingPath'] as const;
export type ScopeKey = (typeof SCOPE_KEYS)[number];

/** A normalised scope: an absent key means "any value"; a present key lists the values that match. */
export type BudgetScope = {
  [K in ScopeKey]?: K extends 'servingPath' ? ServingPath[] : string[];
};

export type BudgetAction = 'alert' | 'block';

export type BudgetChannel = { type: 'webhook'; url: string } | { type: 'slack'; url: string } | { type: 'email'; to: string };

// One value or a list, always kept as a de-duplicated list so matching has one shape to handle.
const scopeValues = <T extends z.ZodType<string, string>>(key: string, item: T) =>
  z
    .union([z.string(), z.array(z.string())], { error: `scope.${key} must be a string or a list of strings` })
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(item).min(1, `scope.${key} must list at least one value`).max(50, `scope.${key} lists at most 50 values`))
    .transform((v) => [...new Set(v)]);

const scopeText = (key: string) => z.string(`scope.${key} values must be strings`).trim().min(1, `scope.${key} values must not be empty`).max(200);

const scopeSchema = z.strictObject(
  {
    team: scopeValues('team', scopeText('team')).optional(),
    project: scopeValues('project', scopeText('project')).optional(),
    environment: scopeValues('environment', scopeText('environment')).optional(),
    apiKey: scopeValues('apiKey', scopeText('apiKey')).optional(),
    model: scopeValues('model', scopeText('model')).optional(),
    servingPath: scopeValues('servingPath', z.enum(SERVING_PATHS, `scope.servingPath values must be one of ${SERVING_PATHS.join(', ')}`)).optional(),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown scope key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}: a scope takes ${SCOPE_KEYS.join(', ')}`
        : iss.code === 'invalid_type'
          ? 'scope must be an object such as {"team": "search"}'
          : undefined,
  },
);

/** Accepts what Intl accepts, and keeps the zone's canonical spelling when only the case differs ("utc" → "UTC"). */
const timeZoneSchema = z.string('timeZone must be a string').transform((tz, ctx) => {
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === tz.toLowerCase() ? resolved : tz;
  } catch {
    ctx.addIssue({ code: 'custom', message: `unknown time zone "${tz}": use an IANA zone such as Europe/Berlin or UTC` });
    return z.NEVER;
  }
});

// Dollars arrive as text so that no amount passes through a binary float on the way in.
const amountSchema = z.string('amountUsd must be a string of decimal dollars such as "25" or "0.50"').transform((raw, ctx) => {
  const s = raw.trim();
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (s.startsWith('-')) return fail('amountUsd must not be negative');
  if (/^\d+(\.\d+)?e[+-]?\d+$/i.test(s)) return fail('amountUsd must be plain decimal dollars, not exponent notation');
  if (/^\d+\.\d{13,}$/.test(s)) return fail('amountUsd has at most 12 decimal places');
  const pico = /^\d+(\.\d+)?$/.test(s) ? parseUsdToPico(s) : null;
  if (pico === null) return fail(`amountUsd must be decimal dollars such as "25" or "0.50", not ${JSON.stringify(raw.slice(0, 40))}`);
  if (pico <= 0n) return fail('amountUsd must be more than 0');
  return pico;
});

const thresholdsSchema = z
  .array(
    z
      .number('each threshold must be a number, a fraction of the amount (0.8 is 80%)')
      .gt(0, 'each threshold must be more than 0 (a fraction of the amount: 0.8 is 80%)')
      .lte(10, 'each threshold must be at most 10 (1000% of the amount)')
      // thresholds are compared in millionths of the amount: a finer one would round to another
      .refine((t) => Math.abs(t * 1e6 - Math.round(t * 1e6)) < 1e-6, 'each threshold has at most 6 decimals (0.000001 is the smallest)'),
    'thresholds must be a list of numbers such as [0.5, 0.8, 1]',
  )
  .max(20, 'at most 20 thresholds')
  .transform((ts) => [...new Set(ts)].sort((a, b) => a - b))
  .default([0.5, 0.8, 1]);

const httpUrl = z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' });

const channelSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('webhook'), url: httpUrl }),
    z.strictObject({ type: z.literal('slack'), url: httpUrl }),
    z.strictObject({ type: z.literal('email'), to: z.email('to must be an email address') }),
  ],
  { error: 'each channel needs a type of webhook, slack or email' },
);

/** A list of alert channels (a budget's own, or the account's defaults in Settings). */
export const channelsSchema = z.array(channelSchema, 'channels must be a list').max(10, 'at most 10 channels');

/** A validated budget without its database identity. */
export interface BudgetFields {
  name: string;
  scope: BudgetScope;
  period: Period;
  timeZone: string;
  amountPico: bigint;
  thresholds: number[];
  action: BudgetAction;
  channels: BudgetChannel[];
}

/**
 * A budget as the API accepts it (create and full replace). Strict at every level: a misspelt key
 * is a 400 naming it rather than a setting silently left at its default. Parsing yields
 * BudgetFields: scope values as lists, the amount as exact pico-dollars.
 */
export const budgetInputSchema = z
  .strictObject(
    {
      name: z.string('name must be a string').trim().min(1, 'name must not be empty').max(100, 'name is at most 100 characters'),
      scope: scopeSchema.default({}),
      period: z.enum(PERIODS, `period must be one of ${PERIODS.join(', ')}`),
      timeZone: timeZoneSchema.default('UTC'),
      amountUsd: amountSchema,
      thresholds: thresholdsSchema,
      action: z.enum(['alert', 'block'], 'action must be alert or block').default('alert'),
      channels: channelsSchema.default([]),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown budget field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}` : undefined) },
  )
  .transform(({ amountUsd, ...rest }): BudgetFields => ({ ...rest, amountPico: amountUsd }));

/** The request body before validation. */
export type BudgetInput = z.input<typeof budgetInputSchema>;

/** A stored budget. */
export interface Budget extends BudgetFields {
  id: number;
  createdAt: Date;
}

/** Validates an API body; the error is the readable text a 400 carries. */
export function parseBudgetInput(body: unknown): { ok: true; value: BudgetFields } | { ok: false; error: string } {
  const r = budgetInputSchema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: z.prettifyError(r.error) };
}

/** A budget as JSON for the API and pages: bigint is not JSON, so the amount goes back to exact dollars. */
export function budgetJson(budget: Budget) {
  const { amountPico, createdAt, ...rest } = budget;
  return { ...rest, amountUsd: picoToUsdString(amountPico, 2), createdAt: createdAt.toISOString() };
}

/**
 * Channels as a viewer may see them: a webhook or Slack URL often is its own secret (it carries the
 * token), so only its host is shown; an address keeps its domain.
 */
export function redactChannel(c: BudgetChannel): BudgetChannel {
  if (c.type === 'email') return { type: 'email', to: `…@${c.to.split('@').pop()}` };
  return { type: c.type, url: `${new URL(c.url).origin}/…` };
}
