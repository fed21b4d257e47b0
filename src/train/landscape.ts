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
 * - Principal directions of the training trajectory: Li et al. (2018), section 7. With the parameters
 *   theta_0, ..., theta_n recorded during training (theta_n = theta*), PCA of the rows theta_i - theta*
 *   (i < n; centred, as sklearn's PCA that the authors used) gives the two most explanatory directions d1, d2
 *   (unit vectors); each recorded point is drawn at ((theta_i - theta*) . d1, (theta_i - theta*) . d2), so the
 *   path ends at the origin, theta*.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { sigmoid, type Activation } from './activations.js';
import { fastEvaluator } from './fast/train-fast.js';
import { meanBinaryCrossEntropyFromLogits } from './loss.js';
import { allocateForward, forward } from './network.js';
import { flattenParams } from './state.js';
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

/** A flat parameter vector (flattenParams in state.ts: W1 row-major, b1, W2, b2, ...) shaped as a direction of a network of `dims`. Throws: Error for a vector of another length. */
export function directionFromVector(dims: readonly number[], v: ArrayLike<number>): Direction {
  const W: Float64Array[] = [];
  const b: Float64Array[] = [];
  let o = 0;
  for (let l = 0; l + 1 < dims.length; l++) {
    const n = dims[l + 1] * dims[l];
    W.push(Float64Array.from({ length: n }, (_, k) => v[o + k]));
    o += n;
    b.push(Float64Array.from({ length: dims[l + 1] }, (_, k) => v[o + k]));
    o += dims[l + 1];
  }
  if (o !== v.length) throw new Error(`directionFromVector: ${v.length} values for a network of ${o} parameters`);
  return { W, b };
}

/** The principal directions of a trajectory and the trajectory's path in their coordinates. */
export interface TrajectoryPca {
  d1: Direction;
  d2: Direction;
  /** Share of the variance of the rows theta_i - theta* that d1 and d2 explain, each in [0, 1]. */
  explained: [number, number];
  /** Each recorded point's coordinates (a along d1, b along d2), in recording order; the last is theta*: (0, 0). */
  path: { a: number; b: number }[];
}

/**
 * The two principal directions of a training trajectory (Li et al. 2018, section 7) and its projection.
 * `points`: the parameters recorded during training, flattened (flattenParams in state.ts: W1 row-major, b1, W2, b2, ...), oldest first; theta*
 * (`net`) is appended when the last point is not already it. PCA: the right singular vectors of the centred
 * matrix M whose rows are theta_i - theta* for every point but theta* (singular value decomposition by
 * ml-matrix). Signs are chosen so that the first point (the initialization) has coordinates >= 0.
 * Projection: the dot product of theta_i - theta* with each unit direction (the authors' `cos` method).
 * Throws: Error when fewer than two points differ from theta* or the points span one
 * direction only (no second principal direction), or when a point's length is not the network's.
 */
export function trajectoryPca(net: NetworkParams, points: readonly ArrayLike<number>[]): TrajectoryPca {
  const star = Array.from(flattenParams(net));
  const p = star.length;
  for (const q of points) if (q.length !== p) throw new Error(`the trajectory's points have ${q.length} parameters, the network ${p}`);
  const last = points[points.length - 1];
  const all = last && star.every((v, k) => v === last[k]) ? points : [...points, star];
  const rows = all.slice(0, -1).map((q) => star.map((v, k) => q[k] - v));
  if (rows.length < 2) throw new Error(`the trajectory has ${rows.length} recorded point${rows.length === 1 ? '' : 's'} besides the trained network; PCA needs at least 2`);
  const mean = star.map((_, k) => rows.reduce((s, r) => s + r[k], 0) / rows.length);
  const centred = new Matrix(rows.map((r) => r.map((v, k) => v - mean[k])));
  const svd = new SingularValueDecomposition(centred, { autoTranspose: true });
  const sv = svd.diagonal;
  const total = sv.reduce((s, v) => s + v * v, 0);
  if (sv.length < 2 || !(sv[1] > 1e-12 * sv[0])) throw new Error('the trajectory spans a single direction: there is no second principal direction');
  const V = svd.rightSingularVectors;
  const dirs = [0, 1].map((c) => {
    const d = V.getColumn(c);
    // The first point's coordinate along d: flip d so that it is >= 0 (PCA fixes a direction up to its sign).
    const s0 = rows[0].reduce((s, v, k) => s + v * d[k], 0);
    return s0 < 0 ? d.map((v) => -v) : d;
  });
  const dot = (q: ArrayLike<number>, d: number[]) => {
    let s = 0;
    for (let k = 0; k < p; k++) s += (q[k] - star[k]) * d[k];
    return s;
  };
  return {
    d1: directionFromVector(net.dims, dirs[0]),
    d2: directionFromVector(net.dims, dirs[1]),
    explained: [(sv[0] * sv[0]) / total, (sv[1] * sv[1]) / total],
    path: all.map((q) => ({ a: dot(q, dirs[0]), b: dot(q, dirs[1]) })),
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
  /** Where the forward passes run (the origin always on the TypeScript engine); default: fast when built. */
  engine?: 'fast' | 'ts';
}

/**
 * Loss and accuracy at theta = net + a d1 + b d2 for every (a, b) of alphas x betas (b outer, a inner; in
 * 1-D, every a with b = 0). The loss is the mean binary cross-entropy from the logits (loss.ts). The point
 * a = b = 0 is scored by the same forward pass and loss training records (forward() in network.ts), so it
 * reproduces the recorded loss bit for bit; every other point's forward pass runs on the fast engine's
 * kernels (fastEvaluator; within a few ulp of forward()) unless `engine` is 'ts' or the kernels are
 * missing. Accuracy: positive when sigmoid(z) > threshold. Forward passes only; one set of buffers for the
 * whole grid.
 * Throws: nothing (a point whose loss is not finite is returned as is).
 */
export function landscapeGrid(req: LandscapeRequest): LandscapePoint[] {
  const { net, data, d1, d2, alphas, threshold, hidden } = req;
  const betas = d2 ? (req.betas ?? [0]) : [0];
  const m = data.y.length;
  const buf = allocateForward(net.dims, m);
  const reference: NetworkParams = { ...net, W: net.W.map((w) => new Float64Array(w.length)), b: net.b.map((v) => new Float64Array(v.length)) };
  let fast: ReturnType<typeof fastEvaluator> | undefined;
  if (req.engine !== 'ts') {
    try {
      fast = fastEvaluator({ ...net, hidden_activation: net.hidden_activation ?? hidden.name }, data.X);
    } catch {
      fast = undefined; // kernels not built: the TypeScript forward pass, slower, the same numbers to a few ulp
    }
  }
  const out: LandscapePoint[] = [];
  for (const b of betas) {
    for (const a of alphas) {
      const theta = fast && !(a === 0 && b === 0) ? fast.params : reference;
      for (let l = 0; l < net.W.length; l++) {
        const W = theta.W[l], W0 = net.W[l], D1 = d1.W[l], D2 = d2?.W[l];
        // a = b = 0 copies theta* exactly (0 * d adds -0 or 0, which leaves every value unchanged anyway).
        for (let k = 0; k < W.length; k++) W[k] = W0[k] + a * D1[k] + (D2 ? b * D2[k] : 0);
        const B = theta.b[l], B0 = net.b[l], E1 = d1.b[l], E2 = d2?.b[l];
        for (let k = 0; k < B.length; k++) B[k] = B0[k] + a * E1[k] + (E2 ? b * E2[k] : 0);
      }
      let z: Float64Array;
      if (theta === reference) {
        forward(reference, data.X, buf, hidden);
        z = buf.Z[buf.Z.length - 1];
      } else {
        z = fast!.logits();
      }
      const loss = meanBinaryCrossEntropyFromLogits(z, data.y);
      let correct = 0;
      for (let j = 0; j < m; j++) if ((sigmoid(z[j]) > threshold ? 1 : 0) === data.y[j]) correct++;
      out.push({ a, b, loss, accuracy: correct / m });
    }
  }
  return out;
}

/** What to compute around a trained network (`dlsweep landscape`, record.landscape). */
export interface LandscapeSettings {
  dims: 1 | 2;
  /** random: filter-normalized Gaussian directions; pca: the trajectory's principal directions (2-D only). */
  directions: 'random' | 'pca';
  /** a (and b) from -range to range; null: for pca, the extent of the trajectory on each axis (times 1.2). */
  range: number | null;
  steps: number;
  /** Seed of the MT19937 stream of the random directions. */
  seed: number;
  /** The 1-D interpolation from the initialization (alpha from 0 to 1) instead of directions around theta*. */
  fromInit: boolean;
}

/** A computed landscape: its points (b-major), axes and, for pca, the projected trajectory. */
export interface Landscape {
  points: LandscapePoint[];
  alphas: number[];
  betas: number[];
  /** pca only: the recorded points' coordinates (the last is the origin; its iteration null when theta* was not itself recorded), the explained variance. */
  path?: { iteration: number | null; a: number; b: number }[];
  explained?: [number, number];
}

/**
 * Compute a landscape around `net` (theta*) on `data`: random (seeded `rng` draws d1 then d2), pca (from
 * `trajectory`, required) or the interpolation from `init` (required with fromInit).
 * Throws: Error for pca without a trajectory of at least two points besides theta*, or one that spans one
 * direction (see trajectoryPca); for pca in 1-D.
 */
export function computeLandscape(
  req: { net: NetworkParams; hidden: Activation; data: SplitData; threshold: number; settings: LandscapeSettings; rng: Rng; init?: NetworkParams; trajectory?: readonly { iteration: number; params: ArrayLike<number> }[] },
): Landscape {
  const { net, hidden, data, threshold, settings: s } = req;
  if (s.fromInit) {
    if (!req.init) throw new Error('computeLandscape: fromInit needs the initialization');
    const alphas = linspace(0, 1, s.steps);
    return { points: landscapeGrid({ net: req.init, hidden, data, d1: directionBetween(req.init, net), alphas, threshold }), alphas, betas: [0] };
  }
  if (s.directions === 'pca') {
    if (s.dims !== 2) throw new Error('pca directions draw a 2-D landscape');
    const traj = req.trajectory ?? [];
    const pca = trajectoryPca(net, traj.map((p) => p.params));
    const path = pca.path.map((q, i) => ({ iteration: i < traj.length ? traj[i].iteration : null, ...q }));
    // The box that holds the path, with a margin; never degenerate.
    const extent = (v: number[]) => 1.2 * Math.max(...v.map(Math.abs)) || 1;
    const ra = s.range ?? extent(path.map((q) => q.a));
    const rb = s.range ?? extent(path.map((q) => q.b));
    const alphas = linspace(-ra, ra, s.steps);
    const betas = linspace(-rb, rb, s.steps);
    return { points: landscapeGrid({ net, hidden, data, d1: pca.d1, d2: pca.d2, alphas, betas, threshold }), alphas, betas, path, explained: pca.explained };
  }
  const d1 = filterNormalizedDirection(net, req.rng);
  const d2 = s.dims === 2 ? filterNormalizedDirection(net, req.rng) : undefined;
  const r = s.range ?? 1;
  const alphas = linspace(-r, r, s.steps);
  const betas = d2 ? alphas : [0];
  return { points: landscapeGrid({ net, hidden, data, d1, d2, alphas, betas, threshold }), alphas, betas };
}
