/**
 * Reading run folders back (damaged files reported per run, never thrown) and resolving a user's run
 * reference (SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, a hash prefix, ...) to a run.
 * Concurrency contract: readers may run at any time and see each file either complete or absent.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { checkRunFolder, checkSweepRecord, readJsonFile, type CheckedRun } from './integrity.js';
import { RUN_FILES, RUN_FOLDER_PATTERN, SWEEP_FILES, compareRunFolders, runDir, runFolderNumber } from './paths.js';
import type { RunMetricsFile, RunParamsFile, RunTimingFile, SweepFile } from './records.js';
import { readAnnotations, type Annotations } from './annotations.js';
import { readPredictions, type Predictions } from './predictions.js';
import { NoSuchSweep, checkInsideRunsDir, isDir, normalizeReference, resolveSweep, allSweeps } from './sweep-folders.js';
// The best run is the one the tables star: report/rows.ts holds that rule (called at run time, never at load).
import { bestRunFolder } from '../report/rows.js';

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

/** The run folder `folder` of a sweep read back, damaged or not. deep: also check model.json, curve.csv and the other files readers take (integrity.ts checkRunFolder). */
export function readRunFolder(sweepDir: string, folder: string, deep = false): StoredRun {
  const rdir = runDir(sweepDir, folder);
  return storedRunOf(sweepDir, folder, checkRunFolder(rdir, folder, deep), readRunAnnotations(rdir), readPredictions(rdir));
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
  return runFoldersOf(dir).map((folder) => readRunFolder(dir, folder, options.deep));
}

/** One run folder read back (damaged or not), or undefined when there is no such folder. deep: as readRunFolder. */
export function readRun(sweepDir: string, folder: string, deep = false): StoredRun | undefined {
  if (!isDir(runDir(sweepDir, folder))) return undefined;
  return readRunFolder(sweepDir, folder, deep);
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

function sweepName(sweepDir: string): string {
  return `${basename(dirname(sweepDir))}/${basename(sweepDir)}`;
}

/** The selector naming a sweep's best finished run by its objective (EXPERIMENT/best, SWEEP_ID/best). */
export const BEST_SELECTOR = 'best';

/** Whether a string can select a run inside a sweep: a 1-based index, a hash prefix, a run folder name, or `best`. */
export function isRunSelector(s: string): boolean {
  return s === BEST_SELECTOR || /^\d+$/.test(s) || /^[0-9a-f]{2,64}$/.test(s) || RUN_FOLDER_PATTERN.test(s);
}

/**
 * The run of a sweep that `selector` names: a run folder name (0003-3fa2c1d0); all digits: a 1-based index
 * (3 is folder 0003-...; a number with no such run is then tried as a hash prefix); `best`: the best finished
 * run by the sweep's objective (report/rows.ts bestRunFolder); otherwise a prefix of the run's hash (the
 * folder's 8 hex digits, or of the full run id when longer).
 * Throws: UserError when nothing matches, when a prefix matches several runs (listing them), or for `best`
 * when no run of the sweep finished.
 */
export function findRunInSweep(sweepDir: string, selector: string): StoredRun {
  if (selector === BEST_SELECTOR) {
    const best = bestRunFolder(sweepDir);
    if (best === undefined) {
      const name = sweepName(sweepDir);
      throw new UserError(
        `${name}/best names no run: no run of ${name} has finished (best is the best finished run by the sweep's objective)`,
        `wait for its runs to finish, or resume it if it stopped (dlsweep run EXPERIMENT_FILE --resume ${name}); or name a run by its index: ${name}/1 (dlsweep show ${name} lists them)`,
      );
    }
    return readRunFolder(sweepDir, best);
  }
  const folders = runFoldersOf(sweepDir);
  const read = (folder: string): StoredRun => readRunFolder(sweepDir, folder);
  if (folders.includes(selector)) return read(selector);
  if (/^\d+$/.test(selector)) {
    const hit = folders.find((f) => runFolderNumber(f) === Number(selector));
    if (hit) return read(hit);
  }
  if (/^[0-9a-f]+$/.test(selector)) {
    let hits = folders.filter((f) => f.slice(f.indexOf('-') + 1).startsWith(selector.slice(0, 8)));
    if (selector.length > 8) hits = hits.filter((f) => readRun(sweepDir, f)?.params.run_id.startsWith(selector));
    if (hits.length === 1) return read(hits[0]);
    if (hits.length > 1) {
      throw new UserError(`"${selector}" matches ${hits.length} runs of ${sweepName(sweepDir)}: ${hits.join(', ')}`, 'type more of the hash, or use the run index (the number before the dash)');
    }
  }
  // `latest` and `best` name sweeps and runs by rank, after an experiment or a sweep: never a run folder.
  if (selector === 'latest') {
    throw new UserError(`"latest" after ${sweepName(sweepDir)} names no run: latest is the newest sweep of an experiment`, `name a run of this sweep by its index or hash prefix (${sweepName(sweepDir)}/1), or the latest sweep's: ${basename(dirname(sweepDir))}/latest/1`);
  }
  const range = folders.length ? `runs 1-${runFolderNumber(folders.at(-1)!)}` : 'no runs yet';
  throw new UserError(`no run "${selector}" in ${sweepName(sweepDir)} (${range})`, 'select a run by its index (3) or a prefix of its hash (3fa2), e.g. ' + `${sweepName(sweepDir)}/1`);
}

/**
 * The sweep folder named by what comes before the last / of a run reference (SWEEP_ID/x, NAME/latest/x,
 * NAME/SWEEP_ID/x), or undefined when it names none. A bare experiment name does not count: in NAME/x,
 * x may be a mistyped sweep id of NAME.
 */
export function sweepBeforeRun(runsDir: string, ref: string): string | undefined {
  const prefix = ref.replace(/\/+$/, '');
  const before = prefix.slice(0, prefix.lastIndexOf('/'));
  if (before === '' || (!before.includes('/') && isDir(join(runsDir, before)))) return undefined;
  try {
    return resolveSweep(runsDir, before);
  } catch (e) {
    if (e instanceof UserError) return undefined;
    throw e;
  }
}

/**
 * Find a run from what a user typed: a run folder path; SWEEP/SELECTOR where SWEEP is anything
 * resolveSweep accepts (a sweep id or unique prefix, EXPERIMENT/SWEEP_ID, EXPERIMENT/latest, an experiment
 * name for its latest sweep) and SELECTOR a 1-based index, a hash prefix or `best` (see findRunInSweep); a
 * bare `best` (the latest sweep's); or a bare hash prefix of at least 4 hex digits, searched in every sweep.
 * The run found is always inside runsDir.
 * Throws: UserError when nothing matches, a prefix is ambiguous (listing the matches), or the reference leads
 * outside runsDir.
 */
export function resolveRun(runsDir: string, ref: string): RunRef {
  const trimmed = normalizeReference(runsDir, ref).replace(/\/+$/, '');
  const asPath = resolve(trimmed);
  if (isDir(asPath) && existsSync(join(asPath, RUN_FILES.params))) {
    const sweepDir = dirname(asPath);
    checkInsideRunsDir(runsDir, sweepDir, ref);
    return { sweepDir, run: findRunInSweep(sweepDir, basename(asPath)) };
  }
  const slash = trimmed.lastIndexOf('/');
  // `best` alone: the best run of the latest sweep of all, as a bare `latest` is that sweep.
  if (trimmed === BEST_SELECTOR) {
    const sweepDir = resolveSweep(runsDir);
    return { sweepDir, run: findRunInSweep(sweepDir, BEST_SELECTOR) };
  }
  if (slash > 0 && isRunSelector(trimmed.slice(slash + 1))) {
    const sweepDir = resolveSweep(runsDir, trimmed.slice(0, slash));
    return { sweepDir, run: findRunInSweep(sweepDir, trimmed.slice(slash + 1)) };
  }
  // SWEEP/zzzz: the sweep is there, the run is not: say so, with what a run selector looks like.
  const sweepDir = slash > 0 ? sweepBeforeRun(runsDir, trimmed) : undefined;
  if (sweepDir) return { sweepDir, run: findRunInSweep(sweepDir, trimmed.slice(slash + 1)) };
  if (slash < 0 && /^[0-9a-f]{4,64}$/.test(trimmed) && !/^\d+$/.test(trimmed)) {
    const hits: RunRef[] = [];
    for (const sweepDir of allSweeps(runsDir)) {
      for (const f of runFoldersOf(sweepDir)) {
        if (!f.slice(f.indexOf('-') + 1).startsWith(trimmed.slice(0, 8))) continue;
        const run = readRun(sweepDir, f);
        if (run && (trimmed.length <= 8 || run.params.run_id.startsWith(trimmed))) hits.push({ sweepDir, run });
      }
    }
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) {
      throw new UserError(
        `"${trimmed}" matches ${hits.length} runs: ${hits.map((h) => `${sweepName(h.sweepDir)}/${h.run.folder}`).join(', ')}`,
        'type more of the hash, or name the sweep: SWEEP_ID/INDEX',
      );
    }
    throw new UserError(`no run with a hash starting "${trimmed}" under ${runsDir}`, 'list runs with: dlsweep compare; address one as SWEEP_ID/INDEX, SWEEP_ID/HASH_PREFIX or EXPERIMENT/latest/INDEX');
  }
  // A sweep where a run was expected (quick/latest): say which, and how to name one of its runs.
  let sweep: string | undefined;
  try {
    sweep = resolveSweep(runsDir, trimmed);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
  }
  if (sweep) throw new UserError(`"${ref}" names a sweep (${sweepName(sweep)}), not a run`, `add a run's index or hash prefix: ${trimmed}/1, or ${sweepName(sweep)}/1; dlsweep show ${trimmed} lists its runs`);
  throw new UserError(`"${ref}" does not name a run`, 'address a run as SWEEP_ID/INDEX (20261129-111502-3fa2/3), SWEEP_ID/HASH_PREFIX, EXPERIMENT/latest/INDEX, EXPERIMENT/best, SWEEP_ID/best, or a run folder path');
}

/**
 * The sweep folder `target` names (anything resolveSweep accepts), for a command that takes sweeps. A run's
 * address given instead (quick/latest/1, a run folder's path, a hash prefix) is refused saying it names a run,
 * with `dlsweep show` for the run and `dlsweep COMMAND SWEEP` for the sweep that holds it; `doing` says what
 * the command would do with that sweep ("compare its sweep").
 * Throws: UserError naming the run; otherwise what resolveSweep throws.
 */
export function resolveSweepNotRun(runsDir: string, target: string | undefined, command: string, doing: string): string {
  try {
    return resolveSweep(runsDir, target);
  } catch (e) {
    if (!(e instanceof NoSuchSweep) || target === undefined) throw e;
    const run = runAddressed(runsDir, target);
    if (!run) throw e;
    throw new UserError(
      `"${target}" names a run (${run.name}), not a sweep: ${command} takes sweeps`,
      `show the run: dlsweep show ${target}; ${doing}: dlsweep ${command} ${run.sweep}`,
    );
  }
}

/**
 * The run `ref` names, when it names one (resolveRun): its name for a message (run 1 of quick/SWEEP_ID) and
 * the address of its sweep as the user spelled it (quick/latest for quick/latest/1) and its folder; undefined when
 * it names none.
 */
export function runAddressed(runsDir: string, ref: string): { name: string; sweep: string; sweepDir: string } | undefined {
  let found: RunRef;
  try {
    found = resolveRun(runsDir, ref);
  } catch (e) {
    if (e instanceof UserError) return undefined;
    throw e;
  }
  const trimmed = normalizeReference(runsDir, ref).replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  const sweep = slash > 0 ? trimmed.slice(0, slash) : sweepName(found.sweepDir);
  return { name: `run ${runFolderNumber(found.run.folder)} of ${sweepName(found.sweepDir)}`, sweep, sweepDir: found.sweepDir };
}
