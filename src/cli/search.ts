/**
 * Searches at the command line: what `plan` says of a search (trials, rungs, the most updates), and the check
 * that refuses a search over the run limit like a big grid.
 */
import { join, resolve } from 'node:path';
import { DiagnosticError, UserError, type SourcePosition } from '../errors.js';
import type { Experiment, ParamValue } from '../experiment/types.js';
import { formatDatasetReport, type PreparedDataset } from '../datasets/index.js';
import type { SearchAxis } from '../search/distributions.js';
import { compareOutcomes } from '../search/halving.js';
import { ASHA_BATCH, continuedUpdates, hasRungs, startSearch, summarizeSearch, type Batch, type Decision, type SearchSettings, type SearchSummary, type TrialOutcome } from '../search/method.js';
import { folderIndexWidth, MAX_PLANNED_RUNS, planPoints, trainingConfigOf, type DataShape, type Plan, type PlannedPoint, type PlannedTraining } from '../sweep/plan.js';
import { canShareIterations } from '../experiment/params.js';
import { readStates, stateFileName, usableStates } from '../store/search-states.js';
import { StoreWriter } from '../store/writer.js';
import { jsonWrite, pruneWrite, runWrite, statesWrite, type StoreWrite } from '../store/writes.js';
import type { TrainingOrder } from '../execute/executor.js';
import type { TrainingConfig, TrainResult } from '../train/types.js';
import { pendingTrainings } from '../sweep/pending.js';
import type { Point } from '../sweep/grid.js';
import { stableHash } from '../sweep/identity.js';
import { canonicalJson } from '../canonical-json.js';
import type { Executor } from '../execute/executor.js';
import { dispatchAll, type DispatchResult } from '../execute/dispatch.js';
import { recordSweepLandscapes } from './landscape.js';
import { predrawDataCharts, recordDataSummary } from '../report/data-section.js';
import { longestFirst, orderOf } from '../execute/orders.js';
import { holdExitHandlers, writeJsonAtomic } from '../store/atomic.js';
import { SWEEP_FILES } from '../store/paths.js';
import { readJsonFile } from '../store/integrity.js';
import { recordedSettings } from '../store/search-file.js';
import { isObject } from '../guards.js';
import { Recorder } from '../store/recorder.js';
import type { SweepFile } from '../store/records.js';
import { closeLastSpan, closingRecord, markStopped, openSweep, recordSweepStopped, stoppedSweep } from '../store/sweeps.js';
import { readRun, type StoredRun } from '../store/read-runs.js';
import { readRecorded, recordedSearchUpdates } from '../store/recorded-updates.js';
import { RowCache, rowOf, sweepRows } from '../report/rows.js';
import { sweepDesign, type SweepDesign } from '../report/design.js';
import { objectiveStatement, type Goal, type ObjectiveKey } from '../sweep/objective.js';
import { unsupportedReason } from '../train/fast/train-fast.js';
import type { EngineMode } from '../train/types.js';
import { ENGINE_VERSION } from '../train/version.js';
import type { TrainingState } from '../train/state.js';
import { DEFAULT_TOP, rebuildSweepOutputs, renderTerminal, withRecordedCounts } from '../report/sweep-files.js';
import { predraw, warmChartEngine } from '../report/charts.js';
import { bestRunsChartSpecs } from '../report/report-html.js';
import { resumeCommand, type RunOptions } from './run-options.js';
import { describeWriteError, isWriteError, stopRemedy } from './write-errors.js';
import { useColor, type CliIO } from './io.js';
import { spanDuration } from '../report/format.js';
import { counted, plural } from '../text.js';

/** A whole number with thousands separators. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count of updates, its noun agreeing: `1 update`, `1,000 updates`. */
function updates(n: number): string {
  return `${thousands(n)} ${plural(n, 'update')}`;
}

/**
 * The spelling of each searched value of a trial, for display: a choice as the file writes it (`adam`,
 * `[8, 4]`, as a grid shows it), a drawn number as JSON gives it (its full float; tables round it).
 */
export function drawnSpellings(exp: Pick<Experiment, 'axes'>, axes: readonly SearchAxis[], params: Point): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of axes) {
    const value = params[a.name];
    const axis = a.distribution.kind === 'categorical' ? exp.axes.find((x) => x.name === a.name) : undefined;
    const i = axis ? axis.values.findIndex((v) => canonicalJson(v) === canonicalJson(value)) : -1;
    out[a.name] = i >= 0 ? axis!.spellings[i] : JSON.stringify(value);
  }
  return out;
}

/** The longest training a trial of a search without rungs can have: the largest value iterations may take. */
export function longestTrial(exp: Experiment): number {
  const axis = exp.search?.axes.find((a) => a.name === 'iterations');
  if (!axis) return exp.fixed.iterations as number;
  const d = axis.distribution;
  return d.kind === 'categorical' ? Math.max(...(d.choices as number[])) : d.high;
}

/** The search's summary for an experiment with a search. Throws: nothing (the experiment was checked). */
export function searchSummary(exp: Experiment): SearchSummary {
  return summarizeSearch(exp.search!.settings, longestTrial(exp));
}

/** `plan` for a search: the method, the searched parameters, trials, rungs and brackets, the most updates. */
export function describeSearchPlan(exp: Experiment, folds: number, workers: number | string): string {
  const search = exp.search!;
  const s = search.settings;
  const sum = searchSummary(exp);
  const space = search.axes
    .map((a) => (a.distribution.kind === 'categorical' ? `${a.name} (${counted(a.distribution.choices.length, 'choice')})` : `${a.name} ${search.spellings[a.name] ?? a.distribution.kind}`))
    .join(', ');
  const lines: string[] = [];
  const how = hasRungs(s.method) ? ` (sampler ${s.sampler}, reduction factor ${s.reductionFactor}, seed ${s.seed})` : ` (seed ${s.seed})`;
  lines.push(`${exp.name}: ${s.method} search${how} over ${space || 'no parameters'}`);
  const per = folds > 1 ? ` x ${folds} folds` : '';
  if (sum.brackets.length === 0) {
    lines.push(`plan: ${thousands(sum.trials)} ${plural(sum.trials, 'trial')}, at most ${updates(sum.mostUpdates * folds)}${per ? ` (${thousands(sum.mostUpdates)}${per})` : ''}`);
  } else {
    lines.push(`plan: ${thousands(sum.trials)} ${plural(sum.trials, 'trial')}; ${sum.rungs.length === 1 ? `rung ${updates(sum.rungs[0])}` : `rungs ${sum.rungs.map(thousands).join(', ')} updates`}`);
    sum.brackets.forEach((b, i) => {
      const label = sum.brackets.length > 1 ? `  bracket ${i}: ` : '  ';
      const count = (k: number) => (b.most && b.most[k] !== b.kept[k] ? `${thousands(b.kept[k])} to ${thousands(b.most[k])}` : thousands(b.kept[k]));
      lines.push(`${label}${b.rungs.map((r, k) => `${count(k)} at ${thousands(r)}`).join(', ')}`);
    });
    if (s.method === 'asha') {
      // The least: synchronous halving's counts, what asha trains once its early promotions hold.
      const least = continuedUpdates(sum.brackets[0].rungs, sum.brackets[0].kept);
      lines.push(`  batches of ${ASHA_BATCH} trainings; a configuration in the top 1/${s.reductionFactor} of its rung's results so far continues at once`);
      lines.push(
        `  at least ${updates(least * folds)}, at most ${thousands(sum.mostUpdates * folds)}${per ? ` (${thousands(sum.mostUpdates)}${per})` : ''} when early promotions keep being overtaken; a promoted configuration continues from its saved state`,
      );
    } else {
      lines.push(
        `  at most ${updates(sum.mostUpdates * folds)}${per ? ` (${thousands(sum.mostUpdates)}${per})` : ''}: a promoted configuration continues from its saved state`,
      );
    }
  }
  lines.push(objectiveStatement(exp.objective));
  lines.push(`workers: ${workers}`);
  return lines.join('\n');
}

/** Why a search is over the run limit: the message and hint of its refusal, and where to point. */
export interface SearchLimitProblem {
  /** Over MAX_PLANNED_RUNS (no --max-runs helps), rather than over --max-runs alone. */
  hard: boolean;
  message: string;
  hint: string;
  /** The setting pointed at (search.trials, search.min_iterations, ...) and where it is written, if it is. */
  path: string;
  /** The value of that setting, as the refusal shows it. */
  found: string;
  at?: SourcePosition & { sourceLine?: string; length?: number };
}

/** The runs of a search whose settings differ from `exp`'s in `change`. Throws: RangeError as summarizeSearch. */
function runsWith(exp: Experiment, change: Partial<SearchSettings>): number {
  return searchRuns(summarizeSearch({ ...exp.search!.settings, ...change }, longestTrial(exp)));
}

/**
 * The problem of a search that can record more runs than `maxRuns`, or than a sweep holds whatever --max-runs
 * says (MAX_PLANNED_RUNS, as for a grid); undefined when it fits. The runs are those of the plan: one per trial
 * and rung reached, asha's most (searchRuns). The fix named is one the method takes: search.trials for the
 * methods that draw a count, min_iterations (fewer rungs, fewer and smaller brackets) for hyperband.
 * Throws: nothing (the experiment was checked).
 */
export function searchLimitProblem(exp: Experiment, maxRuns: number): SearchLimitProblem | undefined {
  const search = exp.search!;
  const s = search.settings;
  const sum = searchSummary(exp);
  const runs = searchRuns(sum);
  const limit = Math.min(maxRuns, MAX_PLANNED_RUNS);
  if (runs <= limit) return undefined;
  const hard = runs > MAX_PLANNED_RUNS;
  const rungs = hasRungs(s.method) ? `, ${counted(sum.rungs.length, 'rung')}` : '';
  const what =
    s.method === 'asha'
      ? `the search can record up to ${thousands(runs)} runs (${thousands(sum.trials)} ${plural(sum.trials, 'trial')}${rungs})`
      : hasRungs(s.method)
        ? `the search plans ${thousands(runs)} runs (${thousands(sum.trials)} ${plural(sum.trials, 'trial')}${rungs})`
        : `the search draws ${thousands(runs)} configurations`;
  const message = hard
    ? `${what}: a sweep holds at most ${thousands(MAX_PLANNED_RUNS)} runs (each run gets its own folder), whatever --max-runs says`
    : `${what}, more than the limit of ${thousands(maxRuns)} runs`;
  // The value that fits the limit in force, and the one that fits a sweep when --max-runs can still be raised.
  const within = (n: number) => (n === MAX_PLANNED_RUNS ? `${thousands(n)} runs, what a sweep holds` : `${thousands(n)} runs, the --max-runs limit`);
  // Over what a sweep holds with a lower --max-runs: also the value that --max-runs 100000 would take. Under it,
  // raising --max-runs is the other way out.
  const limits = hard && limit < MAX_PLANNED_RUNS ? [limit, MAX_PLANNED_RUNS] : [limit];
  if (s.method === 'hyperband') {
    // Hyperband's counts follow from its rungs: the smallest first rung whose rungs fit.
    const firstRungWithin = (cap: number): number => {
      for (let k = sum.rungs.length - 1; k >= 1; k--) {
        const m = Math.ceil(s.maxIterations / Math.pow(s.reductionFactor, k - 1));
        if (m > s.minIterations && runsWith(exp, { minIterations: m }) <= cap) return m;
      }
      return s.maxIterations;
    };
    const [first, second] = limits.map(firstRungWithin);
    const alt = second !== undefined ? ` (${within(limit)}; ${second} with --max-runs ${MAX_PLANNED_RUNS})` : ` (${within(limit)})`;
    const at = search.sizeAt?.min_iterations ?? search.sizeAt?.iterations;
    return {
      hard,
      message,
      hint:
        `raise search.min_iterations to ${first} or more${alt}: fewer rungs, fewer and smaller brackets; or raise search.reduction_factor, or lower iterations` +
        (hard ? '' : `; or raise the limit with --max-runs N (up to ${thousands(MAX_PLANNED_RUNS)})`),
      path: at?.path ?? 'search.min_iterations',
      found: String(at === search.sizeAt?.min_iterations ? s.minIterations : s.maxIterations),
      ...(at ? { at } : {}),
    };
  }
  // The most trials that fit: runs grow with trials, so a bisection finds them.
  const trialsWithin = (cap: number): number => {
    let lo = 1;
    let hi = s.trials;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (runsWith(exp, { trials: mid }) <= cap) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const [most, more] = limits.map(trialsWithin);
  const alt = more !== undefined ? ` (${within(limit)}; ${thousands(more)} with --max-runs ${MAX_PLANNED_RUNS})` : ` (${within(limit)})`;
  const fewer = hasRungs(s.method) ? ', raise search.min_iterations (fewer rungs)' : '';
  const split = hard ? ', or split the search into several experiments' : `, or raise the limit with --max-runs N (up to ${thousands(MAX_PLANNED_RUNS)})`;
  return {
    hard,
    message,
    hint: `lower search.trials to ${thousands(most)} or fewer${alt}${fewer}${split}`,
    path: 'search.trials',
    found: String(s.trials),
    ...(search.trialsAt ? { at: search.trialsAt } : {}),
  };
}

/**
 * Refuse a search that can record more runs than the run limit, or than a sweep holds whatever --max-runs
 * says (searchLimitProblem), at the setting to change. Throws: DiagnosticError (UserError when the setting is
 * not written in the file).
 */
export function checkSearchLimit(file: string, exp: Experiment, maxRuns: number): void {
  const problem = searchLimitProblem(exp, maxRuns);
  if (!problem) return;
  const { message, hint, at, path, found } = problem;
  if (at) throw new DiagnosticError([{ severity: 'error', path, message, hint, found, ...at, file }]);
  throw new UserError(`${file}: ${message}`, hint);
}

// ---------------------------------------------------------------------------------------------------------
// Running a search: batches proposed by the method, trained on the executor, recorded, read back.

/** What the search runner needs from `run`: the experiment, its data and the sizes the planner uses. */
export interface LoadedSearch {
  exp: Experiment;
  data: PreparedDataset;
  shape: DataShape;
}

/**
 * The objective of a recorded run, as the search methods read it: the value of one key's metric when the run
 * is done, NaN otherwise (diverged, failed or undefined: ranked last whatever the goal).
 */
export function objectiveOf(run: StoredRun | undefined, objective: ObjectiveKey): number {
  return objectiveValues(run, [objective])[0];
}

/**
 * A recorded run's outcome for the search methods: the value of each key of the objective (objectiveOf), the
 * first as `value`, the later ones (objectives of several keys) as `rest`.
 */
export function objectiveOutcome(run: StoredRun | undefined, keys: readonly ObjectiveKey[]): { value: number; rest?: number[] } {
  const [value, ...rest] = objectiveValues(run, keys);
  return rest.length ? { value, rest } : { value };
}

function objectiveValues(run: StoredRun | undefined, keys: readonly ObjectiveKey[]): number[] {
  if (run?.metrics?.status !== 'done') return keys.map(() => NaN);
  const metrics = rowOf('', run).metrics;
  return keys.map((k) => {
    const v = metrics[k.metric];
    return typeof v === 'number' ? v : NaN;
  });
}

/** Runs a search records: one per trial and rung reached (asha: the most it can record). */
export function searchRuns(sum: SearchSummary): number {
  return sum.brackets.length === 0 ? sum.trials : sum.brackets.reduce((n, b) => n + (b.most ?? b.kept).reduce((s, k) => s + k, 0), 0);
}

/** The identity of a search: everything that decides its batches and numbers (checked on --resume). */
export function searchIdentity(exp: Experiment, shape: DataShape, engine: EngineMode): string {
  const s = exp.search!;
  // A declared objective decides promotions and TPE's split; the default one is left out, so searches
  // recorded before objectives were declared keep their identity.
  const objective = exp.objective.declared ? { objective: exp.objective.keys } : {};
  return stableHash({ engine: ENGINE_VERSION, engine_mode: engine, dataset: shape.fingerprint, settings: s.settings, axes: s.axes, fixed: exp.fixed, curve_every: exp.record.curve_every, ...objective });
}

/**
 * How halving, asha and Hyperband continue trainings from rung to rung (null for the other methods):
 * - horizon(config): the length a configuration's training is shaped for: the largest rung when the training
 *   depends on its length (canShareIterations false: cosine, one_cycle, early stopping), so that every rung is
 *   that one training stopped early; undefined otherwise (every rung is then a plain training of its length).
 * - key(config): the identity of a configuration's training whatever its length, naming its saved states.
 */
function continuation(exp: Experiment, shape: DataShape, engine: EngineMode): { horizon(config: TrainingConfig): number | undefined; key(config: TrainingConfig): string } | null {
  const s = exp.search!.settings;
  if (!hasRungs(s.method)) return null;
  const horizon = (config: TrainingConfig) => (canShareIterations(config) ? undefined : s.maxIterations);
  return {
    horizon,
    key: (config) => stableHash({ engine: ENGINE_VERSION, engine_mode: engine, dataset: shape.fingerprint, config, curve_every: exp.record.curve_every, horizon: horizon(config) ?? null }),
  };
}

/**
 * The names of the saved states a search still needs after the batches recorded in `f`: each configuration's
 * at the rung it reached, unless that is the largest or a decision stopped it there.
 */
function liveStates(f: SearchFile, exp: Experiment, cont: NonNullable<ReturnType<typeof continuation>>, keys: Map<number, string>): Set<string> {
  const stopped = new Set(f.batches.flatMap((b) => b.decisions.flatMap((d) => d.stopped)));
  const live = new Set<string>();
  if (f.finished) return live;
  for (const t of f.trials) {
    if (stopped.has(t.trial) || t.rung_reached >= f.rungs.length - 1) continue;
    // A trial's parameters never change: its key is hashed once, not after every batch.
    let key = keys.get(t.trial);
    if (key === undefined) {
      key = cont.key(trainingConfigOf({ ...exp.fixed, ...t.params }));
      keys.set(t.trial, key);
    }
    live.add(stateFileName(key, f.rungs[t.rung_reached]));
  }
  return live;
}

/**
 * Where a training of runs at `places` continues from: the length of the previous rung, whose saved state it
 * resumes, when its runs are at one rung above its bracket's first; undefined when it starts from scratch
 * (asha may train two trials of one configuration at two rungs in one training, from the start).
 */
function continuedFrom(places: { bracket: number; rung: number }[], summary: SearchSummary): number | undefined {
  const place = places.reduce((a, b) => (b.rung > a.rung ? b : a));
  const oneRung = places.every((x) => x.rung === place.rung);
  return oneRung && summary.rungs[place.rung] > summary.brackets[place.bracket].rungs[0] ? summary.rungs[place.rung - 1] : undefined;
}

/** How many batches the search.json of `dir` records (0 when there is none, or it cannot be read). Never throws. */
function recordedBatches(dir: string): number {
  const read = readJsonFile<Partial<SearchFile>>(join(dir, SWEEP_FILES.search), SWEEP_FILES.search);
  return 'value' in read && isObject(read.value) && Array.isArray(read.value.batches) ? read.value.batches.length : 0;
}

/**
 * A training's result from the start with the trajectory the training continued from its state after `from`
 * updates records: its points from update `from` on, none when early stopping had ended it by then (the state
 * says stopped, and nothing more trains). Everything else of the two results is the same (train.ts).
 */
function continuedTrajectory(r: TrainResult, from: number): TrainResult {
  if (!r.trajectory) return r;
  const ended = r.stopped !== undefined && r.stopped.iteration <= from;
  return { ...r, trajectory: ended ? [] : r.trajectory.filter((p) => p.iteration >= from) };
}

/** search.json: the search's state, rewritten after every batch (see src/store/paths.ts). */
export interface SearchFile {
  method: string;
  /** The settings that apply to the method, in snake_case (store/search-file.ts recordedSettings). */
  settings: Record<string, unknown>;
  objective: { metric: string; goal: string };
  space: SearchAxis[];
  rungs: number[];
  brackets: SearchSummary['brackets'];
  batches: { index: number; decisions: Decision[]; runs: { trial: number; bracket: number; rung: number; iterations: number; folder: string; value: number | null }[] }[];
  trials: { trial: number; bracket: number; params: Record<string, ParamValue>; rung_reached: number; values: (number | null)[] }[];
  /**
   * The objective's best run over every rung (recordBatch): the run sweep.json's best and EXPERIMENT/best name.
   * `value`: its first key's; `rest`: its later keys' (objectives of several keys only).
   */
  best: { trial: number; rung: number; folder: string; value: number; rest?: number[]; run_id?: string } | null;
  finished: boolean;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * How many batches' writes may be in flight when another batch is dispatched. Halving's first rung is many
 * short batches (TPE: 10, then 8 trainings of 100 updates) that train faster than the writer writes their
 * folders: one batch in flight left the threads waiting for the writer. A kill loses the lagging writes (a
 * resume trains those runs again, to the same bytes); a failed write stops the search at once (onFailure).
 */
const WRITE_LAG = 16;

/** What `run` hands a search: the experiment file and its loaded inputs, the CLI's options and streams. */
export interface SearchRun {
  file: string;
  options: RunOptions;
  io: CliIO;
  /** The executor, reached before anything is written (a queue that cannot be used leaves no sweep). */
  connect: () => Promise<Executor>;
  /** The workers as the plan line says them (a count, or the queue's description). */
  workers: number | string;
  loaded: LoadedSearch;
  gitHead: Promise<string | null>;
  /** The store's writer thread that writes the search's files (started by the caller while the inputs loaded). */
  writer: StoreWriter;
  /** Told the sweep's id once it is open (the queue tags its jobs with it). */
  opened?: (sweep: { id: string; experiment: string }) => void;
}

/**
 * `run` for an experiment with a search: open (or resume) the sweep, then batch by batch ask the method for
 * the next trainings, train those not recorded yet on the executor, record them, read their objective back
 * from the run folders and write search.json. A resumed search replays the method over the recorded outcomes,
 * so it takes the same decisions; runs recorded already are not trained again. The writer is stopped before
 * this returns or throws.
 * Returns the exit code (0 done, 1 some runs failed or the sweep stopped, 130 interrupted).
 * Throws: UserError for a search over the run limit, an --engine fast it cannot honour, or a resume target that
 * does not match.
 */
export async function runSearchSweep(run: SearchRun): Promise<number> {
  try {
    return await searchSweep(run);
  } finally {
    // Stopped whatever happened (a refused resume, a queue that cannot be reached) once its writes are done.
    await run.writer.close();
  }
}

async function searchSweep({ file, options, io, connect, workers, loaded, gitHead, writer, opened }: SearchRun): Promise<number> {
  const { exp, data, shape } = loaded;
  const search = exp.search!;
  const settings = search.settings;
  const keys = exp.objective.keys;
  const objective = keys[0];
  const goals = keys.map((k) => k.goal);
  checkSearchLimit(file, exp, options.maxRuns);
  const summary = searchSummary(exp);
  const total = searchRuns(summary);
  // Reached before anything is written: a queue that cannot be used leaves no sweep folder behind.
  const executor = await connect();
  const folds = data.folds.length;
  const plannedUpdates = summary.mostUpdates * folds;
  const log = (s: string) => {
    if (!options.quiet) io.stderr.write(s + '\n');
  };
  const report = formatDatasetReport(data.report);
  const seedPlan: Plan = { gridSize: total, runs: [], trainings: [], naiveIterations: plannedUpdates, plannedIterations: plannedUpdates, shared: options.share, engine: options.engine, planHash: searchIdentity(exp, shape, options.engine) };
  const open = await openSweep(seedPlan, {
    runsDir: resolve(io.cwd, options.runsDir),
    experiment: { name: exp.name, text: exp.text, description: exp.description, tags: exp.tags, objective: exp.objective },
    dataset: { name: exp.dataset.kind === 'csv' ? (exp.dataset.name ?? null) : null, sha256: data.file_sha256, fingerprint: data.fingerprint, report, folds },
    gitCommit: await gitHead,
    resume: options.resume,
    search: { method: settings.method, trials: summary.trials },
    ...(options.repair ? { repair: { extensions: [] } } : {}),
  });
  const { dir, id: sweepId } = open;
  await recordDataSummary(dir, data, (line) => io.stderr.write(line + '\n'));
  opened?.({ id: open.id, experiment: exp.name });
  const abort = new AbortController();
  let exitNow!: (sig: NodeJS.Signals) => void;
  const secondSignal = new Promise<NodeJS.Signals>((r) => (exitNow = r));
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) return exitNow(sig);
    io.stderr.write(`\n${sig}: stopping (in-flight runs are marked interrupted). Press Ctrl-C again to exit at once.\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const releaseExitHandlers = holdExitHandlers();
  // What releasing the lock said, once said (ReleaseLock).
  let lockNote: string | undefined;
  // updates_trained: the updates the recorded runs account for (recorded-updates.ts), counted batch by batch
  // from the runs as recorded, by this process or an earlier one, never from a count an earlier process kept:
  // its sweep.json lags its run folders, and a kill loses the difference. So a search killed at any moment
  // and resumed counts what an uninterrupted one does.
  let updatesTrained = 0;
  // What this process computed (a continued training from where its state stood): said on a resume.
  let trainedHere = 0;
  // While a resume replays the batches recorded before, sweep.json keeps the count it had (the count so far
  // is lower); from the first batch to train (or the end) on, it holds the count of every recorded batch.
  let replaying = open.previous !== undefined;
  let trainings = 0;
  const kept = open.previous?.updates_trained;
  // The search's fields of sweep.json as they stand (also for a record written on a failed write).
  const extra = () => ({ trainings, planned_updates: plannedUpdates, ...(!replaying ? { updates_trained: updatesTrained } : kept !== undefined ? { updates_trained: kept } : {}), search: { method: settings.method, trials: summary.trials } });
  try {
    log(report);
    log(describeSearchPlan(exp, folds, workers));
    log(`sweep: ${dir}`);
    // Where a training of a batch's plan starts: a continued one from the rung before (as the search trains it).
    const startIn = (plan: Plan) => (t: PlannedTraining) => (cont ? (continuedFrom(t.runs.map((i) => plan.runs[i].search!), summary) ?? 0) : 0);
    // Every batch's plan so far: a search stopped by a failed write counts again what reached the disk.
    const plans: Plan[] = [];
    await writeJsonAtomic(join(dir, SWEEP_FILES.sweep), { ...open.sweep, ...extra() });
    const width = folderIndexWidth(total);
    const trainingData = { fingerprint: data.fingerprint, folds: data.folds };
    const proposals = startSearch(search.axes, settings, goals);
    const file_: SearchFile = {
      method: settings.method,
      settings: recordedSettings(settings),
      objective: { ...objective },
      space: search.axes,
      rungs: summary.rungs,
      brackets: summary.brackets,
      batches: [],
      trials: [],
      best: null,
      finished: false,
    };
    const cont = continuation(exp, shape, options.engine);
    // Batches an earlier process recorded (resume): a run of theirs trained again (a damaged folder) is no
    // frontier, and the states on disk of the batches after it are still to be used.
    const replayed = recordedBatches(dir);
    const trialKeys = new Map<number, string>();
    // The states this process kept (by file name, stateFileName), also handed to the writer: a continued
    // training takes its state from here, not waiting for the writes; states an earlier process recorded
    // (resume) are read from disk. Either way the same state (plain JSON data, see train/state.ts).
    const keptStates = new Map<string, TrainingState[]>();
    let runIndex = 0;
    let trainedNow = false;
    let dispatchResult: DispatchResult = { interrupted: false };
    const recorders: Recorder[] = [];
    // Of the flat metrics, only the ROC AUC's interval is computed from the predictions (rowOf).
    const withPredictions = keys.some((k) => /\.roc_auc_ci_(low|high)$/.test(k.metric));
    // A batch's run folders, then search.json and sweep.json naming them, are written while the next batch
    // trains (its proposals come from the records in memory): search.json never names a run not written.
    // The writer thread does them, in that order, while this thread dispatches the next batch.
    // What is not handed over yet: the held runs of a batch's recorder, then the files that name them.
    let unwritten: { recorder?: Recorder; then: () => StoreWrite[] } | undefined;
    // While those are handed over: the states saved meanwhile, handed after them (writeStates).
    let statesWaiting: StoreWrite[][] | undefined;
    // The writer's number of each batch's writes (StoreWriter.write), in the order handed over.
    const handed: number[] = [];
    // The batch training now stops at once when a write fails (whichever batch's it was).
    let batchStop: AbortController | undefined;
    writer.onFailure = () => batchStop?.abort();
    // The report's rows of the recorded runs, prepared while threads are idle (prepare).
    const rowCache = new RowCache(dir);
    let design: { value: SweepDesign | undefined } | undefined;
    let reading = 0;
    let dropGuess = () => undefined as void;
    let predrawn = false;
    /**
     * While a batch of fewer trainings than threads trains (the last rungs), prepare the report: this thread
     * makes the rows of the runs that search.json names (never changed again; from the recorders' memory, or
     * read from their folders when recorded by an earlier process), one run per turn of the event loop so that
     * an outcome is handled at once; stopped when the batch ends.
     */
    const prepare = async (): Promise<void> => {
      // The design of the saved experiment for the tables: it does not change while the search runs.
      design ??= { value: sweepDesign(dir, exp) };
      const turn = ++reading;
      try {
        let drained = false;
        for (const b of file_.batches) {
          for (const r of b.runs) {
            if (turn !== reading) return;
            if (rowCache.has(r.folder)) continue;
            // A run recorded now is taken from its recorder; one recorded before (resume) is read from its
            // folder once the writes handed over are done.
            const held = recordedFolder(recorders, r.folder);
            if (!held && !drained) {
              await writer.drained();
              drained = true;
              if (turn !== reading) return;
            }
            rowCache.add([r.folder], () => held);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        if (turn !== reading) return;
        // The charts of the best runs so far, drawn by an idle thread: when the runs training now do not rank
        // among the best (the last configuration of halving often does not), the report asks for these specs.
        dropGuess();
        // From the runs search.json names, not the folder's listing: the writes may lag behind.
        const folders = file_.batches.flatMap((b) => b.runs.map((r) => r.folder));
        dropGuess = predraw(bestRunsChartSpecs(sweepRows(dir, undefined, rowCache, folders)));
      } catch {
        // Read again by the report, which says what is wrong.
      }
    };
    /** Hand the held writes to the writer thread; returns the error that stopped the writing, if known yet. */
    const writeBatch = (): Error | undefined => {
      const write = unwritten;
      unwritten = undefined;
      try {
        if (write) handed.push(writer.write([...(write.recorder ? heldWrites(write.recorder) : []), ...write.then()]));
        return writer.failure;
      } catch (e) {
        return e instanceof Error ? e : new Error(String(e));
      }
    };
    /**
     * As writeBatch, while a batch trains: one run folder made ready per turn of the event loop, so that a
     * thread that finished a training gets its next one at once (a batch's folders took the main thread
     * about 10 ms, while the threads' trainings of 100 updates take 1-5 ms each).
     */
    const writeBatchWhileTraining = async (): Promise<Error | undefined> => {
      const write = unwritten;
      unwritten = undefined;
      statesWaiting = [];
      try {
        if (write) {
          const writes: StoreWrite[] = [];
          await write.recorder?.flushEach((w) => writes.push(runWrite(dir, w)), () => new Promise((resolve) => setImmediate(resolve)));
          handed.push(writer.write([...writes, ...write.then()]));
        }
        return writer.failure;
      } catch (e) {
        return e instanceof Error ? e : new Error(String(e));
      } finally {
        const waiting = statesWaiting;
        statesWaiting = undefined;
        try {
          for (const states of waiting) writer.write(states);
        } catch {
          // The writer has stopped: its failure stops the search (writer.failure, onFailure).
        }
      }
    };
    /**
     * Hand a training's saved states to the writer: at once, or, while the batch before's writes are being
     * handed over (writeBatchWhileTraining), after them. Those end by pruning the states no longer needed,
     * as known before this batch: a state of this batch's handed before them would be deleted.
     */
    const writeStates = (states: StoreWrite[]): void => {
      if (statesWaiting) statesWaiting.push(states);
      else writer.write(states);
    };
    /** The held run folders of a recorder, as writes for the writer thread (in recording order). */
    const heldWrites = (recorder: Recorder): StoreWrite[] => {
      const writes: StoreWrite[] = [];
      recorder.flush((w) => writes.push(runWrite(dir, w)));
      return writes;
    };
    for (;;) {
      const batch = proposals.current;
      // The writes may lag behind the trainings by WRITE_LAG batches (the writer is slower than a rung 0 batch
      // trains): those handed over earlier are done before another batch trains. A failed write stops the
      // batch training then (onFailure), and the search.
      try {
        await writer.through(handed.at(-WRITE_LAG) ?? 0);
      } catch (e) {
        dispatchResult = { interrupted: false, fatal: e as Error };
        break;
      }
      if (!batch) {
        const error = writeBatch();
        if (error) dispatchResult = { interrupted: false, fatal: error };
        else file_.finished = true;
        break;
      }
      const points: PlannedPoint[] = batch.requests.map((r) => {
        const params: Point = { ...exp.fixed, ...r.params };
        if (r.iterations !== undefined) params.iterations = r.iterations;
        const spellings = drawnSpellings(exp, search.axes, params);
        const horizon = cont?.horizon(trainingConfigOf(params));
        const short = horizon !== undefined && (params.iterations as number) < horizon;
        return { index: runIndex++, params, spellings, search: { trial: r.trial, bracket: r.bracket, rung: r.rung, ...(short ? { horizon } : {}) } };
      });
      const plan = planPoints(points, shape, { share: options.share, engine: options.engine, width });
      trainings += plan.trainings.length;
      if (plan.engine === 'fast') {
        for (const t of plan.trainings) {
          const reason = unsupportedReason(t.config);
          if (reason !== null) throw new UserError(`${file}: --engine fast: ${reason}`, 'use --engine auto or --engine ts');
        }
      }
      // Runs recorded by an earlier process (resume) keep their bytes; the others are trained now.
      const todo = new Set<number>();
      const recorded = new Map<number, StoredRun>();
      plan.runs.forEach((run, i) => {
        // A new sweep has no run folder but those this process writes: none of this batch's yet. Otherwise every
        // file a reader needs is checked (model.json, curve.csv, predictions.csv...), as verify does: a run folder
        // damaged after the search finished is trained again, as a grid's resume does.
        const stored = open.previous === undefined ? undefined : readRun(dir, run.folder, true, exp.record.curve_every);
        const m = stored?.metrics;
        if (stored?.damaged) io.stderr.write(`warning: ${run.folder}: ${stored.damaged.join('; ')}: training it again\n`);
        if (!(stored && !stored.damaged && m && m.run_id === run.id && (m.status === 'done' || m.status === 'diverged'))) todo.add(i);
        else recorded.set(i, stored);
      });
      plans.push(plan);
      if (todo.size > 0 && batch.index >= replayed) replaying = false;
      let recorder: Recorder | undefined;
      if (todo.size > 0) {
        trainedNow = true;
        // The lengths of the runs trained now (a resume trains again only those not recorded).
        const trained = batch.requests.filter((_, i) => todo.has(i));
        const longest = Math.max(...trained.map((r) => r.iterations ?? 0));
        const mixed = new Set(trained.map((r) => r.rung)).size > 1;
        // Hyperband runs its brackets one after the other: a batch is one rung of one bracket, named so.
        const bracketText = search.settings.method === 'hyperband' ? `bracket ${batch.requests[0].bracket} of brackets 0-${summary.brackets.length - 1}, ` : '';
        const rungText =
          batch.requests[0].iterations === undefined
            ? ''
            : mixed
              ? ` at ${[...new Set(trained.map((r) => r.iterations!))].sort((a, b) => a - b).map(thousands).join(', ')} updates (asha: promotions and new draws)`
              : ` at ${updates(longest)} (${bracketText}rung ${trained[0].rung} of rungs 0-${summary.rungs.length - 1})`;
        // Batches, brackets and rungs count from 0, as search.json, compare's rung column and the report do.
        log(`batch ${batch.index}: ${thousands(todo.size)} ${plural(todo.size, 'run')}${rungText}`);
        const pending = pendingTrainings(plan, todo);
        // As a grid records: model.json with its preprocessing, and the validation predictions.
        const batchRecorder = new Recorder(dir, plan, pending, folds, exp.record.curve_every, {}, data.preprocessing[0], data.folds);
        batchRecorder.hold();
        recorder = batchRecorder;
        recorders.push(batchRecorder);
        // Halving and Hyperband: a configuration below the largest rung keeps its training's state, and a
        // promoted one continues from the state it kept at the previous rung (states/, see search-states.ts).
        const stateKeys = new Map<TrainingOrder, string>();
        // Trainings that would continue from the state at this many updates, but train from the start.
        const fromScratch = new Map<TrainingOrder, number>();
        // Longest first: the batch ends when its last training does.
        const orders = longestFirst(pending.map((p) => {
          const order = orderOf(plan, p, trainingData, exp.record.curve_every, exp.record.checkpoints_every);
          if (!cont) return order;
          // asha may train two trials of one configuration (a list-only space) at two rungs in one batch: one
          // training to the longer, from the start (its state at the shorter rung is not that training's).
          const places = p.runs.map((r) => r.search!);
          const place = places.reduce((a, b) => (b.rung > a.rung ? b : a));
          const config = plan.trainings[p.training].config;
          const key = cont.key(config);
          const horizon = cont.horizon(config);
          const from = continuedFrom(places, summary);
          const kept = from !== undefined ? keptStates.get(stateFileName(key, from)) : undefined;
          const resume = from === undefined ? undefined : kept ? usableStates(kept, from, folds) : readStates(dir, key, from, folds);
          const keep = place.rung < summary.rungs.length - 1;
          const out: TrainingOrder = { ...order, ...(horizon !== undefined ? { horizon } : {}), ...(keep ? { keep_state: true } : {}), ...(resume ? { resume } : {}) };
          stateKeys.set(out, key);
          // Without its saved state, a training that continues trains from the start: the same numbers, but a
          // trajectory from update 0, cut to the continued training's (the run's files do not depend on a state).
          if (from !== undefined && !resume) fromScratch.set(out, from);
          return out;
        }));
        // Aborted by a signal, or by a failed write.
        const stop = new AbortController();
        batchStop = stop;
        const onAbort = () => stop.abort();
        abort.signal.addEventListener('abort', onAbort, { once: true });
        if (abort.signal.aborted) stop.abort();
        const dispatched = dispatchAll(executor, orders, {
          signal: stop.signal,
          onOutcome: (order, given) => {
            const from = fromScratch.get(order);
            const outcome = from !== undefined && given.status === 'done' ? { ...given, results: given.results.map((r) => continuedTrajectory(r, from)) } : given;
            const length = order.checkpoints[order.checkpoints.length - 1];
            if (outcome.status === 'done' && order.keep_state) {
              // Kept for the next rung's trainings, and handed to the writer at once, before the run's folder: a
              // recorded run below the largest rung has its state beside it (for a resume).
              const states = outcome.results.map((r) => r.state);
              if (states.every((x): x is TrainingState => x !== undefined)) {
                const key = stateKeys.get(order)!;
                keptStates.set(stateFileName(key, length), states);
                writeStates([statesWrite(dir, key, length, states)]);
              }
            }
            batchRecorder.record(order.training, outcome);
            // The updates computed: a continued training starts where its state stood.
            if (outcome.status === 'done') trainedHere += outcome.results.reduce((n, r, f) => n + r.iterations_run - (order.resume?.[f].iteration ?? 0), 0);
          },
        });
        // A batch too small to give every thread two trainings leaves a thread idle before it ends (the last
        // rungs), as does the tail of the only batch of random and quasirandom: from then on idle threads
        // load the chart library and draw the report's data charts, which do not depend on the runs. Not
        // between the short batches before: a chart started in the moment between two batches holds up a
        // training of the next.
        const threads = executor.threads ?? Infinity;
        const onlyBatch = settings.method === 'random' || settings.method === 'quasirandom';
        if (!predrawn && (pending.length < 2 * threads || onlyBatch)) {
          predrawn = true;
          void warmChartEngine();
          predrawDataCharts(dir);
        }
        // While the workers train: the batch before's run folders and search.json.
        const writing = writeBatchWhileTraining().then((error) => {
          if (error) stop.abort();
          else if (pending.length < threads) void prepare();
          return error;
        });
        const first = await Promise.race([dispatched, secondSignal]);
        // Handed over before anything of this batch is (on a second signal too): the writer keeps their order.
        const writeError = await writing;
        batchStop = undefined;
        reading++;
        abort.signal.removeEventListener('abort', onAbort);
        if (typeof first === 'string') {
          // Runs finished by now are kept (the others are trained again on resume).
          if (!writer.failure) {
            try {
              writer.write(heldWrites(batchRecorder));
              await writer.drained();
            } catch {
              // exiting anyway: a resume trains them again
            }
          }
          io.stderr.write(`\n${first} again: exiting now. Resume with: ${resumeCommand(file, sweepId, options)}\n`);
          return 130;
        }
        const failed = writeError ?? writer.failure;
        if (failed) {
          dispatchResult = { interrupted: false, fatal: failed };
          break;
        }
        dispatchResult = first;
        if (first.interrupted || first.fatal) {
          // The runs of the batch that finished are written, and counted (a failed write is counted again below).
          updatesTrained += recordedSearchUpdates(plan, recordedOf(dir, plan, batchRecorder, recorded), folds, startIn(plan));
          unwritten = { recorder: batchRecorder, then: () => [] };
          const error = writeBatch();
          if (error) dispatchResult = { ...dispatchResult, fatal: dispatchResult.fatal ?? error };
          break;
        }
      } else {
        // A batch recorded by an earlier process (resume): nothing trains meanwhile.
        const error = writeBatch();
        if (error) {
          dispatchResult = { interrupted: false, fatal: error };
          break;
        }
      }
      // Runs trained now: their records in memory; runs recorded before: read back from their folders.
      const stored = recordedOf(dir, plan, recorder, recorded, withPredictions);
      const outcomes: TrialOutcome[] = plan.runs.map((run, i) => ({
        trial: run.search!.trial,
        rung: run.search!.rung,
        ...objectiveOutcome(stored.get(i), keys),
      }));
      updatesTrained += recordedSearchUpdates(plan, stored, folds, startIn(plan));
      proposals.answer(outcomes);
      recordBatch(file_, batch, plan, outcomes, goals);
      // The states of configurations stopped, or moved on to the next rung, are no longer needed (after a
      // batch trained now past those recorded before: a batch replayed on resume, even one with a damaged run
      // trained again, knows less than the states on disk).
      const live = cont && todo.size > 0 && batch.index >= replayed ? liveStates(file_, exp, cont, trialKeys) : undefined;
      if (live) for (const name of keptStates.keys()) if (!live.has(name)) keptStates.delete(name);
      const sweepNow = { ...open.sweep, ...extra() };
      // file_ is not changed again before this is called (by the next batch, or after the last).
      unwritten = {
        recorder,
        then: () => [jsonWrite(join(dir, SWEEP_FILES.search), file_), jsonWrite(join(dir, SWEEP_FILES.sweep), sweepNow), ...(live ? [pruneWrite(dir, live)] : [])],
      };
    }
    // The guessed charts of the best runs not started yet are forgotten (the report draws those it asks for).
    // The data charts, which the report always asks for, go on being drawn while the last writes drain.
    dropGuess();
    replaying = false;
    const failures = recorders.flatMap((r) => r.failures);
    if (!dispatchResult.fatal) {
      writer.write([jsonWrite(join(dir, SWEEP_FILES.search), file_), ...(cont && file_.finished ? [pruneWrite(dir, new Set())] : [])]);
    }
    // Everything handed over is on disk before the outputs read the run folders (or a write failed).
    try {
      await writer.drained();
    } catch (e) {
      dispatchResult = { ...dispatchResult, fatal: dispatchResult.fatal ?? (e as Error) };
    }
    // A failed write left some of the runs counted unwritten: the count is of the runs on disk.
    if (dispatchResult.fatal) updatesTrained = plans.reduce((n, plan) => n + recordedSearchUpdates(plan, readRecorded(dir, plan, plan.runs.keys()), folds, startIn(plan)), 0);
    let sweep: SweepFile = { ...closingRecord(open, dispatchResult), ...extra() };
    // asha's run count is known once it finishes (its plan holds the most it can record).
    if (settings.method === 'asha' && file_.finished) sweep = { ...sweep, grid_size: runIndex };
    // closingRecord keeps the times of a resume that had nothing to do; the search knows whether it trained.
    if (trainedNow) {
      const endedAt = new Date().toISOString();
      sweep = { ...sweep, ended_at: endedAt, resumed_at: open.sweep.resumed_at, active: closeLastSpan(open.sweep.active, endedAt) };
    }
    if (dispatchResult.fatal) {
      try {
        ({ sweep } = await rebuildSweepOutputs(dir, sweep));
      } catch {
        // The disk may be full: written in place if need be, so that it never says running (store/sweeps.ts),
        // with the counts of the run folders on disk.
        recordSweepStopped(dir, withRecordedCounts(dir, sweep));
      }
      // Released before the message, which says so when the lock cannot be removed (a read-only folder).
      lockNote = await open.release();
      io.stderr.write(`error: the search stopped: ${describeWriteError(dispatchResult.fatal)}\n${stopRemedy(dispatchResult.fatal)}, then resume: ${resumeCommand(file, sweepId, options)}${lockNote ? `\nnote: ${lockNote}` : ''}\n`);
      return 1;
    }
    if (exp.record.landscape && !dispatchResult.interrupted) await recordSweepLandscapes(dir, exp.record.landscape, data.folds, (line) => io.stderr.write(line + '\n'));
    // The terminal's table is laid out while the report's charts are drawn.
    let table = '';
    ({ sweep } = await rebuildSweepOutputs(dir, sweep, { rows: rowCache, design: (design ??= { value: sweepDesign(dir, exp) }).value, meanwhile: (c) => (table = renderTerminal(c, { color: useColor(io, io.stdout), top: options.top ?? DEFAULT_TOP })) }));
    io.stdout.write(table + '\n');
    const best = file_.best;
    log(
      `recorded ${thousands(sweep.counts.done)} done, ${thousands(sweep.counts.diverged)} diverged, ${thousands(sweep.counts.failed)} failed` +
        (sweep.counts.interrupted ? `, ${thousands(sweep.counts.interrupted)} interrupted` : '') +
        ` in ${spanDuration(sweep, open.sweep.active?.at(-1)?.started_at)}; ${updates(updatesTrained)} trained of at most ${thousands(plannedUpdates)}` +
        (open.previous ? ` (${thousands(trainedHere)} by this run)` : '') +
        (best ? `\nbest: trial ${best.trial} (${best.folder}), ${objective.metric} ${best.value.toPrecision(6)}` : '') +
        `\nsearch: ${join(dir, SWEEP_FILES.search)}`,
    );
    if (failures.length) io.stderr.write(`failed runs:\n${failures.map((f) => `  ${f.folder}: ${f.error}`).join('\n')}\n`);
    if (dispatchResult.interrupted) {
      io.stderr.write(`interrupted. Resume with: ${resumeCommand(file, sweepId, options)}\n`);
      return 130;
    }
    return failures.length > 0 ? 1 : 0;
  } catch (e) {
    // A write failure not met by the batches (sweep.json before the first one, the outputs at the end): the
    // sweep is recorded failed (never left running) and `run` says how to resume it.
    if (!isWriteError(e) || stoppedSweep(e)) throw e;
    const endedAt = new Date().toISOString();
    recordSweepStopped(dir, withRecordedCounts(dir, { ...closingRecord(open, { interrupted: false, fatal: e }), ...extra(), ended_at: endedAt, resumed_at: open.sweep.resumed_at, active: closeLastSpan(open.sweep.active, endedAt) }));
    throw markStopped(e, dir);
  } finally {
    await writer.close();
    releaseExitHandlers();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const note = await open.release();
    if (note && note !== lockNote) io.stderr.write(`note: ${note}\n`);
  }
}

/**
 * The runs of a batch's `plan` as recorded, by index: those `recorder` recorded now (from its memory), else
 * those in `before` (read from their folders before the batch trained), else read from their folders.
 */
function recordedOf(dir: string, plan: Plan, recorder: Recorder | undefined, before: ReadonlyMap<number, StoredRun>, withPredictions = false): Map<number, StoredRun> {
  const out = new Map<number, StoredRun>();
  plan.runs.forEach((run, i) => {
    const r = recorder?.recordedRun(run.folder, withPredictions) ?? before.get(i) ?? readRun(dir, run.folder);
    if (r) out.set(i, r);
  });
  return out;
}

/** A run recorded by one of these recorders, as its folder reads once written (Recorder.recordedFolder). */
function recordedFolder(recorders: readonly Recorder[], folder: string): ReturnType<Recorder['recordedFolder']> {
  for (const r of recorders) {
    const held = r.recordedFolder(folder);
    if (held) return held;
  }
  return undefined;
}

/**
 * Add a finished batch to search.json's record: its decisions, its runs with their objective, each trial's
 * progress and the best. The best is the objective's best run over every run recorded, whatever its rung, by
 * every key of the objective in order (halving.ts compareOutcomes, the rule of promotions), full ties to the
 * lower run number: the run the table stars, sweep.json's best and EXPERIMENT/best name (report/rows.ts
 * bestRows, which compares the same keys and breaks full ties by compareRunNumber); a run at a lower rung can
 * be it.
 */
function recordBatch(f: SearchFile, batch: Batch, plan: Plan, outcomes: TrialOutcome[], goals: readonly Goal[]): void {
  const runs = plan.runs.map((run, i) => ({
    trial: run.search!.trial,
    bracket: run.search!.bracket,
    rung: run.search!.rung,
    iterations: run.params.iterations as number,
    folder: run.folder,
    value: finite(outcomes[i].value),
  }));
  f.batches.push({ index: batch.index, decisions: batch.decisions.map((d) => ({ ...d, ranked: d.ranked.map((r) => ({ trial: r.trial, value: finite(r.value) as number })) })), runs });
  for (const [i, r] of batch.requests.entries()) {
    let t = f.trials.find((x) => x.trial === r.trial);
    if (!t) {
      t = { trial: r.trial, bracket: r.bracket, params: r.params, rung_reached: r.rung, values: [] };
      f.trials.push(t);
    }
    t.rung_reached = r.rung;
    t.values[r.rung] = runs[i].value;
    for (let k = 0; k < t.values.length; k++) if (t.values[k] === undefined) t.values[k] = null;
  }
  plan.runs.forEach((run, i) => {
    const o = outcomes[i];
    if (!Number.isFinite(o.value)) return;
    const b = f.best;
    const order = b === null ? -1 : compareOutcomes(o, b, goals);
    // Full ties go to the lower run number, the rule of the tables' best (report/rows.ts bestRows).
    const better = order < 0 || (order === 0 && parseInt(run.folder, 10) < parseInt(b!.folder, 10));
    if (better) f.best = { trial: runs[i].trial, rung: runs[i].rung, folder: run.folder, value: o.value, ...(o.rest ? { rest: o.rest } : {}), run_id: run.id };
  });
  f.trials.sort((a, b) => a.trial - b.trial);
}
