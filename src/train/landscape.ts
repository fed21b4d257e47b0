/**
 * Loss landscapes of a trained network: the loss and accuracy on a grid of points around the trained
 * parameters theta*, along one or two directions in parameter space. Pure computation, no I/O.
 *
 * - Random directions, filter-normalized: H. Li, Z. Xu, G. Taylor, C. Studer & T. Goldstein (2018),
 *   "Visualizing the Loss Landscape of Neural Nets", NeurIPS, section 4. For a fully connected layer a
 *   "filter" is one neuron: the row i of W_l (its incoming weights). The direction's row is drawn from a
 *   standard normal and rescaled to the norm of the same row of theta*: d_{l,i} <- d_{l,i} / ||d_{l,i}|| * ||W_{l,i}||.
 *   Biases are zero in the direction (the paper's treatment of biases and batch-norm parameters).
 * - Linear interpolation from the initialization theta_0 to theta*: I. Goodfellow, O. Vinyals & A. Saxe
 *   (2015), "Qualitatively characterizing neural network optimization problems", ICLR:
 *   theta(alpha) = theta_0 + alpha (theta* - theta_0), so alpha = 0 is the initialization and alpha = 1 the
 *   trained network.
 */
import type { Activation } from './activations.js';
import { allocateForward, forward, forwardLoss } from './network.js';
import type { Rng } from './rng.js';
import type { NetworkParams, SplitData } from './types.js';

/** A direction in parameter space: the shapes of a network's W and b. */
export interface Direction {
  W: Float64Array[];
  b: Float64Array[];
}

/** One grid point: coordinates a (along d1) and b (along d2; 0 in 1-D), mean BCE loss (nats) and accuracy in [0, 1]. */
export interface LandscapePoint {
  a: number;
  b: number;
  loss: number;
  accuracy: number;
}

/**
 * A random Gaussian direction, filter-normalized (Li et al. 2018, section 4) against `net`.
 * Draws, layer by layer and row by row (row-major [out x in]), one standardNormal per weight from `rng`,
 * then rescales each row to the Euclidean norm of the same row of net.W (a row of zeros in net stays zeros).
 * Biases: zero. Shapes: W[l]: [dims[l+1] x dims[l]], b[l]: [dims[l+1]].
 * Throws: nothing.
 */
export function filterNormalizedDirection(net: NetworkParams, rng: Rng): Direction {
  const W: Float64Array[] = [];
  const b: Float64Array[] = [];
  for (let l = 0; l + 1 < net.dims.length; l++) {
    const nIn = net.dims[l];
    const nOut = net.dims[l + 1];
    const d = new Float64Array(nOut * nIn);
    for (let i = 0; i < d.length; i++) d[i] = rng.standardNormal();
    for (let i = 0; i < nOut; i++) {
      let dn = 0;
      let wn = 0;
      for (let k = i * nIn; k < (i + 1) * nIn; k++) {
        dn += d[k] * d[k];
        wn += net.W[l][k] * net.W[l][k];
      }
      const f = dn > 0 ? Math.sqrt(wn) / Math.sqrt(dn) : 0;
      for (let k = i * nIn; k < (i + 1) * nIn; k++) d[k] *= f;
    }
    W.push(d);
    b.push(new Float64Array(nOut));
  }
  return { W, b };
}

/**
 * The direction theta* - theta_0 from an initialization to trained parameters (same dims), for the
 * interpolation of Goodfellow et al. (2015). Throws: Error when the two networks' dims differ.
 */
export function directionBetween(from: NetworkParams, to: NetworkParams): Direction {
  if (from.dims.join() !== to.dims.join()) throw new Error(`directionBetween: dims [${from.dims.join(', ')}] and [${to.dims.join(', ')}] differ`);
  return {
    W: to.W.map((w, l) => w.map((v, k) => v - from.W[l][k])),
    b: to.b.map((v0, l) => v0.map((v, k) => v - from.b[l][k])),
  };
}

/** n evenly spaced values from lo to hi, both included (n >= 2; n = 1 gives [lo]). Throws: nothing. */
export function linspace(lo: number, hi: number, n: number): number[] {
  if (n === 1) return [lo];
  // The middle of an odd count is exactly (lo + hi) / 2: for a symmetric range, the origin itself.
  return Array.from({ length: n }, (_, i) => (2 * i === n - 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (n - 1)));
}

/** Settings of landscapeGrid. */
export interface LandscapeRequest {
  /** The centre: theta* (or theta_0 for an interpolation). */
  net: NetworkParams;
  hidden: Activation;
  /** X: [features x samples], y: [samples] of 0/1. */
  data: SplitData;
  d1: Direction;
  /** Absent: a 1-D slice (b = 0 everywhere). */
  d2?: Direction;
  /** Coordinates along d1 and d2. */
  alphas: readonly number[];
  betas?: readonly number[];
  /** Positive when p > threshold (the run's threshold), for the accuracy. */
  threshold: number;
}

/**
 * Loss and accuracy at theta = net + a d1 + b d2 for every (a, b) of alphas x betas (b outer, a inner; in
 * 1-D, every a with b = 0). The loss is the mean binary cross-entropy from the logits, the same forward
 * pass and loss training records, so the point a = b = 0 reproduces the recorded loss bit for bit.
 * Forward passes only; one set of buffers for the whole grid.
 * Throws: nothing (a point whose loss is not finite is returned as is).
 */
export function landscapeGrid(req: LandscapeRequest): LandscapePoint[] {
  const { net, data, d1, d2, alphas, threshold, hidden } = req;
  const betas = d2 ? (req.betas ?? [0]) : [0];
  const m = data.y.length;
  const buf = allocateForward(net.dims, m);
  const theta: NetworkParams = { ...net, W: net.W.map((w) => new Float64Array(w.length)), b: net.b.map((v) => new Float64Array(v.length)) };
  const out: LandscapePoint[] = [];
  for (const b of betas) {
    for (const a of alphas) {
      for (let l = 0; l < net.W.length; l++) {
        const W = theta.W[l], W0 = net.W[l], D1 = d1.W[l], D2 = d2?.W[l];
        // a = b = 0 copies theta* exactly (0 * d adds -0 or 0, which leaves every value unchanged anyway).
        for (let k = 0; k < W.length; k++) W[k] = W0[k] + a * D1[k] + (D2 ? b * D2[k] : 0);
        const B = theta.b[l], B0 = net.b[l], E1 = d1.b[l], E2 = d2?.b[l];
        for (let k = 0; k < B.length; k++) B[k] = B0[k] + a * E1[k] + (E2 ? b * E2[k] : 0);
      }
      const p = forward(theta, data.X, buf, hidden);
      const loss = forwardLoss(buf, data.y);
      let correct = 0;
      for (let j = 0; j < m; j++) if ((p[j] > threshold ? 1 : 0) === data.y[j]) correct++;
      out.push({ a, b, loss, accuracy: correct / m });
    }
  }
  return out;
}
