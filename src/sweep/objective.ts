/**
 * The objective: what "best" means. One ordered list of metric keys, each with the direction that is
 * better; runs are compared on the first key, ties broken by the next. An experiment may declare one
 * (`objective: {metric: validation.loss, goal: minimize}`); without it the default is the study's rule,
 * validation accuracy (higher is better), then validation loss (lower is better), and for a search the
 * validation loss (a search ranks on one number). The sweep records its objective in sweep.json; the
 * comparison tables' default order, their best-row marker, the tie test against the best, the report's
 * "best run", `EXPERIMENT/best` and the search methods all read it from there, never from a display sort.
 *
 * Pure: works on flat metric records (`validation.accuracy` -> number or null), so the planner, a search
 * method and the report can share it.
 */

import { INTERVAL_METRICS, LOWER_IS_BETTER, SPLIT_METRICS } from '../train/metric-names.js';

/** Which direction of a metric is better. */
export type Goal = 'maximize' | 'minimize';

/** One key of an objective: a flat metric name and which direction is better. */
export interface ObjectiveKey {
  /** Flat metric name, e.g. `validation.accuracy`, `train.loss`. */
  metric: string;
  goal: Goal;
}

/** An objective: keys in order of precedence (the first decides, the next break ties). */
export type Objective = readonly ObjectiveKey[];

/** The default objective: validation accuracy (maximize), then validation loss (minimize). */
export const DEFAULT_OBJECTIVE: Objective = Object.freeze([
  Object.freeze({ metric: 'validation.accuracy', goal: 'maximize' as const }),
  Object.freeze({ metric: 'validation.loss', goal: 'minimize' as const }),
]);

/** The default objective of a search: the validation loss (minimize); a search ranks trials on one number. */
export const SEARCH_DEFAULT_OBJECTIVE: Objective = Object.freeze([Object.freeze({ metric: 'validation.loss', goal: 'minimize' as const })]);

/** A sweep's objective as sweep.json records it: its keys, and whether the experiment declared it. */
export interface ObjectiveSetting {
  keys: ObjectiveKey[];
  /** false: the default (DEFAULT_OBJECTIVE, or SEARCH_DEFAULT_OBJECTIVE for a search). */
  declared: boolean;
}

/** The objective a sweep uses when its experiment declares none. */
export function defaultObjective(search: boolean): ObjectiveSetting {
  return { keys: (search ? SEARCH_DEFAULT_OBJECTIVE : DEFAULT_OBJECTIVE).map((k) => ({ ...k })), declared: false };
}

/**
 * The objective of a recorded sweep from its sweep.json fields; sweeps recorded before objectives were
 * declared (no `objective`) used the default, DEFAULT_OBJECTIVE or, for a search, SEARCH_DEFAULT_OBJECTIVE.
 */
export function recordedObjective(sweep: { objective?: ObjectiveSetting; search?: unknown } | undefined): ObjectiveSetting {
  const o = sweep?.objective;
  if (o && Array.isArray(o.keys) && o.keys.length > 0 && o.keys.every((k) => typeof k?.metric === 'string' && (k.goal === 'maximize' || k.goal === 'minimize'))) return o;
  return defaultObjective(sweep?.search !== undefined);
}

/** Splits whose metrics may be an objective. The test split's never are: test figures never drive selection. */
export const OBJECTIVE_SPLITS = ['validation', 'train'] as const;

/**
 * The metrics an objective may name: every recorded metric of the validation and train splits and the
 * bounds of their 95% intervals (validation first), except baseline_accuracy, which no run changes.
 */
export const OBJECTIVE_METRICS: readonly string[] = OBJECTIVE_SPLITS.flatMap((s) =>
  [...SPLIT_METRICS, ...INTERVAL_METRICS].filter((m) => m !== 'baseline_accuracy').map((m) => `${s}.${m}`),
);

/** The direction that is better for a metric when none is given: minimize losses and error counts, else maximize. */
export function naturalGoal(metric: string): Goal {
  return LOWER_IS_BETTER.has(metric.slice(metric.indexOf('.') + 1)) ? 'minimize' : 'maximize';
}

/** Flat metrics of one run: metric name -> value; null or absent when undefined or not recorded. */
export type FlatMetrics = Readonly<Record<string, number | null | undefined>>;

/** Words for a metric key in sentences: `validation.accuracy` -> `validation accuracy`. */
export function metricWords(metric: string): string {
  return metric.replace(/[._]/g, ' ');
}

/**
 * The objective in words, e.g. `validation accuracy, then validation loss`; a goal against the metric's
 * natural direction is said (`validation accuracy, minimized`).
 */
export function describeObjective(objective: Objective = DEFAULT_OBJECTIVE): string {
  return objective.map((k) => metricWords(k.metric) + (k.goal === naturalGoal(k.metric) ? '' : `, ${k.goal === 'maximize' ? 'maximized' : 'minimized'}`)).join(', then ');
}

/** The best-row footnote of the tables, e.g. `* best by validation loss (the experiment's objective)`. */
export function bestFootnote(setting: ObjectiveSetting): string {
  return `* best by ${describeObjective(setting.keys)} (${setting.declared ? "the experiment's objective" : 'the default objective'})`;
}

/**
 * The objective in one sentence for output, e.g. `objective: validation loss, minimized (declared in the
 * experiment)` or `objective: validation accuracy, maximized, then validation loss, minimized (the default)`.
 */
export function objectiveStatement(setting: ObjectiveSetting): string {
  const keys = setting.keys.map((k) => `${metricWords(k.metric)}, ${k.goal === 'maximize' ? 'maximized' : 'minimized'}`).join(', then ');
  return `objective: ${keys} (${setting.declared ? 'declared in the experiment' : 'the default; declare another with objective: {metric: ..., goal: ...}'})`;
}

/** The objective as a `--sort` specification, e.g. `validation.accuracy:desc,validation.loss:asc`. */
export function objectiveSortSpec(objective: Objective = DEFAULT_OBJECTIVE): string {
  return objective.map((k) => `${k.metric}:${k.goal === 'maximize' ? 'desc' : 'asc'}`).join(',');
}

/** Whether two objectives are the same keys in the same order. */
export function sameObjective(a: Objective, b: Objective): boolean {
  return a.length === b.length && a.every((k, i) => k.metric === b[i].metric && k.goal === b[i].goal);
}

function present(v: number | null | undefined): v is number {
  return typeof v === 'number' && !Number.isNaN(v);
}

/**
 * Order two runs' metrics by the objective: negative when `a` is better. A missing (null) value is worse
 * than any value; two missing values tie on that key. 0 when every key ties.
 */
export function compareByObjective(a: FlatMetrics, b: FlatMetrics, objective: Objective = DEFAULT_OBJECTIVE): number {
  for (const k of objective) {
    const va = a[k.metric];
    const vb = b[k.metric];
    const pa = present(va);
    const pb = present(vb);
    if (!pa || !pb) {
      if (pa !== pb) return pa ? -1 : 1;
      continue;
    }
    if (va !== vb) return (va < vb) === (k.goal === 'maximize') ? 1 : -1;
  }
  return 0;
}

/** Whether two runs' metrics are equal on every key of the objective (both best when one is). */
export function tiedOnObjective(a: FlatMetrics, b: FlatMetrics, objective: Objective = DEFAULT_OBJECTIVE): boolean {
  return objective.every((k) => a[k.metric] === b[k.metric]);
}
