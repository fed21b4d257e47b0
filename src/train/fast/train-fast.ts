/**
 * The fast training path: the same training as train() in ../train.ts (full-batch gradient descent on a
 * ReLU/sigmoid network), with the update loop in WebAssembly SIMD kernels (assembly/kernels.ts).
 *
 * Division of work: the kernels run chunks of updates entirely inside WebAssembly (forward, backward,
 * step and both divergence tests, no allocation, one call per chunk); between chunks, at the curve points,
 * checkpoints and progress marks, this module scores the model with the TypeScript engine (forward,
 * loss, metrics), reading the weights in place from WebAssembly memory. So the recorded losses and
 * metrics are computed by the same code as on the TypeScript path, from weights that agree with it to
 * ~1e-12 (the kernels sum in a different order and use their own exp, within 2 ulp of Math.exp).
 *
 * Memory layout in the kernels' memory (all float64, row-major, 64-byte aligned): X [features x mp] with
 * mp = samples rounded up to a multiple of 8 (padded columns are 0 and masked out of every gradient),
 * y and the mask [mp], two logit buffers [mp], one parameter block (W1 b1 W2 b2 ..., each padded to an
 * even length), a gradient block of the same layout, and per hidden layer A_l and dZ_l [units x mp].
 *
 * Which engine runs is part of the request (TrainRequest.engine, chosen once by the command line): `auto`
 * (default) uses this path for every request it supports exactly (see unsupportedReason) and the
 * TypeScript path otherwise; `ts` forces the TypeScript path (tests compare the two); `fast` forces this
 * path and fails a request it does not support. The engine is part of every run's identity, beside
 * ENGINE_VERSION in ../version.ts.
 */
import { getActivation } from '../activations.js';
import { initializeParams } from '../init.js';
import { meanBinaryCrossEntropyFromLogits } from '../loss.js';
import { scoreThresholds } from '../metrics.js';
import { allocateForward, forward, forwardLoss, toModelJson } from '../network.js';
import { resolveOptions } from '../options.js';
import { Rng } from '../rng.js';
import type { CheckpointResult, CurvePoint, Matrix, NetworkParams, TrainRequest, TrainResult, TrainingConfig } from '../types.js';
import { ensureMemory, loadKernels, type Kernels } from './wasm.js';

export { ENGINE_MODES, type EngineMode } from '../types.js';

/** onProgress is called after every PROGRESS_EVERY updates, as in train() (a test checks they agree). */
export const FAST_PROGRESS_EVERY = 100;

/** Resolved options the fast path implements whatever their value. */
const CORE_KEYS = new Set(['hidden_sizes', 'init', 'learning_rate', 'seed']);

/**
 * Every other resolved training option (see resolveOptions in ../options.ts), with a test of the values
 * at which it changes nothing: plain full-batch gradient descent at a constant rate with relu hidden layers.
 * Options read only by something switched off (an unused optimizer's momentum, leaky_relu's slope under
 * relu) accept any value. An option missing from this table makes every request take the TypeScript
 * path (a test fails when that happens, so that the table is updated).
 */
export const FAST_NEUTRAL_OPTIONS: Readonly<Record<string, (value: unknown) => boolean>> = {
  activation: (v) => v === 'relu',
  leaky_relu_slope: () => true,
  optimizer: (v) => v === 'gd',
  momentum: () => true,
  beta1: () => true,
  beta2: () => true,
  rho: () => true,
  epsilon: () => true,
  lr_schedule: (v) => isRecord(v) && v.kind === 'constant',
  l2: (v) => v === 0,
  dropout: (v) => v === 0,
  batch_size: (v) => v === null,
  early_stopping: (v) => v === null,
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Why the fast path cannot run this config, or null when it can. The config is resolved by the engine's
 * own resolveOptions (defaults filled in); the fast path implements exactly the core keys (hidden_sizes,
 * init, learning_rate, seed) with every other option at a value of FAST_NEUTRAL_OPTIONS.
 * Throws: Error from resolveOptions for an invalid config.
 */
export function unsupportedReason(config: TrainingConfig): string | null {
  const resolved = resolveOptions(config) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(resolved)) {
    if (CORE_KEYS.has(key)) continue;
    const neutral = FAST_NEUTRAL_OPTIONS[key];
    if (!neutral) return `option ${key} is not implemented by the fast engine`;
    if (!neutral(value)) return `${key}: ${JSON.stringify(value)} is not implemented by the fast engine`;
  }
  return null;
}

// Descriptor words, as in assembly/kernels.ts.
const D_LAYERS = 0;
const D_MP = 1;
const D_X = 2;
const D_Y = 3;
const D_MASK = 4;
const D_ZCUR = 5;
const D_ZPREV = 6;
const D_PARAMS = 7;
const D_GRADS = 8;
const D_NPARAMS = 9;
const D_LAYER0 = 12;
const L_WORDS = 8;

/** The network laid out in the kernels' memory. */
interface Layout {
  desc: number;
  /** Parameters as views into the kernels' memory (valid until the memory grows). */
  net: NetworkParams;
  /** The logits of the latest / previous forward pass inside the kernels, first m entries. */
  logitsCurrent(): Float64Array;
  logitsPrevious(): Float64Array;
}

const align64 = (n: number): number => Math.ceil(n / 64) * 64;

/**
 * Lays out a network of `dims` with data (X, y) in the kernels' memory, parameters copied from `init`.
 * Shapes: X: [dims[0] x m], y: [m], weight: [m] (how many training samples each column stands for).
 * Throws: RangeError if the memory cannot hold it.
 */
function layOut(k: Kernels, init: NetworkParams, X: Matrix, y: Float64Array, weight: Float64Array): Layout {
  const dims = init.dims;
  const L = dims.length - 1;
  const m = X.cols;
  const f = X.rows;
  const mp = Math.ceil(m / 8) * 8;
  let top = k.heapBase();
  const alloc = (bytes: number): number => {
    const p = top;
    top = align64(top + bytes);
    return p;
  };
  const pDesc = alloc(4 * (D_LAYER0 + L_WORDS * L));
  const pX = alloc(8 * f * mp);
  const pY = alloc(8 * mp);
  const pMask = alloc(8 * mp);
  const pZ = [alloc(8 * mp), alloc(8 * mp)];
  // Parameter offsets (in doubles) within the params block; each tensor padded to an even length so
  // that all start 16-byte aligned and the step kernel can run on whole f64x2 vectors.
  const even = (n: number): number => n + (n & 1);
  const wOff: number[] = [];
  const bOff: number[] = [];
  let nParams = 0;
  for (let l = 0; l < L; l++) {
    wOff.push(nParams);
    nParams += even(dims[l] * dims[l + 1]);
    bOff.push(nParams);
    nParams += even(dims[l + 1]);
  }
  const pParams = alloc(8 * nParams);
  const pGrads = alloc(8 * nParams);
  const pA: number[] = [];
  const pdZ: number[] = [];
  for (let l = 0; l < L; l++) {
    pA.push(l < L - 1 ? alloc(8 * dims[l + 1] * mp) : 0);
    pdZ.push(alloc(8 * dims[l + 1] * mp));
  }
  ensureMemory(k, top);

  const buf = k.memory.buffer;
  const words = new Int32Array(buf, pDesc, D_LAYER0 + L_WORDS * L);
  words.fill(0);
  words[D_LAYERS] = L;
  words[D_MP] = mp;
  words[D_X] = pX;
  words[D_Y] = pY;
  words[D_MASK] = pMask;
  words[D_ZCUR] = pZ[0];
  words[D_ZPREV] = pZ[1];
  words[D_PARAMS] = pParams;
  words[D_GRADS] = pGrads;
  words[D_NPARAMS] = nParams;
  for (let l = 0; l < L; l++) {
    const r = D_LAYER0 + L_WORDS * l;
    words[r] = dims[l];
    words[r + 1] = dims[l + 1];
    words[r + 2] = pParams + 8 * wOff[l];
    words[r + 3] = pParams + 8 * bOff[l];
    words[r + 4] = pGrads + 8 * wOff[l];
    words[r + 5] = pGrads + 8 * bOff[l];
    words[r + 6] = pA[l];
    words[r + 7] = pdZ[l];
  }

  // Data: X row by row into padded rows, padding zero; mask = each sample's weight, 0 on padding.
  const Xw = new Float64Array(buf, pX, f * mp);
  Xw.fill(0);
  for (let r = 0; r < f; r++) Xw.set(X.data.subarray(r * m, (r + 1) * m), r * mp);
  const yw = new Float64Array(buf, pY, mp);
  yw.fill(0);
  yw.set(y);
  const mask = new Float64Array(buf, pMask, mp);
  mask.fill(0);
  mask.set(weight);
  new Float64Array(buf, pZ[0], mp).fill(0);
  new Float64Array(buf, pZ[1], mp).fill(0);

  const params = new Float64Array(buf, pParams, nParams);
  params.fill(0);
  new Float64Array(buf, pGrads, nParams).fill(0);
  const W: Float64Array[] = [];
  const b: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const w = new Float64Array(buf, pParams + 8 * wOff[l], dims[l] * dims[l + 1]);
    w.set(init.W[l]);
    const bias = new Float64Array(buf, pParams + 8 * bOff[l], dims[l + 1]);
    bias.set(init.b[l]);
    W.push(w);
    b.push(bias);
  }
  const zView = (p: number): Float64Array => new Float64Array(k.memory.buffer, p, m);
  return {
    desc: pDesc,
    net: { dims: [...dims], W, b, hidden_activation: 'relu' },
    logitsCurrent: () => zView(words[D_ZCUR]),
    logitsPrevious: () => zView(words[D_ZPREV]),
  };
}

/** Training samples with identical features and label collapsed into one weighted column. */
interface Collapsed {
  X: Matrix;
  y: Float64Array;
  /** weight[u]: how many samples column u stands for. */
  weight: Float64Array;
  /** rep[j]: the column that sample j became. */
  rep: Int32Array;
}

/**
 * Collapse identical training samples (same features, same label) into one column weighted by its count.
 * The full-batch gradient (1/m) Σ_j dZ_j a_jᵀ is linear in dZ, and identical samples have identical dZ, so
 * weighting a column by its count gives the same gradient with less work (the study's 500 training rows hold
 * 358 distinct ones). Only the order of the sums changes. Columns keep their first occurrence's order.
 * Shapes: X: [features x m], y: [m]. Throws: nothing.
 */
export function collapseDuplicates(X: Matrix, y: Float64Array): Collapsed {
  const f = X.rows;
  const m = X.cols;
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const buckets = new Map<number, number[]>();
  const rep = new Int32Array(m);
  const firsts: number[] = [];
  const same = (a: number, b: number): boolean => {
    if (y[a] !== y[b]) return false;
    for (let r = 0; r < f; r++) if (X.data[r * m + a] !== X.data[r * m + b]) return false;
    return true;
  };
  for (let j = 0; j < m; j++) {
    // FNV-style hash of the sample's bits: a bucket key; equality is then checked value by value.
    let h = 2166136261;
    for (let r = 0; r <= f; r++) {
      bits[0] = r < f ? X.data[r * m + j] : y[j];
      h = Math.imul(h ^ words[0], 16777619);
      h = Math.imul(h ^ words[1], 16777619);
    }
    const bucket = buckets.get(h);
    const match = bucket?.find((u) => same(firsts[u], j));
    if (match !== undefined) {
      rep[j] = match;
      continue;
    }
    rep[j] = firsts.length;
    if (bucket) bucket.push(firsts.length);
    else buckets.set(h, [firsts.length]);
    firsts.push(j);
  }
  const mu = firsts.length;
  const data = new Float64Array(f * mu);
  const yu = new Float64Array(mu);
  const weight = new Float64Array(mu);
  firsts.forEach((j, u) => {
    for (let r = 0; r < f; r++) data[r * mu + u] = X.data[r * m + j];
    yu[u] = y[j];
  });
  for (let j = 0; j < m; j++) weight[rep[j]]++;
  return { X: { rows: f, cols: mu, data }, y: yu, weight, rep };
}

/** Logits of the distinct columns spread back to every training sample. */
function expand(z: Float64Array, rep: Int32Array): Float64Array {
  const out = new Float64Array(rep.length);
  for (let j = 0; j < rep.length; j++) out[j] = z[rep[j]];
  return out;
}

/** As in train.ts: every logit finite and their absolute sum too (so the loss is finite). */
function logitsAreFinite(z: Float64Array): boolean {
  let sum = 0;
  for (let j = 0; j < z.length; j++) sum += Math.abs(z[j]);
  return sum - sum === 0;
}

/**
 * Trains as train() does, on the fast path, when the request is one it supports exactly; returns
 * undefined when train() should use the TypeScript engine instead (engine `ts`, or an option the fast
 * path does not implement: see unsupportedReason).
 *
 * The request must have passed validateRequest (train() calls this right after it). Shapes, semantics
 * of checkpoints, curve, divergence and onProgress: exactly those of train() in ../train.ts.
 * Results agree with the TypeScript engine's to ~1e-12 relative (tests require 1e-9) and are
 * deterministic (single-threaded, fixed summation order).
 * Throws: Error if the engine is `fast` and the request is unsupported, or if the kernels are missing (run `npm run build`); RangeError if the data does not fit in WebAssembly memory.
 */
export function trainFast(req: TrainRequest, onProgress?: (iteration: number) => void): TrainResult | undefined {
  const mode = req.engine ?? 'auto';
  if (mode === 'ts') return undefined;
  const reason = unsupportedReason(req.config);
  if (reason !== null) {
    if (mode === 'fast') throw new Error(`engine fast: ${reason}`);
    return undefined;
  }
  const kernels = loadKernels();

  const { config, checkpoints, thresholds, curve_every: curveEvery } = req;
  const Xtr = req.train.X;
  const ytr = req.train.y;
  const Xva = req.validation.X;
  const yva = req.validation.y;
  const relu = getActivation('relu');
  const dims = [Xtr.rows, ...config.hidden_sizes, 1];
  const lr = config.learning_rate;
  const invM = 1 / Xtr.cols;
  const total = checkpoints[checkpoints.length - 1];

  // invM stays 1/m: each distinct column carries its count as weight.
  const distinct = collapseDuplicates(Xtr, ytr);
  const layout = layOut(kernels, initializeParams(dims, config.init, new Rng(config.seed)), distinct.X, distinct.y, distinct.weight);
  const net = layout.net;
  // TypeScript buffers for scoring between chunks (allocated once).
  const trainBuf = allocateForward(dims, Xtr.cols);
  const valBuf = allocateForward(dims, Xva.cols);
  const logits = trainBuf.Z[trainBuf.Z.length - 1];

  const curve: CurvePoint[] = [];
  const results: CheckpointResult[] = [];
  let next = 0;
  let divergedAt = -1;
  let lastFinite: Float64Array | null = null;
  let updates = 0;
  let reported = 0;
  for (let k = 0; ; ) {
    const onCurve = k % curveEvery === 0 || k === total;
    const isCheckpoint = checkpoints[next] === k;
    if (onCurve || isCheckpoint) {
      const pTrain = forward(net, Xtr, trainBuf, relu); // the model after k updates
      if (!logitsAreFinite(logits)) {
        divergedAt = k;
        // The kernels' latest pass was on the model after k - 1 updates.
        lastFinite = k > 0 ? expand(layout.logitsCurrent(), distinct.rep) : null;
        break;
      }
      const trainLoss = forwardLoss(trainBuf, ytr);
      const pVal = forward(net, Xva, valBuf, relu);
      const valLoss = forwardLoss(valBuf, yva);
      if (onCurve) curve.push({ iteration: k, train_loss: trainLoss, validation_loss: valLoss });
      if (isCheckpoint) {
        results.push({
          iteration: k,
          status: 'done',
          train: scoreThresholds(pTrain, ytr, thresholds, trainLoss),
          validation: scoreThresholds(pVal, yva, thresholds, valLoss),
          model: toModelJson(net),
        });
        next++;
      }
    }
    if (k === total) break;

    // Run to the next point where something is recorded or reported.
    let stop = Math.min(total, (Math.floor(k / curveEvery) + 1) * curveEvery, checkpoints[next]);
    if (onProgress) stop = Math.min(stop, (Math.floor(k / FAST_PROGRESS_EVERY) + 1) * FAST_PROGRESS_EVERY);
    const done = kernels.run(layout.desc, stop - k, lr, invM);
    const why = kernels.status();
    if (why === 1) {
      // The logits of the model after k + done updates are not finite; that model's predecessor's are kept.
      updates = divergedAt = k + done;
      lastFinite = divergedAt > 0 ? expand(layout.logitsPrevious(), distinct.rep) : null;
      break;
    }
    if (why === 2) {
      // Update k + done made a parameter non-finite; the latest logits are those of the model before it.
      updates = divergedAt = k + done;
      lastFinite = expand(layout.logitsCurrent(), distinct.rep);
      break;
    }
    k = stop;
    updates = k;
    if (onProgress && k % FAST_PROGRESS_EVERY === 0) {
      onProgress(k);
      reported = k;
    }
  }
  if (onProgress && reported !== updates) onProgress(updates);

  if (divergedAt < 0) {
    return { status: 'done', checkpoints: results, curve, iterations_run: updates };
  }
  for (; next < checkpoints.length; next++) {
    results.push({ iteration: checkpoints[next], status: 'diverged', train: [], validation: [] });
  }
  return {
    status: 'diverged',
    checkpoints: results,
    curve,
    diverged: {
      iteration: divergedAt,
      last_finite_loss: lastFinite === null ? null : meanBinaryCrossEntropyFromLogits(lastFinite, ytr),
    },
    iterations_run: updates,
  };
}
