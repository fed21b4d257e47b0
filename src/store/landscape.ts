/**
 * landscape-*.csv in a run folder (`dlsweep landscape`): a, b, loss, accuracy per grid point, numbers in full
 * precision (shortest round-trip form). Beside the run's record, never part of it: metrics.json and the
 * other result files are untouched.
 */
import { join } from 'node:path';
import type { LandscapePoint } from '../train/landscape.js';
import { writeTextAtomic } from './atomic.js';

/** The CSV text of a landscape. Throws: nothing. */
export function landscapeCsv(points: readonly LandscapePoint[]): string {
  return ['a,b,loss,accuracy', ...points.map((p) => `${p.a},${p.b},${p.loss},${p.accuracy}`)].join('\n') + '\n';
}

/**
 * Write landscape-<name>.csv into the run folder atomically; returns its path.
 * Throws: the file system's error.
 */
export async function writeLandscape(runDir: string, name: string, points: readonly LandscapePoint[]): Promise<string> {
  const path = join(runDir, `landscape-${name}.csv`);
  await writeTextAtomic(path, landscapeCsv(points));
  return path;
}
