/**
 * `dlsweep run FILE` and `dlsweep plan FILE`: validate the whole experiment and its data before anything is
 * created under runs/, plan, then train (run) or only describe the plan (plan).
 */
import { objectiveStatement } from '../sweep/objective.js';
import { availableParallelism, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Experiment } from '../experiment/types.js';
import { formatDatasetReport, type PreparedDataset } from '../datasets/index.js';
import { MAX_PLANNED_RUNS, planSweep, summarizePlan, type DataShape, type Plan, type PlanSummary } from '../sweep/plan.js';
import { unsupportedReason } from '../train/fast/train-fast.js';
import type { EngineMode } from '../train/types.js';
import type { Executor } from '../execute/executor.js';
import { startLocalExecutor } from '../execute/local.js';
import { QueueExecutor } from '../execute/queue/executor.js';
import { QueueError } from '../execute/queue/connect.js';
import { startQueueWorker, type QueueWorker } from '../execute/queue/worker.js';
import { parseQueueUrl } from '../execute/queue/url.js';
import { lockMsFrom } from './queue.js';
import { dispatchAll, type DispatchResult } from '../execute/dispatch.js';
import { recordSweepLandscapes } from './landscape.js';
import { predrawDataCharts, recordDataSummary } from '../report/data-section.js';
import { orderOf } from '../execute/orders.js';
import { holdExitHandlers } from '../store/atomic.js';
import { SWEEP_FILES } from '../store/paths.js';
import type { SweepExtension, SweepFile } from '../store/records.js';
import { Recorder } from '../store/recorder.js';
import { StoreWriter } from '../store/writer.js';
import { plannedGridUpdates, readRecorded, recordedGridUpdates, stageOfRun } from '../store/recorded-updates.js';
import type { StoredRun } from '../store/read-runs.js';
import { closingRecord, markStopped, openSweep, recordSweepStopped, stoppedSweep } from '../store/sweeps.js';
import { gitCommit } from '../store/provenance.js';
import { DEFAULT_TOP, rebuildSweepOutputs, renderTerminal, withRecordedCounts } from '../report/sweep-files.js';
import { RowCache } from '../report/rows.js';
import { sweepDesign } from '../report/design.js';
import { useChartRenderer, warmChartEngine } from '../report/charts.js';
import { loadInputs } from './load.js';
import { createProgress } from './progress.js';
import { describeSearchPlan, runSearchSweep, searchLimitProblem } from './search.js';
import { describeWriteError, isWriteError, stopRemedy } from './write-errors.js';
import { useColor, type CliIO } from './io.js';
import { spanDuration } from '../report/format.js';
import { resumeCommand, type RunOptions } from './run-options.js';
import { planForSweep, readSweepBase, rebuiltExtensions, type Extension } from './extend.js';
import { findReusable } from '../store/reuse.js';
import { checkRunsDir, sweepsOf } from '../store/sweep-folders.js';
import { experimentDir } from '../store/paths.js';
import { pendingTrainings, pendingUpdates, type PendingTraining } from '../sweep/pending.js';
import { describeWidening } from '../sweep/extend.js';
import { plural } from '../text.js';

export { DEFAULT_MAX_RUNS, resumeCommand, type RunOptions } from './run-options.js';

interface Prepared {
  exp: Experiment;
  data: PreparedDataset;
  plan: Plan;
  /** --extend: what the file adds to the sweep (absent when it adds nothing: the sweep is completed as on resume). */
  extension?: Extension;
  /** --repair of a damaged sweep.json: the sweep's widenings, read back from its kept files. */
  repair?: { extensions: SweepExtension[] };
  /** --extend with a file that adds nothing to a sweep with no extension left to finish: what to say instead (nothing is written). */
  nothingToExtend?: string;
}

/**
 * Plan: a new sweep's grid, or with --resume/--extend the target sweep's (extended grids number their runs
 * grid by grid; an extension must widen the last grid). Throws: UserError for any problem (a grid over
 * --max-runs included, an extension that is not a widening).
 */
function prepare(file: string, options: RunOptions, loaded: { exp: Experiment; data: PreparedDataset; shape: DataShape }, runsDir: string): Prepared {
  const { exp, data, shape } = loaded;
  let plan: Plan;
  let extension: Extension | undefined;
  let repair: Prepared['repair'];
  try {
    const target = options.extend ?? (options.resume === undefined || options.resume === false ? undefined : options.resume);
    if (target === undefined) {
      plan = planSweep(exp, shape, { share: options.share, maxRuns: options.maxRuns, engine: options.engine });
    } else {
      const base = readSweepBase(runsDir, exp, target, { withStages: options.extend !== undefined, dataDir: options.dataDir, repair: options.repair });
      ({ plan, extension } = planForSweep(exp, data, shape, base, { share: options.share, maxRuns: options.maxRuns, engine: options.engine, extend: options.extend !== undefined }));
      if (options.repair) repair = { extensions: base.damaged ? rebuiltExtensions(base, shape, { share: options.share, engine: options.engine }) : [] };
      // The same --extend again completes an extension that was stopped half-way; otherwise there is nothing to do.
      const extensionToFinish = (base.sweep.extensions?.length ?? 0) > 0 && base.sweep.status !== 'done';
      if (options.extend !== undefined && !extension && !extensionToFinish) {
        const name = `${exp.name}/${base.sweep.id}`;
        return {
          exp,
          data,
          plan,
          nothingToExtend:
            `nothing to extend: ${file} adds no value to the grid of sweep ${name} (${plan.gridSize} ${plural(plan.gridSize, 'point')}); nothing was trained or written\n` +
            `--extend trains only the points that values added to the file's grid make new; to finish an interrupted sweep, or train its failed or damaged runs again, resume it: ${resumeCommand(file, base.sweep.id, options)}\n`,
        };
      }
    }
  } catch (e) {
    if (e instanceof RangeError) {
      throw new UserError(`${file}: ${e.message}`, `raise the limit with --max-runs N, or narrow the grid`);
    }
    throw e;
  }
  checkEngine(file, plan);
  return { exp, data, plan, extension, repair };
}

/** With --engine fast, every training must be one the fast engine implements: checked before anything is written. Throws: UserError. */
function checkEngine(file: string, plan: Plan): void {
  if (plan.engine !== 'fast') return;
  for (const t of plan.trainings) {
    const reason = unsupportedReason(t.config);
    if (reason !== null) {
      throw new UserError(`${file}: --engine fast: ${reason}`, 'use --engine auto (the fast engine where it applies, the TypeScript engine elsewhere) or --engine ts');
    }
  }
}

/** A whole number with thousands separators (1,000,000); without Intl, whose first use costs ~30 ms. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count of updates, its noun agreeing: `1 update`, `1,000 updates`. */
function updates(n: number): string {
  return `${thousands(n)} ${plural(n, 'update')}`;
}

/** The plan in a few lines. */
export function describePlan(exp: Experiment, plan: PlanSummary, done: number, workers: number | string, engine: EngineMode = 'auto'): string {
  const lines: string[] = [];
  const axes = exp.axes.map((a) => `${a.name} (${a.values.length})`).join(' x ');
  lines.push(`${exp.name}: ${thousands(plan.gridSize)} grid ${plural(plan.gridSize, 'point')}${axes ? ` = ${axes}` : ''}`);
  const saved = plan.naiveIterations / Math.max(1, plan.plannedIterations);
  lines.push(
    `plan: ${thousands(plan.trainings)} ${plural(plan.trainings, 'training')}` +
      (!plan.shared ? ' (sharing off)' : plan.trainings < plan.gridSize ? ' (thresholds and iteration counts share one training)' : '') +
      `, ${updates(plan.plannedIterations)} vs ${thousands(plan.naiveIterations)} one run at a time` +
      (saved > 1 ? ` (${saved.toFixed(1)}x less)` : ''),
  );
  if (done > 0) lines.push(`resume: ${thousands(done)} of ${thousands(plan.gridSize)} points already recorded`);
  lines.push(objectiveStatement(exp.objective));
  lines.push(`workers: ${workers}${engine === 'auto' ? '' : `, engine: ${engine}`}`);
  return lines.join('\n');
}

/**
 * "reuse: 12 of 16 runs ... copied, not trained: 2 trainings, 1,000 updates left": what reuse saves. `verb`:
 * `copied` once done (run), `will be copied` before (plan).
 */
function describeReuse(reused: number, runs: number, sweeps: string[], pending: readonly PendingTraining[], folds: number, verb: string): string {
  const from = [...new Set(sweeps)];
  const shown = from.length > 2 ? `${from.slice(0, 2).join(', ')} and ${from.length - 2} more` : from.join(', ');
  return (
    `reuse: ${thousands(reused)} of ${thousands(runs)} ${plural(runs, 'run')} recorded with the same identity in ${shown}, ${verb} instead of trained; ` +
    `${thousands(pending.length)} ${plural(pending.length, 'training')} (${thousands(pendingUpdates(pending, folds))} updates) left to run (--no-reuse trains them all)`
  );
}

/** For `plan`: how many runs of a new sweep would be copied from earlier sweeps of the experiment; undefined when none can be. */
function reuseForecast(exp: Experiment, shape: DataShape, options: RunOptions, runsDir: string, folds: number): string | undefined {
  if (sweepsOf(experimentDir(runsDir, exp.name)).length === 0) return undefined;
  let plan: Plan;
  try {
    plan = planSweep(exp, shape, { share: options.share, maxRuns: options.maxRuns, engine: options.engine });
  } catch {
    return undefined; // run refuses this grid anyway (said above)
  }
  const reusable = findReusable(runsDir, exp.name, plan.runs);
  if (reusable.size === 0) return `reuse: none of the ${thousands(plan.gridSize)} runs is recorded in an earlier sweep of ${exp.name}`;
  const todo = new Set(plan.runs.filter((r) => !reusable.has(r.index)).map((r) => r.index));
  return describeReuse(reusable.size, plan.gridSize, [...reusable.values()].map((r) => r.sweep), pendingTrainings(plan, todo), folds, 'will be copied');
}

/** `dlsweep plan FILE`: print the plan, train nothing, write nothing. Counts lazily, so any grid size is fine. */
export async function planCommand(file: string, options: RunOptions, io: CliIO): Promise<number> {
  const { exp, data, shape } = await loadInputs(file, options, io);
  if (exp.search) {
    io.stdout.write(formatDatasetReport(data.report) + '\n');
    io.stdout.write(describeSearchPlan(exp, shape.folds, options.workers ?? availableParallelism()) + '\n');
    // The two limits run applies: --max-runs (which can be raised) and what a sweep holds (which cannot).
    const problem = searchLimitProblem(exp, options.maxRuns);
    if (problem) io.stdout.write(`note: run refuses this search: ${problem.message}; ${problem.hint}\n`);
    return 0;
  }
  const summary = summarizePlan(exp, shape, { share: options.share });
  io.stdout.write(formatDatasetReport(data.report) + '\n');
  io.stdout.write(describePlan(exp, summary, 0, options.workers ?? availableParallelism(), options.engine) + '\n');
  if (options.reuse !== false) {
    const forecast = reuseForecast(exp, shape, options, resolve(io.cwd, options.runsDir), data.folds.length);
    if (forecast) io.stdout.write(forecast + '\n');
  }
  if (summary.gridSize > MAX_PLANNED_RUNS) {
    io.stdout.write(`note: run refuses this grid: a sweep holds at most ${thousands(MAX_PLANNED_RUNS)} points, whatever --max-runs says; narrow the grid or split it\n`);
  } else if (summary.gridSize > options.maxRuns) {
    io.stdout.write(`note: run refuses grids over ${thousands(options.maxRuns)} points unless --max-runs raises the limit (up to ${thousands(MAX_PLANNED_RUNS)})\n`);
  }
  return 0;
}

/** `dlsweep run FILE`: returns the exit code (0 all recorded, 1 some failed, 130 interrupted). */
export async function runCommand(file: string, options: RunOptions, io: CliIO): Promise<number> {
  if (options.repair && (options.resume === undefined || options.resume === false)) {
    throw new UserError('--repair rebuilds the damaged record of a sweep being resumed', `add the sweep: dlsweep run ${file} --resume SWEEP --repair`);
  }
  if (options.queue !== undefined) return runOnQueue(file, options, io);
  const workers = options.workers ?? availableParallelism();
  // The training threads boot while the experiment and its data are read and planned.
  const executor = startLocalExecutor(workers);
  // The report's charts are drawn on the pool's threads, idle once the trainings are done.
  const restore = useChartRenderer({ draw: (spec) => executor.drawChart(spec), warm: () => executor.warmCharts(), drawWhenIdle: (spec) => executor.drawWhenIdle(spec) });
  try {
    return await runSweep(file, options, io, async () => executor, String(workers));
  } finally {
    restore();
    await executor.close();
  }
}

/**
 * `dlsweep run FILE --queue URL`: the trainings go to the queue's workers; with --workers N this process
 * also trains N at a time from the same queue. The queue is reached before anything is written.
 */
async function runOnQueue(file: string, options: RunOptions, io: CliIO): Promise<number> {
  const target = parseQueueUrl(options.queue!);
  const local = options.workers ?? 0;
  const lockMs = lockMsFrom(io.env);
  let executor: QueueExecutor | undefined;
  let worker: QueueWorker | undefined;
  let code: number | undefined;
  try {
    code = await runSweep(
      file,
      options,
      io,
      async () => {
        executor = await QueueExecutor.open(target);
        if (local > 0) worker = await startQueueWorker(target, { workers: local, name: `${hostname()}-${process.pid}-coordinator`, lockMs });
        const names = await executor.workers();
        if (!options.quiet) {
          io.stderr.write(
            names.length ? `queue: ${names.length} ${plural(names.length, 'worker')} connected: ${names.join(', ')}\n` : 'queue: no worker connected yet; the trainings wait for one (start: dlsweep worker --queue URL)\n',
          );
        }
        return executor;
      },
      `queue ${target.shown}` + (local > 0 ? ` and ${local} here` : ' (none here)'),
      (sweep) => {
        if (executor) executor.sweep = sweep;
      },
    );
    return code;
  } finally {
    // Interrupted: the trainings this process holds go back to the queue (or finish there for a resume).
    await worker?.close(code !== 0 && code !== 1);
    await executor?.close();
  }
}

async function runSweep(
  file: string,
  options: RunOptions,
  io: CliIO,
  connect: () => Promise<Executor>,
  workers: string,
  opened?: (sweep: { id: string; experiment: string }) => void,
): Promise<number> {
  // git answers while the experiment is loaded.
  const commit = gitCommit(dirname(resolve(io.cwd, file)));
  const runsDir = resolve(io.cwd, options.runsDir);
  // Before the data is read: the same message as every other command's.
  checkRunsDir(runsDir);
  // A search's writer thread starts as soon as the experiment says it is a search: it loads while the data
  // is read and the sweep opened, not after the first batch.
  let writer: StoreWriter | undefined;
  let loaded: Awaited<ReturnType<typeof loadInputs>>;
  try {
    loaded = await loadInputs(file, options, io, (exp) => {
      if (exp.search && options.extend === undefined) writer = new StoreWriter().start();
    });
  } catch (e) {
    await writer?.close();
    throw e;
  }
  try {
    if (writer) return await runSearchSweep({ file, options, io, connect, workers, loaded, gitHead: commit, writer, opened });
    return await runGridSweep(file, options, io, connect, workers, loaded, runsDir, commit, opened);
  } catch (e) {
    // A write failure that stopped a sweep once its folder existed (openSweep, markStopped): its record says
    // so; one message naming the file, and how to resume.
    const stopped = stoppedSweep(e);
    if (!stopped || !isWriteError(e)) throw e;
    io.stderr.write(`error: the ${writer ? 'search' : 'sweep'} stopped: ${describeWriteError(e)}\n${stopRemedy(e)}, then resume: ${resumeCommand(file, stopped.id, options)}\n`);
    return 1;
  }
}

/** `run` for a grid (resumed, extended or new), once its inputs are loaded. Returns the exit code. */
async function runGridSweep(
  file: string,
  options: RunOptions,
  io: CliIO,
  connect: () => Promise<Executor>,
  workers: string,
  loaded: Awaited<ReturnType<typeof loadInputs>>,
  runsDir: string,
  commit: Promise<string | null>,
  opened?: (sweep: { id: string; experiment: string }) => void,
): Promise<number> {
  const { exp, data, plan, extension, repair, nothingToExtend } = prepare(file, options, loaded, runsDir);
  if (nothingToExtend) {
    io.stderr.write(nothingToExtend);
    return 0;
  }
  // Reached before anything is written: a queue that cannot be used leaves no sweep folder behind.
  const executor = await connect();
  const log = (s: string) => {
    if (!options.quiet) io.stderr.write(s + '\n');
  };
  const report = formatDatasetReport(data.report);
  const open = await openSweep(plan, {
    runsDir,
    experiment: { name: exp.name, text: exp.text, description: exp.description, tags: exp.tags, objective: exp.objective },
    dataset: { name: exp.dataset.kind === 'csv' ? (exp.dataset.name ?? null) : null, sha256: data.file_sha256, fingerprint: data.fingerprint, report, folds: data.folds.length },
    gitCommit: await commit,
    resume: options.extend ?? options.resume,
    ...(extension ? { extend: { basePlanHash: extension.basePlanHash, added: extension.added } } : {}),
    reuse: options.reuse !== false,
    repair,
  });
  opened?.({ id: open.id, experiment: exp.name });
  // What releasing the lock said, once said (ReleaseLock).
  let lockNote: string | undefined;
  try {
    const { dir: sweepPath, id: sweepId, todo } = open;
    await recordDataSummary(sweepPath, data, (line) => io.stderr.write(line + '\n'));
    log(report);
    const ext = extension && open.sweep.extensions?.at(-1);
    if (ext) log(`extend: ${ext.runs} new ${plural(ext.runs, 'run')} (${describeWidening(ext.added)}) as runs ${ext.first_run}-${ext.first_run + ext.runs - 1}; the recorded runs are kept`);
    log(describePlan(exp, { gridSize: plan.gridSize, trainings: plan.trainings.length, naiveIterations: plan.naiveIterations, plannedIterations: plan.plannedIterations, shared: plan.shared }, open.done.size, workers, plan.engine));
    if (open.reused.size) log(describeReuse(open.reused.size, plan.gridSize, [...open.reused.values()].map((r) => r.sweep), open.pending, data.folds.length, 'copied'));
    log(`sweep: ${sweepPath}`);
    // Damaged run folders (a file cut short or edited outside dlsweep) are trained again, each named once.
    for (const d of open.damaged) io.stderr.write(`warning: ${d.folder}: ${d.problems.join('; ')}: training it again\n`);

    const planned = new Map(open.pending.map((p) => [p.training, p.checkpoints[p.checkpoints.length - 1] * data.folds.length]));
    // Local threads run at most --workers trainings at once (more wait in the pool's queue); a queue's
    // executor reports a training as started when a worker takes it.
    const atOnce = options.queue === undefined ? (options.workers ?? availableParallelism()) : Infinity;
    const progress = createProgress(io, todo.size, planned, atOnce, options.quiet);
    const recorder = new Recorder(sweepPath, plan, open.pending, data.folds.length, exp.record.curve_every, progress, data.preprocessing[0], data.folds);
    // The report's rows of the runs recorded now, made from their records in memory as each is written (the
    // runs recorded before, copied or damaged are read from their folders at the end).
    const rowCache = new RowCache(sweepPath);
    // The runs this process wrote, as written, by index: with those recorded before, they make updates_trained.
    const indexOf = new Map(plan.runs.map((r) => [r.folder, r.index]));
    const writtenNow = new Map<number, StoredRun>();
    recorder.onWritten((folder, recorded) => {
      writtenNow.set(indexOf.get(folder)!, recorded.run);
      try {
        rowCache.add([folder], () => recorded);
      } catch {
        // read from its folder by the report, which says what is wrong
      }
    });
    const abort = new AbortController();
    // A second signal leaves at once: finished runs are on disk already, the rest resumes.
    let exitNow!: (sig: NodeJS.Signals) => void;
    const secondSignal = new Promise<NodeJS.Signals>((r) => (exitNow = r));
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      progress.stop();
      if (++signals > 1) return exitNow(sig);
      io.stderr.write(`\n${sig}: stopping (in-flight runs are marked interrupted). Press Ctrl-C again to exit at once.\n`);
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // updates_trained: the updates the recorded runs account for (recorded-updates.ts), from the runs recorded
    // before (read from their folders: a count an earlier process kept lags them when it was killed) and those
    // written now. Copied runs cost nothing and are not read.
    const recordedBefore = readRecorded(sweepPath, plan, [...open.done].filter((i) => !open.reused.has(i)));
    // An extension trains again the trainings it adds runs to: counted once per stage.
    const updatesTrained = () => recordedGridUpdates(plan, new Map([...recordedBefore, ...writtenNow]), data.folds.length, stageOfRun(open.sweep.extensions));
    let trainedHere = 0;
    // The most that count reaches: an extension's trainings included, so updates_trained never exceeds it.
    const plannedUpdates = plannedGridUpdates(plan, data.folds.length, open.sweep.extensions);
    const trainingData = { fingerprint: data.fingerprint, folds: data.folds };
    const orders = open.pending.map((p) => orderOf(plan, p, trainingData, exp.record.curve_every, exp.record.checkpoints_every));
    // Recording holds signal-exit's listeners: atomic writes are cheaper without one per file.
    const releaseExitHandlers = holdExitHandlers();
    let outcome: DispatchResult;
    try {
      const dispatched = dispatchAll(executor, orders, {
        signal: abort.signal,
        hooks: (order) => ({
          onStart: () => progress.trainingStarted?.(order.training),
          onProgress: (fold, iteration) => progress.trainingProgress?.(order.training, fold, iteration),
        }),
        onOutcome: (order, result) => {
          recorder.record(order.training, result);
          // The updates computed by this process, a training's whole length (a grid continues none).
          if (result.status === 'done') trainedHere += result.results.reduce((n, r) => n + r.iterations_run, 0);
        },
      });
      // The report at the end needs the chart library: load it while the workers train (the first trainings
      // are handed out by now, so the loading does not hold them up). Its data charts do not depend on the
      // runs: drawn by the threads the last trainings leave idle (the executor holds a chart back while any
      // training waits for a thread).
      if (todo.size > 0) {
        void warmChartEngine();
        predrawDataCharts(sweepPath);
      }
      const first = await Promise.race([dispatched, secondSignal]);
      if (typeof first === 'string') {
        io.stderr.write(`\n${first} again: exiting now. Resume with: ${resumeCommand(file, sweepId, options)}\n`);
        return 130;
      }
      outcome = first;
    } finally {
      releaseExitHandlers();
      progress.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    let sweep: SweepFile = { ...closingRecord(open, outcome), planned_updates: plannedUpdates, updates_trained: updatesTrained() };
    // A write error (disk full, permissions) while recording runs or writing the sweep's outputs: record what
    // can be, say what happened and how to resume; every run already recorded is kept (atomic writes).
    const stopped = async (error: Error): Promise<number> => {
      const failed: SweepFile = { ...closingRecord(open, { interrupted: false, fatal: error }), counts: sweep.counts, planned_updates: plannedUpdates, updates_trained: updatesTrained() };
      // The counts as the run folders hold them (not as the sweep opened): what ls and show say, and the
      // message below (a resume recorded the runs of the processes before it too).
      const onDisk = withRecordedCounts(sweepPath, failed);
      try {
        await rebuildSweepOutputs(sweepPath, failed);
      } catch {
        recordSweepStopped(sweepPath, onDisk);
      }
      const lostQueue = error instanceof QueueError;
      // Released before the message, which says so when the lock cannot be removed (a read-only folder).
      lockNote = await open.release();
      io.stderr.write(
        `error: the sweep stopped: ${lostQueue ? error.message : describeWriteError(error)}\n` +
          `finished runs are kept (${onDisk.counts.done + onDisk.counts.diverged} recorded); ` +
          `${lostQueue ? 'once Redis is back' : stopRemedy(error)}, then resume: ${resumeCommand(file, sweepId, options)}\n` +
          (lockNote ? `note: ${lockNote}\n` : ''),
      );
      return 1;
    };
    if (outcome.fatal) return await stopped(outcome.fatal);
    let table = '';
    try {
      // record.landscape: computed before the report, which shows them.
      if (exp.record.landscape && !outcome.interrupted) await recordSweepLandscapes(sweepPath, exp.record.landscape, data.folds, (line) => io.stderr.write(line + '\n'));
      // The terminal's table is laid out while the report's charts are drawn.
      ({ sweep } = await rebuildSweepOutputs(sweepPath, sweep, { rows: rowCache, design: sweepDesign(sweepPath, exp), meanwhile: (c) => (table = renderTerminal(c, { color: useColor(io, io.stdout), top: options.top ?? DEFAULT_TOP })) }));
    } catch (e) {
      // Disk full after the last run: the runs are recorded, the tables and the report are not.
      if (!isWriteError(e)) throw e;
      return await stopped(e);
    }
    io.stdout.write(table + '\n');
    log(
      `recorded ${thousands(sweep.counts.done)} done, ${thousands(sweep.counts.diverged)} diverged, ${thousands(sweep.counts.failed)} failed` +
        (sweep.counts.interrupted ? `, ${thousands(sweep.counts.interrupted)} interrupted` : '') +
        (sweep.counts.pending ? `, ${thousands(sweep.counts.pending)} pending` : '') +
        ` in ${spanDuration(sweep, open.sweep.active?.at(-1)?.started_at)}; ${updates(sweep.updates_trained ?? 0)} trained of at most ${thousands(plannedUpdates)}` +
        (open.previous ? ` (${thousands(trainedHere)} by this run)` : '') +
        `; table: ${join(sweepPath, SWEEP_FILES.table)}`,
    );
    if (executor.workerDeaths) log(`note: ${executor.workerDeaths} worker thread(s) died and were replaced`);
    if (recorder.failures.length) {
      io.stderr.write(`failed runs:\n${recorder.failures.map((f) => `  ${f.folder}: ${f.error}`).join('\n')}\n`);
    }
    if (outcome.interrupted) {
      io.stderr.write(`interrupted. Resume with: ${resumeCommand(file, sweepId, options)}\n`);
      return 130;
    }
    return recorder.failures.length > 0 ? 1 : 0;
  } catch (e) {
    // A write failure not met above (before the first training): recorded failed, never left running.
    if (!isWriteError(e) || stoppedSweep(e)) throw e;
    recordSweepStopped(open.dir, withRecordedCounts(open.dir, closingRecord(open, { interrupted: false, fatal: e })));
    throw markStopped(e, open.dir);
  } finally {
    const note = await open.release();
    if (note && note !== lockNote) io.stderr.write(`note: ${note}\n`);
  }
}
