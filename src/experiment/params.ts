/**
 * The parameter table: every setting that may be fixed or a grid axis in an experiment file.
 * One source for the JSON Schema (schema.ts), the defaults, and the planner's sharing rules.
 */
import type { ParamValue } from './types.js';
import { isObject } from '../guards.js';
import { EARLY_STOPPING_DEFAULTS, OPTION_DEFAULTS } from '../train/options.js';
import { HIDDEN_ACTIVATION_NAMES } from '../train/activations.js';
import { INIT_NAMES } from '../train/init.js';
import { OPTIMIZER_NAMES } from '../train/optimizers.js';
import { MAX_ITERATIONS } from '../train/size.js';
import { SCHEDULE_DEFAULTS, SCHEDULE_KINDS, dependsOnLength } from '../train/schedules.js';
import type { LrSchedule } from '../train/types.js';

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
  /**
   * For object values: the value with the defaults of its omitted fields filled in, so that two spellings of
   * the same setting (`{kind: cosine}` and `{kind: cosine, min_learning_rate: 0}`) are one value, one identity.
   * Applied by the loader to fixed values and axis values (before duplicates are removed). Throws: nothing.
   */
  complete?: (value: ParamValue) => ParamValue;
}


/** `value` with the fields of `defaults` it lacks appended (the user's fields keep their order). */
function withDefaults(value: Record<string, ParamValue>, defaults: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const out = { ...value };
  for (const [k, v] of Object.entries(defaults)) if (!(k in out)) out[k] = v;
  return out;
}

/** A number in [0, 1) (decay rates, probabilities). */
const UNIT_INTERVAL = { type: 'number', minimum: 0, exclusiveMaximum: 1 };

/** JSON Schema of one lr_schedule value: one object form per kind (kind is the discriminator). */
function scheduleSchema(): Record<string, unknown> {
  const minLr = {
    type: 'number',
    minimum: 0,
    default: 0,
    description: 'The rate the schedule anneals to (default 0).',
  };
  const branch = (kind: LrSchedule['kind'], title: string, description: string, props: Record<string, unknown>, required: string[] = []) => ({
    title,
    description,
    type: 'object',
    additionalProperties: false,
    required: ['kind', ...required],
    properties: { kind: { const: kind, description: `${kind}: ${description}` }, ...props },
  });
  return {
    anyOf: [
      branch('constant', '{kind: constant}', 'the learning rate throughout (the study\'s).', {}),
      branch(
        'step',
        '{kind: step, drop: 0.5, every: 1000}',
        'step decay: learning_rate * drop^floor(t / every) for update t (counted from 0).',
        {
          drop: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.5, description: 'Factor applied at every step, in (0, 1] (default 0.5).' },
          every: { type: 'integer', minimum: 1, description: 'Updates between two drops (required).' },
        },
        ['every'],
      ),
      branch(
        'exponential',
        '{kind: exponential, decay_rate: 0.001}',
        'exponential decay: learning_rate * exp(-decay_rate * t) (cs231n notes, "Annealing the learning rate").',
        { decay_rate: { type: 'number', minimum: 0, description: 'Decay per update, >= 0 (required): the rate falls by e every 1/decay_rate updates.' } },
        ['decay_rate'],
      ),
      branch(
        'inverse_time',
        '{kind: inverse_time, decay_rate: 0.001}',
        '1/t decay: learning_rate / (1 + decay_rate * t) (cs231n notes; Bottou 2012, "Stochastic gradient descent tricks").',
        { decay_rate: { type: 'number', minimum: 0, description: 'Decay per update, >= 0 (required): the rate halves after 1/decay_rate updates.' } },
        ['decay_rate'],
      ),
      branch(
        'cosine',
        '{kind: cosine}',
        'cosine annealing over the whole training: min_learning_rate + (learning_rate - min_learning_rate) (1 + cos(pi t / iterations)) / 2, half the way at half the updates (Loshchilov & Hutter 2017, SGDR, eq. 5, without restarts). Depends on iterations, so trainings of different lengths are not shared.',
        { min_learning_rate: minLr },
      ),
      branch(
        'sgdr',
        '{kind: sgdr, period: 500, multiplier: 2}',
        'cosine annealing with warm restarts (Loshchilov & Hutter 2017, "SGDR: stochastic gradient descent with warm restarts", ICLR): the cosine restarts from learning_rate every cycle; cycle i lasts period * multiplier^i updates.',
        {
          period: { type: 'integer', minimum: 1, description: 'Updates in the first cycle (T_0 in the paper; required).' },
          multiplier: { type: 'integer', minimum: 1, default: 1, description: 'Growth factor of the cycle length (T_mult in the paper; default 1: equal cycles).' },
          min_learning_rate: minLr,
        },
        ['period'],
      ),
      branch(
        'one_cycle',
        '{kind: one_cycle, max_learning_rate: 0.5, warmup_fraction: 0.3}',
        "Smith's one-cycle policy (Smith 2018, \"A disciplined approach to neural network hyper-parameters: part 1\"; Smith & Topin 2017, \"Super-convergence\"): linear from learning_rate up to max_learning_rate over the first warmup_fraction of the updates, then linear down to min_learning_rate at the last. Depends on iterations, so trainings of different lengths are not shared.",
        {
          max_learning_rate: { type: 'number', exclusiveMinimum: 0, description: 'Peak rate, reached at warmup_fraction * iterations (required; `dlsweep lr-find` suggests one).' },
          warmup_fraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.3, description: 'Fraction of the updates spent rising to the peak, in (0, 1) (default 0.3).' },
          min_learning_rate: minLr,
        },
        ['max_learning_rate'],
      ),
    ],
  };
}

// The engine owns the list of initializers; the experiment file offers exactly those.
export { INIT_NAMES };

/** The most units one hidden layer may have (the schema's bound on each entry of hidden_sizes). */
export const MAX_HIDDEN_UNITS = 100_000;

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
    schema: { type: 'integer', minimum: 1, maximum: MAX_ITERATIONS },
    default: 1000,
    description:
      'Number of updates: with the full batch (the default) one per pass over the training rows, with batch_size one per mini-batch. Grid points that differ only in iterations share one training, unless the training depends on its length (lr_schedule cosine or one_cycle, early_stopping).',
    example: '15000',
  },
  {
    name: 'hidden_sizes',
    role: 'training',
    schema: { type: 'array', items: { type: 'integer', minimum: 1, maximum: MAX_HIDDEN_UNITS }, minItems: 0 },
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
  {
    name: 'activation',
    role: 'training',
    schema: { type: 'string', enum: [...HIDDEN_ACTIVATION_NAMES] },
    default: OPTION_DEFAULTS.activation,
    description:
      "Activation of the hidden layers (the output is always a sigmoid): relu (the study's), leaky_relu (slope leaky_relu_slope for z < 0; Maas, Hannun & Ng 2013), tanh or sigmoid.",
    example: 'relu',
  },
  {
    name: 'leaky_relu_slope',
    role: 'training',
    schema: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
    default: OPTION_DEFAULTS.leaky_relu_slope,
    description: 'Slope of leaky_relu for z < 0, in [0, 1) (default 0.01, Maas et al. 2013). Used only with activation: leaky_relu.',
    example: '0.01',
  },
  {
    name: 'optimizer',
    role: 'training',
    schema: { type: 'string', enum: [...OPTIMIZER_NAMES] },
    default: OPTION_DEFAULTS.optimizer,
    description:
      "Update rule: gd (p -= lr g, the study's), momentum (v = momentum v + g, p -= lr v; Polyak 1964), nesterov (p -= lr (g + momentum v); Sutskever et al. 2013), adagrad (Duchi et al. 2011), rmsprop (decay rho; Tieleman & Hinton 2012) or adam (beta1, beta2, bias-corrected; Kingma & Ba 2015). epsilon is added to the root in adagrad, rmsprop and adam.",
    example: 'adam',
  },
  {
    name: 'momentum',
    role: 'training',
    schema: UNIT_INTERVAL,
    default: OPTION_DEFAULTS.momentum,
    description: 'Momentum coefficient mu of momentum and nesterov, in [0, 1) (default 0.9). Unused by the other optimizers.',
    example: '0.9',
  },
  {
    name: 'beta1',
    role: 'training',
    schema: UNIT_INTERVAL,
    default: OPTION_DEFAULTS.beta1,
    description: "Adam's decay rate of the gradient's moving average, in [0, 1) (default 0.9, Kingma & Ba 2015). Used only by adam.",
    example: '0.9',
  },
  {
    name: 'beta2',
    role: 'training',
    schema: UNIT_INTERVAL,
    default: OPTION_DEFAULTS.beta2,
    description: "Adam's decay rate of the squared gradient's moving average, in [0, 1) (default 0.999, Kingma & Ba 2015). Used only by adam.",
    example: '0.999',
  },
  {
    name: 'rho',
    role: 'training',
    schema: UNIT_INTERVAL,
    default: OPTION_DEFAULTS.rho,
    description:
      "RMSProp's decay rate of the squared gradient's moving average, in [0, 1) (default 0.9, Tieleman & Hinton 2012; named rho as in Goodfellow et al. 2016, algorithm 8.5). Used only by rmsprop; it has no bias correction, hence a faster default than adam's beta2.",
    example: '0.9',
  },
  {
    name: 'epsilon',
    role: 'training',
    schema: { type: 'number', exclusiveMinimum: 0 },
    default: OPTION_DEFAULTS.epsilon,
    description: 'Small constant added to the root of the squared-gradient average in adagrad, rmsprop and adam, > 0 (default 1e-8, Kingma & Ba 2015).',
    example: '1e-8',
  },
  {
    name: 'lr_schedule',
    role: 'training',
    schema: scheduleSchema(),
    default: { ...OPTION_DEFAULTS.lr_schedule },
    description:
      "How the learning rate changes over the updates (t = updates done): {kind: constant} (the study's), {kind: step, drop: 0.5, every: 1000}, {kind: exponential, decay_rate: 0.001}, {kind: inverse_time, decay_rate: 0.001}, {kind: cosine, min_learning_rate: 0}, {kind: sgdr, period: 500, multiplier: 2} or {kind: one_cycle, max_learning_rate: 0.5, warmup_fraction: 0.3}. As a grid axis, a list of these objects. cosine and one_cycle depend on iterations, so their trainings are not shared across iteration counts.",
    example: '{kind: constant}',
    complete: (v) => (isObject<ParamValue>(v) && typeof v.kind === 'string' && v.kind in SCHEDULE_DEFAULTS ? withDefaults(v, SCHEDULE_DEFAULTS[v.kind as LrSchedule['kind']]) : v),
  },
  {
    name: 'l2',
    role: 'training',
    schema: { type: 'number', minimum: 0 },
    default: OPTION_DEFAULTS.l2,
    description:
      'L2 weight decay lambda >= 0: adds (lambda/2) * sum of squared weights (not biases) to the objective, so lambda * W to each weight gradient (Krogh & Hertz 1992; as PyTorch weight_decay with gd). Recorded losses leave this term out. Default 0.',
    example: '1e-4',
  },
  {
    name: 'dropout',
    role: 'training',
    schema: UNIT_INTERVAL,
    default: OPTION_DEFAULTS.dropout,
    description:
      "Probability of dropping each hidden unit's output at each update, in [0, 1): inverted dropout (kept outputs scaled by 1/(1 - dropout); Srivastava et al. 2014), masks drawn from the run's stream after the weights, off when the model is evaluated. Default 0.",
    example: '0.2',
  },
  {
    name: 'batch_size',
    role: 'training',
    schema: { type: ['integer', 'null'], minimum: 1 },
    default: OPTION_DEFAULTS.batch_size,
    description:
      "Training rows per update: null for the full batch (the study's), or an integer: mini-batches of that many rows, the row order reshuffled every epoch from the run's stream (the last batch of an epoch holds the remainder). iterations counts updates, so an epoch is ceil(rows / batch_size) of them.",
    example: '32',
  },
  {
    name: 'early_stopping',
    role: 'training',
    schema: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['patience'],
      properties: {
        patience: { type: 'integer', minimum: 1, description: 'Checks (one per epoch) without improvement before stopping (required).' },
        min_delta: {
          type: 'number',
          minimum: 0,
          default: EARLY_STOPPING_DEFAULTS.min_delta,
          description: 'A validation loss must fall by more than this (nats) to count as an improvement (default 0).',
        },
        restore_best: {
          type: 'boolean',
          default: EARLY_STOPPING_DEFAULTS.restore_best,
          description: 'Keep the weights of the best check instead of the last ones, whether the training stopped early or reached iterations (default true).',
        },
      },
    },
    default: null,
    description:
      "null (off, the default) or {patience: 20, min_delta: 0, restore_best: true}: the validation loss is checked after every epoch (every update with the full batch) and the training stops after patience checks without an improvement larger than min_delta (Prechelt 1998; Keras's EarlyStopping rule). metrics.json, results.csv, show and the tables record stopped_at, stop_reason (no_improvement or max_iterations) and restored_from. Trainings with early stopping are not shared across iteration counts.",
    example: '{patience: 20}',
    complete: (v) => (isObject<ParamValue>(v) ? withDefaults(v, EARLY_STOPPING_DEFAULTS) : v),
  },
];

/**
 * The study's parameters: tables always list them (as columns when they vary, above the table when fixed).
 * Other parameters are listed only when some run sets them away from their default.
 */
export const CORE_PARAMS: readonly string[] = ['learning_rate', 'iterations', 'hidden_sizes', 'init', 'seed', 'threshold'];

/** The spec of a parameter by name, or undefined. */
export function paramSpec(name: string): ParamSpec | undefined {
  return PARAMS.find((p) => p.name === name);
}

/** The only parameters canShareIterations reads: the planner counts huge grids by walking these axes alone. */
export const SHARING_DEPENDS_ON: readonly string[] = ['early_stopping', 'lr_schedule'];

/**
 * Whether trainings with these settings may serve several iteration counts from one run (weights taken at
 * each count). True when nothing in the training depends on its total length: false with early stopping
 * (a longer training may stop where a shorter one would have ended, and restores other weights) and with a
 * schedule shaped by the total count (cosine, one_cycle). step, exponential, inverse_time and sgdr depend
 * only on the update index, so their prefixes are shorter trainings. Throws: nothing.
 */
export function canShareIterations(training: Record<string, unknown>): boolean {
  const es = training.early_stopping;
  if (es !== undefined && es !== null) return false;
  const schedule = training.lr_schedule;
  if (isObject<ParamValue>(schedule) && typeof schedule.kind === 'string' && (SCHEDULE_KINDS as string[]).includes(schedule.kind)) {
    return !dependsOnLength(schedule as unknown as LrSchedule);
  }
  return true;
}
