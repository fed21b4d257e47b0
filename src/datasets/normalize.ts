/**
 * Per fold: impute missing values (statistics of the fold's training rows), scale features (statistics of
 * the fit rows), and pack both splits as X: [features x samples] on SharedArrayBuffers.
 */
import type { NormalizeConfig } from './config.js';
import type { Matrix, SplitData } from '../train/types.js';
import { mean, populationStd } from '../train/statistics.js';
import { dataError } from './problems.js';
import type { FoldIndices } from './split.js';
import type { CleanTable, PreparedFold } from './types.js';

/** A Float64Array of n elements on a SharedArrayBuffer, so worker threads can read it without a copy. */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT));
}

/** A fold built, with what it needed to say. */
export interface BuiltFold {
  fold: PreparedFold;
  /** Per feature, the value imputed for missing cells (NaN when the feature had none). */
  imputed: number[];
  /** Per feature, the scaling applied: x' = (x - shift) / scale, and 0 where scale is 0. */
  shift: number[];
  scale: number[];
  warnings: string[];
}

/** 0, 1, ..., n - 1. */
function allRows(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** Median: the middle value, or the mean of the two middle values for an even count (numpy's convention). */
function median(v: number[]): number {
  const a = Float64Array.from(v).sort();
  const m = a.length >> 1;
  return a.length % 2 === 1 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/**
 * Build one fold from the cleaned table.
 * 1. Impute (strategy mean/median): each missing cell gets its feature's mean/median over this fold's
 *    TRAINING rows (non-missing cells only), so validation rows never inform the fill value.
 * 2. Scale each feature with statistics over the fit rows (normalize.fit: 'all' = every cleaned row,
 *    including rows outside the splits and test rows; 'train' = this fold's training rows), applied to
 *    every split:
 *    - minmax: x' = (x - min) / (max - min)            (in [0, 1] on the fit rows);
 *    - zscore: x' = (x - mean) / std, std the population standard deviation sqrt(sum((x - mean)^2) / n);
 *    - none: x' = x.
 *    A feature constant on the fit rows (max = min) is set to 0 everywhere, with a warning (never NaN).
 * 3. Pack: X[f * samples + s] is feature f of the split's s-th row (rows in ascending cleaned-row order).
 * `label` names the fold in messages ('' for a single fold, e.g. ' of fold 2' otherwise).
 * Throws: DiagnosticError when a feature has missing cells but no value at all on the training rows.
 */
export function buildFold(
  table: CleanTable,
  idx: FoldIndices,
  normalize: NormalizeConfig,
  strategy: 'drop' | 'mean' | 'median',
  label: string,
): BuiltFold {
  const { features: F, values } = table;
  const warnings: string[] = [];

  // 1. Imputation values from training rows; V is the table with missing cells filled (the table itself if none).
  const imputed: number[] = new Array<number>(F).fill(NaN);
  let V = values;
  if (strategy !== 'drop') {
    const hasMissing = new Uint8Array(F);
    let any = false;
    for (let k = 0; k < values.length; k++) {
      if (Number.isNaN(values[k])) {
        hasMissing[k % F] = 1;
        any = true;
      }
    }
    if (any) {
      for (let f = 0; f < F; f++) {
        if (!hasMissing[f]) continue;
        const seen: number[] = [];
        for (let r = 0; r < idx.train.length; r++) {
          const v = values[idx.train[r] * F + f];
          if (!Number.isNaN(v)) seen.push(v);
        }
        if (seen.length === 0) {
          throw dataError(table.file, `feature "${table.featureNames[f]}" has no value on the training rows${label}: nothing to impute its missing cells from`, {
            hint: 'drop the column (dataset.drop_columns) or drop rows with missing values (dataset.missing_strategy: drop)',
          });
        }
        imputed[f] = strategy === 'mean' ? mean(seen) : median(seen);
      }
      V = values.slice();
      for (let k = 0; k < V.length; k++) if (Number.isNaN(V[k])) V[k] = imputed[k % F];
    }
  }

  // 2. Scaling statistics: x' = (x - shift) / scale; scale 0 marks a constant feature.
  const shift = new Float64Array(F);
  const scale = new Float64Array(F).fill(1);
  if (normalize.kind !== 'none') {
    const fitRows = normalize.fit === 'train' ? idx.train : allRows(table.rows);
    const nFit = fitRows.length;
    const min = new Float64Array(F).fill(Infinity);
    const max = new Float64Array(F).fill(-Infinity);
    for (let r = 0; r < nFit; r++) {
      const base = fitRows[r] * F;
      for (let f = 0; f < F; f++) {
        const v = V[base + f];
        if (v < min[f]) min[f] = v;
        if (v > max[f]) max[f] = v;
      }
    }
    const column = new Float64Array(normalize.kind === 'zscore' ? nFit : 0);
    for (let f = 0; f < F; f++) {
      if (max[f] === min[f]) {
        scale[f] = 0;
        warnings.push(
          `feature "${table.featureNames[f]}" is constant (${min[f]}) on the ${normalize.fit === 'train' ? `training rows${label}` : 'cleaned rows'}: scaled to 0`,
        );
      } else if (normalize.kind === 'minmax') {
        shift[f] = min[f];
        scale[f] = max[f] - min[f];
      } else {
        for (let r = 0; r < nFit; r++) column[r] = V[fitRows[r] * F + f];
        shift[f] = mean(column);
        scale[f] = populationStd(column, shift[f]);
      }
      if (!Number.isFinite(scale[f]) || !Number.isFinite(shift[f])) {
        throw dataError(table.file, `feature "${table.featureNames[f]}" cannot be scaled (${normalize.kind}): its values (${min[f]} to ${max[f]}) overflow a double`, {
          hint: `rescale "${table.featureNames[f]}" in the file, or drop it (dataset.drop_columns)`,
        });
      }
    }
  }

  // 3. Pack.
  const pack = (rows: Int32Array): SplitData => {
    const m = rows.length;
    const X: Matrix = { rows: F, cols: m, data: sharedFloat64(F * m) };
    const y = sharedFloat64(m);
    const out = X.data;
    for (let s = 0; s < m; s++) y[s] = table.y[rows[s]];
    for (let f = 0; f < F; f++) {
      const sc = scale[f];
      const sh = shift[f];
      if (sc === 0) continue; // constant feature: stays 0
      const o = f * m;
      for (let s = 0; s < m; s++) {
        const v = (V[rows[s] * F + f] - sh) / sc;
        out[o + s] = v;
        if (!(Math.abs(v) < MAX_SCALED)) throw tooLarge(table, normalize, f, rows[s], V[rows[s] * F + f], v);
      }
    }
    return { X, y };
  };
  return { fold: { train: pack(idx.train), validation: pack(idx.validation), ...(idx.test ? { test: pack(idx.test) } : {}) }, imputed, shift: [...shift], scale: [...scale], warnings };
}

/**
 * Largest magnitude a scaled feature value may have: beyond it the network's weighted sums and their squares
 * overflow a double (1e150 squared is 1e300), and every training would fail on a non-finite input.
 */
const MAX_SCALED = 1e150;

/** The data error for a feature whose scaled value is not finite or too large, naming the column and the row. */
function tooLarge(table: CleanTable, normalize: NormalizeConfig, f: number, row: number, raw: number, scaled: number): Error {
  const name = table.featureNames[f];
  const what = normalize.kind === 'none' ? `its value ${raw} (unscaled)` : `its value ${raw} becomes ${scaled} after scaling (${normalize.kind})`;
  return dataError(table.file, `feature "${name}" cannot be trained on: ${what} is too large; values this large overflow a double in training`, {
    line: table.lines[row],
    hint:
      normalize.kind === 'none'
        ? `scale the features (normalize: {kind: minmax}) or drop the column "${name}" (dataset.drop_columns)`
        : `the column's range overflows a double when scaled: rescale "${name}" in the file, or drop it (dataset.drop_columns)`,
  });
}
