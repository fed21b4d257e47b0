/**
 * Engine benchmarks, in this process on one thread: the oracle job (fast path, TypeScript path, numpy
 * reference) and the scaling of the fast path with samples, features and hidden units.
 */
import path from 'node:path';
import { Rng } from '../../src/train/rng.js';
import { train } from '../../src/train/train.js';
import type { SplitData, TrainRequest } from '../../src/train/types.js';
import { loadWisconsin } from '../helpers/wisconsin.js';
import { PYTHON, REFS, WISCONSIN, median, run, time } from './measure.js';
import type { BenchRow } from './report.js';
import { withEngine } from '../helpers/engine.js';


/** The oracle job: 9-15-1, lr 0.01, 15000 updates on the 500 training rows, loss every 500 (as numpy's). */
function oracleRequest(): TrainRequest {
  const data = loadWisconsin(WISCONSIN);
  return {
    config: { hidden_sizes: [15], init: 'lecun_normal', learning_rate: 0.01, seed: 1 },
    checkpoints: [15000],
    thresholds: [0.5, 0.7, 0.8, 0.9],
    curve_every: 500,
    train: data.train,
    validation: data.validation,
  };
}

/**
 * One training, one thread: ours (default engine), the TypeScript engine, numpy's training loop
 * (train_seconds printed by dlnet_numpy.py: the loop only, like ours). Runs alternate so that load on
 * the machine affects both sides alike.
 */
export function oracleJob(reps: number, python: boolean): BenchRow[] {
  const req = oracleRequest();
  train(withEngine('auto', req)); // warm-up: JIT and WebAssembly tier-up
  const fast: number[] = [];
  const ts: number[] = [];
  const numpy: number[] = [];
  for (let r = 0; r < reps; r++) {
    fast.push(time(() => train(withEngine('auto', req))));
    if (python) {
      const out = run(PYTHON, [path.join(REFS, 'dlnet_numpy.py'), WISCONSIN, '0.01', '15000']);
      numpy.push((JSON.parse(out.stdout) as { train_seconds: number }).train_seconds);
    }
    if (r < Math.max(1, Math.ceil(reps / 2))) ts.push(time(() => train(withEngine('ts', req))));
  }
  const rows: BenchRow[] = [
    {
      id: 'train-oracle-fast',
      case: 'one training 9-15-1 x 15000 updates, 1 thread (default engine)',
      ours: median(fast),
      ours_samples: fast,
      unit: 's',
      reference: python ? median(numpy) : null,
      reference_samples: numpy,
      reference_name: 'numpy (dlnet_numpy.py)',
      goal: '>= 2x numpy (aim 4x)',
      goal_ratio: 2,
    },
    {
      id: 'train-oracle-ts',
      case: 'same, TypeScript engine (--engine ts)',
      ours: median(ts),
      ours_samples: ts,
      unit: 's',
      reference: python ? median(numpy) : null,
      reference_samples: numpy,
      reference_name: 'numpy (dlnet_numpy.py)',
      goal: 'reference path',
      goal_ratio: null,
    },
  ];
  return rows;
}

/** Synthetic data: features ~ U(0, 1), labels from a random linear rule. X: [features x m]. */
function synthetic(features: number, m: number, seed: number): SplitData {
  const rng = new Rng(seed);
  const data = new Float64Array(features * m);
  for (let i = 0; i < data.length; i++) data[i] = rng.randomDouble();
  const w = Array.from({ length: features }, () => rng.standardNormal());
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let f = 0; f < features; f++) s += w[f] * (data[f * m + j] - 0.5);
    y[j] = s > 0 ? 1 : 0;
  }
  return { X: { rows: features, cols: m, data }, y };
}

/**
 * Time per update of the fast path for one shape, as the difference between trainings of 2n and n updates
 * (which cancels set-up and scoring), so the cost per sample-iteration is the update loop's alone.
 */
function perUpdate(features: number, m: number, hidden: number, reps: number): { seconds: number; samples: number[]; n: number } {
  const weights = features * hidden + hidden + hidden + 1;
  // About 2e9 multiply-adds per training of n updates (half a second or so), at least 4 updates: enough
  // that the difference of the two trainings stands well above the noise of their set-up.
  const n = Math.max(4, Math.round(2e9 / (2 * m * weights)));
  const trainSplit = synthetic(features, m, 1);
  const validation = synthetic(features, 64, 2);
  const req = (updates: number): TrainRequest => ({
    config: { hidden_sizes: [hidden], init: 'he_normal', learning_rate: 0.05, seed: 1 },
    checkpoints: [updates],
    thresholds: [0.5],
    curve_every: updates,
    train: trainSplit,
    validation,
  });
  train(req(2)); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t1 = time(() => train(req(n)));
    const t2 = time(() => train(req(2 * n)));
    samples.push(Math.max(0, t2 - t1) / n);
  }
  return { seconds: median(samples), samples, n };
}

/** Scaling of the fast path: ns per sample-iteration over samples x features x hidden units. */
export function scaling(reps: number, quick: boolean): BenchRow[] {
  const shapes: [number, number, number][] = quick
    ? [
        [9, 1000, 15],
        [9, 100000, 15],
        [90, 10000, 15],
      ]
    : [
        [9, 1000, 15],
        [9, 10000, 15],
        [9, 100000, 15],
        [90, 1000, 15],
        [90, 10000, 15],
        [90, 100000, 15],
        [9, 10000, 60],
        [90, 10000, 60],
      ];
  return shapes.map(([f, m, h]) => {
    const r = perUpdate(f, m, h, reps); // the default engine (auto)
    const perSample = (r.seconds / m) * 1e9;
    const perWeight = perSample / (f * h + 2 * h + 1);
    return {
      id: `scale-${f}x${m}x${h}`,
      case: `scaling: ${f} features, ${m} samples, ${h} hidden: ns per sample-iteration (per weight: ${perWeight.toFixed(3)})`,
      ours: perSample,
      ours_samples: r.samples.map((s) => (s / m) * 1e9),
      unit: 'ns',
      reference: null,
      reference_samples: [],
      reference_name: null,
      goal: 'linear: ns per sample-iteration-weight about constant',
      goal_ratio: null,
      extra: { updates_timed: r.n, ns_per_sample_iteration_weight: perWeight, us_per_update: r.seconds * 1e6 },
    };
  });
}
