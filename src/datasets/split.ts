/**
 * Splitting cleaned rows into train/validation index sets: fixed ranges, seeded (stratified) holdout, (stratified) k-fold.
 * Indices refer to cleaned rows; each index set is sorted, so rows keep their file order inside a split.
 */
import { fixedSplitProblems, type SplitConfig } from './config.js';
import { UserError } from '../errors.js';
import { dataError } from './problems.js';
import { mulberry32, shuffleInPlace } from './rng.js';

/** Row indices (0-based, into the cleaned rows) of one fold's splits, ascending; test only with a test split (the same in every fold). */
export interface FoldIndices {
  train: Int32Array;
  validation: Int32Array;
  test?: Int32Array;
}

/** Rows whose mark is `m`, ascending. */
function marked(mark: Uint8Array, m: number): Int32Array {
  let count = 0;
  for (let i = 0; i < mark.length; i++) if (mark[i] === m) count++;
  const out = new Int32Array(count);
  let a = 0;
  for (let i = 0; i < mark.length; i++) if (mark[i] === m) out[a++] = i;
  return out;
}

/** Ascending integers lo..hi inclusive. */
function range(lo: number, hi: number): Int32Array {
  const a = new Int32Array(Math.max(0, hi - lo + 1));
  for (let i = 0; i < a.length; i++) a[i] = lo + i;
  return a;
}

/** Indices of the rows of each class: [negatives, positives]. */
function byClass(y: Uint8Array): [Int32Array, Int32Array] {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  const neg = new Int32Array(y.length - pos);
  const p = new Int32Array(pos);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) p[b++] = i;
    else neg[a++] = i;
  }
  return [neg, p];
}

/**
 * Split the cleaned rows (labels y: [rows] of 0/1) into folds.
 * - fixed: inclusive ranges [first, last] of cleaned rows for train, validation and (optionally) test (one fold);
 * - holdout: rows shuffled by a Fisher–Yates shuffle seeded with `seed` (per class when stratify: each class
 *   keeps its share within one row); the first round(test_fraction * n) go to test (none without a
 *   test_fraction), the next round(validation_fraction * n) to validation, the rest to train (one fold);
 * - kfold: rows shuffled (per class when stratify); with a test_fraction the first round(test_fraction * n)
 *   of each class are the outer test rows, held out of every fold; the rest are dealt round-robin into k
 *   validation folds, so every other row is in exactly one validation fold and fold sizes differ by at most
 *   one (k folds).
 * Without a test split the shuffles and so the splits are those of a split that never had one.
 * Throws: UserError for invalid settings (fraction outside (0, 1); k < 2); DiagnosticError for fixed ranges that
 * are reversed, overlap or go beyond the data (naming the number of rows), k > rows, and an empty split.
 */
export function splitRows(y: Uint8Array, split: SplitConfig, file: string): FoldIndices[] {
  const n = y.length;
  switch (split.kind) {
    case 'fixed': {
      for (const name of ['train', 'validation'] as const) {
        const r = split[name];
        if (!Array.isArray(r) || r.length !== 2 || !Number.isInteger(r[0]) || !Number.isInteger(r[1]) || r[0] < 0) {
          throw new UserError(`dataset.split.${name}: expected [first, last], two 0-based row numbers (both inclusive), e.g. [0, 499]; found ${JSON.stringify(r)}.`);
        }
      }
      const problem = fixedSplitProblems(split.train, split.validation, n, split.test)[0];
      if (problem) throw dataError(file, `dataset.split.${problem.field}: ${problem.message}`, { hint: problem.hint });
      const [[a, b], [c, d]] = [split.train, split.validation];
      return [{ train: range(a, b), validation: range(c, d), ...(split.test ? { test: range(split.test[0], split.test[1]) } : {}) }];
    }
    case 'holdout': {
      const f = split.validation_fraction;
      if (!(f > 0 && f < 1)) throw new UserError(`dataset.split.validation_fraction: expected a number between 0 and 1 (exclusive), e.g. 0.25; found ${f}.`);
      const t = split.test_fraction ?? 0;
      if (!(t >= 0 && t < 1 && t + f < 1)) throw new UserError(`dataset.split.test_fraction: expected a number between 0 and 1 that leaves training rows with validation_fraction ${f}; found ${t}.`);
      const rand = mulberry32(split.seed);
      const groups = split.stratify ? byClass(y) : [range(0, n - 1)];
      // 0 train, 1 validation, 2 test.
      const mark = new Uint8Array(n);
      for (const g of groups) {
        const idx = g.slice();
        shuffleInPlace(idx, rand);
        const mt = Math.round(t * idx.length);
        const mv = Math.round(f * idx.length);
        for (let i = 0; i < mt; i++) mark[idx[i]] = 2;
        for (let i = mt; i < mt + mv && i < idx.length; i++) mark[idx[i]] = 1;
      }
      // Collected in ascending order: rows keep their file order inside each split.
      const fold: FoldIndices = { train: marked(mark, 0), validation: marked(mark, 1), ...(split.test_fraction !== undefined ? { test: marked(mark, 2) } : {}) };
      for (const name of ['train', 'validation', ...(fold.test ? (['test'] as const) : [])] as const) {
        if (fold[name]!.length === 0) {
          throw dataError(file, `the ${name} split is empty: validation_fraction ${f}${t ? ` and test_fraction ${t}` : ''} of ${n} rows leave no ${name} rows`, {
            hint: `choose a validation_fraction that leaves rows on both sides (between ${(1 / n).toPrecision(2)} and ${(1 - 1 / n).toPrecision(2)})`,
          });
        }
      }
      return [fold];
    }
    case 'kfold': {
      const k = split.k;
      if (!Number.isInteger(k) || k < 2) throw new UserError(`dataset.split.k: expected an integer >= 2, e.g. 5; found ${k}.`);
      if (k > n) {
        throw dataError(file, `dataset.split.k is ${k} but only ${n} rows are left after cleaning: some validation folds would be empty`, {
          hint: `use k <= ${n}`,
        });
      }
      const t = split.test_fraction ?? 0;
      if (!(t >= 0 && t < 1)) throw new UserError(`dataset.split.test_fraction: expected a number between 0 and 1 (exclusive), e.g. 0.2; found ${t}.`);
      const rand = mulberry32(split.seed);
      const groups = split.stratify ? byClass(y) : [range(0, n - 1)];
      const TEST = -1;
      const foldOf = new Int32Array(n);
      let next = 0; // continue dealing where the previous class stopped, so fold sizes stay within one row
      for (const g of groups) {
        const idx = g.slice();
        shuffleInPlace(idx, rand);
        const mt = Math.round(t * idx.length);
        for (let i = 0; i < idx.length; i++) {
          if (i < mt) {
            foldOf[idx[i]] = TEST;
            continue;
          }
          foldOf[idx[i]] = next;
          next = (next + 1) % k;
        }
      }
      const sizes = new Int32Array(k);
      let nTest = 0;
      for (let i = 0; i < n; i++) {
        if (foldOf[i] === TEST) nTest++;
        else sizes[foldOf[i]]++;
      }
      if (k > n - nTest) {
        throw dataError(file, `dataset.split.k is ${k} but only ${n - nTest} rows are left outside the test rows: some validation folds would be empty`, { hint: `use k <= ${n - nTest}, or a smaller test_fraction` });
      }
      const test = new Int32Array(nTest);
      for (let i = 0, a = 0; i < n; i++) if (foldOf[i] === TEST) test[a++] = i;
      const folds: FoldIndices[] = [];
      for (let f = 0; f < k; f++) {
        const validation = new Int32Array(sizes[f]);
        const train = new Int32Array(n - nTest - sizes[f]);
        let a = 0;
        let b = 0;
        for (let i = 0; i < n; i++) {
          if (foldOf[i] === f) validation[a++] = i;
          else if (foldOf[i] !== TEST) train[b++] = i;
        }
        folds.push({ train, validation, ...(split.test_fraction !== undefined ? { test } : {}) });
      }
      return folds;
    }
    default: {
      const never: never = split;
      throw new UserError(`dataset.split.kind: unknown kind ${JSON.stringify((never as { kind: unknown }).kind)}; expected fixed, holdout or kfold.`);
    }
  }
}

/**
 * Check every split of every fold holds both classes (a one-class split cannot train or be scored).
 * `names[i]` is fold i's prefix for messages ('' for a single fold).
 * Throws: DiagnosticError naming the split and the class it lacks, suggesting stratify or another split.
 */
export function checkClasses(y: Uint8Array, folds: FoldIndices[], file: string, split: SplitConfig): void {
  folds.forEach((fold, i) => {
    for (const name of ['train', 'validation', 'test'] as const) {
      const idx = fold[name];
      if (idx === undefined) continue;
      // The test rows are the same in every fold: checked once.
      if (name === 'test' && i > 0) continue;
      if (idx.length === 0) {
        throw dataError(file, `the ${name} split${folds.length > 1 && name !== 'test' ? ` of fold ${i + 1}` : ''} is empty`);
      }
      let pos = 0;
      for (let r = 0; r < idx.length; r++) pos += y[idx[r]];
      if (pos === 0 || pos === idx.length) {
        const only = pos === 0 ? 'negative (0)' : 'positive (1)';
        const hint =
          split.kind === 'fixed'
            ? 'the rows may be sorted by class: use a holdout or kfold split with stratify: true, or other row ranges'
            : split.stratify
              ? 'there are too few rows of the other class: use a smaller k or validation_fraction, or more data'
              : 'set stratify: true so each split keeps both classes';
        throw dataError(file, `the ${name} split${folds.length > 1 && name !== 'test' ? ` of fold ${i + 1}` : ''} has only ${only} rows (${idx.length} rows, no ${pos === 0 ? 'positive' : 'negative'} one)`, {
          hint,
        });
      }
    }
  });
}
