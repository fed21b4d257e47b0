import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionLines, curveLines, runDetail, sweepDetail } from '../../src/report/show.js';
import { diffView } from '../../src/report/diff.js';
import { rowOf } from '../../src/report/rows.js';
import { readRuns, readSweepFile } from '../../src/store/read-runs.js';
import { sweepRows } from '../../src/report/rows.js';
import { renderJsonView, renderTerminalView } from '../../src/report/render.js';
import { row, tempRunsDir, writeSweep } from './report-fixtures.js';

const runsDir = tempRunsDir();
const dir = writeSweep(runsDir, 'detail', '20260101-000000-00aa', [
  { params: { learning_rate: 0.1, seed: 1, threshold: 0.5 }, spellings: { learning_rate: '1e-1' }, confusion: { tn: 141, fp: 0, fn: 2, tp: 39 }, loss: 0.05 },
  // No positive prediction: precision and F1 are undefined.
  { params: { learning_rate: 0.01, seed: 1, threshold: 0.9 }, confusion: { tn: 141, fp: 0, fn: 41, tp: 0 }, loss: 0.56 },
  { params: { learning_rate: 9, seed: 1, threshold: 0.5 }, status: 'diverged' },
]);
const [good, none, diverged] = readRuns(dir);

test('the confusion matrix is laid out as a matrix: actual in rows, predicted in columns', () => {
  assert.deepEqual(confusionLines({ tn: 141, fp: 0, fn: 2, tp: 39 }), [
    '                  predicted',
    '                   negative  positive',
    'actual  negative        141         0',
    '        positive          2        39',
  ]);
});

test('show RUN: parameters as written, metrics side by side with n/a, confusion matrices, loss curve, files', () => {
  const text = runDetail('detail/20260101-000000-00aa', good, { width: 40 });
  assert.match(text, /^detail\/20260101-000000-00aa\/0001-[0-9a-f]{8}  done\n/);
  assert.match(text, /\n  learning_rate  1e-1\n/);
  // 180 of 182 correct: 95% Wilson interval [0.96083, 0.99698] (by hand: center 0.97891, half-width 0.01808).
  assert.match(text, /\n  accuracy\s+0\.9890 \[0\.9608, 0\.9970\]\s+0\.9890 \[0\.9608, 0\.9970\]\n/);
  assert.match(text, /95% Wilson score interval/);
  // 39 of 41 positives: [0.83861, 0.98650] (center 0.91255, half-width 0.07394).
  assert.match(text, /\n  recall \(sensitivity\)\s+0\.9512 \[0\.8386, 0\.9865\]\s+0\.9512 \[0\.8386, 0\.9865\]\n/);
  assert.match(text, /confusion matrix \(threshold 0\.5: positive when p > threshold\)/);
  assert.match(text, /actual  negative        141         0 +actual  negative        141         0/);
  assert.match(text, /loss curve\n  train\n/);
  assert.match(text, /iteration \(updates\)/);
  assert.match(text, /params\.json  curve\.csv  timing\.json  metrics\.json|params\.json/);
  const undefinedPrecision = runDetail('d/s', none);
  assert.match(undefinedPrecision, /\n  precision\s+n\/a\s+n\/a\n/);
  assert.match(undefinedPrecision, /\n  F1\s+n\/a\s+n\/a\n/);
  assert.doesNotMatch(undefinedPrecision, /NaN/);
  const div = runDetail('d/s', diverged);
  assert.match(div, /diverged at update 12; last finite training loss 3\.500/);
  // With colour: one chart, two coloured series and a key.
  assert.match(curveLines(good.dir, { color: true }).join('\n'), /\u001b\[34m──\u001b\[0m train/);
});

test('a diverged run\'s last finite loss reads the same in the tables\' status and in show RUN: 4 significant digits, fixed notation below 1e6', () => {
  const big = { ...diverged, metrics: { ...diverged.metrics!, diverged: { iteration: 12, last_finite_loss: 12345.678 } } };
  assert.equal(rowOf('d/s', big).note, 'at update 12 (last finite loss 12346)');
  assert.match(runDetail('d/s', big), /diverged at update 12; last finite training loss 12346\n/);
});

test('show SWEEP: facts, grid values, best runs, files', () => {
  const text = sweepDetail('detail/20260101-000000-00aa', dir, readSweepFile(dir), sweepRows(dir));
  assert.match(text, /runs\s+2 done, 1 diverged, 0 failed \(grid of 3, 3 trainings\)/);
  assert.match(text, /grid\s+learning_rate \(0\.01, 1e-1, 9\) x threshold \(0\.5, 0\.9\)/);
  assert.match(text, /best 3 of 3 runs/);
  assert.match(text, /diverged: at update 12 \(last finite loss 3\.500\)/);
});

test('diff: parameters and metrics side by side, differences marked, B - A', () => {
  const view = diffView({ title: 'A', row: rowOf('d/s', good) }, { title: 'B', row: rowOf('d/s', none) });
  const json = JSON.parse(renderJsonView(view));
  const by = (name: string) => json.rows.find((r: any) => r.name === name);
  assert.deepEqual([by('learning_rate').differs, by('learning_rate').a, by('learning_rate').b], [true, 0.1, 0.01]);
  assert.equal(by('seed').differs, false);
  assert.equal(by('validation.fn').delta, 39);
  assert.equal(by('validation.precision').b, null);
  assert.equal(by('validation.precision').differs, true);
  const text = renderTerminalView(view);
  assert.match(text, /│ ≠ │ param  │ learning_rate +│ +1e-1 │ +0\.01 │/);
  assert.match(text, /│ ≠ │ metric │ validation\.fn +│ +2 │ +41 │ +\+39 │/);
  assert.match(text, /│ ≠ │ metric │ validation\.precision +│ +1\.0000 │ +n\/a │/);
  const only = diffView({ title: 'A', row: rowOf('d/s', good) }, { title: 'B', row: rowOf('d/s', none) }, { onlyChanged: true });
  assert.ok(only.rows.every((r) => r.best));
  assert.ok(!only.rows.some((r) => r.cells[2].text === 'seed'));
  // A parameter one run lacks shows -.
  const other = diffView({ title: 'A', row: row(1, { learning_rate: 0.1 }) }, { title: 'B', row: row(2, { learning_rate: 0.1, momentum: 0.9 }) });
  assert.match(renderTerminalView(other), /│ ≠ │ param  │ momentum +│ +- │ +0\.9 │/);
});
