import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tracker } from '../../src/cli/progress.js';

test('ETA with early stopping: from the updates actually run and those left, per training (not planned lengths)', () => {
  // Four trainings of 20,000 updates (one fold) on 4 threads, as in a sweep of early_stopping values:
  // three stop early after 100 updates each, the fourth runs on.
  let now = 0;
  const planned = new Map([0, 1, 2, 3].map((t) => [t, 20_000]));
  const tracker = new Tracker(planned, 4, () => now);
  for (const t of [0, 1, 2, 3]) tracker.trainingStarted(t);
  now = 1000;
  for (const t of [0, 1, 2]) tracker.finished(t, 100);
  tracker.progressed(3, 0, 2000);
  // Run: 3 x 100 + 2,000 = 2,300 updates in 1 s; left: 20,000 - 2,000 = 18,000, so 18,000 / 2,300 s.
  assert.deepEqual(tracker.updates(), { run: 2300, left: 18_000 });
  assert.equal(tracker.snapshot().eta, `${(18_000 / 2300).toFixed(1)}s`);
  assert.equal(tracker.snapshot().eta, '7.8s');
  // With planned lengths counted as done (60,000 + 2,000 of 80,000), the estimate would be 0.3 s.
  now = 2000;
  tracker.progressed(3, 0, 6000);
  // 6,300 run in 2 s, 14,000 left: 14,000 x 2 / 6,300 = 4.44 s.
  assert.equal(tracker.snapshot().eta, '4.4s');
  tracker.finished(3, 20_000);
  assert.deepEqual(tracker.updates(), { run: 20_300, left: 0 });
  assert.equal(tracker.snapshot().eta, '0.0s');
});

test('ETA counts a failed training as ending its updates, and folds per training', () => {
  let now = 0;
  // Two trainings of 500 updates x 3 folds.
  const tracker = new Tracker(new Map([[0, 1500], [1, 1500]]), 2, () => now);
  tracker.trainingStarted(0);
  tracker.trainingStarted(1);
  now = 3000;
  tracker.progressed(0, 0, 500);
  tracker.progressed(0, 1, 250);
  tracker.finished(1, 0);
  // Run: 750 in 3 s; left: 1,500 - 750 = 750 (training 1 failed: nothing left of it): 3 s.
  assert.deepEqual(tracker.updates(), { run: 750, left: 750 });
  assert.equal(tracker.snapshot().eta, '3.0s');
});

test('in flight: trainings handed out beyond the threads wait in the queue and are not counted', () => {
  const tracker = new Tracker(new Map([0, 1, 2, 3, 4, 5].map((t) => [t, 100])), 2, () => 0);
  for (const t of [0, 1, 2, 3]) tracker.trainingStarted(t);
  assert.equal(tracker.snapshot().inflight, 2);
  tracker.finished(0, 100);
  tracker.finished(1, 100);
  tracker.finished(2, 100);
  assert.equal(tracker.snapshot().inflight, 1);
});

test('no ETA until a training has ended, however far the trainings in flight have got', () => {
  let now = 0;
  const tracker = new Tracker(new Map([[0, 1000], [1, 1000]]), 2, () => now);
  tracker.trainingStarted(0);
  tracker.trainingStarted(1);
  now = 4000;
  tracker.progressed(0, 0, 800);
  tracker.progressed(1, 0, 600);
  assert.deepEqual(tracker.updates(), { run: 1400, left: 600 });
  assert.equal(tracker.snapshot().eta, '?');
  tracker.finished(0, 1000);
  // 1,600 run in 4 s, 400 left: 400 x 4 / 1,600 = 1 s.
  assert.equal(tracker.snapshot().eta, '1.0s');
});
