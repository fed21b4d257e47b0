/**
 * `dlsweep landscape RUN`: the loss and accuracy of a recorded run's trained network around its weights
 * (src/train/landscape.ts), on the rows it trained or was validated on, preprocessed as the run did (the
 * sweep's current experiment file, its data checked against the sweep's fingerprint; k-fold: the first fold, whose
 * network model.json holds). Written to the run folder as landscape-*.csv with its chart (landscape-*.svg)
 * and drawn in the terminal. landscapeOfRun is also what record.landscape runs at the end of a sweep.
 */
import { basename, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import { isWriteError } from './write-errors.js';
import { loadExperiment } from '../experiment/load.js';
import { loadDataset } from '../datasets/index.js';
import { RUN_FILES, currentExperimentPath } from '../store/paths.js';
import { readSweepFile } from '../store/read-runs.js';
import { writeLandscape, writeSweepLandscapes, type SweepLandscape } from '../store/landscape.js';
import { findRunInSweep, resolveRun } from '../report/run-address.js';
import { sweepRows } from '../report/rows.js';
import { sortRows } from '../report/columns.js';
import type { LandscapeRecord } from '../experiment/record.js';
import { readTrajectory } from '../store/trajectory.js';
import { sweepTitle } from '../report/rows.js';
import { landscapeHeatmap, landscapeLine } from '../report/landscape.js';
import { renderSvg } from '../report/charts.js';
import { contourSpec, sliceSpec, type LossScale } from '../ui/static/charts/landscape-specs.js';
import type { RunRef } from '../store/read-runs.js';
import type { RunModelFile } from '../store/records.js';
import type { SplitData } from '../train/types.js';
import { trainingConfigOf } from '../sweep/plan.js';
import { resolveOptions } from '../train/options.js';
import { initialNetwork } from '../train/init.js';
import { getActivation } from '../train/activations.js';
import { fromModelJson } from '../train/network.js';
import { Rng } from '../train/rng.js';
import type { Landscape, LandscapeSettings } from '../train/landscape.js';
import { readModelFile } from './predict.js';
import { useColor, type CliIO } from './io.js';
import { formatMetric } from '../report/format.js';

export interface LandscapeOptions {
  runsDir: string;
  dataDir?: string;
  dims: 1 | 2;
  directions: 'random' | 'pca';
  /** Half-width of the grid: a (and b) from -range to range; undefined: 1, or for pca the trajectory's extent. */
  range?: number;
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

/** The file name part of a landscape: what it is, on which rows (landscape-<name>.csv). */
export function landscapeName(s: LandscapeSettings, split: 'train' | 'validation'): string {
  if (s.fromInit) return `from-init-${split}`;
  if (s.directions === 'pca') return `2d-pca-${split}`;
  return `${s.dims}d-random-seed${s.seed}-${split}`;
}

/** One line saying what a landscape shows. */
export function landscapeCaption(s: LandscapeSettings, l: Landscape): string {
  if (s.fromInit) return 'from the initialization (a = 0) to the trained network (a = 1)';
  if (s.directions === 'pca') {
    const [e1, e2] = l.explained ?? [0, 0];
    return `2-D, principal directions of the training trajectory (${(100 * e1).toFixed(1)}% and ${(100 * e2).toFixed(1)}% of its variance), the trajectory drawn from the initialization (o) to theta* (+)`;
  }
  return `${s.dims}-D, filter-normalized random directions (seed ${s.seed})`;
}

/** The chart's subtitle: what the directions are (short: the axes say the rest). */
function chartSubtitle(s: LandscapeSettings): string {
  if (s.fromInit) return 'linear interpolation from the initialization';
  if (s.directions === 'pca') return 'PCA of the trajectory; o initialization, + trained network';
  return `filter-normalized random directions, seed ${s.seed}`;
}

/** The chart of a landscape: a contour plot (2-D, with the trajectory for pca) or a line (1-D). */
export async function landscapeSvg(s: LandscapeSettings, l: Landscape, title: string, scale?: LossScale, size?: number): Promise<string> {
  const subtitle = chartSubtitle(s);
  if (s.fromInit) return renderSvg(sliceSpec(l, { title, subtitle, axisTitle: 'a (0: initialization, 1: trained network)' }));
  if (s.dims === 1) return renderSvg(sliceSpec(l, { title, subtitle }));
  const axisTitles: [string, string] | undefined =
    s.directions === 'pca' && l.explained ? [`PC1 (${(100 * l.explained[0]).toFixed(1)}%)`, `PC2 (${(100 * l.explained[1]).toFixed(1)}%)`] : undefined;
  return renderSvg(contourSpec(l, { title, subtitle, scale, axisTitles, size }));
}

/**
 * Compute a run's landscape on `split` (its trained network model.json, the run's threshold), reading its
 * trajectory.csv for pca directions and redrawing its initialization for fromInit; write the CSV and the chart
 * into the run folder. Returns the landscape and the files written.
 * Throws: UserError for pca on a run without a recorded trajectory (or one PCA cannot use), or a file that
 * cannot be written.
 */
export async function landscapeOfRun(run: RunRef, model: RunModelFile, split: SplitData, splitName: 'train' | 'validation', s: LandscapeSettings): Promise<{ landscape: Landscape; name: string; csv: string; svg?: string }> {
  const title = `${sweepTitle(run.sweepDir)}/${run.run.folder}`;
  const net = fromModelJson(model);
  const hidden = getActivation(model.hidden_activation, model.leaky_relu_slope);
  let trajectory;
  if (!s.fromInit && s.directions === 'pca') {
    try {
      trajectory = readTrajectory(run.run.dir);
    } catch (e) {
      throw new UserError(`${title}: ${(e as Error).message}`, 'retrain the run (resume the sweep after removing the run folder)');
    }
    if (!trajectory) {
      throw new UserError(
        `${title} has no recorded trajectory (${RUN_FILES.trajectory}): pca directions need the parameters recorded during training`,
        'add `record: {checkpoints_every: 10}` to the experiment and run it again, or use --directions random',
      );
    }
  }
  const init = s.fromInit ? initialNetwork(resolveOptions(trainingConfigOf(run.run.params.params)), net.dims[0]).net : undefined;
  // Loaded here: its linear algebra library (ml-matrix, for the trajectory's PCA) is a sixth of the
  // program's code, which every other command would otherwise parse at start.
  const { computeLandscape } = await import('../train/landscape.js');
  let landscape: Landscape;
  try {
    landscape = computeLandscape({ net, hidden, data: split, threshold: model.threshold, settings: s, rng: new Rng(s.seed), init, trajectory });
  } catch (e) {
    throw new UserError(`${title}: ${(e as Error).message}`, 'record more of the trajectory (a smaller record.checkpoints_every), or use --directions random');
  }
  const name = landscapeName(s, splitName);
  let files;
  try {
    files = await writeLandscape(run.run.dir, name, landscape, await landscapeSvg(s, landscape, title));
  } catch (e) {
    // A full disk, a read-only file system, permissions: reported as every command reports them (main.ts).
    if (isWriteError(e)) throw e;
    throw new UserError(`cannot write the landscape into ${run.run.dir}: ${(e as Error).message}`, 'check that the run folder exists and is writable');
  }
  return { landscape, name, ...files };
}

/**
 * Compute, record and draw a landscape. Returns 0.
 * Throws: UserError for a run without a model, data that cannot be found or differ from the sweep's, pca
 * directions without a recorded trajectory, or a file that cannot be written.
 */
export async function landscapeCommand(ref: string, options: LandscapeOptions, io: CliIO): Promise<number> {
  if (options.fromInit && options.dims !== 1) throw new UserError('--from-init draws a 1-D interpolation', 'drop --dims 2, or drop --from-init for a 2-D picture');
  if (options.fromInit && options.directions === 'pca') throw new UserError('--from-init and --directions pca are two different pictures', 'drop one of them');
  const runsDir = resolve(io.cwd, options.runsDir);
  const run = resolveRun(runsDir, ref);
  const model = readModelFile(run);
  const title = `${sweepTitle(run.sweepDir)}/${run.run.folder}`;
  const data = loadRunData(run, title, options.dataDir, io.cwd);
  const fold = data.folds[0];
  const split = fold[options.split];
  // pca directions are a plane: 2-D whatever --dims says.
  const dims = options.directions === 'pca' ? 2 : options.dims;
  const settings: LandscapeSettings = { dims, directions: options.directions, range: options.range ?? (options.directions === 'pca' ? null : LANDSCAPE_DEFAULTS.range), steps: options.steps, seed: options.seed, fromInit: options.fromInit };
  const { landscape, csv, svg } = await landscapeOfRun(run, model, split, options.split, settings);
  const { points, alphas, betas } = landscape;

  io.stdout.write(
    `${title}: ${landscapeCaption(settings, landscape)}, ` +
      `${split.y.length} ${options.split} rows${data.folds.length > 1 ? ` (fold 1 of ${data.folds.length})` : ''}, ${points.length} points\n`,
  );
  io.stdout.write((dims === 2 ? landscapeHeatmap(points, alphas, betas) : landscapeLine(points, useColor(io, io.stdout))) + '\n');
  const best = points.reduce((x, p) => (p.loss < x.loss ? p : x));
  // Absolute, as every command prints the files it writes: a path relative to the current folder climbs
  // out of it when the runs folder is elsewhere.
  io.stdout.write(
    `lowest loss ${formatMetric('loss', best.loss)} at a = ${+best.a.toPrecision(6)}${dims === 2 ? `, b = ${+best.b.toPrecision(6)}` : ''}; written to ${resolve(io.cwd, csv)}` +
      `${svg ? ` and ${basename(svg)}` : ''}\n`,
  );
  return 0;
}

/**
 * The data a run trained on, preprocessed as the sweep did, checked against the sweep's fingerprint.
 * Throws: UserError when it cannot be loaded or differs from the sweep's.
 */
export function loadRunData(run: RunRef, title: string, dataDir: string | undefined, cwd: string) {
  const sweep = readSweepFile(run.sweepDir);
  const exp = loadExperiment(currentExperimentPath(run.sweepDir), { dataDir, cwd });
  let data;
  try {
    data = loadDataset(exp.dataset);
  } catch (e) {
    throw new UserError(`${title}: cannot load the data the run trained on: ${(e as Error).message}`, 'give the folder of managed datasets with --data-dir, or run from the folder the sweep was started in');
  }
  if (data.fingerprint !== sweep.dataset.fingerprint) {
    throw new UserError(`${title}: the data found now differ from the data the sweep trained on (fingerprint ${data.fingerprint.slice(0, 12)}..., recorded ${sweep.dataset.fingerprint.slice(0, 12)}...)`, 'restore the dataset file the sweep used');
  }
  return data;
}

/**
 * record.landscape at the end of a sweep: the landscape of each of the `best` best finished runs (by the
 * sweep's objective, as EXPERIMENT/best) and, when init is a grid axis with several values (an
 * initialization study), of the best run of each initialization; on the first fold's `split` rows. Writes each
 * run's files and the sweep's landscapes.json. A run whose landscape cannot be computed (e.g. a trajectory
 * with one direction) is skipped with a warning through `warn`; the sweep goes on.
 * Throws: the file system's error writing landscapes.json.
 */
export async function recordSweepLandscapes(
  sweepDir: string,
  record: LandscapeRecord,
  folds: readonly { train: SplitData; validation: SplitData }[],
  warn: (line: string) => void,
): Promise<void> {
  const done = sortRows(sweepRows(sweepDir)).filter((r) => r.status === 'done');
  const roles = new Map<string, string[]>();
  const add = (folder: string, role: string) => roles.set(folder, [...(roles.get(folder) ?? []), role]);
  done.slice(0, record.best).forEach((r, i) => add(r.folder, `best ${i + 1}`));
  const inits = [...new Set(done.map((r) => r.spellings.init ?? String(r.params.init)))];
  if (inits.length > 1) {
    for (const init of inits) {
      const r = done.find((x) => (x.spellings.init ?? String(x.params.init)) === init);
      if (r) add(r.folder, `init=${init}`);
    }
  }
  const settings: LandscapeSettings = { dims: record.directions === 'pca' ? 2 : record.dims, directions: record.directions, range: record.range, steps: record.steps, seed: record.seed, fromInit: false };
  const entries: SweepLandscape[] = [];
  for (const [folder, why] of roles) {
    const run: RunRef = { sweepDir, run: findRunInSweep(sweepDir, folder) };
    try {
      const { name } = await landscapeOfRun(run, readModelFile(run), folds[0][record.split], record.split, settings);
      entries.push({ folder, name, role: why.join(', ') });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      warn(`warning: no loss landscape for ${folder}: ${e.message}`);
    }
  }
  const rows = `${folds[0][record.split].y.length} ${record.split} rows${folds.length > 1 ? ` (fold 1 of ${folds.length})` : ''}`;
  await writeSweepLandscapes(sweepDir, entries, `${record.steps} x ${settings.dims === 2 ? record.steps : 1} points, ${chartSubtitle(settings)}, on ${rows}`);
}
