/**
 * `dlsweep run FILE` and `dlsweep plan FILE`: validate the whole experiment and its data before anything is
 * created under runs/, plan, then train (run) or only describe the plan (plan).
 */
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError, formatDiagnostic } from '../errors.js';
import { loadExperiment } from '../experiment/load.js';
import type { Experiment } from '../experiment/types.js';
import { formatDatasetReport, loadDataset, type PreparedDataset } from '../datasets/index.js';
import { ensureDataset } from '../datasets/fetch.js';
import { planSweep, summarizePlan, type DataShape, type Plan, type PlanSummary } from '../sweep/plan.js';
import { launch, startPool, type TrainingPool } from '../pool/launcher.js';
import { writeJsonAtomic, writeJsonAtomicSync, writeTextAtomic, removeStaleTempFiles } from '../store/atomic.js';
import { lockSweep } from '../store/lock.js';
import { RUN_FOLDER_PATTERN, SWEEP_FILES, experimentDir } from '../store/paths.js';
import type { SweepFile } from '../store/records.js';
import { createSweepFolder, readRuns, readSweepFile, resolveSweep } from '../store/sweeps.js';
import { gitCommit, toolVersion } from '../store/provenance.js';
import { ENGINE_VERSION } from '../train/version.js';
import { rebuildSweepOutputs } from '../report/outputs.js';
import { warmChartEngine } from '../report/charts.js';
import { renderTerminal } from '../report/table.js';
import { createProgress } from './progress.js';
import { describeWriteError } from './write-errors.js';
import { formatDuration, useColor, type CliIO } from './io.js';

export interface RunOptions {
  runsDir: string;
  dataDir?: string;
  workers?: number;
  maxRuns: number;
  share: boolean;
  quiet: boolean;
  /** A sweep id, `latest`, or true for latest. */
  resume?: string | boolean;
}

/** Default grid limit: a larger grid needs --max-runs. */
export const DEFAULT_MAX_RUNS = 10_000;

interface Prepared {
  exp: Experiment;
  data: PreparedDataset;
  plan: Plan;
}

/** Load and validate the experiment and its data; prints warnings. Throws: UserError, before anything is written. */
async function load(file: string, options: RunOptions, io: CliIO): Promise<{ exp: Experiment; data: PreparedDataset; shape: DataShape }> {
  const exp = loadExperiment(file, { dataDir: options.dataDir, cwd: io.cwd });
  for (const w of exp.warnings) io.stderr.write(formatDiagnostic(w) + '\n');
  // A managed dataset that is missing is downloaded (and checked) on first use, saying so.
  await ensureDataset(exp.dataset, { log: (line) => io.stderr.write(line + '\n'), env: io.env, cwd: io.cwd });
  const data = loadDataset(exp.dataset);
  const shape: DataShape = {
    fingerprint: data.fingerprint,
    features: data.feature_names.length,
    trainSamples: data.folds[0].train.y.length,
    folds: data.folds.length,
  };
  return { exp, data, shape };
}

/** Load, validate and plan. Throws: UserError for any problem (a grid over --max-runs included). */
async function prepare(file: string, options: RunOptions, io: CliIO): Promise<Prepared> {
  const { exp, data, shape } = await load(file, options, io);
  try {
    return { exp, data, plan: planSweep(exp, shape, { share: options.share, maxRuns: options.maxRuns }) };
  } catch (e) {
    if (e instanceof RangeError) {
      throw new UserError(`${file}: ${e.message}`, `raise the limit with --max-runs N, or narrow the grid`);
    }
    throw e;
  }
}

/** A whole number with thousands separators (1,000,000); without Intl, whose first use costs ~30 ms. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The plan in a few lines. */
export function describePlan(exp: Experiment, plan: PlanSummary, done: number, workers: number): string {
  const lines: string[] = [];
  const axes = exp.axes.map((a) => `${a.name} (${a.values.length})`).join(' x ');
  lines.push(`${exp.name}: ${thousands(plan.gridSize)} grid point${plan.gridSize === 1 ? '' : 's'}${axes ? ` = ${axes}` : ''}`);
  const saved = plan.naiveIterations / Math.max(1, plan.plannedIterations);
  lines.push(
    `plan: ${thousands(plan.trainings)} training${plan.trainings === 1 ? '' : 's'}` +
      (!plan.shared ? ' (sharing off)' : plan.trainings < plan.gridSize ? ' (thresholds and iteration counts share one training)' : '') +
      `, ${thousands(plan.plannedIterations)} updates vs ${thousands(plan.naiveIterations)} one run at a time` +
      (saved > 1 ? ` (${saved.toFixed(1)}x less)` : ''),
  );
  if (done > 0) lines.push(`resume: ${done} of ${plan.gridSize} points already recorded`);
  lines.push(`workers: ${workers}`);
  return lines.join('\n');
}

/** `dlsweep plan FILE`: print the plan, train nothing, write nothing. Counts lazily, so any grid size is fine. */
export async function planCommand(file: string, options: RunOptions, io: CliIO): Promise<number> {
  const { exp, data, shape } = await load(file, options, io);
  const summary = summarizePlan(exp, shape, { share: options.share });
  io.stdout.write(formatDatasetReport(data.report) + '\n');
  io.stdout.write(describePlan(exp, summary, 0, options.workers ?? availableParallelism()) + '\n');
  if (summary.gridSize > options.maxRuns) {
    io.stdout.write(`note: run refuses grids over ${thousands(options.maxRuns)} points unless --max-runs raises the limit\n`);
  }
  return 0;
}

/** Runs already recorded with a final status whose identity matches the plan. */
function finishedRuns(sweepPath: string, plan: Plan): Set<number> {
  const byFolder = new Map(plan.runs.map((r) => [r.folder, r]));
  const done = new Set<number>();
  for (const stored of readRuns(sweepPath)) {
    const planned = byFolder.get(stored.folder);
    const status = stored.metrics?.status;
    if (planned && stored.metrics && stored.metrics.run_id === planned.id && (status === 'done' || status === 'diverged')) done.add(planned.index);
  }
  return done;
}

function cleanTempFiles(sweepPath: string): void {
  removeStaleTempFiles(sweepPath);
  for (const name of readdirSync(sweepPath)) if (RUN_FOLDER_PATTERN.test(name)) removeStaleTempFiles(join(sweepPath, name));
}

/** A shell word: as is when it is plainly safe, else single-quoted. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that resumes this sweep, with the runs and data folders when they are not the defaults. */
export function resumeCommand(file: string, sweepId: string, options: Pick<RunOptions, 'runsDir' | 'dataDir'>): string {
  const runsDir = options.runsDir === 'runs' ? '' : ` --runs-dir ${shellWord(options.runsDir)}`;
  const dataDir = options.dataDir === undefined ? '' : ` --data-dir ${shellWord(options.dataDir)}`;
  return `dlsweep${runsDir} run ${shellWord(file)} --resume ${sweepId}${dataDir}`;
}

/** `dlsweep run FILE`: returns the exit code (0 all recorded, 1 some failed, 130 interrupted). */
export async function runCommand(file: string, options: RunOptions, io: CliIO): Promise<number> {
  const workers = options.workers ?? availableParallelism();
  // The training threads boot while the experiment and its data are read and planned.
  const pool = startPool(workers);
  try {
    return await runSweep(file, options, io, pool, workers);
  } finally {
    await pool.close();
  }
}

async function runSweep(file: string, options: RunOptions, io: CliIO, pool: TrainingPool, workers: number): Promise<number> {
  // git answers while the experiment is loaded.
  const commit = gitCommit(dirname(resolve(io.cwd, file)));
  const { exp, data, plan } = await prepare(file, options, io);
  const runsDir = resolve(io.cwd, options.runsDir);
  const log = (s: string) => {
    if (!options.quiet) io.stderr.write(s + '\n');
  };

  const startedAt = new Date().toISOString();
  const gitHead = await commit;
  const sweepFile = (id: string, previous?: SweepFile, done = 0): SweepFile => ({
    id,
    experiment: exp.name,
    status: 'running',
    started_at: previous?.started_at ?? startedAt,
    ended_at: null,
    dlsweep_version: toolVersion(),
    engine_version: ENGINE_VERSION,
    node_version: process.version,
    git_commit: previous?.git_commit ?? gitHead,
    dataset: { name: exp.dataset.kind === 'csv' ? (exp.dataset.name ?? null) : null, sha256: data.file_sha256, fingerprint: data.fingerprint },
    grid_size: plan.gridSize,
    trainings: plan.trainings.length,
    shared: plan.shared,
    plan_hash: plan.planHash,
    counts: { done, diverged: 0, failed: 0, interrupted: 0, pending: plan.gridSize - done },
    resumed_at: previous ? [...(previous.resumed_at ?? []), startedAt] : [],
  });

  let sweepPath: string;
  let previous: SweepFile | undefined;
  if (options.resume !== undefined && options.resume !== false) {
    const target = options.resume === true ? 'latest' : options.resume;
    const expDir = experimentDir(runsDir, exp.name);
    sweepPath = resolveSweep(runsDir, target === 'latest' ? expDir : target.includes('/') ? target : `${exp.name}/${target}`);
    previous = readSweepFile(sweepPath);
    if (previous.experiment !== exp.name) throw new UserError(`sweep ${sweepPath} belongs to experiment "${previous.experiment}", not "${exp.name}"`);
    if (previous.plan_hash !== plan.planHash) {
      throw new UserError(
        `the experiment's grid, settings or data changed since sweep ${previous.id} started, so its runs would not match`,
        'start a new sweep (run without --resume), or restore the experiment file (the original is in ' + join(sweepPath, SWEEP_FILES.experiment) + ')',
      );
    }
  } else {
    sweepPath = createSweepFolder(runsDir, exp.name, (id) => ({
      [SWEEP_FILES.experiment]: exp.text,
      [SWEEP_FILES.sweep]: JSON.stringify(sweepFile(id), null, 2) + '\n',
    })).dir;
  }
  const release = await lockSweep(sweepPath);
  try {
    cleanTempFiles(sweepPath);
    const done = finishedRuns(sweepPath, plan);
    const todo = new Set(plan.runs.filter((r) => !done.has(r.index)).map((r) => r.index));
    const sweepId = basename(sweepPath);
    let sweep = sweepFile(sweepId, previous, done.size);
    await writeTextAtomic(join(sweepPath, SWEEP_FILES.dataset), formatDatasetReport(data.report) + '\n');
    await writeJsonAtomic(join(sweepPath, SWEEP_FILES.sweep), sweep);

    log(formatDatasetReport(data.report));
    log(describePlan(exp, { gridSize: plan.gridSize, trainings: plan.trainings.length, naiveIterations: plan.naiveIterations, plannedIterations: plan.plannedIterations, shared: plan.shared }, done.size, workers));
    log(`sweep: ${sweepPath}`);

    // Pending trainings' updates, for the ETA.
    let totalUpdates = 0;
    for (const t of plan.trainings) {
      const pending = t.runs.filter((r) => todo.has(r)).map((r) => plan.runs[r].params.iterations as number);
      if (pending.length) totalUpdates += Math.max(...pending) * data.folds.length;
    }
    const progress = createProgress(io, todo.size, totalUpdates, options.quiet);
    const abort = new AbortController();
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        // Second Ctrl-C: leave at once; finished runs are on disk already, the rest resumes.
        progress.stop();
        io.stderr.write(`\n${sig} again: exiting now. Resume with: ${resumeCommand(file, sweepId, options)}\n`);
        process.exit(130);
      }
      progress.stop();
      io.stderr.write(`\n${sig}: stopping (in-flight runs are marked interrupted). Press Ctrl-C again to exit at once.\n`);
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const t0 = Date.now();
    let outcome;
    try {
      const launched = launch(
        { plan, folds: data.folds, todo, sweepDir: sweepPath, curveEvery: exp.record.curve_every },
        { pool, workers, events: progress, signal: abort.signal },
      );
      // The report at the end needs the chart library: load it while the workers train (the first trainings
      // are handed out by now, so the loading does not hold them up).
      if (todo.size > 0) warmChartEngine();
      outcome = await launched;
    } finally {
      progress.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const status: SweepFile['status'] = outcome.fatal ? 'failed' : outcome.interrupted ? 'interrupted' : 'done';
    // Resuming a sweep that had nothing left to do changes nothing: its times stay those of its last work.
    const idle = previous !== undefined && todo.size === 0;
    sweep = {
      ...sweep,
      status,
      ended_at: idle && previous?.ended_at ? previous.ended_at : new Date().toISOString(),
      resumed_at: idle ? (previous?.resumed_at ?? []) : sweep.resumed_at,
      ...(outcome.fatal ? { error: outcome.fatal.message } : {}),
    };
    if (outcome.fatal) {
      // The disk may still be full: record what we can, say what happened, keep every finished run.
      try {
        ({ sweep } = await rebuildSweepOutputs(sweepPath, sweep));
      } catch {
        try {
          writeJsonAtomicSync(join(sweepPath, SWEEP_FILES.sweep), sweep);
        } catch {
          // Nothing more can be written; the run folders already on disk are complete (atomic writes).
        }
      }
      io.stderr.write(
        `error: the sweep stopped: ${describeWriteError(outcome.fatal)}\n` +
          `finished runs are kept (${outcome.counts.done + outcome.counts.diverged} recorded now); ` +
          `free space or fix permissions, then resume: ${resumeCommand(file, sweepId, options)}\n`,
      );
      return 1;
    }
    let comparison;
    ({ comparison, sweep } = await rebuildSweepOutputs(sweepPath, sweep));
    io.stdout.write(renderTerminal(comparison, { color: useColor(io, io.stdout) }) + '\n');
    log(
      `recorded ${sweep.counts.done} done, ${sweep.counts.diverged} diverged, ${sweep.counts.failed} failed` +
        (sweep.counts.interrupted ? `, ${sweep.counts.interrupted} interrupted` : '') +
        (sweep.counts.pending ? `, ${sweep.counts.pending} pending` : '') +
        ` in ${formatDuration((Date.now() - t0) / 1000)}; table: ${join(sweepPath, SWEEP_FILES.table)}`,
    );
    if (outcome.workerDeaths) log(`note: ${outcome.workerDeaths} worker thread(s) died and were replaced`);
    if (outcome.failures.length) {
      io.stderr.write(`failed runs:\n${outcome.failures.map((f) => `  ${f.folder}: ${f.error}`).join('\n')}\n`);
    }
    if (outcome.interrupted) {
      io.stderr.write(`interrupted. Resume with: ${resumeCommand(file, sweepId, options)}\n`);
      return 130;
    }
    return outcome.failures.length > 0 ? 1 : 0;
  } finally {
    await release();
  }
}

