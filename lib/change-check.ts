/**
 * "Has this table changed?", asked at most once per `refreshMs`: `read` returns a cheap signature
 * of the table, and `changed` is true the first time and whenever the signature moved. For data
 * the proxy keeps in memory (prices, key teams) and Settings changes from another part of the process.
 */
export class ChangeCheck {
  private signature: string | undefined;
  private checkedAt = 0;

  constructor(
    private readonly read: () => string,
    private readonly refreshMs: number,
  ) {}

  /** `now`: read the signature whatever the time since the last check. */
  changed(now = false): boolean {
    if (!now && Date.now() - this.checkedAt <= this.refreshMs) return false;
    this.checkedAt = Date.now();
    const signature = this.read();
    if (signature === this.signature) return false;
    this.signature = signature;
    return true;
  }
}

const VERSIONS = Symbol.for('fireworks-meter.table-versions');
const versions = ((globalThis as { [VERSIONS]?: Map<string, number> })[VERSIONS] ??= new Map());

/**
 * A count of in-process writes to a table, for signatures a write can leave unchanged (a price
 * corrected in place keeps the row count and the newest id). Global: the custom server and the
 * Next.js bundle each load their own copy of this module.
 */
export const tableVersion = (table: string): number => versions.get(table) ?? 0;
export const bumpTableVersion = (table: string): void => void versions.set(table, tableVersion(table) + 1);
