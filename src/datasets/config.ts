/**
 * The configuration of the datasets stage: what a dataset is (a CSV file or generated data), how its rows are
 * split and scaled, and every default in one table. The experiment loader validates a file against these and
 * fills the defaults from DATASET_DEFAULTS; the schema's `default:` values come from the same table.
 *
 * Every option object that comes in several forms names its form with `kind:` (split, normalize, synthetic,
 * as lr_schedule does).
 */

/**
 * Dataset split settings. `fixed` uses row ranges of the cleaned data, both ends inclusive ([0, 499] is 500
 * rows). Each kind may hold out test rows (`test` ranges, or `test_fraction` of the rows, stratified and
 * seeded as the split): scored for every run, never used to choose one. Absent: no test split.
 */
export type SplitConfig =
  | { kind: 'fixed'; train: [number, number]; validation: [number, number]; test?: [number, number] }
  | { kind: 'holdout'; validation_fraction: number; stratify: boolean; seed: number; test_fraction?: number }
  | { kind: 'kfold'; k: number; stratify: boolean; seed: number; test_fraction?: number };

export interface NormalizeConfig {
  kind: 'minmax' | 'zscore' | 'none';
  /** Rows the scaling statistics are computed on: training rows only (no leakage), or all rows (the study's). */
  fit: 'train' | 'all';
}

/** A CSV dataset and its preprocessing. Column references are 0-based indices or header names. */
export interface CsvDatasetConfig {
  kind: 'csv';
  /** Known dataset name (e.g. "wisconsin") when the file is a managed one, else undefined. */
  name?: string;
  /** Absolute path of the file. */
  path: string;
  header: 'auto' | boolean;
  /** Field separator: one character (`,` by default; `;` and tab are common). */
  delimiter: string;
  label: string | number;
  positive: (string | number)[];
  /** Values of the negative class; default: every value that is not positive. */
  negative?: (string | number)[];
  drop_columns: (string | number)[];
  /** Feature columns; default: all columns but the label and the dropped ones. */
  features?: (string | number)[];
  missing_values: string[];
  missing_strategy: 'drop' | 'mean' | 'median';
  normalize: NormalizeConfig;
  split: SplitConfig;
}

/** The generators of synthetic data. */
export type SyntheticGenerator = 'blobs' | 'xor' | 'circles';

/** Generated data for tests and benchmarks. */
export interface SyntheticDatasetConfig {
  kind: 'synthetic';
  generator: SyntheticGenerator;
  samples: number;
  features: number;
  noise: number;
  seed: number;
  normalize: NormalizeConfig;
  split: SplitConfig;
}

export type DatasetConfig = CsvDatasetConfig | SyntheticDatasetConfig;

/** The preprocessing of a CSV dataset: every CsvDatasetConfig field but kind, name and path. */
export type CsvPreset = Omit<CsvDatasetConfig, 'kind' | 'name' | 'path'>;

/**
 * Every default of a dataset setting, in one place (as params.ts holds the training options' defaults).
 * Read by the loader to fill omitted fields and by the schema for its `default:` values and descriptions.
 */
export const DATASET_DEFAULTS = {
  csv: {
    header: 'auto' as const,
    delimiter: ',',
    drop_columns: [] as (string | number)[],
    missing_values: ['?', ''] as string[],
    missing_strategy: 'drop' as const,
  },
  synthetic: { noise: 0.1, seed: 0 },
  normalize: { kind: 'minmax', fit: 'train' } as NormalizeConfig,
  /** The split when none is given. */
  split: { kind: 'holdout', validation_fraction: 0.2, stratify: true, seed: 0 } as SplitConfig,
  /** Omitted fields of each split kind. */
  holdout: { validation_fraction: 0.2, stratify: true, seed: 0 },
  kfold: { stratify: true, seed: 0 },
} as const;

/** The discriminator of every multi-form option object; `method` is the spelling it replaced. */
export const DISCRIMINATOR = 'kind';

/** The splits a fixed split gives as row ranges. */
export type RangeField = 'train' | 'validation' | 'test';

/**
 * What is wrong with a fixed split's row ranges (both ends inclusive; `test` optional), or [] when they are
 * usable: a reversed range, or an overlap (a row used for training cannot validate or test; a validation row,
 * which chooses the best run, cannot test it). `rows`, when known, is the number of cleaned rows; a range
 * reaching beyond it is reported too. Each problem names the field it belongs to.
 * The one copy of this rule: the loader reports these with file:line:column, the datasets stage throws them.
 */
export function fixedSplitProblems(
  train: [number, number],
  validation: [number, number],
  rows?: number,
  test?: [number, number],
): { field: RangeField; message: string; hint: string }[] {
  const out: { field: RangeField; message: string; hint: string }[] = [];
  const ranges: Partial<Record<RangeField, [number, number]>> = { train, validation, ...(test ? { test } : {}) };
  const fields = (Object.keys(ranges) as RangeField[]);
  const ordered = new Set<RangeField>();
  for (const field of fields) {
    const [lo, hi] = ranges[field]!;
    if (lo > hi) {
      out.push({
        field,
        message: `row range is reversed: the first row (${lo}) is after the last (${hi})`,
        hint: `write ${field}: [${hi}, ${lo}] (both ends are inclusive)`,
      });
      continue;
    }
    ordered.add(field);
    if (rows !== undefined && hi >= rows) {
      out.push({
        field,
        message: `${field} rows [${lo}, ${hi}] go beyond the data: ${rows} rows are left after cleaning (rows 0..${rows - 1})`,
        hint: `use a range within 0..${rows - 1}, or a holdout split (kind: holdout, validation_fraction: 0.25)`,
      });
    }
  }
  const pairs: [RangeField, RangeField, string][] = [
    ['train', 'validation', 'a row used for training cannot validate: make the ranges disjoint'],
    ['train', 'test', 'a row used for training cannot test: make the ranges disjoint'],
    ['validation', 'test', 'test rows must never have chosen the run they score: make the validation and test ranges disjoint'],
  ];
  for (const [a, b, hint] of pairs) {
    const ra = ranges[a];
    const rb = ranges[b];
    if (!ra || !rb || !ordered.has(a) || !ordered.has(b)) continue;
    if (ra[0] <= rb[1] && rb[0] <= ra[1]) {
      const what = a === 'train' ? 'the training rows' : 'the validation rows';
      out.push({
        field: b,
        message: `${b} rows [${rb[0]}, ${rb[1]}] overlap ${what} [${ra[0]}, ${ra[1]}] on rows ${Math.max(ra[0], rb[0])}..${Math.min(ra[1], rb[1])}`,
        hint,
      });
    }
  }
  return out;
}
