/**
 * Fully connected binary classifier: forward pass, backward pass, gradient-descent step.
 *
 * Notation: L = dims.length - 1 layers, m = samples; layer l = 1..L is stored at array index l - 1.
 *   A_0 = X                          [dims[0] x m]     inputs, feature-major (one row per feature)
 *   Z_l = W_l A_{l-1} + b_l          [dims[l] x m]     W_l: [dims[l] x dims[l-1]], b_l: [dims[l]] (broadcast over samples)
 *   A_l = g(Z_l)        (l < L)      [dims[l] x m]     hidden activation g (relu by default)
 *   A_L = σ(Z_L)                     [1 x m]           probability of class 1
 * Backward pass for the mean binary cross-entropy of a sigmoid output:
 *   dZ_L     = A_L - y                                 [1 x m]
 *   dW_l     = (1/m) dZ_l A_{l-1}ᵀ                      [dims[l] x dims[l-1]]
 *   db_l     = (1/m) Σ_samples dZ_l                     [dims[l]]
 *   dA_{l-1} = W_lᵀ dZ_l                                [dims[l-1] x m]
 *   dZ_{l-1} = dA_{l-1} ⊙ g'(Z_{l-1})
 * Step: W_l -= lr dW_l, b_l -= lr db_l (other update rules: optimizers.ts).
 *
 * Inverted dropout (Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov 2014, "Dropout: a simple way
 * to prevent neural networks from overfitting", JMLR 15; the "inverted" scaling at training time as in
 * cs231n and every major framework), when a DropoutBuffers is passed, on hidden layers only:
 *   D_l = A_l ⊙ M_l,  M_l[i] = 0 with probability p, else 1/(1-p)    (E[D_l] = A_l, so evaluation uses A_l as is)
 *   layer l+1 reads D_l instead of A_l;  backward: dA_l = W_{l+1}ᵀ dZ_{l+1} ⊙ M_l, then ⊙ g'(Z_l).
 * L2 weight decay with coefficient λ adds (λ/2) Σ_l ||W_l||²_F to the loss and λ W_l to dW_l (biases are
 * not decayed); see lossAndGradients and optimizers.ts.
 *
 * All matrices are row-major Float64Arrays. Every loop over samples is the innermost loop and walks
 * contiguous memory, which suits the shapes we train (few features, small layers, hundreds to ~100k
 * samples). Buffers are allocated once per (network, split) and reused by every pass.
 */

import { getActivation, LEAKY_RELU_SLOPE, sigmoid, type Activation } from './activations.js';
import { meanBinaryCrossEntropyFromLogits } from './loss.js';
import type { Matrix, ModelJson, NetworkParams } from './types.js';

/** Per-layer outputs of a forward pass over m samples. Z[l], A[l]: [dims[l+1] x m]. */
export interface ForwardBuffers {
  samples: number;
  Z: Float64Array[];
  A: Float64Array[];
}

/** Gradients of a backward pass. dZ[l]: [dims[l+1] x m], dW[l]: like W[l], db[l]: like b[l]. */
export interface GradientBuffers {
  dZ: Float64Array[];
  dW: Float64Array[];
  db: Float64Array[];
}

/**
 * Inverted-dropout state of one batch size: for hidden layer l (array index l = 0..L-2),
 * mask[l] and out[l] are [dims[l+1] x m]; mask entries are 0 (dropped) or 1/(1 - rate) (kept), out = A ⊙ mask.
 */
export interface DropoutBuffers {
  /** Probability of dropping a hidden unit's output, in [0, 1). */
  rate: number;
  mask: Float64Array[];
  out: Float64Array[];
}

/**
 * Allocates dropout buffers for the hidden layers of a network with `dims`, for `samples` samples.
 * Throws: Error if rate is not in [0, 1); RangeError (from Float64Array) if a buffer would be too large.
 */
export function allocateDropout(dims: readonly number[], samples: number, rate: number): DropoutBuffers {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  const mask: Float64Array[] = [];
  const out: Float64Array[] = [];
  for (let l = 1; l < dims.length - 1; l++) {
    mask.push(new Float64Array(dims[l] * samples));
    out.push(new Float64Array(dims[l] * samples));
  }
  return { rate, mask, out };
}

/**
 * Draws fresh dropout masks: for each hidden layer in order, each entry in row-major order ([unit][sample]),
 * one 32-bit draw u = rng.nextUint32(): dropped (0) when u < rate · 2^32, kept (1/(1 - rate)) otherwise, so
 * P(dropped) is rate to within 2^-32. (One 32-bit draw rather than a 53-bit double halves the cost of the
 * masks, which dominates a small network's update.) No allocation.
 * Throws: nothing.
 */
export function drawDropoutMasks(dropout: DropoutBuffers, rng: { nextUint32(): number }): void {
  const cut = dropout.rate * 4294967296;
  const keep = 1 / (1 - dropout.rate);
  for (const M of dropout.mask) {
    for (let i = 0; i < M.length; i++) M[i] = rng.nextUint32() < cut ? 0 : keep;
  }
}

/**
 * Allocates the forward buffers of a network with `dims` for `samples` samples (Z and A per layer).
 * Throws: RangeError (from Float64Array) if a buffer would be too large.
 */
export function allocateForward(dims: readonly number[], samples: number): ForwardBuffers {
  const Z: Float64Array[] = [];
  const A: Float64Array[] = [];
  for (let l = 1; l < dims.length; l++) {
    Z.push(new Float64Array(dims[l] * samples));
    A.push(new Float64Array(dims[l] * samples));
  }
  return { samples, Z, A };
}

/**
 * Allocates the gradient buffers of a network with `dims` for `samples` samples (dZ, dW, db per layer).
 * Throws: RangeError (from Float64Array) if a buffer would be too large.
 */
export function allocateGradients(dims: readonly number[], samples: number): GradientBuffers {
  const dZ: Float64Array[] = [];
  const dW: Float64Array[] = [];
  const db: Float64Array[] = [];
  for (let l = 1; l < dims.length; l++) {
    dZ.push(new Float64Array(dims[l] * samples));
    dW.push(new Float64Array(dims[l] * dims[l - 1]));
    db.push(new Float64Array(dims[l]));
  }
  return { dZ, dW, db };
}

/*
 * The three matrix kernels below share one pattern. The long dimension (samples, m) is the innermost
 * loop and walks contiguous rows. Rows of the short dimension are combined FOUR AT A TIME per pass over
 * the samples, then the remaining 0-3 rows one at a time: in V8 a typed-array loop iteration costs
 * about the same whether it does one multiply-add or four, so this roughly halves the time.
 * (Blocking the samples for cache was measured and did not help, even at m = 100k.)
 */

/**
 * Z = W A + b for one layer.
 * Shapes: W: [nOut x nIn], b: [nOut], A: [nIn x m], Z: [nOut x m].
 * Row i of Z starts as b_i, then gets the rows of A weighted by row i of W added in.
 */
function affine(
  W: Float64Array,
  b: Float64Array,
  A: Float64Array,
  Z: Float64Array,
  nIn: number,
  nOut: number,
  m: number,
): void {
  for (let i = 0; i < nOut; i++) {
    const z = i * m;
    const w = i * nIn;
    Z.fill(b[i], z, z + m);
    let k = 0;
    for (; k + 4 <= nIn; k += 4) {
      const w0 = W[w + k], w1 = W[w + k + 1], w2 = W[w + k + 2], w3 = W[w + k + 3];
      const a0 = k * m, a1 = a0 + m, a2 = a1 + m, a3 = a2 + m;
      for (let j = 0; j < m; j++) {
        Z[z + j] += w0 * A[a0 + j] + w1 * A[a1 + j] + w2 * A[a2 + j] + w3 * A[a3 + j];
      }
    }
    for (; k < nIn; k++) {
      const wk = W[w + k];
      const a = k * m;
      for (let j = 0; j < m; j++) Z[z + j] += wk * A[a + j];
    }
  }
}

/**
 * dW = (1/m) dZ Aᵀ and db = (1/m) Σ_samples dZ for one layer.
 * Shapes: dZ: [nOut x m], A: [nIn x m] (the layer's input), dW: [nOut x nIn], db: [nOut].
 * Each dW entry is the dot product of a row of dZ with a row of A. Four are accumulated per pass, as
 * independent sums, which also keeps the additions from waiting on each other.
 */
function weightGradients(
  dZ: Float64Array,
  A: Float64Array,
  dW: Float64Array,
  db: Float64Array,
  nIn: number,
  nOut: number,
  m: number,
): void {
  const invM = 1 / m;
  for (let i = 0; i < nOut; i++) {
    const d = i * m;
    const w = i * nIn;
    let sb = 0;
    for (let j = 0; j < m; j++) sb += dZ[d + j];
    db[i] = invM * sb;
    let k = 0;
    for (; k + 4 <= nIn; k += 4) {
      const a0 = k * m, a1 = a0 + m, a2 = a1 + m, a3 = a2 + m;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < m; j++) {
        const dz = dZ[d + j];
        s0 += dz * A[a0 + j];
        s1 += dz * A[a1 + j];
        s2 += dz * A[a2 + j];
        s3 += dz * A[a3 + j];
      }
      dW[w + k] = invM * s0;
      dW[w + k + 1] = invM * s1;
      dW[w + k + 2] = invM * s2;
      dW[w + k + 3] = invM * s3;
    }
    for (; k < nIn; k++) {
      const a = k * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += dZ[d + j] * A[a + j];
      dW[w + k] = invM * s;
    }
  }
}

/**
 * dA = Wᵀ dZ: the gradient with respect to a layer's input.
 * Shapes: W: [nOut x nIn], dZ: [nOut x m], dA: [nIn x m].
 * Row k of dA gets the rows of dZ weighted by column k of W added in.
 */
function inputGradients(
  W: Float64Array,
  dZ: Float64Array,
  dA: Float64Array,
  nIn: number,
  nOut: number,
  m: number,
): void {
  for (let k = 0; k < nIn; k++) {
    const g = k * m;
    dA.fill(0, g, g + m);
    let i = 0;
    for (; i + 4 <= nOut; i += 4) {
      const w0 = W[i * nIn + k], w1 = W[(i + 1) * nIn + k], w2 = W[(i + 2) * nIn + k], w3 = W[(i + 3) * nIn + k];
      const d0 = i * m, d1 = d0 + m, d2 = d1 + m, d3 = d2 + m;
      for (let j = 0; j < m; j++) {
        dA[g + j] += w0 * dZ[d0 + j] + w1 * dZ[d1 + j] + w2 * dZ[d2 + j] + w3 * dZ[d3 + j];
      }
    }
    for (; i < nOut; i++) {
      const wi = W[i * nIn + k];
      const d = i * m;
      for (let j = 0; j < m; j++) dA[g + j] += wi * dZ[d + j];
    }
  }
}

/**
 * Forward pass: computes Z_l and A_l for every layer into `buf` and returns A_L (the probabilities).
 *
 * Shapes: X: [dims[0] x m]; returns [m] (a view of buf.A[L-1], overwritten by the next pass).
 * `hidden` is the hidden activation (relu by default); the output is always a sigmoid.
 * With `dropout` (training only), each hidden layer's output is multiplied by its current mask (drawn by
 * drawDropoutMasks) before the next layer reads it; buf.A keeps the undropped g(Z).
 * No allocation. The caller guarantees buf (and dropout) were allocated for net.dims and X.cols samples.
 * Throws: nothing (NaN/Infinity propagate to the output, where training detects them).
 */
export function forward(
  net: NetworkParams,
  X: Matrix,
  buf: ForwardBuffers,
  hidden: Activation,
  dropout?: DropoutBuffers,
): Float64Array {
  const { dims, W, b } = net;
  const m = X.cols;
  const L = dims.length - 1;
  let Aprev = X.data;
  for (let l = 0; l < L; l++) {
    const Z = buf.Z[l];
    const A = buf.A[l];
    affine(W[l], b[l], Aprev, Z, dims[l], dims[l + 1], m);
    if (l < L - 1) {
      hidden.forward(Z, A);
      if (dropout) {
        const M = dropout.mask[l];
        const D = dropout.out[l];
        for (let i = 0; i < A.length; i++) D[i] = A[i] * M[i];
        Aprev = D;
        continue;
      }
    } else {
      for (let j = 0; j < Z.length; j++) A[j] = sigmoid(Z[j]);
    }
    Aprev = A;
  }
  return buf.A[L - 1];
}

/**
 * Mean binary cross-entropy (nats) of the last forward pass in `buf` against labels y: [m].
 * Computed from the output logits Z_L (stable; see meanBinaryCrossEntropyFromLogits).
 * Throws: nothing.
 */
export function forwardLoss(buf: ForwardBuffers, y: Float64Array): number {
  return meanBinaryCrossEntropyFromLogits(buf.Z[buf.Z.length - 1], y);
}

/**
 * Backward pass: fills grads.dW and grads.db with the gradient of the mean binary cross-entropy.
 *
 * Shapes: X: [dims[0] x m], y: [m] of 0/1; `fwd` must hold the forward pass of `net` on X (with the same
 * `dropout` buffers and masks, if any).
 * Formulas in the file header; dZ_L = A_L - y is the derivative of BCE(σ(z)) with respect to z
 * (e.g. Bishop 2006, Pattern Recognition and Machine Learning, eq. 4.91). The L2 term is added by the
 * optimizer (or lossAndGradients), not here. No allocation.
 * Throws: nothing.
 */
export function backward(
  net: NetworkParams,
  X: Matrix,
  y: Float64Array,
  fwd: ForwardBuffers,
  grads: GradientBuffers,
  hidden: Activation,
  dropout?: DropoutBuffers,
): void {
  const { dims, W } = net;
  const m = X.cols;
  const L = dims.length - 1;

  // dZ_L = A_L - y
  const AL = fwd.A[L - 1];
  const dZL = grads.dZ[L - 1];
  for (let j = 0; j < m; j++) dZL[j] = AL[j] - y[j];

  for (let l = L - 1; l >= 0; l--) {
    // The layer's input as the forward pass used it (dropped-out outputs under dropout).
    const Aprev = l === 0 ? X.data : dropout ? dropout.out[l - 1] : fwd.A[l - 1];
    // dW_l = (1/m) dZ_l A_{l-1}ᵀ, db_l = (1/m) Σ_samples dZ_l
    weightGradients(grads.dZ[l], Aprev, grads.dW[l], grads.db[l], dims[l], dims[l + 1], m);
    if (l === 0) break; // no gradient needed with respect to the inputs
    // dA_{l-1} = W_lᵀ dZ_l, written into the dZ_{l-1} buffer, then dZ_{l-1} = dA_{l-1} ⊙ g'(Z_{l-1})
    const G = grads.dZ[l - 1];
    inputGradients(W[l], grads.dZ[l], G, dims[l], dims[l + 1], m);
    if (dropout) {
      // dA = dD ⊙ M: dropped units pass no gradient, kept ones are scaled like their output.
      const M = dropout.mask[l - 1];
      for (let i = 0; i < G.length; i++) G[i] *= M[i];
    }
    hidden.backwardInPlace(fwd.Z[l - 1], fwd.A[l - 1], G);
  }
}

/**
 * One gradient-descent step in place: W -= lr * dW, b -= lr * db (lr dimensionless).
 * Returns false if any updated parameter is NaN or ±Infinity (the training has diverged), true otherwise.
 * Throws: nothing.
 */
export function gradientStep(net: NetworkParams, grads: GradientBuffers, lr: number): boolean {
  let finite = true;
  for (let l = 0; l < net.W.length; l++) {
    const W = net.W[l];
    const dW = grads.dW[l];
    for (let i = 0; i < W.length; i++) {
      const w = W[i] - lr * dW[i];
      W[i] = w;
      if (w - w !== 0) finite = false; // x - x is NaN exactly when x is NaN or infinite
    }
    const b = net.b[l];
    const db = grads.db[l];
    for (let i = 0; i < b.length; i++) {
      const v = b[i] - lr * db[i];
      b[i] = v;
      if (v - v !== 0) finite = false;
    }
  }
  return finite;
}

/**
 * L2 penalty (λ/2) Σ_l ||W_l||²_F of the weights (not the biases), in nats when added to the mean BCE.
 * Its gradient is λ W_l. Source: Krogh & Hertz (1992), "A simple weight decay can improve generalization",
 * NIPS 4; with plain gradient descent this is PyTorch's `weight_decay = λ`. Throws: nothing.
 */
export function l2Penalty(net: NetworkParams, l2: number): number {
  let sum = 0;
  for (const W of net.W) for (let i = 0; i < W.length; i++) sum += W[i] * W[i];
  return 0.5 * l2 * sum;
}

/**
 * Objective and gradients of `net` on (X, y), allocating fresh buffers: a convenience for tests and
 * one-off use (training reuses buffers instead).
 *
 * Shapes: X: [dims[0] x m], y: [m]. Returns loss = mean BCE + (l2/2) Σ ||W_l||² (nats; just the mean BCE
 * when options.l2 is 0 or absent), dW[l] = ∂loss/∂W_l (including l2 W_l), db[l] = ∂loss/∂b_l.
 * options.dropout: buffers with masks already drawn, to differentiate the network with those units dropped.
 * Throws: Error if net.hidden_activation is unknown.
 */
export function lossAndGradients(
  net: NetworkParams,
  X: Matrix,
  y: Float64Array,
  options: { l2?: number; dropout?: DropoutBuffers } = {},
): { loss: number; dW: Float64Array[]; db: Float64Array[] } {
  const hidden = getActivation(net.hidden_activation, net.leaky_relu_slope);
  const fwd = allocateForward(net.dims, X.cols);
  const grads = allocateGradients(net.dims, X.cols);
  forward(net, X, fwd, hidden, options.dropout);
  let loss = forwardLoss(fwd, y);
  backward(net, X, y, fwd, grads, hidden, options.dropout);
  const l2 = options.l2 ?? 0;
  if (l2 !== 0) {
    loss += l2Penalty(net, l2);
    net.W.forEach((W, l) => {
      const dW = grads.dW[l];
      for (let i = 0; i < W.length; i++) dW[i] += l2 * W[i];
    });
  }
  return { loss, dW: grads.dW, db: grads.db };
}

/** Deep copy of network parameters. Throws: nothing. */
export function cloneParams(net: NetworkParams): NetworkParams {
  return {
    dims: [...net.dims],
    W: net.W.map((w) => w.slice()),
    b: net.b.map((v) => v.slice()),
    ...(net.hidden_activation === undefined ? {} : { hidden_activation: net.hidden_activation }),
    ...(net.leaky_relu_slope === undefined ? {} : { leaky_relu_slope: net.leaky_relu_slope }),
  };
}

/** Copies the weights and biases of `from` into `to` (same dims), without allocating. Throws: nothing. */
export function copyParamsInto(from: NetworkParams, to: NetworkParams): void {
  for (let l = 0; l < from.W.length; l++) {
    to.W[l].set(from.W[l]);
    to.b[l].set(from.b[l]);
  }
}

/**
 * Serializes parameters as model.json: W[l] as nested [out][in] arrays, b[l] as [out] arrays.
 * Throws: nothing.
 */
export function toModelJson(net: NetworkParams): ModelJson {
  const W: number[][][] = [];
  const b: number[][] = [];
  for (let l = 0; l + 1 < net.dims.length; l++) {
    const nIn = net.dims[l];
    const nOut = net.dims[l + 1];
    const rows: number[][] = [];
    for (let i = 0; i < nOut; i++) rows.push(Array.from(net.W[l].subarray(i * nIn, (i + 1) * nIn)));
    W.push(rows);
    b.push(Array.from(net.b[l]));
  }
  const hidden = net.hidden_activation ?? 'relu';
  return {
    dims: [...net.dims],
    hidden_activation: hidden,
    // The slope is part of the model only for leaky_relu (so other models' files are unchanged).
    ...(hidden === 'leaky_relu' ? { leaky_relu_slope: net.leaky_relu_slope ?? LEAKY_RELU_SLOPE } : {}),
    output_activation: 'sigmoid',
    W,
    b,
  };
}

/**
 * Parses a model.json back into parameters.
 * Throws: Error if the weight or bias shapes do not match dims, or the hidden activation is unknown.
 */
export function fromModelJson(model: ModelJson): NetworkParams {
  const { dims } = model;
  const hidden = getActivation(model.hidden_activation, model.leaky_relu_slope);
  if (model.output_activation !== 'sigmoid') {
    throw new Error(`model: output_activation must be 'sigmoid', got ${JSON.stringify(model.output_activation)}`);
  }
  if (!Array.isArray(dims) || dims.length < 2 || !dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`model: dims must be >= 2 positive integers, got ${JSON.stringify(dims)}`);
  }
  if (model.W.length !== dims.length - 1 || model.b.length !== dims.length - 1) {
    throw new Error(`model: expected ${dims.length - 1} weight matrices and bias vectors for dims [${dims.join(', ')}]`);
  }
  const W: Float64Array[] = [];
  const b: Float64Array[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const nIn = dims[l];
    const nOut = dims[l + 1];
    const rows = model.W[l];
    if (rows.length !== nOut || rows.some((r) => r.length !== nIn) || model.b[l].length !== nOut) {
      throw new Error(`model: layer ${l + 1} must have W [${nOut} x ${nIn}] and b [${nOut}]`);
    }
    const w = new Float64Array(nOut * nIn);
    rows.forEach((r, i) => w.set(r, i * nIn));
    W.push(w);
    b.push(Float64Array.from(model.b[l]));
  }
  return {
    dims: [...dims],
    W,
    b,
    hidden_activation: hidden.name,
    ...(hidden.name === 'leaky_relu' ? { leaky_relu_slope: model.leaky_relu_slope ?? LEAKY_RELU_SLOPE } : {}),
  };
}
