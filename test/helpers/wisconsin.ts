/**
 * Loads the Wisconsin breast cancer CSV the way the study (and the numpy oracle) does, for tests.
 *
 * Drop rows whose column 6 is '?', class 2 -> 0 and 4 -> 1, min-max scale columns 0..9 over all 683
 * remaining rows, train = cleaned rows 0..499, validation = rows 501..682 (row 500 is in neither),
 * features = columns 1..9, X feature-major [9 x samples].
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SplitData } from '../../src/train/types.js';

/** The dataset path, relative to the repo root (the cwd of `npm test`). */
export const WISCONSIN_CSV = path.resolve(process.cwd(), 'data/wisconsin-cancer-dataset.csv');

/**
 * The numpy oracle's reference values, kept in the repository (test/fixtures/oracle/) so that a fresh clone
 * checks the engine against them; the original lives in ../shared/oracle/ (a test holds the copy to it).
 */
export const WISCONSIN_ORACLE = path.resolve(process.cwd(), 'test/fixtures/oracle/wisconsin-9-15-1-lr0.01.json');

/** The original oracle file beside the repository, when present. */
export const SHARED_ORACLE = path.resolve(process.cwd(), '../shared/oracle/wisconsin-9-15-1-lr0.01.json');

export function wisconsinAvailable(): boolean {
  return existsSync(WISCONSIN_CSV);
}

/** Parses the CSV into the study's train and validation splits. */
export function loadWisconsin(file = WISCONSIN_CSV): { train: SplitData; validation: SplitData; rows: number } {
  const rows = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(','))
    .filter((r) => !r[6].includes('?'))
    .map((r) => r.map(Number));
  const n = rows.length;
  for (const r of rows) r[10] = r[10] === 4 ? 1 : 0;
  const scaled = rows.map((r) => r.slice(0, 10));
  for (let c = 0; c < 10; c++) {
    let mn = Infinity;
    let mx = -Infinity;
    for (const r of scaled) {
      mn = Math.min(mn, r[c]);
      mx = Math.max(mx, r[c]);
    }
    for (const r of scaled) r[c] = (r[c] - mn) / (mx - mn);
  }
  const split = (from: number, to: number): SplitData => {
    const m = to - from;
    const X = new Float64Array(9 * m);
    const y = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      for (let f = 0; f < 9; f++) X[f * m + j] = scaled[from + j][f + 1];
      y[j] = rows[from + j][10];
    }
    return { X: { rows: 9, cols: m, data: X }, y };
  };
  return { train: split(0, 500), validation: split(501, n), rows: n };
}
