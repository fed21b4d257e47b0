import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCurveRows } from '../../src/store/integrity.js';
import type { RunMetricsFile } from '../../src/store/records.js';

/** curve.csv text with rows at these updates (the losses do not matter to the rows' check). */
const curve = (iterations: number[]) => ['iteration,train_loss,validation_loss', ...iterations.map((i) => `${i},0.5,0.6`)].join('\n') + '\n';
const done = (more: Partial<RunMetricsFile> = {}) => ({ status: 'done', run_id: 'r', iterations: 53, threshold: 0.5, ...more }) as RunMetricsFile;
const diverged = (at: number) => ({ status: 'diverged', run_id: 'r', iterations: 53, threshold: 0.5, diverged: { iteration: at } }) as unknown as RunMetricsFile;

test('curve rows of a done run: every curve_every from 0 and its last update (its length, or the first fold\'s early stop); one left out or added is named', () => {
  assert.deepEqual(checkCurveRows(curve([0, 7, 14, 21, 28, 35, 42, 49, 53]), done(), false, 7), []);
  assert.match(checkCurveRows(curve([0, 7, 14, 21, 28, 35, 42, 49]), done(), false, 7)[0], /no row for update 53:/);
  assert.match(checkCurveRows(curve([7, 14, 21, 28, 35, 42, 49, 53]), done(), false, 7)[0], /no row for update 0:/);
  assert.match(checkCurveRows(curve([0, 7, 21, 28, 35, 42, 49, 53]), done(), false, 7)[0], /no row for update 14:/);
  assert.match(checkCurveRows(curve([0, 7, 10, 14, 21, 28, 35, 42, 49, 53]), done(), false, 7)[0], /a row for update 10,/);
  assert.match(checkCurveRows(curve([0, 7, 14, 21, 28, 35, 42, 49, 53, 56]), done(), false, 7)[0], /a row for update 56,/);
  // Early stopping at 30 (k folds: the first fold's stop, not the mean over folds).
  assert.deepEqual(checkCurveRows(curve([0, 7, 14, 21, 28, 30]), done({ stopped_at: 30 }), true, 7), []);
  assert.match(checkCurveRows(curve([0, 7, 14, 21, 28]), done({ stopped_at: 30 }), true, 7)[0], /no row for update 30:/);
  assert.deepEqual(checkCurveRows(curve([0, 7, 14, 21]), done({ stopped_at: 26.5, folds: [{ stopped_at: 21 }, { stopped_at: 32 }] as never }), true, 7), []);
  assert.deepEqual(checkCurveRows(curve([0, 7, 14]), done({ iterations: 14 }), false, 7), []);
});

test('curve rows of a diverged run: the multiples before the divergence, or (k folds, the first went on) to its length; the last one left out is named', () => {
  assert.deepEqual(checkCurveRows(curve([0, 7, 14, 21]), diverged(25), false, 7), []);
  assert.deepEqual(checkCurveRows(curve([0, 7, 14]), diverged(21), false, 7), []);
  assert.match(checkCurveRows(curve([0, 7, 14]), diverged(25), false, 7)[0], /no row for update 21:/);
  assert.deepEqual(checkCurveRows(curve([0, 7, 14, 21, 28, 35, 42, 49, 53]), diverged(25), false, 7), []);
  assert.deepEqual(checkCurveRows(curve([0]), diverged(2), false, 7), []);
  // With early stopping the first fold may have stopped anywhere: only the rows' spacing is checked.
  assert.deepEqual(checkCurveRows(curve([0, 7, 10]), diverged(25), true, 7), []);
  assert.match(checkCurveRows(curve([7, 14]), diverged(25), true, 7)[0], /no row for update 0:/);
});
