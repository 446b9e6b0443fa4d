/**
 * The few words the rollup statements write differently per engine. The rollup definitions
 * (definition.ts, apply.ts, rate-limit-peaks.ts) are written once, against this interface; SQLite's
 * text is exactly what they wrote before it existed, PostgreSQL's (lib/rollups/pg-text.ts) differs
 * only here.
 */
export interface RollupText {
  readonly name: 'sqlite' | 'pg';
  /** The rows where `condition` holds, counted: SQLite sums its 0/1, PostgreSQL has no sum(boolean). */
  count(condition: string): string;
  /** A 0/1 integer flag from a condition (SQLite's comparison is one already). */
  flag(condition: string, alias: string): string;
  /** Scalar least / greatest of two or more values (SQLite's two-argument min / max). */
  least(...values: string[]): string;
  greatest(...values: string[]): string;
  /** `used / limit` as a double, NULL for a zero limit (PostgreSQL: `* 1.0` would be numeric). */
  ratio(used: string, limit: string): string;
  /** ON CONFLICT … DO UPDATE SET: PostgreSQL needs the conflict target (the primary key). */
  onConflict(keys: readonly string[]): string;
  /** The stored value of `column` inside DO UPDATE SET: PostgreSQL wants it qualified by the table. */
  current(table: string, column: string): string;
  /**
   * GROUP BY the first `names.length` output columns. PostgreSQL resolves a GROUP BY name as an input
   * column first, so `team` would group the raw NULL and '' apart although both are stored as '':
   * it groups by position.
   */
  groupBy(names: readonly string[]): string;
  /** Appended after GROUP BY: PostgreSQL upserts in key order (the first `keys.length` output columns), so concurrent writers lock rows in the same order. */
  orderBy(keys: readonly string[]): string;
  /** `a CROSS JOIN b ON …`: SQLite's hint to keep `a` outermost; PostgreSQL takes no ON after CROSS JOIN. */
  readonly hintedJoin: string;
}

export const SQLITE_TEXT: RollupText = {
  name: 'sqlite',
  count: (condition) => `sum(${condition})`,
  flag: (condition, alias) => `(${condition}) AS ${alias}`,
  least: (...values) => `min(${values.join(', ')})`,
  greatest: (...values) => `max(${values.join(', ')})`,
  ratio: (used, limit) => `${used} * 1.0 / nullif(${limit}, 0)`,
  onConflict: () => 'ON CONFLICT DO UPDATE SET',
  current: (_table, column) => column,
  groupBy: (names) => names.join(', '),
  orderBy: () => '',
  hintedJoin: 'CROSS JOIN',
};

export const PG_TEXT: RollupText = {
  name: 'pg',
  count: (condition) => `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`,
  flag: (condition, alias) => `CASE WHEN ${condition} THEN 1 ELSE 0 END AS ${alias}`,
  least: (...values) => `least(${values.join(', ')})`,
  greatest: (...values) => `greatest(${values.join(', ')})`,
  // double / bigint is IEEE division, as SQLite's REAL: the same bits, so shares compare and tie the same
  ratio: (used, limit) => `CAST(${used} AS double precision) / nullif(${limit}, 0)`,
  onConflict: (keys) => `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET`,
  current: (table, column) => `${table}.${column}`,
  groupBy: (names) => names.map((_, i) => i + 1).join(', '),
  orderBy: (keys) => ` ORDER BY ${keys.map((_, i) => i + 1).join(', ')}`,
  hintedJoin: 'JOIN',
};
