/**
 * What `dlsweep compare` computes, as TableViews: the runs table (filtered, sorted, columns chosen),
 * groups of repeats (--group-by), a two-way table (--pivot) and per-value averages (--marginals).
 * Pure: rows in, views out.
 */
import { UserError } from '../errors.js';
import type { ParamValue } from '../experiment/types.js';
import { CORE_PARAMS, paramSpec } from '../experiment/params.js';
import {
  METRIC_KEYS,
  bestRowsBy,
  compareByKeys,
  compareValues,
  describeSort,
  equalValues,
  knownColumns,
  parseSortKeys,
  resolveColumn,
  sortRows,
  type ColumnDef,
  type SortKey,
} from './columns.js';
import { compileWhere } from './expr.js';
import { aggregateKind, formatMeanStd, formatMetric, formatParam, metricKind, metricLabel } from './format.js';
import { hasParams, type Row } from './rows.js';
import type { TableView, ViewCell, ViewColumn, ViewRow } from './view.js';

/** Default metric columns of the runs table. */
export const DEFAULT_METRIC_KEYS = ['train.loss', 'train.accuracy', 'validation.loss', 'validation.accuracy', 'validation.fn', 'validation.fp'];
/** Facts of early stopping, shown by default when a run has them. */
export const STOP_COLUMN_KEYS = ['stopped_at', 'stop_reason', 'restored_from'];
/** Default metric columns of --group-by (mean ± std and range each, so fewer of them). */
export const DEFAULT_GROUP_METRIC_KEYS = ['validation.loss', 'validation.accuracy', 'validation.fn', 'validation.fp'];
/** The metric of --pivot / --marginals / the report's heatmap when none is named. */
export const DEFAULT_METRIC = 'validation.accuracy';

/** The options of `dlsweep compare` that shape the table (all optional). */
export interface QueryOptions {
  /** --sort: `NAME[:asc|:desc][,NAME...]`. */
  sort?: string;
  /** --where expression. */
  where?: string;
  /** --columns: names separated by commas; all prefixed with + adds them to the default columns. */
  columns?: string;
  /** Show only the parameters whose value differs between the rows shown (default true). */
  onlyChanged?: boolean;
  top?: number;
  groupBy?: string[];
  /** ROW_PARAM, COL_PARAM, METRIC */
  pivot?: string[];
  /** Metric to average per parameter value; true for the default metric. */
  marginals?: string | boolean;
}

/** Split option values given as several words or comma-separated (`--group-by a b` or `--group-by a,b`). */
export function splitList(values: string[] | string | undefined): string[] {
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Display text of a row's value of a column (parameters as the user wrote them). */
export function cellText(def: ColumnDef, row: Row): string {
  if (def.kind === 'param') return formatParam(row.params[def.key], row.spellings[def.key]);
  if (def.kind === 'metric') {
    if (row.status !== 'done') return '-';
    return formatMeanStd(def.key, row.metrics[def.key], row.std[def.key] ?? undefined);
  }
  const v = def.get(row);
  if (Array.isArray(v)) return v.length ? v.join(', ') : '-';
  return v === undefined || v === null ? '-' : String(v);
}

function metricCell(def: ColumnDef, row: Row): ViewCell {
  if (def.kind !== 'metric') return { text: cellText(def, row), value: def.get(row) };
  return { text: cellText(def, row), value: row.status === 'done' ? row.metrics[def.key] : undefined };
}

/**
 * The parameter columns whose value differs between rows, and the fixed ones as name=value. A fixed
 * parameter at its default is left out unless it is one of the study's (CORE_PARAMS): a table should not
 * list a dozen optimizer settings nobody touched.
 */
export function splitParams(allRows: Row[], defs: ColumnDef[]): { varying: ColumnDef[]; fixed: { name: string; value: string }[] } {
  // A damaged run whose params.json is unusable has no parameters to compare.
  const rows = allRows.filter(hasParams);
  const varying: ColumnDef[] = [];
  const fixed: { name: string; value: string }[] = [];
  for (const def of defs.filter((d) => d.kind === 'param')) {
    const first = rows[0]?.params[def.key];
    if (rows.some((r) => !equalValues(r.params[def.key], first))) varying.push(def);
    else if (rows.length > 0) {
      const spec = paramSpec(def.key);
      const atDefault = spec !== undefined && spec.default !== undefined && equalValues(first, spec.default);
      if (!atDefault || CORE_PARAMS.includes(def.key)) fixed.push({ name: def.key, value: formatParam(first, rows[0].spellings[def.key]) });
    }
  }
  return { varying, fixed };
}

interface Prepared {
  defs: ColumnDef[];
  rows: Row[];
  keys: SortKey[];
}

function prepare(rows: Row[], options: QueryOptions): Prepared {
  const defs = knownColumns(rows);
  let kept = rows;
  if (options.where !== undefined) {
    const test = compileWhere(options.where, defs);
    kept = rows.filter(test);
  }
  const keys = options.sort ? parseSortKeys(options.sort, defs) : [];
  return { defs, rows: kept, keys };
}

function chosenColumns(spec: string | undefined, defs: ColumnDef[], defaults: string[]): { params?: ColumnDef[]; metrics: ColumnDef[] } {
  const names = splitList(spec);
  const metricDefaults = defaults.map((k) => defs.find((d) => d.key === k)!);
  if (names.length === 0) return { metrics: metricDefaults };
  if (names.every((n) => n.startsWith('+'))) {
    const extra = names.map((n) => resolveColumn(n.slice(1), defs, '--columns'));
    return { metrics: [...metricDefaults, ...extra.filter((d) => !metricDefaults.includes(d))] };
  }
  if (names.some((n) => n.startsWith('+'))) {
    throw new UserError('--columns: either list the columns to show, or add to the default ones with +NAME (every name prefixed)', 'e.g. --columns learning_rate,validation.recall or --columns +validation.f1,+validation.roc_auc');
  }
  const picked = names.map((n) => resolveColumn(n, defs, '--columns'));
  const params = picked.filter((d) => d.kind !== 'metric');
  return { params: params.length ? params : undefined, metrics: picked.filter((d) => d.kind === 'metric') };
}

function statusText(r: Row): string {
  return r.status === 'done' ? 'done' : `${r.status}${r.note ? `: ${r.note}` : ''}`;
}

/**
 * The runs table: --where, --sort, --top, --columns and --only-changed applied (a parameter is "changed"
 * when it differs between the runs kept by --where); best rows marked; runs that did not finish listed last
 * with their status. Several sweeps get a sweep column; a parameter a sweep
 * lacks shows `-`. Throws: UserError for a bad option (unknown column, bad expression).
 */
export function runsView(title: string, allRows: Row[], options: QueryOptions = {}): TableView {
  return runsTable(title, allRows, options).view;
}

/** runsView, plus the rows shown in display order. */
export function runsTable(title: string, allRows: Row[], options: QueryOptions = {}): { view: TableView; shown: Row[] } {
  const { defs, rows: filtered, keys } = prepare(allRows, options);
  const sorted = sortRows(filtered, keys);
  const best = bestRowsBy(sorted, keys);
  const shown = options.top !== undefined ? sorted.slice(0, options.top) : sorted;
  // Varying over every kept run, not just the top N: the columns do not depend on --top.
  const { varying, fixed } = splitParams(sorted, defs);
  // Early stopping: where and why each training ended is part of the default table when any run has it.
  const stopKeys = filtered.some((r) => r.stop?.stopped_at != null) ? STOP_COLUMN_KEYS : [];
  const cols = chosenColumns(options.columns, defs, [...DEFAULT_METRIC_KEYS, ...stopKeys]);
  const params = cols.params ?? (options.onlyChanged === false ? defs.filter((d) => d.kind === 'param') : varying);
  // Tags and notes: tags every row carries go in the notes line; the others, and notes, get a column.
  const common = (sorted[0]?.tags ?? []).filter((t) => sorted.every((r) => r.tags?.includes(t)));
  const sharedTags = common.join(', ');
  if (!cols.params) {
    if (sorted.some((r) => (r.tags ?? []).length > common.length)) params.push(defs.find((d) => d.key === 'tags')!);
    if (sorted.some((r) => r.userNote !== undefined)) params.push(defs.find((d) => d.key === 'note')!);
  }
  const cell = (def: ColumnDef, r: Row): ViewCell => {
    if (def.key !== 'tags' || def.kind !== 'meta' || cols.params) return metricCell(def, r);
    const own = (r.tags ?? []).filter((t) => !common.includes(t));
    return { text: own.length ? own.join(', ') : '-', value: r.tags ?? [] };
  };
  const sweeps = new Set(allRows.map((r) => r.sweep));
  const showSweep = sweeps.size > 1 && !params.some((p) => p.key === 'sweep');
  const showStatus = shown.some((r) => r.status !== 'done');
  const withStd = cols.metrics.filter((m) => shown.some((r) => r.status === 'done' && r.std[m.key] !== undefined));

  const columns: ViewColumn[] = [
    { key: 'best', label: '' },
    ...(showSweep ? [{ key: 'sweep', label: 'sweep' }] : []),
    { key: 'run', label: 'run' },
    ...params.filter((p) => p.key !== 'run').map((p) => ({ key: p.key, label: p.label, align: p.kind === 'meta' && p.type === 'number' ? ('right' as const) : undefined })),
    ...cols.metrics.map((m) => ({ key: m.key, label: m.label, align: 'right' as const })),
    ...withStd.flatMap((m) => [
      { key: `${m.key}.std`, label: `${m.label} std`, only: 'machine' as const },
      { key: `${m.key}.n`, label: `${m.label} n`, only: 'machine' as const },
    ]),
    ...(showStatus ? [{ key: 'status', label: 'status' }] : []),
  ];
  const viewRows: ViewRow[] = shown.map((r) => ({
    best: best.has(r),
    status: r.status,
    cells: [
      { text: best.has(r) ? '*' : '', value: best.has(r) },
      ...(showSweep ? [{ text: r.sweep, value: r.sweep }] : []),
      { text: r.folder, value: r.folder },
      ...params.filter((p) => p.key !== 'run').map((p) => cell(p, r)),
      ...cols.metrics.map((m) => metricCell(m, r)),
      ...withStd.flatMap((m) => [
        { text: '', value: r.status === 'done' ? r.std[m.key] : undefined },
        { text: '', value: r.status === 'done' ? (r.n?.[m.key] ?? 1) : undefined },
      ]),
      ...(showStatus ? [{ text: statusText(r), value: r.status }] : []),
    ],
  }));

  const notes: string[] = [];
  if (fixed.length && !cols.params && options.onlyChanged !== false) notes.push(`fixed: ${fixed.map((f) => `${f.name}=${f.value}`).join(', ')}`);
  if (sharedTags && !cols.params) notes.push(`tags of every run: ${sharedTags}`);
  if (options.where !== undefined) notes.push(`where: ${options.where} (${filtered.length} of ${allRows.length} runs)`);
  const footnotes: string[] = [];
  if (best.size) {
    footnotes.push(keys.length && keys[0].column.kind === 'metric' ? `* best by ${describeSort(keys.filter((k) => k.column.kind === 'metric'))}` : '* best by validation accuracy, then validation loss');
  }
  if (keys.length) footnotes.push(`sorted by ${describeSort(keys)}; unfinished runs last`);
  if (withStd.length) {
    const pooled = [...new Set(shown.flatMap((r) => r.pooled ?? []))].filter((k) => cols.metrics.some((m) => m.key === k));
    footnotes.push(`k-fold runs: mean ± sample standard deviation (n - 1) over the folds${pooled.length ? `; ${pooled.join(', ')}: from the confusion counts pooled over folds where a fold leaves it undefined` : ''}`);
  }
  if (shown.length < sorted.length) footnotes.push(`top ${shown.length} of ${sorted.length} runs`);
  const n = shown.length;
  return { view: { kind: 'runs', nameKey: 'run', title, summary: plural(n, 'run'), notes, footnotes, columns, rows: viewRows }, shown };
}

/** Mean, sample standard deviation (n - 1; null below 2 values), min, max and count of numbers. */
export function stats(values: number[]): { mean: number | null; std: number | null; min: number | null; max: number | null; n: number } {
  const n = values.length;
  if (n === 0) return { mean: null, std: null, min: null, max: null, n };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n < 2 ? null : Math.sqrt(values.reduce((s, v) => s + (v - mean) * (v - mean), 0) / (n - 1));
  return { mean, std, min: Math.min(...values), max: Math.max(...values), n };
}

function metricValues(rows: Row[], key: string): number[] {
  return rows.filter((r) => r.status === 'done').map((r) => r.metrics[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

function groupKey(values: (ParamValue | undefined)[]): string {
  return JSON.stringify(values.map((v) => (v === undefined ? '\u0000missing' : v)));
}

function resolveMetric(name: string | undefined, defs: ColumnDef[], option: string): ColumnDef {
  return resolveColumn(name ?? DEFAULT_METRIC, defs, option, ['metric']);
}

function better(def: ColumnDef): 'high' | 'low' {
  return def.better === 'low' ? 'low' : 'high';
}

function rangeText(key: string, s: { min: number | null; max: number | null; n: number }): string {
  if (s.n === 0) return 'n/a';
  const kind = metricKind(key) === 'count' ? 'count' : undefined;
  return `${formatMetric(key, s.min, kind)}–${formatMetric(key, s.max, kind)}`;
}

/**
 * Groups of runs with equal values of the given parameters (repeats over seeds, thresholds...): per metric
 * the mean ± sample std and the range over the finished runs of each group, and their count.
 * Throws: UserError for unknown names.
 */
export function groupsView(title: string, allRows: Row[], options: QueryOptions): TableView {
  const { defs, rows } = prepare(allRows, options);
  const by = splitList(options.groupBy).map((n) => resolveColumn(n, defs, '--group-by', ['param', 'meta']));
  if (by.length === 0) throw new UserError('--group-by needs at least one parameter', 'e.g. --group-by learning_rate,hidden_sizes (the runs of each combination are aggregated)');
  const metrics = chosenColumns(options.columns, defs, DEFAULT_GROUP_METRIC_KEYS).metrics;
  if (metrics.length === 0) throw new UserError('--group-by: --columns names no metric to aggregate', 'e.g. --columns validation.accuracy,validation.recall');
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = groupKey(by.map((d) => d.get(r)));
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  interface Group {
    rows: Row[];
    done: number;
    stats: Map<string, ReturnType<typeof stats>>;
  }
  const list: Group[] = [...groups.values()].map((g) => ({
    rows: g,
    done: g.filter((r) => r.status === 'done').length,
    stats: new Map(metrics.map((m) => [m.key, stats(metricValues(g, m.key))])),
  }));
  // Order: by the sort keys (metrics by their mean, group parameters by value), default by the mean
  // validation accuracy then loss; groups without finished runs last; ties by the group's values.
  const keys = options.sort
    ? parseSortKeys(options.sort, defs).map((k) => {
        if (k.column.kind !== 'metric' && !by.includes(k.column)) {
          throw new UserError(`--sort: "${k.column.key}" is not a metric or a --group-by parameter`, `groups can be sorted by ${by.map((d) => d.key).join(', ')} or a metric`);
        }
        return k;
      })
    : parseSortKeys('validation.accuracy,validation.loss', defs);
  const valueOf = (g: Group, def: ColumnDef): ParamValue | undefined =>
    def.kind === 'metric' ? (g.stats.get(def.key) ?? stats(metricValues(g.rows, def.key))).mean : def.get(g.rows[0]);
  list.sort((a, b) => {
    if ((a.done === 0) !== (b.done === 0)) return a.done === 0 ? 1 : -1;
    const byKeys = compareByKeys(a, b, keys, valueOf);
    if (byKeys !== 0) return byKeys;
    for (const d of by) {
      const c = compareValues(d.get(a.rows[0]) ?? null, d.get(b.rows[0]) ?? null);
      if (c !== 0) return c;
    }
    return 0;
  });
  const first = list[0];
  const isBest = (g: Group) =>
    first !== undefined && first.done > 0 && keys[0].column.kind === 'metric' && keys.filter((k) => k.column.kind === 'metric').every((k) => valueOf(g, k.column) === valueOf(first, k.column));
  const shown = options.top !== undefined ? list.slice(0, options.top) : list;
  const showOther = shown.some((g) => g.done < g.rows.length);
  const columns: ViewColumn[] = [
    { key: 'best', label: '' },
    ...by.map((d) => ({ key: d.key, label: d.label })),
    { key: 'runs', label: 'runs', align: 'right' },
    ...(showOther ? [{ key: 'not_done', label: 'not done' }] : []),
    ...metrics.flatMap((m): ViewColumn[] => [
      { key: m.key, label: `${m.label} mean ± std`, align: 'right' },
      { key: `${m.key}.range`, label: 'min–max', align: 'right', only: 'text' },
    ]),
  ];
  const viewRows: ViewRow[] = shown.map((g) => {
    const rep = g.rows[0];
    const other = new Map<string, number>();
    for (const r of g.rows) if (r.status !== 'done') other.set(r.status, (other.get(r.status) ?? 0) + 1);
    const best = isBest(g);
    return {
      best,
      status: g.done === 0 ? g.rows[0].status : 'done',
      cells: [
        { text: best ? '*' : '', value: best },
        ...by.map((d) => ({ text: cellText(d, rep), value: d.get(rep) })),
        { text: String(g.done), value: g.done },
        ...(showOther ? [{ text: [...other].map(([s, n]) => `${n} ${s}`).join(', '), value: [...other].map(([s, n]) => `${n} ${s}`).join(', ') }] : []),
        ...metrics.flatMap((m): ViewCell[] => {
          const s = g.stats.get(m.key)!;
          const kind = aggregateKind(m.key);
          const text = s.n === 0 ? 'n/a' : `${formatMetric(m.key, s.mean, kind)} ± ${s.std === null ? 'n/a' : formatMetric(m.key, s.std, kind)}`;
          return [
            { text, value: { mean: s.mean, std: s.std, min: s.min, max: s.max, n: s.n } },
            { text: rangeText(m.key, s), value: undefined },
          ];
        }),
      ],
    };
  });
  const varyingWithin = splitParams(rows, defs).varying.filter((d) => !by.includes(d)).map((d) => d.key);
  const notes = [
    `runs grouped by ${by.map((d) => d.key).join(', ')}; per metric the mean ± sample standard deviation (n-1) and range over each group's finished runs`,
  ];
  if (varyingWithin.length) notes.push(`varying within groups: ${varyingWithin.join(', ')}`);
  if (options.where !== undefined) notes.push(`where: ${options.where} (${rows.length} of ${allRows.length} runs)`);
  const footnotes: string[] = [];
  if (viewRows.some((r) => r.best)) footnotes.push(`* best by ${describeSort(keys.filter((k) => k.column.kind === 'metric'))} (means)`);
  if (shown.length < list.length) footnotes.push(`top ${shown.length} of ${list.length} groups`);
  return { kind: 'groups', title, summary: `${plural(list.length, 'group')} of ${plural(rows.length, 'run')}`, notes, footnotes, columns, rows: viewRows };
}

/** Distinct values of a column over rows, in value order, each with the user's spelling. */
export function distinctValues(rows: Row[], def: ColumnDef): { value: ParamValue | undefined; text: string }[] {
  const out: { value: ParamValue | undefined; text: string }[] = [];
  for (const r of rows) {
    if (def.kind === 'param' && !hasParams(r)) continue;
    const v = def.get(r);
    if (!out.some((o) => equalValues(o.value, v))) out.push({ value: v, text: cellText(def, r) });
  }
  return out.sort((a, b) => (a.value === undefined ? 1 : b.value === undefined ? -1 : compareValues(a.value, b.value)));
}

/** One cell of a two-way table: the mean of a metric over the finished runs with both values, and their count. */
export interface PivotCell {
  mean: number | null;
  n: number;
}

/**
 * The numbers of a two-way table: for each value of `rowDef` and `colDef`, the mean of `metric` over the
 * finished runs that have both values (null and n 0 when none).
 */
export function pivotTable(rows: Row[], rowDef: ColumnDef, colDef: ColumnDef, metric: string) {
  const rowValues = distinctValues(rows, rowDef);
  const colValues = distinctValues(rows, colDef);
  const cells: PivotCell[][] = rowValues.map((rv) =>
    colValues.map((cv) => {
      const vals = metricValues(
        rows.filter((r) => equalValues(rowDef.get(r), rv.value) && equalValues(colDef.get(r), cv.value)),
        metric,
      );
      return { mean: vals.length ? vals.reduce((s, v) => s + v, 0) / vals.length : null, n: vals.length };
    }),
  );
  return { rowValues, colValues, cells };
}

/**
 * The two-way table of --pivot ROW_PARAM COL_PARAM METRIC: rows are the values of one parameter, columns
 * those of another, cells the mean of the metric over the finished runs with both values; the best cell
 * marked with *. Throws: UserError for unknown names or a wrong number of names.
 */
export function pivotView(title: string, allRows: Row[], options: QueryOptions): TableView {
  const names = splitList(options.pivot);
  if (names.length !== 3) {
    throw new UserError(`--pivot takes 3 names (ROW_PARAM COL_PARAM METRIC), got ${names.length}`, 'e.g. --pivot learning_rate hidden_sizes validation.accuracy');
  }
  const { defs, rows } = prepare(allRows, options);
  const rowDef = resolveColumn(names[0], defs, '--pivot', ['param', 'meta']);
  const colDef = resolveColumn(names[1], defs, '--pivot', ['param', 'meta']);
  const metric = resolveMetric(names[2], defs, '--pivot');
  const { rowValues, colValues, cells } = pivotTable(rows, rowDef, colDef, metric.key);
  const means = cells.flat().map((c) => c.mean).filter((v): v is number => v !== null);
  const target = means.length ? (better(metric) === 'low' ? Math.min(...means) : Math.max(...means)) : undefined;
  const kind = aggregateKind(metric.key);
  const columns: ViewColumn[] = [
    { key: rowDef.key, label: `${rowDef.key} \\ ${colDef.key}` },
    ...colValues.map((c) => ({ key: c.text, label: c.text, align: 'right' as const })),
  ];
  const viewRows: ViewRow[] = rowValues.map((rv, i) => ({
    cells: [
      { text: rv.text, value: rv.value },
      ...cells[i].map((c) => ({
        text: c.mean === null ? '-' : `${formatMetric(metric.key, c.mean, kind)}${c.mean === target ? ' *' : ''}`,
        value: c.mean,
      })),
    ],
  }));
  const counts = cells.flat().map((c) => c.n).filter((n) => n > 0);
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  const others = splitParams(rows, defs).varying.filter((d) => d !== rowDef && d !== colDef).map((d) => d.key);
  const notes = [`${metric.key} by ${rowDef.key} (rows) and ${colDef.key} (columns)`];
  if (options.where !== undefined) notes.push(`where: ${options.where} (${rows.length} of ${allRows.length} runs)`);
  const footnotes: string[] = [];
  if (counts.length && hi > 1) footnotes.push(`each cell: mean over ${lo === hi ? hi : `${lo}-${hi}`} finished runs${others.length ? ` (also varying: ${others.join(', ')})` : ''}`);
  if (target !== undefined) footnotes.push(`* best (${better(metric) === 'high' ? 'highest' : 'lowest'}) ${metric.key}; - no finished run`);
  return { kind: 'pivot', title, summary: `${metric.label} by ${rowDef.key} x ${colDef.key}`, notes, footnotes, columns, rows: viewRows };
}

/**
 * --marginals: for each parameter (those that vary, or all with onlyChanged false) and each of its values,
 * the mean, sample std, min and max of a metric over the finished runs with that value; the best value of
 * each parameter marked. Throws: UserError for an unknown metric.
 */
export function marginalsView(title: string, allRows: Row[], options: QueryOptions): TableView {
  const { defs, rows, keys } = prepare(allRows, options);
  const named = typeof options.marginals === 'string' ? options.marginals : keys.find((k) => k.column.kind === 'metric')?.column.key;
  const metric = resolveMetric(named, defs, '--marginals');
  const params = options.onlyChanged === false ? defs.filter((d) => d.kind === 'param') : splitParams(rows, defs).varying;
  const kind = aggregateKind(metric.key);
  const fmt = (v: number | null) => formatMetric(metric.key, v, kind);
  const columns: ViewColumn[] = [
    { key: 'best', label: '' },
    { key: 'parameter', label: 'parameter' },
    { key: 'value', label: 'value' },
    { key: 'runs', label: 'runs', align: 'right' },
    { key: 'mean', label: `${metric.label} mean`, align: 'right' },
    { key: 'std', label: 'std', align: 'right' },
    { key: 'min', label: 'min', align: 'right' },
    { key: 'max', label: 'max', align: 'right' },
  ];
  const viewRows: ViewRow[] = [];
  for (const p of params) {
    const values = distinctValues(rows, p).map((v) => ({ ...v, s: stats(metricValues(rows.filter((r) => equalValues(p.get(r), v.value)), metric.key)) }));
    const means = values.map((v) => v.s.mean).filter((m): m is number => m !== null);
    const target = means.length ? (better(metric) === 'low' ? Math.min(...means) : Math.max(...means)) : undefined;
    values.forEach((v, i) => {
      const best = means.length > 1 && v.s.mean === target;
      viewRows.push({
        best,
        cells: [
          { text: best ? '*' : '', value: best },
          { text: i === 0 ? p.key : '', value: p.key },
          { text: v.text, value: v.value },
          { text: String(v.s.n), value: v.s.n },
          { text: fmt(v.s.mean), value: v.s.mean },
          { text: fmt(v.s.std), value: v.s.std },
          { text: fmt(v.s.min), value: v.s.min },
          { text: fmt(v.s.max), value: v.s.max },
        ],
      });
    });
  }
  const notes = [`${metric.key} averaged over the finished runs with each value of each parameter (std: sample, n-1)`];
  if (options.where !== undefined) notes.push(`where: ${options.where} (${rows.length} of ${allRows.length} runs)`);
  const footnotes = viewRows.some((r) => r.best) ? [`* best value of each parameter (${better(metric) === 'high' ? 'highest' : 'lowest'} mean)`] : [];
  if (params.length === 0) footnotes.push('no parameter varies between these runs');
  return { kind: 'marginals', title, summary: `${metric.label} per parameter value`, notes, footnotes, columns, rows: viewRows };
}

/**
 * The view `dlsweep compare` prints for these options: --pivot, --group-by or --marginals (one at most),
 * else the runs table. Throws: UserError for conflicting or bad options.
 */
export function compareView(title: string, rows: Row[], options: QueryOptions = {}): TableView {
  const modes = [options.pivot && splitList(options.pivot).length ? '--pivot' : '', splitList(options.groupBy).length ? '--group-by' : '', options.marginals ? '--marginals' : ''].filter(Boolean);
  if (modes.length > 1) throw new UserError(`${modes.join(' and ')} cannot be combined`, 'pick one view per command');
  if (options.top !== undefined && (modes[0] === '--pivot' || modes[0] === '--marginals')) {
    throw new UserError(`--top applies to runs and --group-by groups, not to ${modes[0]}`);
  }
  if (modes[0] === '--pivot') return pivotView(title, rows, options);
  if (modes[0] === '--group-by') return groupsView(title, rows, options);
  if (modes[0] === '--marginals') return marginalsView(title, rows, options);
  return runsView(title, rows, options);
}

export { METRIC_KEYS, metricLabel };
