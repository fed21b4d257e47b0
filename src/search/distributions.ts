/**
 * Search distributions: what a searched parameter may take, and the map from a point of the unit interval
 * to a value. Every sampler (random, quasi-random, TPE) draws u in [0, 1) per axis and maps it here, so one
 * function decides bounds, rounding and scale. Pure: no I/O, no Math.random.
 *
 * Bounds are inclusive ([low, high]) as the experiment file states them.
 * - uniform:         low + (high - low) u
 * - log_uniform:     exp(ln low + (ln high - ln low) u)                         (low > 0)
 * - int_uniform:     low + floor((high - low + 1) u): every integer equally likely
 * - log_int_uniform: round(exp(ln(low - 1/2) + (ln(high + 1/2) - ln(low - 1/2)) u)), clamped to [low, high]
 *                    (low >= 1): integer k has probability ln((k + 1/2) / (k - 1/2)) / norm, the rule Optuna's
 *                    IntDistribution(log=True) uses (optuna/samplers/_random.py with _transform.py, v3).
 * - categorical:     choices[floor(n u)], n = number of choices.
 */

/**
 * A parameter value: the shape of an experiment file's values (src/experiment/types.ts ParamValue), declared
 * here so that the search methods depend on nothing outside src/search/ and src/train/.
 */
export type ParamValue = number | string | boolean | null | ParamValue[] | { [key: string]: ParamValue };

export const DISTRIBUTION_KINDS = ['uniform', 'log_uniform', 'int_uniform', 'log_int_uniform'] as const;
export type NumericKind = (typeof DISTRIBUTION_KINDS)[number];

/** A numeric distribution over [low, high], both inclusive. */
export interface NumericDistribution {
  kind: NumericKind;
  low: number;
  high: number;
}

/** A choice among listed values (a grid list under a search). */
export interface CategoricalDistribution {
  kind: 'categorical';
  choices: ParamValue[];
}

export type Distribution = NumericDistribution | CategoricalDistribution;

/** One searched axis: the parameter's name and its distribution. */
export interface SearchAxis {
  name: string;
  distribution: Distribution;
}

/** Whether a distribution draws integers. Throws: nothing. */
export function isInteger(d: Distribution): boolean {
  return d.kind === 'int_uniform' || d.kind === 'log_int_uniform';
}

/** Whether a distribution is on a log scale. Throws: nothing. */
export function isLog(d: Distribution): boolean {
  return d.kind === 'log_uniform' || d.kind === 'log_int_uniform';
}

/**
 * Why a numeric distribution's bounds are unusable, or undefined when they are fine: low <= high, finite,
 * low > 0 for log_uniform, low >= 1 for log_int_uniform, integers for the integer kinds. Throws: nothing.
 */
export function boundsProblem(d: NumericDistribution): string | undefined {
  const { kind, low, high } = d;
  if (!Number.isFinite(low) || !Number.isFinite(high)) return 'low and high must be finite numbers';
  if (low > high) return `low (${low}) must not be above high (${high})`;
  if ((kind === 'int_uniform' || kind === 'log_int_uniform') && (!Number.isInteger(low) || !Number.isInteger(high))) {
    return `${kind} needs integer bounds`;
  }
  if (kind === 'log_uniform' && low <= 0) {
    return `log_uniform needs low > 0 (${low === 0 ? 'the logarithm of 0 is -infinity' : `the logarithm of a negative number (${low}) is undefined`})`;
  }
  if (kind === 'log_int_uniform' && low < 1) return 'log_int_uniform needs low >= 1';
  return undefined;
}

/**
 * The value at u in [0, 1) of distribution d (formulas in the header). u = 1 - 2^-53 stays inside the bounds.
 * Throws: RangeError when u is outside [0, 1).
 */
export function fromUnit(d: Distribution, u: number): ParamValue {
  if (!(u >= 0 && u < 1)) throw new RangeError(`fromUnit: u must be in [0, 1), got ${u}`);
  switch (d.kind) {
    case 'categorical':
      return d.choices[Math.min(d.choices.length - 1, Math.floor(u * d.choices.length))];
    case 'uniform':
      return Math.min(d.high, d.low + (d.high - d.low) * u);
    case 'log_uniform': {
      const a = Math.log(d.low);
      const b = Math.log(d.high);
      return Math.min(d.high, Math.max(d.low, Math.exp(a + (b - a) * u)));
    }
    case 'int_uniform':
      return Math.min(d.high, d.low + Math.floor((d.high - d.low + 1) * u));
    case 'log_int_uniform': {
      const a = Math.log(d.low - 0.5);
      const b = Math.log(d.high + 0.5);
      return Math.min(d.high, Math.max(d.low, Math.round(Math.exp(a + (b - a) * u))));
    }
  }
}

/**
 * The point of the unit interval's scale a value sits at: the inverse of fromUnit for numeric kinds
 * (the value's position on the linear or log scale, ints at the middle of their cell); for categorical,
 * the index of the choice. Used by TPE, which models each axis on this internal scale.
 * Throws: nothing.
 */
export function internalValue(d: NumericDistribution, value: number): number {
  return isLog(d) ? Math.log(value) : value;
}

/** The bounds of d's internal scale (ln for log kinds; integers widened by 1/2 on each side as Optuna does). */
export function internalBounds(d: NumericDistribution): [number, number] {
  const pad = isInteger(d) ? 0.5 : 0;
  const lo = d.low - pad;
  const hi = d.high + pad;
  return isLog(d) ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

/** A value of d's internal scale mapped back to the parameter: exp for log kinds, rounded and clamped for ints. */
export function fromInternal(d: NumericDistribution, x: number): number {
  let v = isLog(d) ? Math.exp(x) : x;
  if (isInteger(d)) v = Math.round(v);
  return Math.min(d.high, Math.max(d.low, v));
}
