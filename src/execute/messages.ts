/** Messages that cross the worker-thread boundary (structured clone; data arrays live on SharedArrayBuffers). */
import type { MessagePort } from 'node:worker_threads';
import type { Spec } from 'vega';
import type { TrainRequest, TrainResult } from '../train/types.js';

/** One training of one fold. */
export interface TrainTask {
  /** Index into Plan.trainings. */
  training: number;
  fold: number;
  request: TrainRequest;
  /** Receives the update count now and then (long trainings only). */
  progress?: MessagePort;
}

/** What a worker returns: the training's result, or the error it threw (a failed training is data, not an exception). */
export type TaskOutcome =
  | { ok: true; training: number; fold: number; result: TrainResult; training_ms: number }
  | { ok: false; training: number; fold: number; error: string; stack?: string; training_ms: number };

/**
 * One chart of a report to draw (src/report/charts.ts), handed to a thread once the trainings are done;
 * without a spec, only load the chart library (a thread with nothing to train prepares for the report).
 */
export interface ChartTask {
  kind: 'chart';
  spec?: Spec;
}

/** What a worker returns for a ChartTask: the SVG as drawSvg draws it ('' without a spec), or vega's error; and which thread. */
export type ChartOutcome = ({ ok: true; svg: string } | { ok: false; error: string; stack?: string }) & { threadId: number };

/** Whether a task is a ChartTask (the other tasks are trainings). */
export function isChartTask(task: TrainTask | ChartTask): task is ChartTask {
  return (task as ChartTask).kind === 'chart';
}

/** Posted by a worker thread once its modules are loaded (see LocalExecutor in local.ts). */
export const WORKER_READY = 'dlsweep:worker-ready';

/** The message a worker thread posts once its modules are loaded, naming itself. */
export interface WorkerReady {
  kind: typeof WORKER_READY;
  /** worker_threads.threadId of the thread (Worker.threadId on the main thread). */
  threadId: number;
}

/** Whether a message from a worker thread is its WorkerReady. */
export function isWorkerReady(message: unknown): message is WorkerReady {
  return typeof message === 'object' && message !== null && (message as WorkerReady).kind === WORKER_READY && typeof (message as WorkerReady).threadId === 'number';
}
