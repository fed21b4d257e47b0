/**
 * From a training's results (one per fold) to the record of each run it serves. Pure: no I/O.
 * With k folds, every metric of a run is the mean over folds, its sample standard deviation (n - 1) over
 * folds is kept in `std` and the number of folds in `n` (metrics undefined in some fold come from the pooled
 * confusion counts, listed in `pooled`), and each fold's metrics in `folds`. Trainings with early stopping add where and
 * why they stopped (stopped_at, stop_reason, restored_from) to each fold and, summarized, to the run.
 */
import type { CheckpointResult, ClassificationMetrics, CurvePoint, ModelJson, SplitData, TrainResult } from '../train/types.js';
import type { RunMetricsFile, SplitMetrics } from '../store/records.js';
import type { PlannedRun } from './plan.js';
import { mean as meanOf, meanStd } from '../train/statistics.js';
import { predictProba } from '../train/train.js';
import { scoreModel } from '../train/checkpoint.js';
import type { Predictions } from '../store/predictions.js';

export interface RunRecord {
  metrics: RunMetricsFile;
  curve: CurvePoint[];
  /** Model of the first fold (the only one unless k-fold). */
  model?: ModelJson;
}

/**
 * The curve of one run of `iterations` updates from its training's results (one per fold): the points a
 * separate training of that length records (k = 0, curveEvery, 2 curveEvery, ... up to the run's length,
 * the point at its length, and the early stop's point), so a run sharing a longer training gets the same
 * curve.csv as with --no-share. A training records a point at each of its checkpoints for this (see
 * train() in src/train/train.ts). With several folds, the mean loss at each point.
 */
export function curveFor(results: TrainResult[], iterations: number, curveEvery: number): CurvePoint[] {
  const own = results.map((r) => {
    const stop = r.stopped?.reason === 'no_improvement' ? r.stopped.iteration : -1;
    return r.curve.filter((p) => p.iteration <= iterations && (p.iteration % curveEvery === 0 || p.iteration === iterations || p.iteration === stop));
  });
  const first = own[0];
  if (results.length === 1) return first;
  return first.map((p) => {
    const at = own.map((c) => c.find((q) => q.iteration === p.iteration)).filter((q): q is CurvePoint => q !== undefined);
    if (at.length !== results.length) return p;
    return { iteration: p.iteration, train_loss: meanOf(at.map((q) => q.train_loss)), validation_loss: meanOf(at.map((q) => q.validation_loss)) };
  });
}

const NUMERIC_KEYS = ['loss', 'accuracy', 'precision', 'recall', 'specificity', 'f1', 'roc_auc', 'baseline_accuracy'] as const;

/** Metrics that are functions of the confusion counts, so that pooling the folds' counts defines them. */
function pooledValue(k: (typeof NUMERIC_KEYS)[number], c: { tn: number; fp: number; fn: number; tp: number }): number | null {
  const n = c.tn + c.fp + c.fn + c.tp;
  switch (k) {
    case 'accuracy':
      return n ? (c.tp + c.tn) / n : null;
    case 'precision':
      return c.tp + c.fp ? c.tp / (c.tp + c.fp) : null;
    case 'recall':
      return c.tp + c.fn ? c.tp / (c.tp + c.fn) : null;
    case 'specificity':
      return c.tn + c.fp ? c.tn / (c.tn + c.fp) : null;
    case 'f1':
      return 2 * c.tp + c.fp + c.fn ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : null;
    default:
      return null;
  }
}

/** k-fold aggregates of one split: means, sample stds, counts of folds, and the metrics taken from pooled counts. */
export interface FoldAggregate {
  mean: ClassificationMetrics;
  /** Sample standard deviation (n - 1) over folds; null when fewer than two folds define it, or pooled. */
  std: Record<string, number | null>;
  /** Folds the value stands for: k, or fewer for a mean over the folds that define it (ROC AUC with one class). */
  n: Record<string, number>;
  /** Metrics undefined in some fold, computed from the confusion counts summed over folds instead. */
  pooled: string[];
}

/**
 * Mean, sample standard deviation (n - 1) and count over folds of every metric. A metric undefined (null)
 * in some fold (precision with no positive prediction there) is computed from the confusion counts pooled
 * over folds (each row is in exactly one validation fold) when it is a function of them, with no std; ROC
 * AUC undefined in some fold is the mean over the folds that define it.
 */
export function aggregateFolds(per: ClassificationMetrics[]): FoldAggregate {
  const mean: ClassificationMetrics = { ...per[0], confusion: { tn: 0, fp: 0, fn: 0, tp: 0 }, samples: 0 };
  // Confusion counts are summed over folds: each row is in exactly one validation fold.
  for (const m of per) {
    mean.confusion.tn += m.confusion.tn;
    mean.confusion.fp += m.confusion.fp;
    mean.confusion.fn += m.confusion.fn;
    mean.confusion.tp += m.confusion.tp;
    mean.samples += m.samples;
  }
  const std: Record<string, number | null> = {};
  const n: Record<string, number> = {};
  const pooled: string[] = [];
  const out = mean as unknown as Record<string, number | null>;
  for (const k of NUMERIC_KEYS) {
    const vals = per.map((m) => m[k]).filter((v): v is number => v !== null && v !== undefined);
    if (vals.length < per.length && k !== 'roc_auc' && k !== 'loss' && k !== 'baseline_accuracy') {
      out[k] = pooledValue(k, mean.confusion);
      std[k] = null;
      n[k] = per.length;
      if (out[k] !== null) pooled.push(k);
      continue;
    }
    const s = meanStd(vals);
    out[k] = s.mean;
    std[k] = s.std;
    n[k] = s.n;
  }
  return { mean, std, n, pooled };
}

/** The early-stopping fields of a checkpoint (none without early stopping). */
function stopOf(c: CheckpointResult): Pick<SplitMetrics, 'stopped_at' | 'stop_reason' | 'restored_from'> {
  if (c.stopped_at === undefined) return {};
  return { stopped_at: c.stopped_at, stop_reason: c.stop_reason, ...(c.restored_from !== undefined ? { restored_from: c.restored_from } : {}) };
}

/** k-fold: stopped_at is the mean over folds; stop_reason the folds' common reason, or `mixed`. */
function foldsStop(folds: SplitMetrics[]): Pick<RunMetricsFile, 'stopped_at' | 'stop_reason'> {
  if (folds.some((f) => f.stopped_at === undefined)) return {};
  const reasons = new Set(folds.map((f) => f.stop_reason));
  return {
    stopped_at: meanOf(folds.map((f) => f.stopped_at!)),
    stop_reason: reasons.size === 1 ? folds[0].stop_reason : 'mixed',
  };
}

/**
 * The record of `run` from its training's fold results. With `test` (each fold's test rows, a test split),
 * each fold's model at the run's length is also scored on them at the run's threshold (scoreModel): the
 * record gains `test` (k-fold: mean, std and n over folds, as for validation), and nothing else changes.
 * Throws: Error when a result lacks the run's checkpoint or threshold (a planner bug).
 */
export function assembleRun(run: PlannedRun, results: TrainResult[], thresholds: number[], curveEvery: number, test?: readonly (SplitData | undefined)[]): RunRecord {
  const iterations = run.params.iterations as number;
  const threshold = run.params.threshold as number;
  const t = thresholds.indexOf(threshold);
  if (t < 0) throw new Error(`threshold ${threshold} was not scored`);
  const points = results.map((r) => {
    const c = r.checkpoints.find((x) => x.iteration === iterations);
    if (!c) throw new Error(`iteration ${iterations} was not scored`);
    return { result: r, checkpoint: c };
  });
  const curve = curveFor(results, iterations, curveEvery);
  const base: RunMetricsFile = { status: 'done', run_id: run.id, iterations, threshold };
  const diverged = points.find((p) => p.checkpoint.status === 'diverged');
  if (diverged) {
    return { metrics: { ...base, status: 'diverged', diverged: diverged.result.diverged }, curve };
  }
  const testOf = (i: number, c: CheckpointResult) => {
    const rows = test?.[i];
    return rows && c.model ? { test: scoreModel(c.model, rows, [threshold])[0] } : {};
  };
  const perFold: SplitMetrics[] = points.map((p, i) => ({ train: p.checkpoint.train[t], validation: p.checkpoint.validation[t], ...testOf(i, p.checkpoint), ...stopOf(p.checkpoint) }));
  if (perFold.length === 1) {
    const f = perFold[0];
    return { metrics: { ...base, train: f.train, validation: f.validation, ...(f.test ? { test: f.test } : {}), ...stopOf(points[0].checkpoint) }, curve, model: points[0].checkpoint.model };
  }
  const train = aggregateFolds(perFold.map((f) => f.train));
  const validation = aggregateFolds(perFold.map((f) => f.validation));
  const tested = perFold.every((f) => f.test) ? aggregateFolds(perFold.map((f) => f.test!)) : undefined;
  const pooledTest = tested?.pooled.length ? { test: tested.pooled } : {};
  return {
    metrics: {
      ...base,
      train: train.mean,
      validation: validation.mean,
      ...(tested ? { test: tested.mean } : {}),
      std: { train: train.std, validation: validation.std, ...(tested ? { test: tested.std } : {}) },
      n: { train: train.n, validation: validation.n, ...(tested ? { test: tested.n } : {}) },
      ...(train.pooled.length || validation.pooled.length || tested?.pooled.length ? { pooled: { train: train.pooled, validation: validation.pooled, ...pooledTest } } : {}),
      folds: perFold,
      ...foldsStop(perFold),
    },
    curve,
    model: points[0].checkpoint.model,
  };
}

/**
 * The probabilities a run's models give the rows they were scored on: for each fold, the model at
 * `iterations` applied to that fold's validation rows (k-fold: every row once, out of fold), then, with a
 * test split, to the test rows (k-fold: each fold's model on the same outer test rows). The same for every
 * engine: computed from the recorded model (predictProba, the TypeScript reference), not by the worker.
 * Returns undefined when a fold diverged or has no model.
 * Shapes: folds[f].validation.X: [features x rows_f]; the result has sum_f rows_f validation entries, fold by
 * fold, then the test entries fold by fold.
 */
export function predictionsFor(results: TrainResult[], iterations: number, folds: readonly { validation: SplitData; test?: SplitData }[]): Predictions | undefined {
  const p: Predictions = { split: [], fold: [], row: [], label: [], probability: [] };
  const models = results.map((r) => r.checkpoints.find((c) => c.iteration === iterations)?.model);
  if (models.some((m) => !m)) return undefined;
  for (const split of ['validation', 'test'] as const) {
    for (let f = 0; f < results.length; f++) {
      const rows = folds[f][split];
      if (!rows) continue;
      const prob = predictProba(models[f]!, rows.X);
      for (let j = 0; j < prob.length; j++) {
        p.split.push(split);
        p.fold.push(f);
        p.row.push(j);
        p.label.push(rows.y[j]);
        p.probability.push(prob[j]);
      }
    }
  }
  return p;
}
