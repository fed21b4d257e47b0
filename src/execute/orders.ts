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
