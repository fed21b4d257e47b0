/**
 * `dlsweep lr-find FILE`: Smith's learning-rate range test (src/train/lr-find.ts) with the settings of the
 * experiment's FIRST grid point, on its training rows (the first fold's, with k-fold). Prints an ASCII chart
 * of the smoothed loss against the learning rate and the suggested rate, and records the test in
 * <runs-dir>/<experiment>/lr-find-<YYYYMMDD-HHMMSS-xxxx>/: curve.csv, lr-find.json and lr-find.svg.
 */
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UserError, formatDiagnostic } from '../errors.js';
import { loadExperiment } from '../experiment/load.js';
import { loadDataset } from '../datasets/index.js';
import { ensureDataset } from '../datasets/install.js';
import { gridSize, pointAt } from '../sweep/grid.js';
import { trainingConfigOf } from '../sweep/plan.js';
import { experimentDir } from '../store/paths.js';
import { createUniqueFolder } from '../store/sweeps.js';
import { toolVersion } from '../store/provenance.js';
import { LR_FIND_DIVERGENCE_FACTOR, LR_FIND_SMOOTHING, lrFind, type LrFindResult } from '../train/lr-find.js';
import { ENGINE_VERSION } from '../train/version.js';
import type { EngineMode } from '../train/types.js';
import { useColor, type CliIO } from './io.js';

// asciichart is CommonJS without detectable named exports; require gives its real exports object.
const asciichart = createRequire(import.meta.url)('asciichart') as typeof import('asciichart');

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

/** Commander parser of a finite number > 0 (for --min and --max). */
export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} takes a number > 0, e.g. ${name} 1e-5`);
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

/** Numbers in 3 significant digits (1.23e-4 style for small or large ones). */
function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/** curve.csv: one row per recorded step, numbers in full precision. */
export function lrFindCsv(result: LrFindResult): string {
  const lines = ['learning_rate,loss,smoothed_loss'];
  for (const p of result.points) lines.push(`${p.learning_rate},${p.loss},${p.smoothed_loss}`);
  return lines.join('\n') + '\n';
}

/** At most `max` evenly spaced items, always keeping the last. */
function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (max - 1))]);
  return out;
}

/** The ASCII chart of the smoothed loss (y) against the learning rate (x, log scale: the steps are geometric). */
export function lrFindChart(result: LrFindResult, width: number, color: boolean): string {
  const pts = thin(result.points, Math.max(10, width));
  if (pts.length < 2) return '(too few points to draw)';
  const lo = Math.min(...pts.map((p) => p.smoothed_loss));
  // The exploding end would squash the interesting part: clip at 4x the minimum (where the test stops anyway).
  const series = pts.map((p) => Math.min(p.smoothed_loss, LR_FIND_DIVERGENCE_FACTOR * lo));
  const chart = asciichart.plot(series, {
    height: 12,
    format: (x: number) => x.toFixed(4).padStart(9),
    ...(color ? { colors: [asciichart.blue] } : {}),
  });
  const first = pts[0].learning_rate;
  const last = pts[pts.length - 1].learning_rate;
  const pad = ' '.repeat(11);
  const axisWidth = Math.max(0, pts.length - fmt(first).length - fmt(last).length);
  let axis = `${pad}${fmt(first)}${' '.repeat(axisWidth)}${fmt(last)}`;
  if (result.suggestion !== null) {
    // A caret under the suggested rate.
    const i = pts.reduce((best, p, j) => (Math.abs(Math.log(p.learning_rate / result.suggestion!)) < Math.abs(Math.log(pts[best].learning_rate / result.suggestion!)) ? j : best), 0);
    axis += `\n${pad}${' '.repeat(i)}^ suggested ${fmt(result.suggestion)}`;
  }
  return `${chart}\n${axis}\n${pad}learning rate (log scale) →   y: smoothed training loss (nats)`;
}

/** A small self-contained SVG of the smoothed and raw loss against the learning rate (log x axis). */
export function lrFindSvg(result: LrFindResult, title: string): string {
  const W = 640;
  const H = 400;
  const m = { l: 60, r: 20, t: 36, b: 48 };
  const pts = thin(result.points, 1000); // a plot needs no more points than pixels
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (pts.length < 2) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="20" y="40">${esc(title)}: too few points</text></svg>\n`;
  }
  const lx = pts.map((p) => Math.log10(p.learning_rate));
  const lo = Math.min(...pts.map((p) => Math.min(p.loss, p.smoothed_loss)));
  const hi = Math.min(Math.max(...pts.map((p) => Math.max(p.loss, p.smoothed_loss))), LR_FIND_DIVERGENCE_FACTOR * Math.max(lo, 1e-12));
  const x0 = lx[0];
  const x1 = lx[lx.length - 1];
  const sx = (v: number) => m.l + ((v - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (v: number) => m.t + (1 - (Math.min(v, hi) - lo) / (hi - lo || 1)) * (H - m.t - m.b);
  const line = (get: (p: (typeof pts)[number]) => number) => pts.map((p, i) => `${sx(lx[i]).toFixed(1)},${sy(get(p)).toFixed(1)}`).join(' ');
  const ticks: string[] = [];
  for (let d = Math.ceil(x0); d <= Math.floor(x1); d++) {
    const x = sx(d).toFixed(1);
    ticks.push(`<line x1="${x}" y1="${H - m.b}" x2="${x}" y2="${H - m.b + 5}" stroke="#333"/><text x="${x}" y="${H - m.b + 18}" font-size="11" text-anchor="middle">1e${d}</text>`);
  }
  for (const v of [lo, (lo + hi) / 2, hi]) {
    const y = sy(v).toFixed(1);
    ticks.push(`<text x="${m.l - 6}" y="${y}" font-size="11" text-anchor="end" dominant-baseline="middle">${v.toFixed(3)}</text>`);
  }
  let marker = '';
  if (result.suggestion !== null) {
    const x = sx(Math.log10(result.suggestion)).toFixed(1);
    marker = `<line x1="${x}" y1="${m.t}" x2="${x}" y2="${H - m.b}" stroke="#d62728" stroke-dasharray="4 3"/><text x="${x}" y="${m.t - 6}" font-size="11" text-anchor="middle" fill="#d62728">suggested ${fmt(result.suggestion)}</text>`;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" font-size="13" text-anchor="middle">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
    ...ticks,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" font-size="12" text-anchor="middle">learning rate (log scale)</text>`,
    `<text x="14" y="${(m.t + H - m.b) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(m.t + H - m.b) / 2})">training loss (nats)</text>`,
    `<polyline fill="none" stroke="#aec7e8" stroke-width="1" points="${line((p) => p.loss)}"/>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line((p) => p.smoothed_loss)}"/>`,
    marker,
    '</svg>',
    '',
  ].join('\n');
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
  const exp = loadExperiment(file, { dataDir: options.dataDir, cwd: io.cwd });
  for (const w of exp.warnings) io.stderr.write(formatDiagnostic(w) + '\n');
  await ensureDataset(exp.dataset, { log: (line) => io.stderr.write(line + '\n'), env: io.env, cwd: io.cwd });
  const data = loadDataset(exp.dataset);
  const size = gridSize(exp);
  const point = pointAt(exp, 0);
  const config = trainingConfigOf(point);
  const fold = data.folds[0];
  const axes = exp.axes.map((a) => `${a.name}=${a.spellings[0]}`).join(', ');
  io.stderr.write(
    `lr-find: the settings of the first grid point (1 of ${size})${axes ? `: ${axes}` : ''}; ` +
      `learning_rate and lr_schedule are replaced by the range test, iterations by --steps (${options.steps})\n` +
      `lr-find: ${fold.train.y.length} training rows${data.folds.length > 1 ? ` (fold 1 of ${data.folds.length})` : ''}, ` +
      `rates ${fmt(options.min)} to ${fmt(options.max)}\n`,
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
  // Filled under a hidden name, then renamed, so the folder is never seen half-written.
  const { dir } = createUniqueFolder(
    parent,
    'lr-find-',
    () => ({
      'curve.csv': lrFindCsv(result),
      'lr-find.json': JSON.stringify(record, null, 2) + '\n',
      'lr-find.svg': lrFindSvg(result, `${exp.name}: learning-rate range test`),
    }),
    { now: () => now },
  );

  const width = Math.min(100, Math.max(20, (io.stdout.columns ?? 80) - 14));
  io.stdout.write(lrFindChart(result, width, useColor(io, io.stdout)) + '\n');
  const stopped =
    result.stop_reason === 'exploded'
      ? `stopped at ${fmt(result.points.at(-1)!.learning_rate)}: the loss exploded`
      : result.stop_reason === 'non_finite'
        ? `stopped after ${result.points.length} steps: the loss became infinite or NaN`
        : `ran all ${options.steps} steps`;
  io.stdout.write(
    (result.suggestion === null
      ? `no suggestion: only ${result.points.length} point(s) recorded; try a smaller --min\n`
      : `suggested learning rate: ${fmt(result.suggestion)} (steepest descent of the smoothed loss)\n`) +
      (result.min_loss ? `lowest smoothed loss ${result.min_loss.smoothed_loss.toFixed(4)} at ${fmt(result.min_loss.learning_rate)} (rule of thumb: a rate ~10x lower, ${fmt(result.min_loss.learning_rate / 10)})\n` : '') +
      `${stopped}; recorded in ${relative(io.cwd, dir) || dir}\n`,
  );
  return 0;
}
