/**
 * The fast training path: the same training as train() in ../train.ts, every option included (update
 * rules, schedules, L2, dropout, mini-batches, early stopping, hidden activations, any depth), with the
 * update loop in WebAssembly SIMD kernels (assembly/kernels.ts).
 *
 * Division of work: the kernels run chunks of updates entirely inside WebAssembly (batch selection and
 * shuffles, dropout masks, forward, backward, update and both divergence tests; no allocation, one call per
 * chunk). The random draws are the run's own stream: the weights are drawn here by initializeParams, then
 * the MT19937 state is copied into the kernels, which draw the shuffles and masks exactly as the TypeScript
 * engine does, in the same order. Each chunk's learning rates and Adam's bias corrections are computed here
 * by the TypeScript functions (learningRateAt, Math.pow), so schedules are the reference's to the bit.
 * Between chunks, at the curve points and checkpoints, this module scores the model with the TypeScript
 * engine (forward, loss, metrics), reading the weights in place from WebAssembly memory; at early-stopping
 * checks that are not also recorded points, the kernels compute the validation logits (evaluate()) and the
 * loss is taken from them here. So the recorded losses and metrics are computed by the same code as on the
 * TypeScript path, from weights that agree with it to ~1e-12 (the kernels sum in a different order and use
 * their own sigmoid and tanh, within a few ulp of the reference's).
 *
 * Collapsing duplicate rows: with the full batch and no dropout, identical training samples are trained
 * once, weighted by their count (the same gradient, summed in another order). With mini-batches or dropout
 * it would not be exact (each row is drawn into batches and gets its own dropout mask), so every row is
 * kept.
 *
 * What a thread keeps between its trainings, because a sweep or a search trains many networks from a few
 * starting points on a few splits: each split's collapsed rows (a split is recognised by its bits,
 * split-cache.ts), each starting network (the weights drawn and the stream's state after them, by init,
 * seed, layers and activation) with its losses before any update on each pair of splits, and the scoring
 * buffers. Each is exactly what the training would compute, so no result depends on the trainings that ran
 * before it on its thread.
 *
 * Training state, for continuing a training elsewhere: everything that determines the rest of a training
 * lives in the kernels' memory at the words marked "state" in assembly/kernels.ts: the parameters
 * (D_PARAMS), the update rule's state (D_S1, D_S2), the stream (D_MT, D_MTI), the epoch's row order and
 * position (D_ORDER, D_POS); with the update count k (the schedule's step and Adam's t, both computed here
 * from k). Exporting them after a chunk and writing them back into a fresh layout (D_FRESH = 0) continues
 * the training exactly; the early-stopping bookkeeping (best loss, its weights, the wait) is the
 * PatienceTracker's (../early-stopping.ts), shared with the reference. TrainRequest.keep_state exports them
 * as a TrainingState (../state.ts, the same format as the reference's, marked path 'fast') and
 * TrainRequest.resume writes one back. Early-stopping checks take their loss from the kernels' evaluation
 * at every check, so that a check falling on a recorded point (a rung's end) decides as elsewhere.
 *
 * Memory layout in the kernels' memory (all float64 unless said, row-major, 64-byte aligned; the
 * descriptor's word indices are read from the kernels' exports, see Kernels.layout): X [features x mp] with
 * mp = stored samples rounded up to a multiple of 8 (padded columns are 0 and masked out of every
 * gradient), y and the mask [mp]; mini-batches: the batch's X, y, mask [.. x bp] and the row order (u32
 * [m]); the validation split [features x mpv] for evaluate(); the MT19937 words (u32 [624]); one parameter
 * block (W1 b1 W2 b2 ..., each padded to an even length) and blocks of the same layout for the gradient,
 * the previous parameters and the update rule's two states; per hidden layer Z, A, D, M and dZ [units x
 * stride] for the training pass and Z, A [units x eval stride] for evaluate(); the schedule block.
 *
 * Which engine runs is part of the request (TrainRequest.engine, chosen once by the command line): `auto`
 * (default) uses this path for every request it supports exactly (see unsupportedReason) and the
 * TypeScript path otherwise; `ts` forces the TypeScript path (tests compare the two); `fast` forces this
 * path and fails a request it does not support. The engine is part of every run's identity, beside
 * ENGINE_VERSION in ../version.ts.
 */
import { HIDDEN_ACTIVATION_NAMES, getActivation } from '../activations.js';
import { initialNetwork } from '../init.js';
import { logitsAreFinite, meanBinaryCrossEntropyFromLogits } from '../loss.js';
import { checkpointScorer } from '../checkpoint.js';
import { scoreThresholds } from '../metrics.js';
import { allocateForward, copyParamsInto, forward, forwardLoss, toModelJson, type ForwardBuffers } from '../network.js';
import { OPTIMIZER_NAMES } from '../optimizers.js';
import { resolveOptions } from '../options.js';
import { Rng, type RngState } from '../rng.js';
import { dependsOnLength, learningRateAt } from '../schedules.js';
import type { CheckpointResult, CurvePoint, Matrix, NetworkParams, TrainRequest, TrainResult, TrainingConfig, TrainingOptions, TrajectoryPoint } from '../types.js';
import { ensureMemory, loadKernels, type Kernels } from './wasm.js';
import { PatienceTracker } from '../early-stopping.js';
import { base64ToF64, base64ToU32, checkStateFits, curveOfState, flattenParams, makeState, rngStateOf, unflattenInto } from '../state.js';
import { SplitCache } from './split-cache.js';
import { BoundedMap } from './bounded-map.js';

export { ENGINE_MODES, type EngineMode } from '../types.js';

/** onProgress is called after every PROGRESS_EVERY updates, as in train() (a test checks they agree). */
export const FAST_PROGRESS_EVERY = 100;

/**
 * The resolved training options (see resolveOptions in ../options.ts) the fast path implements, every value
 * the option accepts. An option missing from this list makes every request take the TypeScript path (a
 * test fails when that happens, so that the list and the kernels are updated with the engine).
 */
export const FAST_OPTIONS: readonly string[] = [
  'hidden_sizes',
  'init',
  'learning_rate',
  'seed',
  'activation',
  'leaky_relu_slope',
  'optimizer',
  'momentum',
  'beta1',
  'beta2',
  'rho',
  'epsilon',
  'lr_schedule',
  'l2',
  'dropout',
  'batch_size',
  'early_stopping',
];

/**
 * Why the fast path cannot run this config, or null when it can. The config is resolved by the engine's
 * own resolveOptions (defaults filled in); the fast path implements every option of FAST_OPTIONS.
 * Throws: Error from resolveOptions for an invalid config.
 */
export function unsupportedReason(config: TrainingConfig): string | null {
  return unsupportedOption(resolveOptions(config));
}

/** unsupportedReason of options already resolved. Throws: nothing. */
function unsupportedOption(resolved: TrainingOptions): string | null {
  for (const key of Object.keys(resolved)) {
    if (!FAST_OPTIONS.includes(key)) return `option ${key} is not implemented by the fast engine`;
  }
  return null;
}

/** The most updates one kernel call runs (the schedule block holds their rates). */
const MAX_CHUNK = 2048;

/** A training laid out in the kernels' memory. */
interface Layout {
  desc: number;
  /** Parameters as views into the kernels' memory (valid until the memory grows). */
  net: NetworkParams;
  /** The parameters before the latest update, same kind of views. */
  prev: NetworkParams;
  /** The update rule's two states, same kind of views. */
  s1: NetworkParams;
  s2: NetworkParams;
  /** The stream's 624 words (u32 view) and the row order of mini-batches (u32 [m] view, or undefined). */
  mt: Uint32Array;
  order?: Uint32Array;
  /** The schedule block: SCHED_WORDS doubles per update of a chunk, MAX_CHUNK updates. */
  sched: Float64Array;
  schedPtr: number;
  /** The full training split (not collapsed) for evaluate(): address, labels, mask, stride; undefined when collapsed. */
  trainEval?: { X: number; y: number; mask: number; sp: number };
  valEval: { X: number; y: number; mask: number; sp: number };
  /** evaluate()'s logits, first `n` entries. */
  evalLogits(n: number): Float64Array;
}

const align64 = (n: number): number => Math.ceil(n / 64) * 64;
const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

/** What layOut puts in the kernels' memory. Shapes: X: [dims[0] x m], y and weight: [m]. */
interface LayoutInput {
  o: TrainingOptions;
  init: NetworkParams;
  X: Matrix;
  y: Float64Array;
  /** How many training samples each column stands for (1 unless duplicates were collapsed). */
  weight: Float64Array;
  /** 1 / (training samples): the full batch's mean, whatever the stored count. */
  invM: number;
  /** Mini-batch size, or 0 for the full batch. */
  batch: number;
  validation: Matrix;
  validationY: Float64Array;
  rng: Rng;
}

/**
 * Lays out a training in the kernels' memory: data, buffers, parameters copied from `init`, zero update-rule
 * state, the stream's state copied from `rng`, and the descriptor (see the module comment).
 * Throws: RangeError if the memory cannot hold it.
 */
function layOut(k: Kernels, t: LayoutInput): Layout {
  const C = k.layout;
  const { o, init } = t;
  const dims = init.dims;
  const L = dims.length - 1;
  const f = t.X.rows;
  const m = t.X.cols;
  const mp = pad8(m);
  const bp = t.batch ? pad8(t.batch) : 0;
  const mv = t.validation.cols;
  const mpv = pad8(mv);
  const dropout = o.dropout > 0;
  // Stride of the training pass's buffers and of evaluate()'s (the training split when not collapsed, or the validation split).
  const S = Math.max(mp, bp);
  const SE = Math.max(t.batch || dropout ? mp : 0, mpv);
  let top = k.heapBase();
  const alloc = (bytes: number): number => {
    const p = top;
    top = align64(top + Math.max(bytes, 8));
    return p;
  };
  const descWords = C.D_LAYER0 + C.L_WORDS * L;
  const pDesc = alloc(4 * descWords);
  const pF64 = alloc(8 * C.F_WORDS);
  const pX = alloc(8 * f * mp);
  const pXP = alloc(8 * f * mp); // X by sample pairs, for the first layer's weight gradient
  // The largest hidden layer's W, transposed by the kernels before each forward pass.
  const pWT = alloc(8 * Math.max(1, ...dims.slice(1, -1).map((units, l) => units * dims[l])));
  const pY = alloc(8 * mp);
  const pMask = alloc(8 * mp);
  const pXb = t.batch ? alloc(8 * f * bp) : 0;
  const pXbP = t.batch ? alloc(8 * f * bp) : 0;
  const pYb = t.batch ? alloc(8 * bp) : 0;
  const pMaskb = t.batch ? alloc(8 * bp) : 0;
  const pOrder = t.batch ? alloc(4 * m) : 0;
  const pMt = alloc(4 * 2 * 624); // the state words, then the kernels' cache of their tempered outputs
  const pXv = alloc(8 * f * mpv);
  const pYv = alloc(8 * mpv);
  const pMaskv = alloc(8 * mpv);
  const pOnes = t.batch || dropout ? alloc(8 * mp) : 0; // mask of the full training split for evaluate()
  const pZout = alloc(8 * S);
  const pZeval = alloc(8 * SE);
  const pDZeval = alloc(8 * SE);
  // Parameter offsets (in doubles) within the params block; each tensor padded to an even length so that
  // all start 16-byte aligned and the update runs on whole f64x2 vectors.
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
  const pPrev = alloc(8 * nParams);
  const pS1 = alloc(8 * nParams);
  const pS2 = alloc(8 * nParams);
  const leaky = o.activation === 'leaky_relu';
  const layers = dims.slice(1).map((units, l) => {
    const hidden = l < L - 1;
    return {
      Z: hidden && leaky ? alloc(8 * units * S) : 0,
      A: hidden ? alloc(8 * units * S) : 0,
      D: hidden && dropout ? alloc(8 * units * S) : 0,
      M: hidden && dropout ? alloc(8 * units * S) : 0,
      dZ: alloc(8 * units * S),
      EZ: hidden && leaky ? alloc(8 * units * SE) : 0,
      EA: hidden ? alloc(8 * units * SE) : 0,
    };
  });
  const pSched = alloc(8 * C.SCHED_WORDS * MAX_CHUNK);
  ensureMemory(k, top);

  const buf = k.memory.buffer;
  new Uint8Array(buf, pDesc, top - pDesc).fill(0); // every buffer starts at zero (padding included)
  const words = new Int32Array(buf, pDesc, descWords);
  const w = (i: number, v: number): void => {
    words[i] = v;
  };
  w(C.D_LAYERS, L);
  w(C.D_ACT, HIDDEN_ACTIVATION_NAMES.indexOf(o.activation));
  w(C.D_OPT, OPTIMIZER_NAMES.indexOf(o.optimizer));
  w(C.D_M, m);
  w(C.D_MP, mp);
  w(C.D_X, pX);
  w(C.D_XP, pXP);
  w(C.D_WT, pWT);
  w(C.D_Y, pY);
  w(C.D_MASK, pMask);
  w(C.D_BATCH, t.batch);
  w(C.D_BP, bp);
  w(C.D_XB, pXb);
  w(C.D_XBP, pXbP);
  w(C.D_YB, pYb);
  w(C.D_MASKB, pMaskb);
  w(C.D_ORDER, pOrder);
  w(C.D_POS, 0);
  w(C.D_MT, pMt);
  w(C.D_DROPOUT, dropout ? 1 : 0);
  w(C.D_ZOUT, pZout);
  w(C.D_PARAMS, pParams);
  w(C.D_GRADS, pGrads);
  w(C.D_PREV, pPrev);
  w(C.D_S1, pS1);
  w(C.D_S2, pS2);
  w(C.D_NPARAMS, nParams);
  w(C.D_FRESH, 0);
  w(C.D_F64, pF64);
  w(C.D_ZEVAL, pZeval);
  w(C.D_DZEVAL, pDZeval);
  for (let l = 0; l < L; l++) {
    const r = C.D_LAYER0 + C.L_WORDS * l;
    const b = layers[l];
    words[r + C.L_NIN] = dims[l];
    words[r + C.L_NOUT] = dims[l + 1];
    words[r + C.L_W] = pParams + 8 * wOff[l];
    words[r + C.L_B] = pParams + 8 * bOff[l];
    words[r + C.L_DW] = pGrads + 8 * wOff[l];
    words[r + C.L_DB] = pGrads + 8 * bOff[l];
    words[r + C.L_Z] = b.Z;
    words[r + C.L_A] = b.A;
    words[r + C.L_D] = b.D;
    words[r + C.L_M] = b.M;
    words[r + C.L_DZ] = b.dZ;
    words[r + C.L_EZ] = b.EZ;
    words[r + C.L_EA] = b.EA;
  }
  const f64 = new Float64Array(buf, pF64, C.F_WORDS);
  f64[C.F_SLOPE] = o.leaky_relu_slope;
  f64[C.F_MU] = o.momentum;
  f64[C.F_BETA1] = o.beta1;
  f64[C.F_BETA2] = o.beta2;
  f64[C.F_RHO] = o.rho;
  f64[C.F_EPS] = o.epsilon;
  f64[C.F_L2] = o.l2;
  f64[C.F_CUT] = o.dropout * 4294967296; // as drawDropoutMasks in ../network.ts
  f64[C.F_KEEP] = 1 / (1 - o.dropout);
  f64[C.F_INVM] = t.invM;

  // Data: X row by row into padded rows (padding stays zero); mask = each sample's weight, 0 on padding.
  const put = (p: number, M: Matrix, stride: number): void => {
    const dst = new Float64Array(buf, p, M.rows * stride);
    for (let r = 0; r < M.rows; r++) dst.set(M.data.subarray(r * M.cols, (r + 1) * M.cols), r * stride);
  };
  put(pX, t.X, mp);
  // The same by sample pairs: [mp/2 x f] f64x2, samples 2v and 2v+1 of feature r at 16 (f v + r) bytes.
  const xp = new Float64Array(buf, pXP, f * mp);
  for (let r = 0; r < f; r++) {
    for (let j = 0; j < m; j++) xp[(j >> 1) * 2 * f + 2 * r + (j & 1)] = t.X.data[r * m + j];
  }
  new Float64Array(buf, pY, m).set(t.y);
  new Float64Array(buf, pMask, m).set(t.weight);
  put(pXv, t.validation, mpv);
  new Float64Array(buf, pYv, mv).set(t.validationY);
  new Float64Array(buf, pMaskv, mv).fill(1);
  if (pOnes) new Float64Array(buf, pOnes, m).fill(1);
  if (pOrder) {
    const order = new Uint32Array(buf, pOrder, m);
    for (let j = 0; j < m; j++) order[j] = j;
  }
  const state = t.rng.getState();
  new Uint32Array(buf, pMt, 624).set(state.mt);
  w(C.D_MTI, state.mti);

  const views = (p: number): NetworkParams => {
    const W: Float64Array[] = [];
    const b: Float64Array[] = [];
    for (let l = 0; l < L; l++) {
      W.push(new Float64Array(buf, p + 8 * wOff[l], dims[l] * dims[l + 1]));
      b.push(new Float64Array(buf, p + 8 * bOff[l], dims[l + 1]));
    }
    return {
      dims: [...dims],
      W,
      b,
      hidden_activation: o.activation,
      ...(o.activation === 'leaky_relu' ? { leaky_relu_slope: o.leaky_relu_slope } : {}),
    };
  };
  const net = views(pParams);
  copyParamsInto(init, net);
  return {
    desc: pDesc,
    net,
    prev: views(pPrev),
    s1: views(pS1),
    s2: views(pS2),
    mt: new Uint32Array(buf, pMt, 624),
    ...(pOrder ? { order: new Uint32Array(buf, pOrder, m) } : {}),
    sched: new Float64Array(buf, pSched, C.SCHED_WORDS * MAX_CHUNK),
    schedPtr: pSched,
    ...(pOnes ? { trainEval: { X: pX, y: pY, mask: pOnes, sp: mp } } : {}),
    valEval: { X: pXv, y: pYv, mask: pMaskv, sp: mpv },
    evalLogits: (n) => new Float64Array(k.memory.buffer, pZeval, n),
  };
}

/**
 * Forward passes of one network's shape on one data matrix in the kernels (loss landscapes: thousands of
 * parameter vectors, the same rows). `net` gives the dims and hidden activation (and the first parameters);
 * the returned `params` are views into the kernels' memory: write a parameter vector into them, then
 * `logits()` runs the forward pass (evaluate() in assembly/kernels.ts, the pass early stopping uses) and
 * returns the output logits [X.cols] (a view, overwritten by the next call). The logits agree with
 * forward() in ../network.ts to a few ulp (the kernels' own sigmoid and tanh, another summation order).
 * Valid until the next training or evaluator on this thread (they share the kernels' memory).
 * Shapes: X: [dims[0] x m]. Throws: Error if the kernels are missing; RangeError if the data do not fit.
 */
export function fastEvaluator(net: NetworkParams, X: Matrix): { params: NetworkParams; logits(): Float64Array } {
  const kernels = loadKernels();
  const hidden = net.hidden_activation ?? 'relu';
  const o = resolveOptions({
    hidden_sizes: net.dims.slice(1, -1),
    init: 'zeros',
    learning_rate: 1,
    seed: 0,
    activation: hidden,
    ...(hidden === 'leaky_relu' && net.leaky_relu_slope !== undefined ? { leaky_relu_slope: net.leaky_relu_slope } : {}),
  });
  // The training slot is not used: one column of X stands in for it.
  const first = { rows: X.rows, cols: 1, data: Float64Array.from({ length: X.rows }, (_, r) => X.data[r * X.cols]) };
  const layout = layOut(kernels, { o, init: net, X: first, y: new Float64Array(1), weight: new Float64Array(1).fill(1), invM: 1, batch: 0, validation: X, validationY: new Float64Array(X.cols), rng: new Rng(0) });
  const ve = layout.valEval;
  return {
    params: layout.net,
    logits: () => {
      kernels.evaluate(layout.desc, ve.X, ve.y, ve.mask, ve.sp);
      return layout.evalLogits(X.cols);
    },
  };
}

/** Training samples with identical features and label collapsed into one weighted column (shared: read only). */
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
      const v = r < f ? X.data[r * m + j] : y[j];
      bits[0] = v === 0 ? 0 : v; // -0 and 0 compare equal below, so they must share a bucket
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

/**
 * A network this thread has drawn (initialNetwork), with the stream's state after the draws; read only
 * (layOut copies the weights into the kernels' memory). `atStart` holds the losses of this network before
 * any update on pairs of splits (by knownSplit ids, `train validation`), the curve's first point.
 */
interface StartingPoint {
  net: NetworkParams;
  rng: RngState;
  atStart: Map<string, { train_loss: number; validation_loss: number }>;
}

/**
 * This thread's starting points, by what determines them. A search starts most of its trainings from a few
 * (one seed, a few layer sizes) on the same splits, and a continued training draws its weights only to
 * overwrite them with its state's. At most STARTING_POINTS, holding at most STARTING_BYTES of weights, are
 * kept, the oldest dropped first; a network larger than that is drawn every time.
 */
const STARTING_POINTS = 32;
const STARTING_BYTES = 32 * 2 ** 20;
const startingPoints = new BoundedMap<StartingPoint>(STARTING_POINTS, STARTING_BYTES);
const weightBytes = (net: NetworkParams): number => net.W.reduce((sum, w, l) => sum + w.byteLength + net.b[l].byteLength, 0);

/**
 * initialNetwork(o, features) (../init.ts), drawn once per thread, and its starting point; the network is
 * shared: read only. Throws: as initialNetwork.
 */
function startingNetwork(o: TrainingOptions, features: number): ReturnType<typeof initialNetwork> & { start: StartingPoint } {
  const key = JSON.stringify([o.init, o.seed, features, o.hidden_sizes, o.activation, o.leaky_relu_slope]);
  let start = startingPoints.get(key);
  if (!start) {
    const drawn = initialNetwork(o, features);
    start = { net: drawn.net, rng: drawn.rng.getState(), atStart: new Map() };
    startingPoints.set(key, start, weightBytes(drawn.net));
    return { ...drawn, start };
  }
  const rng = new Rng(o.seed);
  rng.setState(start.rng);
  return { net: start.net, hidden: getActivation(o.activation, o.leaky_relu_slope), dims: [...start.net.dims], rng, start };
}

/**
 * What this thread knows of a split it trained or scored on, recognised by its rows (split-cache.ts): a
 * number naming it (never reused for other rows), and its duplicate rows collapsed, once asked for.
 */
interface KnownSplit {
  id: number;
  collapsed?: Collapsed;
}
const knownSplits = new SplitCache<KnownSplit>();
let splitsSeen = 0;

function knownSplit(X: Matrix, y: Float64Array): KnownSplit {
  return knownSplits.get(X, y, () => ({ id: splitsSeen++ }));
}

/**
 * Forward buffers for scoring (allocateForward), reused by the thread's next trainings of the same network
 * shape and sample count: every pass overwrites what it reads, and trainings run one at a time per thread.
 * The training and the validation rows have buffers of their own (a checkpoint reads both passes).
 * At most SCORING_BYTES are kept, the oldest dropped first.
 */
const SCORING_BYTES = 32 * 2 ** 20;
const scoringBuffers = new BoundedMap<ForwardBuffers>(Infinity, SCORING_BYTES);

function scoringBuffer(split: 'train' | 'validation', dims: readonly number[], samples: number): ForwardBuffers {
  const key = `${split} ${dims.join(',')} ${samples}`;
  const known = scoringBuffers.get(key);
  if (known) return known;
  const buf = allocateForward(dims, samples);
  scoringBuffers.set(key, buf, buf.Z.reduce((sum, z) => sum + 2 * z.byteLength, 0)); // Z and A
  return buf;
}

/**
 * For the benchmark: the training of `req` laid out in the kernels' memory as trainFast lays it out (full
 * batch, duplicates collapsed unless tuning.collapse is false), ready for Kernels.profilePhases. Returns the
 * kernels, the descriptor's address and the stored sample count.
 * Throws: as trainFast.
 */
export function layOutForProfile(req: TrainRequest, tuning: FastTuning = {}): { kernels: Kernels; desc: number; samples: number } {
  const kernels = loadKernels();
  const o = resolveOptions(req.config);
  const { net: init, rng } = initialNetwork(o, req.train.X.rows);
  const m = req.train.X.cols;
  const data = tuning.collapse === false ? { X: req.train.X, y: req.train.y, weight: new Float64Array(m).fill(1) } : collapseDuplicates(req.train.X, req.train.y);
  const layout = layOut(kernels, { o, init, X: data.X, y: data.y, weight: data.weight, invM: 1 / m, batch: 0, validation: req.validation.X, validationY: req.validation.y, rng });
  return { kernels, desc: layout.desc, samples: data.X.cols };
}

/** Settings of the fast path that change its speed, not its results beyond rounding (for the benchmarks). */
export interface FastTuning {
  /** false: train every row even where collapsing duplicates is exact (default true). */
  collapse?: boolean;
}

/**
 * Trains as train() does, on the fast path, when the request is one it supports exactly; returns
 * undefined when train() should use the TypeScript engine instead (engine `ts`, or an option the fast
 * path does not implement: see unsupportedReason).
 *
 * The request must have passed validateRequest (train() calls this right after it). Shapes, semantics
 * of checkpoints, curve, early stopping, divergence, the random stream and onProgress: exactly those of
 * train() in ../train.ts. Results agree with the TypeScript engine's to ~1e-12 relative (tests require
 * 1e-9) and are deterministic (single-threaded, fixed summation order).
 * `tuning.collapse: false` trains every row even where collapsing duplicates would be exact (benchmarks).
 * Throws: Error if the engine is `fast` and the request is unsupported, or if the kernels are missing (run
 * `npm run build`); RangeError if the data does not fit in WebAssembly memory.
 */
export function trainFast(
  req: TrainRequest,
  onProgress?: (iteration: number) => void,
  tuning: FastTuning = {},
): TrainResult | undefined {
  const mode = req.engine ?? 'auto';
  if (mode === 'ts') return undefined;
  const o = resolveOptions(req.config);
  const reason = unsupportedOption(o);
  if (reason !== null) {
    if (mode === 'fast') throw new Error(`engine fast: ${reason}`);
    return undefined;
  }
  const kernels = loadKernels();
  const C = kernels.layout;

  const { checkpoints, thresholds, curve_every: curveEvery } = req;
  const Xtr = req.train.X;
  const ytr = req.train.y;
  const Xva = req.validation.X;
  const yva = req.validation.y;
  const { net: init, hidden, dims, rng, start } = startingNetwork(o, Xtr.rows);
  const total = checkpoints[checkpoints.length - 1];
  const horizon = req.horizon ?? total;
  const resume = req.resume;
  const m = Xtr.cols;
  const fullBatch = o.batch_size === null || o.batch_size >= m;
  const updatesPerEpoch = fullBatch ? 1 : Math.ceil(m / (o.batch_size as number));

  // Collapsing duplicate rows is exact only when every update sums over every row with the same weights.
  const collapse = fullBatch && o.dropout === 0 && tuning.collapse !== false;
  const trainSplit = knownSplit(Xtr, ytr);
  const data = collapse ? (trainSplit.collapsed ??= collapseDuplicates(Xtr, ytr)) : { X: Xtr, y: ytr, weight: new Float64Array(m).fill(1) };
  // The pair of splits, for the losses before any update (StartingPoint.atStart).
  const splits = `${trainSplit.id} ${knownSplit(Xva, yva).id}`;
  const layout = layOut(kernels, {
    o,
    init,
    X: data.X,
    y: data.y,
    weight: data.weight,
    invM: 1 / m,
    batch: fullBatch ? 0 : (o.batch_size as number),
    validation: Xva,
    validationY: yva,
    rng,
  });
  const { net, sched } = layout;
  // TypeScript buffers for scoring between chunks.
  const trainBuf = scoringBuffer('train', dims, m);
  const valBuf = scoringBuffer('validation', dims, Xva.cols);
  const logits = trainBuf.Z[trainBuf.Z.length - 1];
  const es = o.early_stopping;
  const patience = es ? new PatienceTracker(es, net) : undefined;
  const best = patience?.best;
  const adam = o.optimizer === 'adam';

  const curve: CurvePoint[] = resume ? curveOfState(resume) : [];
  const results: CheckpointResult[] = [];
  let next = 0;
  let divergedAt = -1;
  let updates = resume ? resume.iteration : 0;
  let reported = updates;
  let stopped: TrainResult['stopped'];
  const score = checkpointScorer({ Xtr, ytr, Xva, yva, trainBuf, valBuf, hidden, thresholds });
  if (resume) {
    // Continue (as train() does): the state's words go where layOut put the initial ones; the kernels'
    // full-batch pass is recomputed (D_FRESH = 0) and the MT cache rebuilt from the words.
    checkStateFits(resume, { path: 'fast', paramCount: flattenParams(net).length, horizon, lengthShaped: dependsOnLength(o.lr_schedule), firstCheckpoint: checkpoints[0], es, batchRows: fullBatch ? null : m });
    unflattenInto(base64ToF64(resume.params, 'params'), net.W, net.b, 'params');
    const s1 = base64ToF64(resume.s1, 's1');
    const s2 = base64ToF64(resume.s2, 's2');
    if (s1.length) unflattenInto(s1, layout.s1.W, layout.s1.b, 's1');
    if (s2.length) unflattenInto(s2, layout.s2.W, layout.s2.b, 's2');
    const stream = rngStateOf(resume);
    layout.mt.set(stream.mt);
    rng.setState(stream); // keeps numpy's cached normal for the state this training returns
    const words = new Int32Array(kernels.memory.buffer, layout.desc, C.D_LAYER0);
    words[C.D_MTI] = stream.mti;
    if (resume.batches) {
      const order = base64ToU32(resume.batches.order, 'batches.order');
      if (order.length !== m || !(resume.batches.pos < m)) throw new Error('training state: the mini-batch order does not fit these rows');
      layout.order!.set(order);
      words[C.D_POS] = resume.batches.pos;
    }
    if (resume.patience) patience!.importState(resume.patience);
    stopped = resume.stopped ?? undefined;
    if (stopped) {
      const restored = best ? { restored_from: patience!.bestAt } : {};
      for (; next < checkpoints.length; next++) results.push(score(best ?? net, checkpoints[next], { stopped_at: stopped.iteration, stop_reason: 'no_improvement', ...restored }));
    }
  }

  const trajectoryEvery = req.trajectory_every;
  const trajectory: TrajectoryPoint[] | undefined = trajectoryEvery ? [] : undefined;

  for (let k = updates; !stopped; ) {
    // The weights read in place from the kernels' memory; chunks end at every trajectory point (below).
    if (trajectory && k % trajectoryEvery! === 0) trajectory.push({ iteration: k, params: Array.from(flattenParams(net)) });
    const continuing = resume !== undefined && k === resume.iteration;
    const onCurve = !continuing && (k % curveEvery === 0 || k === total);
    const isCheckpoint = checkpoints[next] === k;
    const esCheck = !continuing && es !== null && k > 0 && k % updatesPerEpoch === 0;
    if (onCurve || isCheckpoint || esCheck) {
      let pTrain: Float64Array | undefined;
      let pVal: Float64Array | undefined;
      let valLoss: number;
      let trainLoss = NaN;
      const before = k === 0 && !resume && !isCheckpoint && !esCheck ? start.atStart.get(splits) : undefined;
      if (before) {
        // The curve's first point of a network this thread has scored on these splits before.
        trainLoss = before.train_loss;
        valLoss = before.validation_loss;
      } else if (onCurve || isCheckpoint) {
        pTrain = forward(net, Xtr, trainBuf, hidden); // the model after k updates
        if (!logitsAreFinite(logits)) {
          divergedAt = k;
          break;
        }
        trainLoss = forwardLoss(trainBuf, ytr);
        pVal = forward(net, Xva, valBuf, hidden);
        valLoss = forwardLoss(valBuf, yva);
        if (k === 0 && !resume) start.atStart.set(splits, { train_loss: trainLoss, validation_loss: valLoss });
      } else {
        // An early-stopping check only: the kernels evaluate. With the full batch and no dropout the model's
        // logits on every training row were tested at the end of the last chunk, as the reference tests them.
        const te = layout.trainEval;
        if (te) {
          const s = kernels.evaluate(layout.desc, te.X, te.y, te.mask, te.sp);
          if (!(s - s === 0)) {
            divergedAt = k;
            break;
          }
        }
        const ve = layout.valEval;
        kernels.evaluate(layout.desc, ve.X, ve.y, ve.mask, ve.sp);
        valLoss = meanBinaryCrossEntropyFromLogits(layout.evalLogits(Xva.cols), yva);
      }
      // The check's loss is always the kernels' evaluation, recorded point or not, so that where the curve and
      // the checkpoints fall never moves a decision by a rounding (a continued training then stops where one
      // training would: its previous length was a checkpoint). It equals the recorded loss to a few ulp.
      let checkLoss = valLoss;
      if (esCheck && (onCurve || isCheckpoint)) {
        const ve = layout.valEval;
        kernels.evaluate(layout.desc, ve.X, ve.y, ve.mask, ve.sp);
        checkLoss = meanBinaryCrossEntropyFromLogits(layout.evalLogits(Xva.cols), yva);
      }
      const stop = esCheck && patience!.check(checkLoss, k, net);
      if (stop && !(onCurve || isCheckpoint)) {
        forward(net, Xtr, trainBuf, hidden);
        trainLoss = forwardLoss(trainBuf, ytr);
      }
      if (onCurve || isCheckpoint || stop) curve.push({ iteration: k, train_loss: trainLoss, validation_loss: valLoss });
      if (stop) {
        updates = k;
        const restored = best ? { restored_from: patience!.bestAt } : {};
        stopped = { iteration: k, reason: 'no_improvement', ...restored };
        for (; next < checkpoints.length; next++) {
          results.push(score(best ?? net, checkpoints[next], { stopped_at: k, stop_reason: 'no_improvement', ...restored }));
        }
        break;
      }
      if (isCheckpoint) {
        const restore = patience?.restorable();
        if (restore) {
          // As in train(): restore_best keeps the best check's weights whatever the stop reason.
          results.push(score(restore.model, k, { stopped_at: k, stop_reason: 'max_iterations', restored_from: restore.at }));
        } else {
          results.push({
            iteration: k,
            status: 'done',
            train: scoreThresholds(pTrain!, ytr, thresholds, trainLoss),
            validation: scoreThresholds(pVal!, yva, thresholds, valLoss),
            model: toModelJson(net),
            ...(es ? { stopped_at: k, stop_reason: 'max_iterations' as const } : {}),
          });
        }
        next++;
      }
    }
    if (k === total) break;

    // Run to the next point where something is recorded, checked or reported.
    let stop = Math.min(total, (Math.floor(k / curveEvery) + 1) * curveEvery, checkpoints[next], k + MAX_CHUNK);
    if (es) stop = Math.min(stop, (Math.floor(k / updatesPerEpoch) + 1) * updatesPerEpoch);
    if (onProgress) stop = Math.min(stop, (Math.floor(k / FAST_PROGRESS_EVERY) + 1) * FAST_PROGRESS_EVERY);
    if (trajectoryEvery) stop = Math.min(stop, (Math.floor(k / trajectoryEvery) + 1) * trajectoryEvery);
    const n = stop - k;
    for (let t = 0; t < n; t++) {
      const i = t * C.SCHED_WORDS;
      sched[i] = learningRateAt(o.lr_schedule, o.learning_rate, k + t, horizon);
      // Adam's bias corrections at its step count k + t + 1, as in ../optimizers.ts.
      sched[i + 1] = adam ? 1 - Math.pow(o.beta1, k + t + 1) : 1;
      sched[i + 2] = adam ? 1 - Math.pow(o.beta2, k + t + 1) : 1;
    }
    const done = kernels.run(layout.desc, n, layout.schedPtr);
    if (kernels.status() !== 0) {
      // Diverged at update k + done (see run() in assembly/kernels.ts); the model before it is in prev.
      updates = divergedAt = k + done;
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

  /** The state after the last update, read from the kernels' state words (the module comment). */
  function exportState() {
    const words = new Int32Array(kernels.memory.buffer, layout.desc, C.D_LAYER0);
    const stream = rng.getState(); // its cached normal; the words and their index are the kernels'
    return makeState({
      path: 'fast',
      iteration: updates,
      horizon,
      params: flattenParams(net),
      s1: o.optimizer === 'gd' ? new Float64Array(0) : flattenParams(layout.s1),
      s2: o.optimizer === 'adam' ? flattenParams(layout.s2) : new Float64Array(0),
      rng: { ...stream, mt: layout.mt.slice(), mti: words[C.D_MTI] },
      batches: layout.order ? { order: layout.order.slice(), pos: words[C.D_POS] } : null,
      patience: patience ? patience.exportState() : null,
      stopped,
      curve,
    });
  }

  if (divergedAt < 0) {
    if (patience && !stopped) {
      const restore = patience.restorable();
      stopped = { iteration: updates, reason: 'max_iterations', ...(restore ? { restored_from: restore.at } : {}) };
    }
    return { status: 'done', checkpoints: results, curve, iterations_run: updates, ...(stopped ? { stopped } : {}), ...(req.keep_state ? { state: exportState() } : {}), ...(trajectory ? { trajectory } : {}) };
  }
  for (; next < checkpoints.length; next++) {
    results.push({ iteration: checkpoints[next], status: 'diverged', train: [], validation: [] });
  }
  let lastFinite: number | null = null;
  if (divergedAt > 0) {
    // The model after divergedAt - 1 updates: the parameters saved before the last update.
    forward(layout.prev, Xtr, trainBuf, hidden);
    lastFinite = forwardLoss(trainBuf, ytr);
  }
  return {
    status: 'diverged',
    checkpoints: results,
    curve,
    diverged: { iteration: divergedAt, last_finite_loss: lastFinite },
    iterations_run: updates,
    ...(trajectory ? { trajectory } : {}),
  };
}
