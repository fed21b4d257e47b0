/** Writing one run folder. metrics.json goes last: a run is done only once it says so. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CurvePoint, ModelJson, TrajectoryPoint } from '../train/types.js';
import { writeJsonAtomicSync, writeTextAtomicSync } from './atomic.js';
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
 * Write a run's folder inside sweepDir: params, curve, model, timing, predictions and roc, trajectory, error, then metrics.
 * Synchronous on purpose: a handful of small files whose syscalls are cheaper done at once than queued on
 * libuv's thread pool (recording overhead decides how many tiny runs a second a sweep can take).
 * Throws: the file system's error (ENOSPC, EACCES...).
 */
export function writeRun(sweepDir: string, run: RunWrite): void {
  const dir = join(sweepDir, run.params.folder);
  try {
    mkdirSync(dir); // not recursive: the sweep folder exists, and a recursive mkdir stats every parent
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  writeJsonAtomicSync(join(dir, RUN_FILES.params), run.params);
  if (run.curve) writeTextAtomicSync(join(dir, RUN_FILES.curve), curveCsv(run.curve));
  if (run.model) writeJsonAtomicSync(join(dir, RUN_FILES.model), run.model);
  if (run.timing) writeJsonAtomicSync(join(dir, RUN_FILES.timing), run.timing);
  if (run.predictions) {
    writeTextAtomicSync(join(dir, RUN_FILES.predictions), predictionsCsv(run.predictions));
    writeTextAtomicSync(join(dir, RUN_FILES.roc), rocCsv(run.predictions));
  }
  if (run.trajectory && run.model) writeTextAtomicSync(join(dir, RUN_FILES.trajectory), trajectoryCsv(run.model.dims, run.trajectory));
  if (run.error) writeTextAtomicSync(join(dir, RUN_FILES.error), run.error.endsWith('\n') ? run.error : run.error + '\n');
  writeJsonAtomicSync(join(dir, RUN_FILES.metrics), run.metrics);
}
