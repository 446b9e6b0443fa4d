import { z } from 'zod';
import type { MeterDb } from '@/db/database';
import { isTimeZone } from '@/lib/analytics/engine/filters';
import { readSetting, writeSetting } from './stored-settings';

const KEY = 'billing.timeZone';

/** The zone finance counts days and months in: Fireworks bills by UTC month, so UTC unless changed. */
export const billingSchema = z.strictObject({
  timeZone: z.string('timeZone must be a string').refine(isTimeZone, 'timeZone must be an IANA time zone such as UTC or Europe/Berlin'),
});

export const billingTimeZone = (db: MeterDb): Promise<string> => readSetting(db, KEY, 'UTC');

export const setBillingTimeZone = (db: MeterDb, timeZone: string): Promise<void> => writeSetting(db, KEY, timeZone);
