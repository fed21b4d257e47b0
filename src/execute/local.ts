/**
 * The local executor: trainings run on this machine's Piscina pool of worker threads (worker.ts), one task
 * per fold. It only dispatches: results go back to the caller as outcomes (executor.ts), and the recorder
 * writes them. Fold tasks are handed out in submission order, at most two per thread at a time, so the main
 * thread can record results while every thread stays busy.
 *
 * Failure isolation: a training that throws fails only itself; a worker thread that dies is replaced by
 * Piscina and its fold is retried once (first in line), then the training fails.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import type { Piscina as PiscinaPool } from 'piscina';
import type { Spec } from 'vega';
import type { TrainRequest, TrainResult } from '../train/types.js';
import type { ExecuteOptions, Executor, Outcome, TrainingOrder } from './executor.js';
import { isWorkerReady, type ChartOutcome, type ChartTask, type TaskOutcome, type TrainTask } from './messages.js';

// piscina is CommonJS: require() loads it without the ES-module loader's scan of its source for exports.
const { Piscina } = createRequire(import.meta.url)('piscina') as typeof import('piscina');

// Trainings shorter than this report no progress: a message channel per tiny training costs more than it tells.
const PROGRESS_MIN_UPDATES = 2000;

/** One fold of one order, waiting for a slot. */
interface FoldTask {
  run: Execution;
  fold: number;
  attempt: number;
}

/** A chart to draw once a thread is idle (drawWhenIdle). */
interface IdleChart {
  spec: Spec;
  resolve(svg: string): void;
  reject(error: Error): void;
}

/** A chart handed to drawWhenIdle: its SVG, and how to start it at once or forget it before it starts. */
export interface IdleDrawing {
  /** The SVG as drawChart draws it; rejects when dropped before it started, or as drawChart does. */
  svg: Promise<string>;
  /** Draw it now if it has not started (it is then drawn as drawChart draws, idle thread or not). */
  now(): void;
  /** Forget it if it has not started (its svg rejects); one started is drawn to the end. */
  drop(): void;
}

/** The state of one execute() call. */
interface Execution {
  order: TrainingOrder;
  options: ExecuteOptions;
  results: (TrainResult | undefined)[];
  ms: number;
  started: boolean;
  settled: boolean;
  resolve(outcome: Outcome): void;
  reject(error: Error): void;
}

/**
 * Start the local executor with up to `workers` threads: as many as this machine runs in parallel at once,
 * more (if `workers` is larger) as trainings queue up. Called before the experiment and its data are loaded,
 * so that the threads boot (loading the worker code and compiling the WebAssembly kernels) while the main
 * thread reads and plans. The caller closes it when done.
 */
export function startLocalExecutor(workers: number, options: LocalExecutorOptions = {}): LocalExecutor {
  return new LocalExecutor(workers, options);
}

/** Options of the local executor. */
export interface LocalExecutorOptions {
  /** The worker module (default: worker.js beside this file); tests pass fixtures that post the same ready message. */
  filename?: URL;
}

export class LocalExecutor implements Executor {
  readonly capacity: number;
  readonly threads: number;
  workerDeaths = 0;
  private readonly piscina: PiscinaPool;
  /** Threads (by threadId) that have said their modules are loaded. */
  private readonly loaded = new Set<number>();
  private readonly waiting: FoldTask[] = [];
  private running = 0;
  private readonly slots: number;
  /** An error of the pool itself (not of a training): every later execute() rejects with it. */
  private broken?: Error;
  private aborted = false;
  private closed = false;
  private readonly live = new Set<Execution>();
  /** warmCharts() was called: threads left without a training load the chart library (drawChart). */
  private chartsWanted = false;
  /** Threads (by threadId) that have loaded it, and whether a warm-up task is out. */
  private readonly chartsLoaded = new Set<number>();
  private warming = false;
  /** Charts waiting for an idle thread (drawWhenIdle), first in first out; whether one of them is being drawn. */
  private readonly idleCharts: IdleChart[] = [];
  private idleDrawing = false;
  /** Chart tasks out (drawChart's and drawWhenIdle's): a thread drawing is not idle. */
  private charting = 0;

  constructor(
    readonly workers: number,
    options: LocalExecutorOptions = {},
  ) {
    const initial = Math.min(workers, availableParallelism());
    this.piscina = new Piscina({
      filename: (options.filename ?? new URL('./worker.js', import.meta.url)).href,
      minThreads: initial,
      maxThreads: workers,
      idleTimeout: 60_000,
    });
    this.threads = workers;
    // Two tasks per thread keep every thread busy while the main thread records results.
    this.slots = workers * 2;
    this.capacity = workers * 2;
    // Piscina reports a result that arrives for a task it already aborted as an 'error' event on the pool;
    // unhandled, that event would crash the process. After an abort it is expected and harmless.
    this.piscina.on('error', (e: Error) => {
      if (this.aborted || this.closed || this.broken) return;
      this.broken = e;
      for (const run of this.live) {
        run.settled = true;
        run.reject(e);
      }
      this.live.clear();
    });
    // Terminating a thread while it is still loading its modules can abort the whole process (seen with
    // Node 20 when bad input is reported right after start), so close() stops no thread before it has said
    // it is loaded (worker.ts). Listening from here, in the tick that created the pool, misses no message.
    this.piscina.on('message', (message: unknown) => {
      if (isWorkerReady(message)) this.loaded.add(message.threadId);
    });
  }

  execute(order: TrainingOrder, options: ExecuteOptions = {}): Promise<Outcome> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<Outcome>((resolve, reject) => {
      const run: Execution = { order, options, results: order.data.folds.map(() => undefined), ms: 0, started: false, settled: false, resolve, reject };
      const { signal } = options;
      const onAbort = () => {
        this.aborted = true;
        // Folds still waiting are dropped; folds running are aborted by Piscina (see runFold).
        this.settle(run, run.started ? { status: 'interrupted', training_ms: run.ms } : { status: 'cancelled', training_ms: 0 });
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      run.resolve = (outcome) => {
        signal?.removeEventListener('abort', onAbort);
        this.live.delete(run);
        resolve(outcome);
      };
      this.live.add(run);
      for (let f = 0; f < order.data.folds.length; f++) this.waiting.push({ run, fold: f, attempt: 0 });
      this.pump();
    });
  }

  private settle(run: Execution, outcome: Outcome): void {
    if (run.settled) return;
    run.settled = true;
    run.resolve(outcome);
  }

  /** Hand waiting folds to the pool while slots are free; then let an idle thread prepare for charts. */
  private pump(): void {
    while (this.running < this.slots && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      if (task.run.settled) continue;
      this.running++;
      void this.runFold(task).finally(() => {
        this.running--;
        this.pump();
      });
    }
    this.useIdleThread();
  }

  /** Whether a thread has nothing to do: no fold waiting, fewer trainings and charts out than threads. */
  private idleThread(): boolean {
    if (this.closed || this.aborted || this.broken) return false;
    return this.waiting.length === 0 && this.running + this.charting < this.piscina.threads.length;
  }

  /**
   * A thread is idle: draw the next chart waiting for one (drawWhenIdle), one at a time, so that a batch of
   * trainings submitted meanwhile finds at most one thread busy with a chart; else load the chart library
   * (warmIdleThread).
   */
  private useIdleThread(): void {
    if (this.idleDrawing || !this.idleThread()) return;
    const chart = this.idleCharts.shift();
    if (!chart) return this.warmIdleThread();
    this.idleDrawing = true;
    this.drawChart(chart.spec).then(chart.resolve, chart.reject).finally(() => {
      this.idleDrawing = false;
      this.useIdleThread();
    });
  }

  /**
   * With charts wanted and a thread idle (no fold waiting, fewer folds out than threads, so Piscina hands
   * the task to an idle thread), load the chart library there: one task at a time, until every thread says
   * it has. The tail of a sweep, when the last trainings leave threads idle, is when this happens.
   */
  private warmIdleThread(): void {
    if (!this.chartsWanted || this.warming || !this.idleThread() || this.chartsLoaded.size >= this.piscina.threads.length) return;
    this.warming = true;
    this.charting++;
    (this.piscina.run({ kind: 'chart' } satisfies ChartTask) as Promise<ChartOutcome>).then(
      (out) => {
        this.warming = false;
        this.charting--;
        // A thread that had it already: the others are busy; the next idle moment tries again.
        if (!this.chartsLoaded.has(out.threadId)) {
          this.chartsLoaded.add(out.threadId);
          this.useIdleThread();
        }
      },
      () => {
        this.warming = false; // the pool is closing or broken: drawing will say so
        this.charting--;
      },
    );
  }

  /** Have threads with no training left load the chart library, so that drawChart starts at once. */
  warmCharts(): void {
    this.chartsWanted = true;
    this.useIdleThread();
  }

  /**
   * Draw a chart (as drawChart) once a thread is idle: no training waiting, a thread with neither a training
   * nor a chart, and no other chart of this kind being drawn. For charts wanted later (a report's, drawn
   * ahead while trainings leave threads idle); now() draws it at once, drop() forgets it.
   */
  drawWhenIdle(spec: Spec): IdleDrawing {
    let chart!: IdleChart;
    const svg = new Promise<string>((resolve, reject) => (chart = { spec, resolve, reject }));
    const take = (): boolean => {
      const i = this.idleCharts.indexOf(chart);
      if (i >= 0) this.idleCharts.splice(i, 1);
      return i >= 0;
    };
    this.idleCharts.push(chart);
    this.useIdleThread();
    return {
      svg,
      now: () => {
        if (take()) this.drawChart(spec).then(chart.resolve, chart.reject);
      },
      drop: () => {
        if (take()) chart.reject(new Error('chart dropped before it was drawn'));
      },
    };
  }

  private async runFold(task: FoldTask): Promise<void> {
    const { run, fold } = task;
    const { order, options } = run;
    if (!run.started) {
      run.started = true;
      options.hooks?.onStart?.();
    }
    const split = order.data.folds[fold];
    const request: TrainRequest = {
      config: order.config,
      engine: order.engine,
      checkpoints: order.checkpoints,
      thresholds: order.thresholds,
      curve_every: order.curve_every,
      ...(order.trajectory_every ? { trajectory_every: order.trajectory_every } : {}),
      train: split.train,
      validation: split.validation,
      ...(order.horizon !== undefined ? { horizon: order.horizon } : {}),
      ...(order.keep_state ? { keep_state: true } : {}),
      ...(order.resume ? { resume: order.resume[fold] } : {}),
    };
    const message: TrainTask = { training: order.training, fold, request };
    const transferList = [];
    const onProgress = options.hooks?.onProgress;
    if (order.checkpoints[order.checkpoints.length - 1] >= PROGRESS_MIN_UPDATES && onProgress) {
      const channel = new MessageChannel();
      channel.port1.on('message', (it: number) => onProgress(fold, it));
      channel.port1.unref();
      message.progress = channel.port2;
      transferList.push(channel.port2);
    }
    let out: TaskOutcome;
    try {
      out = (await this.piscina.run(message, { signal: options.signal, transferList })) as TaskOutcome;
    } catch (e) {
      const err = e as Error;
      if (run.settled) return;
      if (options.signal?.aborted || err.name === 'AbortError' || this.closed) {
        this.settle(run, { status: 'interrupted', training_ms: run.ms });
        return;
      }
      // The worker thread died (Piscina replaces it): retry this fold once, first in line, then fail.
      this.workerDeaths++;
      if (task.attempt === 0) {
        this.waiting.unshift({ run, fold, attempt: 1 });
        return;
      }
      this.settle(run, { status: 'failed', error: `worker died twice: ${err.message}`, detail: err.stack, training_ms: run.ms });
      return;
    }
    if (run.settled) return;
    run.ms += out.training_ms;
    if (!out.ok) {
      this.settle(run, { status: 'failed', error: out.error, detail: out.stack, training_ms: run.ms });
      return;
    }
    run.results[fold] = out.result;
    if (run.results.every((r) => r !== undefined)) this.settle(run, { status: 'done', results: run.results as TrainResult[], training_ms: run.ms });
  }

  /**
   * Draw a report chart (src/report/charts.ts drawSvg) on one of the pool's threads: meant for the end of a
   * sweep, when the threads have no training left, so that the charts are drawn in parallel beside the main
   * thread's work. Throws (rejects): vega's error for an invalid spec (a bug), or the pool's own error.
   */
  async drawChart(spec: Spec): Promise<string> {
    if (this.broken) throw this.broken;
    this.charting++;
    let out: ChartOutcome;
    try {
      out = (await this.piscina.run({ kind: 'chart', spec } satisfies ChartTask)) as ChartOutcome;
    } finally {
      this.charting--;
    }
    if (!out.ok) throw Object.assign(new Error(out.error), out.stack ? { stack: out.stack } : {});
    return out.svg;
  }

  /**
   * Stop the threads. A thread still loading its modules is never stopped: close() first waits, however
   * long it takes, until every thread of the pool (those started later to replace one included) has said
   * it is loaded or has exited; then it destroys the pool in the same tick, before another can start.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const chart of this.idleCharts.splice(0)) chart.reject(new Error('the pool is closed'));
    for (const task of this.waiting.splice(0)) this.settle(task.run, task.run.started ? { status: 'interrupted', training_ms: task.run.ms } : { status: 'cancelled', training_ms: 0 });
    for (;;) {
      const loading = this.piscina.threads.filter((w) => !this.loaded.has(w.threadId));
      if (loading.length === 0) break;
      await new Promise<void>((resolve) => {
        // Piscina unreferences its threads: this timer keeps the process alive while it waits for them.
        const keepAlive = setInterval(() => undefined, 1000);
        const done = () => {
          clearInterval(keepAlive);
          this.piscina.off('message', onMessage);
          for (const w of loading) w.off('exit', done);
          resolve();
        };
        const onMessage = (message: unknown) => {
          if (isWorkerReady(message)) done();
        };
        this.piscina.on('message', onMessage);
        for (const w of loading) w.once('exit', done);
      });
    }
    await this.piscina.destroy();
  }
}
