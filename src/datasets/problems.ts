/** Helpers to build the datasets stage's errors: positioned diagnostics about a data file. */
import { DiagnosticError, type Diagnostic } from '../errors.js';

/** A diagnostic about `file` (line and column 1-based; column is the CSV field number). */
export function dataDiagnostic(
  file: string,
  message: string,
  extra: { line?: number; column?: number; expected?: string; found?: string; hint?: string } = {},
): Diagnostic {
  const d: Diagnostic = { severity: 'error', file, path: '', message };
  if (extra.line !== undefined) d.line = extra.line;
  if (extra.column !== undefined) d.column = extra.column;
  if (extra.expected !== undefined) d.expected = extra.expected;
  if (extra.found !== undefined) d.found = extra.found;
  if (extra.hint !== undefined) d.hint = extra.hint;
  return d;
}

/** A DiagnosticError with one diagnostic about `file`. */
export function dataError(file: string, message: string, extra: Parameters<typeof dataDiagnostic>[2] = {}): DiagnosticError {
  return new DiagnosticError([dataDiagnostic(file, message, extra)]);
}

/** Throw the collected diagnostics (if any): the message shows the first ones and counts the rest (formatDiagnostics). */
export function throwIfAny(diagnostics: Diagnostic[]): void {
  if (diagnostics.length > 0) throw new DiagnosticError(diagnostics);
}

/** Quote a cell value for a message: JSON style, so blanks and spaces are visible. */
export function q(value: string): string {
  return JSON.stringify(value);
}

/** "5, 9, 12" for the first few numbers, with "..." when there are more. */
export function listFirst(numbers: number[], total: number): string {
  return numbers.join(', ') + (total > numbers.length ? ', ...' : '');
}

/** One problem of a dataset setting: `setting` is its path inside the experiment's dataset block, e.g. ['drop_columns', 1]. */
export interface SettingProblem {
  setting: (string | number)[];
  diagnostic: Diagnostic;
}

/**
 * Problems of the dataset settings that only the data file can reveal (a label or feature column it lacks, a
 * positive value no row holds), all of them at once. Each diagnostic is about the data file and names its setting (`dataset.label`); a caller
 * that holds the experiment file points each at the setting's value there (see cli/load.ts).
 */
export class DatasetSettingsError extends DiagnosticError {
  readonly problems: SettingProblem[];
  constructor(problems: SettingProblem[]) {
    super(problems.map((p) => p.diagnostic));
    this.name = 'DatasetSettingsError';
    this.problems = problems;
  }
}

/** The path of a dataset setting as messages write it: ['drop_columns', 1] is dataset.drop_columns[1]. */
export function settingPath(setting: (string | number)[]): string {
  return ['dataset', ...setting].map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
