import type { MeterDb } from '@/db/database';
import type { BudgetMonitor } from '@/lib/budgets/monitor';
import type { MeterConfig } from '@/lib/config';
import type { KeyTeams } from '@/lib/settings/key-teams';

/**
 * What the server process started with. The custom server and the Next.js bundle load separate
 * copies of our modules, so the one place both can see is a symbol on globalThis.
 */
export interface MeterRuntime {
  config: MeterConfig;
  db: MeterDb;
  /** Budgets' live state and enforcement (lib/budgets/monitor.ts). */
  budgets: BudgetMonitor;
  /** The API keys' teams from Settings, as the proxy stamps them on calls. */
  keyTeams: KeyTeams;
  /** Whether a price row is one Meter ships (seeded at every start, so it is corrected, never deleted). */
  isShippedPrice: (row: { model: string; servingPath: string; region: string; effectiveFrom: string }) => boolean;
}

const RUNTIME = Symbol.for('fireworks-meter.runtime');
type Holder = { [RUNTIME]?: MeterRuntime };

export function setRuntime(runtime: MeterRuntime): void {
  (globalThis as Holder)[RUNTIME] = runtime;
}

export function getRuntime(): MeterRuntime | undefined {
  return (globalThis as Holder)[RUNTIME];
}
