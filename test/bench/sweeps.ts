/**
 * Sweep benchmarks, end to end: each case spawns the built CLI (`dlsweep run FILE --quiet`) in a temporary
 * runs folder, so planning, sharing, the worker pool and recording are all in the time (and so is Node's
 * start-up, about 0.1 s). scikit-learn's GridSearchCV (sklearn_grid.py, 2 jobs) is the reference where one
 * exists; its wall_seconds covers the fit only, without Python's start-up and imports.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, PYTHON, REFS, REPO, WISCONSIN, cliEnv, median, run } from './measure.js';
import type { BenchRow } from './report.js';
import { loadExperiment } from '../../src/experiment/load.js';
import { summarizePlan } from '../../src/sweep/plan.js';

const DATA_DIR = path.dirname(WISCONSIN);

/** A temporary folder for experiment files and runs, removed by cleanup(). */
export class Scratch {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'dlsweep-bench-'));
  private n = 0;
  /** Writes an experiment file and returns its path. */
  experiment(yaml: string): string {
    const file = path.join(this.dir, `exp-${++this.n}.yaml`);
    writeFileSync(file, yaml);
    return file;
  }
  /** A fresh runs folder. */
  runsDir(): string {
    return path.join(this.dir, `runs-${++this.n}`);
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface SweepFacts {
  seconds: number;
  grid_size: number;
  trainings: number;
}

/** Runs `dlsweep run` on an experiment file; returns the wall time and what sweep.json says. */
function runSweep(s: Scratch, file: string, args: string[]): SweepFacts {
  const runsDir = s.runsDir();
  const { seconds } = run(process.execPath, [CLI, '--runs-dir', runsDir, 'run', file, '--quiet', '--data-dir', DATA_DIR, ...args], { env: cliEnv() });
  const expDirs = readdirSync(runsDir).filter((d) => !d.startsWith('.'));
  const expDir = path.join(runsDir, expDirs[0]);
  const sweepId = readdirSync(expDir).filter((d) => !d.startsWith('.'))[0];
  const sweep = JSON.parse(readFileSync(path.join(expDir, sweepId, 'sweep.json'), 'utf8')) as { grid_size: number; trainings: number; counts: Record<string, number> };
  if (sweep.counts.done + (sweep.counts.diverged ?? 0) !== sweep.grid_size) {
    throw new Error(`sweep ${file} did not record every point: ${JSON.stringify(sweep.counts)}`);
  }
  rmSync(runsDir, { recursive: true, force: true });
  return { seconds, grid_size: sweep.grid_size, trainings: sweep.trainings };
}

/** The grid of sklearn_grid.py: lr {0.003, 0.01, 0.07} x hidden {5, 15, 30} x iterations {3000, 15000}. */
function sklearnGrid(thresholds: number[]): string {
  return `name: bench-sklearn-grid
dataset: wisconsin
fixed:
  init: lecun_normal
  seed: 1
grid:
  learning_rate: [0.003, 0.01, 0.07]
  hidden_sizes: [[5], [15], [30]]
  iterations: [3000, 15000]
  threshold: [${thresholds.join(', ')}]
record:
  curve_every: 500
`;
}

/**
 * The scikit-learn comparison: the same 9-H-1 relu/sigmoid network, full-batch gradient descent, split
 * and grid, with 1 threshold (18 points) or 4 (72 points; sklearn refits for each threshold).
 */
export function sklearnCases(s: Scratch, reps: number, python: boolean, with72: boolean): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const nThr of with72 ? [1, 4] : [1]) {
    const thresholds = [0.5, 0.7, 0.8, 0.9].slice(0, nThr);
    const file = s.experiment(sklearnGrid(thresholds));
    const ours: number[] = [];
    const ref: number[] = [];
    let facts: SweepFacts | undefined;
    // scikit-learn's runs are long (18 points: ~10-30 s, 72 points: ~35-70 s): two or three repetitions,
    // alternating with ours so that the machine's slower and faster spells fall on both sides. The 72-point
    // goal is the tightest, so that case gets more of both.
    const ourReps = nThr === 4 && reps > 1 ? reps + 2 : reps;
    const refReps = nThr === 4 && reps > 1 ? 3 : Math.min(reps, 2);
    for (let r = 0; r < ourReps; r++) {
      facts = runSweep(s, file, ['--workers', '2']);
      ours.push(facts.seconds);
      if (python && r < refReps) {
        const out = run(PYTHON, [path.join(REFS, 'sklearn_grid.py'), WISCONSIN, String(nThr)]);
        ref.push((JSON.parse(out.stdout) as { wall_seconds: number }).wall_seconds);
      }
    }
    const points = 18 * nThr;
    // Updates trained on each side: ours from the planner; scikit-learn fits every point on its own.
    const plan = summarizePlan(loadExperiment(file, { dataDir: DATA_DIR }), { fingerprint: '', features: 9, trainSamples: 500, folds: 1 });
    const sklearnUpdates = 9 * (3000 + 15000) * nThr;
    rows.push({
      id: `sweep-sklearn-${points}`,
      case: `sweep of ${points} points (sklearn_grid.py's grid${nThr > 1 ? ' + 4 thresholds' : ''}), 2 workers, end to end: ${facts!.trainings} trainings, ${plan.plannedIterations} updates (scikit-learn: ${points} fits, ${sklearnUpdates} updates)`,
      ours: median(ours),
      ours_samples: ours,
      unit: 's',
      reference: python ? median(ref) : null,
      reference_samples: ref,
      reference_name: 'scikit-learn GridSearchCV, 2 jobs',
      goal: nThr > 1 ? '>= 15x sklearn' : '>= 4x sklearn',
      goal_ratio: nThr > 1 ? 15 : 4,
      extra: { grid_size: facts!.grid_size, trainings: facts!.trainings, updates_ours: plan.plannedIterations, updates_reference: sklearnUpdates },
    });
  }
  return rows;
}

/** The seed article's experiment with 3 iteration counts x 4 thresholds: sharing on versus --no-share. */
export function sharingCase(s: Scratch, reps: number): BenchRow[] {
  const file = s.experiment(`name: bench-sharing
dataset: wisconsin
fixed:
  hidden_sizes: [15]
  init: lecun_normal
  seed: 1
  learning_rate: 0.01
grid:
  iterations: [5000, 10000, 15000]
  threshold: [0.5, 0.7, 0.8, 0.9]
record:
  curve_every: 500
`);
  const shared: number[] = [];
  const alone: number[] = [];
  let a: SweepFacts | undefined;
  let b: SweepFacts | undefined;
  for (let r = 0; r < reps; r++) {
    a = runSweep(s, file, ['--workers', '2']);
    shared.push(a.seconds);
    b = runSweep(s, file, ['--workers', '2', '--no-share']);
    alone.push(b.seconds);
  }
  // Work: the updates each side trains, from the planner itself (the same counts `dlsweep run` prints).
  const exp = loadExperiment(file, { dataDir: DATA_DIR });
  const shape = { fingerprint: '', features: 9, trainSamples: 500, folds: 1 };
  const withSharing = summarizePlan(exp, shape);
  const without = summarizePlan(exp, shape, { share: false });
  const updatesShared = withSharing.plannedIterations;
  const updatesAlone = without.plannedIterations;
  return [
    {
      id: 'sweep-sharing',
      case: `seed article, 3 iteration counts x 4 thresholds = ${a!.grid_size} points: ${a!.trainings} training(s), ${updatesShared} updates, shared vs ${b!.trainings} trainings, ${updatesAlone} updates, with --no-share (${(updatesAlone / updatesShared).toFixed(1)}x less work, from the plan); wall time, 2 workers`,
      ours: median(shared),
      ours_samples: shared,
      unit: 's',
      reference: median(alone),
      reference_samples: alone,
      reference_name: 'same sweep with --no-share',
      goal: '>= 8x less work',
      goal_ratio: null,
      extra: { grid_size: a!.grid_size, trainings_shared: a!.trainings, trainings_no_share: b!.trainings, updates_shared: updatesShared, updates_no_share: updatesAlone, work_ratio: updatesAlone / updatesShared },
    },
  ];
}

/**
 * Sixteen equal trainings (seeds 1..16, 9-15-1, 65000 updates, the seed article's longer count): --workers 1
 * versus --workers 2. Enough work that the parallel part, not the process's fixed start-up and report time
 * (about a second, serial whatever the workers), is what the ratio measures.
 */
export function workersCase(s: Scratch, reps: number): BenchRow[] {
  const file = s.experiment(`name: bench-workers
dataset: wisconsin
fixed:
  hidden_sizes: [15]
  init: lecun_normal
  learning_rate: 0.01
  iterations: 65000
grid:
  seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
record:
  curve_every: 500
`);
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < reps; r++) {
    one.push(runSweep(s, file, ['--workers', '1']).seconds);
    two.push(runSweep(s, file, ['--workers', '2']).seconds);
  }
  return [
    {
      id: 'sweep-workers',
      case: '16 equal trainings (9-15-1 x 65000 updates), --workers 2 (reference: --workers 1)',
      ours: median(two),
      ours_samples: two,
      unit: 's',
      reference: median(one),
      reference_samples: one,
      reference_name: 'same sweep with --workers 1',
      goal: '>= 1.8x',
      goal_ratio: 1.8,
    },
  ];
}

/** 1,000 trainings of 10 updates each (seeds 1..1000), 2 workers: runs recorded per second. */
export function recordingCase(s: Scratch, reps: number): BenchRow[] {
  const seeds = Array.from({ length: 1000 }, (_, i) => i + 1);
  const file = s.experiment(`name: bench-recording
dataset: wisconsin
fixed:
  hidden_sizes: [15]
  init: lecun_normal
  learning_rate: 0.01
  iterations: 10
grid:
  seed: [${seeds.join(', ')}]
record:
  curve_every: 5
`);
  const rates: number[] = [];
  const secs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const f = runSweep(s, file, ['--workers', '2']);
    secs.push(f.seconds);
    rates.push(f.grid_size / f.seconds);
  }
  return [
    {
      id: 'sweep-recording',
      case: `1,000 trainings of 10 updates, 2 workers, end to end (${median(secs).toFixed(2)} s): runs recorded per second`,
      ours: median(rates),
      ours_samples: rates,
      unit: 'runs/s',
      reference: null,
      reference_samples: [],
      reference_name: null,
      goal: '>= 200 runs/s',
      goal_ratio: null,
      goal_min: 200,
    },
  ];
}

/** `dlsweep plan` on a grid of 1,000,000 points (100 learning rates x 100 seeds x 100 thresholds). */
export function planCase(s: Scratch, reps: number): BenchRow[] {
  const list = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i)).join(', ');
  const file = s.experiment(`name: bench-plan
dataset: wisconsin
fixed:
  hidden_sizes: [15]
  init: lecun_normal
  iterations: 1000
grid:
  learning_rate: [${list(100, (i) => Number((0.001 * (i + 1)).toPrecision(6)))}]
  seed: [${list(100, (i) => i + 1)}]
  threshold: [${list(100, (i) => Number((0.005 + 0.0099 * i).toPrecision(6)))}]
`);
  const child = path.join(REPO, 'dist/test/bench/plan-child.js');
  const secs: number[] = [];
  const mib: number[] = [];
  for (let r = 0; r < reps; r++) {
    const out = run(process.execPath, [child, file, DATA_DIR], { env: cliEnv() });
    const facts = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { seconds: number; max_rss_mib: number; grid_line: string };
    if (!/1,000,000 grid points/.test(facts.grid_line)) throw new Error(`unexpected plan output: ${facts.grid_line}`);
    secs.push(out.seconds);
    mib.push(facts.max_rss_mib);
  }
  return [
    {
      id: 'plan-1m',
      case: `dlsweep plan, 1,000,000 grid points, whole process (peak memory ${median(mib).toFixed(0)} MiB, goal < 300 MiB)`,
      ours: median(secs),
      ours_samples: secs,
      unit: 's',
      reference: null,
      reference_samples: [],
      reference_name: null,
      goal: '< 10 s and < 300 MiB',
      goal_ratio: null,
      goal_max: 10,
      extra: { max_rss_mib: median(mib), max_rss_samples: mib },
    },
  ];
}

/**
 * The example experiments/optimizers.yaml (4 optimizers x 3 schedules x 3 rates = 36 runs of 2,000 updates),
 * whole `dlsweep run` processes, 2 workers: the default engine against --engine ts, which is how the default
 * trained these options before the fast engine implemented them. The same 36 trainings on each side.
 */
export function optimizersCase(s: Scratch, reps: number): BenchRow[] {
  const file = path.join(REPO, 'experiments/optimizers.yaml');
  const ours: number[] = [];
  const ref: number[] = [];
  let facts: SweepFacts | undefined;
  for (let r = 0; r < reps; r++) {
    facts = runSweep(s, file, ['--workers', '2']);
    ours.push(facts.seconds);
    ref.push(runSweep(s, file, ['--workers', '2', '--engine', 'ts']).seconds);
  }
  return [
    {
      id: 'sweep-optimizers',
      case: `experiments/optimizers.yaml, ${facts!.grid_size} runs, ${facts!.trainings} trainings of 2000 updates on each side, 2 workers, whole process: default engine vs --engine ts (before)`,
      ours: median(ours),
      ours_samples: ours,
      unit: 's',
      reference: median(ref),
      reference_samples: ref,
      reference_name: 'same sweep with --engine ts',
      goal: '>= 5x faster',
      goal_ratio: 5,
      extra: { grid_size: facts!.grid_size, trainings: facts!.trainings },
    },
  ];
}
