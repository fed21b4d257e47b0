/**
 * Regularization and training control: a finite-difference gradient check of every activation with L2 on a
 * deep network (and with a fixed dropout mask), dropout's expected mean, early stopping on constructed
 * plateaus, mini-batches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/train/rng.js';
import { initializeParams } from '../../src/train/init.js';
import {
  allocateDropout,
  allocateForward,
  drawDropoutMasks,
  forward,
  fromModelJson,
  l2Penalty,
  lossAndGradients,
  toModelJson,
  type DropoutBuffers,
} from '../../src/train/network.js';
import { getActivation, HIDDEN_ACTIVATION_NAMES } from '../../src/train/activations.js';
import { predictProba, train } from '../../src/train/train.js';
import type { HiddenActivationName, Matrix, NetworkParams, TrainRequest } from '../../src/train/types.js';
import { learnable, randomData } from '../helpers/random-data.js';
import { worstGradientError } from '../helpers/gradient-check.js';

// These tests compare trainings with each other bit for bit: all of them run on the TypeScript engine
// (engine: 'ts', the reference), not on the WebAssembly fast path, which takes only some of the configurations.

/** Worst relative error between backprop and central differences of the L2-penalized objective. */
function gradientCheck(net: NetworkParams, X: Matrix, y: Float64Array, l2: number, dropout?: DropoutBuffers): number {
  const objective = () => lossAndGradients(net, X, y, { l2, dropout }).loss;
  // Floor 1e-5: three sigmoid layers make some gradients ~1e-6 (vanishing gradients), where the ~1e-11
  // rounding error of the difference quotient would dominate a pure relative measure.
  return worstGradientError(net, lossAndGradients(net, X, y, { l2, dropout }), objective, 1e-5);
}

/** A deep network with non-zero biases, its hidden pre-activations away from the relu kink. */
function deepNet(activation: HiddenActivationName, seed: number, slope?: number): { net: NetworkParams; X: Matrix; y: Float64Array } {
  const dims = [4, 6, 5, 4, 1];
  const { X, y } = randomData(dims[0], 11, seed);
  const net = initializeParams(dims, 'he_normal', new Rng(seed + 100));
  net.hidden_activation = activation;
  if (slope !== undefined) net.leaky_relu_slope = slope;
  const rng = new Rng(seed + 200);
  for (const b of net.b) for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-0.3, 0.3);
  const fwd = allocateForward(dims, X.cols);
  forward(net, X, fwd, getActivation(activation, slope));
  let minAbsZ = Infinity;
  for (let l = 0; l < fwd.Z.length - 1; l++) for (const z of fwd.Z[l]) minAbsZ = Math.min(minAbsZ, Math.abs(z));
  assert.ok(minAbsZ > 1e-3, `data chosen away from the kink (${minAbsZ})`);
  return { net, X, y };
}

test('gradient check with L2: every activation, a network with three hidden layers', () => {
  const cases: [HiddenActivationName, number | undefined][] = [...HIDDEN_ACTIVATION_NAMES.map((a) => [a, undefined] as [HiddenActivationName, undefined]), ['leaky_relu', 0.2]];
  for (const [act, slope] of cases) {
    const { net, X, y } = deepNet(act, 2, slope);
    for (const l2 of [0, 0.01, 0.5]) {
      const worst = gradientCheck(net, X, y, l2);
      assert.ok(worst < 1e-6, `${act}${slope ? ` (slope ${slope})` : ''}, l2 ${l2}: worst relative error ${worst}`);
    }
  }
});

test('the L2 term: (λ/2) Σ W² over weights only; gradient λ W on weights, nothing on biases', () => {
  const net: NetworkParams = { dims: [2, 1], W: [Float64Array.of(3, -4)], b: [Float64Array.of(10)] };
  assert.equal(l2Penalty(net, 0.5), 0.25 * 25); // (0.5/2)(9 + 16)
  const X: Matrix = { rows: 2, cols: 1, data: Float64Array.of(0, 0) };
  const y = Float64Array.of(1);
  const plain = lossAndGradients(net, X, y);
  const reg = lossAndGradients(net, X, y, { l2: 0.5 });
  assert.equal(reg.loss, plain.loss + 6.25);
  assert.deepEqual(Array.from(reg.dW[0]), [plain.dW[0][0] + 1.5, plain.dW[0][1] - 2]);
  assert.deepEqual(Array.from(reg.db[0]), Array.from(plain.db[0]));
});

test('gradient check through a fixed dropout mask', () => {
  for (const act of HIDDEN_ACTIVATION_NAMES) {
    const { net, X, y } = deepNet(act, 9);
    const dropout = allocateDropout(net.dims, X.cols, 0.4);
    drawDropoutMasks(dropout, new Rng(17));
    assert.ok(dropout.mask.every((M) => M.some((v) => v === 0) && M.some((v) => v > 0)), 'some units dropped, some kept');
    const worst = gradientCheck(net, X, y, 0.05, dropout);
    assert.ok(worst < 1e-6, `${act} with dropout: worst relative error ${worst}`);
  }
});

test('inverted dropout keeps the expected mean activation', () => {
  const rate = 0.3;
  const units = 50;
  const m = 4000; // 200,000 mask entries
  const dims = [1, units, 1];
  const dropout = allocateDropout(dims, m, rate);
  drawDropoutMasks(dropout, new Rng(123));
  const M = dropout.mask[0];
  let zeros = 0;
  let sum = 0;
  for (const v of M) {
    if (v === 0) zeros++;
    else assert.equal(v, 1 / (1 - rate)); // kept entries are scaled by exactly 1/(1 - p)
    sum += v;
  }
  const n = M.length;
  // E[mask] = (1 - p) / (1 - p) = 1; Var[mask] = p / (1 - p) = 0.428..., so the mean of n entries has
  // standard deviation sqrt(0.4286 / 200000) = 0.00146. Allow 5 of them.
  assert.ok(Math.abs(sum / n - 1) < 5 * Math.sqrt(rate / (1 - rate) / n), `mean mask ${sum / n}`);
  // The fraction dropped is p, within 5 standard deviations sqrt(p (1 - p) / n) = 0.001.
  assert.ok(Math.abs(zeros / n - rate) < 5 * Math.sqrt((rate * (1 - rate)) / n), `dropped ${zeros / n}`);

  // Through a forward pass: with W1 = 1, b1 = 0 and x = 2, every hidden activation is relu(2) = 2; after
  // dropout the mean over units and samples stays 2 (within the same relative tolerance), and the output
  // layer, which reads the dropped outputs, sees their mean.
  const net: NetworkParams = { dims, W: [new Float64Array(units).fill(1), new Float64Array(units).fill(1 / units)], b: [new Float64Array(units), new Float64Array(1)] };
  const X: Matrix = { rows: 1, cols: m, data: new Float64Array(m).fill(2) };
  const fwd = allocateForward(dims, m);
  forward(net, X, fwd, getActivation('relu'), dropout);
  const D = dropout.out[0];
  assert.ok(fwd.A[0].every((a) => a === 2), 'A keeps the undropped activations');
  const meanD = D.reduce((s, v) => s + v, 0) / D.length;
  assert.ok(Math.abs(meanD - 2) < 2 * 5 * Math.sqrt(rate / (1 - rate) / n), `mean dropped activation ${meanD}`);
  const meanZ = fwd.Z[1].reduce((s, v) => s + v, 0) / m;
  assert.ok(Math.abs(meanZ - meanD) < 1e-9, 'the next layer reads the dropped outputs');
});

function request(over: Partial<TrainRequest>, config: Record<string, unknown>): TrainRequest {
  return {
    config: { hidden_sizes: [5], init: 'he_normal', learning_rate: 0.5, seed: 3, ...config },
    engine: 'ts',
    checkpoints: [300],
    thresholds: [0.5],
    curve_every: 1,
    train: learnable(60, 1),
    validation: learnable(20, 2),
    ...over,
  };
}

test('early stopping on a flat validation loss: stops after `patience` checks without improvement', () => {
  // learning_rate 0: the weights never move, so the validation loss is the same at every check. The first
  // check (after update 1) sets the best; checks 2..6 do not improve; patience 5 runs out at update 6.
  const r = train(request({}, { learning_rate: 0, early_stopping: { patience: 5 } }));
  assert.equal(r.status, 'done');
  assert.deepEqual(r.stopped, { iteration: 6, reason: 'no_improvement', restored_from: 1 });
  assert.equal(r.iterations_run, 6);
  const c = r.checkpoints[0];
  assert.equal(c.iteration, 300); // the run's count, scored with the model the training ended with
  assert.equal(c.stopped_at, 6);
  assert.equal(c.stop_reason, 'no_improvement');
  assert.equal(c.restored_from, 1);
  assert.deepEqual(r.curve.map((p) => p.iteration), [0, 1, 2, 3, 4, 5, 6]);
});

test('early stopping with min_delta: improvements smaller than min_delta do not count', () => {
  // A small rate lowers the validation loss a little at every update (about 1e-4 per update here), less
  // than min_delta = 0.01: the training stops at 1 + patience. Without min_delta it runs to the end.
  const slow = { learning_rate: 0.001 };
  const r = train(request({}, { ...slow, early_stopping: { patience: 4, min_delta: 0.01, restore_best: false } }));
  const drops = r.curve.slice(1).map((p, i) => r.curve[i].validation_loss - p.validation_loss);
  assert.ok(drops.every((d) => d > 0 && d < 0.01), `per-update improvements ${drops}`);
  assert.deepEqual(r.stopped, { iteration: 5, reason: 'no_improvement' });
  assert.equal(r.checkpoints[0].restored_from, undefined);
  // restore_best false: the recorded model is the last one, whose validation loss is the curve's last point.
  assert.equal(r.checkpoints[0].validation[0].loss, r.curve.at(-1)!.validation_loss);
  const full = train(request({ checkpoints: [50] }, { ...slow, early_stopping: { patience: 4 } }));
  // Every check improves: the best check is the last one, at the iteration limit.
  assert.deepEqual(full.stopped, { iteration: 50, reason: 'max_iterations', restored_from: 50 });
  assert.equal(full.checkpoints[0].stop_reason, 'max_iterations');
  assert.equal(full.checkpoints[0].stopped_at, 50);
});

test('early stopping restores the best weights when the validation loss rises', () => {
  // Validation labels are the opposite of the training labels on the same rows: as training fits, the
  // validation loss rises at every update, so the best check is the first (update 1).
  const tr = learnable(60, 1);
  const flipped = { X: tr.X, y: tr.y.map((v) => 1 - v) };
  const base = { train: tr, validation: flipped };
  const r = train(request({ ...base }, { early_stopping: { patience: 3 } }));
  assert.deepEqual(r.stopped, { iteration: 4, reason: 'no_improvement', restored_from: 1 });
  const rises = r.curve.slice(1).map((p, i) => p.validation_loss - r.curve[i].validation_loss);
  assert.ok(rises.every((d) => d > 0), 'the validation loss rises');
  // The recorded model is the model after 1 update: same weights and scores as a 1-update training.
  const one = train(request({ ...base, checkpoints: [1] }, {}));
  assert.deepEqual(r.checkpoints[0].model, one.checkpoints[0].model);
  assert.equal(r.checkpoints[0].validation[0].loss, r.curve[1].validation_loss);
  assert.deepEqual(r.checkpoints[0].validation, one.checkpoints[0].validation);
});

test('restore_best at the iteration limit: the best check is restored, not the last weights', () => {
  // Validation labels opposite to the training labels: the validation loss rises at every update, so the
  // best check is the first (update 1). Patience 1000 never runs out in 20 updates: the training ends at
  // its iteration limit, and restore_best must still keep the weights after update 1.
  const tr = learnable(60, 1);
  const base = { train: tr, validation: { X: tr.X, y: tr.y.map((v) => 1 - v) }, checkpoints: [20] };
  const r = train(request(base, { early_stopping: { patience: 1000 } }));
  assert.deepEqual(r.stopped, { iteration: 20, reason: 'max_iterations', restored_from: 1 });
  const c = r.checkpoints[0];
  assert.equal(c.stop_reason, 'max_iterations');
  assert.equal(c.stopped_at, 20);
  assert.equal(c.restored_from, 1);
  const one = train(request({ ...base, checkpoints: [1] }, {}));
  assert.deepEqual(c.model, one.checkpoints[0].model);
  assert.deepEqual(c.validation, one.checkpoints[0].validation);
  assert.deepEqual(c.train, one.checkpoints[0].train);
  // The curve still shows what training did: 20 updates, the last loss above the restored one.
  assert.equal(r.curve.at(-1)!.iteration, 20);
  assert.ok(r.curve.at(-1)!.validation_loss > c.validation[0].loss);
  // restore_best false keeps the last weights: the recorded loss is the curve's last point.
  const last = train(request(base, { early_stopping: { patience: 1000, restore_best: false } }));
  assert.deepEqual(last.stopped, { iteration: 20, reason: 'max_iterations' });
  assert.equal(last.checkpoints[0].validation[0].loss, last.curve.at(-1)!.validation_loss);
  assert.equal(last.checkpoints[0].restored_from, undefined);
});

test('restore_best with several checkpoints in one training: each is scored with the best weights so far', () => {
  // The planner gives early-stopping trainings one checkpoint, but the engine takes several; each must equal
  // a training that ends at that count (the loss rises throughout, so the best so far is update 1 each time).
  const tr = learnable(60, 1);
  const base = { train: tr, validation: { X: tr.X, y: tr.y.map((v) => 1 - v) } };
  const both = train(request({ ...base, checkpoints: [5, 12] }, { early_stopping: { patience: 1000 } }));
  for (const [i, k] of [5, 12].entries()) {
    const alone = train(request({ ...base, checkpoints: [k] }, { early_stopping: { patience: 1000 } }));
    assert.deepEqual(both.checkpoints[i], alone.checkpoints[0]);
  }
  // Training continued from the last weights (not the restored ones): the curve matches a plain training.
  const plain = train(request({ ...base, checkpoints: [12] }, {}));
  assert.deepEqual(both.curve, plain.curve);
});

test('early stopping with mini-batches checks once per epoch', () => {
  // 60 rows in batches of 16: epochs of ceil(60/16) = 4 updates; checks at 4, 8, ...; with a flat loss and
  // patience 2 the training stops at the third check, update 12.
  const r = train(request({}, { learning_rate: 0, batch_size: 16, early_stopping: { patience: 2 } }));
  assert.deepEqual(r.stopped, { iteration: 12, reason: 'no_improvement', restored_from: 4 });
});

test('mini-batches: iterations count updates; batch_size >= rows is the full batch', () => {
  const full = train(request({ checkpoints: [40] }, {}));
  assert.deepEqual(train(request({ checkpoints: [40] }, { batch_size: 60 })), full);
  assert.deepEqual(train(request({ checkpoints: [40] }, { batch_size: 1000 })), full);
  const mini = train(request({ checkpoints: [40] }, { batch_size: 7 }));
  assert.equal(mini.iterations_run, 40);
  assert.equal(mini.curve.at(-1)!.iteration, 40);
  assert.notDeepEqual(mini.checkpoints[0].model, full.checkpoints[0].model);
  // Deterministic: the shuffles come from the run's stream.
  assert.deepEqual(train(request({ checkpoints: [40] }, { batch_size: 7 })), mini);
  assert.notDeepEqual(train(request({ checkpoints: [40] }, { batch_size: 7, seed: 4 })).checkpoints[0].model, mini.checkpoints[0].model);
});

test('one epoch of batch_size 1 with gd visits every row once (updates = rows)', () => {
  // m = 3 rows, a logistic model, lr small: after 3 single-row updates the summed change of the bias equals
  // -lr * Σ_rows (p - y) up to second-order terms; exactly, each row's gradient is used once.
  const X: Matrix = { rows: 1, cols: 3, data: Float64Array.of(0, 0, 0) }; // x = 0: only the bias moves
  const y = Float64Array.of(1, 1, 0);
  const r = train({ config: { hidden_sizes: [], init: 'zeros', learning_rate: 1, seed: 1, batch_size: 1 }, engine: 'ts', checkpoints: [3], thresholds: [0.5], curve_every: 1, train: { X, y }, validation: { X, y } });
  // With x = 0 the order matters only through b. Whatever the shuffle, the three updates use the rows
  // {1, 1, 0} once each; b goes 0 -> ... and ends at the same value for the orders with the same sequence.
  // Check against the three possible orders (positions of the 0-label row), computed by hand:
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const run = (labels: number[]) => labels.reduce((b, t) => b - (sig(b) - t), 0);
  const candidates = [run([0, 1, 1]), run([1, 0, 1]), run([1, 1, 0])];
  const b = r.checkpoints[0].model!.b[0][0];
  assert.ok(candidates.some((c) => Math.abs(c - b) < 1e-15), `b = ${b}, candidates ${candidates}`);
});

test('dropout: training differs, evaluation has no dropout, and the result is deterministic', () => {
  const plain = train(request({ checkpoints: [100] }, {}));
  const dropped = train(request({ checkpoints: [100] }, { dropout: 0.3, hidden_sizes: [16] }));
  assert.equal(dropped.status, 'done');
  assert.deepEqual(train(request({ checkpoints: [100] }, { dropout: 0.3, hidden_sizes: [16] })), dropped);
  assert.notDeepEqual(plain.checkpoints[0].model, dropped.checkpoints[0].model);
  // The recorded validation loss is the model's without dropout: predictProba (no dropout) gives it back.
  const req = request({}, {});
  const p = predictProba(dropped.checkpoints[0].model!, req.validation.X);
  const loss = -p.reduce((s, pj, j) => s + (req.validation.y[j] === 1 ? Math.log(pj) : Math.log(1 - pj)), 0) / p.length;
  assert.ok(Math.abs(loss - dropped.checkpoints[0].validation[0].loss) < 1e-12);
});

test('leaky_relu_slope is used in training and kept in model.json', () => {
  const a = train(request({ checkpoints: [50] }, { activation: 'leaky_relu', leaky_relu_slope: 0.2 }));
  const b = train(request({ checkpoints: [50] }, { activation: 'leaky_relu' }));
  const model = a.checkpoints[0].model!;
  assert.equal(model.hidden_activation, 'leaky_relu');
  assert.equal(model.leaky_relu_slope, 0.2);
  assert.equal(b.checkpoints[0].model!.leaky_relu_slope, 0.01);
  assert.notDeepEqual(model.W, b.checkpoints[0].model!.W);
  // The slope survives the round trip, so re-prediction matches the recorded loss.
  const back = fromModelJson(JSON.parse(JSON.stringify(model)));
  assert.equal(back.leaky_relu_slope, 0.2);
  assert.deepEqual(toModelJson(back), model);
  // relu models do not carry the field.
  assert.equal('leaky_relu_slope' in train(request({ checkpoints: [5] }, {})).checkpoints[0].model!, false);
});
