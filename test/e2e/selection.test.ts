/**
 * End to end: how a sweep chooses and reports its best runs. Early stopping's restore_best at the
 * iteration limit, with where and why each training stopped shown by show, compare, results.csv and the report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { REPO, hasWisconsin, onlySweep, readJson, runCli, runFolders, tempDir, writeExperiment } from '../helpers/cli.js';

const noData = !hasWisconsin() && 'data/wisconsin-cancer-dataset.csv is absent';

// 40 training rows, a large network: the validation loss is lowest at update 14 and rises after it. With
// patience 20 the training stops at update 34; with patience 5000 it reaches its iteration limit (300).
const RESTORE_BEST = `name: restore-best
dataset:
  name: wisconsin
  split: {kind: fixed, train: [0, 39], validation: [40, 682]}
  normalize: {kind: minmax, fit: train}
fixed:
  hidden_sizes: [64, 64]
  optimizer: adam
  learning_rate: 0.01
  seed: 3
  iterations: 300
grid:
  early_stopping: [null, {patience: 20}, {patience: 5000}]
record:
  curve_every: 1
`;

test('restore_best at the iteration limit restores the best check; stopped_at, stop_reason, restored_from shown everywhere', { skip: noData }, () => {
  const dir = tempDir();
  try {
    const file = writeExperiment(dir, 'restore-best.yaml', RESTORE_BEST);
    const r = runCli(['run', file, '--data-dir', join(REPO, 'data'), '--workers', '2'], dir);
    assert.equal(r.code, 0, r.stderr);
    const sweep = onlySweep(join(dir, 'runs'), 'restore-best');
    const [none, patient20, patient5000] = runFolders(sweep).map((f) => readJson(join(sweep, f, 'metrics.json')));
    assert.equal(none.stopped_at, undefined);
    assert.deepEqual([patient20.stopped_at, patient20.stop_reason, patient20.restored_from], [34, 'no_improvement', 14]);
    assert.deepEqual([patient5000.stopped_at, patient5000.stop_reason, patient5000.restored_from], [300, 'max_iterations', 14]);
    // Both restore the weights after update 14: the same model, so the same scores; the curve's minimum.
    assert.deepEqual(patient5000.validation, patient20.validation);
    const curve = readFileSync(join(sweep, runFolders(sweep)[2], 'curve.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const lowest = curve.reduce((a, b) => (b[2] < a[2] ? b : a));
    assert.equal(lowest[0], 14);
    assert.equal(patient5000.validation.loss, lowest[2]);
    assert.ok(curve.at(-1)![2] > 3 * lowest[2], 'the last weights are much worse: restoring matters');

    // results.csv
    const csv = parse(readFileSync(join(sweep, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.deepEqual(csv.map((c) => [c.stopped_at, c.stop_reason, c.restored_from]), [['', '', ''], ['34', 'no_improvement', '14'], ['300', 'max_iterations', '14']]);
    // The printed table shows them by default; compare takes them as columns.
    assert.match(r.stdout, /stopped_at.*stop_reason.*restored_from/);
    const c = runCli(['compare', '--columns', 'early_stopping,stopped_at,stop_reason,restored_from', '--format', 'csv'], dir);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /300,max_iterations,14/);
    const s = runCli(['show', `${sweep.split('/').slice(-2).join('/')}/3`], dir);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /early stopping: stopped at update 300, iteration limit reached; weights restored from update 14 \(the best check\)/);
    const html = readFileSync(join(sweep, 'report.html'), 'utf8');
    assert.match(html, /restored_from/);
    assert.match(html, /max_iterations/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every run stores its validation predictions and ROC/PR points; ties with the best are marked and counted', { skip: noData }, () => {
  const dir = tempDir();
  try {
    const file = writeExperiment(
      dir,
      'ties.yaml',
      `name: ties
dataset: wisconsin
fixed:
  iterations: 200
grid:
  learning_rate: [0.01, 0.1]
  threshold: [0.3, 0.5, 0.9]
`,
    );
    const r = runCli(['run', file, '--data-dir', join(REPO, 'data'), '--workers', '2'], dir);
    assert.equal(r.code, 0, r.stderr);
    const sweep = onlySweep(join(dir, 'runs'), 'ties');
    for (const f of runFolders(sweep)) {
      const m = readJson(join(sweep, f, 'metrics.json'));
      const pred = parse(readFileSync(join(sweep, f, 'predictions.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      assert.equal(pred.length, 182);
      // The stored probabilities reproduce the recorded confusion matrix at the run's threshold.
      const c = { tn: 0, fp: 0, fn: 0, tp: 0 };
      for (const p of pred) {
        const pos = Number(p.probability) > m.threshold;
        if (p.label === '1') pos ? c.tp++ : c.fn++;
        else pos ? c.fp++ : c.tn++;
      }
      assert.deepEqual(c, m.validation.confusion);
      // roc.csv: the point at the largest listed threshold not above the run's has the same counts... or,
      // equivalently, counts of p > t for every listed t; check the endpoints and one interior point.
      const roc = parse(readFileSync(join(sweep, f, 'roc.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      assert.equal(Number(roc[0].tp) + Number(roc[0].fp), 0);
      assert.deepEqual([roc.at(-1)!.threshold, roc.at(-1)!.tpr, roc.at(-1)!.fpr], ['0', '1', '1']);
      const mid = roc[Math.floor(roc.length / 2)];
      const t = Number(mid.threshold);
      assert.equal(Number(mid.tp), pred.filter((p) => p.label === '1' && Number(p.probability) > t).length);
      assert.equal(Number(mid.fp), pred.filter((p) => p.label === '0' && Number(p.probability) > t).length);
    }
    const csv = parse(readFileSync(join(sweep, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.ok(csv.every((c) => c.tied_with_best === 'true' || c.tied_with_best === 'false'));
    assert.ok(csv.every((c) => Number(c.validation_roc_auc_ci_low) <= Number(c.validation_roc_auc) && Number(c.validation_roc_auc) <= Number(c.validation_roc_auc_ci_high)));
    const tied = csv.filter((c) => c.tied_with_best === 'true').length;
    assert.ok(tied >= 1);
    const html = readFileSync(join(sweep, 'report.html'), 'utf8');
    assert.match(html, /statistically indistinguishable from the best/);
    const cmp = runCli(['compare', '--columns', '+tied_with_best,+mcnemar_p', '--format', 'csv'], dir);
    assert.equal(cmp.code, 0, cmp.stderr);
    assert.match(cmp.stdout.split('\n')[0], /tied_with_best,mcnemar_p/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dlsweep thresholds: a rule applied to a run of the sweep; one clear message for a bad rule', { skip: noData }, () => {
  const dir = tempDir();
  try {
    const file = writeExperiment(dir, 'th.yaml', `name: th\ndataset: wisconsin\nfixed:\n  iterations: 150\n  learning_rate: 0.05\ngrid:\n  threshold: [0.3, 0.5]\n`);
    const r = runCli(['run', file, '--data-dir', join(REPO, 'data'), '--workers', '2'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /optimistic: it was chosen among 2 runs on the same validation rows/);
    const t = runCli(['thresholds', 'th/latest/1', '--recall-at-least', '0.99', '--json'], dir);
    assert.equal(t.code, 0, t.stderr);
    const choice = JSON.parse(t.stdout);
    // Checked against the stored predictions: recall >= 0.99 at the threshold, below 0.99 just above it.
    const sweep = onlySweep(join(dir, 'runs'), 'th');
    const pred = parse(readFileSync(join(sweep, runFolders(sweep)[0], 'predictions.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const recallAt = (th: number) => pred.filter((p) => p.label === '1' && Number(p.probability) > th).length / pred.filter((p) => p.label === '1').length;
    assert.ok(recallAt(choice.threshold) >= 0.99);
    assert.ok(recallAt(choice.upper) < 0.99);
    assert.equal(choice.validation.recall.value, recallAt(choice.threshold));
    const text = runCli(['thresholds', 'th/latest/1', '--youden'], dir);
    assert.match(text.stdout, /optimistic/);
    const bad = runCli(['thresholds', 'th/latest/1'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /name a rule/);
    assert.doesNotMatch(bad.stderr, /at .*\.js:\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a test split end to end: test metrics recorded and shown for the best, predictions and thresholds on test rows, never used to choose', { skip: noData }, () => {
  const dir = tempDir();
  try {
    const file = writeExperiment(
      dir,
      'held.yaml',
      `name: held
dataset:
  name: wisconsin
  split: {kind: fixed, train: [0, 399], validation: [400, 539], test: [540, 682]}
objective: {metric: validation.loss, goal: minimize}
fixed:
  iterations: 300
  learning_rate: 0.05
grid:
  threshold: [0.3, 0.5]
`,
    );
    const d = runCli(['data', 'describe', file, '--data-dir', join(REPO, 'data')], dir);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /test\s+143 rows: \d+ positive/);
    const r = runCli(['run', file, '--data-dir', join(REPO, 'data'), '--workers', '2'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /objective: validation loss, minimized \(declared in the experiment\)/);
    assert.match(r.stdout, /test rows, never used to choose \(the unbiased estimate of the chosen configuration/);
    assert.doesNotMatch(r.stdout, /optimistic/);
    const sweep = onlySweep(join(dir, 'runs'), 'held');
    assert.deepEqual(readJson(join(sweep, 'sweep.json')).objective, { keys: [{ metric: 'validation.loss', goal: 'minimize' }], declared: true });
    for (const f of runFolders(sweep)) {
      const m = readJson(join(sweep, f, 'metrics.json'));
      assert.equal(m.test.samples, 143);
      const pred = parse(readFileSync(join(sweep, f, 'predictions.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      const test = pred.filter((p) => p.split === 'test');
      assert.equal(test.length, 143);
      // The stored test probabilities reproduce the recorded test confusion matrix at the run's threshold.
      const c = { tn: 0, fp: 0, fn: 0, tp: 0 };
      for (const p of test) {
        const pos = Number(p.probability) > m.threshold;
        if (p.label === '1') pos ? c.tp++ : c.fn++;
        else pos ? c.fp++ : c.tn++;
      }
      assert.deepEqual(c, m.test.confusion);
      assert.ok(readFileSync(join(sweep, f, 'roc.csv'), 'utf8').includes('\ntest,'));
    }
    const csv = parse(readFileSync(join(sweep, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.ok(csv.every((c) => Number(c.test_accuracy_ci_low) <= Number(c.test_accuracy) && Number(c.test_accuracy) <= Number(c.test_accuracy_ci_high)));
    const cmp = runCli(['compare', '--columns', 'threshold,test.accuracy', '--format', 'json'], dir);
    assert.equal(cmp.code, 0, cmp.stderr);
    assert.equal(JSON.parse(cmp.stdout).rows.length, 2);
    const t = runCli(['thresholds', 'held/best', '--youden'], dir);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /\ntest \(143 rows\): TN \d+/);
    assert.match(t.stdout, /the test rows, never used to choose, give the unbiased estimate/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
