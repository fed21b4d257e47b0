/**
 * Opening a sweep: a new one, or the resume target checked against the plan, locked, its temporary files
 * removed and what is left to train counted; and the closing record. Only the main thread writes; every
 * write is atomic.
 * Concurrency contract: one process per sweep folder (see lock.ts); readers (compare, ls) may run at any
 * time and see each file either complete or absent.
 */
import { closeSync, constants, copyFileSync, existsSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { Plan } from '../sweep/plan.js';
import { pendingTrainings, pendingUpdates, type PendingTraining } from '../sweep/pending.js';
import { ENGINE_VERSION } from '../train/version.js';
import { removeStaleTempFiles, writeJsonAtomic, writeTextAtomic, writeTextAtomicSync as writeFileAtomicSync } from './atomic.js';
import { describeChanges, experimentChanges, type KeyChange } from './changes.js';
import { lockSweep, type ReleaseLock } from './lock.js';
import { isWriteError } from '../write-errors.js';
import { NOT_A_RUN_FOLDER, checkSweepRecord, holdsNoRunOfItsOwn, isNotAFolder, setAsideHint } from './integrity.js';
import { RUN_FOLDER_PATTERN, SWEEP_FILES, runFolderNumber, currentExperimentPath, experimentDir, extensionFileName, stageFiles, sweepIdTime } from './paths.js';
import { toolVersion } from './provenance.js';
import type { ActiveSpan, SweepExtension, SweepFile } from './records.js';
import { activeSpans } from './active.js';
import { lastActivity } from './live-status.js';
import type { ObjectiveSetting } from '../sweep/objective.js';
import { NoSuchSweep, createSweepFolder, resolveSweep, sweepsOf } from './sweep-folders.js';
import { DamagedSweepRecord, readRuns, readSweepFile, type StoredRun } from './read-runs.js';
import { copyReusedRun, findReusable, type ReuseSource } from './reuse.js';
import { runParamsFile } from './recorder.js';

/** What openSweep needs besides the plan. */
export interface OpenSweepInput {
  runsDir: string;
  /** The experiment's name, the text of its file (kept in the sweep folder), its description and tags (recorded in sweep.json). */
  experiment: { name: string; text: string; description?: string; tags?: string[]; objective?: ObjectiveSetting };
  /** The dataset: its name (null for an unnamed CSV), file sha256, fingerprint, preprocessing report (dataset.txt) and folds. */
  dataset: { name: string | null; sha256: string; fingerprint: string; report: string; folds: number };
  /** The commit of the experiment file's repository, if any (provenance). */
  gitCommit: string | null;
  /** Continue a sweep: a sweep id (or unique prefix), EXPERIMENT/SWEEP_ID, or `latest`; true means latest. */
  resume?: string | boolean;
  /**
   * Widen the sweep resolved from `resume` (run --extend): the plan_hash its record had when the extension
   * was checked (a sweep changed meanwhile is refused), and what the extension adds (the values each
   * parameter gains, as written; the plan holds the new runs after the recorded ones). The file is kept as
   * experiment.extend-N.yaml and the extension recorded in sweep.json before anything is trained.
   */
  extend?: { basePlanHash: string; added: Record<string, string[]> };
  /** Copy the runs recorded with the same identity in other sweeps of the experiment instead of training them (reuse.ts). */
  reuse?: boolean;
  /**
   * With `resume` (run --resume --repair): when the sweep's sweep.json is damaged, rebuild it (rebuiltRecord)
   * from this plan, the run folders and the sound fields of the damaged file, which is kept beside it as
   * sweep.json.damaged; `extensions`: the sweep's widenings read back from the experiment files kept in its folder.
   */
  repair?: { extensions: SweepExtension[] };
  /**
   * The sweep is a search (its method and trials, recorded in sweep.json from the start): its runs are drawn
   * batch by batch, so the plan holds none of them yet and every entry named like a run folder may be where
   * one of its runs goes.
   */
  search?: { method: string; trials: number };
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
  /** Runs copied from other sweeps of the experiment now (see reuse.ts), by run index; part of `done`. */
  reused: Map<number, ReuseSource>;
  /** Run folders found damaged (resume retrains them); empty for a new sweep. */
  damaged: DamagedRun[];
  /** The trainings that serve the runs of `todo`, scored only where those runs need it. */
  pending: PendingTraining[];
  /** Updates still to run (ETA total). */
  totalUpdates: number;
  /** Release the sweep's lock (lock.ts ReleaseLock: never throws; says so when the lock cannot be removed). */
  release: ReleaseLock;
}

/**
 * Runs already recorded with a final status whose identity matches the plan and whose files are all sound
 * (model.json, curve.csv, predictions.csv... included: integrity.ts checkRunFolder, deep); and the damaged run folders, which are retrained. Reads only.
 * Throws: UserError for a file where a planned run's folder goes (`search`: any file named like a run
 * folder); its hint says to resume again, or with `extend` to extend again.
 */
function finishedRuns(sweepPath: string, plan: Plan, search = false, extend = false): { done: Set<number>; damaged: DamagedRun[] } {
  const byFolder = new Map(plan.runs.map((r) => [r.folder, r]));
  const done = new Set<number>();
  const damaged: DamagedRun[] = [];
  const runs = readRuns(sweepPath, { deep: true });
  refuseStrangers(sweepPath, runs, search ? undefined : byFolder, extend);
  for (const stored of runs) {
    const planned = byFolder.get(stored.folder);
    if (stored.damaged?.[0] === NOT_A_RUN_FOLDER) {
      // Where a planned run's folder goes, the run cannot be recorded; elsewhere it is no run and is left alone.
      // A search's runs are not planned yet: its replay would reach the file after training earlier batches.
      if (planned || search) {
        throw new UserError(
          `${join(sweepPath, stored.folder)} is a file where the folder of run ${planned ? planned.index + 1 : runFolderNumber(stored.folder)} goes: dlsweep records each run in a folder of this name and never writes such a file`,
          `move the file out of the sweep folder (or delete it), then ${extend ? 'extend' : 'resume'} again`,
        );
      }
      continue;
    }
    if (stored.damaged) damaged.push({ folder: stored.folder, problems: stored.damaged });
    const status = stored.metrics?.status;
    if (planned && stored.metrics && stored.metrics.run_id === planned.id && (status === 'done' || status === 'diverged')) done.add(planned.index);
  }
  return { done, damaged };
}

/**
 * Refuse run folders that are no run of the sweep's plan, before anything is written: a folder holding another
 * run's files (integrity.ts otherRunsFiles: a copy or a move) and, for a grid (`planned`: its run folders by
 * name; a search draws its runs as it goes), a folder its plan has no run for (a run of another sweep, a point
 * of another grid). Resume would train nothing for them and the sweep would stay damaged; files named like run
 * folders are left to finishedRuns. Throws: UserError naming them and where to move them.
 */
function refuseStrangers(sweepPath: string, runs: readonly StoredRun[], planned: ReadonlyMap<string, unknown> | undefined, extend: boolean): void {
  const strangers: string[] = [];
  for (const r of runs) {
    if (r.damaged?.[0] === NOT_A_RUN_FOLDER) continue;
    // Its first clause ("holds the files of run 0001-..."): the hint below says what to do.
    if (holdsNoRunOfItsOwn(r.damaged)) strangers.push(`${r.folder} ${r.damaged![0].split(':')[0]}`);
    else if (planned && planned.size > 0 && !planned.has(r.folder)) strangers.push(`${r.folder} is no run of its plan (${r.damaged ? 'damaged, and ' : ''}planned from another grid, data or engine, or copied from another sweep)`);
  }
  if (strangers.length === 0) return;
  const shown = strangers.slice(0, 3).join('; ') + (strangers.length > 3 ? `; and ${strangers.length - 3} more` : '');
  throw new UserError(
    `sweep ${basename(dirname(sweepPath))}/${basename(sweepPath)} holds ${strangers.length === 1 ? 'a run folder' : `${strangers.length} run folders`} that ${extend ? '--extend' : 'resume'} cannot make a run of it: ${shown}`,
    `${setAsideHint(sweepPath, strangers.map((s) => s.slice(0, s.indexOf(' '))))}, then ${extend ? 'extend' : 'resume'} again (nothing was written)`,
  );
}

/**
 * Copy into the sweep `dir` every run of the plan not in `done` that another sweep of the experiment
 * recorded with the same identity (findReusable), adding each to `done`. A copy that fails (its source
 * removed meanwhile, a write error) leaves the run to be trained. Returns the sources by run index.
 */
function reuseRuns(runsDir: string, experiment: string, plan: Plan, done: Set<number>, dir: string): Map<number, ReuseSource> {
  const byIndex = new Map(plan.runs.map((r) => [r.index, r]));
  const reused = new Map<number, ReuseSource>();
  for (const [index, source] of findReusable(runsDir, experiment, plan.runs.filter((r) => !done.has(r.index)), dir)) {
    try {
      copyReusedRun(dir, runParamsFile(plan, byIndex.get(index)!), source);
    } catch {
      continue; // trained instead
    }
    done.add(index);
    reused.set(index, source);
  }
  return reused;
}

/** A run folder whose files cannot be trusted, and why. */
export interface DamagedRun {
  folder: string;
  problems: string[];
}

function cleanTempFiles(sweepPath: string): void {
  removeStaleTempFiles(sweepPath);
  for (const name of readdirSync(sweepPath)) if (RUN_FOLDER_PATTERN.test(name) && !isNotAFolder(join(sweepPath, name))) removeStaleTempFiles(join(sweepPath, name));
}

/**
 * Why a sweep cannot be resumed with this plan, naming what changed: the experiment's keys (against the
 * copy kept in the sweep folder), the data file (its sha256) or the prepared data (its fingerprint), the
 * engine; and only the remedies that apply (restoring the experiment file only when it changed).
 */
function resumeRefusal(dir: string, previous: SweepFile, plan: Plan, input: OpenSweepInput): UserError {
  const original = currentExperimentPath(dir);
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
    // Values added to the grid are what --extend is for.
    if (changes.every((c) => c.key.startsWith('grid.'))) hints.push(`if values were only added to the grid, train just the new points: --extend ${previous.id} instead of --resume`);
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

/** Fields of a damaged sweep.json that nothing else holds, kept when sound (each checked alone). */
const SALVAGED = ['started_at', 'ended_at', 'resumed_at', 'git_commit', 'node_version', 'dlsweep_version', 'error', 'active', 'extensions', 'updates_trained'] as const;

/**
 * The record of a sweep whose sweep.json is damaged, rebuilt under its lock for run --resume --repair: the
 * plan's facts (grid size, trainings, plan hash), the experiment's and the data's, the start time its id
 * holds, `extensions` (read back from its kept files), and every field of the damaged file that is sound
 * alone (its times, resumes, provenance). Counts and best are rebuilt from the run folders when the sweep
 * closes. Writes nothing: replaceDamagedRecord writes it once every check of the resume has passed.
 * Throws: UserError when the experiment file differs from the one the sweep ran (the copy in its folder), or
 * when a run folder was not planned by it (other data or engine): rebuilding would mix runs of two plans.
 */
function rebuiltRecord(dir: string, damaged: DamagedSweepRecord, plan: Plan, input: OpenSweepInput, extensions: SweepExtension[]): SweepFile {
  const id = basename(dir);
  const name = `${input.experiment.name}/${id}`;
  const kept = join(dir, stageFiles({ extensions }).at(-1)!);
  let changes: KeyChange[] = [];
  try {
    changes = experimentChanges(readFileSync(kept, 'utf8'), input.experiment.text);
  } catch {
    throw new UserError(`${damaged.message}, and ${kept} is missing, so its record cannot be rebuilt`, 'its runs can still be compared: dlsweep compare ' + name);
  }
  if (changes.length) {
    throw new UserError(
      `${damaged.message}; the experiment file given differs from the one sweep ${name} ran (${describeChanges(changes).join('; ')}), so its record cannot be rebuilt from it`,
      `give the file the sweep ran: its text is kept in ${kept}`,
    );
  }
  const byFolder = new Map(plan.runs.map((r) => [r.folder, r.id]));
  const runs = readRuns(dir);
  if (plan.runs.length > 0) {
    const sound = runs.filter((r) => r.params.training_key !== '');
    const strangers = sound.filter((r) => byFolder.get(r.folder) !== r.params.run_id);
    // Some runs planned: the plan is the sweep's, the others were copied in (refuseStrangers says what to do).
    if (strangers.length && strangers.length === sound.length) {
      throw new UserError(
        `${damaged.message}; its run ${strangers[0].folder}${strangers.length > 1 ? ` (and ${strangers.length - 1} more)` : ''} was not planned from this file with this data and engine, so its record cannot be rebuilt from it`,
        'resume with the data file and --engine the sweep was trained with; its runs can still be compared: dlsweep compare ' + name,
      );
    }
  }
  const now = new Date().toISOString();
  // Without a recorded end, the sweep last worked when its last run was recorded.
  const lastFinished = runs.reduce((t, r) => Math.max(t, Date.parse(r.timing?.finished_at ?? '') || -Infinity), -Infinity);
  let rebuilt: SweepFile = {
    id,
    experiment: input.experiment.name,
    ...(input.experiment.description !== undefined ? { description: input.experiment.description } : {}),
    ...(input.experiment.tags?.length ? { tags: input.experiment.tags } : {}),
    status: 'interrupted',
    started_at: sweepIdTime(id) ?? now,
    ended_at: Number.isFinite(lastFinished) ? new Date(lastFinished).toISOString() : null,
    dlsweep_version: toolVersion(),
    engine_version: ENGINE_VERSION,
    engine: plan.engine,
    node_version: process.version,
    git_commit: input.gitCommit,
    dataset: { name: input.dataset.name, sha256: input.dataset.sha256, fingerprint: input.dataset.fingerprint },
    grid_size: plan.gridSize,
    trainings: plan.trainings.length,
    shared: plan.shared,
    plan_hash: plan.planHash,
    counts: { done: 0, diverged: 0, failed: 0, interrupted: 0, pending: plan.gridSize },
    resumed_at: [],
    ...(extensions.length ? { extensions } : {}),
    ...(input.experiment.objective ? { objective: input.experiment.objective } : {}),
  };
  const old = damaged.value;
  if (old !== null && typeof old === 'object' && !Array.isArray(old)) {
    for (const key of SALVAGED) {
      const v = (old as Record<string, unknown>)[key];
      if (v === undefined) continue;
      const candidate = { ...rebuilt, [key]: v };
      // Recorded extensions are kept only when they agree with the files in the folder.
      if (key === 'extensions' && (!Array.isArray(v) || v.length !== extensions.length)) continue;
      if (checkSweepRecord(candidate).length === 0) rebuilt = candidate as SweepFile;
    }
  }
  return rebuilt;
}

/**
 * Keep a sweep's damaged sweep.json as sweep.json.damaged (or .damaged-2, ...), then replace it with the
 * record rebuilt by rebuiltRecord: nothing recorded is lost, and the folder never lacks its sweep.json.
 * Throws: the file system's error.
 */
async function replaceDamagedRecord(dir: string, rebuilt: SweepFile): Promise<void> {
  let n = 1;
  const aside = () => join(dir, `${SWEEP_FILES.sweep}.damaged${n > 1 ? `-${n}` : ''}`);
  while (existsSync(aside())) n++;
  // A record that is missing altogether has nothing to keep.
  if (existsSync(join(dir, SWEEP_FILES.sweep))) copyFileSync(join(dir, SWEEP_FILES.sweep), aside(), constants.COPYFILE_EXCL);
  await writeJsonAtomic(join(dir, SWEEP_FILES.sweep), rebuilt);
}

/**
 * The sweep folder a --resume or --extend target names: a sweep id (or unique prefix), EXPERIMENT/SWEEP_ID,
 * `latest` (or true) for the experiment's latest sweep. Throws: UserError when nothing matches (resolveSweep).
 */
export function resolveSweepTarget(runsDir: string, experiment: string, target: string | true, option: '--resume' | '--extend' = '--resume'): string {
  const t = target === true ? 'latest' : target;
  try {
    return resolveSweep(runsDir, t === 'latest' ? experimentDir(runsDir, experiment) : t.includes('/') ? t : `${experiment}/${t}`);
  } catch (e) {
    if (!(e instanceof NoSuchSweep)) throw e;
    throw noSweepToContinue(runsDir, experiment, t, option);
  }
}

/**
 * The error for a --resume or --extend target that names no sweep: the experiment's sweeps that the option
 * can take (--extend: grids only, a search cannot be widened), newest first, rather than the experiments.
 */
function noSweepToContinue(runsDir: string, experiment: string, target: string, option: '--resume' | '--extend'): UserError {
  const sweeps = sweepsOf(experimentDir(runsDir, experiment)).reverse();
  const fit = sweeps.filter((dir) => {
    if (option === '--resume') return true;
    try {
      return !(JSON.parse(readFileSync(join(dir, SWEEP_FILES.sweep), 'utf8')) as Partial<SweepFile>).search;
    } catch {
      return true; // a damaged record: extending it says what is wrong
    }
  });
  const what = target === 'latest' ? `experiment ${experiment} has no sweep under ${runsDir}` : `experiment ${experiment} has no sweep "${target}" under ${runsDir}`;
  const action = option === '--extend' ? 'widen' : 'resume';
  if (fit.length === 0) {
    const searches = option === '--extend' && sweeps.length > 0 ? ` (its ${sweeps.length === 1 ? 'sweep is a search' : `${sweeps.length} sweeps are searches`}, which cannot be widened)` : '';
    return new UserError(`${option} ${target}: ${what}${searches}`, `run the file without ${option} to start a new sweep of it`);
  }
  const shown = fit.slice(0, 5).map((dir) => basename(dir));
  return new UserError(
    `${option} ${target}: ${what}`,
    `sweeps of ${experiment} that ${option} can ${action}, newest first: ${shown.join(', ')}${fit.length > shown.length ? `, ... (${fit.length} in all)` : ''}; e.g. ${option} ${shown[0]} (or ${option} latest)`,
  );
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
  const { experiment, dataset } = input;
  const startedAt = new Date().toISOString();
  // The extensions recorded, and this one once its file is written.
  let added: SweepExtension | undefined;
  const extensions = (previous?: SweepFile): SweepExtension[] => [...(previous?.extensions ?? []), ...(added ? [added] : [])];
  // The spans of earlier work, each ended: read before the lock is taken, since a dead process's last sign of
  // work is its lock's time.
  let prior: ActiveSpan[] = [];
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
    resumed_at: previous && !input.extend ? [...(previous.resumed_at ?? []), startedAt] : (previous?.resumed_at ?? []),
    ...(extensions(previous).length ? { extensions: extensions(previous) } : {}),
    ...(experiment.objective ? { objective: experiment.objective } : {}),
    ...(input.search ? { search: input.search } : {}),
    active: [...prior, { started_at: startedAt, ended_at: null }],
  });

  let dir: string;
  let previous: SweepFile | undefined;
  let damagedRecord: DamagedSweepRecord | undefined;
  // A new sweep's folder, once created here: a write failure from then on records it failed.
  let created = false;
  if (input.resume !== undefined && input.resume !== false) {
    dir = resolveSweepTarget(input.runsDir, experiment.name, input.resume);
    try {
      previous = readSweepFile(dir);
    } catch (e) {
      if (!(e instanceof DamagedSweepRecord && input.repair && !input.extend)) throw e;
      damagedRecord = e;
    }
    if (previous && previous.experiment !== experiment.name) throw new UserError(`sweep ${dir} belongs to experiment "${previous.experiment}", not "${experiment.name}"`);
    if (previous && !input.extend && previous.plan_hash !== plan.planHash) throw resumeRefusal(dir, previous, plan, input);
    if (previous) prior = endedSpans(dir, previous);
  } else {
    dir = createSweepFolder(input.runsDir, experiment.name, (id) => ({
      [SWEEP_FILES.experiment]: experiment.text,
      [SWEEP_FILES.sweep]: JSON.stringify(record(id), null, 2) + '\n',
    })).dir;
    created = true;
  }
  const sweepDir = dir;
  // A write failure (disk full) from here on: a new sweep is recorded failed, so that it never shows as
  // running, and the error names the sweep, so that `run` says how to resume it.
  const stopping = (e: unknown): unknown => {
    if (!isWriteError(e)) return e;
    if (created) {
      const endedAt = new Date().toISOString();
      const opened = record(basename(sweepDir));
      recordSweepStopped(sweepDir, { ...opened, status: 'failed', ended_at: endedAt, error: e.message, active: closeLastSpan(opened.active, endedAt) });
    }
    return markStopped(e, sweepDir);
  };
  let release: ReleaseLock;
  try {
    release = await lockSweep(dir);
  } catch (e) {
    throw stopping(e);
  }
  try {
    if (input.extend && previous) {
      // Read again under the lock: another process may have extended or resumed it since it was checked.
      previous = readSweepFile(dir);
      if (previous.plan_hash !== input.extend.basePlanHash) throw new UserError(`sweep ${basename(dir)} changed while the extension was being checked`, 'run the same command again');
    }
    const rebuilt = damagedRecord ? rebuiltRecord(dir, damagedRecord, plan, input, input.repair!.extensions) : undefined;
    // The last check (it reads only): nothing is written before every check has passed.
    const { done, damaged } = finishedRuns(dir, plan, input.search !== undefined, input.extend !== undefined);
    if (input.extend && previous) {
      const file = extensionFileName((previous.extensions?.length ?? 0) + 1);
      await writeTextAtomic(join(dir, file), experiment.text);
      added = { at: startedAt, file, added: input.extend.added, first_run: previous.grid_size + 1, runs: plan.gridSize - previous.grid_size };
    }
    if (rebuilt) {
      await replaceDamagedRecord(dir, rebuilt);
      previous = rebuilt;
      prior = endedSpans(dir, previous);
    }
    cleanTempFiles(dir);
    const reused = input.reuse ? reuseRuns(input.runsDir, experiment.name, plan, done, dir) : new Map<number, ReuseSource>();
    const todo = new Set(plan.runs.filter((r) => !done.has(r.index)).map((r) => r.index));
    const id = basename(dir);
    const sweep = record(id, previous, done.size);
    await writeTextAtomic(join(dir, SWEEP_FILES.dataset), dataset.report + '\n');
    await writeJsonAtomic(join(dir, SWEEP_FILES.sweep), sweep);
    const pending = pendingTrainings(plan, todo);
    return { id, dir, sweep, previous, done, todo, reused, damaged, pending, totalUpdates: pendingUpdates(pending, dataset.folds), release };
  } catch (e) {
    await release();
    throw stopping(e);
  }
}

/** The sweep a write failure stopped (markStopped), if any. */
export function stoppedSweep(e: unknown): { id: string; dir: string } | undefined {
  return (e as { stoppedSweep?: { id: string; dir: string } } | null)?.stoppedSweep;
}

/**
 * Mark a write failure (disk full, permissions) as the one that stopped the sweep in `dir`, whose record
 * says so already (failed, or as it was before a resume that wrote nothing): `run` then says how to resume
 * it. Returns `e`.
 */
export function markStopped<E extends Error>(e: E, dir: string): E {
  return Object.assign(e, { stoppedSweep: { id: basename(dir), dir } });
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
    // A shorter record still fits: drop the pretty-printing, then the best run (readers find it from the runs),
    // then most of the error's text; then pad.
    const { best: _best, ...lean } = sweep;
    const compact = [text, JSON.stringify(sweep) + '\n', JSON.stringify(lean) + '\n', JSON.stringify({ ...lean, ...(lean.error ? { error: lean.error.slice(0, 60) } : {}) }) + '\n'].find(
      (t) => Buffer.byteLength(t) <= old,
    );
    if (compact === undefined) return false;
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

/** A sweep's earlier spans of work (live-status.ts activeSpans), each ended, for a new span to follow. */
function endedSpans(dir: string, previous: SweepFile): ActiveSpan[] {
  return activeSpans(previous, lastActivity(dir)).map((s) => ({ started_at: new Date(s.start).toISOString(), ended_at: new Date(s.end).toISOString() }));
}

/** The spans with the last one (the span of this process) ended at `endedAt`. */
export function closeLastSpan(active: ActiveSpan[] | undefined, endedAt: string): ActiveSpan[] {
  const spans = active ?? [];
  return spans.map((s, i) => (i === spans.length - 1 && s.ended_at === null ? { ...s, ended_at: endedAt } : s));
}

/**
 * The sweep record at the end of a run: its final status (failed on a fatal error, interrupted, or done),
 * end time and error. Resuming a sweep that had nothing left to do changes nothing: its times stay those
 * of its last work. Counts are filled in by whoever rebuilds the sweep's outputs from its run folders.
 */
export function closingRecord(open: OpenSweep, result: { interrupted: boolean; fatal?: Error }): SweepFile {
  const { sweep, previous } = open;
  const idle = previous !== undefined && open.todo.size === 0;
  const endedAt = idle && previous?.ended_at ? previous.ended_at : new Date().toISOString();
  // A resume with nothing to do adds no span of work.
  const active = idle ? (sweep.active ?? []).slice(0, -1) : closeLastSpan(sweep.active, endedAt);
  const { active: _open, ...rest } = sweep;
  return {
    ...rest,
    ...(active.length ? { active } : {}),
    status: result.fatal ? 'failed' : result.interrupted ? 'interrupted' : 'done',
    ended_at: endedAt,
    resumed_at: idle ? (previous?.resumed_at ?? []) : sweep.resumed_at,
    ...(result.fatal ? { error: result.fatal.message } : {}),
  };
}
