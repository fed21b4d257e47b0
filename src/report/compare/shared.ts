/**
 * What every view of `dlsweep compare` shares: its options, the default columns, the filtering and
 * sorting of rows before a view is built, and how a row's cell reads.
 */
import { UserError } from '../../errors.js';
import { CORE_PARAMS, paramSpec } from '../../experiment/params.js';
import { DEFAULT_OBJECTIVE } from '../../sweep/objective.js';
import { checkSortKeys, describeColumns, equalValues, knownColumns, parseSortKeys, resolveColumn, type ColumnDef, type SortKey } from '../columns.js';
import { compileWhere } from '../where.js';
import { distinguishingDigits, formatMeanStd, formatParam } from '../format.js';
import { hasParams, type Row } from '../rows.js';
import type { ViewCell } from '../render.js';
import type { SweepDesign } from '../design.js';

/** Default metric columns of the runs table. */
export const DEFAULT_METRIC_KEYS = ['train.loss', 'train.accuracy', 'validation.loss', 'validation.accuracy', 'validation.fn', 'validation.fp'];
/** Facts of early stopping, shown by default when a run has them. */
export const STOP_COLUMN_KEYS = ['stopped_at', 'stop_reason', 'restored_from'];
/** Columns of a search's runs, shown by default when some run belongs to a search. */
export const SEARCH_COLUMN_KEYS = ['trial', 'rung'];
/** Default metric columns of --group-by (mean ± std and range each, so fewer of them). */
export const DEFAULT_GROUP_METRIC_KEYS = ['validation.loss', 'validation.accuracy', 'validation.fn', 'validation.fp'];
/** The metric of --pivot / --marginals / the report's heatmap / ls when none is named: the objective's first. */
export const DEFAULT_METRIC = DEFAULT_OBJECTIVE[0].metric;

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
  /**
   * The grid of the sweep shown (design.ts), when the table is one sweep's: its axes are columns and its
   * fixed parameters the fixed line even while some runs are missing.
   */
  design?: SweepDesign;
}

/** Split option values given as several words or comma-separated (`--group-by a b` or `--group-by a,b`). */
export function splitList(values: string[] | string | undefined): string[] {
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

/**
 * For each parameter column of `defs`, the significant digits that write the numbers a search drew for
 * `rows` (the rows a table shows) short yet apart (format.ts distinguishingDigits); absent for columns
 * without drawn numbers. Grid values keep the user's spelling.
 */
export function drawnDigits(defs: readonly ColumnDef[], rows: readonly Row[]): Map<string, number> {
  const out = new Map<string, number>();
  const drawn = rows.filter((r) => r.search !== undefined);
  for (const def of defs) {
    if (def.kind !== 'param') continue;
    const values = drawn.map((r) => r.params[def.key]).filter((v): v is number => typeof v === 'number' && !Number.isInteger(v));
    if (values.length) out.set(def.key, distinguishingDigits(values));
  }
  return out;
}

/**
 * Display text of a row's value of a column (parameters as the user wrote them; a search's drawn numbers
 * with the column's `digits`, see drawnDigits).
 */
export function cellText(def: ColumnDef, row: Row, digits?: ReadonlyMap<string, number>): string {
  if (def.kind === 'param') return formatParam(row.params[def.key], row.spellings[def.key], row.search !== undefined ? digits?.get(def.key) : undefined);
  if (def.kind === 'metric') {
    if (row.status !== 'done') return '-';
    return formatMeanStd(def.key, row.metrics[def.key], row.std[def.key] ?? undefined);
  }
  const v = def.get(row);
  if (Array.isArray(v)) return v.length ? v.join(', ') : '-';
  return v === undefined || v === null ? '-' : String(v);
}

export function metricCell(def: ColumnDef, row: Row, digits?: ReadonlyMap<string, number>): ViewCell {
  if (def.kind !== 'metric') return { text: cellText(def, row, digits), value: def.get(row) };
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

export interface Prepared {
  defs: ColumnDef[];
  rows: Row[];
  keys: SortKey[];
}

export function prepare(rows: Row[], options: QueryOptions): Prepared {
  const defs = knownColumns(rows);
  let kept = rows;
  if (options.where !== undefined) {
    const test = compileWhere(options.where, defs, '--where', rows);
    kept = rows.filter(test);
  }
  const keys = options.sort !== undefined ? parseSortKeys(options.sort, defs) : [];
  checkSortKeys(keys, rows);
  return { defs, rows: kept, keys };
}

/**
 * The columns --columns asks for: `params` (parameters and run facts, when LIST names any) and `metrics`,
 * each column once however often it is named or aliased (`+tags,+tags`, `val.acc,validation.accuracy`).
 * `+NAME` adds to `defaults` (metric keys); a NAME the table already shows (a varying parameter, the note
 * column) is left to the table, which shows every column once (runsTable).
 * Throws: UserError for an unknown name, or a list mixing NAME and +NAME.
 */
export function chosenColumns(spec: string | undefined, defs: ColumnDef[], defaults: string[]): { params?: ColumnDef[]; metrics: ColumnDef[] } {
  const names = splitList(spec);
  const metricDefaults = defaults.map((k) => defs.find((d) => d.key === k)!);
  if (spec !== undefined && names.length === 0) throw new UserError('--columns names no column: its value is empty', `e.g. --columns learning_rate,validation.recall or --columns +validation.f1; the columns there:\n${describeColumns(defs)}`);
  if (names.length === 0) return { metrics: metricDefaults };
  if (names.every((n) => n.startsWith('+'))) {
    const extra = names.map((n) => resolveColumn(n.slice(1), defs, '--columns'));
    return { metrics: [...new Set([...metricDefaults, ...extra])] };
  }
  if (names.some((n) => n.startsWith('+'))) {
    throw new UserError('--columns: either list the columns to show, or add to the default ones with +NAME (every name prefixed)', 'e.g. --columns learning_rate,validation.recall or --columns +validation.f1,+validation.roc_auc');
  }
  const picked = [...new Set(names.map((n) => resolveColumn(n, defs, '--columns')))];
  const params = picked.filter((d) => d.kind !== 'metric');
  return { params: params.length ? params : undefined, metrics: picked.filter((d) => d.kind === 'metric') };
}

/**
 * A run's status cell in a text table: the status, with the reason of a divergence or failure. A damaged run's
 * cell says only `damaged`: its detail (often a long path and message) is already the warning above the table
 * and in `verify`, and would widen every row.
 */
export function statusText(r: Row): string {
  return r.status === 'done' || r.status === 'damaged' ? r.status : `${r.status}${r.note ? `: ${r.note}` : ''}`;
}

export function metricValues(rows: Row[], key: string): number[] {
  return rows.filter((r) => r.status === 'done').map((r) => r.metrics[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

export function resolveMetric(name: string | undefined, defs: ColumnDef[], option: string): ColumnDef {
  return resolveColumn(name ?? DEFAULT_METRIC, defs, option, ['metric']);
}

export function better(def: ColumnDef): 'high' | 'low' {
  return def.better === 'low' ? 'low' : 'high';
}

