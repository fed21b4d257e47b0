/**
 * Types of the datasets stage: what loadDataset() returns (PreparedDataset) and the cleaned table
 * the CSV reader and the synthetic generators both produce before splitting and scaling.
 */
import type { SplitData } from '../train/types.js';

/** Rows removed while cleaning, grouped by reason. */
export interface DroppedRows {
  /** e.g. `missing value in bare_nuclei`, `missing label`. */
  reason: string;
  count: number;
  /** First (up to 10) 1-based file line numbers of the dropped rows (row numbers for synthetic data). */
  first_rows: number[];
}

/** Missing cells filled in (missing_strategy mean or median). */
export interface ImputedReport {
  strategy: 'mean' | 'median';
  /** Missing cells filled, over all rows. */
  cells: number;
  per_feature: {
    feature: string;
    count: number;
    /** First (up to 10) 1-based file line numbers with a missing value in this feature. */
    first_rows: number[];
    /** Value used per fold (computed on that fold's training rows), in the feature's raw units. */
    values: number[];
  }[];
}

/** What the loader read, dropped and kept: saved with the sweep, summarized by formatDatasetReport(). */
export interface DatasetReport {
  /** The file's base name, or e.g. `synthetic blobs` for generated data. */
  source: string;
  /** Whether the first row was a header (resolved when header was 'auto'); absent for synthetic data. */
  header?: boolean;
  /** Data rows in the file (blank lines and the header excluded). */
  rows_read: number;
  /** Rows left after cleaning (the rows the split ranges refer to). */
  rows_used: number;
  dropped: DroppedRows[];
  imputed?: ImputedReport;
  /** Feature names in X's row order. */
  features: string[];
  /** Name of the label column. */
  label: string;
  /** Label values mapped to 1, as trimmed strings (as configured). */
  positive: string[];
  /** Label values mapped to 0: as configured, or, when not configured, the distinct other values found. */
  negative: string[];
  /** Cleaned rows in no split (fixed ranges that leave rows out), with their first file lines; absent when none. */
  unsplit?: { rows: number; first_rows: number[] };
  /**
   * Per split: `train` / `validation`, or `fold<k>/train` / `fold<k>/validation` for kfold (k from 1), then
   * `test` when the split holds test rows out (once: the same rows in every fold).
   */
  splits: { name: string; rows: number; positives: number; negatives: number }[];
  /** Non-fatal findings: blank lines skipped, constant features, unexpected file contents. */
  warnings: string[];
}

/**
 * One train/validation pair, and the test rows when the split holds some out (the same rows in every fold,
 * scaled with the fold's statistics). X: [features x samples] row-major, y: [samples] of 0/1, all on
 * SharedArrayBuffers.
 */
export interface PreparedFold {
  train: SplitData;
  validation: SplitData;
  test?: SplitData;
}

/**
 * The preprocessing fitted for one fold, as model.json records it: enough to turn a new row of the original
 * file's layout into the network's input exactly as training did.
 * Scaling: x' = (x - shift) / scale per feature, and x' = 0 where scale is 0 (a constant feature).
 */
export interface FittedPreprocessing {
  /** Whether the training file had a header row (synthetic data: true, names x0, x1, ...). */
  header: boolean;
  /** Every column of the training file, in order (header names, the known dataset's names, or col0, col1...). */
  columns: string[];
  /** 0-based indices into columns of the features, in the network's input order. */
  feature_columns: number[];
  /** Names of the features, in the network's input order. */
  features: string[];
  /** Columns left out by dataset.drop_columns. */
  dropped_columns: string[];
  /** The label column and the values of each class (trimmed strings; numbers compare as numbers). */
  label: { column: string; index: number; positive: string[]; negative: string[] };
  /** Cells that mean missing, what training did with them, and per feature the value imputed (null: none). */
  missing: { values: string[]; strategy: 'drop' | 'mean' | 'median'; imputed: (number | null)[] };
  scaling: { kind: 'minmax' | 'zscore' | 'none'; fit: 'train' | 'all'; shift: number[]; scale: number[] };
  /** The training file's field separator, when not a comma (predict reads its input with it by default). */
  delimiter?: string;
}

/** A dataset read, cleaned, split and scaled, ready for training. */
export interface PreparedDataset {
  /** sha256 (hex) of the file's bytes; for synthetic data, of the generator settings. */
  file_sha256: string;
  /** sha256 of file_sha256 + the canonical preprocessing settings: the dataset's identity. */
  fingerprint: string;
  feature_names: string[];
  /** One fold for fixed/holdout splits, k for kfold. */
  folds: PreparedFold[];
  /** Per fold, the preprocessing fitted on it (same order as folds). */
  preprocessing: FittedPreprocessing[];
  report: DatasetReport;
}

/**
 * Cleaned rows before splitting: sample-major values (row i, feature f at values[i * features + f]),
 * NaN where a cell is missing and will be imputed.
 */
export interface CleanTable {
  /** Shown in diagnostics (the file path, or `synthetic:<generator>`). */
  file: string;
  rows: number;
  features: number;
  featureNames: string[];
  /** [rows x features], raw units, NaN = missing (to impute). */
  values: Float64Array;
  /** [rows], 0 or 1. */
  y: Uint8Array;
  /** [rows]: 1-based file line of each row (row number for synthetic data). */
  lines: Int32Array;
}
