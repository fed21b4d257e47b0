/**
 * The comparison table: one row per run, a column per parameter that varies (fixed ones listed above),
 * metric columns, the best row marked. Rendered for the terminal (cli-table3: the only importer of it),
 * as Markdown (table.md) and as CSV (results.csv).
 */
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { PARAMS } from '../experiment/params.js';
import { formatMetric, formatParam } from './format.js';
import { SPLIT_METRICS, bestRows, compareRows, type Row } from './rows.js';

export interface MetricColumn {
  key: string;
  label: string;
}

export const DEFAULT_METRICS: MetricColumn[] = [
  { key: 'train.loss', label: 'train loss' },
  { key: 'train.accuracy', label: 'train acc' },
  { key: 'validation.loss', label: 'val loss' },
  { key: 'validation.accuracy', label: 'val acc' },
  { key: 'validation.fn', label: 'val FN' },
  { key: 'validation.fp', label: 'val FP' },
];

export interface Comparison {
  title: string;
  rows: Row[];
  best: Set<Row>;
  /** Parameters whose value differs between rows, in parameter-table order. */
  varying: string[];
  /** Parameters with one value in every row, for the line above the table. */
  fixed: { name: string; value: string }[];
  metrics: MetricColumn[];
  /** Whether some row is not done (adds a status column). */
  showStatus: boolean;
}

function paramOrder(names: Iterable<string>): string[] {
  const known = PARAMS.map((p) => p.name);
  const all = [...new Set(names)];
  return all.sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib) || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/** Sort rows, find varying and fixed parameters, mark the best. */
export function buildComparison(title: string, rows: Row[], metrics: MetricColumn[] = DEFAULT_METRICS): Comparison {
  const sorted = [...rows].sort(compareRows);
  const names = paramOrder(sorted.flatMap((r) => Object.keys(r.params)));
  const varying: string[] = [];
  const fixed: { name: string; value: string }[] = [];
  for (const name of names) {
    const shown = new Set(sorted.map((r) => JSON.stringify(r.params[name] ?? null)));
    if (shown.size > 1) varying.push(name);
    else if (sorted.length > 0) fixed.push({ name, value: formatParam(sorted[0].params[name], sorted[0].spellings[name]) });
  }
  return { title, rows: sorted, best: bestRows(sorted), varying, fixed, metrics, showStatus: sorted.some((r) => r.status !== 'done') };
}

function header(c: Comparison): string[] {
  return ['', 'run', ...c.varying, ...c.metrics.map((m) => m.label), ...(c.showStatus ? ['status'] : [])];
}

function cells(c: Comparison, r: Row): string[] {
  const done = r.status === 'done';
  return [
    c.best.has(r) ? '*' : '',
    r.folder,
    ...c.varying.map((p) => formatParam(r.params[p], r.spellings[p])),
    ...c.metrics.map((m) => (done ? formatMetric(m.key, r.metrics[m.key]) : '-')),
    ...(c.showStatus ? [r.status === 'done' ? 'done' : `${r.status}${r.note ? `: ${r.note}` : ''}`] : []),
  ];
}

function fixedLine(c: Comparison): string {
  return c.fixed.length ? `fixed: ${c.fixed.map((f) => `${f.name}=${f.value}`).join(', ')}` : '';
}

/** The table for a terminal; `color` bolds the best row (only when the output is a terminal and NO_COLOR is unset). */
export function renderTerminal(c: Comparison, options: { color?: boolean } = {}): string {
  const head = header(c);
  const table = new Table({
    head,
    // No rule between rows: the table stays compact for long sweeps.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: options.color ? ['cyan'] : [], border: options.color ? ['grey'] : [] },
    colAligns: head.map((_, i) => (i >= 2 + c.varying.length && i < 2 + c.varying.length + c.metrics.length ? 'right' : 'left')),
  });
  for (const r of c.rows) {
    const row = cells(c, r);
    table.push(options.color && c.best.has(r) ? row.map((x) => `\u001b[1m${x}\u001b[22m`) : row);
  }
  const lines = [`${c.title}: ${c.rows.length} run${c.rows.length === 1 ? '' : 's'}`];
  const f = fixedLine(c);
  if (f) lines.push(f);
  lines.push(table.toString());
  if (c.best.size) lines.push('* best by validation accuracy, then validation loss');
  return lines.join('\n');
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The table as Markdown (table.md). */
export function renderMarkdown(c: Comparison): string {
  const head = header(c);
  const lines = [`# ${c.title}`, ''];
  const f = fixedLine(c);
  if (f) lines.push(f, '');
  lines.push(`| ${head.map(mdEscape).join(' | ')} |`);
  lines.push(`|${head.map((_, i) => (i >= 2 + c.varying.length && i < 2 + c.varying.length + c.metrics.length ? '---:' : '---')).join('|')}|`);
  for (const r of c.rows) {
    const row = cells(c, r).map(mdEscape);
    if (c.best.has(r)) row[1] = `**${row[1]}**`;
    lines.push(`| ${row.join(' | ')} |`);
  }
  if (c.best.size) lines.push('', '\\* best by validation accuracy, then validation loss');
  return lines.join('\n') + '\n';
}

/** results.csv: one row per run in grid order, every parameter and every metric at full precision. */
export function resultsCsv(rows: Row[]): string {
  const ordered = [...rows].sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
  const params = paramOrder(ordered.flatMap((r) => Object.keys(r.params)));
  const metricKeys = ['train', 'validation'].flatMap((s) => SPLIT_METRICS.map((m) => `${s}.${m}`)).concat(['training_ms']);
  const header = ['run', 'run_id', 'status', ...params, ...metricKeys.map((k) => k.replace('.', '_')), 'note'];
  const records = ordered.map((r) => [
    r.folder,
    r.run_id,
    r.status,
    ...params.map((p) => (r.params[p] === undefined ? '' : typeof r.params[p] === 'object' ? JSON.stringify(r.params[p]) : String(r.params[p]))),
    ...metricKeys.map((k) => (r.metrics[k] === null || r.metrics[k] === undefined ? '' : String(r.metrics[k]))),
    r.note ?? '',
  ]);
  return stringify([header, ...records]);
}
