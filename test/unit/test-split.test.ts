/**
 * The test split: rows held out of every choice. How each split kind holds them out, how a run is scored on
 * them (both engines' models, to 1e-9), what a record gains (and, without a test split, does not), and that
 * no choice reads them: a run with the best test score but a worse validation score is never the best.
 * Expected values are worked out by hand in the comments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { splitRows } from '../../src/datasets/split.js';
import type { SplitConfig } from '../../src/datasets/config.js';
import { parseExperiment } from '../../src/experiment/load.js';
import { formatDiagnostic } from '../../src/errors.js';
import { scoreModel } from '../../src/train/checkpoint.js';
import { assembleRun } from '../../src/sweep/assemble.js';
import type { PlannedRun } from '../../src/sweep/plan.js';
import type { ModelJson, SplitData, TrainRequest } from '../../src/train/types.js';
import { runsView } from '../../src/report/compare/index.js';
import { sortRows } from '../../src/report/columns.js';
import { sweepRows } from '../../src/report/rows.js';
import { resultsCsv } from '../../src/report/sweep-files.js';
import { resolveRun } from '../../src/report/run-address.js';
import { both, randomSplit, relClose } from '../helpers/agree.js';
import { only, refused } from '../helpers/experiments.js';
import { metricsFrom, tempRunsDir, writeSweep } from './report-fixtures.js';

const members = (a: Int32Array | undefined) => [...(a ?? [])];

test('holdout test_fraction: stratified, seeded, disjoint; without it the split is unchanged', () => {
  // 12 rows, positives at 0..3 (4), negatives at 4..11 (8). Per class: test round(0.25 * 4) = 1 and
  // round(0.25 * 8) = 2; validation likewise 1 and 2; the rest (2 + 4) trains.
  const y = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  const split: SplitConfig = { kind: 'holdout', validation_fraction: 0.25, stratify: true, seed: 7, test_fraction: 0.25 };
  const [f] = splitRows(y, split, 'x.csv');
  const pos = (rows: number[]) => rows.filter((r) => y[r] === 1).length;
  assert.deepEqual([f.train.length, f.validation.length, f.test!.length], [6, 3, 3]);
  assert.deepEqual([pos(members(f.train)), pos(members(f.validation)), pos(members(f.test))], [2, 1, 1]);
  assert.deepEqual([...members(f.train), ...members(f.validation), ...members(f.test)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  // The same seed gives the same rows; without test_fraction there is no test split and the validation rows
  // are the first ones the shuffle deals, as before test splits existed: the split above deals its test rows
  // first, then its validation rows, so a validation_fraction of 0.5 (2 of 4 positives, 4 of 8 negatives)
  // takes exactly their union.
  assert.deepEqual(splitRows(y, split, 'x.csv')[0], f);
  const [plain] = splitRows(y, { kind: 'holdout', validation_fraction: 0.25, stratify: true, seed: 7 }, 'x.csv');
  assert.equal(plain.test, undefined);
  const [wide] = splitRows(y, { kind: 'holdout', validation_fraction: 0.5, stratify: true, seed: 7 }, 'x.csv');
  assert.deepEqual(members(wide.validation), [...members(f.validation), ...members(f.test)].sort((a, b) => a - b));
});

test('kfold test_fraction: the same outer test rows, held out of every fold; every other row validates once', () => {
  // 20 rows, 8 positives. Test: round(0.25 * 8) = 2 positives and round(0.25 * 12) = 3 negatives; the other
  // 15 rows are dealt into 3 folds of 5.
  const y = Uint8Array.from({ length: 20 }, (_, i) => (i % 5 < 2 ? 1 : 0));
  const folds = splitRows(y, { kind: 'kfold', k: 3, stratify: true, seed: 3, test_fraction: 0.25 }, 'x.csv');
  const t = members(folds[0].test);
  assert.equal(t.length, 5);
  assert.equal(t.filter((r) => y[r] === 1).length, 2);
  for (const f of folds) {
    assert.deepEqual(members(f.test), t);
    assert.equal(f.validation.length, 5);
    assert.equal(f.train.length, 10);
    assert.ok(members(f.train).concat(members(f.validation)).every((r) => !t.includes(r)), 'test rows never train or validate');
  }
  const validated = folds.flatMap((f) => members(f.validation)).sort((a, b) => a - b);
  assert.deepEqual(validated, Array.from({ length: 20 }, (_, i) => i).filter((r) => !t.includes(r)));
});

test('fixed test ranges and fractions are checked at file:line:column', () => {
  const parse = (split: string) => refused(() => parseExperiment(`name: t\ndataset:\n  name: wisconsin\n  split: ${split}\n`, 'exp.yaml', { cwd: '/tmp/dlsweep-test' }));
  const overlap = only(parse('{kind: fixed, train: [0, 399], validation: [400, 549], test: [540, 682]}'), 'dataset.split.test');
  assert.match(formatDiagnostic(overlap), /^exp\.yaml:4:71: error: dataset\.split\.test: test rows \[540, 682\] overlap the validation rows \[400, 549\] on rows 540\.\.549/);
  assert.match(overlap.hint!, /must never have chosen the run they score/);
  const tooMuch = only(parse('{kind: holdout, validation_fraction: 0.5, test_fraction: 0.5}'), 'dataset.split.test_fraction');
  assert.equal(tooMuch.message, 'test_fraction 0.5 and validation_fraction 0.5 leave no training rows');
  assert.match(only(parse('{kind: kfold, k: 5, test_fraction: 1.5}'), 'dataset.split.test_fraction').message, /out of range: must be < 1/);
  const ok = parseExperiment('name: t\ndataset:\n  name: wisconsin\n  split: {kind: fixed, train: [0, 399], validation: [400, 539], test: [540, 682]}\n', 'exp.yaml', { cwd: '/tmp/dlsweep-test' });
  assert.deepEqual(ok.dataset.split, { kind: 'fixed', train: [0, 399], validation: [400, 539], test: [540, 682] });
});

test('scoreModel: a logistic model scored by hand', () => {
  // dims [1, 1], W = 1, b = 0: p = sigmoid(x). x = 0, 2, -2; y = 1, 1, 0. p = 0.5, 0.8808, 0.1192.
  // Positive when p > 0.5: predictions 0, 1, 0: TP 1, FN 1, TN 1, FP 0; accuracy 2/3.
  // Loss: (ln 2 + 2 ln(1 + e^-2)) / 3 = (0.6931471805599453 + 2 * 0.12692801104297263) / 3.
  const model: ModelJson = { dims: [1, 1], hidden_activation: 'relu', output_activation: 'sigmoid', W: [[[1]]], b: [[0]] } as unknown as ModelJson;
  const rows: SplitData = { X: { rows: 1, cols: 3, data: Float64Array.from([0, 2, -2]) }, y: Float64Array.from([1, 1, 0]) };
  const [m] = scoreModel(model, rows, [0.5]);
  assert.deepEqual(m.confusion, { tn: 1, fp: 0, fn: 1, tp: 1 });
  assert.equal(m.accuracy, 2 / 3);
  assert.ok(Math.abs(m.loss - (0.6931471805599453 + 2 * 0.12692801104297263) / 3) < 1e-15);
  assert.equal(m.roc_auc, 1); // both positives (0.5, 0.88) above the negative (0.12)
});

test('test metrics: both engines\' models agree to 1e-9 on the test rows; a record without test rows keeps its shape', () => {
  const req: TrainRequest = {
    config: { hidden_sizes: [6], init: 'lecun_normal', learning_rate: 0.3, seed: 4 },
    checkpoints: [200, 600],
    thresholds: [0.5, 0.7],
    curve_every: 100,
    train: randomSplit(4, 80, 1),
    validation: randomSplit(4, 30, 2),
  };
  const held = randomSplit(4, 40, 3);
  const { ts, fast } = both(req);
  for (const [i, c] of ts.checkpoints.entries()) {
    const a = scoreModel(c.model!, held, req.thresholds);
    const b = scoreModel(fast.checkpoints[i].model!, held, req.thresholds);
    a.forEach((m, t) => {
      for (const k of ['loss', 'accuracy', 'precision', 'recall', 'specificity', 'f1', 'roc_auc'] as const) relClose(b[t][k], m[k], 1e-9, `checkpoint ${c.iteration} threshold ${req.thresholds[t]} ${k}`);
      assert.deepEqual(b[t].confusion, m.confusion);
    });
  }
  const run = { index: 0, id: 'r', folder: '0001-r', params: { iterations: 600, threshold: 0.7 }, spellings: {}, training: 0 } as unknown as PlannedRun;
  const plain = assembleRun(run, [ts], req.thresholds, 100);
  const tested = assembleRun(run, [ts], req.thresholds, 100, [held]);
  // The same record with `test` added after validation: the run's model at 600 updates, threshold 0.7.
  const { test: t, ...rest } = tested.metrics;
  assert.equal(JSON.stringify(rest), JSON.stringify(plain.metrics));
  assert.deepEqual(Object.keys(tested.metrics).slice(0, 7), ['status', 'run_id', 'iterations', 'threshold', 'train', 'validation', 'test']);
  assert.deepEqual(t, scoreModel(ts.checkpoints[1].model!, held, [0.7])[0]);
  // k-fold: the mean over the folds' models on the same rows, with the sample std and n.
  const two = assembleRun(run, [ts, fast], req.thresholds, 100, [held, held]);
  assert.equal(two.metrics.n?.test?.accuracy, 2);
  relClose(two.metrics.test!.loss, t!.loss, 1e-9, 'mean of two equal models');
});

test('no choice reads test figures: the run with the best test score but a worse validation score is never starred', () => {
  const runs = tempRunsDir();
  try {
    // A: validation 95/100 (loss 0.2), test 80/100. B: validation 90/100 (loss 0.3), test 99/100.
    const dir = writeSweep(runs, 'held', '20260101-000000-dddd', [
      { params: { learning_rate: 0.1 }, confusion: { tn: 45, fp: 3, fn: 2, tp: 50 }, loss: 0.2 },
      { params: { learning_rate: 0.2 }, confusion: { tn: 44, fp: 5, fn: 5, tp: 46 }, loss: 0.3 },
    ], { objective: { keys: [{ metric: 'validation.accuracy', goal: 'maximize' }], declared: true } });
    // Give each run test metrics in its metrics.json.
    const tests = [metricsFrom({ tn: 40, fp: 10, fn: 10, tp: 40 }, 0.6), metricsFrom({ tn: 50, fp: 0, fn: 1, tp: 49 }, 0.05)];
    sweepRows(dir).forEach((r, i) => {
      const file = `${r.dir}/metrics.json`;
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), test: tests[i] }));
    });
    const rows = sweepRows(dir);
    assert.deepEqual(rows.map((r) => r.metrics['test.accuracy']), [0.8, 0.99]);
    const lr = (v: ReturnType<typeof runsView>) => v.rows.filter((r) => r.best).map((r) => r.cells[v.columns.findIndex((c) => c.key === 'learning_rate')].value);
    assert.deepEqual(lr(runsView('held', rows)), [0.1]);
    assert.deepEqual(lr(runsView('held', rows, { sort: 'test.accuracy' })), [0.1]);
    assert.deepEqual(sortRows(rows).map((r) => r.params.learning_rate), [0.1, 0.2]);
    assert.equal(resolveRun(runs, 'held/best').run.params.params.learning_rate, 0.1);
    // The table labels the best run's test figures as the unbiased estimate, and drops the optimistic note.
    const notes = runsView('held', rows).footnotes.join('\n');
    assert.match(notes, /test rows, never used to choose \(the unbiased estimate of the chosen configuration/);
    assert.match(notes, /0001-[0-9a-f]{8}: accuracy 0\.8000 \[/);
    assert.doesNotMatch(notes, /optimistic/);
    // results.csv carries them as test_accuracy (80/100: Wilson [0.7112, 0.8666]).
    const csv = resultsCsv(rows).split('\n');
    const header = csv[0].split(',');
    assert.equal(csv[1].split(',')[header.indexOf('test_accuracy')], '0.8');
    assert.equal(Number(csv[1].split(',')[header.indexOf('test_accuracy_ci_low')]).toFixed(4), '0.7112');
    assert.equal(Number(csv[1].split(',')[header.indexOf('test_accuracy_ci_high')]).toFixed(4), '0.8666');
    // A sweep without test rows keeps the columns it always had.
    assert.ok(!resultsCsv(sweepRows(writeSweep(runs, 'plain', '20260101-000000-eeee', [{ params: { learning_rate: 0.1 } }]))).includes('test_'));
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});
