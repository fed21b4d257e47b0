/**
 * Mean binary cross-entropy, L = -(1/m) Σ_j [ y_j log p_j + (1 - y_j) log(1 - p_j) ], in nats.
 */

/** Probabilities are clamped to [PROB_EPSILON, 1 - PROB_EPSILON] before the log (as sklearn's log_loss did). */
export const PROB_EPSILON = 1e-15;

/**
 * Mean binary cross-entropy of the sigmoid outputs of logits `z`, in nats.
 *
 * Shapes: z: [samples] (output pre-activations Z_L), y: [samples] of 0/1.
 * Uses the stable logit form: with t = -z for y = 1 and t = z for y = 0, the per-sample loss is
 * softplus(t) = log(1 + e^t) = max(t, 0) + log1p(e^-|t|). It equals -log σ(z) / -log(1 - σ(z)) without
 * rounding σ(z) to 0 or 1 first, so it stays finite while z is finite and is Infinity (not NaN) when a
 * logit is infinite on the wrong side. Source: the identity log σ(z) = -softplus(-z).
 * Returns NaN if any z is NaN; NaN for an empty split (0/0).
 * Throws: nothing.
 */
export function meanBinaryCrossEntropyFromLogits(z: Float64Array, y: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < z.length; j++) {
    const t = y[j] === 1 ? -z[j] : z[j];
    sum += t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
  }
  return sum / z.length;
}

/**
 * Mean binary cross-entropy of probabilities `prob` against labels `y`, in nats.
 *
 * Shapes: prob: [samples] in [0, 1], y: [samples] of 0/1.
 * Probabilities are clamped to [1e-15, 1 - 1e-15] so a saturated output costs at most ~34.5 nats instead
 * of Infinity. Prefer meanBinaryCrossEntropyFromLogits when logits are available (no clamping needed).
 * Throws: Error if prob and y differ in length.
 */
export function binaryCrossEntropy(prob: Float64Array, y: Float64Array): number {
  if (prob.length !== y.length) {
    throw new Error(`binaryCrossEntropy: ${prob.length} probabilities for ${y.length} labels`);
  }
  let sum = 0;
  for (let j = 0; j < prob.length; j++) {
    const p = Math.min(Math.max(prob[j], PROB_EPSILON), 1 - PROB_EPSILON);
    sum -= y[j] * Math.log(p) + (1 - y[j]) * Math.log(1 - p);
  }
  return sum / prob.length;
}

/**
 * True when every logit is finite and their absolute sum is too, which also guarantees a finite loss
 * (each sample's loss is at most |z| + log 2): the divergence test of both engines after every update.
 * One add per sample: Σ|z| is NaN or Infinity for a NaN or ±Infinity entry, and x - x is 0 only for finite x.
 * Shapes: z: [samples]. Throws: nothing.
 */
export function logitsAreFinite(z: Float64Array): boolean {
  let sum = 0;
  for (let j = 0; j < z.length; j++) sum += Math.abs(z[j]);
  return sum - sum === 0;
}
