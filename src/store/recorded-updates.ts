/**
 * The updates a sweep's recorded runs account for: what `updates_trained` says (README, Searches beyond the
 * grid), counted from the runs as recorded rather than kept by the processes that trained them, so that a
 * sweep killed at any moment (its sweep.json lagging its run folders) or stopped by a failed write and then
 * resumed counts what an uninterrupted one does. A training is counted once (a grid's once per stage), by the
 * longest of its runs recorded (done or diverged, trained here: a run copied from another sweep cost nothing).
 * Work the records do not show (a training repeated after an interruption or a lost state) is not counted.
 */
import type { Plan, PlannedTraining } from '../sweep/plan.js';
import { readRun, type StoredRun } from './read-runs.js';

/** The stored runs of `plan` at `indices` (into plan.runs) in the sweep folder `dir`, by index. Throws: nothing. */
export function readRecorded(dir: string, plan: Plan, indices: Iterable<number>): Map<number, StoredRun> {
  const out = new Map<number, StoredRun>();
  for (const i of indices) {
    const run = readRun(dir, plan.runs[i].folder);
    if (run) out.set(i, run);
  }
  return out;
}

/**
 * Each training with a recorded run among `recorded` (by index into plan.runs), with its longest such run;
 * with `stageOf` (a run index's stage), once per stage that recorded runs of it.
 */
function longestRecorded(plan: Plan, recorded: ReadonlyMap<number, StoredRun>, stageOf: (index: number) => number = () => 0): { training: PlannedTraining; run: StoredRun }[] {
  const out: { training: PlannedTraining; run: StoredRun }[] = [];
  for (const training of plan.trainings) {
    const longest = new Map<number, StoredRun>();
    for (const i of training.runs) {
      const run = recorded.get(i);
      const m = run?.metrics;
      if (!run || run.damaged || !m || m.run_id !== plan.runs[i].id || (m.status !== 'done' && m.status !== 'diverged') || run.params.reused_from) continue;
      const stage = stageOf(i);
      const before = longest.get(stage);
      if (!before || m.iterations > before.metrics!.iterations) longest.set(stage, run);
    }
    for (const run of longest.values()) out.push({ training, run });
  }
  return out;
}

/**
 * A grid's recorded updates: each training's longest recorded run's length times the folds (as a grid
 * counts a finished training), once per stage of the grid (`stageOf`: 0 for a run of the first grid, k for
 * one the k-th --extend added, whose training ran again for it). Throws: nothing.
 */
export function recordedGridUpdates(plan: Plan, recorded: ReadonlyMap<number, StoredRun>, folds: number, stageOf?: (index: number) => number): number {
  return longestRecorded(plan, recorded, stageOf).reduce((n, { run }) => n + run.metrics!.iterations * folds, 0);
}

/**
 * A grid's `planned_updates`: the most its trainings run, as recordedGridUpdates counts them once all are
 * recorded: each training's longest run times the folds, once per stage it has runs in (`stageOf`, as for
 * recordedGridUpdates: an --extend trains again each training it adds runs to, up to the longest of them).
 * Without extensions, the plan's own count (plan.plannedIterations). Throws: nothing.
 */
export function plannedGridUpdates(plan: Plan, folds: number, extensions: readonly { first_run: number }[] | undefined): number {
  if (!extensions?.length) return plan.plannedIterations;
  const stageOf = stageOfRun(extensions);
  let n = 0;
  for (const training of plan.trainings) {
    const longest = new Map<number, number>();
    for (const i of training.runs) {
      const stage = stageOf(i);
      longest.set(stage, Math.max(longest.get(stage) ?? 0, plan.runs[i].params.iterations as number));
    }
    for (const iterations of longest.values()) n += iterations * folds;
  }
  return n;
}

/** The stage of a run index in a sweep with these extensions (recordedGridUpdates): how many added runs up to it. */
export function stageOfRun(extensions: readonly { first_run: number }[] | undefined): (index: number) => number {
  return (index) => (extensions ?? []).filter((e) => e.first_run - 1 <= index).length;
}

/**
 * A search's recorded updates: for each training, the updates each fold ran (to its early stop or divergence,
 * else the run's length) less `start(training)`, where a continued training's state stood (as a search counts
 * a finished training). Throws: nothing.
 */
export function recordedSearchUpdates(plan: Plan, recorded: ReadonlyMap<number, StoredRun>, folds: number, start: (training: PlannedTraining) => number): number {
  let n = 0;
  for (const { training, run } of longestRecorded(plan, recorded)) {
    const m = run.metrics!;
    const from = start(training);
    for (let f = 0; f < folds; f++) {
      const end = m.status === 'diverged' ? (m.diverged?.iteration ?? m.iterations) : (m.folds?.[f]?.stopped_at ?? m.stopped_at ?? m.iterations);
      n += Math.max(0, end - from);
    }
  }
  return n;
}
