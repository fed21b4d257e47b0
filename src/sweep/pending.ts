/**
 * What is left to train of a plan: the trainings that serve runs not yet recorded, each scored only at the
 * iteration counts and thresholds of those runs (so a finished run is never rewritten on resume). Pure.
 */
import type { Plan, PlannedRun } from './plan.js';

/** A training with runs to record. */
export interface PendingTraining {
  /** Index into Plan.trainings. */
  training: number;
  /** The runs it records, in grid order. */
  runs: PlannedRun[];
  /** Ascending, distinct iteration counts of those runs; the last is the training's length. */
  checkpoints: number[];
  /** Ascending, distinct thresholds of those runs. */
  thresholds: number[];
}

/** The pending trainings of `plan` for the run indices in `todo`, in plan order (longest first). */
export function pendingTrainings(plan: Plan, todo: ReadonlySet<number>): PendingTraining[] {
  const out: PendingTraining[] = [];
  plan.trainings.forEach((t, i) => {
    const runs = t.runs.filter((r) => todo.has(r)).map((r) => plan.runs[r]);
    if (runs.length === 0) return;
    const checkpoints = [...new Set(runs.map((r) => r.params.iterations as number))].sort((a, b) => a - b);
    const thresholds = [...new Set(runs.map((r) => r.params.threshold as number))].sort((a, b) => a - b);
    out.push({ training: i, runs, checkpoints, thresholds });
  });
  return out;
}

/** Updates still to run (each pending training's length times the folds): the ETA's total. */
export function pendingUpdates(pending: readonly PendingTraining[], folds: number): number {
  let total = 0;
  for (const p of pending) total += p.checkpoints[p.checkpoints.length - 1] * folds;
  return total;
}
