/**
 * Generated binary-classification data for tests and benchmarks: blobs, xor, circles.
 * Deterministic given the seed (mulberry32 + Box–Muller), classes balanced by construction:
 * row i has class i % 2, so any contiguous range of rows holds both classes.
 */
import type { SyntheticDatasetConfig } from './config.js';
import { UserError } from '../errors.js';
import { fillStandardNormal, mulberry32 } from './rng.js';
import type { CleanTable } from './types.js';

/** Most values (samples x features) a synthetic dataset may have. */
export const MAX_VALUES = 100_000_000;

/**
 * Generate the rows of a synthetic dataset. values: [samples x features] sample-major, y: [samples] of 0/1.
 * - blobs: every feature ~ N(-1, s) for class 0 and N(+1, s) for class 1, with s = 0.5 + noise.
 * - xor: features uniform in [-1, 1]; the signs of x0 and x1 are drawn so that class 1 has
 *   sign(x0)·sign(x1) > 0 and class 0 has it < 0; then N(0, noise) is added to every feature
 *   (the label is fixed before the noise, so noise > 0 blurs the boundary). Needs features >= 2.
 * - circles: (x0, x1) = r (cos t, sin t) + N(0, noise) each, t uniform in [0, 2π), r = 0.5 for class 1
 *   (inner circle) and 1.0 for class 0 (outer ring); the other features ~ N(0, 1), pure noise. Needs features >= 2.
 * Throws: UserError for samples < 2, features < 1 (2 for xor and circles), noise < 0, a non-finite setting,
 * or more than MAX_VALUES values.
 */
export function generateSynthetic(config: SyntheticDatasetConfig): CleanTable {
  const { generator, samples: n, features: F, noise, seed } = config;
  if (!Number.isInteger(n) || n < 2) throw new UserError(`dataset.samples: expected an integer >= 2 (one row per class at least); found ${n}.`);
  const minF = generator === 'blobs' ? 1 : 2;
  if (!Number.isInteger(F) || F < minF) throw new UserError(`dataset.features: expected an integer >= ${minF} for generator ${generator}; found ${F}.`);
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new UserError(`dataset.noise: expected a number >= 0; found ${noise}.`);
  if (!Number.isFinite(seed)) throw new UserError(`dataset.seed: expected an integer; found ${seed}.`);
  // 1e8 values are 800 MB of float64 per copy: beyond that the machine runs out of memory, not the tool.
  if (n * F > MAX_VALUES) {
    throw new UserError(`dataset.synthetic: samples x features = ${n * F} values, more than ${MAX_VALUES}`, 'generate fewer samples or features');
  }

  const rand = mulberry32(seed);
  // Why fill all noise first: one tight Box–Muller loop is several times faster than a draw per cell.
  const values = new Float64Array(n * F);
  fillStandardNormal(values, rand);
  const y = new Uint8Array(n);
  const lines = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i & 1;
    lines[i] = i + 1;
  }
  if (generator === 'blobs') {
    const s = 0.5 + noise;
    for (let i = 0; i < n; i++) {
      const mu = y[i] === 1 ? 1 : -1;
      const o = i * F;
      for (let f = 0; f < F; f++) values[o + f] = mu + s * values[o + f];
    }
  } else if (generator === 'xor') {
    for (let i = 0; i < n; i++) {
      const o = i * F;
      // |x| uniform in (0, 1]: 1 - u avoids an exact 0, whose sign would be ambiguous.
      const s0 = rand() < 0.5 ? -1 : 1;
      const s1 = y[i] === 1 ? s0 : -s0;
      values[o] = s0 * (1 - rand()) + noise * values[o];
      values[o + 1] = s1 * (1 - rand()) + noise * values[o + 1];
      for (let f = 2; f < F; f++) values[o + f] = 2 * rand() - 1 + noise * values[o + f];
    }
  } else if (generator === 'circles') {
    for (let i = 0; i < n; i++) {
      const o = i * F;
      const r = y[i] === 1 ? 0.5 : 1.0;
      const t = 2 * Math.PI * rand();
      values[o] = r * Math.cos(t) + noise * values[o];
      values[o + 1] = r * Math.sin(t) + noise * values[o + 1];
      // features 2.. keep their N(0, 1) draws: pure noise.
    }
  } else {
    const never: never = generator;
    throw new UserError(`dataset.generator: unknown generator ${JSON.stringify(never)}; expected blobs, xor or circles.`);
  }
  return {
    file: `synthetic:${generator}`,
    rows: n,
    features: F,
    featureNames: Array.from({ length: F }, (_, f) => `x${f}`),
    values,
    y,
    lines,
  };
}

/** The settings that determine a synthetic dataset's rows (hashed as its "file"). */
export function syntheticSettings(config: SyntheticDatasetConfig): Record<string, unknown> {
  return { kind: 'synthetic', generator: config.generator, samples: config.samples, features: config.features, noise: config.noise, seed: config.seed };
}
