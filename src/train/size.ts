/**
 * How large a network may be. Every copy of the weights (parameters, gradients, optimizer state, the best
 * checkpoint) is one Float64Array per layer, and every layer's activations are [units x samples]: beyond these
 * limits a training runs out of memory or hits the typed-array length limit ("Invalid typed array length"),
 * so experiments are refused before any training starts.
 */

/** Most weights (and biases) a network may have: 80 MB per copy of the parameters. */
export const MAX_WEIGHTS = 10_000_000;

/** Most updates a training may run: every count stays an exact integer, and a typo like 1e15 is caught, not run for years. */
export const MAX_ITERATIONS = 1_000_000_000;

/** Most activation values per layer pass: hidden units x training rows (800 MB per copy). */
export const MAX_ACTIVATIONS = 100_000_000;

/**
 * Number of weights and biases of a fully connected network with these layer widths:
 * sum over layers l of dims[l] * dims[l+1] + dims[l+1], for dims = [features, ...hidden, 1].
 * Returned as a double (exact below 2^53). Throws: nothing.
 */
export function weightCount(features: number, hidden: readonly number[]): number {
  const dims = [features, ...hidden, 1];
  let n = 0;
  for (let l = 0; l + 1 < dims.length; l++) n += dims[l] * dims[l + 1] + dims[l + 1];
  return n;
}

/**
 * Why a network of these sizes cannot be trained here, or undefined when it can. `samples` (training rows),
 * when known, bounds the activations too. Throws: nothing.
 */
export function networkSizeProblem(features: number, hidden: readonly number[], samples?: number): string | undefined {
  const weights = weightCount(features, hidden);
  if (weights > MAX_WEIGHTS) {
    return `the network [${[features, ...hidden, 1].join(', ')}] has ${weights.toLocaleString('en-US')} weights and biases, more than the limit of ${MAX_WEIGHTS.toLocaleString('en-US')}`;
  }
  const units = hidden.reduce((s, h) => s + h, 0);
  if (samples !== undefined && units * samples > MAX_ACTIVATIONS) {
    return `the network's ${units.toLocaleString('en-US')} hidden units x ${samples.toLocaleString('en-US')} training rows make ${(units * samples).toLocaleString('en-US')} activations per pass, more than the limit of ${MAX_ACTIVATIONS.toLocaleString('en-US')}`;
  }
  return undefined;
}
