/**
 * The updates a sweep's recorded runs account for (what run --resume --repair counts again when sweep.json's
 * updates_trained is lost): counts worked out by hand from the records given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordedGridUpdates, recordedSearchUpdates, stageOfRun } from '../../src/store/recorded-updates.js';
import type { StoredRun } from '../../src/store/read-runs.js';
import type { RunMetricsFile } from '../../src/store/records.js';
import type { Plan, PlannedRun, PlannedTraining } from '../../src/sweep/plan.js';

/** A plan of trainings, each the list of its runs' lengths; run ids r0, r1, ... in order. */
function planOf(trainings: number[][]): Plan {
  const runs: PlannedRun[] = [];
  const ts: PlannedTraining[] = trainings.map((lengths, t) => {
    const idx = lengths.map((iterations) => {
      const index = runs.length;
      runs.push({ index, id: `r${index}`, folder: `${String(index + 1).padStart(4, '0')}-r${index}`, params: { iterations }, spellings: {}, training: t });
      return index;
    });
    return { key: `t${t}`, config: {} as PlannedTraining['config'], checkpoints: [...lengths].sort((a, b) => a - b), thresholds: [0.5], runs: idx, cost: 1 };
  });
  return { gridSize: runs.length, runs, trainings: ts, naiveIterations: 0, plannedIterations: 0, shared: true, engine: 'ts', planHash: 'h' };
}

function stored(plan: Plan, i: number, metrics: Partial<RunMetricsFile>, reused = false): [number, StoredRun] {
  const run = plan.runs[i];
  const m: RunMetricsFile = { status: 'done', run_id: run.id, iterations: run.params.iterations as number, threshold: 0.5, ...metrics };
  return [i, { folder: run.folder, dir: '', params: { run_id: run.id, index: i, folder: run.folder, training_key: 'k', params: {}, spellings: {}, ...(reused ? { reused_from: { sweep: 'e/s', run: 'x' } } : {}) }, metrics: m, annotations: { tags: [] } } as StoredRun];
}

test('a grid: each training once, by its longest recorded run times the folds; copied, unfinished and foreign runs cost nothing', () => {
  // Training 0: runs of 20 and 40 updates (prefix sharing), both recorded: 40. Training 1: 20 and 40, only the
  // 20 recorded: 20. Training 2: copied from another sweep: 0. Training 3: interrupted: 0. Training 4: a run id
  // of another plan: 0. Two folds: (40 + 20) x 2.
  const plan = planOf([[20, 40], [20, 40], [40], [40], [40]]);
  const recorded = new Map([
    stored(plan, 0, {}),
    stored(plan, 1, {}),
    stored(plan, 2, {}),
    stored(plan, 4, {}, true),
    stored(plan, 5, { status: 'interrupted' }),
    stored(plan, 6, { run_id: 'other' }),
  ]);
  assert.equal(recordedGridUpdates(plan, recorded, 2), (40 + 20) * 2);
});

test('a search: per fold, to the early stop or the divergence, less where a continued training started', () => {
  // Training 0: continued from rung 20 to 60; fold 0 stopped early at 45, fold 1 ran to 60: 25 + 40.
  // Training 1: from scratch, diverged at update 7 (both folds counted to it): 7 + 7.
  // Training 2: continued from 60 to 180, done: 120 + 120.
  const plan = planOf([[60], [20], [180]]);
  const folds = [{ stopped_at: 45 }, { stopped_at: 60 }] as RunMetricsFile['folds'];
  const recorded = new Map([stored(plan, 0, { folds, stopped_at: 52.5 }), stored(plan, 1, { status: 'diverged', diverged: { iteration: 7, last_finite_loss: 1 } }), stored(plan, 2, {})]);
  const start = (t: PlannedTraining) => ({ t0: 20, t1: 0, t2: 60 })[t.key as 't0' | 't1' | 't2'];
  assert.equal(recordedSearchUpdates(plan, recorded, 2, start), 25 + 40 + 7 + 7 + 120 + 120);
});

test('a grid extended: a training the extension ran again counts once per stage, by each stage\'s longest recorded run', () => {
  // Training 0: runs of 20 and 40 from the first grid, 60 added by an extension (runs 4 on): 40 + 60.
  // Training 1: 20 and 40 from the first grid, nothing added: 40. One fold.
  const plan = planOf([[20, 40], [20, 40], [60]]);
  // Fold the extension's run into training 0, as the widened plan does.
  plan.trainings[0].runs.push(4);
  plan.trainings.pop();
  const recorded = new Map([stored(plan, 0, {}), stored(plan, 1, {}), stored(plan, 2, {}), stored(plan, 3, {}), stored(plan, 4, {})]);
  assert.equal(recordedGridUpdates(plan, recorded, 1, stageOfRun([{ first_run: 5 }])), 40 + 60 + 40);
  // Without stages (no extension), training 0 is counted once, by its longest run.
  assert.equal(recordedGridUpdates(plan, recorded, 1), 60 + 40);
});
