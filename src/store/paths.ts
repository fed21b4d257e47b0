/**
 * The run-folder layout, in one place:
 *
 *   <runs-dir>/<experiment>/<sweep-id>/          one sweep
 *     experiment.yaml   the experiment file as launched
 *     experiment.extend-N.yaml  the file as given for the Nth widening of the grid (run --extend); the
 *                       sweep's current experiment is the last one sweep.json's extensions name
 *     sweep.json        id, times, status, provenance, counts and best run (rebuilt from the run folders)
 *     sweep.json.damaged  a damaged sweep.json as it was, kept when run --resume --repair rebuilt it
 *     dataset.txt       what preprocessing did: rows read, dropped, class counts per split
 *     data.json         the data trained on, described: counts, per-feature statistics, histograms by class
 *     search.json       searches only: method, settings, rungs, batches with their decisions and outcomes, each trial
 *     states/           halving/asha/hyperband while running: <key16>-<updates>.json, the training state (weights,
 *                       update rule, stream, row order, early stopping, curve) of each configuration that may
 *                       still be promoted, one per fold (search-states.ts); a file goes once its configuration
 *                       is stopped or has moved to the next rung, the folder when the search finishes
 *     results.csv       one row per run (rebuilt from the run folders)
 *     table.md          the comparison table (rebuilt from the run folders)
 *     annotations.json  tags and a note added with dlsweep tag/note (never part of the results)
 *     landscapes.json   record.landscape only: the runs whose loss landscapes the sweep computed at its end
 *     .lock/            held by the process running the sweep
 *     <NNNN-hash8>/     one run per grid point
 *       params.json     identity and resolved parameters
 *       curve.csv       iteration, train_loss, validation_loss
 *       model.json      dims and weights at this run's iteration count
 *       timing.json     wall-clock durations (kept out of metrics.json so that file is reproducible)
 *       predictions.csv split, fold, row, label, probability of every validation row, then of every test
 *                       row with a test split (predictions.ts)
 *       roc.csv         ROC and precision-recall points at every distinct threshold (predictions.ts)
 *       trajectory.csv  record.checkpoints_every only: the parameters every N updates (trajectory.ts)
 *       landscape-*.csv dlsweep landscape and record.landscape: a, b, loss, accuracy (landscape.ts), with
 *       landscape-*.svg   its chart (and landscape-*-trajectory.csv, the projected path, for pca directions)
 *       error.txt       failed runs: the error
 *       metrics.json    status and metrics; written last: a run is done when it says status "done"
 *       annotations.json  tags and a note added with dlsweep tag/note
 *
 *   <runs-dir>/<experiment>/lr-find-<id>/        one learning-rate range test (dlsweep lr-find), not a sweep:
 *     curve.csv, lr-find.json, lr-find.svg      id as a sweep id, of the time it was made; ls lists these
 *                                               folders, rm and gc remove them (sweep-folders.ts lrFindsUnder)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Tags and a note of a sweep or a run (see annotations.ts); the same name in both folders. */
export const ANNOTATIONS_FILE = 'annotations.json';

export const SWEEP_FILES = {
  experiment: 'experiment.yaml',
  sweep: 'sweep.json',
  dataset: 'dataset.txt',
  results: 'results.csv',
  table: 'table.md',
  report: 'report.html',
  annotations: ANNOTATIONS_FILE,
  search: 'search.json',
  states: 'states',
  landscapes: 'landscapes.json',
  data: 'data.json',
  lock: '.lock',
} as const;

export const RUN_FILES = {
  params: 'params.json',
  curve: 'curve.csv',
  model: 'model.json',
  timing: 'timing.json',
  error: 'error.txt',
  predictions: 'predictions.csv',
  roc: 'roc.csv',
  trajectory: 'trajectory.csv',
  metrics: 'metrics.json',
  annotations: ANNOTATIONS_FILE,
} as const;

/** Run folder names: a zero-padded 1-based index, a dash, 8 hex digits of the run identity. */
export const RUN_FOLDER_PATTERN = /^\d{4,}-[0-9a-f]{8}$/;

/** The 1-based number of a run folder (0007-69ee89a6 -> 7; 10000-3fa2c1d0 -> 10000). */
export function runFolderNumber(folder: string): number {
  return Number(folder.slice(0, folder.indexOf('-')));
}

/**
 * Order of run folders: by number, then by name. Not by name alone: numbers are zero-padded to the width of
 * the sweep's size when their grid was planned, so an extension past 9,999 runs adds 10000-... after 9999-...,
 * which a plain string sort would put before 1001-....
 */
export function compareRunFolders(a: string, b: string): number {
  return runFolderNumber(a) - runFolderNumber(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Sweep ids: UTC start time to the second, then 4 hex digits holding the milliseconds (times 64) plus 6
 * random bits, so that names sort by start time to the millisecond and two sweeps started at once differ.
 */
export const SWEEP_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

/** Folders of lr-find results beside an experiment's sweeps: `lr-find-` and an id made as a sweep id (newSweepId). */
export const LR_FIND_PREFIX = 'lr-find-';
export const LR_FIND_PATTERN = /^lr-find-\d{8}-\d{6}-[0-9a-f]{4}$/;

/** The start time a sweep id holds (see newSweepId), as ISO 8601; undefined when `id` is not a sweep id. */
export function sweepIdTime(id: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-([0-9a-f]{4})$/.exec(id);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, Math.min(999, parseInt(m[7], 16) >> 6));
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/** The experiment file kept for the nth extension of a sweep (1-based). */
export function extensionFileName(n: number): string {
  return `experiment.extend-${n}.yaml`;
}

/** The experiment files of a sweep's grids in the order they were run: the file as launched, then each extension's. */
export function stageFiles(sweep: { extensions?: unknown[] }): string[] {
  // Named from the count, never from the record's text: no name read from a file leaves the sweep folder.
  const n = Array.isArray(sweep.extensions) ? sweep.extensions.length : 0;
  return [SWEEP_FILES.experiment, ...Array.from({ length: n }, (_, i) => extensionFileName(i + 1))];
}

/** The sweep's current experiment file (the last extension's, else experiment.yaml), from its sweep.json; experiment.yaml when that cannot be read. Never throws. */
export function currentExperimentPath(sweepDir: string): string {
  let sweep: { extensions?: unknown[] } = {};
  try {
    sweep = JSON.parse(readFileSync(join(sweepDir, SWEEP_FILES.sweep), 'utf8'));
  } catch {
    // a damaged or missing record: the file as launched
  }
  return join(sweepDir, stageFiles(sweep ?? {}).at(-1)!);
}

export function experimentDir(runsDir: string, experiment: string): string {
  return join(runsDir, experiment);
}

export function sweepDir(runsDir: string, experiment: string, sweepId: string): string {
  return join(runsDir, experiment, sweepId);
}

export function runDir(sweepPath: string, folder: string): string {
  return join(sweepPath, folder);
}

/**
 * A new sweep id from a time and a random number (its low 6 bits are used), e.g. 20261129-111502-3fa2:
 * 0x3fa2 = 254 ms * 64 + 34. Ids of one experiment are unique only if the caller checks (see createSweepFolder).
 */
export function newSweepId(now: Date, random: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  const suffix = now.getUTCMilliseconds() * 64 + (random & 63);
  return `${date}-${time}-${suffix.toString(16).padStart(4, '0')}`;
}
