/**
 * `dlsweep compare [TARGET...]`: compare the runs of stored sweeps (the latest by default): filter, sort,
 * choose columns, aggregate repeats, pivot, per-value averages; print or write in five formats.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { shellWord } from '../text.js';
import { isWriteError, outputWriteFailure } from './write-errors.js';
import { writeTextAtomic } from '../store/atomic.js';
import { experimentOf, experimentsIn, leavingWarning, linksLeaving, normalizeReference } from '../store/sweep-folders.js';
import { resolveSweepNotRun } from '../report/run-address.js';
import { sweepRows, sweepTitle } from '../report/rows.js';
import { knownColumns, lookupColumn } from '../report/columns.js';
import { compareView, splitList, type QueryOptions } from '../report/compare/index.js';
import { renderView, type OutputFormat, type TableView } from '../report/render.js';
import { useColor, type CliIO } from './io.js';
import { warnDamaged } from './damage.js';

/** Options of `dlsweep compare`. */
export interface CompareOptions extends QueryOptions {
  runsDir: string;
  /** Output format; default: from the --output file's extension, else table. */
  format?: OutputFormat;
  /** Write here (atomically) instead of stdout. */
  output?: string;
}

const EXTENSIONS: Record<string, OutputFormat> = { '.md': 'markdown', '.markdown': 'markdown', '.csv': 'csv', '.json': 'json', '.html': 'html', '.htm': 'html', '.txt': 'table' };

/**
 * The format to write: the one asked for (--format), else the one the output file's extension names
 * (.txt is the terminal table without colour), else the terminal table on stdout.
 * Throws: UserError for an output file whose extension names no format (.xlsx, .tsv, none): writing the
 * terminal table there would silently give a file other programs cannot read.
 */
export function outputFormat(format: OutputFormat | undefined, output: string | undefined): OutputFormat {
  if (format) return format;
  if (output === undefined || output === '-') return 'table';
  const ext = extname(output).toLowerCase();
  const known = EXTENSIONS[ext];
  if (known) return known;
  throw new UserError(
    `-o ${output}: ${ext ? `the extension ${ext} names no output format` : 'the file name has no extension to choose the output format from'}`,
    `use ${Object.keys(EXTENSIONS).join(', ')} (${[...new Set(Object.values(EXTENSIONS))].join(', ')}), or name the format: --format csv -o ${output}`,
  );
}

/**
 * Refuse an output path that cannot be written before any work: a folder, a missing folder, or one this
 * process may not write into. Throws: UserError naming the option and the path.
 */
export function checkOutputPath(path: string, option: string): void {
  const fail = (why: string, hint: string): never => {
    throw new UserError(`${option} ${path}: ${why}`, hint);
  };
  try {
    if (statSync(path).isDirectory()) fail('is a folder', 'give a file name inside it');
  } catch (e) {
    if (e instanceof UserError) throw e;
    // absent: fine, it is created
  }
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(`the folder ${dirname(path)} does not exist`, `create it (mkdir -p ${shellWord(dirname(path))}), or choose a folder that exists`);
    // A read-only file system or permissions: the one message and exit code of any failed write (main.ts).
    if (isWriteError(e)) throw Object.assign(new Error(`cannot write into ${dirname(path)}`), { code, path: dirname(path) });
    fail(`the folder ${dirname(path)} cannot be written (${code})`, 'choose a folder that exists and that you can write to');
  }
}

/**
 * Write text to --output (atomically, saying where on stderr) or to stdout.
 * Throws: UserError when the file cannot be written.
 */
export async function emit(text: string, output: string | undefined, io: CliIO): Promise<void> {
  if (output === undefined || output === '-') {
    io.stdout.write(text);
    return;
  }
  const path = resolve(io.cwd, output);
  checkOutputPath(path, '--output');
  try {
    await writeTextAtomic(path, text);
  } catch (e) {
    throw outputWriteFailure(e, path, '--output');
  }
  io.stderr.write(`wrote ${path}\n`);
}

/**
 * The view's warnings (notes starting `warning:`, such as runs on different data) on stderr, for the machine
 * formats: CSV has no place for them, and a script reading JSON need not look at its notes. The other formats
 * show them above the table.
 */
export function warnMachineFormat(view: TableView, format: OutputFormat, io: CliIO): void {
  if (format !== 'csv' && format !== 'json') return;
  for (const note of view.notes) if (note.startsWith('warning:')) io.stderr.write(note + '\n');
}

/** Resolve targets to sweep folders (each once, in the order given); none means the latest sweep. */
export function resolveTargets(runsDir: string, targets: string[]): string[] {
  const dirs = (targets.length ? targets : [undefined]).map((t) => resolveSweepNotRun(runsDir, t, 'compare', 'compare its sweep'));
  return [...new Set(dirs)];
}

/** `dlsweep compare`: returns the exit code. Throws: UserError for unknown targets or bad options. */
export async function compareCommand(targets: string[], options: CompareOptions, io: CliIO): Promise<number> {
  const runsDir = resolve(io.cwd, options.runsDir);
  // --pivot takes exactly three names; commander's variadic option also swallows the targets after them.
  const pivot = splitList(options.pivot);
  const extra = pivot.length > 3 ? pivot.splice(3) : [];
  // The latest sweep is found among those inside the runs folder: links leading out are left out, with a
  // warning (of every experiment for a bare compare, else, once the targets are found, of the experiments
  // whose latest sweep is asked for; a link named as a target is refused instead).
  const bare = targets.length + extra.length === 0;
  if (bare) for (const link of linksLeaving(runsDir)) io.stderr.write(leavingWarning(runsDir, link) + '\n');
  const sweeps = resolveTargets(runsDir, [...targets, ...extra]);
  const named = new Set([...targets, ...extra].map((t) => /^([^/]+)(\/latest)?$/.exec(normalizeReference(runsDir, t))?.[1]).filter((e) => e !== undefined).map((e) => experimentOf(runsDir, e)));
  if (!bare) for (const link of linksLeaving(runsDir)) if (named.has(link.experiment)) io.stderr.write(leavingWarning(runsDir, link) + '\n');
  const rows = sweeps.flatMap((s) => sweepRows(s, (line) => io.stderr.write(line + '\n')));
  warnDamaged(io, rows);
  const defs = knownColumns(rows);
  // A variadic --group-by also swallows targets typed after it: say so rather than "unknown parameter".
  const experiments = new Set(experimentsIn(runsDir));
  for (const name of splitList(options.groupBy)) {
    if (!lookupColumn(name, defs) && (experiments.has(name) || /^\d{8}-\d{6}/.test(name))) {
      throw new UserError(`--group-by: "${name}" is a sweep or experiment, not a parameter`, `name sweeps before the options: dlsweep compare ${name} --group-by ...`);
    }
  }
  const title = sweeps.map(sweepTitle).join(' + ');
  const view = compareView(title, rows, { ...options, pivot: pivot.length ? pivot : undefined });
  const format = outputFormat(options.format, options.output);
  const toFile = options.output !== undefined && options.output !== '-';
  warnMachineFormat(view, format, io);
  await emit(renderView(view, format, { color: !toFile && useColor(io, io.stdout) }), options.output, io);
  return 0;
}
