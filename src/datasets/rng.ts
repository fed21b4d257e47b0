/**
 * The datasets stage's own seeded random numbers (shuffles for holdout/kfold, synthetic data).
 * Never Math.random: the same seed must give the same rows on every machine and Node version.
 */

/**
 * Map any finite number to a 32-bit generator seed, keeping integers up to 2^53 distinct in practice.
 * Why: mulberry32 takes 32 bits; folding the high word in (times the golden-ratio constant) keeps
 * seeds such as 1 and 2^32 + 1 apart.
 */
export function seedToUint32(seed: number): number {
  const s = Number.isFinite(seed) ? Math.trunc(Math.abs(seed)) : 0;
  const lo = s >>> 0;
  const hi = Math.floor(s / 4294967296) >>> 0;
  const sign = seed < 0 ? 0x85ebca6b : 0;
  return (lo ^ Math.imul(hi, 0x9e3779b9) ^ sign) >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit-state generator, uniform in [0, 1) with 2^-32 resolution.
 * Source: https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 * Good enough for shuffling and synthetic data; not for cryptography.
 */
export function mulberry32(seed: number): () => number {
  let a = seedToUint32(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place (Knuth, TAOCP vol. 2, Algorithm P), driven by `rand` in [0, 1). */
export function shuffleInPlace(a: Int32Array, rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/**
 * Fill `out` with N(0, 1) draws by the Box–Muller transform (Box & Muller, 1958): for u1, u2 uniform,
 * r = sqrt(-2 ln(1 - u1)), t = 2π u2, the pair (r cos t, r sin t). 1 - u1 lies in (0, 1], so the log is finite.
 */
export function fillStandardNormal(out: Float64Array, rand: () => number): void {
  const n = out.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const theta = 2 * Math.PI * rand();
    out[i] = r * Math.cos(theta);
    out[i + 1] = r * Math.sin(theta);
  }
  if (i < n) {
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    out[i] = r * Math.cos(2 * Math.PI * rand());
  }
}
