/**
 * One training: a dense network (relu/leaky_relu/tanh/sigmoid hidden layers, sigmoid output, mean binary
 * cross-entropy) trained by an update rule (optimizers.ts) at a scheduled rate (schedules.ts), with optional
 * L2, dropout, mini-batches (batches.ts) and early stopping, scored at checkpoints. The defaults are the
 * study's: full-batch gradient descent at a constant rate.
 *
 * Pure computation (no I/O, no clock, no Math.random): the result depends only on the request.
 */

import { getActivation } from './activations.js';
import { MiniBatches } from './batches.js';
import { initialNetwork } from './init.js';
import { logitsAreFinite, meanBinaryCrossEntropyFromLogits } from './loss.js';
import { checkpointScorer } from './checkpoint.js';
import { scoreThresholds } from './metrics.js';
import {
  allocateForward,
  backward,
  cloneParams,
  copyParamsInto,
  drawDropoutMasks,
  forward,
  forwardLoss,
  fromModelJson,
  toModelJson,
} from './network.js';
import { createOptimizer } from './optimizers.js';
import { OPTION_KEYS, resolveOptions } from './options.js';
import { dependsOnLength, learningRateAt } from './schedules.js';
import { trainFast } from './fast/train-fast.js';
import { ENGINE_MODES } from './types.js';
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
  TrajectoryPoint,
} from './types.js';
import { PatienceTracker } from './early-stopping.js';
import { base64ToF64, base64ToU32, checkStateFits, curveOfState, flattenParams, makeState, rngStateOf, unflattenInto, validateState } from './state.js';

/**
 * TrainingConfig keys this engine understands (options.ts: the four required ones, then activation,
 * leaky_relu_slope, optimizer, momentum, beta1, beta2, epsilon, rho, lr_schedule, l2, dropout, batch_size,
 * early_stopping). Any other key is rejected rather than silently ignored.
 */
export const SUPPORTED_CONFIG_KEYS: readonly string[] = OPTION_KEYS;

/** onProgress is called after every PROGRESS_EVERY updates (and after the last one). */
export const PROGRESS_EVERY = 100;

/**
 * Trains the network described by `req.config` on `req.train` and scores it at every checkpoint.
 *
 * Shapes: train.X: [features x m_train], validation.X: [features x m_val], y: [samples] of 0/1.
 * Network: dims = [features, ...hidden_sizes, 1], hidden activation config.activation ('relu' by default),
 * sigmoid output, mean binary cross-entropy (nats); weights from config.init drawn with Rng(config.seed)
 * (numpy-compatible), biases zero. Every option omitted from the config takes its default (options.ts).
 * Update k + 1 (k = 0, 1, ...): the batch's gradient (dropout masks applied), plus l2 W for weights, through
 * config.optimizer with rate learningRateAt(lr_schedule, learning_rate, k, total), total = checkpoints[last].
 * Draws from the run's stream, in this order: the weights, then for each update the epoch's shuffle
 * (mini-batches only, at the first update of each epoch) and the update's dropout masks (dropout only). The
 * defaults draw nothing after the weights.
 * Runs checkpoints[last] updates. "At k" means "the model after k updates", always evaluated on every row of
 * both splits without dropout:
 * - curve: (train loss, validation loss) at k = 0, curve_every, 2*curve_every, ..., at every checkpoint (so
 *   that a run of a shorter length sharing this training has its own last point) and at the last k;
 *   losses are the mean BCE without the L2 term, so runs with and without l2 compare directly;
 * - checkpoints: metrics on both splits at every threshold (positive when p > threshold), plus the model.
 * Early stopping (config.early_stopping): at the end of every epoch (every update with the full batch;
 * ceil(m_train / batch_size) updates otherwise) the validation loss is checked; an improvement is a loss
 * below the best so far minus min_delta; after `patience` checks in a row without one the training stops
 * (Prechelt 1998, "Early stopping - but when?"; the rule of Keras's EarlyStopping callback). The checkpoints
 * not reached yet are then scored with the final model: the best check's weights when restore_best, else
 * the last ones. With restore_best, a checkpoint reached before any stop (the iteration limit) is likewise
 * scored with the weights of the best check so far, when there was one: restore_best restores whatever the
 * stop reason. Every checkpoint records stopped_at and stop_reason ('no_improvement', or 'max_iterations'
 * when its count was reached first), and restored_from when the best weights were restored; the result
 * records `stopped`. The curve ends at the stop (curve points are always the current weights' losses).
 * Divergence: after every update the parameters and the output logits are checked (a cheap stand-in
 * for the loss, which is finite exactly when they are, barring overflow of the sum, also caught); when
 * one becomes NaN or ±Infinity after update k the training stops with status 'diverged', diverged =
 * { iteration: k, last_finite_loss: training loss after k - 1 updates (null if k = 0) }; checkpoints
 * before k keep status 'done', later ones get 'diverged' with empty metrics and no model; the curve
 * keeps only points before k. (With mini-batches or dropout the logits checked are the batch's.)
 * onProgress(k) is called every PROGRESS_EVERY updates and after the last update run.
 * Trajectory (req.trajectory_every = N only): the parameters after k updates (flattenParams) at k = 0, N, 2N, ...
 * up to the last update run; recorded from the weights in place, so nothing else of the result changes.
 * Length: the schedule is shaped for req.horizon updates (default the last checkpoint): a training towards
 * a longer length, stopped at its last checkpoint. State (state.ts): with keep_state a training that did not
 * diverge returns its state after its last update; with resume it continues from such a state (the earlier
 * training's last update evaluated nothing twice: its curve point, check and checkpoint are in the state),
 * and returns for its checkpoints exactly what one training with both trainings' checkpoints returns.
 * Throws: Error with a clear message for an invalid request (see validateRequest), or a state that does not
 * fit the training (checkStateFits).
 */
export function train(req: TrainRequest, onProgress?: (iteration: number) => void): TrainResult {
  validateRequest(req);
  const fast = trainFast(req, onProgress); // the WebAssembly path when it supports the request exactly
  if (fast) return fast;
  const { checkpoints, thresholds, curve_every: curveEvery } = req;
  const o = resolveOptions(req.config);
  const Xtr = req.train.X;
  const ytr = req.train.y;
  const Xva = req.validation.X;
  const yva = req.validation.y;
  const total = checkpoints[checkpoints.length - 1];
  const horizon = req.horizon ?? total;
  const { net, hidden, dims, rng } = initialNetwork(o, Xtr.rows);

  // All buffers and optimizer state are allocated here; the update loop below allocates nothing except at
  // curve points and checkpoints.
  const batches = new MiniBatches(Xtr, ytr, o.batch_size, dims, o.dropout);
  // Full batch without dropout: the update's forward pass over the training rows is also the evaluation of
  // the model on them (the study's loop: one forward pass per update). Otherwise evaluation has its own.
  const shared = batches.fullBatch && o.dropout === 0;
  const trainBuf = shared ? batches.full.fwd : allocateForward(dims, Xtr.cols);
  const valBuf = allocateForward(dims, Xva.cols);
  const optimizer = createOptimizer(o, net);
  const es = o.early_stopping;
  const patience = es ? new PatienceTracker(es, net) : undefined;
  const best = patience?.best;
  // Not shared: the model after k - 1 updates, to report the last finite loss if update k diverges.
  const previous = shared ? undefined : cloneParams(net);

  const resume = req.resume;
  const curve: CurvePoint[] = resume ? curveOfState(resume) : [];
  const results: CheckpointResult[] = [];
  let next = 0; // index of the next checkpoint to score
  let divergedAt = -1;
  let updates = resume ? resume.iteration : 0;
  let reported = updates;
  let stopped: TrainResult['stopped'];
  if (resume) {
    // Continue: everything the earlier training evaluated at its last update (curve point, early-stopping
    // check, checkpoint) is in the state, so the loop below starts at that update without evaluating.
    checkStateFits(resume, { path: 'ts', paramCount: flattenParams(net).length, horizon, lengthShaped: dependsOnLength(o.lr_schedule), firstCheckpoint: checkpoints[0], es, batchRows: batches.fullBatch ? null : Xtr.cols });
    unflattenInto(base64ToF64(resume.params, 'params'), net.W, net.b, 'params');
    optimizer.importState(resume.iteration, base64ToF64(resume.s1, 's1'), base64ToF64(resume.s2, 's2'));
    rng.setState(rngStateOf(resume));
    if (resume.batches) batches.importState(base64ToU32(resume.batches.order, 'batches.order'), resume.batches.pos);
    if (resume.patience) patience!.importState(resume.patience);
    stopped = resume.stopped ?? undefined;
  }
  const score = checkpointScorer({ Xtr, ytr, Xva, yva, trainBuf, valBuf, hidden, thresholds });
  if (stopped) {
    // Early stopping had ended the training: the later checkpoints take its final model, as in the loop.
    const restored = best ? { restored_from: patience!.bestAt } : {};
    for (; next < checkpoints.length; next++) results.push(score(best ?? net, checkpoints[next], { stopped_at: stopped.iteration, stop_reason: 'no_improvement', ...restored }));
  }
  // The training loss costs an exp and a log per sample, so it is computed only where it is recorded.
  // Divergence is caught every update from the logits (and, in the optimizer, the parameters); when shared,
  // the logits of the last finite model are kept so its loss can still be reported.
  const logits = trainBuf.Z[trainBuf.Z.length - 1];
  const lastFiniteLogits = new Float64Array(shared ? logits.length : 0);
  const trajectoryEvery = req.trajectory_every;
  const trajectory: TrajectoryPoint[] | undefined = trajectoryEvery ? [] : undefined;

  for (let k = updates; !stopped; k++) {
    if (trajectory && k % trajectoryEvery! === 0) trajectory.push({ iteration: k, params: Array.from(flattenParams(net)) });
    let pTrain: Float64Array | undefined;
    if (shared) {
      pTrain = forward(net, Xtr, trainBuf, hidden); // the model after k updates
      if (!logitsAreFinite(logits)) {
        divergedAt = k;
        break;
      }
    }

    const continuing = resume !== undefined && k === resume.iteration;
    const onCurve = !continuing && (k % curveEvery === 0 || k === total);
    const isCheckpoint = checkpoints[next] === k;
    const esCheck = !continuing && es !== null && k > 0 && k % batches.updatesPerEpoch === 0;
    if (onCurve || isCheckpoint || esCheck) {
      if (!shared) {
        pTrain = forward(net, Xtr, trainBuf, hidden);
        if (!logitsAreFinite(logits)) {
          divergedAt = k;
          break;
        }
      }
      const pVal = forward(net, Xva, valBuf, hidden);
      const valLoss = forwardLoss(valBuf, yva);
      const stop = esCheck && patience!.check(valLoss, k, net);
      const trainLoss = onCurve || isCheckpoint || stop ? forwardLoss(trainBuf, ytr) : NaN;
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
          // The iteration limit ends this snapshot: restore_best keeps the best check's weights whatever the
          // stop reason (Keras 3's EarlyStopping does the same at the end of training).
          results.push(score(restore.model, k, { stopped_at: k, stop_reason: 'max_iterations', restored_from: restore.at }));
          // score() reused the training buffers; the update below needs this model's forward pass.
          if (shared) forward(net, Xtr, trainBuf, hidden);
        } else {
          results.push({
            iteration: k,
            status: 'done',
            train: scoreThresholds(pTrain!, ytr, thresholds, trainLoss),
            validation: scoreThresholds(pVal, yva, thresholds, valLoss),
            model: toModelJson(net),
            ...(es ? { stopped_at: k, stop_reason: 'max_iterations' as const } : {}),
          });
        }
        next++;
      }
    }
    if (k === total) break;

    const batch = batches.next(rng); // mini-batches: reshuffles at the start of each epoch
    if (batch.dropout) drawDropoutMasks(batch.dropout, rng);
    if (shared) {
      lastFiniteLogits.set(logits);
    } else {
      forward(net, batch.X, batch.fwd, hidden, batch.dropout);
      if (!logitsAreFinite(batch.fwd.Z[batch.fwd.Z.length - 1])) {
        divergedAt = k;
        break;
      }
      copyParamsInto(net, previous!);
    }
    backward(net, batch.X, batch.y, batch.fwd, batch.grads, hidden, batch.dropout);
    const finite = optimizer.step(net, batch.grads, learningRateAt(o.lr_schedule, o.learning_rate, k, horizon));
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
    if (patience && !stopped) {
      const restore = patience.restorable();
      stopped = { iteration: updates, reason: 'max_iterations', ...(restore ? { restored_from: restore.at } : {}) };
    }
    const state = req.keep_state
      ? makeState({
          path: 'ts',
          iteration: updates,
          horizon,
          params: flattenParams(net),
          ...optimizer.exportState(),
          rng: rng.getState(),
          batches: batches.exportState(),
          patience: patience ? patience.exportState() : null,
          stopped,
          curve,
        })
      : undefined;
    return { status: 'done', checkpoints: results, curve, iterations_run: updates, ...(stopped ? { stopped } : {}), ...(state ? { state } : {}), ...(trajectory ? { trajectory } : {}) };
  }
  for (; next < checkpoints.length; next++) {
    results.push({ iteration: checkpoints[next], status: 'diverged', train: [], validation: [] });
  }
  let lastFinite: number | null = null;
  if (divergedAt > 0) {
    if (shared) {
      lastFinite = meanBinaryCrossEntropyFromLogits(lastFiniteLogits, ytr);
    } else {
      forward(previous!, Xtr, trainBuf, hidden);
      lastFinite = forwardLoss(trainBuf, ytr);
    }
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

/**
 * Probabilities of class 1 for the samples of X under a trained model (for re-prediction).
 *
 * Shapes: X: [dims[0] x m] feature-major; returns [m], each in [0, 1].
 * Accepts model.json (ModelJson) or NetworkParams (hidden activation 'relu' when absent).
 * Throws: Error if the model is malformed or X's row count is not the model's input size.
 */
export function predictProba(model: ModelJson | NetworkParams, X: Matrix): Float64Array {
  const net = isModelJson(model) ? fromModelJson(model) : model;
  const hidden = getActivation(net.hidden_activation, net.leaky_relu_slope);
  if (X.rows !== net.dims[0]) {
    throw new Error(`predictProba: X has ${X.rows} feature rows, the model expects ${net.dims[0]}`);
  }
  assertMatrix(X, 'predictProba: X');
  const buf = allocateForward(net.dims, X.cols);
  return forward(net, X, buf, hidden).slice();
}

function isModelJson(model: ModelJson | NetworkParams): model is ModelJson {
  return model.W.length > 0 && Array.isArray(model.W[0]);
}

/**
 * Checks a TrainRequest before any work is done, so a bad run fails fast with a readable reason.
 * Throws: Error naming the first problem found: an invalid config (see resolveOptions in options.ts: unknown
 * key, hidden size not a positive integer, unknown init/activation/optimizer, an option out of range, a bad
 * lr_schedule or early_stopping), checkpoints empty / not integers >= 0 / not strictly ascending, thresholds
 * not finite, curve_every not a positive integer, an unknown engine, an empty split, mismatched shapes, non-finite features,
 * labels not 0/1.
 */
export function validateRequest(req: TrainRequest): void {
  resolveOptions(req.config);
  if (req.engine !== undefined && !(ENGINE_MODES as readonly string[]).includes(req.engine)) {
    throw new Error(`train: engine must be ${ENGINE_MODES.join(', ')}, got ${JSON.stringify(req.engine)}`);
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
  const last = checkpoints[checkpoints.length - 1];
  if (req.horizon !== undefined && (!Number.isInteger(req.horizon) || req.horizon < last)) {
    throw new Error(`train: horizon must be an integer >= the last checkpoint (${last}), got ${String(req.horizon)}`);
  }
  if (req.resume !== undefined) validateState(req.resume);
  if (req.trajectory_every !== undefined && (!Number.isInteger(req.trajectory_every) || req.trajectory_every < 1)) {
    throw new Error(`train: trajectory_every must be an integer >= 1, got ${String(req.trajectory_every)}`);
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
