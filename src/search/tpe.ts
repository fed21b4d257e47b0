/**
 * The Tree-structured Parzen Estimator (J. Bergstra, R. Bardenet, Y. Bengio & B. Kégl 2011, "Algorithms for
 * hyper-parameter optimization", NeurIPS), univariate, with the defaults and estimator of Optuna's TPESampler
 * (optuna/samplers/_tpe/sampler.py and parzen_estimator.py, v3.1; T. Akiba et al. 2019, "Optuna", KDD):
 * - n_startup_trials = 10: until 10 trials have an outcome, draws are uniform (the random sampler's rule);
 * - gamma(n) = min(ceil(0.1 n), 25) observations form the "good" set l, the rest the "bad" set g;
 * - n_ei_candidates = 24 candidates drawn from l; the one with the largest log l(x) - log g(x) is proposed
 *   (the expected-improvement criterion of Bergstra et al. 2011, section 4.1);
 * - weights: 1 for each observation when fewer than 25, else a ramp linspace(1/n, 1, n - 25) over the oldest
 *   then 1 for the 25 newest; a prior component with weight prior_weight = 1 (consider_prior);
 * - numeric kernels (on the internal scale: ln for log kinds, ints widened to [low - 1/2, high + 1/2]):
 *   truncated normals at each observation, sigma the larger distance to its sorted neighbours (the bounds
 *   count as neighbours; the first and last use their inner neighbour: consider_endpoints = false), clipped to
 *   [range / min(100, 1 + kernels), range] (consider_magic_clip); the prior at the middle with sigma = range.
 *   int_uniform's density is the kernel's mass on [x - 1/2, x + 1/2];
 * - categorical kernels: each observation puts weight 1 on its choice plus prior_weight / (n + 1) on every
 *   choice, normalised per kernel.
 * Observations are ranked as Optuna ranks pruned trials (sampler.py, _get_observation_pairs): first by the
 * largest step (here: rung) reached, then by the objective; so under successive halving a configuration that
 * went further counts as better than any that stopped earlier.
 *
 * Departures, all in the random draws only: the stream is the project's MT19937 (src/train/rng.ts); a truncated
 * normal is drawn by rejection (normal draws until one falls inside the bounds; Optuna inverts the CDF); the
 * normal CDF uses the erfc of Numerical Recipes (Press et al. 1992, section 6.2, erfcc: fractional error below
 * 1.2e-7), enough to rank candidates. The densities follow Optuna's formulas.
 */
import { Rng } from '../train/rng.js';
import { fromInternal, internalBounds, internalValue, type Distribution, type NumericDistribution, type ParamValue, type SearchAxis } from './distributions.js';

/** Optuna's TPESampler defaults (v3.1), cited in the header. */
export const TPE_DEFAULTS = { nStartupTrials: 10, nEiCandidates: 24, priorWeight: 1.0 } as const;

/** gamma(n) = min(ceil(0.1 n), 25): how many of n observations are "good" (Optuna's default_gamma). Throws: nothing. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Weights of n observations, oldest first (Optuna's default_weights; formula in the header). Throws: nothing. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  // numpy.linspace(1/n, 1, num=ramp): start + i * (stop - start) / (ramp - 1), the last exactly stop.
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : i === ramp - 1 ? 1 : 1 / n + (i * (1 - 1 / n)) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The normal distribution's tails.

/** erfc(x), Numerical Recipes erfcc (Chebyshev fit; fractional error < 1.2e-7 everywhere). Throws: nothing. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const ans =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? ans : 2 - ans;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Phi(z), the standard normal CDF; the asymptotic series below -20 where erfc underflows. Throws: nothing. */
export function logNdtr(z: number): number {
  if (z > -20) return Math.log(0.5 * erfc(-z / Math.SQRT2));
  // Phi(z) ~ phi(z) / -z * (1 - 1/z^2 + 3/z^4 - 15/z^6) (Abramowitz & Stegun 26.2.12).
  const z2 = z * z;
  return -0.5 * z2 - LOG_SQRT_2PI - Math.log(-z) + Math.log(1 - 1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2));
}

/** ln(Phi(b) - Phi(a)) for a < b, computed in the tail where it is accurate (as Optuna's _log_gauss_mass). */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) {
    const lb = logNdtr(b);
    return lb + Math.log1p(-Math.exp(logNdtr(a) - lb));
  }
  if (a >= 0) return logGaussMass(-b, -a);
  return Math.log1p(-0.5 * erfc(-a / Math.SQRT2) - 0.5 * erfc(b / Math.SQRT2));
}

/** ln Σ exp(xs[i]) over the first n entries, shifted by the largest for range. Throws: nothing. */
function logSumExp(xs: Float64Array, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (xs[i] > m) m = xs[i];
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(xs[i] - m);
  return m + Math.log(s);
}

// parzenLogPdf's terms, reused from call to call (one thread, no reentrancy): a candidate's score otherwise
// allocates an array per estimator, and the garbage cost about as much as the arithmetic.
let scratch = new Float64Array(128);

// ---------------------------------------------------------------------------------------------------------
// The Parzen estimator of one parameter.

/** A mixture over one parameter: normalised component weights and, per component, a kernel. */
export type Parzen =
  | { kind: 'numeric'; weights: number[]; mus: number[]; sigmas: number[]; low: number; high: number; discrete: boolean }
  | { kind: 'categorical'; weights: number[]; probabilities: number[][] };

/**
 * The Parzen estimator of one parameter from its observations, oldest first, as Optuna builds it (header).
 * Numeric observations are on the internal scale; categorical ones are choice indices.
 * Throws: nothing.
 */
export function parzenEstimator(d: Distribution, observations: number[], priorWeight: number = TPE_DEFAULTS.priorWeight): Parzen {
  const n = observations.length;
  const w = [...defaultWeights(n), priorWeight];
  const total = w.reduce((s, x) => s + x, 0);
  const weights = w.map((x) => x / total);
  if (d.kind === 'categorical') {
    const k = d.choices.length;
    const probabilities: number[][] = [];
    for (let i = 0; i <= n; i++) {
      const row = new Array<number>(k).fill(priorWeight / (n + 1));
      if (i < n) row[observations[i]] += 1;
      const s = row.reduce((a, b) => a + b, 0);
      probabilities.push(row.map((x) => x / s));
    }
    return { kind: 'categorical', weights, probabilities };
  }
  const [low, high] = internalBounds(d);
  const mus = [...observations, 0.5 * (low + high)];
  const order = mus.map((_, i) => i).sort((i, j) => mus[i] - mus[j] || i - j);
  const sorted = [low, ...order.map((i) => mus[i]), high];
  const sortedSigmas: number[] = [];
  for (let i = 1; i + 1 < sorted.length; i++) sortedSigmas.push(Math.max(sorted[i] - sorted[i - 1], sorted[i + 1] - sorted[i]));
  if (sorted.length >= 4) {
    sortedSigmas[0] = sorted[2] - sorted[1];
    sortedSigmas[sortedSigmas.length - 1] = sorted[sorted.length - 2] - sorted[sorted.length - 3];
  }
  const sigmas = new Array<number>(mus.length);
  order.forEach((i, rank) => (sigmas[i] = sortedSigmas[rank]));
  const range = high - low;
  const minSigma = range / Math.min(100, 1 + mus.length);
  for (let i = 0; i < mus.length; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i]));
  sigmas[n] = range;
  return { kind: 'numeric', weights, mus, sigmas, low, high, discrete: d.kind === 'int_uniform' };
}

/**
 * Per component, the parts of parzenLogPdf's terms that do not depend on x: ln of its weight, ln of its sigma
 * and ln of its mass inside the bounds; computed once per estimator rather than for each candidate (the same
 * numbers, combined in the same order).
 */
const componentTerms = new WeakMap<Parzen, { logWeight: number[]; logSigma: number[]; accept: number[] }>();

function termsOf(p: Parzen): { logWeight: number[]; logSigma: number[]; accept: number[] } {
  let t = componentTerms.get(p);
  if (!t) {
    t = { logWeight: p.weights.map((w) => Math.log(w)), logSigma: [], accept: [] };
    if (p.kind === 'numeric') {
      for (let c = 0; c < p.weights.length; c++) {
        const mu = p.mus[c];
        const s = p.sigmas[c];
        t.logSigma.push(Math.log(s));
        t.accept.push(logGaussMass((p.low - mu) / s, (p.high - mu) / s));
      }
    }
    componentTerms.set(p, t);
  }
  return t;
}

/** ln of the mixture's density (numeric: on the internal scale; categorical: x is the choice index). Throws: nothing. */
export function parzenLogPdf(p: Parzen, x: number): number {
  const { logWeight, logSigma, accept } = termsOf(p);
  const n = p.weights.length;
  if (scratch.length < n) scratch = new Float64Array(2 * n);
  const terms = scratch;
  for (let c = 0; c < n; c++) {
    let lp: number;
    if (p.kind === 'categorical') lp = Math.log(p.probabilities[c][x]);
    else {
      const mu = p.mus[c];
      const s = p.sigmas[c];
      if (p.discrete) {
        const lo = Math.max(x - 0.5, p.low);
        const hi = Math.min(x + 0.5, p.high);
        lp = logGaussMass((lo - mu) / s, (hi - mu) / s) - accept[c];
      } else {
        const z = (x - mu) / s;
        lp = -0.5 * z * z - LOG_SQRT_2PI - logSigma[c] - accept[c];
      }
    }
    terms[c] = lp + logWeight[c];
  }
  return logSumExp(terms, n);
}

/** Index drawn with probabilities `weights` (inverse CDF on one uniform draw). */
function choose(rng: Rng, weights: number[]): number {
  const u = rng.randomDouble();
  let c = 0;
  for (let i = 0; i < weights.length; i++) {
    c += weights[i];
    if (u < c) return i;
  }
  return weights.length - 1;
}

/** One draw from the mixture (numeric: on the internal scale, ints rounded to their integer). */
export function parzenSample(p: Parzen, rng: Rng): number {
  const c = choose(rng, p.weights);
  if (p.kind === 'categorical') return choose(rng, p.probabilities[c]);
  const mu = p.mus[c];
  const s = p.sigmas[c];
  // Rejection: mu lies inside the bounds and sigma <= range, so at least ~1/3 of the draws are accepted.
  for (let tries = 0; tries < 10_000; tries++) {
    const x = mu + s * rng.standardNormal();
    if (x >= p.low && x <= p.high) return p.discrete ? Math.round(x) : x;
  }
  return mu;
}

// ---------------------------------------------------------------------------------------------------------
// Proposals.

/** One observed trial for TPE: its parameters, how far it went and its objective (lower is better). */
export interface TpeObservation {
  params: Record<string, ParamValue>;
  /** The rung reached (larger is further); 0 when every trial has one length. */
  step: number;
  /** The objective with the sign set so that lower is better; non-finite values rank last. */
  loss: number;
}

/** The observation's position on an axis: internal scale for numeric kinds, choice index for categorical. */
function observed(axis: SearchAxis, value: ParamValue): number {
  const d = axis.distribution;
  if (d.kind === 'categorical') {
    const key = JSON.stringify(value);
    return d.choices.findIndex((c) => JSON.stringify(c) === key);
  }
  return internalValue(d, value as number);
}

/**
 * Split observations into the good (below) and bad (above) sets: sorted by (-step, loss) with non-finite losses
 * last and the older first among ties; the best gamma(n) are below. Both keep chronological order.
 * Returns indices into `obs`. Throws: nothing.
 */
export function splitObservations(obs: TpeObservation[], nBelow: number): { below: number[]; above: number[] } {
  const key = (o: TpeObservation) => (Number.isFinite(o.loss) ? o.loss : Infinity);
  const order = obs
    .map((_, i) => i)
    .sort((i, j) => obs[j].step - obs[i].step || (key(obs[i]) === key(obs[j]) ? i - j : key(obs[i]) - key(obs[j])));
  const below = order.slice(0, nBelow).sort((a, b) => a - b);
  const above = order.slice(nBelow).sort((a, b) => a - b);
  return { below, above };
}

/** Per axis, in axis order, the estimators of the good (l) and bad (g) observations. */
export type TpeModel = { l: Parzen; g: Parzen }[];

/**
 * The estimators tpePropose fits to these observations (at least n_startup_trials of them): the same for every
 * proposal until the observations change, so a batch of proposals can fit them once. Throws: nothing.
 */
export function tpeModel(axes: SearchAxis[], obs: TpeObservation[]): TpeModel {
  const { below, above } = splitObservations(obs, defaultGamma(obs.length));
  return axes.map((a) => ({
    l: parzenEstimator(a.distribution, below.map((i) => observed(a, obs[i].params[a.name]))),
    g: parzenEstimator(a.distribution, above.map((i) => observed(a, obs[i].params[a.name]))),
  }));
}

/**
 * Propose one configuration by TPE from the observations so far, drawing from `rng`; with fewer than
 * n_startup_trials observations, a uniform draw (one randomDouble per axis, in axis order).
 * Each axis is modelled independently (Optuna's default, multivariate = false), in axis order. `model`:
 * tpeModel(axes, obs) when already fitted (fitted here otherwise).
 * Throws: nothing.
 */
export function tpePropose(
  axes: SearchAxis[],
  obs: TpeObservation[],
  rng: Rng,
  uniform: (axis: SearchAxis, u: number) => ParamValue,
  model: TpeModel | null = null,
): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  if (obs.length < TPE_DEFAULTS.nStartupTrials) {
    for (const a of axes) out[a.name] = uniform(a, rng.randomDouble());
    return out;
  }
  const estimators = model ?? tpeModel(axes, obs);
  for (const [k, a] of axes.entries()) {
    const { l, g } = estimators[k];
    let best = NaN;
    let bestScore = -Infinity;
    for (let c = 0; c < TPE_DEFAULTS.nEiCandidates; c++) {
      const x = parzenSample(l, rng);
      const score = parzenLogPdf(l, x) - parzenLogPdf(g, x);
      // The first of equal scores wins (numpy argmax); NaN never wins.
      if (Number.isNaN(best) || score > bestScore) {
        best = x;
        bestScore = score;
      }
    }
    const d = a.distribution;
    out[a.name] = d.kind === 'categorical' ? d.choices[best] : fromInternal(d as NumericDistribution, best);
  }
  return out;
}
