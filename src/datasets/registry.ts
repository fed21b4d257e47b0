/**
 * The registry of known (managed) datasets: `dataset: NAME` or `dataset: {name: NAME, ...overrides}` in an
 * experiment file. Each entry holds everything dlsweep knows about one dataset: the file's name in the data
 * folder, the preprocessing preset it is used with, its column names, and where it can be downloaded from with
 * the sha256 its bytes must have. Add an entry here to make a new name known (the JSON Schema, the loader,
 * `data fetch` and `data ls` follow).
 */
import { basename, dirname } from 'node:path';
import { UserError } from '../errors.js';
import { shellWord } from '../text.js';
import type { CsvPreset } from './config.js';

/** Where a known dataset can be downloaded from and what its bytes must hash to. */
export interface DatasetSource {
  /** Default download URL. */
  url: string;
  /** Environment variable that replaces `url` (a mirror). */
  urlEnv: string;
  /** Human page describing the data, for messages. */
  page: string;
  /** Who publishes the file, for messages. */
  publisher: string;
  /** The file's name at the source, for messages. */
  originalName: string;
  /** sha256 (hex) of the expected bytes. A different file still loads, with a warning. */
  sha256: string;
  /** Larger downloads are refused, in bytes: a wrong URL (an HTML page, an archive) fails fast. */
  maxBytes: number;
}

export interface KnownDataset {
  name: string;
  /** What the data is, in a few words for messages ("the Wisconsin breast cancer data"). */
  title: string;
  /** File name inside the data folder (the loader's dataDir option, default <cwd>/data). */
  file: string;
  /** One line for messages and the schema. */
  description: string;
  preset: CsvPreset;
  /** Column names when the file has no header row. */
  columns?: readonly string[];
  /** Download source; a known dataset without one must be put in place by hand. */
  source?: DatasetSource;
}

/** The managed Wisconsin breast cancer file (UCI): 699 rows, no header. Class: 2 benign, 4 malignant. */
export const WISCONSIN = {
  name: 'wisconsin',
  title: 'the Wisconsin breast cancer data',
  file: 'wisconsin-cancer-dataset.csv',
  description:
    'Breast Cancer Wisconsin (Original), UCI: 699 rows, 9 features, class 2 benign / 4 malignant; the study\'s preprocessing (drop the id column and the 16 rows with "?", min-max over all rows, rows 0-499 train, 501-682 validation).',
  preset: {
    header: false,
    delimiter: ',',
    label: 10,
    positive: [4],
    negative: [2],
    drop_columns: [0],
    missing_values: ['?', ''],
    missing_strategy: 'drop',
    normalize: { kind: 'minmax', fit: 'all' },
    split: { kind: 'fixed', train: [0, 499], validation: [501, 682] },
  },
  /** From the UCI description (breast-cancer-wisconsin.names). */
  columns: [
    'sample_code_number',
    'clump_thickness',
    'uniformity_of_cell_size',
    'uniformity_of_cell_shape',
    'marginal_adhesion',
    'single_epithelial_cell_size',
    'bare_nuclei',
    'bland_chromatin',
    'normal_nucleoli',
    'mitoses',
    'class',
  ],
  source: {
    url: 'https://archive.ics.uci.edu/ml/machine-learning-databases/breast-cancer-wisconsin/breast-cancer-wisconsin.data',
    urlEnv: 'DLSWEEP_WISCONSIN_URL',
    page: 'https://archive.ics.uci.edu/dataset/15/breast+cancer+wisconsin+original',
    publisher: 'the UCI Machine Learning Repository',
    originalName: 'breast-cancer-wisconsin.data',
    sha256: '402c585309c399237740f635ef9919dc512cca12cbeb20de5e563a4593f22b64',
    maxBytes: 10 * 1024 * 1024,
  },
} satisfies KnownDataset;

export const KNOWN_DATASETS: readonly KnownDataset[] = [WISCONSIN];

/** The known dataset called `name`, or undefined. */
export function knownDataset(name: string): KnownDataset | undefined {
  return KNOWN_DATASETS.find((d) => d.name === name);
}

/** The known dataset called `name`. Throws: UserError listing the known names. */
export function requireKnown(name: string): KnownDataset {
  const known = knownDataset(name);
  if (!known) {
    throw new UserError(`unknown dataset "${name}"`, `known datasets: ${KNOWN_DATASETS.map((d) => d.name).join(', ')}`);
  }
  return known;
}

/** The message for a missing managed file: where to put it, what it is, how to fetch it. */
export function missingFileMessage(known: KnownDataset, path: string): string {
  const lines = [`Dataset file not found: ${path}`];
  if (known.source) {
    const s = known.source;
    lines.push(
      `Put ${known.title} at ${path}: it is ${s.originalName} from ${s.publisher}`,
      `(${s.page}), saved under the name ${basename(path)}.`,
      // The command must name the folder: without --data-dir it would download into ./data, not there.
      basename(path) === known.file
        ? `Or run \`dlsweep data fetch ${known.name} --data-dir ${shellWord(dirname(path))}\` to download it there.`
        : `Or run \`dlsweep data fetch ${known.name}\` and set dataset.path to the file it installs.`,
    );
  } else {
    lines.push(`Put ${known.title} at ${path}.`);
  }
  return lines.join('\n');
}
