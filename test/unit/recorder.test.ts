/**
 * The recorder's held writes (a search's batches): nothing is written until flush, the run folders written
 * then are those a recorder writing at once writes, and the records in memory read as the folders do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Recorder } from '../../src/store/recorder.js';
import { readRun } from '../../src/store/read-runs.js';
import { objectiveOf } from '../../src/cli/search.js';
import { planSweep } from '../../src/sweep/plan.js';
import { pendingTrainings } from '../../src/sweep/pending.js';
import { orderOf } from '../../src/execute/orders.js';
import { train } from '../../src/train/train.js';
import type { Outcome } from '../../src/execute/executor.js';
import { plannedExperiment } from '../helpers/experiments.js';
import { learnable } from '../helpers/random-data.js';

const fold = { train: learnable(60, 1), validation: learnable(30, 2) };
const exp = plannedExperiment({ learning_rate: [0.1, 0.5, 1e6], threshold: [0.3, 0.6] }, { iterations: 40, hidden_sizes: [3], init: 'lecun_normal', seed: 1 }, 10);
const plan = planSweep(exp, { fingerprint: 'f'.repeat(64), features: 3, trainSamples: 60, folds: 1 });
const pending = pendingTrainings(plan, new Set(plan.runs.map((r) => r.index)));

/** Each pending training trained here (the same numbers a worker computes), its outcome done. */
const outcomes: Outcome[] = pending.map((p) => {
  const o = orderOf(plan, p, { fingerprint: 'f'.repeat(64), folds: [fold] }, 10);
  const result = train({ config: o.config, engine: o.engine, checkpoints: o.checkpoints, thresholds: o.thresholds, curve_every: o.curve_every, train: fold.train, validation: fold.validation });
  return { status: 'done', results: [result], training_ms: 7 };
});

const sweepDir = () => mkdtempSync(join(tmpdir(), 'dlsweep-recorder-'));
const runFolders = (dir: string) => readdirSync(dir).filter((n) => /^\d{4}-/.test(n)).sort();

test('held writes: nothing is written before flush; then the same folders, byte for byte, as writing at once', () => {
  const atOnce = sweepDir();
  const held = sweepDir();
  const a = new Recorder(atOnce, plan, pending, 1, 10, {}, undefined, [fold]);
  const b = new Recorder(held, plan, pending, 1, 10, {}, undefined, [fold]);
  b.hold();
  pending.forEach((p, i) => {
    a.record(p.training, outcomes[i]);
    b.record(p.training, outcomes[i]);
  });
  assert.equal(runFolders(atOnce).length, 6);
  assert.deepEqual(runFolders(held), [], 'a held run is written only by flush');
  b.flush();
  assert.deepEqual(runFolders(held), runFolders(atOnce));
  for (const f of runFolders(atOnce)) {
    const files = readdirSync(join(atOnce, f)).sort();
    assert.deepEqual(readdirSync(join(held, f)).sort(), files);
    if (JSON.parse(readFileSync(join(atOnce, f, 'metrics.json'), 'utf8')).status === 'done') assert.ok(files.includes('predictions.csv'), f);
    for (const name of files) {
      const [x, y] = [readFileSync(join(atOnce, f, name), 'utf8'), readFileSync(join(held, f, name), 'utf8')];
      // timing.json says when each recorder recorded the run; everything else is the same bytes.
      if (name === 'timing.json') assert.deepEqual({ ...JSON.parse(y), finished_at: 0 }, { ...JSON.parse(x), finished_at: 0 });
      else assert.equal(y, x, `${f}/${name}`);
    }
  }
  assert.deepEqual(b.counts, a.counts);
  b.flush();
  assert.deepEqual(b.counts, a.counts, 'a second flush writes nothing again');
});

test('held writes: a run recorded in memory has the objective its folder gives once written, for every kind of metric', () => {
  const dir = sweepDir();
  const r = new Recorder(dir, plan, pending, 1, 10, {}, undefined, [fold]);
  r.hold();
  pending.forEach((p, i) => r.record(p.training, outcomes[i]));
  const inMemory = new Map(plan.runs.map((run) => [run.folder, r.recordedRun(run.folder, true)!]));
  assert.equal(r.recordedRun('9999-00000000'), undefined);
  r.flush();
  const statuses = new Set<string>();
  for (const run of plan.runs) {
    const stored = readRun(dir, run.folder)!;
    statuses.add(stored.metrics!.status);
    // A plain metric, an interval from the confusion counts, one from the predictions, and one of the train split.
    for (const metric of ['validation.loss', 'validation.accuracy_ci_high', 'validation.roc_auc_ci_low', 'train.recall']) {
      const key = { metric, goal: 'minimize' as const };
      assert.ok(Object.is(objectiveOf(inMemory.get(run.folder), key), objectiveOf(stored, key)), `${run.folder} ${metric}`);
    }
    assert.deepEqual(inMemory.get(run.folder)!.metrics, stored.metrics);
  }
  // The learning rate of 1e6 diverges: its runs rank last (NaN) in memory as on disk.
  assert.deepEqual([...statuses].sort(), ['diverged', 'done']);
});

test('held writes: a failed training is recorded as failed, in memory and once flushed', () => {
  const dir = sweepDir();
  const r = new Recorder(dir, plan, pending, 1, 10, {}, undefined, [fold]);
  r.hold();
  r.record(pending[0].training, { status: 'failed', error: 'out of memory', training_ms: 3 });
  const folder = plan.trainings[pending[0].training].runs.map((i) => plan.runs[i].folder)[0];
  assert.equal(r.recordedRun(folder)!.metrics!.status, 'failed');
  assert.ok(Number.isNaN(objectiveOf(r.recordedRun(folder), { metric: 'validation.loss', goal: 'minimize' })));
  assert.equal(r.failures.length, 0, 'a held run is counted when written');
  r.flush();
  assert.equal(readRun(dir, folder)!.metrics!.status, 'failed');
  assert.deepEqual(r.failures.map((f) => f.folder).sort(), plan.trainings[pending[0].training].runs.map((i) => plan.runs[i].folder).sort());
});
