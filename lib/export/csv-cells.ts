// Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made inert for spreadsheets; csv-stringify does the RFC 4180 quoting. */
export function textCell(value: string | null | undefined): string {
  if (value == null) return '';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export const CSV_OPTIONS = { record_delimiter: '\r\n' } as const;
