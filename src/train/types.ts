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
  /**
   * Further training options (activation, optimizer, lr_schedule, l2, dropout, batch_size, early_stopping...)
   * by their experiment-file names; absent ones take their defaults (TrainingOptions, options.ts).
   */
  [option: string]: unknown;
}

/** Activations available for hidden layers (the output layer is always sigmoid). */
export type HiddenActivationName = 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid';

/** Update rules (see optimizers.ts for the formulas and their sources). */
export type OptimizerName = 'gd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';

/**
 * A learning-rate schedule, as written in the experiment file (`lr_schedule`), with every field filled.
 * Rates are multiples of the base `learning_rate` or absolute rates (min/max_learning_rate); t counts updates.
 * Formulas and sources in schedules.ts.
 */
export type LrSchedule =
  | { kind: 'constant' }
  | { kind: 'step'; drop: number; every: number }
  | { kind: 'exponential'; decay_rate: number }
  | { kind: 'inverse_time'; decay_rate: number }
  | { kind: 'cosine'; min_learning_rate: number }
  | { kind: 'sgdr'; period: number; multiplier: number; min_learning_rate: number }
  | { kind: 'one_cycle'; max_learning_rate: number; warmup_fraction: number; min_learning_rate: number };

/** Early stopping on the validation loss (`early_stopping`), every field filled. */
export interface EarlyStopping {
  /** Checks (one per epoch) without an improvement larger than min_delta before the training stops; >= 1. */
  patience: number;
  /** Smallest decrease of the validation loss (nats) that counts as an improvement; >= 0. */
  min_delta: number;
  /** Keep the weights of the best check instead of the last ones, whether stopped early or at the iteration limit. */
  restore_best: boolean;
}

/** Why a training stopped: it ran all its updates, or early stopping ran out of patience. */
export type StopReason = 'max_iterations' | 'no_improvement';

/**
 * Every training option, resolved (defaults filled in) and checked; see options.ts.
 * Field names are the experiment file's.
 */
export interface TrainingOptions {
  hidden_sizes: number[];
  init: InitName;
  learning_rate: number;
  seed: number;
  activation: HiddenActivationName;
  leaky_relu_slope: number;
  optimizer: OptimizerName;
  /** μ of momentum and nesterov, in [0, 1). */
  momentum: number;
  /** β1, β2 of adam, in [0, 1). */
  beta1: number;
  beta2: number;
  /** ρ of rmsprop, in [0, 1). */
  rho: number;
  /** ε of adagrad, rmsprop and adam, > 0. */
  epsilon: number;
  lr_schedule: LrSchedule;
  /** λ of the L2 penalty (λ/2) Σ ||W||² on the weights, >= 0. */
  l2: number;
  dropout: number;
  /** null: full batch. */
  batch_size: number | null;
  early_stopping: EarlyStopping | null;
}

/** Dense network parameters: W[l] is [dims[l+1] x dims[l]] row-major, b[l] is [dims[l+1]]. */
export interface NetworkParams {
  dims: number[];
  W: Float64Array[];
  b: Float64Array[];
  /** Activation of the hidden layers; 'relu' when absent. */
  hidden_activation?: HiddenActivationName;
  /** Slope of leaky_relu for z < 0; LEAKY_RELU_SLOPE (0.01) when absent. Ignored by other activations. */
  leaky_relu_slope?: number;
}

/** Serializable form of a trained model (model.json). */
export interface ModelJson {
  dims: number[];
  hidden_activation: string;
  /** Present for leaky_relu only: its slope for z < 0. */
  leaky_relu_slope?: number;
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
/**
 * The training engine: `auto` (the WebAssembly fast path for what it implements exactly, the TypeScript
 * engine otherwise), `fast` (the fast path only; fails what it does not implement), `ts` (the TypeScript
 * engine, the reference). See src/train/fast/train-fast.ts.
 */
export const ENGINE_MODES = ['auto', 'fast', 'ts'] as const;
export type EngineMode = (typeof ENGINE_MODES)[number];

export interface TrainRequest {
  config: TrainingConfig;
  /** Which engine trains (part of the run's identity, chosen once by the caller). Default: auto. */
  engine?: EngineMode;
  /** Ascending, distinct iteration counts (updates) at which a snapshot is scored; the last is the training's length. */
  checkpoints: number[];
  /** Decision thresholds at which every snapshot is scored (positive when p > threshold). */
  thresholds: number[];
  /** Interval, in updates, between curve points (the loss of the model after k updates, k = 0, every, 2*every, ...). */
  curve_every: number;
  /**
   * Interval, in updates, between recorded parameter vectors (TrainResult.trajectory: the model after k updates,
   * k = 0, every, 2*every, ...). Absent: none recorded. Changes no other number of the result.
   */
  trajectory_every?: number;
  train: SplitData;
  validation: SplitData;
  /**
   * The update count the learning-rate schedule is shaped for (cosine, one_cycle): a training towards a
   * longer length, stopped at its last checkpoint. Default: the last checkpoint; never below it.
   */
  horizon?: number;
  /** Return the training's state after its last update in TrainResult.state (see state.ts). Default: false. */
  keep_state?: boolean;
  /**
   * Continue from this state (from a training of the same config, data, engine path and horizon that ran fewer
   * updates than the first checkpoint) instead of from the initial weights.
   */
  resume?: TrainingState;
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
  /** Trainings with early stopping only: the updates run for this snapshot, and why the training ended there. */
  stopped_at?: number;
  stop_reason?: StopReason;
  /** Early stopping with restore_best: the update count of the best check, whose weights were kept (whatever the stop reason). */
  restored_from?: number;
}

/** What a training returns. */
export interface TrainResult {
  status: 'done' | 'diverged';
  checkpoints: CheckpointResult[];
  /** Loss curve up to the last update run (at multiples of curve_every, at every checkpoint, at an early stop and at the final update). */
  curve: CurvePoint[];
  /** Set when the loss became NaN or infinite: the update at which it happened and the last finite training loss. */
  diverged?: { iteration: number; last_finite_loss: number | null };
  /** Updates actually run. */
  iterations_run: number;
  /** Trainings with early stopping only: where and why the training ended. */
  stopped?: { iteration: number; reason: StopReason; restored_from?: number };
  /** With keep_state, when the training did not diverge: its state after its last update (plain JSON data). */
  state?: TrainingState;
  /** Requests with trajectory_every only: the parameters after k updates at k = 0, every, 2*every, ... up to the last update run. */
  trajectory?: TrajectoryPoint[];
}

/**
 * The parameters of the model after `iteration` updates, flattened (flattenParams in state.ts): W1 row-major,
 * b1, W2, b2, ... Plain numbers, so that the point crosses threads and the queue as data.
 */
export interface TrajectoryPoint {
  iteration: number;
  params: number[];
}

/** A training's state, to continue it later (see state.ts for what it holds and how). JSON-ready: strings are base64 (little-endian). */
export interface TrainingState {
  format: number;
  /** The engine path that trained it: a state is continued on the same path, so that bytes stay equal. */
  path: 'ts' | 'fast';
  /** Updates run so far. */
  iteration: number;
  /** The update count the learning-rate schedule is shaped for (cosine, one_cycle). */
  horizon: number;
  /** Float64 W1 b1 W2 b2 ... */
  params: string;
  /** The update rule's first and second states (same layout as params), "" when the rule has none. */
  s1: string;
  s2: string;
  /** MT19937: 624 uint32 words, the index of the next one, numpy's cached normal (float64) or null. */
  rng: { mt: string; mti: number; gauss: string | null };
  /** Mini-batches: the epoch's row order (uint32 [m]) and the rows of the epoch used; null for the full batch. */
  batches: { order: string; pos: number } | null;
  /** Early stopping's bookkeeping; null without early stopping. best_loss is a float64 (Infinity before any check). */
  patience: { best_loss: string; best_at: number; wait: number; best: string | null } | null;
  /** Set when early stopping ended the training (it goes no further). */
  stopped: { iteration: number; reason: StopReason; restored_from?: number } | null;
  /** The curve so far: float64 triples (iteration, train loss, validation loss). */
  curve: string;
}
