import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Rng } from '../../src/train/rng.js';
import { predictProba, train } from '../../src/train/train.js';
import type { ClassificationMetrics, Matrix, SplitData, TrainRequest, TrainResult } from '../../src/train/types.js';
import { loadWisconsin, WISCONSIN_CSV, WISCONSIN_ORACLE } from '../helpers/wisconsin.js';
import { GET_WISCONSIN, skipUnlessPresent } from '../helpers/requirements.js';

interface Oracle {
  about: string;
  learning_rate: number;
  iterations: number;
  dims: number[];
  loss_every_500: Record<string, number>;
  after_15000_updates: Record<
    string,
    { train_accuracy: number; validation_accuracy: number; train_errors: number; validation_errors: number }
  >;
}

const THRESHOLDS = [0.5, 0.7, 0.8, 0.9];
const skipReason = skipUnlessPresent([WISCONSIN_CSV, WISCONSIN_ORACLE], GET_WISCONSIN);

function studyRequest(data: { train: SplitData; validation: SplitData }, checkpoints: number[]): TrainRequest {
  return {
    config: { hidden_sizes: [15], init: 'lecun_normal', learning_rate: 0.01, seed: 1 },
    checkpoints,
    thresholds: THRESHOLDS,
    curve_every: 500,
    train: data.train,
    validation: data.validation,
  };
}

function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (value && typeof value === 'object') return Object.values(value).some(hasNaN);
  return false;
}

// One shared training for the oracle checks (15000 updates).
let studyRun: { result: TrainResult; ms: number } | undefined;
function runStudy(): { result: TrainResult; ms: number } {
  if (!studyRun) {
    const data = loadWisconsin();
    const t0 = performance.now();
    const result = train(studyRequest(data, [5000, 15000]));
    studyRun = { result, ms: performance.now() - t0 };
  }
  return studyRun;
}

test('oracle: 9-15-1 Wisconsin network matches the numpy reference', { skip: skipReason }, (t) => {
  const oracle = JSON.parse(readFileSync(WISCONSIN_ORACLE, 'utf8')) as Oracle;
  const data = loadWisconsin();
  assert.equal(data.train.X.cols, 500);
  assert.equal(data.validation.X.cols, 182);
  assert.equal(data.rows, 683);
  const { result, ms } = runStudy();
  t.diagnostic(`15000-update training (with scoring at 5000 and 15000) took ${ms.toFixed(0)} ms`);

  assert.equal(result.status, 'done');
  assert.equal(result.iterations_run, oracle.iterations);
  assert.deepEqual(result.checkpoints[1].model?.dims, oracle.dims);

  // Losses after k updates, every 500, within 1e-9.
  const curve = new Map(result.curve.map((p) => [p.iteration, p.train_loss]));
  const keys = Object.keys(oracle.loss_every_500);
  assert.equal(keys.length, 30);
  for (const k of keys) {
    const ours = curve.get(Number(k));
    assert.ok(ours !== undefined, `curve has iteration ${k}`);
    const diff = Math.abs(ours - oracle.loss_every_500[k]);
    assert.ok(diff < 1e-9, `loss at ${k}: ${ours} vs ${oracle.loss_every_500[k]} (diff ${diff})`);
  }
  assert.deepEqual(
    result.curve.map((p) => p.iteration),
    [...keys.map(Number), 15000],
  );

  // Accuracies and error counts after 15000 updates, exactly.
  const final = result.checkpoints[1];
  assert.equal(final.iteration, 15000);
  THRESHOLDS.forEach((th, i) => {
    const ref = oracle.after_15000_updates[String(th)];
    const tr = final.train[i];
    const va = final.validation[i];
    const errors = (m: ClassificationMetrics): number => m.confusion.fp + m.confusion.fn;
    assert.equal(tr.threshold, th);
    assert.equal(tr.accuracy, ref.train_accuracy, `train accuracy at ${th}`);
    assert.equal(va.accuracy, ref.validation_accuracy, `validation accuracy at ${th}`);
    assert.equal(errors(tr), ref.train_errors, `train errors at ${th}`);
    assert.equal(errors(va), ref.validation_errors, `validation errors at ${th}`);
    assert.equal(tr.samples, 500);
    assert.equal(va.samples, 182);
  });

  // The snapshot re-predicts the same probabilities (model.json round trip).
  const model = JSON.parse(JSON.stringify(final.model));
  const p = predictProba(model, data.validation.X);
  const errors = p.reduce((n, pj, j) => n + (Number(pj > 0.9) !== data.validation.y[j] ? 1 : 0), 0);
  assert.equal(errors, oracle.after_15000_updates['0.9'].validation_errors);
  assert.ok(!hasNaN(result));
});

test('prefix sharing: checkpoint 5000 of a 15000-update training equals a 5000-update training', { skip: skipReason }, () => {
  const data = loadWisconsin();
  const long = runStudy().result;
  const short = train(studyRequest(data, [5000]));
  assert.deepEqual(long.checkpoints[0], short.checkpoints[0]);
  assert.equal(long.checkpoints[0].status, 'done');
  assert.deepEqual(long.curve.slice(0, short.curve.length), short.curve);
  assert.equal(short.curve.at(-1)?.iteration, 5000);
  assert.equal(short.iterations_run, 5000);
});

/** Synthetic data for the engine-only tests (run even when the reference files are absent). */
function synthetic(m: number, seed: number): SplitData {
  const rng = new Rng(seed);
  const X: Matrix = { rows: 4, cols: m, data: new Float64Array(4 * m) };
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let f = 0; f < 4; f++) {
      const v = rng.uniform(0, 1);
      X.data[f * m + j] = v;
      s += v;
    }
    y[j] = s > 2 ? 1 : 0;
  }
  return { X, y };
}

test('divergence: a huge learning rate stops with status diverged and no NaN anywhere', () => {
  const req: TrainRequest = {
    config: { hidden_sizes: [8, 8], init: 'he_normal', learning_rate: 1e200, seed: 3 },
    checkpoints: [0, 50, 1000],
    thresholds: [0.5, 0.9],
    curve_every: 10,
    train: synthetic(200, 1),
    validation: synthetic(50, 2),
  };
  const r = train(req);
  assert.equal(r.status, 'diverged');
  assert.ok(r.diverged !== undefined);
  const { iteration, last_finite_loss } = r.diverged;
  assert.ok(iteration >= 1 && iteration < 50, `diverged at ${iteration}`);
  assert.ok(last_finite_loss !== null && Number.isFinite(last_finite_loss));
  assert.ok(r.iterations_run <= iteration);
  assert.deepEqual(
    r.checkpoints.map((c) => [c.iteration, c.status]),
    [
      [0, 'done'],
      [50, 'diverged'],
      [1000, 'diverged'],
    ],
  );
  assert.equal(r.checkpoints[0].train.length, 2);
  assert.ok(r.checkpoints[0].model !== undefined);
  assert.deepEqual(r.checkpoints[1].train, []);
  assert.deepEqual(r.checkpoints[1].validation, []);
  assert.equal(r.checkpoints[1].model, undefined);
  assert.ok(r.curve.every((p) => Number.isFinite(p.train_loss) && p.iteration < iteration));
  assert.ok(!hasNaN(r));
  assert.doesNotThrow(() => JSON.stringify(r));
});

test('a finite but poor training is done, and onProgress is called at most every 100 updates', () => {
  const calls: number[] = [];
  const r = train(
    {
      config: { hidden_sizes: [5], init: 'glorot_uniform', learning_rate: 0.5, seed: 7 },
      checkpoints: [250],
      thresholds: [0.5],
      curve_every: 100,
      train: synthetic(100, 5),
      validation: synthetic(30, 6),
    },
    (k) => calls.push(k),
  );
  assert.equal(r.status, 'done');
  assert.equal(r.diverged, undefined);
  assert.deepEqual(calls, [100, 200, 250]);
  assert.deepEqual(
    r.curve.map((p) => p.iteration),
    [0, 100, 200, 250],
  );
  assert.ok(r.curve[3].train_loss < r.curve[0].train_loss);
  assert.equal(r.checkpoints[0].train[0].loss, r.curve[3].train_loss);
  assert.equal(r.checkpoints[0].validation[0].loss, r.curve[3].validation_loss);
});

test('training is deterministic: same request, same result', () => {
  const req: TrainRequest = {
    config: { hidden_sizes: [6, 4], init: 'he_uniform', learning_rate: 0.3, seed: 11 },
    checkpoints: [40, 120],
    thresholds: [0.3, 0.5],
    curve_every: 25,
    train: synthetic(120, 8),
    validation: synthetic(40, 9),
  };
  assert.deepEqual(train(req), train(req));
});
