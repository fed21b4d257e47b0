/**
 * The sweep planner: from an experiment and its dataset's shape to the list of runs (one per grid point)
 * and the trainings that produce them. Pure: no I/O.
 *
 * Sharing: grid points that differ only in evaluation parameters (threshold) or only in the length
 * (iterations) come from one training, run to the largest count, scored at every requested count and
 * threshold. `share: false` gives every point its own training (for benchmarks and checks).
 */
import type { Experiment } from '../experiment/types.js';
import { PARAMS, SHARING_DEPENDS_ON, canShareIterations } from '../experiment/params.js';
import type { TrainingConfig } from '../train/types.js';
import { UserError } from '../errors.js';
import { networkSizeProblem, weightCount } from '../train/size.js';
import { ENGINE_VERSION } from '../train/version.js';
import type { EngineMode } from '../train/types.js';
import { gridSize, pointAt, pointSpellings, type Point } from './grid.js';
import { stableHash } from './identity.js';
import { canonicalJson } from '../canonical-json.js';

/** What the planner needs to know of the data. */
export interface DataShape {
  /** The dataset's identity (file sha256 plus preprocessing). */
  fingerprint: string;
  features: number;
  /** Training rows (of the first fold). */
  trainSamples: number;
  /** Number of folds (1 unless k-fold). */
  folds: number;
}

export interface PlannedRun {
  /** Position in grid order, 0-based. */
  index: number;
  /** Identity: sha256 hex of engine version and choice, dataset fingerprint and resolved parameters. */
  id: string;
  /** Folder name inside the sweep folder: zero-padded 1-based index plus the first 8 hex digits of id. */
  folder: string;
  params: Point;
  /** The user's spelling of this point's axis values. */
  spellings: Record<string, string>;
  /** Index into Plan.trainings. */
  training: number;
  /** Runs of a search: the trial, its Hyperband bracket and the rung this run is at (recorded in params.json). */
  search?: RunSearchPlace;
}

/** Where a run sits in a search (see src/search/method.ts). */
export interface RunSearchPlace {
  trial: number;
  bracket: number;
  rung: number;
  /**
   * Halving and Hyperband, for a configuration whose training depends on its length (canShareIterations
   * false: cosine, one_cycle, early stopping): the largest rung, which the run's training goes towards and is
   * stopped short of. Absent at the largest rung itself (a plain training of that length) and otherwise.
   */
  horizon?: number;
}

export interface PlannedTraining {
  /** Identity of the training: sha256 hex of engine version and choice, dataset fingerprint and training parameters. */
  key: string;
  config: TrainingConfig;
  /** Iteration counts to score, ascending; the last is the training's length. */
  checkpoints: number[];
  /** Thresholds to score, ascending. */
  thresholds: number[];
  /** Indices into Plan.runs. */
  runs: number[];
  /** Relative cost: updates x weights x samples x folds (for scheduling and estimates). */
  cost: number;
}

export interface Plan {
  gridSize: number;
  runs: PlannedRun[];
  /** Longest first. */
  trainings: PlannedTraining[];
  /** Updates if every point were trained alone (sum of iterations x folds). */
  naiveIterations: number;
  /** Updates of the planned trainings. */
  plannedIterations: number;
  shared: boolean;
  /** The training engine of every training (part of each identity). */
  engine: EngineMode;
  /** sha256 of the ordered run identities: equal plans have equal hashes. */
  planHash: string;
}

/** Parameters applied after training (threshold) or setting its length (iterations): not part of a training's settings. */
const NOT_TRAINING = new Set(PARAMS.filter((p) => p.role !== 'training').map((p) => p.name));

/** Width of the zero-padded index in folder names: at least 4 digits. */
export function folderIndexWidth(size: number): number {
  return Math.max(4, String(size).length);
}

/** The training settings of a point: every parameter but the length and the evaluation ones. */
export function trainingConfigOf(point: Point): TrainingConfig {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(point)) if (!NOT_TRAINING.has(k)) config[k] = v;
  return config as unknown as TrainingConfig;
}

/**
 * Refuse networks too large to train on this data (the loader checked them with the features it could know).
 * Throws: UserError naming the network, its weight or activation count and the limit.
 */
function checkNetworkSizes(exp: Experiment, shape: DataShape): void {
  const axis = exp.axes.find((a) => a.name === 'hidden_sizes');
  const candidates = (axis ? axis.values : [exp.fixed.hidden_sizes]) as number[][];
  const batch = exp.fixed.batch_size;
  const samples = typeof batch === 'number' && exp.axes.every((a) => a.name !== 'batch_size') ? Math.min(batch, shape.trainSamples) : shape.trainSamples;
  for (const hidden of candidates) {
    if (!Array.isArray(hidden)) continue;
    const problem = networkSizeProblem(shape.features, hidden, samples);
    if (problem) throw new UserError(`network too large: hidden_sizes [${hidden.join(', ')}]: ${problem}`, 'use fewer or narrower hidden layers');
  }
}

/**
 * Identity of one run: what determines every number it records (the engine version and choice included, and
 * the horizon of a run stopped short of the length its training was shaped for).
 */
export function runIdentity(point: Point, shape: DataShape, engine: EngineMode, horizon?: number): string {
  return stableHash({ engine: ENGINE_VERSION, engine_mode: engine, dataset: shape.fingerprint, params: point, ...(horizon !== undefined ? { horizon } : {}) });
}

/**
 * Most grid points one sweep may have, whatever --max-runs says: every run is planned in memory (about 3 kB each)
 * and recorded in its own folder, so beyond this a sweep exhausts memory or the disk's folder count.
 */
export const MAX_PLANNED_RUNS = 100_000;

/**
 * Plan a sweep: one run per grid point, grouped into trainings. options.engine: the training engine
 * (Default: auto), part of every run's and training's identity.
 * Throws: RangeError when the grid has more than maxRuns points (the caller turns it into a message); UserError
 * when it has more than MAX_PLANNED_RUNS, or a network is too large to train (train/size.ts).
 */
export function planSweep(exp: Experiment, shape: DataShape, options: { share?: boolean; maxRuns?: number; engine?: EngineMode } = {}): Plan {
  const share = options.share ?? true;
  const engine = options.engine ?? 'auto';
  const size = planSizeChecks(exp, shape, options.maxRuns);
  function* points(): Generator<PlannedPoint> {
    for (let i = 0; i < size; i++) yield { index: i, params: pointAt(exp, i), spellings: pointSpellings(exp, i) };
  }
  return { ...planPoints(points(), shape, { share, engine, width: folderIndexWidth(size) }), gridSize: size };
}

/**
 * Plan a sweep that was extended: `stages` are its grids in the order they were run (the grid it started
 * with, then each widened grid; each holds every point of the one before). Runs are numbered stage by stage:
 * the first grid's points in its grid order, then each stage's new points in that stage's grid order, after
 * the runs before them; a stage's folder numbers have the width of the sweep's size after that stage. With
 * one stage this is planSweep. Options and errors as planSweep's, for the last (widest) stage.
 */
export function planStages(stages: readonly Experiment[], shape: DataShape, options: { share?: boolean; maxRuns?: number; engine?: EngineMode } = {}): Plan {
  const last = stages[stages.length - 1];
  if (stages.length === 1) return planSweep(last, shape, options);
  // The size checks and limits of the widest grid, which holds every point.
  const widest = planSizeChecks(last, shape, options.maxRuns);
  const seen = new Set<string>();
  const points: PlannedPoint[] = [];
  for (const stage of stages) {
    const added: PlannedPoint[] = [];
    const size = gridSize(stage);
    for (let i = 0; i < size; i++) {
      const params = pointAt(stage, i);
      const key = canonicalJson(params);
      if (seen.has(key)) continue;
      seen.add(key);
      added.push({ index: points.length + added.length, params, spellings: pointSpellings(stage, i) });
    }
    const width = folderIndexWidth(points.length + added.length);
    for (const p of added) points.push({ ...p, width });
  }
  // More points than the widest grid has: a stage is not a widening of the one before (extend checks it
  // first; a resume with a narrower file then finds its plan changed).
  return planPoints(points, shape, { share: options.share ?? true, engine: options.engine ?? 'auto', width: folderIndexWidth(Math.max(widest, points.length)) });
}

/** The grid size of `exp`, checked against MAX_PLANNED_RUNS, maxRuns and the network size limits. Throws as planSweep. */
function planSizeChecks(exp: Experiment, shape: DataShape, maxRuns?: number): number {
  const size = gridSize(exp);
  checkNetworkSizes(exp, shape);
  if (size > MAX_PLANNED_RUNS) {
    throw new UserError(
      `the grid has ${size.toLocaleString('en-US')} points: a sweep holds at most ${MAX_PLANNED_RUNS.toLocaleString('en-US')} (every run is planned in memory and gets its own folder), whatever --max-runs says`,
      'narrow the grid, or split it into several experiments (e.g. one per value of an axis)',
    );
  }
  if (maxRuns !== undefined && size > maxRuns) throw new RangeError(`the grid has ${size} points, more than the limit of ${maxRuns}`);
  return size;
}

/** One point to plan: its run index (0-based, the folder's number minus one), parameters and their spelling. */
export interface PlannedPoint {
  index: number;
  params: Point;
  spellings: Record<string, string>;
  search?: RunSearchPlace;
  /** Digits of this point's folder number, when not the plan's (the runs an extension added). */
  width?: number;
}

/**
 * Plan explicit points (a grid's, or a batch a search method proposed): one run per point, grouped into
 * trainings as planSweep does. options.width: digits of the folder index. gridSize is the number of points.
 * Throws: nothing.
 */
export function planPoints(points: Iterable<PlannedPoint>, shape: DataShape, options: { share: boolean; engine: EngineMode; width: number }): Plan {
  const { share, engine, width } = options;
  const runs: PlannedRun[] = [];
  const trainings: PlannedTraining[] = [];
  const byKey = new Map<string, number>();
  let naive = 0;
  for (const point of points) {
    const { index: i, params } = point;
    const horizon = point.search?.horizon;
    const id = runIdentity(params, shape, engine, horizon);
    const config = trainingConfigOf(params);
    const iterations = params.iterations as number;
    const threshold = params.threshold as number;
    naive += iterations * shape.folds;
    // Without sharing, or when the training depends on its length, the length is part of the training's key;
    // a training towards a horizon serves every length up to it.
    const lengthInKey = !share || (horizon === undefined && !canShareIterations(config));
    const keyParts: Record<string, unknown> = { engine: ENGINE_VERSION, engine_mode: engine, dataset: shape.fingerprint, config };
    if (lengthInKey) keyParts.iterations = iterations;
    if (horizon !== undefined) keyParts.horizon = horizon;
    if (!share) keyParts.threshold = threshold;
    const key = stableHash(keyParts);
    let t = byKey.get(key);
    if (t === undefined) {
      t = trainings.length;
      byKey.set(key, t);
      trainings.push({ key, config, checkpoints: [], thresholds: [], runs: [], cost: 0 });
    }
    const tr = trainings[t];
    if (!tr.checkpoints.includes(iterations)) tr.checkpoints.push(iterations);
    if (!tr.thresholds.includes(threshold)) tr.thresholds.push(threshold);
    tr.runs.push(runs.length);
    runs.push({
      index: i,
      id,
      folder: `${String(i + 1).padStart(point.width ?? width, '0')}-${id.slice(0, 8)}`,
      params,
      spellings: point.spellings,
      training: t,
      ...(point.search ? { search: point.search } : {}),
    });
  }
  let planned = 0;
  for (const tr of trainings) {
    tr.checkpoints.sort((a, b) => a - b);
    tr.thresholds.sort((a, b) => a - b);
    const length = tr.checkpoints[tr.checkpoints.length - 1];
    planned += length * shape.folds;
    const hidden = Array.isArray(tr.config.hidden_sizes) ? (tr.config.hidden_sizes as number[]) : [];
    tr.cost = length * weightCount(shape.features, hidden) * shape.trainSamples * shape.folds;
  }
  // Longest first cuts the tail of the sweep; ties by key keep the order independent of the grid's.
  const order = trainings.map((_, i) => i).sort((a, b) => trainings[b].cost - trainings[a].cost || (trainings[a].key < trainings[b].key ? -1 : 1));
  const remap = new Map(order.map((old, neu) => [old, neu]));
  const sorted = order.map((i) => trainings[i]);
  for (const r of runs) r.training = remap.get(r.training)!;
  return {
    gridSize: runs.length,
    runs,
    trainings: sorted,
    naiveIterations: naive,
    plannedIterations: planned,
    shared: share,
    engine,
    planHash: stableHash(runs.map((r) => r.id)),
  };
}

/** The counts of a plan, computed without materializing its runs (for `dlsweep plan` on huge grids). */
export interface PlanSummary {
  gridSize: number;
  trainings: number;
  naiveIterations: number;
  plannedIterations: number;
  shared: boolean;
}

/**
 * Count a plan's trainings and updates arithmetically: constant memory, and time linear in the combinations of
 * the axes that decide whether a training can serve several lengths (SHARING_DEPENDS_ON: early_stopping,
 * lr_schedule), never in the grid size. Gives the same numbers as planSweep (as doubles: exact up to 2^53).
 */
export function summarizePlan(exp: Experiment, shape: DataShape, options: { share?: boolean } = {}): PlanSummary {
  const share = options.share ?? true;
  const size = gridSize(exp);
  checkNetworkSizes(exp, shape);
  const lengthAxis = exp.axes.find((a) => a.name === 'iterations');
  const lengths = lengthAxis ? (lengthAxis.values as number[]) : [exp.fixed.iterations as number];
  const sumLengths = lengths.reduce((s, v) => s + v, 0);
  const maxLength = Math.max(...lengths);
  const naive = (size / lengths.length) * sumLengths * shape.folds;
  if (!share) return { gridSize: size, trainings: size, naiveIterations: naive, plannedIterations: naive, shared: false };
  const trainingAxes = exp.axes.filter((a) => !NOT_TRAINING.has(a.name));
  // Only these axes change whether a training is shared; every other training axis multiplies both counts.
  const deciding = trainingAxes.filter((a) => SHARING_DEPENDS_ON.includes(a.name));
  const others = trainingAxes.filter((a) => !SHARING_DEPENDS_ON.includes(a.name)).reduce((n, a) => n * a.values.length, 1);
  const combos = deciding.reduce((n, a) => n * a.values.length, 1);
  let trainings = 0;
  let planned = 0;
  // Walk the deciding combinations with a mixed-radix counter (a handful: schedules x early-stopping settings).
  const digits = new Array<number>(deciding.length).fill(0);
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(exp.fixed)) if (!NOT_TRAINING.has(k)) config[k] = v;
  for (let c = 0; c < combos; c++) {
    deciding.forEach((a, i) => (config[a.name] = a.values[digits[i]]));
    if (canShareIterations(config)) {
      trainings += 1;
      planned += maxLength;
    } else {
      trainings += lengths.length;
      planned += sumLengths;
    }
    for (let i = digits.length - 1; i >= 0; i--) {
      if (++digits[i] < deciding[i].values.length) break;
      digits[i] = 0;
    }
  }
  return { gridSize: size, trainings: trainings * others, naiveIterations: naive, plannedIterations: planned * others * shape.folds, shared: true };
}
