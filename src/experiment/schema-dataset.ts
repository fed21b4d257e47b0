/**
 * The dataset part of the experiment file's JSON Schema (`dataset:`: a known dataset, synthetic data or a CSV,
 * its split, scaling and cleaning), built from the dataset registry and defaults (src/datasets/registry.ts,
 * config.ts). schema.ts places it in the whole schema.
 */
import { DATASET_DEFAULTS } from '../datasets/config.js';
import { KNOWN_DATASETS } from '../datasets/registry.js';

/** A JSON Schema node. */
export type Schema = Record<string, unknown>;

export function clone<T>(x: T): T {
  return structuredClone(x);
}

/** A flat object in YAML flow style, for descriptions: {kind: holdout, validation_fraction: 0.2}. */
export function flow(o: object): string {
  return `{${Object.entries(o).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
}

const SEED_SCHEMA: Schema = {
  type: 'integer',
  minimum: 0,
  maximum: 4294967295,
  default: DATASET_DEFAULTS.holdout.seed,
  description: 'Seed of the shuffle that assigns rows to the validation set or to folds (same seed, same split).',
};

const STRATIFY_SCHEMA: Schema = {
  type: 'boolean',
  default: DATASET_DEFAULTS.holdout.stratify,
  description: 'Keep the class proportions the same in training and validation rows (or in every fold).',
};

function rowRange(description: string): Schema {
  return {
    type: 'array',
    description,
    items: { type: 'integer', minimum: 0 },
    minItems: 2,
    maxItems: 2,
  };
}

function testFraction(how: string): Schema {
  return {
    type: 'number',
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    description: `Fraction of the rows ${how}, drawn per class when stratify (seeded by seed). Every run is scored on the test rows (test.loss, test.accuracy, ...), but no choice reads them: not the objective, the best run, the default order nor a search, so they stay an unbiased estimate of the configuration chosen on the validation rows. Absent: no test split.`,
  };
}

function splitSchema(defaultText: string): Schema {
  return {
    description: `How the rows are divided into training and validation rows, and optionally test rows (test, test_fraction). ${defaultText}`,
    anyOf: [
      {
        title: 'fixed row ranges {kind: fixed, train: [first, last], validation: [first, last]}',
        description: 'Fixed, inclusive row ranges of the cleaned data (after dropping rows with missing values).',
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'train', 'validation'],
        properties: {
          kind: { const: 'fixed', description: 'fixed: training and validation rows are given as row ranges.' },
          train: rowRange(
            'Training rows [first, last], both inclusive, 0-based rows of the cleaned data: [0, 499] is 500 rows.',
          ),
          validation: rowRange('Validation rows [first, last], both inclusive, 0-based rows of the cleaned data.'),
          test: rowRange(
            'Test rows [first, last], both inclusive, disjoint from the training and validation rows. Every run is scored on them (test.loss, test.accuracy, ...), but no choice reads them: not the objective, the best run, the default order nor a search, so they stay an unbiased estimate of the configuration chosen on the validation rows. Absent: no test split.',
          ),
        },
      },
      {
        title: 'random holdout {kind: holdout, validation_fraction: 0.2}',
        description: 'A random fraction of the rows is held out for validation.',
        type: 'object',
        additionalProperties: false,
        required: ['kind'],
        properties: {
          kind: { const: 'holdout', description: 'holdout: a random fraction of the rows is the validation set.' },
          validation_fraction: {
            type: 'number',
            exclusiveMinimum: 0,
            exclusiveMaximum: 1,
            default: DATASET_DEFAULTS.holdout.validation_fraction,
            description: `Fraction of the rows held out for validation, strictly between 0 and 1 (default ${DATASET_DEFAULTS.holdout.validation_fraction}).`,
          },
          stratify: clone(STRATIFY_SCHEMA),
          seed: clone(SEED_SCHEMA),
          test_fraction: testFraction('held out as test rows before the validation rows are drawn (validation_fraction and test_fraction are both fractions of all the rows; together below 1)'),
        },
      },
      {
        title: 'k-fold cross-validation {kind: kfold, k: 5}',
        description: 'k-fold cross-validation: every run is trained k times, each fold being the validation set once.',
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'k'],
        properties: {
          kind: { const: 'kfold', description: 'kfold: k-fold cross-validation.' },
          k: { type: 'integer', minimum: 2, description: 'Number of folds (at least 2).' },
          stratify: clone(STRATIFY_SCHEMA),
          seed: clone(SEED_SCHEMA),
          test_fraction: testFraction('held out of every fold as outer test rows before the folds are dealt; each fold\'s model is scored on them and a run\'s test figures are the mean over folds'),
        },
      },
    ],
  };
}

function normalizeSchema(defaultText: string): Schema {
  return {
    type: 'object',
    description: `Feature scaling. ${defaultText}`,
    additionalProperties: false,
    properties: {
      kind: {
        type: 'string',
        enum: ['minmax', 'zscore', 'none'],
        default: DATASET_DEFAULTS.normalize.kind,
        description: 'minmax scales each feature to [0, 1]; zscore to mean 0 and standard deviation 1; none keeps raw values.',
      },
      fit: {
        type: 'string',
        enum: ['train', 'all'],
        default: DATASET_DEFAULTS.normalize.fit,
        description:
          'Rows the scaling statistics are computed on: train (training rows only, no leakage) or all (every row, as the study did).',
      },
    },
  };
}

const COLUMN_REF: Schema = { type: ['string', 'integer'], minimum: 0 };
const CLASS_VALUE: Schema = { type: ['string', 'number'] };

/** CSV settings shared by the custom-file form and the known-dataset form (which overrides a preset). */
function csvProperties(forKnown: boolean): Record<string, Schema> {
  const d = (custom: string, known: string): string => (forKnown ? known : custom);
  return {
    header: {
      enum: ['auto', true, false],
      default: forKnown ? undefined : DATASET_DEFAULTS.csv.header,
      description: d(
        `Whether the first line holds column names: true, false, or auto (detect: a first line that is not all numbers is a header). Default ${DATASET_DEFAULTS.csv.header}.`,
        'Whether the first line holds column names (true, false or auto); overrides the preset.',
      ),
    },
    delimiter: {
      type: 'string',
      minLength: 1,
      maxLength: 1,
      ...(forKnown ? {} : { default: DATASET_DEFAULTS.csv.delimiter }),
      description: d(
        `The character between fields: one character, e.g. ";" or "\\t" (tab). Default "${DATASET_DEFAULTS.csv.delimiter}".`,
        'The character between fields; overrides the preset.',
      ),
    },
    label: {
      ...COLUMN_REF,
      description: d(
        'The class column: a header name or a 0-based column index. Required.',
        'The class column (header name or 0-based index); overrides the preset.',
      ),
    },
    positive: {
      type: 'array',
      minItems: 1,
      items: clone(CLASS_VALUE),
      description: d(
        'Values of the label column that mean the positive class (output 1), e.g. [4] or [malignant]. Required.',
        'Values of the label column that mean the positive class; overrides the preset.',
      ),
    },
    negative: {
      type: 'array',
      minItems: 1,
      items: clone(CLASS_VALUE),
      description:
        'Values of the label column that mean the negative class (output 0). Default: the one value that is not positive (a column holding a third value is an error); when given, rows with any other value are errors.',
    },
    drop_columns: {
      type: 'array',
      items: clone(COLUMN_REF),
      description: 'Columns to ignore (header names or 0-based indices), e.g. an id column. Default: none.',
    },
    features: {
      type: 'array',
      minItems: 1,
      items: clone(COLUMN_REF),
      description: 'Feature columns (header names or 0-based indices). Default: every column but the label and the dropped ones.',
    },
    missing_values: {
      type: 'array',
      items: { type: 'string' },
      description: `Cell values that mean "missing". Default: ${JSON.stringify(DATASET_DEFAULTS.csv.missing_values).replace(',', ', ')}.`,
    },
    missing_strategy: {
      type: 'string',
      enum: ['drop', 'mean', 'median'],
      description:
        `What to do with missing cells: drop the row, or replace the cell by the column mean or median (computed on the training rows). Default ${DATASET_DEFAULTS.csv.missing_strategy}.`,
    },
    normalize: normalizeSchema(
      forKnown ? 'Given fields override the preset\'s.' : `Default: ${flow(DATASET_DEFAULTS.normalize)}.`,
    ),
    split: splitSchema(
      forKnown
        ? 'A given split replaces the preset\'s split.'
        : `Default: ${flow(DATASET_DEFAULTS.split)}.`,
    ),
  };
}

function withoutUndefined(s: Record<string, Schema>): Record<string, Schema> {
  for (const v of Object.values(s)) for (const k of Object.keys(v)) if (v[k] === undefined) delete v[k];
  return s;
}

export function datasetSchema(): Schema {
  const names = KNOWN_DATASETS.map((d) => d.name);
  const known = KNOWN_DATASETS.map((d) => `${d.name}: ${d.description}`).join(' ');
  return {
    description:
      'The data: a known dataset name (e.g. wisconsin), a known dataset with overrides ({name: wisconsin, split: ...}), a CSV file ({path, label, positive, ...}), or generated data ({synthetic: {...}}).',
    anyOf: [
      {
        title: `a known dataset name (${names.join(', ')})`,
        description: `A known dataset with its preset preprocessing. ${known}`,
        type: 'string',
        enum: names,
      },
      {
        title: 'a CSV file {path, label, positive, ...}',
        description: 'A CSV file of your own and its preprocessing.',
        type: 'object',
        additionalProperties: false,
        required: ['path', 'label', 'positive'],
        properties: withoutUndefined({
          path: {
            type: 'string',
            minLength: 1,
            description: 'The CSV file, relative to the experiment file\'s folder (or absolute).',
          },
          ...csvProperties(false),
        }),
      },
      {
        title: `a known dataset with overrides {name: ${names[0] ?? 'NAME'}, ...}`,
        description: 'A known dataset whose preset preprocessing is overridden by the fields given next to name.',
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: withoutUndefined({
          name: { type: 'string', enum: names, description: `Known dataset name. ${known}` },
          ...csvProperties(true),
        }),
      },
      {
        title: 'generated data {synthetic: {kind, samples, features}}',
        description: 'Generated data, for tests and benchmarks.',
        type: 'object',
        additionalProperties: false,
        required: ['synthetic'],
        properties: {
          synthetic: {
            type: 'object',
            description: 'The generator and its settings.',
            additionalProperties: false,
            required: ['kind', 'samples', 'features'],
            properties: {
              kind: {
                type: 'string',
                enum: ['blobs', 'xor', 'circles'],
                description:
                  'blobs: two Gaussian clusters; xor: the sign of the product of the first two features; circles: inner disc against outer ring (first two features).',
              },
              samples: { type: 'integer', minimum: 4, maximum: 10_000_000, description: 'Number of rows to generate (4 to 10,000,000).' },
              features: {
                type: 'integer',
                minimum: 1,
                maximum: 10_000,
                description: 'Number of features (1 to 10,000; at least 2 for xor and circles; samples x features at most 100,000,000).',
              },
              noise: {
                type: 'number',
                minimum: 0,
                default: DATASET_DEFAULTS.synthetic.noise,
                description: `Standard deviation of the Gaussian noise added to every feature (default ${DATASET_DEFAULTS.synthetic.noise}).`,
              },
              seed: {
                type: 'integer',
                minimum: 0,
                maximum: 4294967295,
                default: DATASET_DEFAULTS.synthetic.seed,
                description: `Seed of the generator (default ${DATASET_DEFAULTS.synthetic.seed}).`,
              },
            },
          },
          normalize: normalizeSchema(`Default: ${flow(DATASET_DEFAULTS.normalize)}.`),
          split: splitSchema(`Default: ${flow(DATASET_DEFAULTS.split)}.`),
        },
      },
    ],
  };
}
