/**
 * Number and value formatting for tables: consistent significant digits, never 0.30000000000000004.
 *
 * The rule for undefined values: a metric that is mathematically undefined for a run (precision with no
 * positive prediction, recall with no positive example, ROC AUC with one class present...) is stored as
 * null and shown as `n/a`; never as NaN and never as 0. A parameter that a run does not have (comparing
 * sweeps with different parameters) is shown as `-`.
 */
import { counted } from '../text.js';
import type { ParamValue } from '../experiment/types.js';
import type { SweepFile } from '../store/records.js';
import { activeMs } from '../store/active.js';
import { dependsOnLength } from '../train/schedules.js';
import { RUNG_METHODS } from '../search/method.js';
import type { LrSchedule } from '../train/types.js';
import { aggregateKind, formatFinite, formatMs, metricKind, type NumberKind } from '../ui/static/numbers.js';

export { aggregateKind, formatMs, formatReal, metricKind, type NumberKind } from '../ui/static/numbers.js';

/**
 * Format a metric: counts and milliseconds as integers; ratios in [0, 1] (accuracy, precision, recall...)
 * with 4 decimals; other values (losses) with 4 significant digits; null or undefined (an undefined metric)
 * as n/a; NaN and infinities (never stored, but possible in hand-edited files) as NaN, inf, -inf.
 * With `kind`, that kind is used instead of the one the name implies (e.g. a mean of counts is `real`).
 */
export function formatMetric(name: string, v: number | null | undefined, kind: NumberKind = metricKind(name)): string {
  if (v === null || v === undefined) return 'n/a';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return formatFinite(v, kind);
}

/**
 * A mean with its standard deviation, e.g. `0.8650 ± 0.0328`; the std is written like the mean (for a
 * count-valued metric, whose mean is fractional, both with 2 decimals). Without std: the mean alone.
 */
export function formatMeanStd(name: string, mean: number | null | undefined, std: number | null | undefined): string {
  const kind = aggregateKind(name);
  if (std === undefined) return formatMetric(name, mean, mean !== null && mean !== undefined && !Number.isInteger(mean) ? kind : undefined);
  return `${formatMetric(name, mean, kind)} ± ${formatMetric(name, std, kind)}`;
}

/**
 * A number cleaned of binary floating-point noise for machine outputs (CSV, JSON): 12 significant digits,
 * so 0.1 + 0.2 gives 0.3 while real differences (far above 1e-12 relative) are kept.
 */
export function cleanNumber(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
}

/** Fewest significant digits a table writes a drawn (searched) parameter's numbers with. */
export const DRAWN_DIGITS = 4;

/**
 * The significant digits, at least DRAWN_DIGITS and at most 17 (always exact), at which the distinct
 * non-integer numbers of a column, written by shortNumber, stay distinct: 0.98486 and 0.98491 need 5.
 */
export function distinguishingDigits(values: readonly number[]): number {
  const distinct = [...new Set(values.filter((v) => Number.isFinite(v) && !Number.isInteger(v)))];
  for (let digits = DRAWN_DIGITS; digits < 17; digits++) {
    if (new Set(distinct.map((v) => shortNumber(v, digits))).size === distinct.length) return digits;
  }
  return 17;
}

/** A number with `digits` significant digits, trailing zeros dropped (0.9848637283989128 -> 0.9849 at 4); integers whole. */
export function shortNumber(v: number, digits: number): string {
  return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toPrecision(digits)));
}

/**
 * A parameter value for display: the user's spelling when known, else a compact JSON form; `-` when absent.
 * With `digits` (a drawn value: see distinguishingDigits), a non-integer number is written with that many
 * significant digits instead, whatever its recorded spelling (a search records the full float). A spelling that
 * is only the value's JSON (`"adam"`, `[8,4]`: what searches recorded before they kept the file's spelling of a
 * choice) is written as a value without spelling is, as a grid shows it (`adam`, `[8, 4]`).
 */
export function formatParam(value: ParamValue | undefined, spelling?: string, digits?: number): string {
  if (digits !== undefined && typeof value === 'number' && !Number.isInteger(value)) return shortNumber(value, digits);
  if (spelling !== undefined && (typeof value === 'number' || spelling !== JSON.stringify(value))) return spelling;
  if (value === undefined) return '-';
  if (typeof value === 'number') return String(cleanNumber(value));
  if (typeof value === 'string') return value;
  return flowText(value);
}

/**
 * A value in YAML's flow style, as experiment files write it (`{kind: cosine, min_learning_rate: 0}`,
 * `[30, 15]`): one way for a declared value and a default alike. A string is quoted only where YAML would
 * read it otherwise.
 */
export function flowText(value: ParamValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(cleanNumber(value));
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return /^[A-Za-z_][\w.-]*$/.test(value) && !/^(true|false|null|yes|no|on|off)$/i.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(flowText).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${k}: ${flowText(v as ParamValue)}`).join(', ')}}`;
}

/** Where a run of a search stands in it, as params.json records it (search): absent for a grid's run. */
export interface SearchPlace {
  trial: number;
  bracket: number;
  rung: number;
  /** The length its training was shaped for, when longer than the run (see horizonText). */
  horizon?: number;
}

/** Whether runs of a search by `method` (sweep.json; undefined: not known) have a rung worth telling. */
export function tellsRung(method: string | undefined): boolean {
  return method === undefined || (RUNG_METHODS as readonly string[]).includes(method);
}

/**
 * Whether runs of a search by `method` (sweep.json) have a bracket worth telling: hyperband's alone has
 * several; not known (a damaged sweep.json) counts as not, as a bracket 0 of one is no fact.
 */
export function tellsBracket(method: string | undefined): boolean {
  return method === 'hyperband';
}

/**
 * `trial 38, bracket 1, rung 2`: a search run's trial, its bracket under hyperband (the only method with
 * several) and its rung under a method with rungs (every run of random, quasirandom and tpe is rung 0);
 * see tellsBracket and tellsRung for a method not known.
 */
export function searchPlaceText(search: SearchPlace, method: string | undefined): string {
  return `trial ${search.trial}${tellsBracket(method) ? `, bracket ${search.bracket}` : ''}${tellsRung(method) ? `, rung ${search.rung}` : ''}`;
}

/**
 * For a search run trained towards a longer horizon and stopped at its rung: how it was trained, and whether
 * a training of its length alone would be the same; undefined when no horizon applies. `lengthShaped`: its
 * learning-rate schedule's shape depends on the total length (cosine, one_cycle), so it differs from a
 * training of the run's length alone; otherwise (early stopping, whose checks do not depend on the total)
 * the numbers are the same.
 */
export function horizonText(search: SearchPlace, iterations: ParamValue | undefined, lengthShaped: boolean): string | undefined {
  if (search.horizon === undefined || typeof iterations !== 'number' || search.horizon <= iterations) return undefined;
  const how = `trained towards ${search.horizon} updates and stopped at ${iterations}`;
  return lengthShaped
    ? `${how}: its learning-rate schedule was shaped for ${search.horizon} updates, so training it alone for ${iterations} is not the same training`
    : `${how}: early stopping's checks do not depend on the total, so a training of ${iterations} alone gives the same numbers`;
}

/**
 * How a search run was trained, in one text: searchPlaceText, then horizonText for its parameters
 * (`params.lr_schedule` decides whether the horizon changed the training).
 */
export function searchTrainingText(search: SearchPlace, params: Record<string, ParamValue>, method: string | undefined): string {
  const horizon = runHorizonText(search, params);
  return `${searchPlaceText(search, method)}${horizon ? `; ${horizon}` : ''}`;
}

/** horizonText for a run's parameters: its `lr_schedule` decides whether the horizon shaped the training. */
export function runHorizonText(search: SearchPlace, params: Record<string, ParamValue>): string | undefined {
  const schedule = params.lr_schedule;
  const shaped = schedule !== null && typeof schedule === 'object' && !Array.isArray(schedule) && typeof schedule.kind === 'string' && dependsOnLength(schedule as unknown as LrSchedule);
  return horizonText(search, params.iterations, shaped);
}

const SHORT: Record<string, string> = {
  accuracy: 'acc',
  precision: 'precision',
  recall: 'recall',
  specificity: 'specificity',
  f1: 'F1',
  roc_auc: 'AUC',
  baseline_accuracy: 'baseline acc',
  loss: 'loss',
  tn: 'TN',
  fp: 'FP',
  fn: 'FN',
  tp: 'TP',
};

/** A short header for a metric: `validation.accuracy` -> `val acc`, `train.fn` -> `train FN`, `training_ms` -> `training ms`. */
export function metricLabel(key: string): string {
  const dot = key.indexOf('.');
  if (dot < 0) return key.replace(/_/g, ' ');
  const split = key.slice(0, dot) === 'validation' ? 'val' : key.slice(0, dot);
  const name = key.slice(dot + 1);
  const ci = /^(.+)_ci_(low|high)$/.exec(name);
  if (ci) return `${split} ${SHORT[ci[1]] ?? ci[1].replace(/_/g, ' ')} CI ${ci[2]}`;
  return `${split} ${SHORT[name] ?? name.replace(/_/g, ' ')}`;
}

/**
 * How long a finished sweep took, for show and the report: the time worked on it (activeMs), and when a
 * resume or extension came later, the time from its start to its end beside it; `running` until it ends.
 */
export function describeDuration(sweep: Pick<SweepFile, 'active' | 'started_at' | 'ended_at'>): string {
  if (!sweep.ended_at) return 'running';
  const worked = activeMs(sweep);
  const wall = Date.parse(sweep.ended_at) - Date.parse(sweep.started_at);
  // Idle time shows only when it is more than a rounding of the spans' edges.
  return Number.isFinite(worked) && wall - worked >= 1000 ? `${formatMs(worked)} worked, ${formatMs(wall)} from start to end` : formatMs(wall);
}

/**
 * How long the process whose span of work started at `spanStart` worked on a finished sweep, for `run`'s
 * closing line: that span as recorded (to its ended_at, where ls, show and the report stop too), and when the
 * sweep has earlier spans, the time worked on it in all (ls's duration) beside it. A resume that had nothing
 * to do recorded no span: 0 ms.
 */
export function spanDuration(sweep: Pick<SweepFile, 'active' | 'started_at' | 'ended_at'>, spanStart: string | undefined): string {
  const spans = sweep.active ?? [];
  const mine = spans.find((s) => s.started_at === spanStart);
  const here = mine ? activeMs({ active: [mine], started_at: sweep.started_at, ended_at: sweep.ended_at }) : 0;
  const all = activeMs(sweep);
  return spans.some((s) => s !== mine) && Number.isFinite(all) ? `${formatMs(here)} (${formatMs(all)} worked on the sweep in all)` : formatMs(here);
}

/**
 * A sweep's runs by status, for its facts (show, report.html): `12 done, 0 diverged, 0 failed, 3 pending`;
 * `atMost` (sizeIsUpperBound: an unfinished asha search) says the pending count is a bound, as verify does.
 */
export function runCountsText(c: SweepFile['counts'], atMost = false): string {
  return `${c.done} done, ${c.diverged} diverged, ${c.failed} failed${c.interrupted ? `, ${c.interrupted} interrupted` : ''}${c.damaged ? `, ${c.damaged} damaged` : ''}${c.pending ? `, ${pendingText(c.pending, atMost)}` : ''}`;
}

/** `N pending`, or `at most N pending` when the sweep's size is an upper bound (sizeIsUpperBound). */
export function pendingText(pending: number, atMost: boolean): string {
  return `${atMost ? 'at most ' : ''}${pending} pending`;
}

/**
 * How big a sweep is, for its facts: `grid of N` for a grid, `halving search of N trials` for a search
 * (whose searched axes have no grid). Throws: nothing.
 */
export function sizeText(sweep: { grid_size: number; search?: { method: string; trials: number } }): string {
  return sweep.search ? `${sweep.search.method} search of ${counted(sweep.search.trials, 'trial')}` : `grid of ${sweep.grid_size}`;
}
