/**
 * The parameter table: every setting that may be fixed or a grid axis in an experiment file.
 * One source for the JSON Schema (schema.ts), the defaults, and the planner's sharing rules.
 */
import type { ParamValue } from './types.js';

/**
 * How a parameter relates to a training:
 * - `training`: changes the numbers of a training (part of the training's identity);
 * - `length`: the number of updates; grid points differing only here share one training (prefix);
 * - `evaluation`: applied to a trained model; grid points differing only here share one training.
 */
export type ParamRole = 'training' | 'length' | 'evaluation';

export interface ParamSpec {
  name: string;
  role: ParamRole;
  /** JSON Schema of ONE value (the grid form is an array of these). */
  schema: Record<string, unknown>;
  /** Default when neither fixed nor an axis; undefined means required. */
  default?: ParamValue;
  description: string;
  /** Example value for messages. */
  example: string;
}

export const INIT_NAMES = [
  'lecun_normal',
  'lecun_uniform',
  'he_normal',
  'he_uniform',
  'glorot_normal',
  'glorot_uniform',
  'small_normal',
  'zeros',
] as const;

export const PARAMS: ParamSpec[] = [
  {
    name: 'learning_rate',
    role: 'training',
    schema: { type: 'number', exclusiveMinimum: 0 },
    default: 0.01,
    description: 'Step size of gradient descent (> 0). Example: 0.01 or 1e-3.',
    example: '0.01',
  },
  {
    name: 'iterations',
    role: 'length',
    schema: { type: 'integer', minimum: 1 },
    default: 1000,
    description:
      'Number of gradient-descent updates (full-batch: one update per pass over the training rows). Grid points that differ only in iterations share one training.',
    example: '15000',
  },
  {
    name: 'hidden_sizes',
    role: 'training',
    schema: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 0 },
    default: [15],
    description:
      'Units in each hidden layer, e.g. [15] for a 9-15-1 network or [32, 16] for two hidden layers; [] is logistic regression. As a grid axis, a list of lists: [[5], [15], [30]].',
    example: '[15]',
  },
  {
    name: 'init',
    role: 'training',
    schema: { type: 'string', enum: [...INIT_NAMES] },
    default: 'lecun_normal',
    description:
      'Weight initialization: lecun_normal (randn/sqrt(fan_in), the study\'s), lecun_uniform, he_normal, he_uniform, glorot_normal, glorot_uniform, small_normal (randn*0.01) or zeros. Biases start at zero.',
    example: 'lecun_normal',
  },
  {
    name: 'seed',
    role: 'training',
    schema: { type: 'integer', minimum: 0, maximum: 4294967295 },
    default: 1,
    description:
      "Seed of the run's random stream (MT19937, numpy-compatible: seed 1 draws the weights numpy's np.random.seed(1) would). A grid axis of seeds gives repeats.",
    example: '1',
  },
  {
    name: 'threshold',
    role: 'evaluation',
    schema: { type: 'number', minimum: 0, maximum: 1 },
    default: 0.5,
    description:
      'Decision threshold: a sample is predicted malignant/positive when the output probability is > threshold. Grid points that differ only in threshold share one training.',
    example: '0.5',
  },
];

/** The spec of a parameter by name, or undefined. */
export function paramSpec(name: string): ParamSpec | undefined {
  return PARAMS.find((p) => p.name === name);
}

/**
 * Whether trainings with these settings may serve several iteration counts from one run (weights taken at
 * each count). True when nothing in the training depends on its total length (a schedule shaped by the total
 * count, or early stopping, would make a prefix differ from a shorter training).
 */
export function canShareIterations(_training: Record<string, unknown>): boolean {
  return true;
}
