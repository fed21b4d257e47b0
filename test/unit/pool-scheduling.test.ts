/**
 * How work is handed to the local pool's threads: a search's batch longest first (longestFirst), and the
 * charts drawn when a thread is idle (drawWhenIdle: a report's charts drawn ahead while a search's trainings
 * leave threads idle): never while every thread trains, one at a time, at once with now(), never once
 * dropped. A fixture worker logs what each thread does and when (log-worker.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalExecutor } from '../../src/execute/local.js';
import type { TrainingOrder } from '../../src/execute/executor.js';
import { longestFirst, orderWork } from '../../src/execute/orders.js';
import type { TrainingState } from '../../src/train/state.js';
import { learnable } from '../helpers/random-data.js';

const LOG_WORKER = new URL('../fixtures/log-worker.js', import.meta.url);
const fold = { train: learnable(10, 1), validation: learnable(5, 2) };

/** A training the fixture sleeps `seconds` for (its learning rate); `hidden` units, `updates` long. */
function order(training: number, seconds: number, hidden = 2, updates = 10): TrainingOrder {
  const config = { hidden_sizes: [hidden], init: 'he_normal', learning_rate: seconds, seed: 1 } as TrainingOrder['config'];
  return { training, key: String(training), config, checkpoints: [updates], thresholds: [0.5], curve_every: 10, engine: 'ts', data: { fingerprint: 'f', folds: [fold] } };
}

test('a batch longest first: work = updates left x weights x training rows; equal work keeps its order', () => {
  // 3 features, 10 training rows. [3, 2, 1]: 3*2 + 2*1 = 8 weights; [3, 8, 1]: 24 + 8 = 32.
  const a = order(0, 0, 2, 10);
  const b = order(1, 0, 8, 10);
  // Continued from its state at update 10: 30 updates left of 40.
  const c = { ...order(2, 0, 2, 40), resume: [{ iteration: 10 } as TrainingState] };
  const d = order(3, 0, 2, 10);
  assert.deepEqual([a, b, c, d].map(orderWork), [10 * 8 * 10, 10 * 32 * 10, 30 * 8 * 10, 10 * 8 * 10]);
  assert.deepEqual(longestFirst([a, b, c, d]).map((o) => o.training), [1, 2, 0, 3]);
  // Two folds: the work of each, summed.
  const twoFolds = { ...a, data: { fingerprint: 'f', folds: [fold, { train: learnable(20, 3), validation: learnable(5, 4) }] } };
  assert.equal(orderWork(twoFolds), 10 * 8 * 10 + 10 * 8 * 20);
});

/** Where each event of the log falls: line numbers by `start X` / `end X`. */
function events(path: string): Map<string, number> {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return new Map(lines.map((l, i) => [l, i]));
}

test('charts drawn when idle: not while every thread trains, one at a time beside a training, at once with now(), never once dropped', async () => {
  const log = join(mkdtempSync(join(tmpdir(), 'dlsweep-idle-')), 'log');
  writeFileSync(log, '');
  process.env.DLSWEEP_TEST_LOG = log;
  const executor = startLocalExecutor(2, { filename: LOG_WORKER });
  try {
    // Both threads train: the chart waits for one of them to finish; a dropped one is never drawn.
    const busy = [executor.execute(order(0, 0.3)), executor.execute(order(1, 0.3))];
    const waiting = executor.drawWhenIdle({ description: 'a' });
    const dropped = executor.drawWhenIdle({ description: 'gone' });
    dropped.drop();
    await assert.rejects(dropped.svg, /dropped/);
    assert.equal(await waiting.svg, '<svg>a</svg>');
    await Promise.all(busy);
    let at = events(log);
    assert.ok(at.get('start a')! > Math.min(at.get('end t0')!, at.get('end t1')!), 'drawn while both threads trained');
    assert.equal(at.get('start gone'), undefined);

    // One thread trains, the other is idle: the charts are drawn there during the training, one after the other.
    writeFileSync(log, '');
    const one = executor.execute(order(2, 0.4));
    const b = executor.drawWhenIdle({ description: 'b' });
    const c = executor.drawWhenIdle({ description: 'c' });
    assert.deepEqual(await Promise.all([b.svg, c.svg]), ['<svg>b</svg>', '<svg>c</svg>']);
    await one;
    at = events(log);
    assert.ok(at.get('end c')! < at.get('end t2')!, 'the idle thread drew during the training');
    assert.ok(at.get('end b')! < at.get('start c')!, 'one chart at a time');

    // now(): drawn at once, not after the charts waiting for an idle thread before it.
    writeFileSync(log, '');
    const first = executor.drawWhenIdle({ description: 'd' });
    const second = executor.drawWhenIdle({ description: 'e' });
    const urged = executor.drawWhenIdle({ description: 'f' });
    urged.now();
    await Promise.all([first.svg, second.svg, urged.svg]);
    at = events(log);
    assert.ok(at.get('start f')! < at.get('start e')!, 'now() did not wait its turn');
  } finally {
    await executor.close();
    delete process.env.DLSWEEP_TEST_LOG;
  }
});
