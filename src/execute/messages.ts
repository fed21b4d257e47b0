/** Messages that cross the worker-thread boundary (structured clone; data arrays live on SharedArrayBuffers). */
import type { MessagePort } from 'node:worker_threads';
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
