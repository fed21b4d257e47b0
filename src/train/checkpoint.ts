/**
 * Scoring a model where a training records a checkpoint, the same for both engines: the loss and the
 * classification metrics at every threshold, on the training and on the validation rows; and scoring a
 * recorded model on the test rows (scoreModel), outside any training.
 */
import type { Activation } from './activations.js';
import { scoreThresholds } from './metrics.js';
import { getActivation } from './activations.js';
import { allocateForward, forward, forwardLoss, fromModelJson, toModelJson, type ForwardBuffers } from './network.js';
import type { CheckpointResult, ClassificationMetrics, Matrix, ModelJson, NetworkParams, SplitData } from './types.js';

/** The rows and scratch buffers a scorer reuses. X: [features x samples]; y: [samples], 0 or 1. */
export interface ScoringRows {
  Xtr: Matrix;
  ytr: Float64Array;
  Xva: Matrix;
  yva: Float64Array;
  /** Forward buffers sized for Xtr and Xva (allocateForward). */
  trainBuf: ForwardBuffers;
  valBuf: ForwardBuffers;
  hidden: Activation;
  thresholds: readonly number[];
}

/**
 * A function that scores `model` at update `iteration` (evaluation mode: no dropout), with `extra` fields
 * (such as a stop reason) merged into the result. Overwrites the forward buffers.
 * Throws: as scoreThresholds.
 */
export function checkpointScorer(r: ScoringRows): (model: NetworkParams, iteration: number, extra: Partial<CheckpointResult>) => CheckpointResult {
  return (model, iteration, extra) => {
    const pT = forward(model, r.Xtr, r.trainBuf, r.hidden);
    const lT = forwardLoss(r.trainBuf, r.ytr);
    const pV = forward(model, r.Xva, r.valBuf, r.hidden);
    const lV = forwardLoss(r.valBuf, r.yva);
    return {
      iteration,
      status: 'done',
      train: scoreThresholds(pT, r.ytr, r.thresholds, lT),
      validation: scoreThresholds(pV, r.yva, r.thresholds, lV),
      model: toModelJson(model),
      ...extra,
    };
  };
}

/**
 * Score a recorded model on rows no training or choice has seen (the test split): the loss (mean BCE from
 * the output logits, as checkpoints compute it) and the classification metrics at each threshold. The same
 * TypeScript arithmetic whichever engine trained the model, so test figures of the two engines differ only
 * as their models do.
 * Shapes: data.X: [features x samples], data.y: [samples] of 0/1; returns one entry per threshold.
 * Throws: Error when the model's input size differs from data.X's feature count; as scoreThresholds.
 */
export function scoreModel(model: ModelJson, data: SplitData, thresholds: readonly number[]): ClassificationMetrics[] {
  const net = fromModelJson(model);
  if (data.X.rows !== net.dims[0]) throw new Error(`scoreModel: the rows have ${data.X.rows} features, the model expects ${net.dims[0]}`);
  const buf = allocateForward(net.dims, data.X.cols);
  const p = forward(net, data.X, buf, getActivation(net.hidden_activation, net.leaky_relu_slope));
  return scoreThresholds(p, data.y, thresholds, forwardLoss(buf, data.y));
}
