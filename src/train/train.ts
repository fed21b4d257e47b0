/**
 * One training: full-batch gradient descent on a dense ReLU/sigmoid network, scored at checkpoints.
 *
 * Pure computation (no I/O, no clock, no Math.random): the result depends only on the request.
 */

import { getActivation } from './activations.js';
import { assertInitName, initializeParams } from './init.js';
import { meanBinaryCrossEntropyFromLogits } from './loss.js';
import { scoreThresholds } from './metrics.js';
import {
  allocateForward,
  allocateGradients,
  backward,
  forward,
  forwardLoss,
  fromModelJson,
  gradientStep,
  toModelJson,
} from './network.js';
import { Rng } from './rng.js';
import type {
  CheckpointResult,
  CurvePoint,
  Matrix,
  ModelJson,
  NetworkParams,
  SplitData,
  TrainRequest,
  TrainResult,
  TrainingConfig,
} from './types.js';

/** TrainingConfig keys this engine understands. Any other key is rejected rather than silently ignored. */
export const SUPPORTED_CONFIG_KEYS: readonly string[] = [
  'hidden_sizes',
  'init',
  'learning_rate',
  'seed',
  'hidden_activation',
];

/** onProgress is called after every PROGRESS_EVERY updates (and after the last one). */
export const PROGRESS_EVERY = 100;

/**
 * Trains the network described by `req.config` on `req.train` and scores it at every checkpoint.
 *
 * Shapes: train.X: [features x m_train], validation.X: [features x m_val], y: [samples] of 0/1.
 * Network: dims = [features, ...hidden_sizes, 1], hidden activation config.hidden_activation ('relu' by
 * default), sigmoid output, mean binary cross-entropy (nats); weights from config.init drawn with
 * Rng(config.seed) (numpy-compatible), biases zero; W -= learning_rate * dW each update.
 * Runs checkpoints[last] updates. "At k" means "the model after k updates":
 * - curve: (train loss, validation loss) at k = 0, curve_every, 2*curve_every, ... and at the last k;
 * - checkpoints: metrics on both splits at every threshold (positive when p > threshold), plus the model.
 * Divergence: after every update the parameters and the output logits are checked (a cheap stand-in
 * for the loss, which is finite exactly when they are, barring overflow of the sum, also caught); when
 * one becomes NaN or ±Infinity after update k the training stops with status 'diverged', diverged =
 * { iteration: k, last_finite_loss: training loss after k - 1 updates (null if k = 0) }; checkpoints
 * before k keep status 'done', later ones get 'diverged' with empty metrics and no model; the curve
 * keeps only points before k.
 * onProgress(k) is called every PROGRESS_EVERY updates and after the last update run.
 * Throws: Error with a clear message for an invalid request (see validateRequest).
 */
export function train(req: TrainRequest, onProgress?: (iteration: number) => void): TrainResult {
  validateRequest(req);
  const { config, checkpoints, thresholds, curve_every: curveEvery } = req;
  const Xtr = req.train.X;
  const ytr = req.train.y;
  const Xva = req.validation.X;
  const yva = req.validation.y;
  const hidden = getActivation(config.hidden_activation);
  const dims = [Xtr.rows, ...config.hidden_sizes, 1];
  const lr = config.learning_rate;
  const total = checkpoints[checkpoints.length - 1];

  const net: NetworkParams = initializeParams(dims, config.init, new Rng(config.seed));
  net.hidden_activation = hidden.name;

  // All buffers allocated once; the update loop below allocates nothing except at curve points/checkpoints.
  const trainBuf = allocateForward(dims, Xtr.cols);
  const grads = allocateGradients(dims, Xtr.cols);
  const valBuf = allocateForward(dims, Xva.cols);

  const curve: CurvePoint[] = [];
  const results: CheckpointResult[] = [];
  let next = 0; // index of the next checkpoint to score
  let divergedAt = -1;
  let updates = 0;
  let reported = 0;
  // The training loss costs an exp and a log per sample, so it is computed only where it is recorded.
  // Divergence is caught every update from the logits (and, in gradientStep, the parameters); the
  // logits of the last finite model are kept so its loss can still be reported.
  const logits = trainBuf.Z[trainBuf.Z.length - 1];
  const lastFiniteLogits = new Float64Array(logits.length);

  for (let k = 0; ; k++) {
    const pTrain = forward(net, Xtr, trainBuf, hidden); // the model after k updates
    if (!logitsAreFinite(logits)) {
      divergedAt = k;
      break;
    }

    const onCurve = k % curveEvery === 0 || k === total;
    const isCheckpoint = checkpoints[next] === k;
    if (onCurve || isCheckpoint) {
      const trainLoss = forwardLoss(trainBuf, ytr);
      const pVal = forward(net, Xva, valBuf, hidden);
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

    lastFiniteLogits.set(logits);
    backward(net, Xtr, ytr, trainBuf, grads, hidden);
    const finite = gradientStep(net, grads, lr);
    updates = k + 1;
    if (!finite) {
      divergedAt = updates;
      break;
    }
    if (onProgress && updates % PROGRESS_EVERY === 0) {
      onProgress(updates);
      reported = updates;
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
      last_finite_loss: divergedAt === 0 ? null : meanBinaryCrossEntropyFromLogits(lastFiniteLogits, ytr),
    },
    iterations_run: updates,
  };
}

/**
 * Probabilities of class 1 for the samples of X under a trained model (for re-prediction).
 *
 * Shapes: X: [dims[0] x m] feature-major; returns [m], each in [0, 1].
 * Accepts model.json (ModelJson) or NetworkParams (hidden activation 'relu' when absent).
 * Throws: Error if the model is malformed or X's row count is not the model's input size.
 */
export function predictProba(model: ModelJson | NetworkParams, X: Matrix): Float64Array {
  const net = isModelJson(model) ? fromModelJson(model) : model;
  const hidden = getActivation(net.hidden_activation);
  if (X.rows !== net.dims[0]) {
    throw new Error(`predictProba: X has ${X.rows} feature rows, the model expects ${net.dims[0]}`);
  }
  assertMatrix(X, 'predictProba: X');
  const buf = allocateForward(net.dims, X.cols);
  return forward(net, X, buf, hidden).slice();
}

/**
 * True when every logit is finite and their absolute sum is too, which also guarantees a finite loss
 * (each sample's loss is at most |z| + log 2). One add per sample: cheap enough to run every update.
 */
function logitsAreFinite(z: Float64Array): boolean {
  let sum = 0;
  for (let j = 0; j < z.length; j++) sum += Math.abs(z[j]);
  return sum - sum === 0; // NaN for NaN or ±Infinity
}

function isModelJson(model: ModelJson | NetworkParams): model is ModelJson {
  return model.W.length > 0 && Array.isArray(model.W[0]);
}

/**
 * Checks a TrainRequest before any work is done, so a bad run fails fast with a readable reason.
 * Throws: Error naming the first problem found: unknown config key, hidden size not a positive
 * integer, unknown init or hidden_activation, learning_rate not finite or negative, seed outside
 * [0, 2^32 - 1], checkpoints empty / not integers >= 0 / not strictly ascending, thresholds not finite,
 * curve_every not a positive integer, an empty split, mismatched shapes, non-finite features, labels not 0/1.
 */
export function validateRequest(req: TrainRequest): void {
  const c: TrainingConfig = req.config;
  if (c === null || typeof c !== 'object') throw new Error('train: config is missing');
  for (const key of Object.keys(c)) {
    if (!SUPPORTED_CONFIG_KEYS.includes(key)) {
      throw new Error(
        `train: unsupported training option "${key}"; supported: ${SUPPORTED_CONFIG_KEYS.join(', ')}`,
      );
    }
  }
  if (!Array.isArray(c.hidden_sizes)) throw new Error('train: hidden_sizes must be an array of layer sizes');
  c.hidden_sizes.forEach((h, i) => {
    if (!Number.isInteger(h) || h < 1) {
      throw new Error(`train: hidden_sizes[${i}] must be an integer >= 1, got ${String(h)}`);
    }
  });
  assertInitName(c.init);
  if (c.hidden_activation !== undefined) getActivation(c.hidden_activation); // throws, naming the valid ones
  if (typeof c.learning_rate !== 'number' || !Number.isFinite(c.learning_rate) || c.learning_rate < 0) {
    throw new Error(`train: learning_rate must be a finite number >= 0, got ${String(c.learning_rate)}`);
  }
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) {
    throw new Error(`train: seed must be an integer in [0, 4294967295], got ${String(c.seed)}`);
  }

  const { checkpoints, thresholds } = req;
  if (!Array.isArray(checkpoints) || checkpoints.length === 0) {
    throw new Error('train: checkpoints must list at least one iteration count');
  }
  checkpoints.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 0) {
      throw new Error(`train: checkpoints[${i}] must be an integer >= 0, got ${String(k)}`);
    }
    if (i > 0 && k <= checkpoints[i - 1]) {
      throw new Error(`train: checkpoints must be strictly ascending, got [${checkpoints.join(', ')}]`);
    }
  });
  if (!Array.isArray(thresholds) || !thresholds.every((t) => typeof t === 'number' && Number.isFinite(t))) {
    throw new Error('train: thresholds must be an array of finite numbers');
  }
  if (!Number.isInteger(req.curve_every) || req.curve_every < 1) {
    throw new Error(`train: curve_every must be an integer >= 1, got ${String(req.curve_every)}`);
  }

  assertSplit(req.train, 'train');
  assertSplit(req.validation, 'validation');
  if (req.validation.X.rows !== req.train.X.rows) {
    throw new Error(
      `train: validation has ${req.validation.X.rows} features, train has ${req.train.X.rows}`,
    );
  }
}

/** Throws unless X is a well-formed matrix of finite numbers; `name` prefixes the message. */
function assertMatrix(X: Matrix, name: string): void {
  if (!X || !(X.data instanceof Float64Array)) throw new Error(`${name}.data must be a Float64Array`);
  if (!Number.isInteger(X.rows) || !Number.isInteger(X.cols) || X.data.length !== X.rows * X.cols) {
    throw new Error(`${name} is ${X.rows} x ${X.cols} but holds ${X.data.length} values`);
  }
  for (let i = 0; i < X.data.length; i++) {
    if (!Number.isFinite(X.data[i])) {
      throw new Error(`${name} has a non-finite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
    }
  }
}

function assertSplit(split: SplitData, name: string): void {
  if (!split || !split.X || !split.y) throw new Error(`train: the ${name} split is missing`);
  assertMatrix(split.X, `train: ${name}.X`);
  if (split.X.rows < 1) throw new Error(`train: the ${name} split has no features`);
  if (split.X.cols < 1) throw new Error(`train: the ${name} split is empty (no samples)`);
  if (split.y.length !== split.X.cols) {
    throw new Error(`train: ${name} has ${split.X.cols} samples in X but ${split.y.length} labels`);
  }
  for (let j = 0; j < split.y.length; j++) {
    if (split.y[j] !== 0 && split.y[j] !== 1) {
      throw new Error(`train: ${name} label ${j} is ${split.y[j]}, expected 0 or 1`);
    }
  }
}
