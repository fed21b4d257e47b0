/**
 * Reading run folders back (damaged files reported per run, never thrown); report/run-address.ts resolves a
 * user's run reference (SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, EXPERIMENT/best, a hash prefix, ...) to a run.
 * Concurrency contract: readers may run at any time and see each file either complete or absent.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { checkRunFolder, checkSweepRecord, readJsonFile, type CheckedRun } from './integrity.js';
import { RUN_FILES, RUN_FOLDER_PATTERN, SWEEP_FILES, compareRunFolders, runDir } from './paths.js';
import type { RunMetricsFile, RunParamsFile, RunTimingFile, SweepFile } from './records.js';
import { readAnnotations, type Annotations } from './annotations.js';
import { readPredictions, type Predictions } from './predictions.js';
import { isDir } from './sweep-folders.js';
import { parse as parseYaml } from 'yaml';
import { resolveRecord } from '../experiment/record.js';
import { isObject } from '../guards.js';

/**
 * A sweep.json that cannot be used: not JSON (cut short by a full disk, say) or a field of the wrong type
 * (an edit). `value` is what it held when it parsed (its sound fields are kept when the record is rebuilt).
 */
export class DamagedSweepRecord extends UserError {
  constructor(
    readonly dir: string,
    /** What is wrong, as integrity.ts phrases it (starting with the file's name). */
    readonly problem: string,
    readonly value?: unknown,
  ) {
    super(join(dir, SWEEP_FILES.sweep) + problem.slice(SWEEP_FILES.sweep.length), damagedRecordHint(dir, problem === MISSING_RECORD));
  }
}

/** The problem of a sweep folder without its record (deleted or lost outside dlsweep). */
export const MISSING_RECORD = `${SWEEP_FILES.sweep} is missing`;

/**
 * How to go on with a sweep whose record is damaged or missing: its runs are intact beside it, so the fix must
 * not touch the folder; rebuild the record from them and the experiment file kept in the folder, or, when that
 * file is gone too, compare the runs or remove the sweep.
 */
export function damagedRecordHint(dir: string, missing: boolean): string {
  const name = `${basename(dirname(dir))}/${basename(dir)}`;
  const kept = join(dir, SWEEP_FILES.experiment);
  if (!existsSync(kept)) {
    return `the sweep's record and the experiment file it ran (${kept}) are gone, so the record cannot be rebuilt; its run folders can still be compared (dlsweep compare ${name}) and checked (dlsweep verify ${name}); remove the sweep with: dlsweep rm ${name}`;
  }
  return (
    `the sweep's record was ${missing ? 'deleted or lost' : 'edited or damaged'} outside dlsweep; its run folders are intact: keep the folder, and rebuild the record ` +
    `from them and the experiment file the sweep ran (its text is kept in ${kept}): ` +
    `dlsweep run EXPERIMENT_FILE --resume ${name} --repair${missing ? '' : ` (the damaged file is kept beside it as ${SWEEP_FILES.sweep}.damaged)`}; ` +
    'meanwhile `dlsweep compare` still lists the runs and `dlsweep verify` checks them'
  );
}

/** sweep.json of a sweep folder, checked (integrity.ts checkSweepRecord). Throws: DamagedSweepRecord when missing or damaged. */
export function readSweepFile(dir: string): SweepFile {
  const read = readJsonFile<SweepFile>(join(dir, SWEEP_FILES.sweep), SWEEP_FILES.sweep);
  if ('missing' in read) throw new DamagedSweepRecord(dir, MISSING_RECORD);
  if ('problem' in read) throw new DamagedSweepRecord(dir, read.problem);
  const problems = checkSweepRecord(read.value);
  if (problems.length) {
    // A few fields say enough: a record with many wrong is not what dlsweep wrote.
    const shown = problems.slice(0, 3).map((p) => p.slice(SWEEP_FILES.sweep.length + 2));
    if (problems.length > 3) shown.push(`and ${problems.length - 3} more fields`);
    throw new DamagedSweepRecord(dir, `${SWEEP_FILES.sweep}: ${shown.join('; ')}`, read.value);
  }
  return read.value;
}

/**
 * Whether a finished sweep's record still stands for its run folders, so that its counts and best can be
 * shown without reading them: the sweep is done (its record written last, after its outputs were rebuilt
 * from the runs: sweeps.ts closingRecord, sweep-files.ts rebuildSweepOutputs) with no damaged run; every entry
 * named like a run folder is a folder holding params.json and metrics.json, none of them nor timing.json changed since
 * the record was written (file times; a run damaged or retrained since shows there); and their number is the
 * record's count of recorded runs (a folder removed since shows there). Otherwise the runs must be read.
 * A few stats per run, no file read. Throws: nothing.
 */
export function recordStandsForRuns(dir: string, sweep: SweepFile): boolean {
  const c = sweep.counts;
  if (sweep.status !== 'done' || sweep.best === undefined || typeof c !== 'object' || c === null || (c.damaged ?? 0) > 0) return false;
  try {
    const written = statSync(join(dir, SWEEP_FILES.sweep)).mtimeMs;
    const folders = readdirSync(dir).filter((n) => RUN_FOLDER_PATTERN.test(n));
    if (folders.length !== c.done + c.diverged + c.failed + c.interrupted) return false;
    for (const folder of folders) {
      for (const name of [RUN_FILES.params, RUN_FILES.metrics, RUN_FILES.timing]) {
        // A failed training records no timing.json: absent, it is as the record saw it.
        const stat = statSync(join(dir, folder, name), { throwIfNoEntry: name !== RUN_FILES.timing });
        // Strictly before: a change within the file system's time resolution of the record is not told apart.
        if (stat && !(stat.mtimeMs < written)) return false;
      }
    }
    return true;
  } catch {
    // A file missing, a file where a folder should be, an unreadable folder: the readers say what.
    return false;
  }
}

/**
 * A run folder read back. metrics is undefined while the run has not finished, and for a damaged run:
 * one whose files cannot be trusted (see integrity.ts), listed in `damaged`; resume retrains it.
 */
export interface StoredRun {
  folder: string;
  dir: string;
  /** For a damaged run whose params.json is unusable: the folder's index and hash, no parameters. */
  params: RunParamsFile;
  metrics?: RunMetricsFile;
  timing?: RunTimingFile;
  /** Tags and note added with dlsweep tag/note (none: no tags). */
  annotations: Annotations;
  /** What is wrong with the run's files (absent when sound). */
  damaged?: string[];
  /** annotations.json could not be read (the run's results are not affected). */
  annotationsProblem?: string;
  /** predictions.csv, when recorded. */
  predictions?: Predictions;
}

/**
 * The record.curve_every of the sweep in `sweepDir`, from the experiment file it keeps (experiment.yaml; an
 * extension cannot change what is recorded): the interval of its runs' curve.csv rows. Undefined when that
 * file is gone or unreadable (the rows are then not checked). Throws: nothing.
 */
export function sweepCurveEvery(sweepDir: string): number | undefined {
  try {
    const doc = parseYaml(readFileSync(join(sweepDir, SWEEP_FILES.experiment), 'utf8')) as unknown;
    if (!isObject(doc)) return undefined;
    const every = resolveRecord(doc.record).curve_every;
    return Number.isInteger(every) && every >= 1 ? every : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run folder `folder` of a sweep read back, damaged or not. deep: also check model.json, curve.csv and the
 * other files readers take (integrity.ts checkRunFolder), curve.csv's rows against `curveEvery` (sweepCurveEvery,
 * looked up when not given).
 */
export function readRunFolder(sweepDir: string, folder: string, deep = false, curveEvery: number | undefined = deep ? sweepCurveEvery(sweepDir) : undefined): StoredRun {
  const rdir = runDir(sweepDir, folder);
  return storedRunOf(sweepDir, folder, checkRunFolder(rdir, folder, deep, curveEvery), readRunAnnotations(rdir), readPredictions(rdir));
}

/**
 * A run as readRunFolder gives it, from its checked files (integrity.ts checkRunFolder or checkRunFiles), its
 * annotations and its predictions: a damaged run whose params.json is unusable gets the folder's index and
 * hash and no parameters.
 */
export function storedRunOf(sweepDir: string, folder: string, checked: CheckedRun, read: { annotations: Annotations; annotationsProblem?: string }, predictions: Predictions | undefined): StoredRun {
  const dash = folder.indexOf('-');
  const params: RunParamsFile = checked.params ?? {
    run_id: folder.slice(dash + 1),
    index: Number(folder.slice(0, dash)) - 1,
    folder,
    training_key: '',
    params: {},
    spellings: {},
  };
  return {
    folder,
    dir: runDir(sweepDir, folder),
    params,
    metrics: checked.metrics,
    timing: checked.timing,
    annotations: read.annotations,
    ...(checked.problems.length ? { damaged: checked.problems } : {}),
    ...(read.annotationsProblem ? { annotationsProblem: read.annotationsProblem } : {}),
    predictions,
  };
}

/** A run folder's annotations (none when it has none), or what keeps them from being read. Throws: nothing. */
export function readRunAnnotations(runDir: string): { annotations: Annotations; annotationsProblem?: string } {
  try {
    return { annotations: readAnnotations(runDir) };
  } catch (e) {
    return { annotations: { tags: [] }, annotationsProblem: (e as Error).message };
  }
}

/**
 * Every run folder of a sweep, in folder (grid) order, damaged ones included (see StoredRun.damaged):
 * one damaged file never stops a reader. deep: also check model.json, curve.csv and the other files readers take (resume, verify).
 */
export function readRuns(dir: string, options: { deep?: boolean } = {}): StoredRun[] {
  const curveEvery = options.deep ? sweepCurveEvery(dir) : undefined;
  return runFoldersOf(dir).map((folder) => readRunFolder(dir, folder, options.deep, curveEvery));
}

/** One run folder read back (damaged or not), or undefined when there is no such folder. deep, curveEvery: as readRunFolder. */
export function readRun(sweepDir: string, folder: string, deep = false, curveEvery?: number): StoredRun | undefined {
  if (!isDir(runDir(sweepDir, folder))) return undefined;
  return readRunFolder(sweepDir, folder, deep, curveEvery);
}

/** A run found from what a user typed: its sweep folder and the run read back. */
export interface RunRef {
  sweepDir: string;
  run: StoredRun;
}

/** The run folders of a sweep, in folder (grid) order. */
export function runFoldersOf(sweepDir: string): string[] {
  return readdirSync(sweepDir).filter((n) => RUN_FOLDER_PATTERN.test(n)).sort(compareRunFolders);
}
