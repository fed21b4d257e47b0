/**
 * How sure a metric is: confidence intervals for proportions, paired tests between two classifiers scored
 * on the same rows, and summaries of repeated measurements (seeds, folds). Pure functions, no I/O.
 */

/** z = Φ⁻¹(0.975): the two-sided 95% normal quantile. */
export const Z_95 = 1.959963984540054;

/**
 * The Wilson score interval of a proportion x / n (Wilson 1927, "Probable inference, the law of succession,
 * and statistical inference", JASA 22(158); Brown, Cai & DasGupta 2001 recommend it over the Wald interval):
 *   center = (p̂ + z²/2n) / (1 + z²/n),  half = z / (1 + z²/n) · √(p̂(1 - p̂)/n + z²/4n²).
 * Unlike p̂ ± z√(p̂(1-p̂)/n) it stays inside [0, 1] and is not empty at x = 0 or x = n; its bounds there are
 * exactly 0 and 1.
 *
 * x: successes, n: trials (integers, 0 <= x <= n); z: the normal quantile (Z_95 for 95%).
 * Returns null when n = 0 (the proportion is undefined).
 * Throws: Error for a non-integer or out-of-range x or n.
 */
export function wilsonInterval(x: number, n: number, z = Z_95): { low: number; high: number } | null {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < 0 || x > n) {
    throw new Error(`wilsonInterval: need integers 0 <= x <= n, got x = ${x}, n = ${n}`);
  }
  if (n === 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: x === 0 ? 0 : Math.max(0, center - half), high: x === n ? 1 : Math.min(1, center + half) };
}

/** ln C(n, k) by summing logs (exact enough for the n of a validation split, up to millions). */
function logChoose(n: number, k: number): number {
  k = Math.min(k, n - k);
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/**
 * McNemar's exact test (McNemar 1947, Psychometrika 12(2); the exact binomial form of Edwards 1948 /
 * Fay 2010): two classifiers scored on the same rows, b = rows only the first gets right, c = rows only the
 * second gets right. Under the null hypothesis of equal accuracy each discordant row falls either way with
 * probability 1/2, so the two-sided p-value is
 *   p = min(1, 2 · Σ_{i=0}^{min(b,c)} C(b + c, i) / 2^(b+c)),
 * and p = 1 when b + c = 0 (the classifiers agree on every row). E.g. b = 0, c = 5: p = 2/32 = 0.0625.
 *
 * Throws: Error unless b and c are integers >= 0.
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new Error(`mcnemarExact: need integer counts >= 0, got b = ${b}, c = ${c}`);
  }
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let tail = 0;
  if (n <= 1000) {
    // C(n, i) / 2^n term by term: 2^-n is exact in binary, so small tables give exact dyadic p-values.
    let term = 0.5 ** n;
    for (let i = 0; i <= k; i++) {
      tail += term;
      term = (term * (n - i)) / (i + 1);
    }
  } else {
    const ln2n = n * Math.LN2; // 2^-n underflows: sum in log space
    for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - ln2n);
  }
  return Math.min(1, 2 * tail);
}

/**
 * Which standard deviation is meant is in the name (one definition of each, used by every stage):
 * - populationStd: sqrt(Σ(x - mean)² / n), the spread of exactly these values (z-score scaling of features);
 * - sampleStd: sqrt(Σ(x - mean)² / (n - 1)), Bessel's correction, the estimate of the spread of the population
 *   the values were drawn from (repeats over seeds, the folds of k-fold).
 * Sums run in index order, so results are reproducible to the bit.
 */

/** Arithmetic mean Σx / n (summed in order); NaN for no values. */
export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Σ(x - m)² over the values, in order. */
function squaredDeviations(values: ArrayLike<number>, m: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] - m) * (values[i] - m);
  return s;
}

/** Population standard deviation sqrt(Σ(x - mean)² / n); NaN for no values. `m`: the mean, if known. */
export function populationStd(values: ArrayLike<number>, m = mean(values)): number {
  return Math.sqrt(squaredDeviations(values, m) / values.length);
}

/** Sample standard deviation sqrt(Σ(x - mean)² / (n - 1)) (Bessel's correction); null below 2 values. */
export function sampleStd(values: ArrayLike<number>, m = mean(values)): number | null {
  return values.length < 2 ? null : Math.sqrt(squaredDeviations(values, m) / (values.length - 1));
}

/**
 * Mean, sample standard deviation (divisor n - 1, Bessel's correction) and count of repeated measurements
 * (runs that differ only in seed, or the folds of k-fold). std is null below two values; mean null for none.
 */
export function meanStd(values: readonly number[]): { mean: number | null; std: number | null; n: number } {
  const n = values.length;
  if (n === 0) return { mean: null, std: null, n };
  const m = mean(values);
  return { mean: m, std: sampleStd(values, m), n };
}

/** meanStd plus the smallest and largest value (nulls when empty): the summary of a group of runs. */
export function summarize(values: readonly number[]): { mean: number | null; std: number | null; min: number | null; max: number | null; n: number } {
  const s = meanStd(values);
  if (s.n === 0) return { ...s, min: null, max: null };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: s.mean, std: s.std, min, max, n: s.n };
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; Numerical Recipes 3rd ed. §6.1): ~1e-15 relative. */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta (modified Lentz; Numerical Recipes §6.4). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b) (Numerical Recipes §6.4). */
function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with df degrees of freedom: 1 - I_{df/(df+t²)}(df/2, 1/2) / 2 for t >= 0. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The quantile of Student's t distribution: the t with P(T <= t) = p, by bisection on studentTCdf
 * (to ~1e-12). E.g. df = 1, p = 0.975: 12.7062; df = 4: 2.7764; df = 9: 2.2622.
 * Throws: Error unless 0 < p < 1 and df > 0.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new Error(`studentTQuantile: need 0 < p < 1 and df > 0, got p = ${p}, df = ${df}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** In ascending finite `sorted`: how many values are below v, plus half of those equal to it (two binary searches). */
function placement(sorted: Float64Array, v: number): number {
  const below = firstIndex(sorted, (x) => x >= v);
  return below + (firstIndex(sorted, (x) => x > v) - below) / 2;
}

/** The first index of ascending `sorted` whose value passes `at` (a test that stays true once true), or its length. */
function firstIndex(sorted: Float64Array, at: (x: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(sorted[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The 95% t-interval for the mean of n repeated measurements: mean ± t_{0.975, n-1} · std / √n, std the
 * sample standard deviation (Student 1908). null below two values.
 */
export function tInterval(values: readonly number[], level = 0.95): { low: number; high: number } | null {
  const { mean, std, n } = meanStd(values);
  if (mean === null || std === null) return null;
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (std / Math.sqrt(n));
  return { low: mean - half, high: mean + half };
}

/**
 * The ROC AUC with its DeLong standard error and a 95% interval (DeLong, DeLong & Clarke-Pearson 1988,
 * Biometrics 44(3), "Comparing the areas under two or more correlated ROC curves"): with placement values
 * V10(x_i) = mean_j ψ(x_i, y_j) over negatives y_j for each positive x_i, V01(y_j) likewise over positives,
 * ψ(x, y) = 1 if x > y, 1/2 if tied, 0 otherwise,
 *   AUC = mean V10,  Var = s10/m + s01/n  (s10, s01 the sample variances of V10, V01; m positives, n negatives),
 * interval AUC ± z √Var clipped to [0, 1]. O((m + n) log(m + n)) via midranks (Sun & Xu 2014).
 *
 * Shapes: prob: [samples], y: [samples] of 0/1. Returns null with fewer than two rows of either class.
 * Throws: Error if prob and y differ in length.
 */
export function rocAucDeLong(prob: ArrayLike<number>, y: ArrayLike<number>, z = Z_95): { auc: number; se: number; low: number; high: number } | null {
  const N = prob.length;
  if (N !== y.length) throw new Error(`rocAucDeLong: ${N} probabilities for ${y.length} labels`);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let j = 0; j < N; j++) (y[j] === 1 ? pos : neg).push(prob[j]);
  const m = pos.length;
  const n = neg.length;
  if (m < 2 || n < 2) return null;
  let v10: number[];
  let v01: number[];
  if (pos.every(Number.isFinite) && neg.every(Number.isFinite)) {
    // V10_i = rank of x_i among all - rank among positives = negatives below x_i + half those tied with it,
    // over n (midranks, Sun & Xu 2014, as counts in the sorted other class); V01_j likewise. Exactly the
    // midrank differences, kept in the rows' order so that the sums below add in the same order.
    const sortedPos = Float64Array.from(pos).sort();
    const sortedNeg = Float64Array.from(neg).sort();
    v10 = pos.map((x) => placement(sortedNeg, x) / n);
    v01 = neg.map((y) => 1 - placement(sortedPos, y) / m);
  } else {
    // Not a number or infinite among them: the midranks of the order sort gives them.
    const midranks = (v: number[]): Float64Array => {
      const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
      const r = new Float64Array(v.length);
      for (let i = 0; i < order.length; ) {
        let j = i + 1;
        while (j < order.length && v[order[j]] === v[order[i]]) j++;
        for (let k = i; k < j; k++) r[order[k]] = (i + 1 + j) / 2;
        i = j;
      }
      return r;
    };
    const rAll = midranks([...pos, ...neg]);
    const rPos = midranks(pos);
    const rNeg = midranks(neg);
    // V10_i = (rank of x_i among all - rank among positives) / n; V01_j = 1 - (rank among all - rank among negatives) / m.
    v10 = pos.map((_, i) => (rAll[i] - rPos[i]) / n);
    v01 = neg.map((_, j) => 1 - (rAll[m + j] - rNeg[j]) / m);
  }
  const auc = v10.reduce((s, v) => s + v, 0) / m;
  const s10 = meanStd(v10).std!;
  const s01 = meanStd(v01).std!;
  const se = Math.sqrt((s10 * s10) / m + (s01 * s01) / n);
  return { auc, se, low: Math.max(0, auc - z * se), high: Math.min(1, auc + z * se) };
}
