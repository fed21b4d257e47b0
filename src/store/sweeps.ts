/**
 * Opening, creating, finding and reading sweep folders. Only the main thread writes; every write is atomic.
 * Concurrency contract: one process per sweep folder (see lock.ts); readers (compare, ls) may run at any
 * time and see each file either complete or absent.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomInt } from 'node:crypto';
import { UserError } from '../errors.js';
import type { Plan } from '../sweep/plan.js';
import { pendingTrainings, pendingUpdates, type PendingTraining } from '../sweep/pending.js';
import { ENGINE_VERSION } from '../train/version.js';
import { removeStaleTempFiles, writeJsonAtomic, writeTextAtomic, writeTextAtomicSync as writeFileAtomicSync } from './atomic.js';
import { makeDirs } from './dirs.js';
import { checkRunFolder } from './integrity.js';
import { describeChanges, experimentChanges, type KeyChange } from './changes.js';
import { lockSweep } from './lock.js';
import { RUN_FILES, RUN_FOLDER_PATTERN, SWEEP_FILES, SWEEP_ID_PATTERN, experimentDir, newSweepId, runDir } from './paths.js';
import { toolVersion } from './provenance.js';
import type { RunMetricsFile, RunParamsFile, RunTimingFile, SweepFile } from './records.js';
import { readAnnotations, type Annotations } from './annotations.js';
import { readPredictions, type Predictions } from './predictions.js';

/** Sources of time and randomness for new sweep ids (tests replace them). */
export interface SweepIdSource {
  now?: () => Date;
  /** A random integer; its low 6 bits are used. */
  random?: () => number;
}

/** How many names createUniqueFolder draws before giving up (only a clock or random source stuck on one value gets there). */
const ID_ATTEMPTS = 1000;

/**
 * Create a new folder `<parent>/<prefix><id>` (id: a sweep id, see newSweepId) holding `files` (name ->
 * text), atomically: the folder is filled under a hidden temporary name and renamed, so it is never seen
 * half-written. Two processes starting at the same moment can draw the same id: the one whose rename finds
 * the folder taken removes its temporary folder and draws a new id. Returns the id and the folder's path.
 * Throws: the file system's error; Error when ID_ATTEMPTS ids are all taken.
 */
export function createUniqueFolder(parent: string, prefix: string, files: (id: string) => Record<string, string>, source: SweepIdSource = {}): { id: string; dir: string } {
  const now = source.now ?? (() => new Date());
  const random = source.random ?? (() => randomInt(0x10000));
  makeDirs(parent);
  for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
    const id = newSweepId(now(), random());
    const dir = join(parent, prefix + id);
    if (existsSync(dir)) continue;
    const temp = join(parent, `.${prefix}${id}.tmp-${process.pid}`);
    // A folder of that name can only be a leftover of a killed process that had the same pid.
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp);
    try {
      for (const [name, text] of Object.entries(files(id))) writeFileSync(join(temp, name), text);
      // rename() refuses to replace a folder that has files in it: another process took this name meanwhile.
      renameSync(temp, dir);
      return { id, dir };
    } catch (e) {
      rmSync(temp, { recursive: true, force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`no free folder name under ${parent} after ${ID_ATTEMPTS} attempts`);
}

/**
 * Create a new sweep folder under <runsDir>/<experiment>/ holding `files` (name -> text), atomically (see
 * createUniqueFolder), so a sweep folder always has its sweep.json. Returns its id and path.
 * Throws: the file system's error.
 */
export function createSweepFolder(runsDir: string, experiment: string, files: (id: string) => Record<string, string>, source: SweepIdSource = {}): { id: string; dir: string } {
  return createUniqueFolder(join(runsDir, experiment), '', files, source);
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Sweep folders of one experiment folder, oldest first (ids sort by start time). */
export function sweepsOf(experimentPath: string): string[] {
  if (!isDir(experimentPath)) return [];
  return readdirSync(experimentPath)
    .filter((n) => SWEEP_ID_PATTERN.test(n) && existsSync(join(experimentPath, n, SWEEP_FILES.sweep)))
    .sort()
    .map((n) => join(experimentPath, n));
}

/** Every experiment folder under runsDir that holds at least one sweep, by name. */
export function experimentsIn(runsDir: string): string[] {
  if (!isDir(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((n) => !n.startsWith('.') && sweepsOf(join(runsDir, n)).length > 0)
    .sort();
}

/** Every sweep folder under runsDir, oldest first. */
export function allSweeps(runsDir: string): string[] {
  return experimentsIn(runsDir)
    .flatMap((e) => sweepsOf(join(runsDir, e)))
    .sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0));
}

/**
 * Find a sweep folder from what a user typed: nothing (the latest sweep of all), a sweep folder, an
 * experiment folder or name (its latest sweep), `NAME/latest`, `NAME/SWEEP_ID`, or a sweep id (or a unique prefix).
 * Throws: UserError when nothing matches or a prefix is ambiguous.
 */
export function resolveSweep(runsDir: string, target?: string): string {
  if (target === undefined || target === 'latest') {
    const all = allSweeps(runsDir);
    if (all.length === 0) throw new UserError(`no sweeps under ${runsDir}`, 'run one first: dlsweep run experiments/seed-article.yaml');
    return all[all.length - 1];
  }
  const asPath = resolve(target);
  if (isDir(asPath) && existsSync(join(asPath, SWEEP_FILES.sweep))) return asPath;
  if (isDir(asPath) && sweepsOf(asPath).length > 0) return sweepsOf(asPath).at(-1)!;
  const parts = target.split('/');
  if (parts.length === 2 && isDir(join(runsDir, parts[0]))) {
    const sweeps = sweepsOf(join(runsDir, parts[0]));
    if (parts[1] === 'latest' && sweeps.length > 0) return sweeps.at(-1)!;
    const hits = sweeps.filter((s) => basename(s).startsWith(parts[1]));
    if (hits.length === 1) return hits[0];
  }
  // Names match in composed form: `café` typed decomposed (as macOS may) finds the folder made composed.
  const name = experimentsIn(runsDir).find((e) => e.normalize('NFC') === target.normalize('NFC')) ?? target;
  const byName = sweepsOf(join(runsDir, name));
  if (byName.length > 0) return byName.at(-1)!;
  const hits = allSweeps(runsDir).filter((s) => basename(s).startsWith(target));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) {
    throw new UserError(
      `"${target}" matches ${hits.length} sweeps: ${hits.map((h) => `${basename(dirname(h))}/${basename(h)}`).join(', ')}`,
      'type more of the sweep id',
    );
  }
  const known = experimentsIn(runsDir);
  throw new UserError(
    `no sweep or experiment "${target}" under ${runsDir}`,
    known.length ? `experiments there: ${known.join(', ')}` : 'run a sweep first: dlsweep run experiments/seed-article.yaml',
  );
}

function readJson<T>(path: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UserError(
      `${path} is not valid JSON`,
      // Only sweep.json is read here: its runs are intact beside it, so the fix must not touch the folder.
      "the sweep's record was edited or damaged outside dlsweep; its run folders are intact: keep the folder, " +
        'restore sweep.json from a copy, or run the experiment again as a new sweep; meanwhile `dlsweep compare` still lists ' +
        'the runs and `dlsweep verify` checks them',
    );
  }
}

/** sweep.json of a sweep folder. Throws: UserError when absent or damaged. */
export function readSweepFile(dir: string): SweepFile {
  const s = readJson<SweepFile>(join(dir, SWEEP_FILES.sweep));
  if (!s) throw new UserError(`${dir} is not a sweep folder (no ${SWEEP_FILES.sweep})`);
  return s;
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

/** The run folder `folder` of a sweep read back, damaged or not. deep: also check model.json and curve.csv. */
function readRunFolder(sweepDir: string, folder: string, deep = false): StoredRun {
  const rdir = runDir(sweepDir, folder);
  const checked = checkRunFolder(rdir, folder, deep);
  const dash = folder.indexOf('-');
  const params: RunParamsFile = checked.params ?? {
    run_id: folder.slice(dash + 1),
    index: Number(folder.slice(0, dash)) - 1,
    folder,
    training_key: '',
    params: {},
    spellings: {},
  };
  let annotations: Annotations = { tags: [] };
  let annotationsProblem: string | undefined;
  try {
    annotations = readAnnotations(rdir);
  } catch (e) {
    annotationsProblem = (e as Error).message;
  }
  return {
    folder,
    dir: rdir,
    params,
    metrics: checked.metrics,
    timing: checked.timing,
    annotations,
    ...(checked.problems.length ? { damaged: checked.problems } : {}),
    ...(annotationsProblem ? { annotationsProblem } : {}),
    predictions: readPredictions(rdir),
  };
}

/**
 * Every run folder of a sweep, in folder (grid) order, damaged ones included (see StoredRun.damaged):
 * one damaged file never stops a reader. deep: also check model.json and curve.csv (resume, verify).
 */
export function readRuns(dir: string, options: { deep?: boolean } = {}): StoredRun[] {
  return runFoldersOf(dir).map((folder) => readRunFolder(dir, folder, options.deep));
}

/** One run folder read back (damaged or not), or undefined when there is no such folder. */
export function readRun(sweepDir: string, folder: string): StoredRun | undefined {
  if (!isDir(runDir(sweepDir, folder))) return undefined;
  return readRunFolder(sweepDir, folder);
}

/** A run found from what a user typed: its sweep folder and the run read back. */
export interface RunRef {
  sweepDir: string;
  run: StoredRun;
}

function runFoldersOf(sweepDir: string): string[] {
  return readdirSync(sweepDir).filter((n) => RUN_FOLDER_PATTERN.test(n)).sort();
}

function sweepName(sweepDir: string): string {
  return `${basename(dirname(sweepDir))}/${basename(sweepDir)}`;
}

/** Whether a string can select a run inside a sweep: a 1-based index, a hash prefix, or a run folder name. */
export function isRunSelector(s: string): boolean {
  return /^\d+$/.test(s) || /^[0-9a-f]{2,64}$/.test(s) || RUN_FOLDER_PATTERN.test(s);
}

/**
 * The run of a sweep that `selector` names: a run folder name (0003-3fa2c1d0); all digits: a 1-based index
 * (3 is folder 0003-...; a number with no such run is then tried as a hash prefix); otherwise a prefix of
 * the run's hash (the folder's 8 hex digits, or of the full run id when longer).
 * Throws: UserError when nothing matches, or when a prefix matches several runs (listing them).
 */
export function findRunInSweep(sweepDir: string, selector: string): StoredRun {
  const folders = runFoldersOf(sweepDir);
  const read = (folder: string): StoredRun => readRunFolder(sweepDir, folder);
  if (folders.includes(selector)) return read(selector);
  if (/^\d+$/.test(selector)) {
    const hit = folders.find((f) => Number(f.slice(0, f.indexOf('-'))) === Number(selector));
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
  const range = folders.length ? `runs 1-${Number(folders.at(-1)!.slice(0, folders.at(-1)!.indexOf('-')))}` : 'no runs yet';
  throw new UserError(`no run "${selector}" in ${sweepName(sweepDir)} (${range})`, 'select a run by its index (3) or a prefix of its hash (3fa2), e.g. ' + `${sweepName(sweepDir)}/1`);
}

/**
 * Find a run from what a user typed: a run folder path; SWEEP/SELECTOR where SWEEP is anything
 * resolveSweep accepts (a sweep id or unique prefix, EXPERIMENT/SWEEP_ID, EXPERIMENT/latest, an experiment
 * name for its latest sweep) and SELECTOR a 1-based index or a hash prefix (see findRunInSweep); or a bare
 * hash prefix of at least 4 hex digits, searched in every sweep.
 * Throws: UserError when nothing matches or a prefix is ambiguous (listing the matches).
 */
export function resolveRun(runsDir: string, ref: string): RunRef {
  const trimmed = ref.replace(/\/+$/, '');
  const asPath = resolve(trimmed);
  if (isDir(asPath) && existsSync(join(asPath, RUN_FILES.params))) {
    const sweepDir = dirname(asPath);
    return { sweepDir, run: findRunInSweep(sweepDir, basename(asPath)) };
  }
  const slash = trimmed.lastIndexOf('/');
  if (slash > 0 && isRunSelector(trimmed.slice(slash + 1))) {
    const sweepDir = resolveSweep(runsDir, trimmed.slice(0, slash));
    return { sweepDir, run: findRunInSweep(sweepDir, trimmed.slice(slash + 1)) };
  }
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
  throw new UserError(`"${ref}" does not name a run`, 'address a run as SWEEP_ID/INDEX (20261129-111502-3fa2/3), SWEEP_ID/HASH_PREFIX, EXPERIMENT/latest/INDEX, or a run folder path');
}

/** What openSweep needs besides the plan. */
export interface OpenSweepInput {
  runsDir: string;
  /** The experiment's name, the text of its file (kept in the sweep folder), its description and tags (recorded in sweep.json). */
  experiment: { name: string; text: string; description?: string; tags?: string[] };
  /** The dataset: its name (null for an unnamed CSV), file sha256, fingerprint, preprocessing report (dataset.txt) and folds. */
  dataset: { name: string | null; sha256: string; fingerprint: string; report: string; folds: number };
  /** The commit of the experiment file's repository, if any (provenance). */
  gitCommit: string | null;
  /** Continue a sweep: a sweep id (or unique prefix), EXPERIMENT/SWEEP_ID, or `latest`; true means latest. */
  resume?: string | boolean;
}

/** An open, locked sweep, its record written with status running. */
export interface OpenSweep {
  id: string;
  dir: string;
  /** The record as written now (status running). */
  sweep: SweepFile;
  /** The record found on resume, before this run. */
  previous?: SweepFile;
  /** Run indices recorded already with a final result (done or diverged), kept as they are. */
  done: Set<number>;
  /** Run indices to train. */
  todo: Set<number>;
  /** Run folders found damaged (resume retrains them); empty for a new sweep. */
  damaged: DamagedRun[];
  /** The trainings that serve the runs of `todo`, scored only where those runs need it. */
  pending: PendingTraining[];
  /** Updates still to run (ETA total). */
  totalUpdates: number;
  /** Release the sweep's lock. */
  release(): Promise<void>;
}

/**
 * Runs already recorded with a final status whose identity matches the plan and whose files are all sound
 * (model.json and curve.csv included); and the damaged run folders, which are retrained.
 */
function finishedRuns(sweepPath: string, plan: Plan): { done: Set<number>; damaged: DamagedRun[] } {
  const byFolder = new Map(plan.runs.map((r) => [r.folder, r]));
  const done = new Set<number>();
  const damaged: DamagedRun[] = [];
  for (const stored of readRuns(sweepPath, { deep: true })) {
    if (stored.damaged) damaged.push({ folder: stored.folder, problems: stored.damaged });
    const planned = byFolder.get(stored.folder);
    const status = stored.metrics?.status;
    if (planned && stored.metrics && stored.metrics.run_id === planned.id && (status === 'done' || status === 'diverged')) done.add(planned.index);
  }
  return { done, damaged };
}

/** A run folder whose files cannot be trusted, and why. */
export interface DamagedRun {
  folder: string;
  problems: string[];
}

function cleanTempFiles(sweepPath: string): void {
  removeStaleTempFiles(sweepPath);
  for (const name of readdirSync(sweepPath)) if (RUN_FOLDER_PATTERN.test(name)) removeStaleTempFiles(join(sweepPath, name));
}

/**
 * Why a sweep cannot be resumed with this plan, naming what changed: the experiment's keys (against the
 * copy kept in the sweep folder), the data file (its sha256) or the prepared data (its fingerprint), the
 * engine; and only the remedies that apply (restoring the experiment file only when it changed).
 */
function resumeRefusal(dir: string, previous: SweepFile, plan: Plan, input: OpenSweepInput): UserError {
  const original = join(dir, SWEEP_FILES.experiment);
  let changes: KeyChange[] = [];
  try {
    changes = experimentChanges(readFileSync(original, 'utf8'), input.experiment.text);
  } catch {
    // The copy is gone: the keys cannot be named.
  }
  const what: string[] = [];
  const hints = ['start a new sweep (run without --resume)'];
  if (changes.length) {
    what.push(`the experiment (${describeChanges(changes).join('; ')})`);
    hints.push(`restore the experiment file (the original is in ${original})`);
  }
  const short = (h: string) => `${h.slice(0, 12)}…`;
  if (previous.dataset.sha256 !== input.dataset.sha256) {
    what.push(`the data file (sha256 ${short(previous.dataset.sha256)}, now ${short(input.dataset.sha256)})`);
    hints.push('put back the data file the sweep was trained on');
  } else if (previous.dataset.fingerprint !== input.dataset.fingerprint && !changes.some((c) => c.key === 'dataset' || c.key.startsWith('dataset.'))) {
    what.push(`the prepared data (fingerprint ${short(previous.dataset.fingerprint)}, now ${short(input.dataset.fingerprint)})`);
  }
  if (previous.engine && previous.engine !== plan.engine) {
    what.push(`the engine (${previous.engine}, now ${plan.engine})`);
    hints.push(`resume with --engine ${previous.engine}`);
  }
  if (what.length === 0) what.push(`the plan (recorded by dlsweep ${previous.dlsweep_version}, engine version ${previous.engine_version}; now ${toolVersion()}, engine version ${ENGINE_VERSION})`);
  return new UserError(`${what.join(' and ')} changed since sweep ${previous.id} started, so its runs would not match`, hints.join(', or '));
}

/**
 * Open a sweep of `plan` for training: a new sweep folder (sweep.json and the experiment file, created
 * atomically), or with `resume` the sweep it names, checked to belong to this experiment and plan. Then
 * lock it (one process per sweep), remove temporary files a killed process left, find the runs recorded
 * already, and write sweep.json (status running) and dataset.txt.
 * Throws: UserError for a resume target that does not exist, belongs to another experiment, or was planned
 * differently (grid, settings, data or engine changed), or a sweep locked by another process; the file
 * system's error otherwise.
 */
export async function openSweep(plan: Plan, input: OpenSweepInput): Promise<OpenSweep> {
  const { runsDir, experiment, dataset } = input;
  const startedAt = new Date().toISOString();
  const record = (id: string, previous?: SweepFile, done = 0): SweepFile => ({
    id,
    experiment: experiment.name,
    ...(experiment.description !== undefined ? { description: experiment.description } : {}),
    ...(experiment.tags?.length ? { tags: experiment.tags } : {}),
    status: 'running',
    started_at: previous?.started_at ?? startedAt,
    ended_at: null,
    dlsweep_version: toolVersion(),
    engine_version: ENGINE_VERSION,
    engine: plan.engine,
    node_version: process.version,
    git_commit: previous?.git_commit ?? input.gitCommit,
    dataset: { name: dataset.name, sha256: dataset.sha256, fingerprint: dataset.fingerprint },
    grid_size: plan.gridSize,
    trainings: plan.trainings.length,
    shared: plan.shared,
    plan_hash: plan.planHash,
    counts: { done, diverged: 0, failed: 0, interrupted: 0, pending: plan.gridSize - done },
    resumed_at: previous ? [...(previous.resumed_at ?? []), startedAt] : [],
  });

  let dir: string;
  let previous: SweepFile | undefined;
  if (input.resume !== undefined && input.resume !== false) {
    const target = input.resume === true ? 'latest' : input.resume;
    dir = resolveSweep(runsDir, target === 'latest' ? experimentDir(runsDir, experiment.name) : target.includes('/') ? target : `${experiment.name}/${target}`);
    previous = readSweepFile(dir);
    if (previous.experiment !== experiment.name) throw new UserError(`sweep ${dir} belongs to experiment "${previous.experiment}", not "${experiment.name}"`);
    if (previous.plan_hash !== plan.planHash) throw resumeRefusal(dir, previous, plan, input);
  } else {
    dir = createSweepFolder(runsDir, experiment.name, (id) => ({
      [SWEEP_FILES.experiment]: experiment.text,
      [SWEEP_FILES.sweep]: JSON.stringify(record(id), null, 2) + '\n',
    })).dir;
  }
  const release = await lockSweep(dir);
  try {
    cleanTempFiles(dir);
    const { done, damaged } = finishedRuns(dir, plan);
    const todo = new Set(plan.runs.filter((r) => !done.has(r.index)).map((r) => r.index));
    const id = basename(dir);
    const sweep = record(id, previous, done.size);
    await writeTextAtomic(join(dir, SWEEP_FILES.dataset), dataset.report + '\n');
    await writeJsonAtomic(join(dir, SWEEP_FILES.sweep), sweep);
    const pending = pendingTrainings(plan, todo);
    return { id, dir, sweep, previous, done, todo, damaged, pending, totalUpdates: pendingUpdates(pending, dataset.folds), release };
  } catch (e) {
    await release();
    throw e;
  }
}

/**
 * Write a sweep's record when the disk may be full (the sweep stopped on a write error): atomically if
 * possible; otherwise over the old record in place, padded with spaces to its length, which needs no new
 * space (a record that says running while its process is gone would be taken for a sweep still training
 * until the lock goes stale). Returns whether the record was written. Never throws.
 */
export function recordSweepStopped(dir: string, sweep: SweepFile): boolean {
  const path = join(dir, SWEEP_FILES.sweep);
  const text = JSON.stringify(sweep, null, 2) + '\n';
  try {
    writeFileAtomicSync(path, text);
    return true;
  } catch {
    // try in place
  }
  try {
    const old = statSync(path).size;
    // A shorter record still fits: drop the pretty-printing, then pad.
    const compact = text.length <= old ? text : JSON.stringify(sweep) + '\n';
    if (Buffer.byteLength(compact) > old) return false;
    const fd = openSync(path, 'r+');
    try {
      writeSync(fd, compact.trimEnd() + ' '.repeat(old - Buffer.byteLength(compact)) + '\n', 0);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The sweep record at the end of a run: its final status (failed on a fatal error, interrupted, or done),
 * end time and error. Resuming a sweep that had nothing left to do changes nothing: its times stay those
 * of its last work. Counts are filled in by whoever rebuilds the sweep's outputs from its run folders.
 */
export function closingRecord(open: OpenSweep, result: { interrupted: boolean; fatal?: Error }): SweepFile {
  const { sweep, previous } = open;
  const idle = previous !== undefined && open.todo.size === 0;
  return {
    ...sweep,
    status: result.fatal ? 'failed' : result.interrupted ? 'interrupted' : 'done',
    ended_at: idle && previous?.ended_at ? previous.ended_at : new Date().toISOString(),
    resumed_at: idle ? (previous?.resumed_at ?? []) : sweep.resumed_at,
    ...(result.fatal ? { error: result.fatal.message } : {}),
  };
}
