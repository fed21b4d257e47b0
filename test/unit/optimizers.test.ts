/**
 * Update rules: the first two updates of each optimizer against values worked out by hand, L2 on weights
 * only, and the parameter table agreeing with the engine.
 *
 * Setup of the hand computations: one weight w0 = 1 and one bias b0 = 0.5, step size η = 0.1, the gradients
 * given (not computed): update 1 gets (g_w, g_b) = (0.5, -0.2), update 2 gets (-0.25, 0.1).
 * ε = 1e-8, μ = 0.9, ρ = 0.9, β1 = 0.9, β2 = 0.999.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerSettings } from '../../src/train/optimizers.js';
import { OPTION_DEFAULTS, OPTION_KEYS, resolveOptions } from '../../src/train/options.js';
import { SUPPORTED_CONFIG_KEYS, train } from '../../src/train/train.js';
import { PARAMS, paramSpec } from '../../src/experiment/params.js';
import type { GradientBuffers } from '../../src/train/network.js';
import type { NetworkParams, OptimizerName } from '../../src/train/types.js';

const SETTINGS: Omit<OptimizerSettings, 'optimizer'> = { momentum: 0.9, beta1: 0.9, beta2: 0.999, rho: 0.9, epsilon: 1e-8, l2: 0 };
const GRADIENTS: [number, number][] = [
  [0.5, -0.2],
  [-0.25, 0.1],
];

/** Runs two updates of `optimizer` on the one-weight network; returns [w1, b1, w2, b2]. */
function twoUpdates(optimizer: OptimizerName, extra: Partial<OptimizerSettings> = {}): number[] {
  const net: NetworkParams = { dims: [1, 1], W: [Float64Array.of(1)], b: [Float64Array.of(0.5)] };
  const opt = createOptimizer({ ...SETTINGS, ...extra, optimizer }, net);
  const out: number[] = [];
  for (const [gw, gb] of GRADIENTS) {
    const grads: GradientBuffers = { dZ: [], dW: [Float64Array.of(gw)], db: [Float64Array.of(gb)] };
    assert.equal(opt.step(net, grads, 0.1), true);
    out.push(net.W[0][0], net.b[0][0]);
  }
  assert.equal(opt.t, 2);
  return out;
}

function close(actual: number[], expected: number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `value ${i}: ${a} vs ${expected[i]}`));
}

test('gd: p -= η g', () => {
  // w1 = 1 - 0.1*0.5 = 0.95;     b1 = 0.5 - 0.1*(-0.2) = 0.52
  // w2 = 0.95 - 0.1*(-0.25) = 0.975;  b2 = 0.52 - 0.1*0.1 = 0.51
  close(twoUpdates('gd'), [0.95, 0.52, 0.975, 0.51]);
});

test('gd with l2: λ w is added to the weight gradient, never to the bias gradient', () => {
  // λ = 0.1. w1 = 1 - 0.1*(0.5 + 0.1*1) = 0.94;  b1 = 0.52 (no decay)
  // w2 = 0.94 - 0.1*(-0.25 + 0.1*0.94) = 0.94 + 0.0156 = 0.9556;  b2 = 0.51
  close(twoUpdates('gd', { l2: 0.1 }), [0.94, 0.52, 0.9556, 0.51]);
});

test('momentum: v = μ v + g, p -= η v', () => {
  // w: v1 = 0.5, w1 = 1 - 0.05 = 0.95;  v2 = 0.45 - 0.25 = 0.2, w2 = 0.95 - 0.02 = 0.93
  // b: v1 = -0.2, b1 = 0.52;            v2 = -0.18 + 0.1 = -0.08, b2 = 0.52 + 0.008 = 0.528
  close(twoUpdates('momentum'), [0.95, 0.52, 0.93, 0.528]);
});

test('nesterov: v = μ v + g, p -= η (g + μ v)', () => {
  // w: v1 = 0.5, step 0.5 + 0.45 = 0.95, w1 = 0.905;  v2 = 0.2, step -0.25 + 0.18 = -0.07, w2 = 0.912
  // b: v1 = -0.2, step -0.2 - 0.18 = -0.38, b1 = 0.538;  v2 = -0.08, step 0.1 - 0.072 = 0.028, b2 = 0.5352
  close(twoUpdates('nesterov'), [0.905, 0.538, 0.912, 0.5352]);
});

test('nesterov and momentum with μ = 0 are gd', () => {
  const gd = twoUpdates('gd');
  close(twoUpdates('momentum', { momentum: 0 }), gd);
  close(twoUpdates('nesterov', { momentum: 0 }), gd);
});

test('adagrad: G += g², p -= η g / (√G + ε)', () => {
  // w: G1 = 0.25, w1 = 1 - 0.05/(0.5 + 1e-8) = 0.900000002
  //    G2 = 0.3125, √G2 = 0.5590169943749474, w2 = w1 + 0.025/(0.5590169943749474 + 1e-8) = 0.9447213607499958
  // b: G1 = 0.04, b1 = 0.5 + 0.02/(0.2 + 1e-8) = 0.599999995
  //    G2 = 0.05, √G2 = 0.22360679774997896, b2 = b1 - 0.01/(0.22360679774997896 + 1e-8) = 0.5552786374500044
  close(twoUpdates('adagrad'), [0.900000002, 0.599999995, 0.9447213607499958, 0.5552786374500044]);
});

test('rmsprop: s = ρ s + (1 - ρ) g², p -= η g / (√s + ε)', () => {
  // w: s1 = 0.1*0.25 = 0.025, √s1 = 0.15811388300841897, w1 = 1 - 0.05/(√s1 + 1e-8) = 0.6837722539831608
  //    s2 = 0.0225 + 0.1*0.0625 = 0.02875, √s2 = 0.1695582495781317, w2 = w1 + 0.025/(√s2 + 1e-8) = 0.8312142014424062
  // b: s1 = 0.004, √s1 = 0.06324555320336758, b1 = 0.5 + 0.02/(√s1 + 1e-8) = 0.8162277160168459
  //    s2 = 0.0036 + 0.001 = 0.0046, √s2 = 0.06782329983125268, b2 = b1 - 0.01/(√s2 + 1e-8) = 0.6687857816010759
  close(twoUpdates('rmsprop'), [0.6837722539831608, 0.8162277160168459, 0.8312142014424062, 0.6687857816010759]);
});

test('adam: bias-corrected moments (Kingma & Ba 2015, algorithm 1)', () => {
  // w, t = 1: m = 0.05, v = 0.00025, m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25,
  //           w1 = 1 - 0.1*0.5/(0.5 + 1e-8) = 0.900000002 (the first step is η in size, whatever g)
  //    t = 2: m = 0.045 - 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
  //           m̂ = 0.02/0.19 = 0.10526315789473684, v̂ = 0.00031225/0.001999 = 0.15620310155077538,
  //           w2 = w1 - 0.1*m̂/(√v̂ + 1e-8) = 0.900000002 - 0.026633703... = 0.8733662987078462
  // b, t = 1: m̂ = -0.2, v̂ = 0.04, b1 = 0.5 + 0.1*0.2/(0.2 + 1e-8) = 0.599999995
  //    t = 2: m = -0.018 + 0.01 = -0.008, v = 0.00003996 + 0.00001 = 0.00004996,
  //           m̂ = -0.042105263157894736, v̂ = 0.024992496248124063, b2 = 0.6266336972813243
  close(twoUpdates('adam'), [0.900000002, 0.599999995, 0.8733662987078462, 0.6266336972813243]);
});

test('a non-finite update is reported', () => {
  for (const name of OPTIMIZER_NAMES) {
    const net: NetworkParams = { dims: [1, 1], W: [Float64Array.of(1)], b: [Float64Array.of(0)] };
    const opt = createOptimizer({ ...SETTINGS, optimizer: name }, net);
    assert.equal(opt.step(net, { dZ: [], dW: [Float64Array.of(NaN)], db: [Float64Array.of(0)] }, 0.1), false, name);
  }
});

test('the parameter table and the engine agree on names and defaults', () => {
  const training = PARAMS.filter((p) => p.role === 'training').map((p) => p.name);
  assert.deepEqual([...training].sort(), [...OPTION_KEYS].sort());
  assert.deepEqual(SUPPORTED_CONFIG_KEYS, OPTION_KEYS);
  for (const [k, v] of Object.entries(OPTION_DEFAULTS)) assert.deepEqual(paramSpec(k)?.default, v, k);
  // Every default passes the engine's checks.
  const config = Object.fromEntries(PARAMS.filter((p) => p.role === 'training').map((p) => [p.name, p.default]));
  assert.doesNotThrow(() => resolveOptions(config as never));
});

test('resolveOptions fills defaults and rejects values out of range', () => {
  const base = { hidden_sizes: [3], init: 'lecun_normal', learning_rate: 0.1, seed: 1 } as const;
  const o = resolveOptions({ ...base, hidden_sizes: [3] });
  assert.equal(o.optimizer, 'gd');
  assert.deepEqual(o.lr_schedule, { kind: 'constant' });
  assert.equal(o.batch_size, null);
  assert.equal(o.early_stopping, null);
  assert.deepEqual(resolveOptions({ ...base, hidden_sizes: [3], early_stopping: { patience: 3 } }).early_stopping, { patience: 3, min_delta: 0, restore_best: true });
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ optimizer: 'adamw' }, /unknown optimizer "adamw".*adam/],
    [{ activation: 'gelu' }, /unknown activation "gelu".*relu/],
    [{ momentum: 1 }, /momentum must be in \[0, 1\)/],
    [{ beta2: -0.1 }, /beta2/],
    [{ epsilon: 0 }, /epsilon must be a number > 0/],
    [{ l2: -1 }, /l2/],
    [{ dropout: 1 }, /dropout/],
    [{ batch_size: 0 }, /batch_size/],
    [{ batch_size: 2.5 }, /batch_size/],
    [{ lr_schedule: { kind: 'cosine', min_lr: 0 } }, /unknown field "min_lr"/],
    [{ lr_schedule: { kind: 'step' } }, /needs "every"/],
    [{ early_stopping: { patience: 0 } }, /patience must be an integer >= 1/],
    [{ momentun: 0.9 }, /unsupported training option "momentun"/],
  ];
  for (const [extra, re] of bad) assert.throws(() => resolveOptions({ ...base, hidden_sizes: [3], ...extra }), re, JSON.stringify(extra));
});

test('every optimizer trains a small network (the loss falls)', () => {
  const m = 64;
  const X = { rows: 2, cols: m, data: new Float64Array(2 * m) };
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const a = Math.sin(j * 1.7);
    const b = Math.cos(j * 2.3);
    X.data[j] = a;
    X.data[m + j] = b;
    y[j] = a + b > 0 ? 1 : 0;
  }
  for (const optimizer of OPTIMIZER_NAMES) {
    const r = train({
      config: { hidden_sizes: [4], init: 'he_normal', learning_rate: optimizer === 'gd' || optimizer === 'momentum' || optimizer === 'nesterov' ? 0.1 : 0.01, seed: 2, optimizer },
      checkpoints: [200],
      thresholds: [0.5],
      curve_every: 200,
      train: { X, y },
      validation: { X, y },
    });
    assert.equal(r.status, 'done', optimizer);
    assert.ok(r.curve[1].train_loss < 0.8 * r.curve[0].train_loss, `${optimizer}: ${r.curve[0].train_loss} -> ${r.curve[1].train_loss}`);
  }
});
