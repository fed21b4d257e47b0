/**
 * The files a sweep writes beside its run folders, rebuilt from them (never appended in place): the
 * comparison table as the run command prints it and writes it (table.md), results.csv, report.html, and
 * the counts in sweep.json. The table is the runs view of compare/runs.ts (one row per run, a column per
 * parameter that varies, the fixed ones listed above, metric columns, the best row marked).
 */
import { readReportLandscapes } from './landscape-section.js';
import { readDataSummary } from './data-section.js';
import { join } from 'node:path';
import { toCsv } from '../csv-write.js';
import { writeJsonAtomic, writeTextAtomic } from '../store/atomic.js';
import { SWEEP_FILES, compareRunFolders } from '../store/paths.js';
import { liveSize, sizeIsUpperBound } from '../store/live-status.js';
import type { SweepFile } from '../store/records.js';
import { METRIC_KEYS as ALL_METRIC_KEYS, TEST_METRIC_KEYS, paramOrder } from './columns.js';
import { DEFAULT_METRIC_KEYS } from './compare/shared.js';
import { runsTable } from './compare/runs.js';
import { metricLabel, tellsBracket, tellsRung } from './format.js';
import { counted } from '../text.js';
import { renderMarkdownView, renderTerminalView, type TableView } from './render.js';
import { renderReport, type ReportOptions } from './report-html.js';
import { bestOf, sweepRows, sweepTitle, type Row, type RowCache } from './rows.js';
import { readDesign, type SweepDesign } from './design.js';
import { recordedObjective } from '../sweep/objective.js';

/** The train and validation metric keys of results.csv (every metric key but training_ms). */
const TRAIN_VALIDATION_KEYS = ALL_METRIC_KEYS.filter((k) => k !== 'training_ms');

/** A metric column: its key (e.g. validation.accuracy) and header. */
export interface MetricColumn {
  key: string;
  label: string;
}

/** The metric columns of the run command's table and table.md. */
export const DEFAULT_METRICS: MetricColumn[] = DEFAULT_METRIC_KEYS.map((key) => ({ key, label: metricLabel(key) }));

/** The comparison of one sweep (or several) as printed by `run` and `compare`. */
export interface Comparison {
  title: string;
  /** The rows shown, in display order. */
  rows: Row[];
  metrics: MetricColumn[];
  /** The printable table. */
  view: TableView;
}

/**
 * Sort rows (default order: best first, unfinished runs last), find varying and fixed parameters (from the
 * sweep's design when given, so a sweep with missing runs still shows its grid), mark the best.
 */
export function buildComparison(title: string, rows: Row[], metrics: MetricColumn[] = DEFAULT_METRICS, design?: SweepDesign): Comparison {
  const custom = metrics.map((m) => m.key).join(',') !== DEFAULT_METRIC_KEYS.join(',');
  const { view, shown } = runsTable(title, rows, { ...(custom ? { columns: metrics.map((m) => m.key).join(',') } : {}), design });
  return { title, rows: shown, metrics, view };
}

/** Rows of the table printed after a sweep unless --top says otherwise (table.md and compare have them all). */
export const DEFAULT_TOP = 20;

/**
 * The table for a terminal; `color` bolds the best row (only when the output is a terminal and NO_COLOR is
 * unset). `top`: at most that many rows, best first, then a line saying how many more there are and how to
 * see them (Infinity: every row).
 */
export function renderTerminal(c: Comparison, options: { color?: boolean; top?: number } = {}): string {
  const top = options.top ?? Infinity;
  const total = c.view.rows.length;
  if (total <= top) return renderTerminalView(c.view, options);
  const more = total - top;
  const line = `${counted(more, 'more run')} not shown (top ${top} of ${total}): all of them with dlsweep compare ${c.title}, or with --top all`;
  return renderTerminalView({ ...c.view, rows: c.view.rows.slice(0, top), footnotes: [...c.view.footnotes, line] }, options);
}

/** The table as Markdown (table.md). */
export function renderMarkdown(c: Comparison): string {
  return renderMarkdownView(c.view);
}

/**
 * Metrics with a spread column: k-fold runs record the sample standard deviation (n - 1) over folds
 * (`validation_accuracy_std`) and the number of folds (`validation_accuracy_n`); other runs n = 1, no std.
 */
const spreadKeys = (splits: string[]) => splits.flatMap((s) => ['loss', 'accuracy', 'precision', 'recall', 'specificity', 'f1', 'roc_auc'].map((m) => `${s}.${m}`));

/** Early-stopping columns of results.csv (empty without early stopping). */
const STOP_KEYS = ['stopped_at', 'stop_reason', 'restored_from'] as const;

/**
 * results.csv: one row per run in grid order (a search's: its trial, bracket under hyperband, rung under
 * halving, asha and hyperband), every parameter and every metric at full precision (with
 * the 95% Wilson intervals of the proportions), the std and n of each metric (k-fold: over folds), then
 * where and why early stopping ended the training and which update's weights were restored, and the
 * paired test against the best run (tied_with_best, mcnemar_p; see markTies); when some run was copied from
 * an earlier sweep, where from (reused_from: EXPERIMENT/SWEEP_ID/RUN_FOLDER). With a test split, the test
 * metrics follow the validation ones (test_accuracy, ..., and their std and n); without one the columns are
 * those of a sweep that never had one.
 */
export function resultsCsv(rows: Row[]): string {
  const ordered = [...rows].sort((a, b) => compareRunFolders(a.folder, b.folder));
  const tested = ordered.some((r) => r.metrics['test.loss'] != null);
  const metricKeys = tested ? [...TRAIN_VALIDATION_KEYS, ...TEST_METRIC_KEYS, 'training_ms'] : ALL_METRIC_KEYS;
  const spread = spreadKeys(tested ? ['train', 'validation', 'test'] : ['train', 'validation']);
  const params = paramOrder(ordered.flatMap((r) => Object.keys(r.params)));
  // Searches add the trial of each run, its bracket under hyperband and its rung under halving, asha and
  // hyperband (the compare columns' rule); grid sweeps keep their columns.
  const search = (['trial', 'bracket', 'rung'] as const).filter((k) =>
    ordered.some((r) => r.search && (k === 'trial' || (k === 'bracket' ? tellsBracket(r.method) : tellsRung(r.method)))),
  );
  // Runs copied from earlier sweeps name their source; sweeps without any keep their columns.
  const reused = ordered.some((r) => r.reused_from) ? ['reused_from'] : [];
  const header = ['run', 'run_id', 'status', ...search, ...params, ...metricKeys.map((k) => k.replace('.', '_')), ...spread.flatMap((k) => [`${k.replace('.', '_')}_std`, `${k.replace('.', '_')}_n`]), ...STOP_KEYS, 'tied_with_best', 'mcnemar_p', 'note', ...reused];
  const records = ordered.map((r) => [
    r.folder,
    r.run_id,
    r.status,
    ...search.map((k) => (r.search ? String(r.search[k]) : '')),
    ...params.map((p) => (r.params[p] === undefined ? '' : typeof r.params[p] === 'object' ? JSON.stringify(r.params[p]) : String(r.params[p]))),
    ...metricKeys.map((k) => (r.metrics[k] === null || r.metrics[k] === undefined ? '' : String(r.metrics[k]))),
    ...spread.flatMap((k) => {
      if (r.status !== 'done') return ['', ''];
      const std = r.std[k];
      return [std === null || std === undefined ? '' : String(std), String(r.n?.[k] ?? 1)];
    }),
    ...STOP_KEYS.map((k) => (r.stop?.[k] == null ? '' : String(r.stop[k]))),
    r.tie ? String(r.tie.tied) : '',
    r.tie ? String(r.tie.p) : '',
    r.note ?? '',
    ...reused.map(() => r.reused_from ?? ''),
  ]);
  return toCsv([header, ...records]);
}

/**
 * Counts of run statuses; pending = grid points without a finished record; damaged (only when some are):
 * run folders whose files cannot be trusted.
 */
export function countRows(rows: Row[], gridSize: number): SweepFile['counts'] {
  const counts = { done: 0, diverged: 0, failed: 0, interrupted: 0, pending: 0, damaged: 0 };
  for (const r of rows) if (r.status !== 'pending') counts[r.status]++;
  // Never below 0: a damaged folder can be one the grid does not have.
  counts.pending = Math.max(0, gridSize - counts.done - counts.diverged - counts.failed - counts.interrupted - counts.damaged);
  const { damaged, ...rest } = counts;
  return damaged ? counts : rest;
}

/**
 * The best finished run as sweep.json records it: the first of `ordered` (the comparison's order) among the
 * rows best by the sweep's objective (rows.ts bestOf; full ties to the lower run number), with its values of the
 * objective's metrics; null when no run finished.
 */
export function recordedBest(ordered: Row[], sweep: SweepFile): SweepFile['best'] {
  const best = bestOf(ordered);
  const first = ordered.find((r) => best.has(r));
  if (!first) return null;
  return { run: first.folder, metrics: Object.fromEntries(recordedObjective(sweep).keys.map((k) => [k.metric, first.metrics[k.metric] ?? null])) };
}

/**
 * Rebuild results.csv, table.md and report.html from the run folders, then write sweep.json with fresh
 * counts and best run. sweep.json goes last: a sweep that says it is done has every output (a process killed before
 * leaves it marked running, which resume completes). The report is started first: its charts are drawn
 * (on a pool's threads, when `run` hands them over) while this thread writes the tables and runs
 * `meanwhile` (e.g. the terminal's table, from the comparison). `rows`: run folders read ahead (see
 * RowCache); `design`: the sweep's design read ahead (readDesign). Returns the comparison (for printing) and the sweep file written.
 * Throws: the file system's error (sweep.json is then left as it was).
 */
export async function rebuildSweepOutputs(
  sweepDir: string,
  sweep: SweepFile,
  options: { meanwhile?: (comparison: Comparison) => void; rows?: RowCache; design?: SweepDesign } = {},
): Promise<{ comparison: Comparison; sweep: SweepFile }> {
  const ahead = options.rows;
  const rows = sweepRows(sweepDir, undefined, ahead);
  const design = 'design' in options ? options.design : readDesign(sweepDir);
  // The report is started before the tables are built, so that the threads drawing its charts start at once.
  // It does not read the best run, which the comparison's order decides: set below, before sweep.json.
  const updated: SweepFile = { ...sweep, counts: countRows(rows, liveSize(sweepDir, sweep)), best: null };
  const report = writeReport(sweepDir, updated, rows, { design, ...(ahead ? { curves: (dir: string) => ahead.curve(dir) } : {}) });
  let comparison!: Comparison;
  // Both settle before an error is passed on: a caller that then rewrites the outputs (a sweep stopped by a
  // full disk) must not have this report land on top of its own.
  const settled = await Promise.allSettled([
    report,
    (async () => {
      // Between steps this thread takes its turn of the event loop: a pool's thread that has drawn a chart is
      // handed the next one from here (piscina), so it does not wait for all of this.
      await nextTurn();
      comparison = buildComparison(sweepTitle(sweepDir), rows, DEFAULT_METRICS, design);
      updated.best = recordedBest(comparison.rows, sweep);
      await nextTurn();
      options.meanwhile?.(comparison);
      await nextTurn();
      await writeTextAtomic(join(sweepDir, SWEEP_FILES.results), resultsCsv(rows));
      await writeTextAtomic(join(sweepDir, SWEEP_FILES.table), renderMarkdown(comparison));
    })(),
  ]);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  await writeJsonAtomic(join(sweepDir, SWEEP_FILES.sweep), updated);
  return { comparison, sweep: updated };
}

/**
 * `sweep` with the counts and best run of the sweep's run folders, as rebuildSweepOutputs records them: for a
 * record written without the outputs (a sweep stopped by a write error, the disk full), which then agrees with
 * ls and show, which count the run folders too. `sweep` as given when the folders cannot be read. Never throws.
 */
export function withRecordedCounts(sweepDir: string, sweep: SweepFile): SweepFile {
  try {
    const rows = sweepRows(sweepDir);
    const ordered = buildComparison(sweepTitle(sweepDir), rows, DEFAULT_METRICS, readDesign(sweepDir)).rows;
    return { ...sweep, counts: countRows(rows, liveSize(sweepDir, sweep)), best: recordedBest(ordered, sweep) };
  } catch {
    return sweep;
  }
}

/** Resolves after the events waiting now (e.g. a thread's answer) are handled. Throws: nothing. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Write (or rewrite) a sweep's report.html atomically; rows default to the sweep's run folders.
 * Returns the file's path. Throws: UserError for bad options; the file system's error.
 */
export async function writeReport(sweepDir: string, sweep: SweepFile, rows: Row[] = sweepRows(sweepDir), options: ReportOptions = {}, output?: string): Promise<string> {
  const path = output ?? join(sweepDir, SWEEP_FILES.report);
  const design = 'design' in options ? options.design : readDesign(sweepDir);
  const landscapes = 'landscapes' in options ? options.landscapes : readReportLandscapes(sweepDir);
  const data = 'data' in options ? options.data : readDataSummary(sweepDir);
  const sizeIsBound = 'sizeIsBound' in options ? options.sizeIsBound : sizeIsUpperBound(sweepDir, sweep);
  await writeTextAtomic(path, await renderReport(sweepTitle(sweepDir), sweep, rows, { ...options, design, landscapes, data, sizeIsBound }));
  return path;
}
