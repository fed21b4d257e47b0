/**
 * Weight initializers, by their Keras / PyTorch names.
 *
 * fan_in = dims[l] (inputs of layer l), fan_out = dims[l+1] (its units).
 * - lecun_normal   W = randn / sqrt(fan_in)                  LeCun, Bottou, Orr & Müller (1998), "Efficient BackProp"
 * - lecun_uniform  W ~ U(-sqrt(3/fan_in), +sqrt(3/fan_in))   (same variance 1/fan_in)
 * - glorot_normal  W = randn * sqrt(2/(fan_in+fan_out))      Glorot & Bengio (2010), "Understanding the difficulty
 * - glorot_uniform W ~ U(±sqrt(6/(fan_in+fan_out)))            of training deep feedforward neural networks"
 * - he_normal      W = randn * sqrt(2/fan_in)                He, Zhang, Ren & Sun (2015), "Delving deep into
 * - he_uniform     W ~ U(±sqrt(6/fan_in))                      rectifiers", ICCV
 * - small_normal   W = randn * 0.01                          the classic "small random numbers", e.g. cs231n notes,
 *                                                             "Neural Networks Part 2: weight initialization"
 * - zeros          W = 0                                     symmetric: every unit of a layer computes the same
 *                                                             output and gets the same gradient, so the units never
 *                                                             differentiate (cs231n, "Pitfall: all zero initialization")
 * The uniform variants have the variance of their normal counterparts: U(-a, a) has variance a²/3.
 * Biases are always zero.
 *
 * NOTE: Keras's *_normal initializers draw from a normal truncated at 2 standard deviations (rescaled).
 * We deliberately use plain, untruncated normals: the study's lecun_normal is numpy's
 * `randn(out, in) / sqrt(in)`, which this module reproduces bit for bit.
 */

import { Rng } from './rng.js';
import { getActivation, type Activation } from './activations.js';
import type { InitName, NetworkParams, TrainingOptions } from './types.js';

/** All valid initializer names. */
export const INIT_NAMES: readonly InitName[] = [
  'lecun_normal',
  'lecun_uniform',
  'he_normal',
  'he_uniform',
  'glorot_normal',
  'glorot_uniform',
  'small_normal',
  'zeros',
];

/**
 * Throws unless `name` is a valid initializer name.
 * Throws: Error naming the valid initializers.
 */
export function assertInitName(name: unknown): asserts name is InitName {
  if (typeof name !== 'string' || !(INIT_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown init ${JSON.stringify(name)}; valid: ${INIT_NAMES.join(', ')}`);
  }
}

/**
 * Draws one weight of a [fan_out x fan_in] layer.
 * Written as in numpy (e.g. randn / sqrt(fan_in), a division) so values match to the last bit.
 */
function drawWeight(init: InitName, rng: Rng, fanIn: number, fanOut: number): number {
  switch (init) {
    case 'lecun_normal':
      return rng.standardNormal() / Math.sqrt(fanIn);
    case 'lecun_uniform': {
      const limit = Math.sqrt(3 / fanIn);
      return rng.uniform(-limit, limit);
    }
    case 'he_normal':
      return rng.standardNormal() * Math.sqrt(2 / fanIn);
    case 'he_uniform': {
      const limit = Math.sqrt(6 / fanIn);
      return rng.uniform(-limit, limit);
    }
    case 'glorot_normal':
      return rng.standardNormal() * Math.sqrt(2 / (fanIn + fanOut));
    case 'glorot_uniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return rng.uniform(-limit, limit);
    }
    case 'small_normal':
      return rng.standardNormal() * 0.01;
    case 'zeros':
      return 0;
  }
}

/**
 * Initializes a dense network's parameters.
 *
 * Shapes: dims = [inputs, hidden..., outputs]; W[l]: [dims[l+1] x dims[l]] row-major, b[l]: [dims[l+1]] (zeros).
 * Weights are drawn from the one `rng` layer by layer, row by row ([out x in], row-major), so with
 * lecun_normal and Rng(1) they equal numpy's `np.random.seed(1); W1 = randn(d1, d0)/sqrt(d0); W2 = randn(d2, d1)/sqrt(d1); ...`.
 * `zeros` draws nothing.
 * Throws: Error for an unknown init name (listing the valid ones) or dims with fewer than 2 entries or
 * entries that are not positive integers.
 */
export function initializeParams(dims: readonly number[], init: InitName, rng: Rng): NetworkParams {
  assertInitName(init);
  if (dims.length < 2 || !dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`initializeParams: dims must be >= 2 positive integers, got [${dims.join(', ')}]`);
  }
  const W: Float64Array[] = [];
  const b: Float64Array[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const fanIn = dims[l];
    const fanOut = dims[l + 1];
    const w = new Float64Array(fanOut * fanIn);
    for (let i = 0; i < w.length; i++) w[i] = drawWeight(init, rng, fanIn, fanOut);
    W.push(w);
    b.push(new Float64Array(fanOut));
  }
  return { dims: [...dims], W, b };
}

/**
 * The network a training starts from, set up from resolved options: dims = [features, ...hidden_sizes, 1],
 * the hidden activation (recorded on the parameters, with its slope for leaky_relu), and the weights drawn
 * by initializeParams from a new Rng(seed), which is returned so that later draws (shuffles, dropout
 * masks) continue the same stream.
 * Throws: Error for an unknown activation or init, or bad sizes (getActivation, initializeParams).
 */
export function initialNetwork(o: TrainingOptions, features: number): { net: NetworkParams; hidden: Activation; dims: number[]; rng: Rng } {
  const hidden = getActivation(o.activation, o.leaky_relu_slope);
  const dims = [features, ...o.hidden_sizes, 1];
  const rng = new Rng(o.seed);
  const net = initializeParams(dims, o.init, rng);
  net.hidden_activation = hidden.name;
  if (hidden.name === 'leaky_relu') net.leaky_relu_slope = o.leaky_relu_slope;
  return { net, hidden, dims, rng };
}
