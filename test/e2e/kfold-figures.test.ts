/**
 * End to end: what k-fold figures say about themselves. Confusion counts pooled over the folds' models are
 * said to be summed wherever they are printed (the run's closing table, compare), and pooled train metrics,
 * which count each training row k - 1 times, get no Wilson interval (validation ones, each row once, do).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onlySweep, runCli, runFolders, tempDir, writeExperiment } from '../helpers/cli.js';

const K = 4;
const SAMPLES = 200;
const TEST_FRACTION = 0.2;
const TEST_ROWS = SAMPLES * TEST_FRACTION;

const KFOLD_TEST = `name: kft
dataset:
  synthetic: {kind: blobs, samples: ${SAMPLES}, features: 3, noise: 0.8, seed: 5}
  split: {kind: kfold, k: ${K}, seed: 2, test_fraction: ${TEST_FRACTION}}
fixed:
  hidden_sizes: [4]
  learning_rate: 0.05
grid:
  iterations: [20, 40]
record:
  curve_every: 10
`;

/** The test counts line of an output: TN, FP, FN, TP and what follows them on the line. */
function countsOf(text: string): { sum: number; rest: string } {
  const m = /TN (\d+) FP (\d+) FN (\d+) TP (\d+)(.*)$/m.exec(text);
  assert.ok(m, text);
  return { sum: [1, 2, 3, 4].reduce((s, i) => s + Number(m[i]), 0), rest: m[5] };
}

test("k-fold with test rows: summed test counts are said to be summed over the folds' models; train metrics get no Wilson interval", () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'kft.yaml', KFOLD_TEST);
  const run = runCli(['run', file, '--workers', '1'], dir);
  assert.equal(run.code, 0, run.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'kft');
  const summed = `(summed over the ${K} folds' models: each test row counted ${K} times)`;

  // Every fold's model scores the same test rows: the counts add up to k times the test rows.
  for (const out of [run.stdout, runCli(['compare', 'kft'], dir).stdout, readFileSync(join(sweep, 'table.md'), 'utf8')]) {
    const c = countsOf(out);
    assert.equal(c.sum, K * TEST_ROWS);
    assert.ok(c.rest.startsWith(` ${summed}`), out);
    // The count columns (val FN, val FP) are sums too, not means over the folds.
    assert.match(out, /val FN, val FP: confusion counts summed over the folds/);
  }

  const folder = runFolders(sweep)[0];
  const shown = runCli(['show', `kft/latest/${folder}`], dir);
  assert.equal(shown.code, 0, shown.stderr);
  // accuracy: train, validation, test. Only validation (each row once, out of fold) has an interval.
  const accuracy = shown.stdout.split('\n').find((l) => /^ {2}accuracy /.test(l))!;
  assert.equal(accuracy.match(/\[/g)?.length, 1, accuracy);
  const [train, validation] = accuracy.trim().split(/ {2,}/).slice(1);
  assert.doesNotMatch(train, /\[/);
  assert.match(validation, /\[0\.\d{4}, [01]\.\d{4}\]/);
  assert.match(shown.stdout, /none for train, whose counts take each row k - 1 times/);

  // results.csv: no train interval for a k-fold run, a validation one.
  const [head, first] = readFileSync(join(sweep, 'results.csv'), 'utf8').split('\n');
  const cols = head.split(',');
  const cells = first.split(',');
  assert.equal(cells[cols.indexOf('train_accuracy_ci_low')], '');
  assert.notEqual(cells[cols.indexOf('validation_accuracy_ci_low')], '');
});
