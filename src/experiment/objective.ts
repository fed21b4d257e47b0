/**
 * The experiment file's `objective:` block: what "best" means for its sweeps.
 *
 *   objective:
 *     metric: validation.loss   # any recorded validation or train metric (never a test metric)
 *     goal: minimize            # maximize | minimize; default: minimize for losses and error counts
 *
 * Its schema fragment (with descriptions), the checks the schema cannot express (a known metric, with a
 * did-you-mean; test metrics refused) and the typed form (src/sweep/objective.ts).
 */
import type { Diagnostic } from '../errors.js';
import { isObject } from '../guards.js';
import { INTERVAL_METRICS, SPLIT_METRICS } from '../train/metric-names.js';
import { DEFAULT_OBJECTIVE, OBJECTIVE_METRICS, OBJECTIVE_SPLITS, defaultObjective, naturalGoal, type Goal, type ObjectiveSetting } from '../sweep/objective.js';
import { suggest } from './describe.js';
import { formatPath, type Source } from './source.js';

type Schema = Record<string, unknown>;

const DEFAULT_TEXT = DEFAULT_OBJECTIVE.map((k) => `${k.metric} (${k.goal})`).join(', then ');

/** The schema of the top-level `objective:` block. */
export function objectiveSchema(): Schema {
  return {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['metric'],
    description:
      `What "best" means: the metric that chooses the best run (the tables' star, the tie test against the best, show, ls, the report, EXPERIMENT/best) and that search methods rank trials by, whatever the display sort. Default: ${DEFAULT_TEXT}; for a search, validation.loss (minimize). Test metrics are never an objective: they stay an unbiased estimate of the chosen configuration.`,
    properties: {
      metric: {
        type: 'string',
        description: `A recorded metric of the validation (or train) split: validation.loss, validation.accuracy, validation.roc_auc, validation.recall, validation.fn, validation.accuracy_ci_low ... (${OBJECTIVE_SPLITS.join(' or ')} with ${SPLIT_METRICS.filter((m) => m !== 'baseline_accuracy').join(', ')}, or an interval bound ${INTERVAL_METRICS.join(', ')}).`,
      },
      goal: {
        type: 'string',
        enum: ['maximize', 'minimize'],
        description: 'Whether higher (maximize) or lower (minimize) values are better. Default: minimize for loss, fp and fn; maximize otherwise.',
      },
    },
  };
}

/** Checks of the objective block that the schema cannot express: a known metric, not a test one. Throws: nothing. */
export function objectiveChecks(data: Record<string, unknown>, src: Source): Diagnostic[] {
  const o = data.objective;
  if (!isObject(o) || typeof o.metric !== 'string') return [];
  const metric = o.metric;
  if (OBJECTIVE_METRICS.includes(metric)) return [];
  const segs = ['objective', 'metric'];
  const node = src.nodeAt(segs);
  const d: Diagnostic = { severity: 'error', file: src.file, path: formatPath(segs), message: '', found: src.found(node), ...src.at(node) };
  const bare = metric.slice(metric.indexOf('.') + 1);
  if (/^test[._]/i.test(metric)) {
    const twin = `validation.${bare}`;
    d.message = `\`${metric}\` is a test metric: test figures never choose the best run`;
    d.expected = 'a validation (or train) metric';
    d.hint = `the test split stays an unbiased estimate of the configuration chosen on validation rows${OBJECTIVE_METRICS.includes(twin) ? `; use metric: ${twin}` : ''}`;
    return [d];
  }
  d.message = `unknown metric \`${metric}\``;
  d.expected = `one of: ${OBJECTIVE_METRICS.join(', ')}`;
  const guess = suggest(metric, OBJECTIVE_METRICS) ?? (OBJECTIVE_METRICS.includes(`validation.${metric}`) ? `validation.${metric}` : undefined);
  d.hint = guess ? `did you mean \`${guess}\`?` : 'name a metric with its split, e.g. metric: validation.loss';
  return [d];
}

/** The objective of a checked experiment: the declared one (goal defaulted by the metric), or the default. Throws: nothing. */
export function resolveObjective(data: Record<string, unknown>, search: boolean): ObjectiveSetting {
  const o = data.objective;
  if (!isObject(o) || typeof o.metric !== 'string') return defaultObjective(search);
  const goal: Goal = o.goal === 'maximize' || o.goal === 'minimize' ? o.goal : naturalGoal(o.metric);
  return { keys: [{ metric: o.metric, goal }], declared: true };
}
