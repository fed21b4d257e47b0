/**
 * The columns a comparison knows: parameters (from the rows), metrics (`train.*`, `validation.*`,
 * `training_ms`) and facts about each run (`run`, `index`, `status`, `sweep`...). One place resolves the
 * names users type (in --sort, --where, --columns, --group-by...) with a few aliases and a did-you-mean,
 * and one place orders typed values, so numbers sort as numbers and lists as lists.
 */
import { closest, distance } from 'fastest-levenshtein';
import { UserError } from '../errors.js';
import type { ParamValue } from '../experiment/types.js';
import { PARAMS } from '../experiment/params.js';
import { INTERVAL_METRICS, LOWER_IS_BETTER, SPLIT_METRICS } from '../train/metric-names.js';
import { bestOf, compareRows, compareRunNumber, rowsObjective, statusRank, type Row } from './rows.js';
import { metricLabel, tellsBracket, tellsRung } from './format.js';

/** Parameters, metrics, or facts about a run (run, index, status, sweep...). */
export type ColumnKind = 'param' | 'metric' | 'meta';

/** The type of a column's values, inferred from the rows (`mixed` when rows disagree, `none` when no row has one). */
export type ValueType = 'number' | 'string' | 'list' | 'boolean' | 'object' | 'mixed' | 'none';

/** One column users can name: how to read it from a row, its type, which direction is better. */
export interface ColumnDef {
  /** What users type: `learning_rate`, `validation.recall`, `status`. */
  key: string;
  kind: ColumnKind;
  /** Short header for tables. */
  label: string;
  /** The row's value; undefined when the row has no such parameter, null for an undefined metric (n/a). */
  get(row: Row): ParamValue | undefined;
  type: ValueType;
  /** Which direction is better (metrics), for the default sort direction and the best-row marker. */
  better: 'high' | 'low' | 'none';
  /**
   * Why no row can have a value, when none can: a test metric of runs without a test split. Naming such a
   * column (--sort, --where, --columns, --metric...) is refused (resolveColumn) rather than giving n/a everywhere.
   */
  absent?: string;
}

/** Metric names of a split: the recorded ones, then the Wilson intervals of the proportions. */
const SPLIT_METRIC_NAMES: string[] = [...SPLIT_METRICS, ...INTERVAL_METRICS];

/** Every metric key: `train.loss` ... `train.specificity_ci_high`, the same for validation, then `training_ms`. */
export const METRIC_KEYS: string[] = ['train', 'validation'].flatMap((s) => SPLIT_METRIC_NAMES.map((m) => `${s}.${m}`)).concat(['training_ms']);

/** The test split's metric keys (`test.loss` ... `test.roc_auc_ci_high`): columns to show, never an objective. */
export const TEST_METRIC_KEYS: string[] = SPLIT_METRIC_NAMES.map((m) => `test.${m}`);

function typeOf(v: ParamValue | undefined): ValueType {
  if (v === undefined || v === null) return 'none';
  if (Array.isArray(v)) return 'list';
  const t = typeof v;
  return t === 'number' || t === 'string' || t === 'boolean' ? t : 'object';
}

function inferType(rows: Row[], get: (r: Row) => ParamValue | undefined): ValueType {
  let type: ValueType = 'none';
  for (const r of rows) {
    const t = typeOf(get(r));
    if (t === 'none') continue;
    if (type === 'none') type = t;
    else if (type !== t) return 'mixed';
  }
  return type;
}

/** Parameter names in parameter-table order, unknown ones after them by name. */
export function paramOrder(names: Iterable<string>): string[] {
  const known = PARAMS.map((p) => p.name);
  const all = [...new Set(names)];
  return all.sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib) || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/** Column definitions for a set of rows: parameters first (table order), then metrics, then run facts. */
export function knownColumns(rows: Row[]): ColumnDef[] {
  const defs: ColumnDef[] = [];
  for (const name of paramOrder(rows.flatMap((r) => Object.keys(r.params)))) {
    const get = (r: Row) => r.params[name];
    defs.push({ key: name, kind: 'param', label: name, get, type: inferType(rows, get), better: 'none' });
  }
  // Finished runs none of which has a test figure were trained without a test split (runs not finished yet tell nothing).
  const noTest = rows.some((r) => r.status === 'done') && !rows.some((r) => r.metrics['test.loss'] != null);
  for (const key of [...METRIC_KEYS, ...TEST_METRIC_KEYS]) {
    const name = key.slice(key.indexOf('.') + 1);
    const better = key === 'training_ms' || LOWER_IS_BETTER.has(name) ? 'low' : name === 'baseline_accuracy' || name === 'tn' || name === 'tp' ? 'none' : 'high';
    const absent = noTest && key.startsWith('test.') ? { absent: `the runs compared have no test split, so no ${key}` } : {};
    defs.push({ key, kind: 'metric', label: metricLabel(key), get: (r) => r.metrics[key] ?? null, type: 'number', better, ...absent });
  }
  const meta: [string, (r: Row) => ParamValue, ValueType][] = [
    ['run', (r) => r.folder, 'string'],
    ['index', (r) => r.index, 'number'],
    ['hash', (r) => r.hash, 'string'],
    ['run_id', (r) => r.run_id, 'string'],
    ['status', (r) => r.status, 'string'],
    ['sweep', (r) => r.sweep, 'string'],
    ['experiment', (r) => r.sweep.split('/')[0], 'string'],
    ['stopped_at', (r) => r.stop?.stopped_at ?? null, 'number'],
    ['stop_reason', (r) => r.stop?.stop_reason ?? null, 'string'],
    ['restored_from', (r) => r.stop?.restored_from ?? null, 'number'],
    ['tags', (r) => r.tags ?? [], 'list'],
    ['note', (r) => r.userNote ?? null, 'string'],
    ['dataset', (r) => r.dataset ?? null, 'string'],
    // Searches: the trial (in draw order), the rung of the run and the Hyperband bracket, each only under a
    // method that has it (show's and diff's rule: a random search's runs have no rung, a halving's no bracket).
    ['trial', (r) => r.search?.trial ?? null, 'number'],
    ['rung', (r) => (r.search && tellsRung(r.method) ? r.search.rung : null), 'number'],
    ['bracket', (r) => (r.search && tellsBracket(r.method) ? r.search.bracket : null), 'number'],
    ['reused_from', (r) => r.reused_from ?? null, 'string'],
    ['tied_with_best', (r) => r.tie?.tied ?? null, 'boolean'],
    ['mcnemar_p', (r) => r.tie?.p ?? null, 'number'],
  ];
  for (const [key, get, type] of meta) defs.push({ key, kind: 'meta', label: key, get, type, better: 'none' });
  return defs;
}

const PROPORTION_NAMES = 'accuracy_ci_low, accuracy_ci_high (likewise precision, recall, specificity)';

const SPLIT_ALIASES: Record<string, string> = { val: 'validation', valid: 'validation', validation: 'validation', train: 'train', training: 'train', test: 'test' };
const METRIC_ALIASES: Record<string, string> = { acc: 'accuracy', auc: 'roc_auc', sensitivity: 'recall', tpr: 'recall', tnr: 'specificity', baseline: 'baseline_accuracy' };

/** The canonical key for what a user typed: case-folded; `val.acc`, `validation_accuracy`, `val.auc` map to metric keys. */
export function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase();
  const m = /^([a-z]+)[._](.+)$/.exec(lower);
  if (m && SPLIT_ALIASES[m[1]] !== undefined) {
    const metric = METRIC_ALIASES[m[2]] ?? m[2];
    if (SPLIT_METRIC_NAMES.includes(metric)) return `${SPLIT_ALIASES[m[1]]}.${metric}`;
    // val.acc_ci_low, validation_auc_...: an alias before an interval suffix.
    const ci = /^(.+?)(_ci_low|_ci_high)$/.exec(metric);
    if (ci && SPLIT_METRIC_NAMES.includes((METRIC_ALIASES[ci[1]] ?? ci[1]) + ci[2])) return `${SPLIT_ALIASES[m[1]]}.${METRIC_ALIASES[ci[1]] ?? ci[1]}${ci[2]}`;
  }
  return lower;
}

/** Find a column by what a user typed (exact key first, then the canonical form); undefined when unknown. */
export function lookupColumn(name: string, defs: ColumnDef[]): ColumnDef | undefined {
  return defs.find((d) => d.key === name) ?? defs.find((d) => d.key === canonicalName(name));
}

/**
 * A did-you-mean for an unknown column name, or undefined: a bare metric name suggests its validation
 * form; otherwise the closest known key when it is close enough to be a typo.
 */
export function suggestColumn(name: string, defs: ColumnDef[]): string | undefined {
  const lower = name.toLowerCase();
  const bare = METRIC_ALIASES[lower] ?? lower;
  if ((SPLIT_METRICS as readonly string[]).includes(bare)) return `validation.${bare}`;
  const keys = defs.map((d) => d.key);
  if (keys.length === 0) return undefined;
  const best = closest(lower, keys);
  return distance(lower, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** The known names in one line, for hints: parameters, then `train.* / validation.*` metric names, then run facts. */
export function describeColumns(defs: ColumnDef[]): string {
  const params = defs.filter((d) => d.kind === 'param').map((d) => d.key);
  const meta = defs.filter((d) => d.kind === 'meta').map((d) => d.key);
  const splits = defs.some((d) => d.key.startsWith('test.') && !d.absent) ? 'train.*, validation.* or test.*' : 'train.* or validation.*';
  return [
    params.length ? `parameters: ${params.join(', ')}` : '',
    `metrics: ${splits} with ${SPLIT_METRICS.join(', ')}, and 95% Wilson intervals ${PROPORTION_NAMES}; training_ms`,
    meta.length ? `run facts: ${meta.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * Resolve a column name given to an option.
 * Throws: UserError naming the option and the name, with a did-you-mean and the known names.
 */
export function resolveColumn(name: string, defs: ColumnDef[], option: string, kinds?: ColumnKind[]): ColumnDef {
  const def = lookupColumn(name, defs);
  const pool = kinds ? defs.filter((d) => kinds.includes(d.kind)) : defs;
  if (def?.absent) throw absentColumn(def, option, pool);
  if (def && (!kinds || kinds.includes(def.kind))) return def;
  const what = kinds ? (kinds.includes('param') ? 'parameter' : kinds[0]) : 'column';
  if (name.trim() === '') throw new UserError(`${option} names no ${what}: its value is empty`, describeColumns(pool));
  if (def) throw new UserError(`${option}: "${name}" is a ${def.kind === 'param' ? 'parameter' : def.kind}, not a ${what}`, describeColumns(pool));
  const guess = suggestColumn(name, pool);
  throw new UserError(`${option}: unknown ${what} "${name}"${guess ? ` (did you mean ${guess}?)` : ''}`, describeColumns(pool));
}

/**
 * The error for a column no row can have (ColumnDef.absent): what is missing and how to get it, then the
 * columns that are there. Throws: nothing (returns the error).
 */
export function absentColumn(def: ColumnDef, option: string, defs: ColumnDef[]): UserError {
  return new UserError(
    `${option}: ${def.key}: ${def.absent}`,
    `hold out test rows in the experiment's dataset.split (test_fraction, or test: [first, last] for a fixed split) and run it again; the columns there:\n${describeColumns(defs)}`,
  );
}

/** Order two typed values: numbers numerically, strings by code point, lists element by element, false before true. */
export function compareValues(a: ParamValue, b: ParamValue): number {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) {
    const rank = ['none', 'boolean', 'number', 'string', 'list', 'object'];
    return rank.indexOf(ta) - rank.indexOf(tb);
  }
  switch (ta) {
    case 'number': {
      const d = (a as number) - (b as number);
      return d < 0 ? -1 : d > 0 ? 1 : 0;
    }
    case 'string':
      return a! < b! ? -1 : a! > b! ? 1 : 0;
    case 'boolean':
      return Number(a) - Number(b);
    case 'list': {
      const la = a as ParamValue[];
      const lb = b as ParamValue[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
      return la.length - lb.length;
    }
    case 'object': {
      const sa = JSON.stringify(a);
      const sb = JSON.stringify(b);
      return sa < sb ? -1 : sa > sb ? 1 : 0;
    }
    default:
      return 0;
  }
}

/** Whether two typed values are equal (lists and objects by content). */
export function equalValues(a: ParamValue | undefined, b: ParamValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return typeOf(a) === typeOf(b) && compareValues(a, b) === 0;
}

/** One --sort key: a column and its direction. */
export interface SortKey {
  column: ColumnDef;
  descending: boolean;
}

/**
 * Parse `--sort`: comma-separated names, each optionally suffixed `:asc` or `:desc`. Without a suffix a
 * metric sorts best first (accuracy high first, loss low first) and anything else ascending.
 * Throws: UserError for an unknown column or suffix.
 */
export function parseSortKeys(spec: string, defs: ColumnDef[]): SortKey[] {
  const keys: SortKey[] = [];
  const parts = spec.split(',').map((s) => s.trim());
  // A stray comma is a name left out, not nothing: say so rather than sort by fewer keys than typed.
  if (parts.some((p) => p === '') && parts.some(Boolean)) {
    throw new UserError(`--sort "${spec}" has an empty name between commas`, `write the names with one comma between each, e.g. --sort ${parts.filter(Boolean).join(',') || 'validation.loss'}`);
  }
  for (const part of parts.filter(Boolean)) {
    const m = /^(.*?)(?::(asc|desc|ascending|descending))?$/i.exec(part)!;
    if (/:/.test(m[1])) throw new UserError(`--sort: "${part}" has an unknown direction`, 'write NAME, NAME:asc or NAME:desc, e.g. --sort validation.loss:asc');
    const column = resolveColumn(m[1], defs, '--sort');
    const dir = m[2]?.toLowerCase();
    keys.push({ column, descending: dir ? dir.startsWith('desc') : column.better === 'high' });
  }
  if (keys.length === 0) throw new UserError('--sort needs a column name', `e.g. --sort validation.recall or --sort learning_rate:desc; the columns there:\n${describeColumns(defs)}`);
  return keys;
}

/** Which runs have a value in each run-fact column that only some runs have (see unsortedKeys). */
const HELD_BY: Record<string, string> = {
  stopped_at: 'runs that stopped early (early_stopping)',
  stop_reason: 'runs that stopped early (early_stopping)',
  restored_from: 'runs that restored their best weights (early_stopping.restore_best)',
  trial: 'the runs of a search (a search: block)',
  rung: 'the runs of a successive halving, ASHA or Hyperband search (random, quasirandom and TPE runs have none)',
  bracket: 'the runs of a Hyperband search',
  reused_from: 'runs copied from an earlier sweep',
  note: 'runs given a note (dlsweep note)',
  dataset: 'runs of sweeps that record their data',
  tied_with_best: 'finished runs with recorded predictions',
  mcnemar_p: 'finished runs with recorded predictions',
};

/** Which runs have a value in run-fact column `key` when only some do (HELD_BY); undefined for the others. */
export function heldBy(key: string): string | undefined {
  return HELD_BY[key] ?? (key === 'tags' ? 'tagged runs (dlsweep tag)' : undefined);
}

/**
 * Whether `column` is a run fact that none of `rows` has a value for (`bracket` in a grid), an empty list
 * counting as none; false for parameters and metrics, and when there are no rows.
 */
export function heldByNone(column: ColumnDef, rows: readonly Row[]): boolean {
  if (column.kind !== 'meta' || rows.length === 0) return false;
  return !rows.some((r) => {
    const v = column.get(r);
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  });
}

/**
 * Refuse a sort key no row has a value for (a run fact such as `bracket` in a random search): such a key
 * orders nothing, and the rows in plain run order would look sorted. Metrics are left to ColumnDef.absent
 * (a metric of runs not finished yet is missing for now, not for ever).
 * Throws: UserError naming the key and which runs have it.
 */
export function checkSortKeys(keys: SortKey[], rows: Row[]): void {
  for (const { column } of keys) {
    if (!heldByNone(column, rows)) continue;
    const held = heldBy(column.key);
    throw new UserError(`--sort: no run compared has a ${column.key}, so it orders nothing`, `${held ? `${column.key} is set for ${held}; ` : ''}sort by another column, e.g. --sort validation.loss`);
  }
}

/** The run facts of a search's place, which exist only under the methods that have them (trial: any search). */
const SEARCH_FACTS = ['trial', 'rung', 'bracket'];

/**
 * Refuse a --columns name for a search fact none of `rows` has (`rung` of a random search, `bracket` of a
 * halving, `trial` of a grid), as --where and --sort refuse it: a column of `-` would read as a fact.
 * Throws: UserError naming the column and which runs have it.
 */
export function checkShownColumns(columns: readonly ColumnDef[], rows: readonly Row[]): void {
  for (const column of columns) {
    if (!SEARCH_FACTS.includes(column.key) || !heldByNone(column, rows)) continue;
    throw new UserError(`--columns: no run compared has a ${column.key}, so its column would be empty`, `${column.key} is set for ${heldBy(column.key)}; show other columns`);
  }
}

/**
 * Sort rows by keys: finished runs first (then diverged, failed, interrupted, pending, so failures are
 * listed last), then each key (missing and n/a values last whatever the direction), then the lower run
 * number (compareRunNumber, the rule of every order: run 10 after run 9), so the order never depends on
 * completion order. Without keys: the default order, by the rows' objective (see compareRows and rowsObjective).
 */
export function sortRows(rows: Row[], keys: SortKey[] = []): Row[] {
  if (keys.length === 0) {
    const { keys: objective } = rowsObjective(rows).objective;
    return [...rows].sort((a, b) => compareRows(a, b, objective));
  }
  return [...rows].sort((a, b) => {
    const s = statusRank(a.status) - statusRank(b.status);
    if (s !== 0) return s;
    return compareByKeys(a, b, keys, (r, column) => column.get(r)) || compareRunNumber(a, b);
  });
}

/**
 * Compare two items on sort keys in order: missing values (undefined or null, i.e. n/a) last whatever the
 * direction, values by compareValues; 0 when every key ties.
 */
export function compareByKeys<T>(a: T, b: T, keys: SortKey[], valueOf: (item: T, column: ColumnDef) => ParamValue | undefined): number {
  for (const k of keys) {
    const va = valueOf(a, k.column);
    const vb = valueOf(b, k.column);
    const ma = va === undefined || va === null;
    const mb = vb === undefined || vb === null;
    if (ma || mb) {
      if (ma && mb) continue;
      return ma ? 1 : -1;
    }
    const c = compareValues(va, vb);
    if (c !== 0) return k.descending ? -c : c;
  }
  return 0;
}

/** How a sort is described under a table, e.g. `validation.recall (high first), then validation.loss (low first)`. */
export function describeSort(keys: SortKey[]): string {
  return keys.map((k) => `${k.column.key} (${k.descending ? 'high' : 'low'} first)`).join(', then ');
}
