/**
 * curve.csv, the loss curve of a run folder: written by the recorder (curveCsv), read back by `show`
 * and the report (readCurve). One file holds both sides of the format.
 *
 *   iteration,train_loss,validation_loss
 *   0,0.6931...,0.6930...
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { CurvePoint } from '../train/types.js';
import { RUN_FILES } from './paths.js';

/** The header of curve.csv. */
export const CURVE_COLUMNS = ['iteration', 'train_loss', 'validation_loss'] as const;

/** curve.csv text: a header and one row per point, numbers in full precision (shortest round-trip form). */
export function curveCsv(curve: CurvePoint[]): string {
  const lines = [CURVE_COLUMNS.join(',')];
  for (const p of curve) lines.push(`${p.iteration},${p.train_loss},${p.validation_loss}`);
  return lines.join('\n') + '\n';
}

/**
 * The loss curve of a run folder, parsed from curve.csv with csv-parse: one point per row with a finite
 * iteration, in file order; a loss that is empty or not a number reads as NaN (callers keep finite points).
 * [] when the file is absent or unreadable (a run without a curve, or a damaged file: the curve is a view,
 * the run's metrics stay readable). Throws: nothing.
 */
export function readCurve(dir: string): CurvePoint[] {
  let records: string[][];
  try {
    records = parse(readFileSync(join(dir, RUN_FILES.curve), 'utf8'), { from_line: 2, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch {
    return [];
  }
  const num = (s: string | undefined) => (s === undefined || s === '' ? NaN : Number(s));
  const out: CurvePoint[] = [];
  for (const [it, train, validation] of records) {
    const p = { iteration: num(it), train_loss: num(train), validation_loss: num(validation) };
    if (Number.isFinite(p.iteration)) out.push(p);
  }
  return out;
}

/**
 * A curve as readCurve reads it back once curveCsv has written it, without the file: each number through its
 * text (-0 reads as 0, a missing loss as NaN), points without a finite iteration left out. Throws: nothing.
 */
export function curveAsRead(curve: readonly CurvePoint[]): CurvePoint[] {
  const num = (v: number) => Number(`${v}`);
  const out: CurvePoint[] = [];
  for (const p of curve) {
    const q = { iteration: num(p.iteration), train_loss: num(p.train_loss), validation_loss: num(p.validation_loss) };
    if (Number.isFinite(q.iteration)) out.push(q);
  }
  return out;
}
