/**
 * SQL fragments that carry their own parameters. A fragment is text with holes; a hole holds a bound
 * value, another fragment, or a choice between dialects. Nothing is numbered until `render` turns the
 * whole query into text for one dialect (`?` for SQLite, `$1…` for PostgreSQL) and its values in order.
 */
export type Dialect = 'sqlite' | 'pg';

export type Param = string | number | bigint | null;

type Part = string | { param: Param } | Sql | { choice: Record<Dialect, Sql> };

export class Sql {
  /** @internal */
  constructor(readonly parts: readonly Part[]) {}
}

/** sql`… ${value} …`: values are bound; Sql values are spliced in with their own parameters. */
export function sql(strings: TemplateStringsArray, ...values: (Sql | Param)[]): Sql {
  const parts: Part[] = [];
  strings.forEach((s, i) => {
    if (s) parts.push(s);
    if (i < values.length) {
      const v = values[i]!;
      parts.push(v instanceof Sql ? v : { param: v });
    }
  });
  return new Sql(parts);
}

/** Trusted text (identifiers, constants, SQL built from code, never from input). */
export const raw = (text: string): Sql => new Sql([text]);

export const empty = raw('');

/** Fragments separated by `separator` (text). */
export function join(fragments: readonly Sql[], separator: string): Sql {
  const parts: Part[] = [];
  fragments.forEach((f, i) => {
    if (i > 0 && separator) parts.push(separator);
    parts.push(f);
  });
  return new Sql(parts);
}

/** One bound value per item, comma-separated: the inside of `IN (…)`. */
export const list = (values: readonly Param[]): Sql => join(values.map((v) => sql`${v}`), ', ');

/** A fragment that is written differently per dialect (lib/analytics/engine/dialect.ts holds them all). */
export const perDialect = (choice: Record<Dialect, Sql>): Sql => new Sql([{ choice }]);

export interface Rendered {
  text: string;
  params: Param[];
}

/** The query's text and values for one dialect: the only place placeholders are written. */
export function render(fragment: Sql, dialect: Dialect): Rendered {
  const params: Param[] = [];
  let text = '';
  const walk = (f: Sql) => {
    for (const p of f.parts) {
      if (typeof p === 'string') text += p;
      else if (p instanceof Sql) walk(p);
      else if ('choice' in p) walk(p.choice[dialect]);
      else {
        params.push(p.param);
        text += dialect === 'sqlite' ? '?' : `$${params.length}`;
      }
    }
  };
  walk(fragment);
  return { text, params };
}
