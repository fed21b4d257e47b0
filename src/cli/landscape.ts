/**
 * `dlsweep landscape RUN`: the loss and accuracy of a recorded run's trained network around its weights
 * (src/train/landscape.ts), on the rows it trained or was validated on, preprocessed as the run did (the
 * sweep's current experiment file, its data checked against the sweep's fingerprint; k-fold: the first fold, whose
 * network model.json holds). Written to the run folder as landscape-*.csv and drawn in the terminal.
 */
import { relative, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import { loadExperiment } from '../experiment/load.js';
import { loadDataset } from '../datasets/index.js';
import { currentExperimentPath } from '../store/paths.js';
import { readSweepFile } from '../store/read-runs.js';
import { writeLandscape } from '../store/landscape.js';
import { sweepTitle } from '../report/rows.js';
import { landscapeHeatmap, landscapeLine } from '../report/landscape.js';
import { trainingConfigOf } from '../sweep/plan.js';
import { resolveOptions } from '../train/options.js';
import { initialNetwork } from '../train/init.js';
import { getActivation } from '../train/activations.js';
import { fromModelJson } from '../train/network.js';
import { Rng } from '../train/rng.js';
import { directionBetween, filterNormalizedDirection, landscapeGrid, linspace } from '../train/landscape.js';
import { readModelFile, resolveModelRun } from './predict.js';
import { useColor, type CliIO } from './io.js';

export interface LandscapeOptions {
  runsDir: string;
  dataDir?: string;
  dims: 1 | 2;
  directions: 'random';
  /** Half-width of the grid: a (and b) from -range to range. */
  range: number;
  /** Points per axis. */
  steps: number;
  split: 'train' | 'validation';
  /** Seed of the MT19937 stream the random directions are drawn from. */
  seed: number;
  /** The interpolation from the initialization (alpha from 0 to 1) instead of random directions. */
  fromInit: boolean;
}

export const LANDSCAPE_DEFAULTS = { dims: 1, range: 1, steps: 51, split: 'train', seed: 0 } as const;

/** Commander parser of --steps: an integer from 2 to 1001 (a 2-D grid is steps^2 forward passes). */
export function landscapeSteps(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 2 || n > 1001) throw new InvalidArgumentError('--steps takes a whole number from 2 to 1001, e.g. --steps 51');
  return n;
}

/** Commander parser of --seed: an integer from 0 to 2^32 - 1 (the MT19937 seed range). */
export function landscapeSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 4294967295) throw new InvalidArgumentError('--seed takes a whole number from 0 to 4294967295, e.g. --seed 1');
  return n;
}

/**
 * Compute, record and draw a landscape. Returns 0.
 * Throws: UserError for a run without a model, data that cannot be found or differ from the sweep's, or a
 * file that cannot be written.
 */
export async function landscapeCommand(ref: string, options: LandscapeOptions, io: CliIO): Promise<number> {
  if (options.fromInit && options.dims !== 1) throw new UserError('--from-init draws a 1-D interpolation', 'drop --dims 2, or drop --from-init for a 2-D picture');
  const runsDir = resolve(io.cwd, options.runsDir);
  const run = resolveModelRun(runsDir, ref);
  const model = readModelFile(run);
  const title = `${sweepTitle(run.sweepDir)}/${run.run.folder}`;

  const sweep = readSweepFile(run.sweepDir);
  const exp = loadExperiment(currentExperimentPath(run.sweepDir), { dataDir: options.dataDir, cwd: io.cwd });
  let data;
  try {
    data = loadDataset(exp.dataset);
  } catch (e) {
    throw new UserError(`${title}: cannot load the data the run trained on: ${(e as Error).message}`, 'give the folder of managed datasets with --data-dir, or run from the folder the sweep was started in');
  }
  if (data.fingerprint !== sweep.dataset.fingerprint) {
    throw new UserError(`${title}: the data found now differ from the data the sweep trained on (fingerprint ${data.fingerprint.slice(0, 12)}..., recorded ${sweep.dataset.fingerprint.slice(0, 12)}...)`, 'restore the dataset file the sweep used');
  }
  const fold = data.folds[0];
  const split = fold[options.split];
  const net = fromModelJson(model);
  const hidden = getActivation(model.hidden_activation, model.leaky_relu_slope);

  let points;
  let name: string;
  let alphas: number[];
  let betas: number[] = [0];
  if (options.fromInit) {
    const o = resolveOptions(trainingConfigOf(run.run.params.params));
    const init = initialNetwork(o, net.dims[0]).net;
    alphas = linspace(0, 1, options.steps);
    points = landscapeGrid({ net: init, hidden, data: split, d1: directionBetween(init, net), alphas, threshold: model.threshold });
    name = `from-init-${options.split}`;
  } else {
    const rng = new Rng(options.seed);
    const d1 = filterNormalizedDirection(net, rng);
    const d2 = options.dims === 2 ? filterNormalizedDirection(net, rng) : undefined;
    alphas = linspace(-options.range, options.range, options.steps);
    if (d2) betas = alphas;
    points = landscapeGrid({ net, hidden, data: split, d1, d2, alphas, betas, threshold: model.threshold });
    name = `${options.dims}d-random-seed${options.seed}-${options.split}`;
  }
  let path: string;
  try {
    path = await writeLandscape(run.run.dir, name, points);
  } catch (e) {
    throw new UserError(`cannot write the landscape into ${run.run.dir}: ${(e as Error).message}`, 'check that the run folder is writable');
  }

  io.stdout.write(
    `${title}: ${options.fromInit ? 'from the initialization (a = 0) to the trained network (a = 1)' : `${options.dims}-D, filter-normalized random directions (seed ${options.seed})`}, ` +
      `${split.y.length} ${options.split} rows${data.folds.length > 1 ? ` (fold 1 of ${data.folds.length})` : ''}, ${points.length} points\n`,
  );
  io.stdout.write((options.dims === 2 ? landscapeHeatmap(points, alphas, betas) : landscapeLine(points, useColor(io, io.stdout))) + '\n');
  const best = points.reduce((x, p) => (p.loss < x.loss ? p : x));
  io.stdout.write(`lowest loss ${best.loss.toFixed(4)} at a = ${+best.a.toPrecision(6)}${options.dims === 2 ? `, b = ${+best.b.toPrecision(6)}` : ''}; written to ${relative(io.cwd, path) || path}\n`);
  return 0;
}
