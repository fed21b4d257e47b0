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

/** Render one diagnostic as `file:line:column: error: message` plus detail lines and a code frame. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file, d.line, d.column].filter((x) => x !== undefined).join(':');
  const lines = [`${where}: ${d.severity}: ${d.path ? `${d.path}: ` : ''}${d.message}`];
  if (d.expected !== undefined) lines.push(`  expected: ${d.expected}`);
  if (d.found !== undefined) lines.push(`  found:    ${d.found}`);
  if (d.sourceLine !== undefined && d.line !== undefined) {
    const n = String(d.line);
    lines.push(`  ${n} | ${d.sourceLine}`);
    if (d.column !== undefined) {
      // Keep tabs in the padding so the caret lines up under tab-indented text.
      const pad = d.sourceLine.slice(0, Math.max(0, d.column - 1)).replace(/[^\t]/g, ' ');
      const room = Math.max(1, d.sourceLine.length - (d.column - 1));
      const carets = '^'.repeat(Math.max(1, Math.min(d.length ?? 1, room)));
      lines.push(`  ${' '.repeat(n.length)} | ${pad}${carets}`);
    }
  }
  if (d.hint !== undefined) lines.push(`  hint: ${d.hint.split('\n').join('\n        ')}`);
  return lines.join('\n');
}

/** One or more errors in an input file (experiment, dataset). A UserError whose message lists them all. */
export class DiagnosticError extends UserError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n\n'));
    this.name = 'DiagnosticError';
    this.diagnostics = diagnostics;
  }
}
