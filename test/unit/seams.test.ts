/**
 * The seams between stages: the engine is an input of each training (and of its identity), the executor
 * only dispatches (it imports nothing from the store), and its outcomes equal train()'s results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { planSweep, type DataShape } from '../../src/sweep/plan.js';
import { pendingTrainings } from '../../src/sweep/pending.js';
import { startLocalExecutor } from '../../src/execute/local.js';
import { dispatchAll } from '../../src/execute/dispatch.js';
import { orderOf } from '../../src/execute/orders.js';
import type { Outcome, TrainingOrder } from '../../src/execute/executor.js';
import { train } from '../../src/train/train.js';
import type { Experiment } from '../../src/experiment/types.js';
import { plannedExperiment } from '../helpers/experiments.js';
import { learnable } from '../helpers/random-data.js';
import { REPO } from '../helpers/cli.js';

const shape: DataShape = { fingerprint: 'f'.repeat(64), features: 3, trainSamples: 60, folds: 1 };

function experiment(axes: Record<string, unknown[]>): Experiment {
  return plannedExperiment(axes, { learning_rate: 0.5, iterations: 30, hidden_sizes: [4], init: 'he_normal', seed: 1, threshold: 0.5 }, 10);
}

/** Every .ts file under a folder of the repository. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('the engine is part of run and training identity: ts, fast and auto plans share no id', () => {
  const exp = experiment({ learning_rate: [0.1, 0.5], threshold: [0.5, 0.7] });
  const ids = (engine: 'auto' | 'fast' | 'ts') => planSweep(exp, shape, { engine }).runs.map((r) => r.id);
  const keys = (engine: 'auto' | 'fast' | 'ts') => planSweep(exp, shape, { engine }).trainings.map((t) => t.key);
  const ts = ids('ts');
  const fast = ids('fast');
  const auto = ids('auto');
  assert.equal(new Set([...ts, ...fast, ...auto]).size, 12);
  assert.deepEqual(ids('ts'), ts, 'the same engine plans the same ids');
  assert.equal(new Set([...keys('ts'), ...keys('fast')]).size, 4);
  assert.notEqual(planSweep(exp, shape, { engine: 'ts' }).planHash, planSweep(exp, shape, { engine: 'fast' }).planHash);
  assert.equal(planSweep(exp, shape).engine, 'auto');
});

test('train/ reads no environment; execute/ imports nothing from store/', () => {
  for (const file of sources(join(REPO, 'src', 'train'))) {
    assert.doesNotMatch(readFileSync(file, 'utf8'), /process\.env/, `${file} reads the environment`);
  }
  for (const file of sources(join(REPO, 'src', 'execute'))) {
    assert.doesNotMatch(readFileSync(file, 'utf8'), /from '\.\.\/store\//, `${file} imports from the store`);
  }
});

test('local executor: batches of orders come back as outcomes equal to train(), in any completion order; abort cancels', async () => {
  const exp = experiment({ learning_rate: [0.05, 0.2, 0.8], seed: [1, 2], activation: ['relu', 'tanh'] });
  const plan = planSweep(exp, shape, { engine: 'ts' });
  const data = { fingerprint: shape.fingerprint, folds: [{ train: learnable(60, 1), validation: learnable(20, 2) }, { train: learnable(60, 3), validation: learnable(20, 4) }] };
  const all = new Set(plan.runs.map((r) => r.index));
  const orders = pendingTrainings(plan, all).map((p) => orderOf(plan, p, data, 10));
  assert.equal(orders.length, 12);
  const executor = startLocalExecutor(2);
  try {
    // A search method's loop: submit a batch, await its outcomes, submit the next.
    const outcomes = new Map<number, Outcome>();
    for (const batch of [orders.slice(0, 5), orders.slice(5)]) {
      const got = await Promise.all(batch.map((o) => executor.execute(o)));
      batch.forEach((o, i) => outcomes.set(o.training, got[i]));
    }
    for (const order of orders) {
      const out = outcomes.get(order.training)!;
      assert.equal(out.status, 'done');
      if (out.status !== 'done') continue;
      const expected = data.folds.map((f) =>
        train({ config: order.config, engine: 'ts', checkpoints: order.checkpoints, thresholds: order.thresholds, curve_every: 10, train: f.train, validation: f.validation }),
      );
      assert.deepEqual(out.results, expected);
    }
    // dispatchAll over the whole list: every order once, the same outcomes.
    const seen: number[] = [];
    const r = await dispatchAll(executor, orders, {
      onOutcome: (o: TrainingOrder, out) => {
        seen.push(o.training);
        assert.deepEqual(out, { ...outcomes.get(o.training)!, training_ms: out.training_ms });
      },
    });
    assert.deepEqual(r, { interrupted: false });
    assert.deepEqual([...seen].sort((a, b) => a - b), orders.map((o) => o.training).sort((a, b) => a - b));
    // An aborted signal: nothing starts, every order comes back cancelled.
    const abort = new AbortController();
    abort.abort();
    const cancelled = await executor.execute(orders[0], { signal: abort.signal });
    assert.deepEqual(cancelled, { status: 'cancelled', training_ms: 0 });
    const stopped = await dispatchAll(executor, orders, { signal: abort.signal, onOutcome: () => assert.fail('nothing was submitted') });
    assert.equal(stopped.interrupted, true);
    // A training that throws is a failed outcome, not an exception.
    const bad = await executor.execute({ ...orders[0], checkpoints: [] });
    assert.equal(bad.status, 'failed');
    if (bad.status === 'failed') assert.match(bad.error, /checkpoints must list at least one/);
  } finally {
    await executor.close();
  }
});
