/** From a plan's pending trainings to executor orders. Pure. */
import type { Plan } from '../sweep/plan.js';
import type { PendingTraining } from '../sweep/pending.js';
import type { TrainingData, TrainingOrder } from './executor.js';

/**
 * The order that trains pending training `p` of `plan` on `data`, with a curve point every `curveEvery` updates
 * and, when `trajectoryEvery` is given, the parameters every `trajectoryEvery` updates.
 */
export function orderOf(plan: Plan, p: PendingTraining, data: TrainingData, curveEvery: number, trajectoryEvery?: number): TrainingOrder {
  const t = plan.trainings[p.training];
  return {
    training: p.training,
    key: t.key,
    config: t.config,
    checkpoints: p.checkpoints,
    thresholds: p.thresholds,
    curve_every: curveEvery,
    ...(trajectoryEvery ? { trajectory_every: trajectoryEvery } : {}),
    engine: plan.engine,
    data,
  };
}

/**
 * The work of an order, in multiply-adds of one pass over its data per update: the updates it computes
 * (from its resumed state on, when it continues one) times its network's weights (features, hidden sizes,
 * one output) times its training rows, summed over folds. A relative measure, for ordering.
 */
export function orderWork(order: TrainingOrder): number {
  const updates = order.checkpoints[order.checkpoints.length - 1];
  return order.data.folds.reduce((sum, fold, f) => {
    const dims = [fold.train.X.rows, ...order.config.hidden_sizes, 1];
    let weights = 0;
    for (let i = 0; i + 1 < dims.length; i++) weights += dims[i] * dims[i + 1];
    return sum + (updates - (order.resume?.[f]?.iteration ?? 0)) * weights * fold.train.X.cols;
  }, 0);
}

/**
 * Orders sorted longest first by orderWork (stable: equal work keeps the given order). Handed out in this
 * order to identical threads, a batch of trainings ends at most 4/3 of the shortest possible time after it
 * starts (longest processing time first: Graham, "Bounds on multiprocessing timing anomalies", SIAM J. Appl.
 * Math. 17(2), 1969), whereas a long training handed out last can leave the other threads idle until it ends.
 * Which thread trains what changes no result.
 */
export function longestFirst<T extends TrainingOrder>(orders: readonly T[]): T[] {
  const work = new Map(orders.map((o) => [o, orderWork(o)]));
  return [...orders].sort((a, b) => work.get(b)! - work.get(a)!);
}
