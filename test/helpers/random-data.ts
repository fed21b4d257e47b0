/** Small random data sets for the network tests (seeded, so every run sees the same numbers). */
import { Rng } from '../../src/train/rng.js';
import type { SplitData } from '../../src/train/types.js';

/** Random feature-major data X: [features x m] uniform in [-1, 1), labels 0/1 drawn at random. */
export function randomData(features: number, m: number, seed: number): SplitData {
  const rng = new Rng(seed);
  const data = new Float64Array(features * m);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-1, 1);
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) y[j] = rng.randint(2);
  return { X: { rows: features, cols: m, data }, y };
}

/** Learnable data: 3 features uniform in [-1, 1), label 1 when x0 + x1 - x2 > 0. */
export function learnable(m: number, seed: number): SplitData {
  const { X } = randomData(3, m, seed);
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) y[j] = X.data[j] + X.data[m + j] - X.data[2 * m + j] > 0 ? 1 : 0;
  return { X, y };
}
