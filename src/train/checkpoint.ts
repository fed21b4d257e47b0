/**
 * Scoring a model where a training records a checkpoint, the same for both engines: the loss and the
 * classification metrics at every threshold, on the training and on the validation rows.
 */
import type { Activation } from './activations.js';
import { scoreThresholds } from './metrics.js';
import { forward, forwardLoss, toModelJson, type ForwardBuffers } from './network.js';
import type { CheckpointResult, Matrix, NetworkParams } from './types.js';

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
