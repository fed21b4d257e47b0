/**
 * The queue executor: the coordinator's side of a sweep spread over machines. Each order becomes one
 * BullMQ job on Redis (job id = the training's identity, so a second enqueue of it is a no-op), the data
 * go once per sweep under their sha256, and `dlsweep worker` processes anywhere train the jobs and return
 * outcomes, which resolve execute() here; the recorder writes them exactly as for the local pool.
 *
 * Jobs outlive the coordinator: a coordinator killed and resumed enqueues its pending trainings again, and
 * those finished meanwhile are collected from their completed jobs instead of being retrained. A job whose
 * worker died returns to the queue when its lock expires (BullMQ's stalled-job check, see worker.ts).
 * Redis lost for longer than LOST_AFTER_MS makes every pending execute() reject with a QueueError: the
 * sweep stops, every run recorded stays, and --resume continues once Redis is back.
 */
import { createRequire } from 'node:module';
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import { ENGINE_VERSION } from '../../train/version.js';
import type { ExecuteOptions, Executor, Outcome, TrainingData, TrainingOrder } from '../executor.js';
import { QueueError, connectChecked, describeRedisError, redisOptions } from './connect.js';
import { MAX_STATE_BYTES, PAYLOAD_FORMAT, QUEUE_NAME, dataKey, decodeOutcome, encodeData, jobIdOf, sha256Of, type JobPayload } from './payload.js';
import type { QueueTarget } from './url.js';
import { connectedWorkers } from './status.js';

/** How long Redis may be unreachable during a sweep before the sweep stops. */
export const LOST_AFTER_MS = 5000;
/** ioredis's words for a command given up because the connection went away (the queue was reached before). */
const CONNECTION_LOST = /max retries per request|Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT/i;
/** Completed and failed jobs are kept this long (for a resumed coordinator to collect), then removed by BullMQ. */
export const KEEP_JOBS_S = 7 * 24 * 3600;

interface Waiter {
  order: TrainingOrder;
  options: ExecuteOptions;
  started: boolean;
  /** The result was read again from the stored job once (see finish). */
  reread?: boolean;
  resolve(outcome: Outcome): void;
  reject(e: Error): void;
}

/**
 * The order as it can travel: training states over MAX_STATE_BYTES (a very wide network's weights and update
 * rule) would be refused by every worker, so such an order goes without them and trains from the start
 * instead, to the same numbers (a continued training equals one trained in one go), only slower.
 */
export function withinStateLimit<T extends Omit<TrainingOrder, 'data'>>(order: T): T {
  if (order.resume === undefined || JSON.stringify(order.resume).length <= MAX_STATE_BYTES) return order;
  const { resume: _dropped, ...rest } = order;
  return rest as T;
}

export class QueueExecutor implements Executor {
  /** Every pending order can wait in Redis at once: workers pace themselves. */
  readonly capacity = 100_000;
  readonly workerDeaths = 0;
  private readonly waiters = new Map<string, Waiter>();
  private readonly uploaded = new Map<TrainingData, { sha256: string; bytes: number }>();
  private lostTimer?: NodeJS.Timeout;
  /** The sweep the jobs are enqueued for (shown by `queue status`). */
  sweep = { id: '', experiment: '' };
  private lost?: QueueError;

  private constructor(
    private readonly target: QueueTarget,
    private readonly client: RedisClient,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    events.on('active', ({ jobId }) => this.markStarted(jobId));
    events.on('progress', ({ jobId, data }) => {
      const p = data as { fold?: unknown; iteration?: unknown };
      if (typeof p?.fold === 'number' && typeof p?.iteration === 'number') this.waiters.get(jobId)?.options.hooks?.onProgress?.(p.fold, p.iteration);
    });
    events.on('completed', ({ jobId, returnvalue }) => this.finish(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.fail(jobId, failedReason));
    // Every connection reports its losses: a sweep waits LOST_AFTER_MS for Redis to come back, then stops.
    for (const conn of [client]) {
      conn.on('error', () => {});
      conn.on('close', () => this.connectionLost());
      conn.on('ready', () => this.connectionBack());
    }
    queue.on('error', () => {});
    events.on('error', () => {});
  }

  /**
   * Connect to the queue at `target` (set `sweep` before the first execute).
   * Throws: QueueError when Redis cannot be reached or refuses the password (within seconds).
   */
  static async open(target: QueueTarget): Promise<QueueExecutor> {
    const client = await connectChecked(target);
    const { Queue, QueueEvents } = createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
    const queue = new Queue(QUEUE_NAME, { connection: redisOptions(target) });
    const events = new QueueEvents(QUEUE_NAME, { connection: redisOptions(target, true) });
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (e) {
      await Promise.allSettled([queue.close(), events.close()]);
      client.disconnect();
      throw describeRedisError(target, e);
    }
    return new QueueExecutor(target, client, queue, events);
  }

  /** Names of the workers connected to the queue now (their --name). */
  async workers(): Promise<string[]> {
    return (await connectedWorkers(this.queue, this.target.db)).map((w) => w.name);
  }

  private markStarted(jobId: string): void {
    const w = this.waiters.get(jobId);
    if (w && !w.started) {
      w.started = true;
      w.options.hooks?.onStart?.();
    }
  }

  private connectionLost(): void {
    if (this.lostTimer || this.lost) return;
    this.lostTimer = setTimeout(() => {
      this.lost = this.lostError(true);
      for (const w of this.waiters.values()) w.reject(this.lost);
      this.waiters.clear();
    }, LOST_AFTER_MS);
    this.lostTimer.unref();
  }

  /** The one message for a connection lost mid-sweep, whichever of the timer or a failed command notices it. */
  private lostError(waited: boolean): QueueError {
    return new QueueError(
      `lost the connection to Redis at ${this.target.shown} ${waited ? `for more than ${LOST_AFTER_MS / 1000} s` : 'during the sweep'}`,
      'every run recorded so far is kept; once Redis is back, continue with --resume',
      true,
    );
  }

  private connectionBack(): void {
    clearTimeout(this.lostTimer);
    this.lostTimer = undefined;
  }

  private finish(jobId: string, returnvalue: unknown): void {
    const w = this.waiters.get(jobId);
    if (!w) return;
    if (typeof returnvalue !== 'string' && !w.reread) {
      // A result that did not come with its notice is read from the job itself, once, before it counts as
      // a failure: the stored result is what a resume would collect.
      w.reread = true;
      void this.rereadResult(jobId);
      return;
    }
    this.waiters.delete(jobId);
    let outcome: Outcome;
    try {
      outcome = decodeOutcome(returnvalue, w.order.data.folds.length);
    } catch (e) {
      outcome = { status: 'failed', error: (e as Error).message, training_ms: 0 };
    }
    // A failed training is retrained on resume: its job must not answer a second enqueue with the failure.
    if (outcome.status === 'failed') void this.queue.remove(jobId).catch(() => {});
    w.resolve(outcome);
  }

  private async rereadResult(jobId: string): Promise<void> {
    let stored: unknown;
    try {
      const { Job } = createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
      stored = (await Job.fromId(this.queue, jobId))?.returnvalue;
    } catch {
      // Redis is gone: the lost-connection path settles this waiter.
      return;
    }
    this.finish(jobId, stored);
  }

  private fail(jobId: string, reason: string): void {
    const w = this.waiters.get(jobId);
    if (!w) return;
    this.waiters.delete(jobId);
    void this.queue.remove(jobId).catch(() => {});
    w.resolve({ status: 'failed', error: `the queue's worker failed the job: ${reason}`, training_ms: 0 });
  }

  /** Store the data once per sweep (SET NX: unchanged if present), under the sha256 of their bytes. */
  private async upload(data: TrainingData): Promise<{ sha256: string; bytes: number }> {
    const known = this.uploaded.get(data);
    if (known) return known;
    const bytes = encodeData(data.folds);
    const ref = { sha256: sha256Of(bytes), bytes: bytes.length };
    await this.client.set(dataKey(ref.sha256), bytes, 'EX', KEEP_JOBS_S);
    this.uploaded.set(data, ref);
    return ref;
  }

  async execute(order: TrainingOrder, options: ExecuteOptions = {}): Promise<Outcome> {
    if (this.lost) throw this.lost;
    if (options.signal?.aborted) return { status: 'cancelled', training_ms: 0 };
    const { data, ...asked } = order;
    const rest = withinStateLimit(asked);
    const ref = await this.upload(data);
    const jobId = jobIdOf(rest, ref.sha256);
    const payload: JobPayload = {
      format: PAYLOAD_FORMAT,
      engine_version: ENGINE_VERSION,
      sweep: this.sweep.id,
      experiment: this.sweep.experiment,
      order: rest,
      data: { fingerprint: data.fingerprint, sha256: ref.sha256, bytes: ref.bytes },
    };
    const settled = new Promise<Outcome>((resolve, reject) => {
      this.waiters.set(jobId, { order, options, started: false, resolve, reject });
    });
    settled.catch(() => {}); // rejected when Redis is lost, possibly before it is awaited below
    const onAbort = () => {
      const w = this.waiters.get(jobId);
      if (!w) return;
      this.waiters.delete(jobId);
      // A job still waiting is withdrawn; one in a worker's hands finishes there and is collected on resume.
      void this.queue.remove(jobId).catch(() => {});
      w.resolve(w.started ? { status: 'interrupted', training_ms: 0 } : { status: 'cancelled', training_ms: 0 });
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Listening first, then adding, then looking: a job finished before (by a worker while no coordinator
      // listened, or for another sweep) is collected from its stored result.
      await this.queue.add('train', payload, { jobId, removeOnComplete: { age: KEEP_JOBS_S }, removeOnFail: { age: KEEP_JOBS_S } });
      // The state first, then the job: a job read before its state could finish in between, and its stale
      // copy would hold no result (the finished state and the result are stored together, in one step).
      const state = await this.queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') {
        const { Job } = createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
        const job: Job | undefined = await Job.fromId(this.queue, jobId);
        if (!job) this.fail(jobId, 'its stored result was removed before it could be read; --resume trains it again');
        else if (state === 'completed') this.finish(jobId, job.returnvalue);
        else this.fail(jobId, job.failedReason);
      } else if (state === 'active') this.markStarted(jobId);
      return await settled;
    } catch (e) {
      this.waiters.delete(jobId);
      if (e instanceof QueueError) throw e;
      // A command that fails while the connection is down (ioredis gives up on it before the timer runs out)
      // is the same loss, told the same way.
      if (!this.lost && this.lostTimer) this.lost = this.lostError(true);
      throw this.lost ?? describeRedisError(this.target, e);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.lostTimer);
    for (const [jobId, w] of this.waiters) w.resolve(w.started ? { status: 'interrupted', training_ms: 0 } : { status: 'cancelled', training_ms: 0 }), this.waiters.delete(jobId);
    // Closing waits for Redis; when Redis is gone, disconnect instead of waiting for it.
    const closing = Promise.allSettled([this.queue.close(), this.events.close()]);
    const timeout = new Promise((r) => setTimeout(r, 1000).unref());
    await Promise.race([closing, timeout]);
    this.client.disconnect();
    if (this.lost) {
      void this.queue.disconnect().catch(() => {});
      void this.events.disconnect().catch(() => {});
    }
  }
}
