/**
 * Hidden-layer activation functions, applied elementwise to whole [units x samples] buffers.
 *
 * Each activation is one object with a forward and a backward loop, so the network calls it once per
 * layer per pass (no per-element dispatch). Adding an activation = adding one entry to ACTIVATIONS.
 */

import type { HiddenActivationName } from './types.js';

/** An elementwise activation g and its derivative, over buffers of equal length. */
export interface Activation {
  readonly name: HiddenActivationName;
  /** A = g(Z). */
  forward(Z: Float64Array, A: Float64Array): void;
  /**
   * dZ = dA * g'(Z), in place: G holds dA on entry and dZ on exit. Z and A = g(Z) are both given so
   * each derivative can use whichever is cheaper.
   */
  backwardInPlace(Z: Float64Array, A: Float64Array, G: Float64Array): void;
}

/** Slope of leaky_relu for z <= 0 (the common default, e.g. Maas et al. 2013). */
export const LEAKY_RELU_SLOPE = 0.01;

const relu: Activation = {
  name: 'relu',
  forward(Z, A) {
    // `z < 0 ? 0 : z` (not `z > 0 ? z : 0`) lets NaN through, as numpy's maximum does, so a
    // diverging hidden layer reaches the loss and is detected instead of being masked as 0.
    for (let i = 0; i < Z.length; i++) {
      const z = Z[i];
      A[i] = z < 0 ? 0 : z;
    }
  },
  backwardInPlace(Z, _A, G) {
    // relu'(z) = 1 if z > 0 else 0 (0 at the kink, as in the study).
    for (let i = 0; i < Z.length; i++) {
      if (!(Z[i] > 0)) G[i] = 0;
    }
  },
};

/**
 * leaky_relu(z) = z for z > 0, slope * z otherwise (Maas, Hannun & Ng 2013, "Rectifier nonlinearities improve
 * neural network acoustic models"); its derivative is 1 for z > 0, slope otherwise (slope at the kink, as relu
 * takes 0 there).
 */
function makeLeakyRelu(slope: number): Activation {
  return {
    name: 'leaky_relu',
    forward(Z, A) {
      for (let i = 0; i < Z.length; i++) {
        const z = Z[i];
        A[i] = z < 0 ? slope * z : z;
      }
    },
    backwardInPlace(Z, _A, G) {
      for (let i = 0; i < Z.length; i++) {
        if (!(Z[i] > 0)) G[i] *= slope;
      }
    },
  };
}

const leakyRelu: Activation = makeLeakyRelu(LEAKY_RELU_SLOPE);

const tanh: Activation = {
  name: 'tanh',
  forward(Z, A) {
    for (let i = 0; i < Z.length; i++) A[i] = Math.tanh(Z[i]);
  },
  backwardInPlace(_Z, A, G) {
    // tanh'(z) = 1 - tanh(z)^2
    for (let i = 0; i < A.length; i++) G[i] *= 1 - A[i] * A[i];
  },
};

const sigmoidActivation: Activation = {
  name: 'sigmoid',
  forward(Z, A) {
    for (let i = 0; i < Z.length; i++) A[i] = sigmoid(Z[i]);
  },
  backwardInPlace(_Z, A, G) {
    // sigma'(z) = sigma(z) (1 - sigma(z))
    for (let i = 0; i < A.length; i++) G[i] *= A[i] * (1 - A[i]);
  },
};

/** The hidden activations by name. */
export const ACTIVATIONS: Readonly<Record<HiddenActivationName, Activation>> = {
  relu,
  leaky_relu: leakyRelu,
  tanh,
  sigmoid: sigmoidActivation,
};

/** Names accepted as the `activation` option (model.json: `hidden_activation`). */
export const HIDDEN_ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as HiddenActivationName[];

/**
 * Looks up a hidden activation by name; undefined means 'relu' (the study's). `leakySlope` sets the slope of
 * leaky_relu for z < 0 (LEAKY_RELU_SLOPE when undefined); other activations ignore it.
 * Throws: Error naming the valid activations if `name` is not one of them; Error if leakySlope is given and
 * is not a finite number.
 */
export function getActivation(name: unknown = 'relu', leakySlope?: number): Activation {
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(ACTIVATIONS, name)) {
    if (name === 'leaky_relu' && leakySlope !== undefined && leakySlope !== LEAKY_RELU_SLOPE) {
      if (typeof leakySlope !== 'number' || !Number.isFinite(leakySlope)) {
        throw new Error(`leaky_relu_slope must be a finite number, got ${String(leakySlope)}`);
      }
      return makeLeakyRelu(leakySlope);
    }
    return ACTIVATIONS[name as HiddenActivationName];
  }
  throw new Error(
    `unknown hidden_activation ${JSON.stringify(name)}; valid: ${HIDDEN_ACTIVATION_NAMES.join(', ')}`,
  );
}

/**
 * Logistic sigmoid 1 / (1 + e^-z), written as numpy's reference does. Saturates to exactly 0 or 1
 * for |z| beyond ~37 / ~745 without producing NaN.
 * Throws: nothing.
 */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
