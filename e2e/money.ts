import { parseUsdToPico, picoToUsdString, sumPico } from '../lib/money';

/** The exact sum of decimal dollar strings (CSV cells or API amounts; '' counts as nothing), as the API writes it. */
export function exactSum(amounts: readonly string[]): string {
  return picoToUsdString(sumPico(amounts.map((usd) => (usd === '' ? 0n : parseUsdToPico(usd)!))));
}
