import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkerDisplay } from '../../src/cli/worker-display.js';
import type { Outcome } from '../../src/execute/executor.js';
import type { TakenTraining } from '../../src/execute/queue/worker.js';
import type { TrainResult } from '../../src/train/types.js';

/** A stream that keeps what is written; a terminal when tty. */
function sink(tty: boolean) {
  let text = '';
  return { stream: { isTTY: tty, columns: 120, write: (s: string) => ((text += s), true) }, text: () => text };
}

const T: TakenTraining = { id: 'tabc', experiment: 'exp', sweep: '20261130-101500-3fa2', training: 3, updates: 2500, folds: 2 };
const fold = (status: 'done' | 'diverged') => ({ status }) as TrainResult;
const done: Outcome = { status: 'done', results: [fold('done'), fold('done')], training_ms: 1234 };
const diverged: Outcome = { status: 'done', results: [fold('done'), fold('diverged')], training_ms: 50 };
const failed: Outcome = { status: 'failed', error: 'out of memory', training_ms: 7 };

test('into a pipe, a worker prints one line per training when it ends (done, diverged, failed) and one per unusable job', () => {
  const out = sink(false);
  const d = createWorkerDisplay('w1', out.stream);
  for (const [t, o] of [
    [T, done],
    [{ ...T, training: 4, folds: 1 }, diverged],
    [{ ...T, training: 5 }, failed],
  ] as const) {
    d.taken(t);
    d.progress(t, 0, 2000);
    d.finished(t, o);
  }
  d.unusable('tdef', 'refused: invalid job payload: order.config');
  d.stop();
  assert.equal(
    out.text(),
    'w1: done exp 20261130-101500-3fa2 training 3 (2500 updates x 2 folds) in 1.2 s\n' +
      'w1: diverged exp 20261130-101500-3fa2 training 4 (2500 updates x 1 fold) in 0.1 s\n' +
      'w1: failed exp 20261130-101500-3fa2 training 5 (2500 updates x 2 folds) in 0.0 s: out of memory\n' +
      'w1: job tdef refused: invalid job payload: order.config\n',
  );
});

test('on a terminal, a worker shows a summary and a bar per training in hand counting updates over its folds; failures are printed above', async () => {
  const out = sink(true);
  const d = createWorkerDisplay('w1', out.stream);
  d.taken(T);
  d.progress(T, 0, 1500);
  d.progress(T, 1, 500);
  d.progress(T, 0, 2000);
  // The bars are drawn at most 5 times a second.
  await new Promise((r) => setTimeout(r, 450));
  const drawn = out.text();
  assert.match(drawn, /worker w1: 0 done, 0 diverged, 0 failed, 1 in hand, up \d/);
  // 2,000 + 500 of 2 x 2,500 updates.
  assert.match(drawn, /exp 20261130-101500-3fa2 training 3 \S+ 50% \| 2500\/5000 updates/);
  assert.match(drawn, /\u2588/, 'no bar drawn');
  d.finished(T, done);
  d.taken({ ...T, training: 5 });
  d.finished({ ...T, training: 5 }, failed);
  d.stop();
  const after = out.text().slice(drawn.length);
  assert.match(after, /worker w1: 1 done, 0 diverged, 1 failed, 0 in hand/);
  assert.match(after, /w1: failed exp 20261130-101500-3fa2 training 5 \(2500 updates x 2 folds\) in 0\.0 s: out of memory\n/);
  // A finished training's line is not printed on a terminal: the summary counts it.
  assert.doesNotMatch(out.text(), /w1: done /);
});
