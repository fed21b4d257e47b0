/**
 * trajectory.csv, the training trajectory of a run folder (experiments with record.checkpoints_every): the
 * network's parameters after k updates, one row per recorded k, in the order of flattenParams (W1 row-major,
 * b1, W2, b2, ...). Written by the recorder, read by `dlsweep landscape --directions pca`. Beside the run's
 * results, never part of them.
 *
 *   iteration,W1[1;1],W1[1;2],...,b1[1],...
 *   0,0.0213...,...
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { TrajectoryPoint } from '../train/types.js';
import { RUN_FILES } from './paths.js';

/** Column names of the parameters of a network of `dims`, 1-based as in W_l[i;j] (row i: unit i of layer l). */
export function parameterNames(dims: readonly number[]): string[] {
  const out: string[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    for (let i = 1; i <= dims[l + 1]; i++) for (let j = 1; j <= dims[l]; j++) out.push(`W${l + 1}[${i};${j}]`);
    for (let i = 1; i <= dims[l + 1]; i++) out.push(`b${l + 1}[${i}]`);
  }
  return out;
}

/** trajectory.csv text for a network of `dims`: numbers in full precision (shortest round-trip form). Throws: nothing. */
export function trajectoryCsv(dims: readonly number[], points: readonly TrajectoryPoint[]): string {
  const lines = [['iteration', ...parameterNames(dims)].join(',')];
  for (const p of points) lines.push(`${p.iteration},${p.params.join(',')}`);
  return lines.join('\n') + '\n';
}

/**
 * The trajectory of a run folder, or undefined when it has no trajectory.csv.
 * Throws: Error when the file is there but damaged (a row of another length, a value that is not a finite number).
 */
export function readTrajectory(dir: string): TrajectoryPoint[] | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, RUN_FILES.trajectory), 'utf8');
  } catch {
    return undefined;
  }
  const records: string[][] = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true });
  const width = records[0]?.length ?? 0;
  return records.slice(1).map((r, i) => {
    const values = r.map(Number);
    if (r.length !== width || !values.every(Number.isFinite)) throw new Error(`${RUN_FILES.trajectory} row ${i + 2} is damaged: ${width} finite numbers expected`);
    return { iteration: values[0], params: values.slice(1) };
  });
}
