/**
 * The curve of a run cut from a longer shared training: the points a separate training of the run's length
 * records, by hand-built training results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curveFor } from '../../src/sweep/assemble.js';
import type { CurvePoint, TrainResult } from '../../src/train/types.js';

const pt = (iteration: number, loss: number): CurvePoint => ({ iteration, train_loss: loss, validation_loss: loss + 1 });

function result(curve: CurvePoint[], stopped?: TrainResult['stopped']): TrainResult {
  return { status: 'done', checkpoints: [], curve, iterations_run: curve[curve.length - 1].iteration, ...(stopped ? { stopped } : {}) };
}

test('curveFor: the run keeps the curve_every grid up to its length, its own end point, and drops the other checkpoints', () => {
  // A training for runs of 15, 47 and 100 updates with curve_every 10: points at the grid and the checkpoints.
  const shared = result([0, 10, 15, 20, 30, 40, 47, 50, 60, 70, 80, 90, 100].map((k) => pt(k, k / 100)));
  assert.deepEqual(curveFor([shared], 15, 10).map((p) => p.iteration), [0, 10, 15]);
  assert.deepEqual(curveFor([shared], 47, 10).map((p) => p.iteration), [0, 10, 20, 30, 40, 47]);
  assert.deepEqual(curveFor([shared], 100, 10).map((p) => p.iteration), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  assert.deepEqual(curveFor([shared], 15, 10)[2], pt(15, 0.15));
});

test('curveFor: an early stop keeps its point; with folds, the mean where every fold has the point', () => {
  const stoppedEarly = result([pt(0, 0.7), pt(10, 0.5), pt(12, 0.4)], { iteration: 12, reason: 'no_improvement' });
  assert.deepEqual(curveFor([stoppedEarly], 15, 10).map((p) => p.iteration), [0, 10, 12]);
  // Fold 2 ran on: its checkpoint point at 15 is kept, the one at 47 is not; fold 1's stop point stays its own.
  const ranOn = result([pt(0, 0.9), pt(10, 0.7), pt(15, 0.6), pt(20, 0.5), pt(47, 0.3)]);
  const curve = curveFor([stoppedEarly, ranOn], 15, 10);
  assert.deepEqual(curve.map((p) => p.iteration), [0, 10, 12]);
  assert.ok(Math.abs(curve[0].train_loss - 0.8) < 1e-15);
  assert.ok(Math.abs(curve[1].validation_loss - 1.6) < 1e-15);
  assert.deepEqual(curve[2], pt(12, 0.4));
});
