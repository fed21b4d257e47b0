/**
 * Types shared by the training engine, the worker pool and the store.
 * Everything here is plain data that can cross a worker_threads boundary (structured clone).
 */

/** Weight initialization schemes, named as Keras / PyTorch name them. */
export type InitName =
  | 'lecun_normal'
  | 'lecun_uniform'
  | 'he_normal'
  | 'he_uniform'
  | 'glorot_normal'
  | 'glorot_uniform'
  | 'small_normal'
  | 'zeros';

/**
 * A dense matrix stored row-major: element (i, j) is data[i * cols + j].
 * Data matrices are feature-major: X is [features x samples].
 */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** One split of a dataset. X: [features x samples]; y: [samples] with values 0 or 1. */
export interface SplitData {
  X: Matrix;
  y: Float64Array;
}

/**
 * Everything that determines a training's numbers (and therefore its identity),
 * apart from the data and the iteration count. Keys are the experiment file's names.
 */
export interface TrainingConfig {
  /** Sizes of the hidden layers, e.g. [15]. Input and output sizes come from the data. */
  hidden_sizes: number[];
  init: InitName;
  /** Step size of gradient descent (dimensionless). */
  learning_rate: number;
  /** Seed of the run's MT19937 stream (numpy-compatible: seed 1 gives np.random.seed(1)'s stream). */
  seed: number;
  /** Further training options (optimizer, schedule, regularization...) by their experiment-file names. */
  [option: string]: unknown;
}

/** Activations available for hidden layers (the output layer is always sigmoid). */
export type HiddenActivationName = 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid';

/** Dense network parameters: W[l] is [dims[l+1] x dims[l]] row-major, b[l] is [dims[l+1]]. */
export interface NetworkParams {
  dims: number[];
  W: Float64Array[];
  b: Float64Array[];
  /** Activation of the hidden layers; 'relu' when absent. */
  hidden_activation?: HiddenActivationName;
}

/** Serializable form of a trained model (model.json). */
export interface ModelJson {
  dims: number[];
  hidden_activation: string;
  output_activation: 'sigmoid';
  /** W[l] as nested arrays [out][in]. */
  W: number[][][];
  /** b[l] as arrays [out]. */
  b: number[][];
}

/** Binary classification metrics at one decision threshold (positive when p > threshold). */
export interface ClassificationMetrics {
  threshold: number;
  loss: number;
  accuracy: number;
  /** null when undefined (no positive prediction). */
  precision: number | null;
  /** null when undefined (no positive example). Also called sensitivity. */
  recall: number | null;
  /** null when undefined (no negative example). */
  specificity: number | null;
  /** null when precision or recall is undefined, or both are 0. */
  f1: number | null;
  /** Threshold-free; null when only one class is present. */
  roc_auc: number | null;
  /** Accuracy of always predicting the majority class of this split. */
  baseline_accuracy: number;
  confusion: { tn: number; fp: number; fn: number; tp: number };
  samples: number;
}

/** One row of curve.csv. */
export interface CurvePoint {
  iteration: number;
  train_loss: number;
  validation_loss: number;
}

/** What a worker is asked to train. Thresholds and iteration counts share one training. */
export interface TrainRequest {
  config: TrainingConfig;
  /** Ascending, distinct iteration counts (updates) at which a snapshot is scored; the last is the training's length. */
  checkpoints: number[];
  /** Decision thresholds at which every snapshot is scored (positive when p > threshold). */
  thresholds: number[];
  /** Interval, in updates, between curve points (the loss of the model after k updates, k = 0, every, 2*every, ...). */
  curve_every: number;
  train: SplitData;
  validation: SplitData;
}

/** Scores of one snapshot of a training. */
export interface CheckpointResult {
  /** The requested iteration count this snapshot stands for. */
  iteration: number;
  status: 'done' | 'diverged';
  /** Per threshold, in the order of TrainRequest.thresholds; empty when diverged. */
  train: ClassificationMetrics[];
  validation: ClassificationMetrics[];
  /** Absent when diverged. */
  model?: ModelJson;
}

/** What a training returns. */
export interface TrainResult {
  status: 'done' | 'diverged';
  checkpoints: CheckpointResult[];
  /** Loss curve up to the last update run (at multiples of curve_every, plus the final update). */
  curve: CurvePoint[];
  /** Set when the loss became NaN or infinite: the update at which it happened and the last finite training loss. */
  diverged?: { iteration: number; last_finite_loss: number | null };
  /** Updates actually run. */
  iterations_run: number;
}
