/**
 * Loss landscapes in a run folder (`dlsweep landscape`, record.landscape): landscape-<name>.csv (a, b, loss,
 * accuracy per grid point), its chart landscape-<name>.svg, and for pca directions the projected trajectory
 * landscape-<name>-trajectory.csv (iteration, a, b). Numbers in full precision (shortest round-trip form).
 * Beside the run's record, never part of it: metrics.json and the other result files are untouched.
 * A sweep that computed landscapes at its end lists them in its landscapes.json (which run, which file, why).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Landscape, LandscapePoint } from '../train/landscape.js';
import { writeJsonAtomic, writeTextAtomic } from './atomic.js';
import { SWEEP_FILES } from './paths.js';

/** The CSV text of a landscape. Throws: nothing. */
export function landscapeCsv(points: readonly LandscapePoint[]): string {
  return ['a,b,loss,accuracy', ...points.map((p) => `${p.a},${p.b},${p.loss},${p.accuracy}`)].join('\n') + '\n';
}

/** The CSV text of a projected trajectory (iteration empty for theta* appended after the recorded points). Throws: nothing. */
export function pathCsv(path: NonNullable<Landscape['path']>): string {
  return ['iteration,a,b', ...path.map((p) => `${p.iteration ?? ''},${p.a},${p.b}`)].join('\n') + '\n';
}

/** The files of landscape `name` in a run folder. */
export function landscapeFiles(runDir: string, name: string): { csv: string; svg: string; path: string } {
  return { csv: join(runDir, `landscape-${name}.csv`), svg: join(runDir, `landscape-${name}.svg`), path: join(runDir, `landscape-${name}-trajectory.csv`) };
}

/**
 * Write landscape-<name>.csv, its chart (when given) and its trajectory (pca) into the run folder atomically;
 * returns the CSV's and the chart's paths. Throws: the file system's error.
 */
export async function writeLandscape(runDir: string, name: string, landscape: Pick<Landscape, 'points' | 'path'>, svg?: string): Promise<{ csv: string; svg?: string }> {
  const files = landscapeFiles(runDir, name);
  await writeTextAtomic(files.csv, landscapeCsv(landscape.points));
  if (landscape.path) await writeTextAtomic(files.path, pathCsv(landscape.path));
  if (svg !== undefined) await writeTextAtomic(files.svg, svg);
  return { csv: files.csv, ...(svg !== undefined ? { svg: files.svg } : {}) };
}

/**
 * A landscape read back from a run folder: its points, axes (the distinct a and b, ascending) and trajectory,
 * or undefined when the CSV is absent or damaged (a view of the run; the report then leaves it out).
 * Throws: nothing.
 */
export function readLandscape(runDir: string, name: string): Landscape | undefined {
  const files = landscapeFiles(runDir, name);
  try {
    const rows: string[][] = parse(readFileSync(files.csv, 'utf8'), { from_line: 2, skip_empty_lines: true, trim: true });
    const points = rows.map(([a, b, loss, accuracy]) => ({ a: Number(a), b: Number(b), loss: Number(loss), accuracy: Number(accuracy) }));
    if (!points.length || points.some((p) => !Number.isFinite(p.a) || !Number.isFinite(p.b))) return undefined;
    const alphas = [...new Set(points.map((p) => p.a))].sort((x, y) => x - y);
    const betas = [...new Set(points.map((p) => p.b))].sort((x, y) => x - y);
    if (alphas.length * betas.length !== points.length) return undefined;
    let path: Landscape['path'];
    try {
      const prow: string[][] = parse(readFileSync(files.path, 'utf8'), { from_line: 2, skip_empty_lines: true, trim: true });
      path = prow.map(([it, a, b]) => ({ iteration: it === '' ? null : Number(it), a: Number(a), b: Number(b) }));
    } catch {
      path = undefined;
    }
    return { points, alphas, betas, ...(path ? { path } : {}) };
  } catch {
    return undefined;
  }
}

/** One landscape computed at the end of a sweep: the run folder, the landscape's name, and why that run (e.g. `best 1`, `init=he_normal`). */
export interface SweepLandscape {
  folder: string;
  name: string;
  role: string;
}

/** landscapes.json of a sweep: what record.landscape computed. Throws: the file system's error. */
export async function writeSweepLandscapes(sweepDir: string, entries: readonly SweepLandscape[], description: string): Promise<void> {
  await writeJsonAtomic(join(sweepDir, SWEEP_FILES.landscapes), { description, landscapes: entries });
}

/** The sweep's landscapes.json, or undefined when absent or damaged. Throws: nothing. */
export function readSweepLandscapes(sweepDir: string): { description: string; landscapes: SweepLandscape[] } | undefined {
  try {
    const v = JSON.parse(readFileSync(join(sweepDir, SWEEP_FILES.landscapes), 'utf8')) as { description?: unknown; landscapes?: unknown };
    if (!Array.isArray(v.landscapes)) return undefined;
    const ok = v.landscapes.filter((e): e is SweepLandscape => typeof e?.folder === 'string' && typeof e?.name === 'string' && typeof e?.role === 'string');
    return { description: typeof v.description === 'string' ? v.description : '', landscapes: ok };
  } catch {
    return undefined;
  }
}
