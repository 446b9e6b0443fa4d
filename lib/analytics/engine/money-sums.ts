import { picoFromParts, picoToMicros, picoToUsdString } from '@/lib/money';
import type { MoneyMeasure } from '@/lib/rollups/definition';
import { moneySumSql, picoSums } from '@/lib/rollups/definition';

export { moneySumSql, type MoneyMeasure };

/** The two text columns `moneySumSql(…, alias)` selects. */
export type MoneySumColumns<A extends string> = Record<`${A}WholeMicros` | `${A}RemainderPico`, string>;

/** The exact sum `moneySumSql(…, alias)` selected, in pico-dollars. */
export function moneySum<A extends string>(row: MoneySumColumns<A>, alias: A): bigint {
  return picoFromParts(row[`${alias}WholeMicros`], row[`${alias}RemainderPico`]);
}

/** How the API gives an amount: rounded micro-dollars for charts and sorting, and the exact decimal dollars. */
export function amount(pico: bigint): { micros: number; usd: string } {
  return { micros: picoToMicros(pico), usd: picoToUsdString(pico) };
}

/** The same two columns as `moneySumSql`, summed straight from raw rows' exact pico-dollars. */
export function rawMoneySumSql(picoExpression: string, alias: string): string {
  const { wholeMicros, remainderPico } = picoSums(picoExpression);
  return `CAST(${wholeMicros} AS TEXT) AS ${alias}WholeMicros, CAST(${remainderPico} AS TEXT) AS ${alias}RemainderPico`;
}
