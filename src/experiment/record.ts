/**
 * The experiment's `record:` block: what each run records beyond its results (the curve's interval, the
 * trajectory of its parameters) and what a sweep computes at its end (loss landscapes of its best runs).
 * Its part of the JSON Schema, its defaults, the typed settings and the check the schema cannot express.
 */
import type { Node } from 'yaml';
import type { Diagnostic } from '../errors.js';
import { isObject } from '../guards.js';
import { formatPath, type Source } from './source.js';

/** Default interval of the learning-curve points, in updates. */
export const DEFAULT_CURVE_EVERY = 100;

/** Defaults of `record.landscape`: a 2-D picture of the 3 best runs, 21 x 21 points over [-1, 1]^2 on the training rows. */
export const LANDSCAPE_RECORD_DEFAULTS = { best: 3, dims: 2, directions: 'random', range: 1, steps: 21, split: 'train', seed: 0 } as const;

/** Loss landscapes computed at the end of a sweep (`record.landscape`), every field filled. */
export interface LandscapeRecord {
  /** How many of the best runs (by the sweep's objective) get one. */
  best: number;
  dims: 1 | 2;
  directions: 'random' | 'pca';
  /** a (and b) from -range to range (random directions); for pca, the extent of the trajectory when absent. */
  range: number | null;
  steps: number;
  split: 'train' | 'validation';
  seed: number;
}

/** The typed `record:` block. */
export interface RecordSettings {
  curve_every: number;
  /** Record the parameters every this many updates (trajectory.csv); absent: off. */
  checkpoints_every?: number;
  landscape?: LandscapeRecord;
}

/** The JSON Schema of `record:`. */
export function recordSchema(): Record<string, unknown> {
  const d = LANDSCAPE_RECORD_DEFAULTS;
  return {
    type: ['object', 'null'],
    additionalProperties: false,
    description: 'What each run records, and what the sweep computes at its end.',
    properties: {
      curve_every: {
        type: 'integer',
        minimum: 1,
        default: DEFAULT_CURVE_EVERY,
        description: `Interval of the learning-curve points (curve.csv), in updates (default ${DEFAULT_CURVE_EVERY}).`,
      },
      checkpoints_every: {
        type: 'integer',
        minimum: 1,
        description:
          "Record the network's parameters every this many updates (k = 0, N, 2N, ...) in each run's trajectory.csv: the training trajectory that `dlsweep landscape --directions pca` projects (Li et al. 2018, section 7). Off when absent. Changes no result: metrics.json, model.json and curve.csv are the same with or without it. In a search whose halving continues trainings from one rung to the next, a promoted run's trajectory starts where its training continued.",
      },
      landscape: {
        type: ['object', 'null'],
        additionalProperties: false,
        description:
          'Compute the loss landscape (as `dlsweep landscape`) of the best runs at the end of the sweep (and, when init is a grid axis, of the best run of each initialization); the report shows them side by side on a common colour scale.',
        properties: {
          best: { type: 'integer', minimum: 1, maximum: 20, default: d.best, description: `How many of the best runs, by the sweep's objective (default ${d.best}).` },
          dims: { enum: [1, 2], default: d.dims, description: `1 (a line) or 2 (a contour plot) (default ${d.dims}).` },
          directions: {
            enum: ['random', 'pca'],
            default: d.directions,
            description: "random: Gaussian directions, filter-normalized (Li et al. 2018); pca: the two principal directions of the run's trajectory, drawn on the plot (needs record.checkpoints_every) (default random).",
          },
          range: { type: 'number', exclusiveMinimum: 0, description: 'a (and b) from -range to range; default 1 for random directions, the extent of the trajectory for pca.' },
          steps: { type: 'integer', minimum: 2, maximum: 201, default: d.steps, description: `Points per axis (default ${d.steps}).` },
          split: { enum: ['train', 'validation'], default: d.split, description: 'The rows the loss is measured on (default train).' },
          seed: { type: 'integer', minimum: 0, maximum: 4294967295, default: d.seed, description: 'Seed of the stream the random directions are drawn from (default 0).' },
        },
      },
    },
  };
}

/** The typed settings of a `record:` block that passed the schema (absent or null: the defaults). Throws: nothing. */
export function resolveRecord(record: unknown): RecordSettings {
  const r = isObject(record) ? record : {};
  const out: RecordSettings = { curve_every: typeof r.curve_every === 'number' ? r.curve_every : DEFAULT_CURVE_EVERY };
  if (typeof r.checkpoints_every === 'number') out.checkpoints_every = r.checkpoints_every;
  if (isObject(r.landscape)) {
    const l = r.landscape;
    const d = LANDSCAPE_RECORD_DEFAULTS;
    out.landscape = {
      best: typeof l.best === 'number' ? l.best : d.best,
      dims: l.dims === 1 ? 1 : 2,
      directions: l.directions === 'pca' ? 'pca' : 'random',
      range: typeof l.range === 'number' ? l.range : l.directions === 'pca' ? null : d.range,
      steps: typeof l.steps === 'number' ? l.steps : d.steps,
      split: l.split === 'validation' ? 'validation' : 'train',
      seed: typeof l.seed === 'number' ? l.seed : d.seed,
    };
  }
  return out;
}

/** What the schema cannot say of `record:`: pca directions need the recorded trajectory. Throws: nothing. */
export function recordChecks(data: Record<string, unknown>, src: Source): Diagnostic[] {
  const r = data.record;
  if (!isObject(r) || !isObject(r.landscape) || r.landscape.directions !== 'pca' || r.checkpoints_every !== undefined) return [];
  const node = src.nodeAt(['record', 'landscape', 'directions']) as Node | undefined;
  return [
    {
      severity: 'error',
      file: src.file,
      path: formatPath(['record', 'landscape', 'directions']),
      ...src.at(node),
      message: 'pca directions come from the training trajectory, which this experiment does not record',
      found: src.found(node),
      hint: 'add record.checkpoints_every (e.g. checkpoints_every: 10), or use directions: random',
    },
  ];
}
