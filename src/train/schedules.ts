/**
 * Learning-rate schedules: the rate of each update as a function of the update's index t (0-based: update
 * t + 1 uses rate(t)), the base rate η0 (`learning_rate`) and, for some schedules, the training's total
 * update count T. Rates are dimensionless, like η0.
 *
 *   constant      η0
 *   step          η0 · drop^floor(t / every)                                   (step decay; e.g. Keras LearningRateScheduler docs)
 *   exponential   η0 · exp(-decay_rate · t)                                    (cs231n notes, "Annealing the learning rate":
 *   inverse_time  η0 / (1 + decay_rate · t)                                     α = α0 e^{-kt} and 1/t decay α = α0 / (1 + kt);
 *                                                                                 Bottou 2012, "Stochastic gradient descent tricks")
 *   cosine        η_min + (η0 - η_min) · (1 + cos(π t / T)) / 2                 (Loshchilov & Hutter 2017, "SGDR: stochastic
 *   sgdr          the same within each cycle: t_cur = t - start of the cycle,     gradient descent with warm restarts", ICLR, eq. 5)
 *                 cycle i lasts period · multiplier^i updates
 *   one_cycle     linear η0 → max_learning_rate over the first warmup_fraction · T updates, then linear
 *                 max_learning_rate → min_learning_rate at t = T                (Smith 2018, "A disciplined approach to neural
 *                                                                                 network hyper-parameters: part 1", arXiv:1803.09820;
 *                                                                                 Smith & Topin 2017, "Super-convergence")
 *
 * Only cosine and one_cycle depend on T: a prefix of a longer training follows a different schedule than a
 * shorter training, so those trainings are never shared across iteration counts (see dependsOnLength).
 */
import type { LrSchedule } from './types.js';
import { isObject } from '../guards.js';

/** Field defaults of each schedule kind (fields not listed are required). */
export const SCHEDULE_DEFAULTS: { readonly [K in LrSchedule['kind']]: Readonly<Record<string, number>> } = {
  constant: {},
  step: { drop: 0.5 },
  exponential: {},
  inverse_time: {},
  cosine: { min_learning_rate: 0 },
  sgdr: { multiplier: 1, min_learning_rate: 0 },
  one_cycle: { warmup_fraction: 0.3, min_learning_rate: 0 },
};

/** Required fields of each schedule kind. */
export const SCHEDULE_REQUIRED: { readonly [K in LrSchedule['kind']]: readonly string[] } = {
  constant: [],
  step: ['every'],
  exponential: ['decay_rate'],
  inverse_time: ['decay_rate'],
  cosine: [],
  sgdr: ['period'],
  one_cycle: ['max_learning_rate'],
};

/** Schedule kinds, in documentation order. */
export const SCHEDULE_KINDS = Object.keys(SCHEDULE_DEFAULTS) as LrSchedule['kind'][];

/** Whether the schedule's shape depends on the total number of updates T (cosine, one_cycle). Throws: nothing. */
export function dependsOnLength(schedule: LrSchedule): boolean {
  return schedule.kind === 'cosine' || schedule.kind === 'one_cycle';
}

/**
 * The learning rate of update t + 1 (t = 0, 1, ..., total - 1 updates already done) under `schedule`,
 * with base rate `base` (the experiment's learning_rate) and `total` updates in the training.
 * Formulas and sources in the file header. Pure; no allocation.
 * Throws: nothing (the schedule is assumed checked, see resolveSchedule).
 */
export function learningRateAt(schedule: LrSchedule, base: number, t: number, total: number): number {
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'step':
      return base * Math.pow(schedule.drop, Math.floor(t / schedule.every));
    case 'exponential':
      return base * Math.exp(-schedule.decay_rate * t);
    case 'inverse_time':
      return base / (1 + schedule.decay_rate * t);
    case 'cosine': {
      const min = schedule.min_learning_rate;
      return min + ((base - min) * (1 + Math.cos((Math.PI * t) / total))) / 2;
    }
    case 'sgdr': {
      // Inline (no object per call): this runs once per update.
      const { period, multiplier } = schedule;
      const i = sgdrCycleIndex(t, period, multiplier);
      const cur = multiplier === 1 ? t - i * period : t - sgdrStart(i, period, multiplier);
      const length = period * Math.pow(multiplier, i);
      const min = schedule.min_learning_rate;
      return min + ((base - min) * (1 + Math.cos((Math.PI * cur) / length))) / 2;
    }
    case 'one_cycle': {
      const peak = schedule.warmup_fraction * total;
      const max = schedule.max_learning_rate;
      if (t <= peak) return base + ((max - base) * t) / peak;
      return max - ((max - schedule.min_learning_rate) * (t - peak)) / (total - peak);
    }
  }
}

/**
 * Index i of the SGDR cycle holding update t: cycle i has length period · multiplier^i and starts at
 * period · (multiplier^i - 1) / (multiplier - 1) (period · i when multiplier is 1). Closed form, so the cost
 * does not grow with t. Throws: nothing.
 */
export function sgdrCycleIndex(t: number, period: number, multiplier: number): number {
  if (multiplier === 1) return Math.floor(t / period);
  // i = floor(log_mult(1 + t (mult - 1) / period)); rounding may be off by one near a boundary, so adjust.
  let i = Math.floor(Math.log1p((t * (multiplier - 1)) / period) / Math.log(multiplier));
  while (i > 0 && sgdrStart(i, period, multiplier) > t) i--;
  while (sgdrStart(i + 1, period, multiplier) <= t) i++;
  return i;
}

/** First update of SGDR cycle k (multiplier > 1): period · (multiplier^k - 1) / (multiplier - 1). */
function sgdrStart(k: number, period: number, multiplier: number): number {
  return (period * (Math.pow(multiplier, k) - 1)) / (multiplier - 1);
}

/** Position of update t in its SGDR cycle (cur = t - the cycle's start) and the cycle's length. Throws: nothing. */
export function sgdrCycle(t: number, period: number, multiplier: number): { cur: number; length: number } {
  const i = sgdrCycleIndex(t, period, multiplier);
  const start = multiplier === 1 ? i * period : sgdrStart(i, period, multiplier);
  return { cur: t - start, length: period * Math.pow(multiplier, i) };
}


/**
 * The schedule with its defaults filled in (SCHEDULE_DEFAULTS), checked. Undefined gives { kind: 'constant' }.
 * Throws: Error naming the problem: not an object, unknown kind, unknown or missing field, or a value out of
 * range (drop in (0, 1], every/period integers >= 1, decay_rate >= 0, multiplier >= 1, rates >= 0,
 * warmup_fraction in (0, 1)).
 */
export function resolveSchedule(value: unknown): LrSchedule {
  if (value === undefined) return { kind: 'constant' };
  if (!isObject(value)) throw new Error(`lr_schedule must be an object such as {kind: constant}, got ${JSON.stringify(value)}`);
  const kind = value.kind as LrSchedule['kind'];
  if (typeof kind !== 'string' || !SCHEDULE_KINDS.includes(kind)) {
    throw new Error(`lr_schedule: unknown kind ${JSON.stringify(value.kind)}; valid: ${SCHEDULE_KINDS.join(', ')}`);
  }
  const defaults = SCHEDULE_DEFAULTS[kind];
  const allowed = ['kind', ...SCHEDULE_REQUIRED[kind], ...Object.keys(defaults)];
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) throw new Error(`lr_schedule: unknown field "${k}" for kind ${kind}; fields: ${allowed.join(', ')}`);
  }
  const out: Record<string, unknown> = { ...defaults, ...value };
  for (const k of SCHEDULE_REQUIRED[kind]) {
    if (out[k] === undefined) throw new Error(`lr_schedule: kind ${kind} needs "${k}"`);
  }
  const num = (k: string, ok: (v: number) => boolean, range: string): void => {
    const v = out[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      throw new Error(`lr_schedule.${k} must be ${range}, got ${JSON.stringify(v)}`);
    }
  };
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  if ('drop' in out) num('drop', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  if ('every' in out) num('every', positiveInt, 'an integer >= 1');
  if ('decay_rate' in out) num('decay_rate', (v) => v >= 0, 'a number >= 0');
  if ('period' in out) num('period', positiveInt, 'an integer >= 1');
  if ('multiplier' in out) num('multiplier', positiveInt, 'an integer >= 1');
  if ('min_learning_rate' in out) num('min_learning_rate', (v) => v >= 0, 'a number >= 0');
  if ('max_learning_rate' in out) num('max_learning_rate', (v) => v > 0, 'a number > 0');
  if ('warmup_fraction' in out) num('warmup_fraction', (v) => v > 0 && v < 1, 'a number in (0, 1)');
  return out as LrSchedule;
}
