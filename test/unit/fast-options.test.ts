/**
 * The fast engine with every training option against the TypeScript reference: each option on its own and
 * a seeded sample of combinations agree to 1e-9 on every recorded number (curve, metrics, models, early
 * stops, divergence), with the same progress calls; the kernels' MT19937 port draws the reference's words;
 * the kernels' tanh is within 3 ulp of Math.tanh. Correctness only: speed is measured by `npm run bench`.
 *
 * Lengths are a few hundred updates: long enough for every schedule, epoch and early stop to matter, short
 * of the phases where a training amplifies rounding differences by orders of magnitude per update (Adam or
 * RMSprop oscillating near a minimum), where two correct engines that sum in different orders part ways.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/train/rng.js';
import { ensureMemory, loadKernels } from '../../src/train/fast/wasm.js';
import { trainFast } from '../../src/train/fast/train-fast.js';
import type { TrainingConfig, TrainRequest } from '../../src/train/types.js';
import { assertAgree, both, randomSplit } from '../helpers/agree.js';
import { withEngine } from '../helpers/engine.js';

const trainSplit = randomSplit(5, 150, 31);
const validation = randomSplit(5, 47, 32);

function request(config: Partial<TrainingConfig>, iterations = 240): TrainRequest {
  return {
    config: { hidden_sizes: [6], init: 'he_normal', learning_rate: 0.05, seed: 7, ...config } as TrainingConfig,
    checkpoints: [0, 97, iterations],
    thresholds: [0.3, 0.5, 0.8],
    curve_every: 20,
    train: trainSplit,
    validation,
  };
}

function agree(config: Partial<TrainingConfig>, label: string, iterations?: number): void {
  const { ts, fast, tsProgress, fastProgress } = both(request(config, iterations));
  assertAgree(fast, ts, 1e-9, label);
  assert.deepEqual(fastProgress, tsProgress, `${label}: progress calls`);
}

test('fast options: every update rule, alone and with L2', () => {
  for (const optimizer of ['gd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const) {
    agree({ optimizer, learning_rate: optimizer === 'gd' || optimizer === 'adagrad' ? 0.2 : 0.01 }, optimizer);
    agree({ optimizer, learning_rate: 0.02, l2: 0.003, momentum: 0.7, beta1: 0.8, beta2: 0.99, rho: 0.8, epsilon: 1e-6 }, `${optimizer} with l2 and other constants`);
  }
});

test('fast options: every learning-rate schedule', () => {
  const schedules = [
    { kind: 'constant' },
    { kind: 'step', every: 50, drop: 0.3 },
    { kind: 'exponential', decay_rate: 0.01 },
    { kind: 'inverse_time', decay_rate: 0.05 },
    { kind: 'cosine', min_learning_rate: 0.001 },
    { kind: 'sgdr', period: 30, multiplier: 2 },
    { kind: 'one_cycle', max_learning_rate: 0.3, warmup_fraction: 0.25 },
  ];
  for (const lr_schedule of schedules) {
    agree({ lr_schedule, learning_rate: 0.1 } as Partial<TrainingConfig>, lr_schedule.kind);
    agree({ lr_schedule, optimizer: 'adam', learning_rate: 0.01 } as Partial<TrainingConfig>, `${lr_schedule.kind} with adam`);
  }
});

test('fast options: every hidden activation, at depths 0 to 3', () => {
  for (const activation of ['relu', 'leaky_relu', 'tanh', 'sigmoid'] as const) {
    for (const hidden_sizes of [[], [6], [5, 3], [7, 4, 3]]) {
      agree({ activation, hidden_sizes, learning_rate: 0.1 }, `${activation} [${hidden_sizes.join(', ')}]`);
    }
  }
  // A steeper or negative slope: the derivative is read from Z, not from the sign of the output.
  agree({ activation: 'leaky_relu', leaky_relu_slope: -0.5, hidden_sizes: [5, 4] }, 'leaky_relu slope -0.5');
  agree({ activation: 'leaky_relu', leaky_relu_slope: 0.3, hidden_sizes: [5] }, 'leaky_relu slope 0.3');
});

test('fast options: dropout and mini-batches draw the reference stream (shuffles, masks, remainder batches)', () => {
  for (const batch_size of [null, 1, 7, 32, 64, 149, 150, 500]) {
    for (const dropout of [0, 0.1, 0.5]) {
      agree({ batch_size, dropout, hidden_sizes: [6, 4], learning_rate: 0.05 }, `batch ${batch_size}, dropout ${dropout}`, batch_size === 1 ? 400 : 240);
    }
  }
});

test('fast options: early stopping (restore or not, min_delta, full batch and mini-batches)', () => {
  const cases: Partial<TrainingConfig>[] = [
    { early_stopping: { patience: 3 }, learning_rate: 1 },
    { early_stopping: { patience: 5, restore_best: false }, learning_rate: 1 },
    { early_stopping: { patience: 2, min_delta: 0.01 } },
    { early_stopping: { patience: 4 }, batch_size: 16, learning_rate: 0.3 },
    { early_stopping: { patience: 2 }, batch_size: 40, dropout: 0.3, optimizer: 'adam', learning_rate: 0.05 },
    { early_stopping: { patience: 1000 } },
  ];
  const reasons = new Set<string>();
  for (const c of cases) {
    const label = JSON.stringify(c);
    const { ts, fast } = both(request(c, 600));
    assertAgree(fast, ts, 1e-9, label);
    reasons.add(ts.stopped!.reason);
  }
  assert.deepEqual([...reasons].sort(), ['max_iterations', 'no_improvement']);
});

test('fast options: a seeded sample of combinations', () => {
  const rng = new Rng(2026);
  const pick = <T>(xs: readonly T[]): T => xs[rng.randint(xs.length)];
  for (let i = 0; i < 16; i++) {
    const optimizer = pick(['gd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const);
    const config: Partial<TrainingConfig> = {
      hidden_sizes: pick([[4], [8], [6, 3], [5, 5, 2]]),
      activation: pick(['relu', 'leaky_relu', 'tanh', 'sigmoid'] as const),
      optimizer,
      learning_rate: optimizer === 'gd' || optimizer === 'adagrad' ? 0.1 : 0.01,
      lr_schedule: pick([{ kind: 'constant' }, { kind: 'cosine' }, { kind: 'step', every: 40 }, { kind: 'one_cycle', max_learning_rate: 0.05 }] as TrainingConfig['lr_schedule'][]),
      l2: pick([0, 1e-3, 0.1]),
      dropout: pick([0, 0.2]),
      batch_size: pick([null, 16, 33]),
      early_stopping: pick([null, { patience: 3 }, { patience: 2, restore_best: false }]),
      seed: rng.randint(1000),
    };
    agree(config, `combination ${i}: ${JSON.stringify(config)}`);
  }
});

test('fast options: divergence under adaptive rules, mini-batches and dropout matches the reference', () => {
  const statuses = new Set<string>();
  for (const config of [
    { optimizer: 'momentum', learning_rate: 1e150 },
    { optimizer: 'adam', learning_rate: 1e300 },
    { optimizer: 'rmsprop', learning_rate: 1e200, batch_size: 20 },
    { optimizer: 'gd', learning_rate: 1e120, dropout: 0.3, hidden_sizes: [8, 8] },
    { optimizer: 'nesterov', learning_rate: 1e100, batch_size: 9, activation: 'leaky_relu' },
  ] as Partial<TrainingConfig>[]) {
    const { ts, fast } = both(request(config, 120));
    assertAgree(fast, ts, 1e-9, JSON.stringify(config));
    statuses.add(ts.status);
  }
  assert.ok(statuses.has('diverged'));
});

test('fast options: training every row instead of collapsed duplicates gives the same results', () => {
  const req = request({ hidden_sizes: [5], optimizer: 'adam', learning_rate: 0.02 });
  const collapsed = trainFast(withEngine('fast', req))!;
  const every = trainFast(withEngine('fast', req), undefined, { collapse: false })!;
  assertAgree(every, collapsed, 1e-9, 'collapse on/off');
});

/** A descriptor whose stream words are `rng`'s state, in the kernels' memory; returns its address. */
function streamDescriptor(rng: Rng): { desc: number; free: number } {
  const k = loadKernels();
  const C = k.layout;
  const desc = k.heapBase();
  const mt = desc + 4 * C.D_LAYER0;
  const free = mt + 4 * 2 * 624; // the state, then the kernels' cache of its tempered outputs
  ensureMemory(k, free + 8 * 100000);
  const words = new Int32Array(k.memory.buffer, desc, C.D_LAYER0);
  const state = rng.getState();
  words[C.D_MT] = mt;
  words[C.D_MTI] = state.mti;
  new Uint32Array(k.memory.buffer, mt, 624).set(state.mt);
  return { desc, free };
}

test('kernels stream: the MT19937 port draws the reference words across regenerations, and shuffles alike', () => {
  const k = loadKernels();
  for (const [seed, skip] of [[0, 0], [1, 3], [4294967295, 623], [12345, 1000]]) {
    const rng = new Rng(seed);
    for (let i = 0; i < skip; i++) rng.nextUint32();
    const { desc, free } = streamDescriptor(rng);
    k.drawWords(desc, free, 2000);
    const got = new Uint32Array(k.memory.buffer, free, 2000);
    for (let i = 0; i < 2000; i++) assert.equal(got[i], rng.nextUint32(), `seed ${seed}, word ${skip + i}`);
    // The shuffle continues the same stream.
    const n = 1001;
    const a = new Uint32Array(k.memory.buffer, free, n);
    const b = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = b[i] = i;
    k.shuffleWords(desc, free, n);
    rng.shuffle(b);
    assert.deepEqual([...new Uint32Array(k.memory.buffer, free, n)], [...b], `seed ${seed}: shuffle`);
  }
  // numpy's first words for seed 5489 (mt19937ar.c's default seed), from the reference output mt19937ar.out.
  const { desc, free } = streamDescriptor(new Rng(5489));
  k.drawWords(desc, free, 3);
  assert.deepEqual([...new Uint32Array(k.memory.buffer, free, 3)], [3499211612, 581869302, 3890346734]);
});

test('kernels dropout masks: a draw is dropped exactly when it is below rate · 2^32, at the boundary too', () => {
  const k = loadKernels();
  const seed = 77;
  const skip = 3; // the row starts off a multiple of four words
  const nb = 1003; // crosses a regeneration of the state; ends with two draws and one
  const sp = 1008;
  const ref = new Rng(seed);
  for (let i = 0; i < skip; i++) ref.nextUint32();
  const w = Array.from({ length: nb }, () => ref.nextUint32());
  // cut = rate · 2^32 as drawDropoutMasks computes it: equal to a draw (kept), just above it (dropped) or
  // just below, integers and not, and the extremes of a rate in (0, 1).
  const cuts = [w[5], w[5] + 0.5, w[5] - 0.5, w[1001], w[1002] + 0.5, 0.5, 1, 2 ** 31, 0.1 * 2 ** 32, 2 ** 32 - 0.5];
  for (const cut of cuts) {
    const rng = new Rng(seed);
    for (let i = 0; i < skip; i++) rng.nextUint32();
    const { desc, free } = streamDescriptor(rng);
    const keep = 1 / (1 - cut / 2 ** 32);
    k.drawMaskRow(desc, free, nb, sp, cut, keep);
    const got = new Float64Array(k.memory.buffer, free, sp);
    for (let i = 0; i < sp; i++) {
      const want = i >= nb || w[i] < cut ? 0 : keep;
      assert.ok(Object.is(got[i], want), `cut ${cut}, draw ${i} (${w[i]}): ${got[i]}, expected ${want}`);
    }
  }
});

test('kernels tanh: within 3 ulp of Math.tanh, odd, saturating to ±1, NaN kept', () => {
  const k = loadKernels();
  const rng = new Rng(9);
  const xs: number[] = [];
  for (let i = 0; i < 20000; i++) xs.push(rng.uniform(-5, 5));
  for (let i = 0; i < 4000; i++) xs.push(rng.uniform(-1e-6, 1e-6));
  for (let i = 0; i < 4000; i++) xs.push(rng.uniform(-40, 40));
  for (let i = 0; i < 4000; i++) xs.push(rng.uniform(-0.05, 0.05));
  // The kernels' tanh reads a table at multiples of 1/128: each entry, the points halfway between (where the
  // rational function's argument is largest) and their neighbours.
  for (let j = 0; j <= 20 * 128; j++) {
    const b = j / 128;
    xs.push(b, -b, b + 1 / 256, b - 1 / 256, b + 1 / 256 - 1e-12, b + 1e-9);
  }
  xs.push(0, 1e-300, -1e-300, 5e-324, 2.2250738585072014e-308, 1e-8, 0.5, -0.5, 19, 19.06, 19.07, 20, 20.001, 22, 23, 700);
  xs.push(1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity);
  if (xs.length % 2) xs.push(1);
  const src = k.heapBase();
  const dst = src + 8 * xs.length;
  ensureMemory(k, dst + 8 * xs.length);
  new Float64Array(k.memory.buffer, src, xs.length).set(xs);
  k.tanhArray(src, dst, xs.length);
  const got = new Float64Array(k.memory.buffer, dst, xs.length);
  xs.forEach((x, i) => {
    const ref = Math.tanh(x);
    const ulp = Math.abs(got[i] - ref) / (Math.max(Math.abs(ref), 2.2250738585072014e-308) * Number.EPSILON);
    assert.ok(ulp <= 3, `tanh(${x}) = ${got[i]}, Math.tanh gives ${ref} (${ulp.toFixed(2)} ulp)`);
  });
  // Odd to the last bit, halfway points included (z is split at the nearest multiple of 1/128, ties to even:
  // the same split for -z), so tanh(-z) is exactly -tanh(z).
  const pos = got.slice();
  new Float64Array(k.memory.buffer, src, xs.length).set(xs.map((x) => -x));
  k.tanhArray(src, dst, xs.length);
  const neg = new Float64Array(k.memory.buffer, dst, xs.length);
  xs.forEach((x, i) => assert.ok(Object.is(neg[i], -pos[i]), `tanh(${-x}) = ${neg[i]}, tanh(${x}) = ${pos[i]}`));
  new Float64Array(k.memory.buffer, src, 2).set([NaN, -0]);
  k.tanhArray(src, dst, 2);
  const special = new Float64Array(k.memory.buffer, dst, 2);
  assert.ok(Number.isNaN(special[0]));
  assert.ok(Object.is(special[1], -0));
});

test('kernels layout: read from the module; names it does not export are refused', () => {
  const C = loadKernels().layout;
  const words = Object.keys(C).filter((n) => n.startsWith('D_') && n !== 'D_LAYER0').map((n) => C[n]);
  assert.equal(new Set(words).size, words.length, 'descriptor words are distinct');
  assert.ok(words.every((w) => w >= 0 && w < C.D_LAYER0), 'descriptor words come before the first layer record');
  const layerWords = Object.keys(C).filter((n) => n.startsWith('L_') && n !== 'L_WORDS').map((n) => C[n]);
  assert.deepEqual([...layerWords].sort((a, b) => a - b), Array.from({ length: C.L_WORDS }, (_, i) => i));
  const f64 = Object.keys(C).filter((n) => n.startsWith('F_') && n !== 'F_WORDS').map((n) => C[n]);
  assert.deepEqual([...f64].sort((a, b) => a - b), Array.from({ length: C.F_WORDS }, (_, i) => i));
  assert.throws(() => C.D_NO_SUCH_WORD, /exports no constant D_NO_SUCH_WORD/);
});
