/**
 * The recorder: turns outcomes (src/execute/executor.ts) into run folders. It is the only writer of run
 * folders, whichever executor produced the outcome (local threads or a queue's workers), so a run is
 * recorded the same way, and exactly once, wherever it was trained.
 *
 *   outcome done        -> each run of the training: assembleRun (src/sweep/assemble.ts) and its
 *                          predictions (predictionsFor), then writeRun
 *   outcome failed      -> each run: status failed, the one-line reason, error.txt with the detail
 *   outcome interrupted -> each run: status interrupted (retrained on resume)
 *   outcome cancelled   -> nothing (the training never started)
 */
import { join } from 'node:path';
import type { Outcome } from '../execute/executor.js';
import { assembleRun, predictionsFor } from '../sweep/assemble.js';
import type { CurvePoint, SplitData, TrainResult, TrajectoryPoint } from '../train/types.js';
import type { Predictions } from './predictions.js';
import type { PendingTraining } from '../sweep/pending.js';
import type { Plan, PlannedRun } from '../sweep/plan.js';
import type { FittedPreprocessing } from '../datasets/types.js';
import type { ModelJson } from '../train/types.js';
import { ENGINE_VERSION } from '../train/version.js';
import { toolVersion } from './provenance.js';
import type { RunModelFile, RunParamsFile, RunStatus } from './records.js';
import { storedRunOf, type StoredRun } from './read-runs.js';
import { checkRunFiles } from './integrity.js';
import { curveAsRead } from './curve.js';
import { writeRun, type RunWrite } from './write-run.js';

/** What the recorder reports as it writes. */
export interface RecorderEvents {
  /** A run was recorded. */
  runRecorded?(run: PlannedRun, status: RunStatus): void;
  /**
   * A training ended (all folds), after its runs were recorded: updates is what it actually ran over its
   * folds (less than its length times folds when early stopping ended it; 0 when it failed).
   */
  trainingFinished?(training: number, updates: number, ms: number): void;
}

/** A run as a reader finds its folder once written: the run as readRunFolder reads it, its loss curve as readCurve does. */
export interface RecordedFolder {
  run: StoredRun;
  curve: CurvePoint[];
}

export class Recorder {
  /** Runs recorded so far, by status. */
  readonly counts: Record<RunStatus, number> = { done: 0, diverged: 0, failed: 0, interrupted: 0 };
  /** Failed runs: folder and one-line reason. */
  readonly failures: { folder: string; error: string }[] = [];
  private readonly pending = new Map<number, PendingTraining>();
  /** With hold(): the writes of the runs recorded since the last flush, in recording order (see write). */
  private held?: ((writeFolder: (write: RunWrite) => void) => void)[];
  /** With hold(): each run recorded, by folder, as its files will hold it (see recordedRun). */
  private readonly kept = new Map<string, () => RunWrite>();
  /** See onWritten. */
  private written?: (folder: string, recorded: RecordedFolder) => void;

  /**
   * sweepDir: the open sweep's folder (see openSweep in sweeps.ts); plan: its plan; pending: the trainings
   * whose outcomes will be recorded (pendingTrainings in src/sweep/pending.ts); folds: folds per training;
   * curveEvery: the experiment's curve_every (each run's curve.csv keeps the points of its own length);
   * preprocessing: the first fold's fitted preprocessing, recorded in each model.json (whose network is the
   * first fold's) so that the run can predict on its own;
   * validation: each fold's validation rows (and test rows, with a test split), to store each run's
   * predictions (predictions.csv, roc.csv; none without them) and score its model on the test rows.
   */
  constructor(
    private readonly sweepDir: string,
    private readonly plan: Plan,
    pending: readonly PendingTraining[],
    private readonly folds: number,
    private readonly curveEvery: number,
    private readonly events: RecorderEvents = {},
    private readonly preprocessing?: FittedPreprocessing,
    private readonly validation?: readonly { validation: SplitData; test?: SplitData }[],
  ) {
    for (const p of pending) this.pending.set(p.training, p);
  }

  /**
   * Record the outcome of training `training` (an index into plan.trainings that was pending). A training
   * is recorded once: a second outcome for it is ignored.
   * Throws: Error for a training that was not pending (a caller bug); the file system's error (ENOSPC,
   * EACCES...), after which the runs already written stay complete.
   */
  record(training: number, outcome: Outcome): void {
    const p = this.pending.get(training);
    if (!p) throw new Error(`training ${training} is not pending in this sweep`);
    if (outcome.status === 'cancelled') return;
    this.pending.delete(training);
    if (outcome.status === 'failed') {
      for (const run of p.runs) this.closeRun(run, 'failed', outcome.error, outcome.detail);
      this.events.trainingFinished?.(training, 0, outcome.training_ms);
      return;
    }
    if (outcome.status === 'interrupted') {
      for (const run of p.runs) this.closeRun(run, 'interrupted', 'interrupted before the training finished');
      return;
    }
    const finishedAt = new Date().toISOString();
    // Runs that differ only in threshold share their predictions: one forward pass per iteration count,
    // made when the first of them is written (held writes: off the path to the next batch).
    const predictions = new Map<number, Predictions | undefined>();
    const validation = this.validation;
    const predictionsAt = (iterations: number): Predictions | undefined => {
      if (!validation) return undefined;
      if (!predictions.has(iterations)) predictions.set(iterations, predictionsFor(outcome.results, iterations, validation));
      return predictions.get(iterations);
    };
    for (const run of p.runs) {
      const rec = assembleRun(run, outcome.results, p.thresholds, this.curveEvery, this.validation?.map((f) => f.test));
      const iterations = run.params.iterations as number;
      this.write(run, () => ({
        params: this.paramsFile(run),
        metrics: rec.metrics,
        curve: rec.curve,
        model: rec.model && this.modelFile(run, rec.model),
        // A getter: made when written (or asked for by recordedRun), not when recorded.
        get predictions() {
          return rec.metrics.status === 'done' ? predictionsAt(iterations) : undefined;
        },
        trajectory: rec.model && trajectoryOf(outcome.results[0], iterations),
        timing: { training_ms: Math.round(outcome.training_ms), shared_by: this.plan.trainings[training].runs.length, finished_at: finishedAt },
      }));
    }
    this.events.trainingFinished?.(training, outcome.results.reduce((n, r) => n + r.iterations_run, 0), outcome.training_ms);
  }

  /**
   * Hold the writes of the runs recorded from now on until flush(). A search decides its next batch from
   * the runs' records in memory (recordedRun) and writes their folders while that batch trains; it writes
   * search.json, which names them, only after the flush. Without hold() every run is written as recorded.
   */
  hold(): void {
    this.held ??= [];
  }

  /**
   * Write the held runs' folders, in recording order (each folder as writeRun writes it: metrics.json last),
   * here or by `writeFolder` (which hands the write to the store's writer thread, writer.ts); the runs are
   * counted as recorded once handed over.
   * Throws: the file system's error (ENOSPC, EACCES...); the runs written before it stay complete, the
   * others are dropped (a resumed sweep trains them again).
   */
  flush(writeFolder: (write: RunWrite) => void = this.writeHere): void {
    const held = this.held;
    if (!held) return;
    this.held = [];
    for (const write of held) write(writeFolder);
  }

  /**
   * As flush(), one run at a time, awaiting `between` after each (a turn of the event loop: a pool thread
   * that finished a training then gets its next one at once, instead of after every folder of the batch).
   * Runs recorded meanwhile wait for the next flush.
   * Throws (rejects): as flush().
   */
  async flushEach(writeFolder: (write: RunWrite) => void, between: () => Promise<void>): Promise<void> {
    const held = this.held;
    if (!held) return;
    this.held = [];
    for (const write of held) {
      write(writeFolder);
      await between();
    }
  }

  /**
   * A run recorded by this recorder (with hold()), as readRun reads it once its folder is written: the
   * same parameters, metrics and timing (through JSON, as its files hold them, checked as a reader checks
   * them: integrity.ts checkRunFiles), no annotations, and its predictions when `withPredictions` (of the
   * flat metrics, only the ROC AUC's interval needs them).
   * Undefined for a run this recorder did not record.
   */
  recordedRun(folder: string, withPredictions = false): StoredRun | undefined {
    const w = this.kept.get(folder)?.();
    return w && this.runAsRead(folder, w, withPredictions);
  }

  /**
   * A run recorded by this recorder (with hold()) as a reader finds its folder once written, without reading
   * it: the run as readRunFolder reads it (recordedRun, with its predictions; no annotations) and its loss
   * curve as readCurve reads it (curve.ts curveAsRead; [] without one). Undefined for a run this recorder did
   * not record.
   */
  recordedFolder(folder: string): RecordedFolder | undefined {
    const w = this.kept.get(folder)?.();
    return w && this.folderAsRead(folder, w);
  }

  /**
   * Without hold(): hand `hook` each run this recorder writes from now on, once written, as recordedFolder
   * gives it (so that a grid's report rows are made from the records in memory, not read back); a run whose
   * write failed is not handed. `hook` must not throw.
   */
  onWritten(hook: (folder: string, recorded: RecordedFolder) => void): void {
    this.written = hook;
  }

  private folderAsRead(folder: string, w: RunWrite): RecordedFolder {
    return { run: this.runAsRead(folder, w, true), curve: curveAsRead(w.curve ?? []) };
  }

  private runAsRead(folder: string, w: RunWrite, withPredictions: boolean): StoredRun {
    const json = <T>(v: T): { value: T } => ({ value: JSON.parse(JSON.stringify(v)) as T });
    const checked = checkRunFiles(folder, json(w.params), json(w.metrics), w.timing ? json(w.timing) : { missing: true });
    // Numbers as predictions.csv writes them (String, which reads back to the same number).
    return storedRunOf(this.sweepDir, folder, checked, { annotations: { tags: [] } }, withPredictions ? w.predictions : undefined);
  }

  /** model.json: what produced the network, the run's threshold and preprocessing, then the network. */
  private modelFile(run: PlannedRun, network: ModelJson): ModelJson | RunModelFile {
    if (!this.preprocessing) return network;
    return {
      format: 'dlsweep-model',
      format_version: 1,
      dlsweep_version: toolVersion(),
      engine_version: ENGINE_VERSION,
      engine: this.plan.engine,
      threshold: run.params.threshold as number,
      preprocessing: this.preprocessing,
      ...network,
    };
  }

  private paramsFile(run: PlannedRun): RunParamsFile {
    return runParamsFile(this.plan, run);
  }

  private closeRun(run: PlannedRun, status: 'failed' | 'interrupted', error: string, detail?: string): void {
    this.write(run, () => ({
      params: this.paramsFile(run),
      metrics: { status, run_id: run.id, iterations: run.params.iterations as number, threshold: run.params.threshold as number, error },
      error: detail ?? error,
    }));
  }

  /** Write a run's folder on this thread (writeRun): what write and flush do unless told otherwise. */
  private readonly writeHere = (write: RunWrite): void => writeRun(this.sweepDir, write);

  /** Write a run's folder now, or when flushed (hold); `build` makes its files' content. */
  private write(run: PlannedRun, build: () => RunWrite): void {
    let built: RunWrite | undefined;
    const content = () => (built ??= build());
    const now = (writeFolder: (write: RunWrite) => void = this.writeHere): void => {
      const write = content();
      writeFolder(write);
      const status = write.metrics.status;
      this.counts[status]++;
      if (status === 'failed') this.failures.push({ folder: run.folder, error: write.metrics.error ?? 'failed' });
      this.events.runRecorded?.(run, status);
    };
    if (!this.held) {
      now();
      this.written?.(run.folder, this.folderAsRead(run.folder, content()));
      return;
    }
    this.kept.set(run.folder, content);
    this.held.push(now);
  }
}

/** params.json of a planned run: its identity, place in the sweep, training and parameters. */
export function runParamsFile(plan: Plan, run: PlannedRun): RunParamsFile {
  return {
    run_id: run.id,
    index: run.index,
    folder: run.folder,
    training_key: plan.trainings[run.training].key,
    params: run.params,
    spellings: run.spellings,
    ...(run.search ? { search: run.search } : {}),
  };
}

/**
 * The first fold's trajectory (the fold whose network model.json holds) as far as a run of `iterations`
 * updates went: points up to its length, or up to where early stopping ended it. Undefined when not recorded.
 */
function trajectoryOf(result: TrainResult, iterations: number): TrajectoryPoint[] | undefined {
  if (!result.trajectory) return undefined;
  const end = result.checkpoints.find((c) => c.iteration === iterations)?.stopped_at ?? iterations;
  return result.trajectory.filter((p) => p.iteration <= end);
}
