/**
 * The fast (WebAssembly SIMD) training path against the TypeScript reference path: same results to 1e-9
 * on the oracle job and on random shapes, same divergence and progress semantics, deterministic.
 * Correctness only: nothing here asserts a time (benchmarks live in test/bench/).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Rng } from '../../src/train/rng.js';
import { OPTION_KEYS } from '../../src/train/options.js';
import { PROGRESS_EVERY, train } from '../../src/train/train.js';
import { assertAgree, both, randomSplit } from '../helpers/agree.js';
import {
  FAST_OPTIONS,
  FAST_PROGRESS_EVERY,
  collapseDuplicates,
  trainFast,
  unsupportedReason,
  type EngineMode,
} from '../../src/train/fast/train-fast.js';
import type { Matrix, SplitData, TrainingConfig, TrainRequest, TrainResult } from '../../src/train/types.js';
import { loadWisconsin, WISCONSIN_CSV, WISCONSIN_ORACLE } from '../helpers/wisconsin.js';
import { GET_WISCONSIN, skipUnlessPresent } from '../helpers/requirements.js';
import { withEngine } from '../helpers/engine.js';


/** Every number in a result is finite (metrics.json would hold null for NaN or Infinity). */
function assertFiniteNumbers(value: unknown, where: string): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where}: ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertFiniteNumbers(v, `${where}[${i}]`));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) assertFiniteNumbers(v, `${where}.${k}`);
}

const skipOracle = skipUnlessPresent([WISCONSIN_CSV, WISCONSIN_ORACLE], GET_WISCONSIN);

test('fast engine: the oracle job matches the TypeScript path and the numpy reference to 1e-9', { skip: skipOracle }, () => {
  const data = loadWisconsin();
  const oracle = JSON.parse(readFileSync(WISCONSIN_ORACLE, 'utf8')) as {
    loss_every_500: Record<string, number>;
    after_15000_updates: Record<string, { train_errors: number; validation_errors: number }>;
  };
  const req: TrainRequest = {
    config: { hidden_sizes: [15], init: 'lecun_normal', learning_rate: 0.01, seed: 1 },
    checkpoints: [3000, 15000],
    thresholds: [0.5, 0.7, 0.8, 0.9],
    curve_every: 500,
    train: data.train,
    validation: data.validation,
  };
  const { ts, fast, tsProgress, fastProgress } = both(req);
  assertAgree(fast, ts, 1e-9, 'oracle');
  assert.deepEqual(fastProgress, tsProgress);
  for (const [k, loss] of Object.entries(oracle.loss_every_500)) {
    const p = fast.curve.find((c) => c.iteration === Number(k));
    assert.ok(p, `curve point ${k}`);
    assert.ok(Math.abs(p.train_loss - loss) < 1e-9, `fast loss at ${k}: ${p.train_loss} vs ${loss}`);
  }
  const final = fast.checkpoints[1];
  [0.5, 0.7, 0.8, 0.9].forEach((th, i) => {
    const ref = oracle.after_15000_updates[String(th)];
    assert.equal(final.train[i].confusion.fp + final.train[i].confusion.fn, ref.train_errors);
    assert.equal(final.validation[i].confusion.fp + final.validation[i].confusion.fn, ref.validation_errors);
  });
});

test('fast engine: random shapes (hidden sizes, depth, odd sample counts, 1 to 90 features) match the TypeScript path', () => {
  const cases: { features: number; m: number; hidden: number[]; lr: number; init: string; iterations: number }[] = [
    { features: 9, m: 500, hidden: [15], lr: 0.07, init: 'lecun_normal', iterations: 400 },
    { features: 1, m: 1, hidden: [3], lr: 0.5, init: 'he_normal', iterations: 50 },
    { features: 2, m: 3, hidden: [1], lr: 0.3, init: 'glorot_uniform', iterations: 120 },
    { features: 5, m: 7, hidden: [2], lr: 0.1, init: 'he_uniform', iterations: 300 },
    { features: 9, m: 13, hidden: [5], lr: 0.2, init: 'lecun_uniform', iterations: 250 },
    { features: 17, m: 101, hidden: [30], lr: 0.05, init: 'glorot_normal', iterations: 300 },
    { features: 33, m: 257, hidden: [7, 5], lr: 0.1, init: 'he_normal', iterations: 300 },
    { features: 90, m: 333, hidden: [16, 8, 4], lr: 0.05, init: 'lecun_normal', iterations: 200 },
    { features: 4, m: 99, hidden: [], lr: 0.5, init: 'small_normal', iterations: 300 },
    { features: 11, m: 64, hidden: [9, 1, 6], lr: 0.2, init: 'he_uniform', iterations: 150 },
    { features: 3, m: 41, hidden: [4], lr: 0.1, init: 'zeros', iterations: 100 },
    // features a multiple of 4 below a hidden layer: the first layer's weight gradient has no last features
    // to share its bias sums with (they take a loop of their own); odd and even unit counts
    { features: 8, m: 50, hidden: [3], lr: 0.2, init: 'he_normal', iterations: 200 },
    { features: 4, m: 37, hidden: [6, 2], lr: 0.2, init: 'glorot_uniform', iterations: 200 },
  ];
  cases.forEach((c, i) => {
    const req: TrainRequest = {
      config: { hidden_sizes: c.hidden, init: c.init as TrainRequest['config']['init'], learning_rate: c.lr, seed: 100 + i },
      checkpoints: [0, Math.floor(c.iterations / 3), c.iterations],
      thresholds: [0.3, 0.5, 0.8],
      curve_every: 37,
      train: randomSplit(c.features, c.m, 2 * i + 1),
      validation: randomSplit(c.features, Math.max(1, Math.floor(c.m / 3)), 2 * i + 2),
    };
    const { ts, fast, tsProgress, fastProgress } = both(req);
    const label = `${c.features}-${c.hidden.join('-')}-1 on ${c.m} samples`;
    assert.equal(ts.status, 'done', label);
    assertAgree(fast, ts, 1e-9, label);
    assert.deepEqual(fastProgress, tsProgress, `${label}: progress calls`);
  });
});

test('fast engine: divergence is detected as on the TypeScript path (iteration, last finite loss, statuses)', () => {
  const statuses = new Set<string>();
  for (const lr of [1e30, 1e100, 1e150, 1e200, 1e300]) {
    for (const hidden of [[8, 8], [15], []]) {
      const req: TrainRequest = {
        config: { hidden_sizes: hidden, init: 'he_normal', learning_rate: lr, seed: 3 },
        checkpoints: [0, 5, 50, 400],
        thresholds: [0.5, 0.9],
        curve_every: 10,
        train: randomSplit(4, 201, 1),
        validation: randomSplit(4, 51, 2),
      };
      const { ts, fast, tsProgress, fastProgress } = both(req);
      const label = `lr ${lr}, hidden [${hidden.join(', ')}]`;
      assertAgree(fast, ts, 1e-9, label);
      assert.deepEqual(fastProgress, tsProgress, `${label}: progress calls`);
      statuses.add(ts.status);
      assertFiniteNumbers(fast, label);
    }
  }
  assert.ok(statuses.has('diverged'), 'some of these trainings diverge');

  // Parameters that overflow at the first update (large inputs, lr near the largest double), as opposed to
  // the cases above where finite parameters give infinite logits (lr 1e150 with [8, 8]).
  const big = randomSplit(3, 77, 4);
  big.X.data.forEach((v, i) => (big.X.data[i] = v * 1000));
  const req: TrainRequest = {
    config: { hidden_sizes: [5], init: 'lecun_normal', learning_rate: 1e307, seed: 2 },
    checkpoints: [3],
    thresholds: [0.5],
    curve_every: 1,
    train: big,
    validation: randomSplit(3, 20, 5),
  };
  const { ts, fast } = both(req);
  assert.equal(ts.status, 'diverged');
  assert.equal(ts.diverged?.iteration, 1);
  assertAgree(fast, ts, 1e-9, 'overflowing parameters');
});

test('fast engine: deterministic, and the same as a shorter training at its checkpoints (prefix sharing)', () => {
  const base: TrainRequest = {
    config: { hidden_sizes: [6, 4], init: 'he_uniform', learning_rate: 0.3, seed: 11 },
    checkpoints: [40, 120],
    thresholds: [0.3, 0.5],
    curve_every: 25,
    train: randomSplit(6, 123, 8),
    validation: randomSplit(6, 40, 9),
  };
  const fast = withEngine('fast', base);
  const a = train(fast);
  assert.deepEqual(train(fast), a);
  const short = train({ ...fast, checkpoints: [50] });
  const long = train({ ...fast, checkpoints: [50, 120] });
  assert.deepEqual(short.checkpoints[0], long.checkpoints[0]);
  assert.deepEqual(long.curve.slice(0, short.curve.length), short.curve);
});

test('fast engine: a larger training after smaller ones (the kernels memory grows) still matches', () => {
  const req: TrainRequest = {
    config: { hidden_sizes: [20], init: 'lecun_normal', learning_rate: 0.1, seed: 5 },
    checkpoints: [30],
    thresholds: [0.5],
    curve_every: 10,
    train: randomSplit(40, 5003, 21),
    validation: randomSplit(40, 17, 22),
  };
  const { ts, fast } = both(req);
  assertAgree(fast, ts, 1e-9, '40-20-1 on 5003 samples');
});

test('fast engine: implements every training option; the engine is checked', () => {
  const req: TrainRequest = {
    config: { hidden_sizes: [3], init: 'lecun_normal', learning_rate: 0.1, seed: 1, activation: 'tanh' },
    checkpoints: [10],
    thresholds: [0.5],
    curve_every: 5,
    train: randomSplit(2, 20, 1),
    validation: randomSplit(2, 10, 2),
  };
  // Every option the engine accepts is one the fast path implements: if this fails, an option was added to
  // the engine without the fast path, and every training using it would silently take the slow path.
  assert.deepEqual([...FAST_OPTIONS].sort(), [...OPTION_KEYS].sort());
  assert.equal(unsupportedReason(req.config), null);
  assert.equal(unsupportedReason({ ...req.config, optimizer: 'adam', l2: 0.01, batch_size: 4, dropout: 0.5, early_stopping: { patience: 2 } }), null);
  assert.equal(trainFast(withEngine('auto', req))?.status, 'done');
  assert.equal(trainFast(withEngine('fast', req))?.status, 'done');
  assert.equal(trainFast(withEngine('ts', req)), undefined);
  assert.throws(() => train(withEngine('turbo' as EngineMode, req)), /engine must be auto, fast, ts, got "turbo"/);
  assert.equal(FAST_PROGRESS_EVERY, PROGRESS_EVERY);
});

/** Data with many repeated samples: features from {0, 0.5, 1}, so 2 features give at most 9 x 2 distinct samples. */
function repetitiveSplit(features: number, m: number, seed: number): SplitData {
  const rng = new Rng(seed);
  const X: Matrix = { rows: features, cols: m, data: new Float64Array(features * m) };
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let f = 0; f < features; f++) {
      const v = rng.randint(3) / 2;
      X.data[f * m + j] = v;
      s += v * (f % 2 === 0 ? 1 : -1);
    }
    y[j] = (s > 0) !== rng.uniform(0, 1) < 0.2 ? 1 : 0;
  }
  return { X, y };
}

test('collapseDuplicates: one weighted column per distinct (features, label) sample, in first-seen order', () => {
  // 5 samples, 2 features: columns (0,1,y0) (2,3,y1) (0,1,y0) (0,1,y1) (2,3,y1).
  const X: Matrix = { rows: 2, cols: 5, data: new Float64Array([0, 2, 0, 0, 2, 1, 3, 1, 1, 3]) };
  const y = new Float64Array([0, 1, 0, 1, 1]);
  const c = collapseDuplicates(X, y);
  assert.equal(c.X.cols, 3);
  assert.deepEqual([...c.X.data], [0, 2, 0, 1, 3, 1]);
  assert.deepEqual([...c.y], [0, 1, 1]);
  assert.deepEqual([...c.weight], [2, 2, 1]);
  assert.deepEqual([...c.rep], [0, 1, 0, 2, 1]);
  // -0 and 0 are one value (they give the same sums): one column of weight 2, holding the first one seen.
  const z = collapseDuplicates({ rows: 1, cols: 2, data: new Float64Array([0, -0]) }, new Float64Array([1, 1]));
  assert.equal(z.X.cols, 1);
  assert.deepEqual([...z.weight], [2]);
  assert.ok(Object.is(z.X.data[0], 0));
});

test('fast engine: a thread that trained on nearly the same rows before trains on the rows it is given', () => {
  // The collapsed rows are kept per thread for the next training on the same split: rows differing in one
  // label, in one feature, or in nothing (new arrays) must each train as on their own.
  const base = repetitiveSplit(3, 200, 21);
  const oneLabel = { X: base.X, y: base.y.map((v, j) => (j === 57 ? 1 - v : v)) };
  const oneFeature = { X: { ...base.X, data: base.X.data.map((v, i) => (i === 3 * 200 - 1 ? v + 0.5 : v)) }, y: base.y };
  const copy = { X: { ...base.X, data: base.X.data.slice() }, y: base.y.slice() };
  const validation = repetitiveSplit(3, 40, 22);
  const request = (split: SplitData): TrainRequest => ({
    config: { hidden_sizes: [6], init: 'he_normal', learning_rate: 0.2, seed: 3 },
    checkpoints: [30, 120],
    thresholds: [0.5],
    curve_every: 30,
    train: split,
    validation,
  });
  const first = train(withEngine('fast', request(base)));
  for (const [name, split] of [['one label', oneLabel], ['one feature', oneFeature], ['a copy', copy]] as const) {
    const { ts, fast } = both(request(split));
    assertAgree(fast, ts, 1e-9, name);
  }
  assert.notDeepEqual(train(withEngine('fast', request(oneLabel))).curve, first.curve);
  assert.deepEqual(train(withEngine('fast', request(copy))), first);
});

test('fast engine: a thread draws each starting network once; later trainings from it, continued or not, train as the first', () => {
  // 3 features, layers [3, 1]: 13 normals, so numpy's cached second normal is part of the stream's state.
  const split = randomSplit(3, 90, 31);
  const validation = randomSplit(3, 30, 32);
  const request = (config: Partial<TrainingConfig>, extra: Partial<TrainRequest> = {}): TrainRequest => ({
    config: { hidden_sizes: [3, 1], init: 'he_normal', learning_rate: 0.3, seed: 9, ...config } as TrainingConfig,
    checkpoints: [40],
    thresholds: [0.5],
    curve_every: 20,
    train: split,
    validation,
    keep_state: true,
    ...extra,
  });
  const configs: Partial<TrainingConfig>[] = [{}, { hidden_sizes: [4] }, { activation: 'tanh' }, { dropout: 0.3 }, { seed: 10 }, {}];
  for (const [i, config] of configs.entries()) {
    const { ts, fast } = both(request(config));
    assertAgree(fast, ts, 1e-9, `training ${i}`);
    // Both streams are at the same place: right after the weights (and, with dropout, after the masks).
    assert.deepEqual(fast.state!.rng, ts.state!.rng, `training ${i}: stream`);
    if (!config.dropout) assert.equal(ts.state!.rng.gauss !== null, !config.hidden_sizes, `training ${i}: cached normal`);
    // Continued after other trainings from the same start: as one training of 80 updates.
    const rest = train(withEngine('fast', request(config, { checkpoints: [80], resume: fast.state! })));
    const one = train(withEngine('fast', request(config, { checkpoints: [40, 80] })));
    assert.deepEqual(rest.checkpoints, [one.checkpoints[1]], `training ${i}: continued`);
  }
});

test('fast engine: the losses before any update, kept per network and pair of splits, are those of each pair', () => {
  // One network (same seed, init, layers), trained on pairs of splits that share one of their two splits,
  // or differ in one value, or are one split twice (its scoring passes must not share buffers).
  const trainA = randomSplit(4, 60, 51);
  const valA = randomSplit(4, 60, 52);
  const valB = { X: { ...valA.X, data: valA.X.data.map((v, i) => (i === 7 ? v + 1 : v)) }, y: valA.y };
  const trainB = { X: trainA.X, y: trainA.y.map((v, j) => (j === 3 ? 1 - v : v)) };
  const pairs: [string, SplitData, SplitData][] = [
    ['A, A', trainA, valA],
    ['A, B', trainA, valB],
    ['B, A', trainB, valA],
    ['A, A again', trainA, valA],
    ['A twice', trainA, trainA],
    ['B twice', trainB, trainB],
  ];
  for (const [name, train, validation] of pairs) {
    const req: TrainRequest = {
      config: { hidden_sizes: [5], init: 'lecun_normal', learning_rate: 0.2, seed: 6 },
      checkpoints: [30],
      thresholds: [0.5],
      curve_every: 10,
      train,
      validation,
    };
    // Without a checkpoint at 0, the first point may come from an earlier training of this network.
    const { ts, fast } = both(req);
    assertAgree(fast, ts, 1e-9, name);
    // Update 0 is scored by the same TypeScript code from the same weights: equal to the bit.
    assert.deepEqual(fast.curve[0], ts.curve[0], `${name}: curve at 0`);
    // With one, it is scored there.
    const { ts: ts2, fast: fast2 } = both({ ...req, checkpoints: [0, 30] });
    assert.deepEqual(fast2.curve[0], ts2.curve[0], `${name}: curve at 0, a checkpoint there`);
    assert.deepEqual(fast2.checkpoints[0], ts2.checkpoints[0], `${name}: checkpoint at 0`);
    assert.deepEqual(fast2.checkpoints[1], fast.checkpoints[0], `${name}: checkpoint`);
  }
});

test('fast engine: data with many repeated samples matches the TypeScript path (weighted columns), divergence included', () => {
  const statuses = new Set<string>();
  for (const [hidden, lr] of [[[15], 0.1], [[6, 4], 0.5], [[], 0.3], [[8], 1e150]] as const) {
    const train = repetitiveSplit(2, 300, 7);
    assert.ok(collapseDuplicates(train.X, train.y).X.cols <= 18);
    const req: TrainRequest = {
      config: { hidden_sizes: [...hidden], init: 'he_normal', learning_rate: lr, seed: 11 },
      checkpoints: [1, 50, 400],
      thresholds: [0.3, 0.5],
      curve_every: 25,
      train,
      validation: repetitiveSplit(2, 60, 8),
    };
    const { ts, fast } = both(req);
    assertAgree(fast, ts, 1e-9, `hidden [${hidden.join(', ')}], lr ${lr}`);
    statuses.add(ts.status);
  }
  assert.deepEqual([...statuses].sort(), ['diverged', 'done']);
});
