/**
 * Known (managed) datasets: `dataset: NAME` or `dataset: {name: NAME, ...overrides}` in an experiment file.
 * Each entry names a file in the data folder and the preprocessing preset it is used with.
 * Add an entry here to make a new name known (the JSON Schema and the messages follow).
 */
import type { CsvDatasetConfig } from './types.js';

/** The preprocessing of a CSV dataset: every CsvDatasetConfig field but kind, name and path. */
export type CsvPreset = Omit<CsvDatasetConfig, 'kind' | 'name' | 'path'>;

export interface KnownDataset {
  name: string;
  /** File name inside the data folder (the loader's dataDir option, default <cwd>/data). */
  file: string;
  /** One line for messages and the schema. */
  description: string;
  preset: CsvPreset;
}

export const KNOWN_DATASETS: KnownDataset[] = [
  {
    name: 'wisconsin',
    file: 'wisconsin-cancer-dataset.csv',
    description:
      'Breast Cancer Wisconsin (Original), UCI: 699 rows, 9 features, class 2 benign / 4 malignant; the study\'s preprocessing (drop the id column and the 16 rows with "?", min-max over all rows, rows 0-499 train, 501-682 validation).',
    preset: {
      header: false,
      label: 10,
      positive: [4],
      negative: [2],
      drop_columns: [0],
      missing_values: ['?', ''],
      missing_strategy: 'drop',
      normalize: { method: 'minmax', fit: 'all' },
      split: { method: 'fixed', train: [0, 499], validation: [501, 682] },
    },
  },
];

export function knownDataset(name: string): KnownDataset | undefined {
  return KNOWN_DATASETS.find((d) => d.name === name);
}
