/**
 * The launcher: runs a plan's trainings on a Piscina pool and records each run as its training finishes.
 * The sweeper (src/sweep/) decides what to run; this decides how. The main thread owns dispatch (each
 * training is handed out once, longest first) and is the only writer of files.
 *
 * Failure isolation: a training that throws fails only its runs; a worker thread that dies is replaced by
 * Piscina and its training is retried once, then failed; a write error (disk full, permissions) stops the
 * sweep and is reported as fatal, keeping every run already recorded.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import type { Piscina as PiscinaPool } from 'piscina';
import type { PreparedFold } from '../datasets/index.js';
import type { Plan, PlannedRun } from '../sweep/plan.js';
import { assembleRun } from '../sweep/assemble.js';
import type { TrainRequest, TrainResult } from '../train/types.js';
import type { RunStatus } from '../store/records.js';
import { writeRun } from '../store/write-run.js';
import { holdExitHandlers } from '../store/atomic.js';
import { WORKER_READY, type TaskOutcome, type TrainTask } from './messages.js';

// piscina is CommonJS: require() loads it without the ES-module loader's scan of its source for exports.
const { Piscina } = createRequire(import.meta.url)('piscina') as typeof import('piscina');

/** The training threads: a Piscina pool running worker.js. */
export interface TrainingPool {
  piscina: PiscinaPool;
  /** Stop the threads; threads still loading their modules are waited for first (see startPool). */
  close(): Promise<void>;
}

/** How long close() waits at most for threads that are still starting (one that died never reports). */
const START_WAIT_MS = 5000;

/**
 * Start the training threads, up to `workers` of them: as many as this machine runs in parallel at once, more
 * (if `workers` is larger) as trainings queue up. Called before the experiment and its data are loaded, so
 * that the threads boot (loading the worker code and compiling the WebAssembly kernels) while the main
 * thread reads and plans. The caller closes the pool when done.
 */
export function startPool(workers: number): TrainingPool {
  const initial = Math.min(workers, availableParallelism());
  const piscina = new Piscina({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: initial,
    maxThreads: workers,
    idleTimeout: 60_000,
  });
  // Terminating a thread while it is still loading its modules can abort the whole process (seen with
  // Node 20 when bad input is reported right after start), so close() first waits until every initial
  // thread has said it is loaded (worker.ts posts WORKER_READY).
  const started = new Promise<void>((resolve) => {
    let ready = 0;
    const timer = setTimeout(resolve, START_WAIT_MS);
    timer.unref();
    const onMessage = (message: unknown) => {
      if (message !== WORKER_READY || ++ready < initial) return;
      piscina.off('message', onMessage);
      clearTimeout(timer);
      resolve();
    };
    piscina.on('message', onMessage);
  });
  return {
    piscina,
    close: async () => {
      await started;
      await piscina.destroy();
    },
  };
}

/** Progress events, for a progress bar or log lines. */
export interface LaunchEvents {
  /** A training (all folds) was handed to the pool. */
  trainingStarted?(training: number): void;
  /** A training reports its update count (long trainings only, throttled). */
  trainingProgress?(training: number, fold: number, iteration: number): void;
  /** A run was recorded. */
  runRecorded?(run: PlannedRun, status: RunStatus): void;
  /** A training finished (all folds), after its runs were recorded; updates is its length times folds. */
  trainingFinished?(training: number, updates: number, ms: number): void;
}

export interface LaunchInput {
  plan: Plan;
  folds: PreparedFold[];
  /** Run indices to train (the others are done already). */
  todo: Set<number>;
  sweepDir: string;
  curveEvery: number;
}

export interface LaunchOptions {
  /** Threads from startPool(workers), left running for the caller to destroy. */
  pool: TrainingPool;
  workers: number;
  events?: LaunchEvents;
  /** Aborting stops dispatch, cancels trainings in flight and marks their runs interrupted. */
  signal?: AbortSignal;
}

export interface LaunchOutcome {
  counts: Record<RunStatus, number>;
  failures: { folder: string; error: string }[];
  interrupted: boolean;
  /** A write error that stopped the sweep. */
  fatal?: Error;
  /** Workers that died and were replaced. */
  workerDeaths: number;
}

// Trainings shorter than this report no progress: a message channel per tiny training costs more than it tells.
const PROGRESS_MIN_UPDATES = 2000;

/** Run the pending part of a plan. Never throws for a training's failure; see LaunchOutcome. */
export async function launch(input: LaunchInput, options: LaunchOptions): Promise<LaunchOutcome> {
  const { plan, folds, todo, sweepDir } = input;
  const events = options.events ?? {};
  const outcome: LaunchOutcome = {
    counts: { done: 0, diverged: 0, failed: 0, interrupted: 0 },
    failures: [],
    interrupted: false,
    workerDeaths: 0,
  };
  const pool = options.pool.piscina;
  const cancel = new AbortController();
  // Piscina reports a result that arrives for a task it already aborted as an 'error' event on the pool;
  // unhandled, that event would crash the process. After an abort it is expected and harmless. The listener
  // stays until the caller destroys the pool: such a result can arrive after launch() returns.
  pool.on('error', (e: Error) => {
    if (!cancel.signal.aborted) outcome.fatal ??= e;
  });
  const onAbort = () => {
    outcome.interrupted = true;
    cancel.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  // Per training: the pending runs, what to score, the fold results collected so far.
  interface Job {
    training: number;
    runs: PlannedRun[];
    checkpoints: number[];
    thresholds: number[];
    results: (TrainResult | undefined)[];
    ms: number;
    started: boolean;
    closed: boolean;
  }
  const jobs: Job[] = [];
  plan.trainings.forEach((t, i) => {
    const runs = t.runs.filter((r) => todo.has(r)).map((r) => plan.runs[r]);
    if (runs.length === 0) return;
    // On resume only what is missing is scored, so a finished run is never rewritten.
    const checkpoints = [...new Set(runs.map((r) => r.params.iterations as number))].sort((a, b) => a - b);
    const thresholds = [...new Set(runs.map((r) => r.params.threshold as number))].sort((a, b) => a - b);
    jobs.push({ training: i, runs, checkpoints, thresholds, results: folds.map(() => undefined), ms: 0, started: false, closed: false });
  });
  const queue: { job: Job; fold: number; attempt: number }[] = [];
  for (const job of jobs) for (let f = 0; f < folds.length; f++) queue.push({ job, fold: f, attempt: 0 });

  const record = (run: PlannedRun, write: Parameters<typeof writeRun>[1]) => {
    writeRun(sweepDir, write);
    outcome.counts[write.metrics.status]++;
    if (write.metrics.status === 'failed') outcome.failures.push({ folder: run.folder, error: write.metrics.error ?? 'failed' });
    events.runRecorded?.(run, write.metrics.status);
  };
  const paramsFile = (run: PlannedRun) => ({
    run_id: run.id,
    index: run.index,
    folder: run.folder,
    training_key: plan.trainings[run.training].key,
    params: run.params,
    spellings: run.spellings,
  });

  const closeWith = (job: Job, status: 'failed' | 'interrupted', error: string, detail?: string) => {
    if (job.closed) return;
    job.closed = true;
    for (const run of job.runs) {
      record(run, {
        params: paramsFile(run),
        metrics: { status, run_id: run.id, iterations: run.params.iterations as number, threshold: run.params.threshold as number, error },
        error: detail ?? error,
      });
    }
  };

  const finish = (job: Job) => {
    job.closed = true;
    const results = job.results as TrainResult[];
    const finishedAt = new Date().toISOString();
    for (const run of job.runs) {
      const rec = assembleRun(run, results, job.thresholds);
      record(run, {
        params: paramsFile(run),
        metrics: rec.metrics,
        curve: rec.curve,
        model: rec.model,
        timing: { training_ms: Math.round(job.ms), shared_by: plan.trainings[job.training].runs.length, finished_at: finishedAt },
      });
    }
    events.trainingFinished?.(job.training, job.checkpoints[job.checkpoints.length - 1] * folds.length, job.ms);
  };

  const handle = (job: Job, out: TaskOutcome) => {
    job.ms += out.training_ms;
    if (!out.ok) {
      closeWith(job, 'failed', out.error, out.stack);
      return;
    }
    job.results[out.fold] = out.result;
    if (job.results.every((r) => r !== undefined) && !job.closed) finish(job);
  };

  const dispatch = async (item: { job: Job; fold: number; attempt: number }): Promise<void> => {
    const { job, fold } = item;
    if (job.closed) return;
    if (!job.started) {
      job.started = true;
      events.trainingStarted?.(job.training);
    }
    const t = plan.trainings[job.training];
    const request: TrainRequest = {
      config: t.config,
      checkpoints: job.checkpoints,
      thresholds: job.thresholds,
      curve_every: input.curveEvery,
      train: folds[fold].train,
      validation: folds[fold].validation,
    };
    const task: TrainTask = { training: job.training, fold, request };
    const transferList = [];
    if (job.checkpoints[job.checkpoints.length - 1] >= PROGRESS_MIN_UPDATES && events.trainingProgress) {
      const channel = new MessageChannel();
      channel.port1.on('message', (it: number) => events.trainingProgress?.(job.training, fold, it));
      channel.port1.unref();
      task.progress = channel.port2;
      transferList.push(channel.port2);
    }
    let out: TaskOutcome;
    try {
      out = (await pool.run(task, { signal: cancel.signal, transferList })) as TaskOutcome;
    } catch (e) {
      const err = e as Error;
      if (cancel.signal.aborted || err.name === 'AbortError') {
        if (!outcome.fatal) closeWith(job, 'interrupted', 'interrupted before the training finished');
        return;
      }
      // The worker thread died (Piscina replaces it): retry this fold once, then fail the training.
      outcome.workerDeaths++;
      if (item.attempt === 0) {
        queue.unshift({ job, fold, attempt: 1 });
        return;
      }
      closeWith(job, 'failed', `worker died twice: ${err.message}`, err.stack);
      return;
    }
    // Errors from here on (writes) stop the sweep: see the dispatch loop.
    handle(job, out);
  };

  const inflight = new Set<Promise<void>>();
  // Two tasks per worker keep every thread busy while the main thread records results.
  const limit = options.workers * 2;
  const releaseExitHandlers = holdExitHandlers();
  try {
    while ((queue.length > 0 || inflight.size > 0) && !outcome.fatal) {
      while (queue.length > 0 && inflight.size < limit && !cancel.signal.aborted) {
        const p: Promise<void> = dispatch(queue.shift()!)
          .catch((e: Error) => {
            outcome.fatal = e;
            cancel.abort();
          })
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (inflight.size === 0) break;
      await Promise.race(inflight);
    }
    await Promise.allSettled([...inflight]);
    // Trainings cancelled before all their folds were dispatched.
    if (outcome.interrupted && !outcome.fatal) {
      for (const job of jobs) if (job.started && !job.closed) closeWith(job, 'interrupted', 'interrupted before the training finished');
    }
  } finally {
    releaseExitHandlers();
    options.signal?.removeEventListener('abort', onAbort);
  }
  return outcome;
}
