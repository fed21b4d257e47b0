/**
 * The executor seam: where a training runs. The planner (src/sweep/) decides what to train, a search
 * method (or the grid, which trains everything) decides when, an executor decides where and how, and the
 * recorder (src/store/recorder.ts) writes what comes back. An executor never writes files.
 *
 *   order (one training: request + data) --execute--> outcome (fold results, or a failure)
 *
 * Implementations: the local Piscina pool (./local.ts, the default), and the queue executor (BullMQ jobs on
 * Redis, ./queue/). Both retry a training whose worker died, cancel on an AbortSignal and report progress
 * through the hooks of each call. A caller may submit one order at a time, a batch, or a whole plan
 * (./dispatch.ts keeps `capacity` orders in flight); outcomes are independent of submission and completion
 * order, since every number a training produces is determined by its order.
 */
import type { PreparedFold } from '../datasets/index.js';
import type { EngineMode, TrainResult, TrainingConfig } from '../train/types.js';
import type { TrainingState } from '../train/state.js';

/** The data a training runs on: the dataset's folds, named by their fingerprint (a queue ships them once per fingerprint). */
export interface TrainingData {
  /** The dataset's identity (file sha256 plus preprocessing): equal fingerprints mean equal folds. */
  fingerprint: string;
  folds: PreparedFold[];
}

/**
 * One training to run on every fold of its data: a TrainRequest (src/train/types.ts) without the split
 * arrays, plus the data. Everything that determines the outcome is in here.
 */
export interface TrainingOrder {
  /** A label for progress events and for the caller (the plan's training index). */
  training: number;
  /** The training's identity (Plan.trainings[i].key). */
  key: string;
  config: TrainingConfig;
  /** Ascending iteration counts at which the training is scored; the last is its length. */
  checkpoints: number[];
  /** Decision thresholds at which every checkpoint is scored. */
  thresholds: number[];
  curve_every: number;
  /** Record the parameters every this many updates (TrainRequest.trajectory_every); absent: none. */
  trajectory_every?: number;
  engine: EngineMode;
  data: TrainingData;
  /** The length a length-shaped schedule is shaped for (TrainRequest.horizon); absent: the last checkpoint. */
  horizon?: number;
  /** Each fold's result carries its training state (TrainResult.state), to be continued later. */
  keep_state?: boolean;
  /**
   * Continue each fold from its state (one per fold, in fold order) instead of from the initial weights.
   * States are plain JSON data (src/train/state.ts), so an order with them can travel in a job payload.
   */
  resume?: TrainingState[];
}

/**
 * What came of an order:
 * - done: one result per fold (a diverged training is a result, not a failure);
 * - failed: the training threw (or its worker died twice): `error` is one line, `detail` the stack;
 * - interrupted: cancelled after it started;
 * - cancelled: cancelled before any of it started (nothing to record).
 * training_ms: wall time spent on its folds, summed.
 */
export type Outcome =
  | { status: 'done'; results: TrainResult[]; training_ms: number }
  | { status: 'failed'; error: string; detail?: string; training_ms: number }
  | { status: 'interrupted'; training_ms: number }
  | { status: 'cancelled'; training_ms: 0 };

/** Progress of one order, for progress bars and logs. */
export interface ExecuteHooks {
  /** The order's first fold was handed to a worker. */
  onStart?(): void;
  /** A fold reports its update count (long trainings only, throttled). */
  onProgress?(fold: number, iteration: number): void;
}

export interface ExecuteOptions {
  /** Aborting cancels the order: `interrupted` once started, `cancelled` before. */
  signal?: AbortSignal;
  hooks?: ExecuteHooks;
}

export interface Executor {
  /** Orders to keep in flight so that every worker stays busy (./dispatch.ts submits up to this many). */
  readonly capacity: number;
  /** Trainings it runs at once in this process's threads (the local pool); undefined when they run elsewhere. */
  readonly threads?: number;
  /**
   * Run one order. Resolves to its outcome, whatever happened to the training.
   * Throws (rejects): only when the executor itself cannot go on (its pool broke, its queue is unreachable);
   * the caller stops the sweep then.
   */
  execute(order: TrainingOrder, options?: ExecuteOptions): Promise<Outcome>;
  /** Workers that died and were replaced so far (their trainings were retried). */
  readonly workerDeaths: number;
  /** Stop the workers; outcomes still pending resolve as interrupted. */
  close(): Promise<void>;
}
