/** Header detection and column references (0-based index or header name) for CSV datasets. */
import { distance } from 'fastest-levenshtein';
import { DiagnosticError } from '../errors.js';

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Whether a cell written as a number is beyond the float64 range (1e400, -2e308): Number() gives ±Infinity.
 * Such a cell is reported as out of range, not as non-numeric.
 */
export function isOutOfRange(cell: string): boolean {
  return isNumeric(cell) && !Number.isFinite(Number(cell));
}

/** What is wrong with such a cell, for messages. */
export const OUT_OF_RANGE = 'out of the float64 range (finite numbers only, at most about 1.8e308 in size)';

/** Whether a trimmed cell is a plain decimal number (e.g. `3`, `-0.5`, `1e-3`); `NaN`, `inf`, `0x10` and `""` are not. */
export function isNumeric(cell: string): boolean {
  return NUMBER_RE.test(cell);
}

/**
 * header 'auto': the first row is a header when, in at least one column, its cell is not a number
 * (and not a missing-value marker such as "?") while the second row's cell in that column is a number.
 * So `id,thickness,class` over `1000025,5,2` is a header; a first row of numbers is data; a file whose only
 * text column is a string label ("M" over "B") is data. A file with one row has no header.
 */
export function detectHeader(first: string[], second: string[] | undefined, missing: ReadonlySet<string>): boolean {
  if (second === undefined) return false;
  for (let j = 0; j < first.length && j < second.length; j++) {
    const a = first[j].trim();
    const b = second[j].trim();
    if (!isNumeric(a) && !missing.has(a) && isNumeric(b)) return true;
  }
  return false;
}

/** Names of the columns: from the header (blank header cells become `col<j>`), or `col0`, `col1`, ... */
export function columnNames(count: number, header: string[] | undefined, known?: readonly string[]): string[] {
  const names: string[] = [];
  for (let j = 0; j < count; j++) {
    const h = header?.[j]?.trim();
    names.push(h ? h : known && known.length === count ? known[j] : `col${j}`);
  }
  return names;
}

/** What is wrong with a column reference, as the parts of a diagnostic (the setting's path is the caller's). */
export interface ColumnProblem {
  message: string;
  expected: string;
  found: string;
  hint: string;
}

/**
 * Resolve a column reference to a 0-based index, or say what is wrong with it.
 * A number is an index; a string is a column name (header, or the managed dataset's known names),
 * and a string of digits that names no column is taken as an index.
 * Returns: the index, or a ColumnProblem for an index out of range, an unknown name (the columns listed as
 * expected, with a did-you-mean), or a name that several columns share. Throws: nothing.
 */
export function resolveColumn(ref: string | number, names: string[], named: boolean, file: string): number | ColumnProblem {
  const n = names.length;
  const found = typeof ref === 'number' ? String(ref) : JSON.stringify(ref);
  const byName = named ? `, or a column name: ${listColumns(names)}` : '';
  if (typeof ref === 'number' || (/^\d+$/.test(ref.trim()) && !names.includes(ref.trim()))) {
    const idx = typeof ref === 'number' ? ref : Number(ref.trim());
    if (Number.isInteger(idx) && idx >= 0 && idx < n) return idx;
    return {
      message: `column index ${String(ref).trim()} is out of range: ${file} has ${n} columns`,
      expected: `a 0-based column index, 0 to ${n - 1}${byName}`,
      found,
      hint: `columns are counted from 0: the last one is ${n - 1} (${JSON.stringify(names[n - 1])})`,
    };
  }
  const name = ref.trim();
  const hits: number[] = [];
  names.forEach((c, j) => {
    if (c === name) hits.push(j);
  });
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) {
    return {
      message: `column name "${name}" is ambiguous: columns ${hits.join(', ')} of ${file} share it`,
      expected: 'a name that one column has, or a 0-based column index',
      found,
      hint: `refer to the column by its 0-based index, e.g. ${hits[0]}`,
    };
  }
  const guess = named ? didYouMean(name, names) : undefined;
  return {
    message: `no column named "${name}" in ${file}`,
    expected: named ? `a column of the file: ${listColumns(names)}` : `a 0-based column index, 0 to ${n - 1} (the file has no header row, so its columns have no names)`,
    found,
    hint:
      guess !== undefined
        ? `did you mean "${guess}"?`
        : named
          ? 'write one of the column names above as it is spelled in the header line, or a 0-based column index'
          : 'refer to columns by 0-based index, or set dataset.header: true if the first row holds the names',
  };
}

/** "0 id, 1 thickness, ..." (capped at 60 columns). */
export function listColumns(names: string[]): string {
  const shown = names.slice(0, 60).map((c, j) => `${j} ${c}`);
  return shown.join(', ') + (names.length > 60 ? `, ... (${names.length} columns)` : '');
}

/** The closest name when it is plausibly a typo (case-insensitive, edit distance <= max(2, length / 3)). */
export function didYouMean(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Whether a lone first line is column names: no cell is a number or a missing-value marker. */
export function looksLikeHeader(first: string[], missing: ReadonlySet<string>): boolean {
  return first.every((c) => !isNumeric(c.trim()) && !missing.has(c.trim()));
}

/**
 * Header names must be unique: two columns of one name cannot be told apart by name.
 * Throws: DiagnosticError at the header line and the second column's field number, naming both columns.
 */
export function throwOnDuplicateNames(file: string, names: string[], line: number): void {
  const first = new Map<string, number>();
  for (let j = 0; j < names.length; j++) {
    const k = first.get(names[j]);
    if (k === undefined) {
      first.set(names[j], j);
      continue;
    }
    throw new DiagnosticError([
      {
        severity: 'error',
        file,
        path: '',
        line,
        column: j + 1,
        message: `duplicate column name "${names[j]}": columns ${k} and ${j} (0-based) are both called so`,
        hint: 'rename one of them in the header line (or set dataset.header: false and refer to columns by 0-based index)',
      },
    ]);
  }
}

/**
 * Names that mark a row identifier or index rather than a measurement: id, index, row_id, patient_id,
 * sample_code_number, patientId... (whole name; the camelCase form is case-sensitive so `fluid` is not one).
 */
const IDENTIFIER_NAMES = [
  /^(?:id|ids|index|idx|key|uuid|guid|row|rownum|row[_ -]?(?:id|no|num|number|index))$/i,
  /[_ -](?:id|index|idx|key|uuid)$/i,
  /^(?:sample|patient|record|subject|case|customer|user)[_ -]?(?:code[_ -]?)?(?:number|no|num|code)$/i,
  /[a-z](?:Id|ID)$/,
];

/** Fewest rows for "every value is a distinct integer" to point at an identifier rather than chance. */
const IDENTIFIER_MIN_ROWS = 20;

/**
 * Warnings for feature columns that look like identifiers: named like one (id, index, patient_id, ...), or
 * holding a distinct integer on every row (at least IDENTIFIER_MIN_ROWS rows). `values`: [rows x features].
 * Such a column carries no information that generalizes but lets a network memorize rows. Throws: nothing.
 */
export function identifierWarnings(names: string[], values: Float64Array, rows: number, columns: number[]): string[] {
  const F = names.length;
  const out: string[] = [];
  for (let f = 0; f < F; f++) {
    const byName = IDENTIFIER_NAMES.some((re) => re.test(names[f]));
    let distinctIntegers = rows >= IDENTIFIER_MIN_ROWS;
    if (distinctIntegers) {
      const seen = new Set<number>();
      for (let r = 0; r < rows && distinctIntegers; r++) {
        const v = values[r * F + f];
        if (!Number.isInteger(v) || seen.has(v)) distinctIntegers = false;
        seen.add(v);
      }
    }
    if (!byName && !distinctIntegers) continue;
    const why = distinctIntegers ? `every one of its ${rows} values is a different integer` : 'its name is an identifier\'s';
    out.push(
      `feature "${names[f]}" looks like a row identifier (${why}), not a measurement: it is trained on as a feature; ` +
        `if it is an identifier, drop it with drop_columns: [${JSON.stringify(names[f])}] (or its index, ${columns[f]})`,
    );
  }
  return out;
}
