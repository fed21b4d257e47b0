/**
 * Grid expansion: the cartesian product of the experiment's axes, in a deterministic order
 * (file order of the axes, the last axis varying fastest, like itertools.product). Lazy: a point
 * is decoded from its index, so a grid of millions of points is never held in memory.
 */
import type { Experiment, ParamValue } from '../experiment/types.js';

/** A resolved grid point: every parameter's value (fixed ones and this point's axis values). */
export type Point = Record<string, ParamValue>;

/** Number of grid points (1 when there are no axes). */
export function gridSize(exp: Pick<Experiment, 'axes'>): number {
  return exp.axes.reduce((n, a) => n * a.values.length, 1);
}

/**
 * The axis value indices of point `index`, last axis fastest.
 * Throws: RangeError when index is outside [0, gridSize).
 */
export function pointDigits(exp: Pick<Experiment, 'axes'>, index: number): number[] {
  const size = gridSize(exp);
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`grid index ${index} outside [0, ${size})`);
  const digits = new Array<number>(exp.axes.length);
  let rest = index;
  for (let a = exp.axes.length - 1; a >= 0; a--) {
    const n = exp.axes[a].values.length;
    digits[a] = rest % n;
    rest = Math.floor(rest / n);
  }
  return digits;
}

/** The resolved parameters of point `index`: fixed values, then this point's axis values. */
export function pointAt(exp: Pick<Experiment, 'axes' | 'fixed'>, index: number): Point {
  const digits = pointDigits(exp, index);
  const point: Point = { ...exp.fixed };
  exp.axes.forEach((axis, a) => {
    point[axis.name] = axis.values[digits[a]];
  });
  return point;
}

/** The user's spelling of each value of point `index` given in the file, fixed ones included (for display). */
export function pointSpellings(exp: Pick<Experiment, 'axes'> & Partial<Pick<Experiment, 'fixedSpellings'>>, index: number): Record<string, string> {
  const digits = pointDigits(exp, index);
  const out: Record<string, string> = { ...exp.fixedSpellings };
  exp.axes.forEach((axis, a) => {
    out[axis.name] = axis.spellings[digits[a]];
  });
  return out;
}

/** Every point in grid order, lazily. */
export function* expandGrid(exp: Pick<Experiment, 'axes' | 'fixed'>): Generator<Point> {
  const size = gridSize(exp);
  for (let i = 0; i < size; i++) yield pointAt(exp, i);
}
