/** Writing one run folder. metrics.json goes last: a run is done only once it says so. */
import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CurvePoint, ModelJson, TrajectoryPoint } from '../train/types.js';
import { jsonText, writeTextAtomicSync } from './atomic.js';
import { curveCsv } from './curve.js';
import { RUN_FILES } from './paths.js';
import type { RunMetricsFile, RunParamsFile, RunTimingFile } from './records.js';
import { predictionsCsv, rocCsv, type Predictions } from './predictions.js';
import { trajectoryCsv } from './trajectory.js';

export interface RunWrite {
  params: RunParamsFile;
  metrics: RunMetricsFile;
  curve?: CurvePoint[];
  model?: ModelJson;
  timing?: RunTimingFile;
  /** Probabilities of the scored rows: written as predictions.csv, with their curves as roc.csv. */
  predictions?: Predictions;
  /** The parameters recorded during training (record.checkpoints_every), up to this run's length: trajectory.csv. */
  trajectory?: TrajectoryPoint[];
  /** Full error text (stack) for failed runs. */
  error?: string;
}

/**
 * A run's files as text, in the order writeRun writes them (metrics.json last), but for predictions.csv and
 * roc.csv, made from `predictions` when written: what a thread hands to the store's writer thread (writer.ts),
 * small strings and the predictions' arrays, cheaper to pass than the run's objects.
 */
export interface RenderedRun {
  folder: string;
  /** [file name, text], metrics.json last. */
  files: [string, string][];
  predictions?: Predictions;
}

/** The files of a run (see RenderedRun). */
export function renderRun(run: RunWrite): RenderedRun {
  const files: [string, string][] = [[RUN_FILES.params, jsonText(run.params)]];
  if (run.curve) files.push([RUN_FILES.curve, curveCsv(run.curve)]);
  if (run.model) files.push([RUN_FILES.model, jsonText(run.model)]);
  if (run.timing) files.push([RUN_FILES.timing, jsonText(run.timing)]);
  if (run.trajectory && run.model) files.push([RUN_FILES.trajectory, trajectoryCsv(run.model.dims, run.trajectory)]);
  if (run.error) files.push([RUN_FILES.error, run.error.endsWith('\n') ? run.error : run.error + '\n']);
  files.push([RUN_FILES.metrics, jsonText(run.metrics)]);
  const predictions = run.predictions;
  return { folder: run.params.folder, files, ...(predictions ? { predictions } : {}) };
}

/**
 * Write a rendered run's folder inside sweepDir: its files in order, predictions.csv and roc.csv before
 * metrics.json (a run is done only once metrics.json says so). A folder written before (a run trained again on
 * resume) loses its old error.txt, trajectory.csv, predictions.csv and roc.csv unless the new write has them.
 * Throws: the file system's error (ENOSPC, EACCES...).
 */
export function writeRendered(sweepDir: string, run: RenderedRun): void {
  const dir = join(sweepDir, run.folder);
  try {
    mkdirSync(dir); // not recursive: the sweep folder exists, and a recursive mkdir stats every parent
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // A folder trained again (resume after an interruption, a failure or damage): its old error.txt, or a
    // trajectory.csv of an experiment recording one, must not stay beside the new files, so the folder equals
    // one written in a single pass.
    for (const stale of [RUN_FILES.error, RUN_FILES.trajectory, ...(run.predictions ? [] : [RUN_FILES.predictions, RUN_FILES.roc])]) {
      if (run.files.some(([name]) => name === stale)) continue;
      try {
        unlinkSync(join(dir, stale));
      } catch (u) {
        if ((u as NodeJS.ErrnoException).code !== 'ENOENT') throw u;
      }
    }
  }
  const last = run.files.length - 1;
  run.files.forEach(([name, text], i) => {
    if (i === last && run.predictions) {
      writeTextAtomicSync(join(dir, RUN_FILES.predictions), predictionsCsv(run.predictions));
      writeTextAtomicSync(join(dir, RUN_FILES.roc), rocCsv(run.predictions));
    }
    writeTextAtomicSync(join(dir, name), text);
  });
}

/**
 * Write a run's folder inside sweepDir (writeRendered): params, curve, model, timing, trajectory, error,
 * predictions and roc, then metrics.
 * Synchronous on purpose: a handful of small files whose syscalls are cheaper done at once than queued on
 * libuv's thread pool (recording overhead decides how many tiny runs a second a sweep can take).
 * Throws: the file system's error (ENOSPC, EACCES...).
 */
export function writeRun(sweepDir: string, run: RunWrite): void {
  writeRendered(sweepDir, renderRun(run));
}
