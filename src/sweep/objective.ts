/**
 * The objective: what "best" means. One ordered list of metric keys, each with the direction that is
 * better; runs are compared on the first key, ties broken by the next. The default is the study's rule,
 * validation accuracy (higher is better), then validation loss (lower is better). The comparison tables'
 * default order, their best-row marker, the report's "best run" and the grouping's default order all read
 * it from here.
 *
 * Pure: works on flat metric records (`validation.accuracy` -> number or null), so the planner, a search
 * method and the report can share it.
 */

/** One key of an objective: a flat metric name and which direction is better. */
export interface ObjectiveKey {
  /** Flat metric name, e.g. `validation.accuracy`, `train.loss`. */
  metric: string;
  /** `max`: higher is better; `min`: lower is better. */
  goal: 'max' | 'min';
}

/** An objective: keys in order of precedence (the first decides, the next break ties). */
export type Objective = readonly ObjectiveKey[];

/** The default objective: validation accuracy (max), then validation loss (min). */
export const DEFAULT_OBJECTIVE: Objective = Object.freeze([
  Object.freeze({ metric: 'validation.accuracy', goal: 'max' as const }),
  Object.freeze({ metric: 'validation.loss', goal: 'min' as const }),
]);

/** Flat metrics of one run: metric name -> value; null or absent when undefined or not recorded. */
export type FlatMetrics = Readonly<Record<string, number | null | undefined>>;

/** Words for a metric key in sentences: `validation.accuracy` -> `validation accuracy`. */
export function metricWords(metric: string): string {
  return metric.replace(/[._]/g, ' ');
}

/** The objective in words, e.g. `validation accuracy, then validation loss`. */
export function describeObjective(objective: Objective = DEFAULT_OBJECTIVE): string {
  return objective.map((k) => metricWords(k.metric)).join(', then ');
}

/** The objective as a `--sort` specification, e.g. `validation.accuracy:desc,validation.loss:asc`. */
export function objectiveSortSpec(objective: Objective = DEFAULT_OBJECTIVE): string {
  return objective.map((k) => `${k.metric}:${k.goal === 'max' ? 'desc' : 'asc'}`).join(',');
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
    if (va !== vb) return (va < vb) === (k.goal === 'max') ? 1 : -1;
  }
  return 0;
}

/** Whether two runs' metrics are equal on every key of the objective (both best when one is). */
export function tiedOnObjective(a: FlatMetrics, b: FlatMetrics, objective: Objective = DEFAULT_OBJECTIVE): boolean {
  return objective.every((k) => a[k.metric] === b[k.metric]);
}
