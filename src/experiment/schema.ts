/**
 * The JSON Schema (draft-07) of experiment files, built from the parameter table (params.ts) and the
 * dataset registry and defaults (src/datasets/registry.ts, config.ts). Used by the loader (ajv) and written to schema/experiment.schema.json
 * for editors (`# yaml-language-server: $schema=../schema/experiment.schema.json`).
 */
import { NAME_MAX_BYTES } from './names.js';
import { PARAMS } from './params.js';
import { DATASET_DEFAULTS } from '../datasets/config.js';
import { KNOWN_DATASETS } from '../datasets/registry.js';
import { distributionProperties, searchSchema } from './search.js';

export const SCHEMA_ID = 'https://dlsweep.dev/schema/experiment.schema.json';


/**
 * Tags (the experiment file's `tags:` and `dlsweep tag`): 1-64 letters, digits or . _ - : / + = @,
 * starting with a letter or digit; no spaces, so a list of them stays readable.
 */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-:/+=@]{0,63}$/;

/**
 * Control characters refused in free text (an experiment's `description`, `dlsweep note`): ls, show and the
 * tables print that text on a terminal, where ESC sequences would recolour, move the cursor or retitle the
 * window. Line feed and tab stay allowed. C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F).
 */
export const TEXT_CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The first control character of a text as an escape a reader can see (`\u001b`), or undefined. */
export function firstControlCharacter(text: string): string | undefined {
  const m = TEXT_CONTROL_CHARACTER.exec(text);
  return m ? `\\u${m[0].charCodeAt(0).toString(16).padStart(4, '0')}` : undefined;
}

/** Default interval of curve.csv points, in updates. */
export const DEFAULT_CURVE_EVERY = 100;

type Schema = Record<string, unknown>;

function clone<T>(x: T): T {
  return structuredClone(x);
}

/** A flat object in YAML flow style, for descriptions: {kind: holdout, validation_fraction: 0.2}. */
function flow(o: object): string {
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

function splitSchema(defaultText: string): Schema {
  return {
    description: `How the rows are divided into training and validation rows. ${defaultText}`,
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
        'Values of the label column that mean the negative class (output 0). Default: every value that is not positive; when given, rows with any other value are errors.',
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

function datasetSchema(): Schema {
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

/** The JSON Schema of experiment files (a fresh object on every call). */
export function experimentSchema(): Schema {
  const fixedProps: Record<string, Schema> = {};
  const gridProps: Record<string, Schema> = {};
  for (const p of PARAMS) {
    fixedProps[p.name] = {
      ...clone(p.schema),
      description: p.description,
      ...(p.default !== undefined ? { default: clone(p.default) } : {}),
    };
    // Numeric parameters also take a distribution (a mapping) for searches; the list keywords apply to lists only.
    const dist = distributionProperties(p);
    gridProps[p.name] = {
      type: dist ? ['array', 'object'] : 'array',
      minItems: 1,
      items: clone(p.schema),
      ...(dist ?? {}),
      description: `Grid axis: candidate values of ${p.name}, e.g. [${p.example}]${dist ? `, or under a search a distribution, e.g. {${Object.keys(dist.properties as object)[0]}: [low, high]}` : ''}. ${p.description}`,
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'dlsweep experiment',
    description:
      'A dlsweep experiment: a dataset, parameters held fixed, and grid axes; `dlsweep run FILE` trains every grid point.',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'dataset'],
    properties: {
      name: {
        type: 'string',
        minLength: 1,
        maxLength: NAME_MAX_BYTES,
        pattern: '^(?!\\.)(?!(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\\.|$))[^<>:"/\\\\|?*\\u0000-\\u001f\\u007f]*[^<>:"/\\\\|?*\\u0000-\\u001f\\u007f. ]$',
        description: `Experiment name, the folder name under runs/, portable to Windows, macOS and Linux: 1-${NAME_MAX_BYTES} bytes of UTF-8, none of < > : " / \\ | ? * or control characters, not starting with a dot nor ending with a dot or a space, not a Windows device name (con, prn, aux, nul, com1-9, lpt1-9), not shaped like a sweep id (20261129-111502-3fa2), which run addresses would read as that sweep.`,
      },
      description: { type: 'string', description: 'Free text describing the experiment (no control characters; line feeds and tabs are fine), recorded in each sweep and shown by ls, show and the report.' },
      tags: {
        type: ['array', 'null'],
        items: { type: 'string', pattern: TAG_PATTERN.source },
        description:
          'Tags of every sweep of this experiment, e.g. [baseline, wisconsin]: recorded in sweep.json, shown by ls, show and compare, usable in filters (ls --tag baseline, --where \'tags has "baseline"\'). Each tag: 1-64 letters, digits or . _ - : / + = @.',
      },
      dataset: datasetSchema(),
      fixed: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: fixedProps,
        description:
          'Parameters held constant: one value each. Parameters neither fixed nor on the grid take their defaults.',
      },
      grid: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: gridProps,
        description:
          'Grid axes: each key a parameter, each value a non-empty list of candidates. Every combination is one run. Empty or absent: a single run.',
      },
      search: searchSchema(),
      record: {
        type: ['object', 'null'],
        additionalProperties: false,
        description: 'What each run records.',
        properties: {
          curve_every: {
            type: 'integer',
            minimum: 1,
            default: DEFAULT_CURVE_EVERY,
            description: `Interval of the learning-curve points (curve.csv), in updates (default ${DEFAULT_CURVE_EVERY}).`,
          },
        },
      },
    },
  };
}

/** The text of schema/experiment.schema.json: the schema as 2-space JSON with a final newline. */
export function experimentSchemaText(): string {
  return `${JSON.stringify(experimentSchema(), null, 2)}\n`;
}
