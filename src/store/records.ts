/** The JSON files of a sweep folder, as types. Field names are the files' names. */
import type { ObjectiveSetting } from '../sweep/objective.js';
import type { ClassificationMetrics, EngineMode, ModelJson, StopReason } from '../train/types.js';
import type { ParamValue } from '../experiment/types.js';
import type { FittedPreprocessing } from '../datasets/types.js';

/** A run's state: done and diverged are results; failed and interrupted are retrained on resume. */
export type RunStatus = 'done' | 'diverged' | 'failed' | 'interrupted';

/** params.json */
export interface RunParamsFile {
  run_id: string;
  /** 0-based position in grid order. */
  index: number;
  folder: string;
  /** Identity of the training that produced this run (shared by runs that differ only in threshold or iterations). */
  training_key: string;
  params: Record<string, ParamValue>;
  /** The user's spelling of the axis values. */
  spellings: Record<string, string>;
  /**
   * Runs of a search: the trial (0-based, in draw order), its Hyperband bracket and the rung of this run; with
   * `horizon`, the run is its training towards that many updates stopped at its own length (halving with a
   * schedule or early stopping shaped by the length).
   */
  search?: { trial: number; bracket: number; rung: number; horizon?: number };
  /**
   * A run copied from an earlier sweep of the experiment instead of trained (same run_id): that sweep
   * (EXPERIMENT/SWEEP_ID) and run folder. Its metrics.json, curve, model and predictions are the source's.
   */
  reused_from?: { sweep: string; run: string };
}

/** Metrics of one fold (k-fold) or of the single split. */
export interface SplitMetrics {
  train: ClassificationMetrics;
  validation: ClassificationMetrics;
  /** With a test split: this fold's model on the test rows. */
  test?: ClassificationMetrics;
  /** Early stopping only: this fold's stop (see RunMetricsFile.stopped_at). */
  stopped_at?: number;
  stop_reason?: StopReason;
  restored_from?: number;
}

/** metrics.json: written last; deterministic (no wall-clock values), so equal settings give equal bytes. */
export interface RunMetricsFile {
  status: RunStatus;
  run_id: string;
  iterations: number;
  threshold: number;
  /** Metrics of the run (for k-fold: each number is the mean over folds). Absent unless done. */
  train?: ClassificationMetrics;
  validation?: ClassificationMetrics;
  /**
   * With a test split only (absent otherwise, so records without one keep their bytes): the run's model on
   * the test rows, never read by any choice (k-fold: the mean over the folds' models, each on the same
   * outer test rows; confusion counts summed over folds).
   */
  test?: ClassificationMetrics;
  /**
   * k-fold only: per-fold metrics; the sample standard deviation (n - 1) of each number over folds (null
   * below two folds or when pooled); the number of folds each mean is over; the metrics undefined in some
   * fold and computed instead from the confusion counts summed over folds.
   */
  folds?: SplitMetrics[];
  std?: { train: Record<string, number | null>; validation: Record<string, number | null>; test?: Record<string, number | null> };
  n?: { train: Record<string, number>; validation: Record<string, number>; test?: Record<string, number> };
  pooled?: { train: string[]; validation: string[]; test?: string[] };
  /**
   * Runs with early stopping: the updates run (k-fold: the mean over folds), why the training ended
   * (no_improvement: early stopping ran out of patience; max_iterations: it ran all its updates; k-fold:
   * `mixed` when the folds differ; each fold's own values are in `folds`), and, when the best weights were
   * restored, the update count they come from (single split only).
   */
  stopped_at?: number;
  stop_reason?: StopReason | 'mixed';
  restored_from?: number;
  /** Diverged runs: the update at which the loss became NaN or infinite, and the last finite training loss. */
  diverged?: { iteration: number; last_finite_loss: number | null };
  /** Failed or interrupted runs: a one-line reason (details in error.txt). */
  error?: string;
}

/** timing.json */
export interface RunTimingFile {
  /** Wall time of the training that produced this run (shared trainings report the whole training). */
  training_ms: number;
  /** Runs that share that training. */
  shared_by: number;
  finished_at: string;
}

/**
 * model.json: the network (dims, activations, W, b: see ModelJson) and everything needed to predict with it:
 * the preprocessing fitted at training (for k-fold: the first fold's, whose network this is), the run's
 * decision threshold, and what produced it. Runs recorded before format_version 1 hold the network only.
 */
export interface RunModelFile extends ModelJson {
  format: 'dlsweep-model';
  format_version: 1;
  /** Predict positive when p > threshold. */
  threshold: number;
  preprocessing: FittedPreprocessing;
  dlsweep_version: string;
  engine_version: string;
  engine: EngineMode;
}

export type SweepStatus = 'running' | 'done' | 'failed' | 'interrupted';

/** sweep.json */
export interface SweepFile {
  id: string;
  experiment: string;
  /** The experiment file's description and tags, when it has them (tags added later: annotations.json). */
  description?: string;
  tags?: string[];
  status: SweepStatus;
  started_at: string;
  ended_at: string | null;
  dlsweep_version: string;
  engine_version: string;
  /** The training engine chosen for the sweep (--engine); absent in sweeps recorded before it was an input. */
  engine?: EngineMode;
  node_version: string;
  git_commit: string | null;
  dataset: { name: string | null; sha256: string; fingerprint: string };
  grid_size: number;
  trainings: number;
  shared: boolean;
  plan_hash: string;
  /** damaged: run folders whose files cannot be trusted (present only when some are). */
  counts: { done: number; diverged: number; failed: number; interrupted: number; pending: number; damaged?: number };
  /**
   * The best finished run when the counts were last rebuilt (in compare's default order: the objective, ties
   * by the lower run number) and its values of the objective's metrics; null when none finished. Absent in sweeps
   * recorded before it was kept. Readers that must be current (ls, compare) read the runs themselves; the
   * ui server answers from it until it has read them.
   */
  best?: { run: string; metrics: Record<string, number | null> } | null;
  /** Resumes of this sweep, with their start times. */
  resumed_at: string[];
  /** Why the sweep stopped, when it failed. */
  error?: string;
  /**
   * Updates planned (trainings' lengths x folds, once more for each --extend that trains a training again:
   * recorded-updates.ts plannedGridUpdates; for a search, the most it can train), and those the recorded
   * runs account for (recorded-updates.ts: each training once, counted from the run folders, so the same after
   * any kill and resume as uninterrupted; it may lag the run folders until the sweep ends).
   */
  planned_updates?: number;
  updates_trained?: number;
  /** A search: its method (grid sweeps have none); details in search.json. */
  search?: { method: string; trials: number };
  /**
   * The spans of time a process worked on the sweep, oldest first: the first run, then each resume or
   * extension that had something to do; the last span's ended_at is null while it runs (or after its process
   * died: it then ended when the sweep was last seen working). The sweep's duration is their sum, without the
   * idle time between them. Absent in sweeps recorded before it was kept: their duration is ended_at - started_at.
   */
  active?: ActiveSpan[];
  /** Each time the grid was widened (dlsweep run FILE --extend SWEEP), oldest first; absent when never. */
  extensions?: SweepExtension[];
  /**
   * What "best" means for this sweep (sweep/objective.ts): the experiment's objective, or the default.
   * Absent in sweeps recorded before objectives were declared: read as the default (recordedObjective).
   */
  objective?: ObjectiveSetting;
}

/** One span of time a process worked on a sweep (ISO 8601 times). */
export interface ActiveSpan {
  started_at: string;
  ended_at: string | null;
}

/** One widening of a sweep's grid (see src/sweep/extend.ts). */
export interface SweepExtension {
  /** When the extension started. */
  at: string;
  /** The experiment file as given for it, kept in the sweep folder (experiment.extend-N.yaml). */
  file: string;
  /** Parameter -> the values it gained, as written in the file. */
  added: Record<string, string[]>;
  /** The runs it added: `runs` runs from folder number `first_run` (1-based) on. */
  first_run: number;
  runs: number;
}
