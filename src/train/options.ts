/**
 * Training options: the engine's defaults and the check that turns a TrainingConfig (experiment-file names,
 * any subset of options) into complete TrainingOptions. The experiment's parameter table
 * (src/experiment/params.ts) takes its defaults from OPTION_DEFAULTS, so the two cannot drift apart.
 */
import { HIDDEN_ACTIVATION_NAMES } from './activations.js';
import { assertInitName } from './init.js';
import { OPTIMIZER_NAMES } from './optimizers.js';
import { resolveSchedule } from './schedules.js';
import type { EarlyStopping, HiddenActivationName, OptimizerName, TrainingConfig, TrainingOptions } from './types.js';
import { isObject } from '../guards.js';

/**
 * Defaults of the options a TrainingConfig may omit. They reproduce the study: relu, plain full-batch
 * gradient descent at a constant rate, no regularization, no early stopping.
 */
export const OPTION_DEFAULTS = {
  activation: 'relu' as HiddenActivationName,
  /** Maas, Hannun & Ng (2013). */
  leaky_relu_slope: 0.01,
  optimizer: 'gd' as OptimizerName,
  /** Sutskever, Martens, Dahl & Hinton (2013) use μ up to 0.99; 0.9 is the common default. */
  momentum: 0.9,
  /** Kingma & Ba (2015), section 2: "Good default settings ... β1 = 0.9, β2 = 0.999 and ε = 10^-8". */
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  /** Tieleman & Hinton (2012) average the squared gradient with weight 0.9. */
  rho: 0.9,
  lr_schedule: { kind: 'constant' } as { kind: 'constant' },
  l2: 0,
  dropout: 0,
  batch_size: null as number | null,
  early_stopping: null as EarlyStopping | null,
} as const;

/** Field defaults of an early_stopping object (patience is required). */
export const EARLY_STOPPING_DEFAULTS = { min_delta: 0, restore_best: true } as const;

/** TrainingConfig keys the engine understands: the four required ones and every optional one. */
export const OPTION_KEYS: readonly string[] = ['hidden_sizes', 'init', 'learning_rate', 'seed', ...Object.keys(OPTION_DEFAULTS)];


/**
 * The early_stopping object with its defaults filled in, checked; null stays null.
 * Throws: Error if it is not null or an object with patience (integer >= 1), min_delta (>= 0) and
 * restore_best (boolean), and nothing else.
 */
export function resolveEarlyStopping(value: unknown): EarlyStopping | null {
  if (value === null || value === undefined) return null;
  if (!isObject(value)) throw new Error(`early_stopping must be null or an object such as {patience: 10}, got ${JSON.stringify(value)}`);
  for (const k of Object.keys(value)) {
    if (k !== 'patience' && k !== 'min_delta' && k !== 'restore_best') {
      throw new Error(`early_stopping: unknown field "${k}"; fields: patience, min_delta, restore_best`);
    }
  }
  const out = { ...EARLY_STOPPING_DEFAULTS, ...value } as EarlyStopping;
  if (!Number.isInteger(out.patience) || out.patience < 1) {
    throw new Error(`early_stopping.patience must be an integer >= 1, got ${JSON.stringify(value.patience)}`);
  }
  if (typeof out.min_delta !== 'number' || !Number.isFinite(out.min_delta) || out.min_delta < 0) {
    throw new Error(`early_stopping.min_delta must be a number >= 0, got ${JSON.stringify(out.min_delta)}`);
  }
  if (typeof out.restore_best !== 'boolean') {
    throw new Error(`early_stopping.restore_best must be true or false, got ${JSON.stringify(out.restore_best)}`);
  }
  return out;
}

/**
 * Checks a training config and fills in the defaults of the options it omits.
 * Throws: Error naming the first problem: an unknown key (listing the known ones), a hidden size that is not
 * a positive integer, an unknown init, activation or optimizer, learning_rate not finite or negative, seed
 * outside [0, 2^32 - 1], leaky_relu_slope not finite, momentum/beta1/beta2/rho outside [0, 1), epsilon not
 * > 0, l2 negative, dropout outside [0, 1), batch_size not null or an integer >= 1, or an invalid
 * lr_schedule or early_stopping (see resolveSchedule, resolveEarlyStopping).
 */
export function resolveOptions(c: TrainingConfig): TrainingOptions {
  if (c === null || typeof c !== 'object') throw new Error('train: config is missing');
  for (const key of Object.keys(c)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new Error(`train: unsupported training option "${key}"; supported: ${OPTION_KEYS.join(', ')}`);
    }
  }
  if (!Array.isArray(c.hidden_sizes)) throw new Error('train: hidden_sizes must be an array of layer sizes');
  c.hidden_sizes.forEach((h, i) => {
    if (!Number.isInteger(h) || h < 1) {
      throw new Error(`train: hidden_sizes[${i}] must be an integer >= 1, got ${String(h)}`);
    }
  });
  assertInitName(c.init);
  if (typeof c.learning_rate !== 'number' || !Number.isFinite(c.learning_rate) || c.learning_rate < 0) {
    throw new Error(`train: learning_rate must be a finite number >= 0, got ${String(c.learning_rate)}`);
  }
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) {
    throw new Error(`train: seed must be an integer in [0, 4294967295], got ${String(c.seed)}`);
  }
  const o = { ...OPTION_DEFAULTS, ...c } as Record<string, unknown>;
  if (typeof o.activation !== 'string' || !(HIDDEN_ACTIVATION_NAMES as readonly string[]).includes(o.activation)) {
    throw new Error(`train: unknown activation ${JSON.stringify(o.activation)}; valid: ${HIDDEN_ACTIVATION_NAMES.join(', ')}`);
  }
  if (typeof o.optimizer !== 'string' || !(OPTIMIZER_NAMES as readonly string[]).includes(o.optimizer)) {
    throw new Error(`train: unknown optimizer ${JSON.stringify(o.optimizer)}; valid: ${OPTIMIZER_NAMES.join(', ')}`);
  }
  const number = (k: string, ok: (v: number) => boolean, range: string): void => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new Error(`train: ${k} must be ${range}, got ${JSON.stringify(v)}`);
  };
  const unit = (v: number) => v >= 0 && v < 1;
  number('leaky_relu_slope', () => true, 'a finite number');
  number('momentum', unit, 'in [0, 1)');
  number('beta1', unit, 'in [0, 1)');
  number('beta2', unit, 'in [0, 1)');
  number('rho', unit, 'in [0, 1)');
  number('epsilon', (v) => v > 0, 'a number > 0');
  number('l2', (v) => v >= 0, 'a number >= 0');
  number('dropout', unit, 'in [0, 1)');
  if (o.batch_size !== null && (!Number.isInteger(o.batch_size) || (o.batch_size as number) < 1)) {
    throw new Error(`train: batch_size must be null (full batch) or an integer >= 1, got ${JSON.stringify(o.batch_size)}`);
  }
  let lr_schedule;
  let early_stopping;
  try {
    lr_schedule = resolveSchedule(o.lr_schedule);
    early_stopping = resolveEarlyStopping(o.early_stopping);
  } catch (e) {
    throw new Error(`train: ${(e as Error).message}`);
  }
  return { ...(o as unknown as TrainingOptions), hidden_sizes: [...c.hidden_sizes], lr_schedule, early_stopping };
}
