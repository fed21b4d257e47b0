/**
 * The one way dlsweep writes CSV that can hold user text (compare/ls/diff --format csv, results.csv,
 * predict's output): csv-stringify's quoting, and every cell a spreadsheet would run as a formula made text.
 */
import { stringify } from 'csv-stringify/sync';

/** A number as CSV writes it (`-0.5`, `+3`, `1e-8`, `.5`): left as is, since a spreadsheet reads it as a number. */
const PLAIN_NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** The first characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell as a spreadsheet should show it: text starting with = + - @, a tab or a carriage return is prefixed
 * with a single quote, so it is read as text and never run as a formula (OWASP, "CSV Injection"); plain
 * numbers such as -0.5 or +3 are left as they are. Throws: nothing.
 */
export function spreadsheetText(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/**
 * CSV text of `records` (the header first), each cell made safe for spreadsheets (spreadsheetText) and
 * quoted where needed (RFC 4180, by csv-stringify). Throws: nothing.
 */
export function toCsv(records: readonly (readonly string[])[]): string {
  return stringify(records.map((r) => r.map(spreadsheetText)));
}
