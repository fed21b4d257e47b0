import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/train/rng.js';
import { initializeParams } from '../../src/train/init.js';
import {
  allocateForward,
  allocateGradients,
  backward,
  cloneParams,
  forward,
  forwardLoss,
  fromModelJson,
  gradientStep,
  lossAndGradients,
  toModelJson,
} from '../../src/train/network.js';
import { getActivation, HIDDEN_ACTIVATION_NAMES } from '../../src/train/activations.js';
import { binaryCrossEntropy, meanBinaryCrossEntropyFromLogits } from '../../src/train/loss.js';
import { predictProba, train } from '../../src/train/train.js';
import type { HiddenActivationName, Matrix, NetworkParams, TrainRequest } from '../../src/train/types.js';
import { randomData } from '../helpers/random-data.js';
import { worstGradientError } from '../helpers/gradient-check.js';

/** Smallest |Z| over all hidden pre-activations (distance to the ReLU kink). */
function minHiddenAbsZ(net: NetworkParams, X: Matrix): number {
  const fwd = allocateForward(net.dims, X.cols);
  forward(net, X, fwd, getActivation('relu'));
  let min = Infinity;
  for (let l = 0; l < fwd.Z.length - 1; l++) for (const z of fwd.Z[l]) min = Math.min(min, Math.abs(z));
  return min;
}

function lossOf(net: NetworkParams, X: Matrix, y: Float64Array): number {
  return lossAndGradients(net, X, y).loss;
}

/** Central finite differences vs backprop for every W and b entry of every layer. */
function gradientCheck(dims: number[], activation: HiddenActivationName, seed: number): number {
  const { X, y } = randomData(dims[0], 13, seed);
  const net = initializeParams(dims, 'he_normal', new Rng(seed + 100));
  net.hidden_activation = activation;
  // Non-zero biases so their gradients are exercised away from the initial state too.
  const rng = new Rng(seed + 200);
  for (const b of net.b) for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-0.3, 0.3);
  if (activation === 'relu' || activation === 'leaky_relu') {
    assert.ok(minHiddenAbsZ(net, X) > 1e-3, 'data chosen away from the kink');
  }
  return worstGradientError(net, lossAndGradients(net, X, y), () => lossOf(net, X, y), 1e-7);
}

test('gradient check: backprop matches central differences for every layer (relu, deep)', () => {
  for (const dims of [
    [4, 5, 3, 1],
    [3, 6, 5, 4, 1],
    [4, 1],
  ]) {
    const worst = gradientCheck(dims, 'relu', 11);
    assert.ok(worst < 1e-6, `dims [${dims}]: worst relative error ${worst}`);
  }
});

test('gradient check: every hidden activation', () => {
  for (const act of HIDDEN_ACTIVATION_NAMES) {
    const worst = gradientCheck([4, 5, 3, 1], act, 11);
    assert.ok(worst < 1e-6, `${act}: worst relative error ${worst}`);
  }
});

test('forward pass of a hand-sized network', () => {
  // dims [2, 2, 1]: W1 = [[1, -1], [0.5, 2]], b1 = [0, -1], W2 = [[2, -3]], b2 = [0.5]
  const net: NetworkParams = {
    dims: [2, 2, 1],
    W: [Float64Array.from([1, -1, 0.5, 2]), Float64Array.from([2, -3])],
    b: [Float64Array.from([0, -1]), Float64Array.from([0.5])],
  };
  // samples (x1, x2): (1, 0), (0, 1), (2, 2)  -> X rows = features
  const X: Matrix = { rows: 2, cols: 3, data: Float64Array.from([1, 0, 2, 0, 1, 2]) };
  // Z1 = [[1, -1, 0], [-0.5, 1, 4]] -> A1 = [[1, 0, 0], [0, 1, 4]]; Z2 = [2.5, -2.5, -11.5]
  const p = predictProba(net, X);
  const expected = [2.5, -2.5, -11.5].map((z) => 1 / (1 + Math.exp(-z)));
  assert.deepEqual(Array.from(p), expected);
});

test('stable logit loss equals the naive numpy formula on ordinary outputs', () => {
  const { X, y } = randomData(9, 300, 3);
  const net = initializeParams([9, 15, 1], 'lecun_normal', new Rng(1));
  const fwd = allocateForward(net.dims, X.cols);
  const p = forward(net, X, fwd, getActivation('relu'));
  let naive = 0;
  for (let j = 0; j < p.length; j++) naive -= y[j] * Math.log(p[j]) + (1 - y[j]) * Math.log(1 - p[j]);
  naive /= p.length;
  assert.ok(Math.abs(forwardLoss(fwd, y) - naive) < 1e-12);
  assert.ok(Math.abs(binaryCrossEntropy(p, y) - naive) < 1e-12);
});

test('losses are finite for saturated outputs and Infinity only for infinite logits', () => {
  const y = Float64Array.from([1, 0]);
  assert.ok(Math.abs(meanBinaryCrossEntropyFromLogits(Float64Array.from([800, -800]), y)) < 1e-300);
  assert.ok(Math.abs(meanBinaryCrossEntropyFromLogits(Float64Array.from([-800, 0]), y) - (800 + Math.LN2) / 2) < 1e-12);
  assert.equal(meanBinaryCrossEntropyFromLogits(Float64Array.from([-Infinity, 0]), y), Infinity);
  assert.equal(meanBinaryCrossEntropyFromLogits(Float64Array.from([Infinity, -Infinity]), y), 0);
  assert.ok(Number.isNaN(meanBinaryCrossEntropyFromLogits(Float64Array.from([NaN, 0]), y)));
  const clamped = binaryCrossEntropy(Float64Array.from([0, 1]), y);
  assert.ok(Number.isFinite(clamped) && clamped > 34 && clamped < 35);
});

test('gradientStep applies W -= lr dW, b -= lr db and reports non-finite parameters', () => {
  const { X, y } = randomData(3, 20, 9);
  const net = initializeParams([3, 4, 1], 'lecun_normal', new Rng(2));
  const before = cloneParams(net);
  const fwd = allocateForward(net.dims, X.cols);
  const grads = allocateGradients(net.dims, X.cols);
  const relu = getActivation('relu');
  forward(net, X, fwd, relu);
  backward(net, X, y, fwd, grads, relu);
  assert.equal(gradientStep(net, grads, 0.1), true);
  for (let l = 0; l < 2; l++) {
    assert.deepEqual(Array.from(net.W[l]), Array.from(before.W[l]).map((w, i) => w - 0.1 * grads.dW[l][i]));
    assert.deepEqual(Array.from(net.b[l]), Array.from(before.b[l]).map((b, i) => b - 0.1 * grads.db[l][i]));
  }
  grads.dW[1][0] = Infinity;
  assert.equal(gradientStep(net, grads, 0.1), false);
});

test('model.json round trip and predictProba on ModelJson vs NetworkParams', () => {
  const { X } = randomData(4, 50, 4);
  const net = initializeParams([4, 6, 3, 1], 'glorot_uniform', new Rng(8));
  net.hidden_activation = 'tanh';
  const json = toModelJson(net);
  assert.equal(json.hidden_activation, 'tanh');
  assert.equal(json.W[0].length, 6);
  assert.equal(json.W[0][0].length, 4);
  const back = fromModelJson(JSON.parse(JSON.stringify(json)));
  assert.deepEqual(back.W.map((w) => Array.from(w)), net.W.map((w) => Array.from(w)));
  assert.deepEqual(Array.from(predictProba(json, X)), Array.from(predictProba(net, X)));
  assert.throws(() => predictProba(json, { rows: 3, cols: 1, data: new Float64Array(3) }), /feature rows/);
  assert.throws(() => fromModelJson({ ...json, hidden_activation: 'swish' }), /hidden_activation.*relu/);
});

test('gradients on a larger sample count match a direct summation', () => {
  const { X, y } = randomData(5, 1500, 21);
  const net = initializeParams([5, 7, 1], 'he_uniform', new Rng(4));
  const { dW } = lossAndGradients(net, X, y);
  // Gradient of W2[0][0] by direct summation: (1/m) Σ_j (p_j - y_j) a1_{0j}
  const fwd = allocateForward(net.dims, X.cols);
  const p = forward(net, X, fwd, getActivation('relu'));
  let s = 0;
  for (let j = 0; j < X.cols; j++) s += (p[j] - y[j]) * fwd.A[0][j];
  assert.ok(Math.abs(dW[1][0] - s / X.cols) < 1e-15);
});

function request(overrides: Partial<TrainRequest> = {}, config: Record<string, unknown> = {}): TrainRequest {
  const tr = randomData(3, 30, 1);
  const va = randomData(3, 10, 2);
  return {
    config: { hidden_sizes: [4], init: 'lecun_normal', learning_rate: 0.1, seed: 1, ...config } as TrainRequest['config'],
    checkpoints: [10],
    thresholds: [0.5],
    curve_every: 5,
    train: tr,
    validation: va,
    ...overrides,
  };
}

test('train rejects invalid requests with clear errors', () => {
  assert.doesNotThrow(() => train(request()));
  assert.throws(() => train(request({}, { hidden_sizes: [0] })), /hidden_sizes\[0\].*integer >= 1/);
  assert.throws(() => train(request({}, { hidden_sizes: [2.5] })), /hidden_sizes\[0\]/);
  assert.throws(() => train(request({}, { learning_rate: NaN })), /learning_rate/);
  assert.throws(() => train(request({}, { learning_rate: Infinity })), /learning_rate/);
  assert.throws(() => train(request({}, { init: 'xavier' })), /unknown init "xavier".*lecun_normal/);
  assert.throws(() => train(request({}, { activation: 'gelu' })), /unknown activation "gelu".*relu/);
  assert.throws(() => train(request({}, { hidden_activation: 'tanh' })), /unsupported training option "hidden_activation"/);
  assert.throws(() => train(request({}, { seed: -3 })), /seed/);
  assert.throws(() => train(request({ checkpoints: [10, 5] })), /strictly ascending/);
  assert.throws(() => train(request({ checkpoints: [5, 5] })), /strictly ascending/);
  assert.throws(() => train(request({ checkpoints: [] })), /at least one/);
  assert.throws(() => train(request({ curve_every: 0 })), /curve_every/);
  assert.throws(() => train(request({ thresholds: [NaN] })), /thresholds/);
  const empty = { X: { rows: 3, cols: 0, data: new Float64Array(0) }, y: new Float64Array(0) };
  assert.throws(() => train(request({ validation: empty })), /validation split is empty/);
  assert.throws(() => train(request({ train: empty })), /train split is empty/);
  const badY = randomData(3, 30, 1);
  badY.y[3] = 2;
  assert.throws(() => train(request({ train: badY })), /label 3 is 2/);
  const wrongFeatures = randomData(4, 10, 2);
  assert.throws(() => train(request({ validation: wrongFeatures })), /features/);
});

test('train with leaky_relu, tanh, sigmoid, no hidden layer, and a checkpoint at 0', () => {
  for (const act of HIDDEN_ACTIVATION_NAMES) {
    const r = train(request({ checkpoints: [0, 20] }, { activation: act, hidden_sizes: [4, 3] }));
    assert.equal(r.status, 'done');
    assert.equal(r.checkpoints[1].model?.hidden_activation, act);
    assert.equal(r.checkpoints[0].train[0].loss, r.curve[0].train_loss);
    assert.ok(r.curve[4].train_loss < r.curve[0].train_loss, `${act} learns`);
  }
  const logistic = train(request({}, { hidden_sizes: [] }));
  assert.deepEqual(logistic.checkpoints[0].model?.dims, [3, 1]);
});
