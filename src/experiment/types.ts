/**
 * The validated, typed form of an experiment file. Produced by loadExperiment() (src/experiment/load.ts),
 * consumed by the sweep planner (src/sweep/) and the dataset loader (src/datasets/).
 */
import type { Diagnostic } from '../errors.js';

/** A parameter value as it appears in an experiment file after parsing (numbers are numbers: 1e-3 is 0.001). */
export type ParamValue = number | string | boolean | null | ParamValue[] | { [key: string]: ParamValue };

/** One grid axis: a parameter name and its candidate values, in file order. */
export interface Axis {
  name: string;
  values: ParamValue[];
  /** The user's spelling of each value (source text, e.g. "1e-3"), for display; same length as values. */
  spellings: string[];
}

/** Dataset split settings. `fixed` uses row ranges of the cleaned data, both ends inclusive ([0, 499] is 500 rows). */
export type SplitConfig =
  | { method: 'fixed'; train: [number, number]; validation: [number, number] }
  | { method: 'holdout'; validation_fraction: number; stratify: boolean; seed: number }
  | { method: 'kfold'; k: number; stratify: boolean; seed: number };

export interface NormalizeConfig {
  method: 'minmax' | 'zscore' | 'none';
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

/** Generated data for tests and benchmarks. */
export interface SyntheticDatasetConfig {
  kind: 'synthetic';
  generator: 'blobs' | 'xor' | 'circles';
  samples: number;
  features: number;
  noise: number;
  seed: number;
  normalize: NormalizeConfig;
  split: SplitConfig;
}

export type DatasetConfig = CsvDatasetConfig | SyntheticDatasetConfig;

/** A validated experiment. */
export interface Experiment {
  /** The experiment file's path as given, and its absolute form. */
  file: string;
  absoluteFile: string;
  /** The file's text, saved as experiment.yaml in each sweep folder. */
  text: string;
  /** Safe single path segment: the runs/ folder name. */
  name: string;
  description?: string;
  /** The file's `tags:`, each once, in file order (absent when none). */
  tags?: string[];
  dataset: DatasetConfig;
  /** Every parameter that is not an axis, defaults filled in (keys as in the parameter table). */
  fixed: Record<string, ParamValue>;
  /** Spelling of fixed values as written by the user (only for values given in the file). */
  fixedSpellings: Record<string, string>;
  /** Grid axes in file order. */
  axes: Axis[];
  /** Recording settings. */
  record: { curve_every: number };
  /** Non-fatal findings (e.g. duplicate grid values). */
  warnings: Diagnostic[];
}
