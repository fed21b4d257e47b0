/**
 * The validated, typed form of an experiment file. Produced by loadExperiment() (src/experiment/load.ts),
 * consumed by the sweep planner (src/sweep/) and the dataset loader (src/datasets/).
 */
import type { RecordSettings } from './record.js';
import type { Diagnostic, SourcePosition } from '../errors.js';
import type { DatasetConfig } from '../datasets/config.js';

export type { CsvDatasetConfig, DatasetConfig, NormalizeConfig, SplitConfig, SyntheticDatasetConfig } from '../datasets/config.js';
import type { SearchAxis } from '../search/distributions.js';
import type { SearchSettings } from '../search/method.js';
import type { ObjectiveSetting } from '../sweep/objective.js';

/** A parameter value as it appears in an experiment file after parsing (numbers are numbers: 1e-3 is 0.001). */
export type ParamValue = number | string | boolean | null | ParamValue[] | { [key: string]: ParamValue };

/** One grid axis: a parameter name and its candidate values, in file order. */
export interface Axis {
  name: string;
  values: ParamValue[];
  /** The user's spelling of each value (source text, e.g. "1e-3"), for display; same length as values. */
  spellings: string[];
}

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
  /** Recording settings (record.ts). */
  record: RecordSettings;
  /** What "best" means (objective:, or the default), recorded in sweep.json. */
  objective: ObjectiveSetting;
  /** A search other than the grid (search.method), with its searched axes; absent for a grid sweep. */
  search?: SearchConfig;
  /** Non-fatal findings (e.g. duplicate grid values). */
  warnings: Diagnostic[];
}

/** The typed search of an experiment (search: block, src/experiment/search.ts): its settings and the searched axes, in file order. */
export interface SearchConfig {
  settings: SearchSettings;
  axes: SearchAxis[];
  /** The user's spelling of each distribution, for display. */
  spellings: Record<string, string>;
  /** Where `search.trials` is written (file, line, column), for refusals of its value; undefined when not written. */
  trialsAt?: SourcePosition & { sourceLine?: string; length?: number };
  /**
   * Where the settings that size a search with rungs are written (search.min_iterations, search.reduction_factor,
   * iterations in grid or fixed), for refusals of the search's size; a key is absent when not written.
   */
  sizeAt?: Partial<Record<'min_iterations' | 'reduction_factor' | 'iterations', SourcePosition & { path: string; sourceLine?: string; length?: number }>>;
}
