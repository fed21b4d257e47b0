/**
 * Engine benchmarks, in this process on one thread: the oracle job (fast path, TypeScript path, numpy
 * reference) and the scaling of the fast path with samples, features and hidden units.
 */
import path from 'node:path';
import { Rng } from '../../src/train/rng.js';
import { train } from '../../src/train/train.js';
import type { HiddenActivationName, SplitData, TrainingConfig, TrainRequest } from '../../src/train/types.js';
import { collapseDuplicates, layOutForProfile, trainFast } from '../../src/train/fast/train-fast.js';
import { ensureMemory } from '../../src/train/fast/wasm.js';
import { loadWisconsin } from '../helpers/wisconsin.js';
import { PYTHON, REFS, WISCONSIN, cpuTime, median, run, time } from './measure.js';
import type { BenchRow } from './report.js';
import { withEngine } from '../helpers/engine.js';


/** Runs a Python script (argv[1:]) with time.perf_counter replaced by time.process_time: its timings in CPU time. */
const PROCESS_CLOCK = 'import runpy, sys, time; time.perf_counter = time.process_time; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")';

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
 * One training, one thread: ours (default engine, which collapses the 500 training rows to their 358
 * distinct ones, weighted by count), ours training every row (no collapsing), the TypeScript engine, and
 * numpy's training loop (train_seconds printed by dlnet_numpy.py: the loop only, like ours; 500 rows). Each
 * side makes 15,000 full-batch updates and computes the loss every 500. Runs alternate so that load on the
 * machine affects both sides alike. Then the same two comparisons in CPU time (ours: this process's; numpy's:
 * its process's, the script's clock replaced by time.process_time, all its threads counted): on a shared
 * machine wall times depend on how the scheduler shares the cores between the two sides, CPU times do not.
 */
export function oracleJob(reps: number, python: boolean): BenchRow[] {
  const req = oracleRequest();
  const fastReq = withEngine('fast', req);
  const distinct = collapseDuplicates(req.train.X, req.train.y).X.cols;
  const rows = req.train.X.cols;
  train(withEngine('auto', req)); // warm-up: JIT and WebAssembly tier-up
  trainFast(fastReq, undefined, { collapse: false });
  const fast: number[] = [];
  const every: number[] = [];
  const ts: number[] = [];
  const numpy: number[] = [];
  const fastCpu: number[] = [];
  const everyCpu: number[] = [];
  const numpyCpu: number[] = [];
  const script = [path.join(REFS, 'dlnet_numpy.py'), WISCONSIN, '0.01', '15000'];
  const numpySeconds = (args: string[]): number => (JSON.parse(run(PYTHON, args).stdout) as { train_seconds: number }).train_seconds;
  for (let r = 0; r < reps; r++) {
    fast.push(time(() => train(withEngine('auto', req))));
    every.push(time(() => trainFast(fastReq, undefined, { collapse: false })));
    if (python) numpy.push(numpySeconds(script));
    fastCpu.push(cpuTime(() => train(withEngine('auto', req))));
    everyCpu.push(cpuTime(() => trainFast(fastReq, undefined, { collapse: false })));
    if (python) numpyCpu.push(numpySeconds(['-c', PROCESS_CLOCK, ...script]));
    if (r < Math.max(1, Math.ceil(reps / 2))) ts.push(time(() => train(withEngine('ts', req))));
  }
  const reference = { reference: python ? median(numpy) : null, reference_samples: numpy, reference_name: `numpy (dlnet_numpy.py, ${rows} rows)` };
  const referenceCpu = { reference: python ? median(numpyCpu) : null, reference_samples: numpyCpu, reference_name: `numpy, CPU time (${rows} rows)` };
  return [
    {
      id: 'train-oracle-fast',
      case: `one training 9-15-1 x 15000 full-batch updates, 1 thread, default engine: ours trains the ${distinct} distinct rows weighted by count, numpy all ${rows}`,
      ours: median(fast),
      ours_samples: fast,
      unit: 's',
      ...reference,
      goal: '>= 2x numpy (aim 4x)',
      goal_ratio: 2,
      extra: { rows_ours: distinct, rows_reference: rows, updates: 15000 },
    },
    {
      id: 'train-oracle-fast-every-row',
      case: `same, fast engine without collapsing: ${rows} rows on both sides (same work per update)`,
      ours: median(every),
      ours_samples: every,
      unit: 's',
      ...reference,
      goal: '>= 3x numpy per update',
      goal_ratio: 3,
      extra: { rows_ours: rows, rows_reference: rows, updates: 15000 },
    },
    {
      id: 'train-oracle-fast-cpu',
      case: `same as the first row in CPU time (both sides): ours ${distinct} distinct rows weighted by count, numpy all ${rows}`,
      ours: median(fastCpu),
      ours_samples: fastCpu,
      unit: 's',
      ...referenceCpu,
      goal: '>= 2x numpy (aim 4x)',
      goal_ratio: 2,
      extra: { rows_ours: distinct, rows_reference: rows, updates: 15000, clock: 'process CPU time' },
    },
    {
      id: 'train-oracle-fast-every-row-cpu',
      case: `same without collapsing, in CPU time (both sides): ${rows} rows on both sides`,
      ours: median(everyCpu),
      ours_samples: everyCpu,
      unit: 's',
      ...referenceCpu,
      goal: '>= 3x numpy per update',
      goal_ratio: 3,
      extra: { rows_ours: rows, rows_reference: rows, updates: 15000, clock: 'process CPU time' },
    },
    {
      id: 'train-oracle-ts',
      case: `same, TypeScript engine (--engine ts): ${rows} rows on both sides`,
      ours: median(ts),
      ours_samples: ts,
      unit: 's',
      ...reference,
      goal: 'reference path',
      goal_ratio: null,
    },
  ];
}

/** The cases of torch_options.py, as our training configurations (its docstring states the settings). */
const TORCH_CASES: { id: string; label: string; config: Partial<TrainingConfig> }[] = [
  { id: 'adam', label: 'adam', config: { optimizer: 'adam' } },
  { id: 'adam_l2_dropout', label: 'adam, L2 1e-3, dropout 0.1', config: { optimizer: 'adam', l2: 1e-3, dropout: 0.1 } },
  { id: 'momentum_batch64', label: 'momentum 0.9 (lr 0.05), mini-batches of 64', config: { optimizer: 'momentum', momentum: 0.9, learning_rate: 0.05, batch_size: 64 } },
  { id: 'tanh_rmsprop_cosine', label: 'tanh hidden, rmsprop, cosine schedule', config: { activation: 'tanh', optimizer: 'rmsprop', lr_schedule: { kind: 'cosine' } } },
];

/**
 * The training options against PyTorch (torch_options.py: CPU, float64, one thread): 9-15-1 on the study's
 * 500 training rows, 15,000 updates each side (full batch of 500 rows, or mini-batches of 64), losses
 * computed only at the start and end on our side and at the end on PyTorch's; both times are the training
 * loop only. Ours is the default engine (no collapsing: these options do not allow it, except adam alone).
 */
export function torchCases(reps: number, torch: boolean): BenchRow[] {
  const data = loadWisconsin(WISCONSIN);
  return TORCH_CASES.map((c) => {
    const req: TrainRequest = {
      config: { hidden_sizes: [15], init: 'lecun_normal', learning_rate: 0.01, seed: 1, ...c.config } as TrainingConfig,
      checkpoints: [15000],
      thresholds: [0.5],
      curve_every: 15000,
      train: data.train,
      validation: data.validation,
    };
    train(req); // warm-up
    const ours: number[] = [];
    const ref: number[] = [];
    for (let r = 0; r < reps; r++) {
      ours.push(time(() => train(req)));
      if (torch) {
        const out = run(PYTHON, [path.join(REFS, 'torch_options.py'), WISCONSIN, c.id, '15000']);
        ref.push((JSON.parse(out.stdout) as { train_seconds: number }).train_seconds);
      }
    }
    const rows = c.config.batch_size ? `mini-batches of ${c.config.batch_size}` : c.config.optimizer === 'adam' && !c.config.dropout ? '358 distinct rows vs 500' : '500 rows';
    return {
      id: `train-torch-${c.id}`,
      case: `one training 9-15-1 x 15000 updates, 1 thread: ${c.label} (${rows})`,
      ours: median(ours),
      ours_samples: ours,
      unit: 's',
      reference: torch ? median(ref) : null,
      reference_samples: ref,
      reference_name: 'PyTorch (torch_options.py, float64, 1 thread)',
      goal: '>= 5x PyTorch',
      goal_ratio: 5,
      extra: { updates: 15000 },
    };
  });
}

/** The option of each per-update cost row: plain gd, then one option at a time, then the torch rows' combinations. */
const COST_CASES: { label: string; config: Partial<TrainingConfig> }[] = [
  { label: 'momentum', config: { optimizer: 'momentum' } },
  { label: 'nesterov', config: { optimizer: 'nesterov' } },
  { label: 'adagrad', config: { optimizer: 'adagrad' } },
  { label: 'rmsprop', config: { optimizer: 'rmsprop' } },
  { label: 'adam', config: { optimizer: 'adam' } },
  { label: 'L2 1e-3', config: { l2: 1e-3 } },
  { label: 'step schedule', config: { lr_schedule: { kind: 'step', every: 500 } } },
  { label: 'cosine schedule', config: { lr_schedule: { kind: 'cosine' } } },
  { label: 'sgdr schedule', config: { lr_schedule: { kind: 'sgdr', period: 500, multiplier: 2 } } },
  { label: 'leaky_relu', config: { activation: 'leaky_relu' } },
  { label: 'tanh', config: { activation: 'tanh' } },
  { label: 'sigmoid hidden', config: { activation: 'sigmoid' } },
  { label: 'dropout 0.1', config: { dropout: 0.1 } },
  { label: 'early stopping (a check every update)', config: { early_stopping: { patience: 1000000 } } },
  { label: 'adam + L2 + dropout 0.1', config: { optimizer: 'adam', l2: 1e-3, dropout: 0.1 } },
  { label: 'tanh + rmsprop + cosine', config: { activation: 'tanh', optimizer: 'rmsprop', lr_schedule: { kind: 'cosine' } } },
];

/**
 * Per-update cost of each option on the fast engine against plain gradient descent on the same shape
 * (9-15-1, all 500 study rows in every update, no collapsing on either side), 4,000 updates per training,
 * alternating. Mini-batches change the shape (64 rows per update), so they are the torch rows' business.
 * Timed in process CPU time (one thread, in this process), so that other processes on a shared machine do
 * not count; both sides alike.
 */
export function optionCosts(reps: number): BenchRow[] {
  const data = loadWisconsin(WISCONSIN);
  const N = 4000;
  const req = (config: Partial<TrainingConfig>): TrainRequest =>
    withEngine('fast', {
      config: { hidden_sizes: [15], init: 'lecun_normal', learning_rate: 0.01, seed: 1, ...config } as TrainingConfig,
      checkpoints: [N],
      thresholds: [0.5],
      curve_every: N,
      train: data.train,
      validation: data.validation,
    });
  const plain = req({});
  const gd = (): number => cpuTime(() => trainFast(plain, undefined, { collapse: false })) / N;
  gd();
  return COST_CASES.map((c) => {
    const r = req(c.config);
    trainFast(r, undefined, { collapse: false });
    const ours: number[] = [];
    const ref: number[] = [];
    for (let i = 0; i < reps; i++) {
      ours.push(cpuTime(() => trainFast(r, undefined, { collapse: false })) / N);
      ref.push(gd());
    }
    return {
      id: `cost-${c.label.replace(/[^a-z0-9]+/gi, '-')}`,
      case: `per update (CPU time), 9-15-1 on 500 rows, fast engine: ${c.label} vs plain gd (ratio < 1: the option costs more)`,
      ours: median(ours) * 1e6,
      ours_samples: ours.map((s) => s * 1e6),
      unit: 'us',
      reference: median(ref) * 1e6,
      reference_samples: ref.map((s) => s * 1e6),
      reference_name: 'plain gd',
      goal: '<= 1.5x plain gd',
      goal_ratio: 1 / 1.5,
      extra: { updates: N, cost_vs_gd: median(ours) / median(ref) },
    };
  });
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

/**
 * Where a plain-gd update's time goes (the oracle job's 9-15-1 on 500 rows, collapsed to 358 and padded to
 * 360, and all 500 rows padded to 504): each phase timed alone over many updates, its multiply-add count,
 * and the fraction of the 128-bit SIMD peak it reaches, the peak being measured here right before each
 * sample (12 independent multiply-add chains on operands in L1 cache, no fused multiply-add). One row per
 * phase and per layout; then the forward pass and the whole update with tanh and sigmoid hidden units on
 * all 500 rows (the activation's own cost is the difference from relu's: it adds no multiply-adds).
 * Process CPU time, as optionCosts.
 */
export function kernelPhases(reps: number): BenchRow[] {
  const data = loadWisconsin(WISCONSIN);
  const req: TrainRequest = {
    config: { hidden_sizes: [15], init: 'lecun_normal', learning_rate: 0.01, seed: 1 },
    checkpoints: [1],
    thresholds: [0.5],
    curve_every: 1,
    train: data.train,
    validation: data.validation,
  };
  const rows: BenchRow[] = [];
  const probe = layOutForProfile(req);
  const k = probe.kernels;
  // The peak loop's operands (12 vectors and the factor) go in a page added above the training's buffers.
  let src = 0;
  const placePeak = (): void => {
    src = k.memory.buffer.byteLength;
    ensureMemory(k, src + 65536);
    new Float64Array(k.memory.buffer, src, 25).fill(0.5);
  };
  placePeak();
  const peakOf = (rounds: number): number => (48 * rounds) / cpuTime(() => k.peak(rounds, src));
  peakOf(1000);
  const peaks: number[] = [];
  for (let r = 0; r < reps; r++) peaks.push(peakOf(5e7));
  const peakFlops = median(peaks);
  rows.push({
    id: 'kernel-peak',
    case: 'kernels: 128-bit SIMD peak of separate multiplies and adds, 1 thread (Gflop/s)',
    ours: peakFlops / 1e9,
    ours_samples: peaks.map((p) => p / 1e9),
    unit: 'Gflop/s',
    reference: null,
    reference_samples: [],
    reference_name: null,
    goal: 'the ceiling of the rows below',
    goal_ratio: null,
  });
  const layouts: { collapse: boolean; activation: HiddenActivationName }[] = [
    { collapse: true, activation: 'relu' },
    { collapse: false, activation: 'relu' },
    { collapse: false, activation: 'tanh' },
    { collapse: false, activation: 'sigmoid' },
  ];
  for (const { collapse, activation } of layouts) {
    const relu = activation === 'relu';
    const { desc, samples } = layOutForProfile({ ...req, config: { ...req.config, activation } }, { collapse });
    placePeak();
    const mp = Math.ceil(samples / 8) * 8;
    // Multiply-adds per update on the padded samples: forward 9x15 + 15 (output), backward 15 (output
    // weights) + 15 (input gradient) + 9x15 (first-layer weights).
    const madds: Record<string, number> = { forward: (9 * 15 + 15) * mp, backward: (15 + 15 + 9 * 15) * mp, update: 166 };
    const phases: [string, number][] = relu ? [['forward', 1], ['backward', 2], ['update', 4], ['whole update', 7]] : [['forward', 1], ['whole update', 7]];
    const n = 2000;
    k.profilePhases(desc, 200, 7, 0);
    for (const [name, mask] of phases) {
      const samplesT: number[] = [];
      const shares: number[] = [];
      const m = name === 'whole update' ? madds.forward + madds.backward + madds.update : madds[name];
      for (let r = 0; r < reps; r++) {
        // The peak is timed right before each sample, so that both see the machine in the same state.
        const p = peakOf(1e7);
        const t = cpuTime(() => k.profilePhases(desc, n, mask, 0)) / n;
        samplesT.push(t);
        shares.push((2 * m) / t / p);
      }
      const t = median(samplesT);
      const share = median(shares);
      rows.push({
        id: `kernel-${collapse ? 'collapsed' : 'every-row'}-${relu ? '' : `${activation}-`}${name.replace(' ', '-')}`,
        case: `kernels, plain gd 9-15-1${relu ? '' : ` with ${activation} hidden units`} on ${samples} rows (padded to ${mp}): ${name}, ${m} multiply-adds: ${(100 * share).toFixed(0)}% of the SIMD peak`,
        ours: t * 1e6,
        ours_samples: samplesT.map((x) => x * 1e6),
        unit: 'us',
        reference: null,
        reference_samples: [],
        reference_name: null,
        goal: 'measured: where the time goes',
        goal_ratio: null,
        extra: { multiply_adds: m, share_of_peak: share, share_samples: shares },
      });
    }
  }
  return rows;
}
