/**
 * Error classes shared by every stage. The CLI (src/cli/) is the one place that maps them to exit codes:
 * a UserError prints its message alone and exits 2; anything else is a bug and prints its stack.
 */

/** A problem with the user's input (files, options, data): shown as one message, exit code 2, no stack. */
export class UserError extends Error {
  /** Optional extra lines: how to fix it, an example. */
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
  }
}

/** Where a diagnostic points: file plus 1-based line and column when known. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

/** One problem found in an input file. */
export interface Diagnostic extends SourcePosition {
  severity: 'error' | 'warning';
  /** Path inside the document, e.g. "grid.learning_rate[1]" ("" for the whole document). */
  path: string;
  message: string;
  expected?: string;
  found?: string;
  /** How to fix it, e.g. "did you mean `learning_rate`?". */
  hint?: string;
  /** The source line the diagnostic points at, for a code frame. */
  sourceLine?: string;
  /** Number of characters to underline from column (1 when absent). */
  length?: number;
}

/** Source lines longer than this are shown as a window around the column (a generated or minified file). */
export const EXCERPT_WIDTH = 100;
/** Any other line of a message longer than this is shortened in its middle (a value pasted by mistake). */
export const MESSAGE_LINE_WIDTH = 500;

/**
 * A line of at most `max` characters: as is when it fits, else its start and end around a note of how many
 * characters were left out ("... [4,000 characters left out] ..."), so a huge value never floods a terminal.
 */
export function shortenLine(line: string, max = MESSAGE_LINE_WIDTH): string {
  if (line.length <= max) return line;
  // 40 characters for the note itself, so that the line stays within max.
  const keep = Math.max(2, max - 40);
  const tail = Math.floor(keep / 4);
  const head = keep - tail;
  return `${line.slice(0, head)} ... [${(line.length - keep).toLocaleString('en-US')} characters left out] ... ${line.slice(line.length - tail)}`;
}

/** Every line of a (multi-line) message shortened by shortenLine. */
export function shortenLines(text: string, max = MESSAGE_LINE_WIDTH): string {
  return text
    .split('\n')
    .map((l) => shortenLine(l, max))
    .join('\n');
}

/**
 * The part of a long source line shown in a code frame: at most `width` characters around the 1-based
 * `column` (a third of them before it), with `...` where the line goes on; the column and the underline's
 * length as they fall in that part.
 */
export function sourceExcerpt(line: string, column: number, length: number, width = EXCERPT_WIDTH): { text: string; column: number; length: number } {
  if (line.length <= width) return { text: line, column, length };
  let start = Math.max(0, column - 1 - Math.floor(width / 3));
  const end = Math.min(line.length, start + width);
  start = Math.max(0, end - width);
  const before = start > 0 ? '...' : '';
  const after = end < line.length ? '...' : '';
  const col = column - start + before.length;
  return { text: `${before}${line.slice(start, end)}${after}`, column: col, length: Math.max(1, Math.min(length, end - (column - 1))) };
}

/**
 * Render one diagnostic as `file:line:column: error: message` plus detail lines and a code frame. A long source
 * line is shown as the part around the column (sourceExcerpt), any other huge line shortened (shortenLine).
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file, d.line, d.column].filter((x) => x !== undefined).join(':');
  const lines = [`${where}: ${d.severity}: ${d.path ? `${d.path}: ` : ''}${d.message}`];
  if (d.expected !== undefined) lines.push(`  expected: ${d.expected}`);
  if (d.found !== undefined) lines.push(`  found:    ${d.found}`);
  if (d.sourceLine !== undefined && d.line !== undefined) {
    const n = String(d.line);
    const shown = sourceExcerpt(d.sourceLine, d.column ?? 1, d.length ?? 1);
    lines.push(`  ${n} | ${shown.text}`);
    if (d.column !== undefined) {
      // Keep tabs in the padding so the caret lines up under tab-indented text.
      const pad = shown.text.slice(0, Math.max(0, shown.column - 1)).replace(/[^\t]/g, ' ');
      const room = Math.max(1, shown.text.length - (shown.column - 1));
      const carets = '^'.repeat(Math.max(1, Math.min(shown.length, room)));
      lines.push(`  ${' '.repeat(n.length)} | ${pad}${carets}`);
    }
  }
  if (d.hint !== undefined) lines.push(`  hint: ${d.hint.split('\n').join('\n        ')}`);
  return shortenLines(lines.join('\n'));
}

/** The most diagnostics shown at once: the rest of a file that is wrong throughout are counted, not listed. */
export const MAX_SHOWN_DIAGNOSTICS = 20;

/**
 * Diagnostics rendered one after another (formatDiagnostic), joined by `separator` (a blank line by default):
 * the first MAX_SHOWN_DIAGNOSTICS, then one line counting the rest ("... and 99,980 more errors ...").
 */
export function formatDiagnostics(ds: readonly Diagnostic[], separator = '\n\n'): string {
  const shown = ds.slice(0, MAX_SHOWN_DIAGNOSTICS).map(formatDiagnostic);
  const rest = ds.slice(MAX_SHOWN_DIAGNOSTICS);
  if (rest.length > 0) {
    const errors = rest.filter((d) => d.severity === 'error').length;
    const kinds = [
      errors > 0 ? `${errors.toLocaleString('en-US')} more ${errors === 1 ? 'error' : 'errors'}` : '',
      rest.length > errors ? `${(rest.length - errors).toLocaleString('en-US')} more ${rest.length - errors === 1 ? 'warning' : 'warnings'}` : '',
    ].filter((x) => x);
    shown.push(`... and ${kinds.join(' and ')} in ${rest[0].file}, not shown: fix the ones above, then run again to see the rest`);
  }
  return shown.join(separator);
}

/** One or more errors in an input file (experiment, dataset). A UserError whose message lists them (formatDiagnostics). */
export class DiagnosticError extends UserError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(formatDiagnostics(diagnostics));
    this.name = 'DiagnosticError';
    this.diagnostics = diagnostics;
  }
}
