import { getRuntime } from '@/lib/runtime';
import type { MeterConfig } from '@/lib/config';

/**
 * Meter's clock: the system clock, moved by METER_CLOCK_OFFSET_MS when that is set. Only for
 * trying out periods (a budget's reset, month ends) without waiting for them; the README says so.
 * Calls are stamped, and budget periods judged, by this clock.
 */
export function meterClock(config: Pick<MeterConfig, 'METER_CLOCK_OFFSET_MS'>): () => number {
  const offset = config.METER_CLOCK_OFFSET_MS;
  return offset ? () => Date.now() + offset : Date.now;
}

/** Meter's clock as the running server set it (the system clock outside one). */
export function meterNow(): Date {
  const config = getRuntime()?.config;
  return new Date(config ? meterClock(config)() : Date.now());
}
