/**
 * `dlsweep lr-find FILE`: Smith's learning-rate range test (src/train/lr-find.ts) with the settings of the
 * experiment's FIRST grid point, on its training rows (the first fold's, with k-fold). Prints an ASCII chart
 * of the smoothed loss against the learning rate and the suggested rate, and records the test in
 * <runs-dir>/<experiment>/lr-find-<YYYYMMDD-HHMMSS-xxxx>/: curve.csv, lr-find.json and lr-find.svg.
 */
import { relative, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import { gridSize, pointAt } from '../sweep/grid.js';
import { trainingConfigOf } from '../sweep/plan.js';
import { LR_FIND_PREFIX, experimentDir } from '../store/paths.js';
import { createUniqueFolder } from '../store/sweep-folders.js';
import { toolVersion } from '../store/provenance.js';
import { renderSvg } from '../report/charts.js';
import { fmt3, lrFindChart, lrFindSpec } from '../report/lr-find.js';
import { LR_FIND_DIVERGENCE_FACTOR, LR_FIND_SMOOTHING, lrFind, type LrFindResult } from '../train/lr-find.js';
import { ENGINE_VERSION } from '../train/version.js';
import type { EngineMode } from '../train/types.js';
import { loadInputs } from './load.js';
import { useColor, type CliIO } from './io.js';

export interface LrFindOptions {
  runsDir: string;
  dataDir?: string;
  /** Smallest and largest learning rate of the test, 0 < min < max. */
  min: number;
  max: number;
  /** Updates (one per rate), >= 2. */
  steps: number;
  /** The engine chosen (--engine): the range test has a TypeScript implementation only, so `fast` is refused. */
  engine: EngineMode;
}

/** Defaults of --min, --max and --steps. */
export const LR_FIND_DEFAULTS = { min: 1e-6, max: 10, steps: 200 } as const;

/** Commander parser of a finite number > 0 (for --min, --max and landscape's --range); `example` is the value its message suggests. */
export function positiveNumber(name: string, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} takes a number > 0, e.g. ${name} ${example}`);
    }
    return n;
  };
}

/** Commander parser of an integer >= 2 (for --steps). */
export function stepsCount(name: string) {
  return (value: string): number => {
    const n = Number(value);
    // One update per step, run in the foreground: a million is minutes already.
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 2 || n > 1_000_000) {
      throw new InvalidArgumentError(`${name} takes a whole number from 2 to 1,000,000, e.g. ${name} 200`);
    }
    return n;
  };
}

/** curve.csv: one row per recorded step, numbers in full precision. */
export function lrFindCsv(result: LrFindResult): string {
  const lines = ['learning_rate,loss,smoothed_loss'];
  for (const p of result.points) lines.push(`${p.learning_rate},${p.loss},${p.smoothed_loss}`);
  return lines.join('\n') + '\n';
}

/**
 * Run the range test for an experiment file and record it. Returns the exit code (0).
 * Throws: UserError / DiagnosticError for an invalid file, data or options (exit 2 in main.ts).
 */
export async function lrFindCommand(file: string, options: LrFindOptions, io: CliIO): Promise<number> {
  if (options.engine === 'fast') {
    throw new UserError('--engine fast: the learning-rate range test runs on the TypeScript engine only', 'use --engine auto or --engine ts (both run it on the TypeScript engine)');
  }
  if (!(options.min < options.max)) {
    throw new UserError(`--min (${options.min}) must be smaller than --max (${options.max})`, `e.g. --min ${LR_FIND_DEFAULTS.min} --max ${LR_FIND_DEFAULTS.max}`);
  }
  const { exp, data } = await loadInputs(file, options, io);
  const size = gridSize(exp);
  const point = pointAt(exp, 0);
  const config = trainingConfigOf(point);
  const fold = data.folds[0];
  const axes = exp.axes.map((a) => `${a.name}=${a.spellings[0]}`).join(', ');
  io.stderr.write(
    `lr-find: the settings of the first grid point (1 of ${size})${axes ? `: ${axes}` : ''}; ` +
      `learning_rate and lr_schedule are replaced by the range test, iterations by --steps (${options.steps})\n` +
      `lr-find: ${fold.train.y.length} training rows${data.folds.length > 1 ? ` (fold 1 of ${data.folds.length})` : ''}, ` +
      `rates ${fmt3(options.min)} to ${fmt3(options.max)}\n`,
  );

  const result = lrFind({ config, train: fold.train, min_learning_rate: options.min, max_learning_rate: options.max, steps: options.steps });

  const now = new Date();
  const parent = experimentDir(resolve(io.cwd, options.runsDir), exp.name);
  const record = {
    experiment: exp.name,
    file: exp.file,
    created_at: now.toISOString(),
    dlsweep_version: toolVersion(),
    engine_version: ENGINE_VERSION,
    engine: 'ts',
    grid_point: { index: 0, of: size, params: point },
    fold: { index: 0, of: data.folds.length, train_rows: fold.train.y.length },
    settings: {
      min_learning_rate: options.min,
      max_learning_rate: options.max,
      steps: options.steps,
      schedule: 'exponential: min * (max / min)^(i / (steps - 1))',
      smoothing: LR_FIND_SMOOTHING,
      divergence_factor: LR_FIND_DIVERGENCE_FACTOR,
    },
    points: result.points.length,
    stop_reason: result.stop_reason,
    suggestion: { learning_rate: result.suggestion, method: result.method },
    min_loss: result.min_loss,
  };
  const svg = await renderSvg(lrFindSpec(result, `${exp.name}: learning-rate range test`));
  // Filled under a hidden name, then renamed, so the folder is never seen half-written.
  const { dir } = createUniqueFolder(
    parent,
    LR_FIND_PREFIX,
    () => ({
      'curve.csv': lrFindCsv(result),
      'lr-find.json': JSON.stringify(record, null, 2) + '\n',
      'lr-find.svg': svg + '\n',
    }),
    { now: () => now },
  );

  const width = Math.min(100, Math.max(20, (io.stdout.columns ?? 80) - 14));
  io.stdout.write(lrFindChart(result, width, useColor(io, io.stdout)) + '\n');
  const stopped =
    result.stop_reason === 'exploded'
      ? `stopped at ${fmt3(result.points.at(-1)!.learning_rate)}: the loss exploded`
      : result.stop_reason === 'non_finite'
        ? `stopped after ${result.points.length} steps: the loss became infinite or NaN`
        : `ran all ${options.steps} steps`;
  io.stdout.write(
    (result.suggestion === null
      ? `no suggestion: only ${result.points.length} point(s) recorded; try a smaller --min\n`
      : `suggested learning rate: ${fmt3(result.suggestion)} (steepest descent of the smoothed loss)\n`) +
      (result.min_loss ? `lowest smoothed loss ${result.min_loss.smoothed_loss.toFixed(4)} at ${fmt3(result.min_loss.learning_rate)} (rule of thumb: a rate ~10x lower, ${fmt3(result.min_loss.learning_rate / 10)})\n` : '') +
      `${stopped}; recorded in ${relative(io.cwd, dir) || dir}\n`,
  );
  return 0;
}
