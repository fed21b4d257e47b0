/**
 * The comparison table of one sweep as the run command prints it and writes it (table.md, results.csv).
 * Built on the runs view of query.ts (one row per run, a column per parameter that varies, the fixed ones
 * listed above, metric columns, the best row marked), rendered by view.ts.
 */
import { stringify } from 'csv-stringify/sync';
import { METRIC_KEYS, paramOrder } from './columns.js';
import { DEFAULT_METRIC_KEYS, runsTable } from './query.js';
import { metricLabel } from './format.js';
import { renderMarkdownView, renderTerminalView, type TableView } from './view.js';
import type { Row } from './rows.js';

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

/** Sort rows (default order: best first, unfinished runs last), find varying and fixed parameters, mark the best. */
export function buildComparison(title: string, rows: Row[], metrics: MetricColumn[] = DEFAULT_METRICS): Comparison {
  const custom = metrics.map((m) => m.key).join(',') !== DEFAULT_METRIC_KEYS.join(',');
  const { view, shown } = runsTable(title, rows, custom ? { columns: metrics.map((m) => m.key).join(',') } : {});
  return { title, rows: shown, metrics, view };
}

/** The table for a terminal; `color` bolds the best row (only when the output is a terminal and NO_COLOR is unset). */
export function renderTerminal(c: Comparison, options: { color?: boolean } = {}): string {
  return renderTerminalView(c.view, options);
}

/** The table as Markdown (table.md). */
export function renderMarkdown(c: Comparison): string {
  return renderMarkdownView(c.view);
}

/**
 * Metrics with a spread column: k-fold runs record the sample standard deviation (n - 1) over folds
 * (`validation_accuracy_std`) and the number of folds (`validation_accuracy_n`); other runs n = 1, no std.
 */
const SPREAD_KEYS = ['train', 'validation'].flatMap((s) => ['loss', 'accuracy', 'precision', 'recall', 'specificity', 'f1', 'roc_auc'].map((m) => `${s}.${m}`));

/** Early-stopping columns of results.csv (empty without early stopping). */
const STOP_KEYS = ['stopped_at', 'stop_reason', 'restored_from'] as const;

/**
 * results.csv: one row per run in grid order, every parameter and every metric at full precision (with
 * the 95% Wilson intervals of the proportions), the std and n of each metric (k-fold: over folds), then
 * where and why early stopping ended the training and which update's weights were restored.
 */
export function resultsCsv(rows: Row[]): string {
  const ordered = [...rows].sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
  const params = paramOrder(ordered.flatMap((r) => Object.keys(r.params)));
  const header = ['run', 'run_id', 'status', ...params, ...METRIC_KEYS.map((k) => k.replace('.', '_')), ...SPREAD_KEYS.flatMap((k) => [`${k.replace('.', '_')}_std`, `${k.replace('.', '_')}_n`]), ...STOP_KEYS, 'note'];
  const records = ordered.map((r) => [
    r.folder,
    r.run_id,
    r.status,
    ...params.map((p) => (r.params[p] === undefined ? '' : typeof r.params[p] === 'object' ? JSON.stringify(r.params[p]) : String(r.params[p]))),
    ...METRIC_KEYS.map((k) => (r.metrics[k] === null || r.metrics[k] === undefined ? '' : String(r.metrics[k]))),
    ...SPREAD_KEYS.flatMap((k) => {
      if (r.status !== 'done') return ['', ''];
      const std = r.std[k];
      return [std === null || std === undefined ? '' : String(std), String(r.n?.[k] ?? 1)];
    }),
    ...STOP_KEYS.map((k) => (r.stop?.[k] == null ? '' : String(r.stop[k]))),
    r.note ?? '',
  ]);
  return stringify([header, ...records]);
}
