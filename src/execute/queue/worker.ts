/**
 * The worker's side of the queue (`dlsweep worker`): takes trainings from the queue, trains them on this
 * machine's local executor (worker threads, so this event loop stays free to renew job locks), and returns
 * their outcomes over the queue. It needs no dataset file and no shared file system: each sweep's data come
 * from Redis once, checked against their sha256, and stay cached in memory. It reads and writes no files.
 *
 * A worker killed outright loses nothing: its jobs' locks expire after lockMs and the stalled-job check
 * (every lockMs / 4, run by every worker) puts them back in the queue: a lock renewed last before the
 * death expires within lockMs of it, and the next check follows within lockMs / 4, so another worker
 * trains them within 1.25 x lockMs (12.5 s with the default 10 s: under the 15 s promised, with room
 * for timers that run late on a loaded machine).
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { Job, Worker } from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import type { PreparedFold } from '../../datasets/index.js';
import { networkSizeProblem } from '../../train/size.js';
import { ENGINE_VERSION } from '../../train/version.js';
import type { Outcome } from '../executor.js';
import { LocalExecutor } from '../local.js';
import { connectChecked, redisOptions } from './connect.js';
import { MAX_DATA_BYTES, QUEUE_NAME, dataKey, decodeData, encodeOutcome, validateJob } from './payload.js';
import type { QueueTarget } from './url.js';
import { plural } from '../../text.js';

/** Default lock of a job: a worker that stops renewing it for this long is presumed dead. */
export const DEFAULT_LOCK_MS = 10_000;
/** Data of this many sweeps stay cached. */
const CACHED_DATASETS = 8;

export interface QueueWorkerOptions {
  /** Trainings at once (threads of the local executor). */
  workers: number;
  /** Shown by `queue status`. Default: host-pid. */
  name?: string;
  /** Job lock, ms. Default: DEFAULT_LOCK_MS. */
  lockMs?: number;
  /** What the worker does, for its display. Default: nothing is told. */
  events?: WorkerEvents;
}

/** A training a worker took from the queue. */
export interface TakenTraining {
  /** The job's id. */
  id: string;
  experiment: string;
  sweep: string;
  /** The training's index in its sweep's plan. */
  training: number;
  /** Updates per fold (its length). */
  updates: number;
  folds: number;
}

/** What a worker does, as it happens (for `dlsweep worker`'s lines or progress bars). */
export interface WorkerEvents {
  /** A training was taken and its data are at hand: it starts. */
  taken(t: TakenTraining): void;
  /** A fold of it has run `iteration` updates (long trainings only, a few times a second at most). */
  progress(t: TakenTraining, fold: number, iteration: number): void;
  /** It ended; its outcome goes back over the queue (interrupted: the worker stopped before it finished). */
  finished(t: TakenTraining, outcome: Outcome): void;
  /** A job that cannot be trained: refused (another engine version, an invalid payload) or its data unusable. */
  unusable(jobId: string, reason: string): void;
}

/** A running worker process's queue side. */
export interface QueueWorker {
  name: string;
  /**
   * Finish the trainings in hand (returning their outcomes), then stop. force: stop taking jobs and return
   * at once (the caller exits; the jobs in hand go back to the queue when their locks expire).
   */
  close(force?: boolean): Promise<void>;
  /** Resolves when the worker has stopped. */
  closed: Promise<void>;
}

/** A worker's name when none is given: host-pid. */
export function defaultWorkerName(): string {
  return `${hostname()}-${process.pid}`;
}

/**
 * Start taking jobs from the queue at `target`.
 * Throws: QueueError when Redis cannot be reached or refuses the password.
 */
export async function startQueueWorker(target: QueueTarget, options: QueueWorkerOptions): Promise<QueueWorker> {
  const client: RedisClient = await connectChecked(target);
  client.on('error', () => {});
  const { Worker: BullWorker, UnrecoverableError } = createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
  const name = options.name ?? defaultWorkerName();
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  const events = options.events;
  const executor = new LocalExecutor(options.workers);
  const cache = new Map<string, Promise<PreparedFold[]>>();

  const dataOf = (sha256: string, bytes: number): Promise<PreparedFold[]> => {
    let hit = cache.get(sha256);
    if (!hit) {
      hit = (async () => {
        if (bytes > MAX_DATA_BYTES) throw new Error(`refused: the sweep's data have ${bytes} bytes, more than ${MAX_DATA_BYTES}`);
        const buf = await client.getBuffer(dataKey(sha256));
        if (!buf) throw new Error("the sweep's data are not in Redis (expired or deleted); rerun the coordinator with --resume");
        return decodeData(buf, sha256);
      })();
      hit.catch(() => cache.delete(sha256));
      cache.set(sha256, hit);
      while (cache.size > CACHED_DATASETS) cache.delete(cache.keys().next().value!);
    }
    return hit;
  };

  // Trainings in hand: a graceful stop with none has nothing to finish, so it does not wait on Redis (BullMQ's
  // graceful close waits for a connection that may be gone, and the worker would never stop).
  let inHand = 0;
  const handle = async (job: Job): Promise<string> => {
    inHand++;
    try {
      return await train(job);
    } finally {
      inHand--;
    }
  };
  // A job that cannot be trained fails for good (no retry), with its reason told.
  const refuse = (job: Job, reason: string): never => {
    events?.unusable(String(job.id), reason);
    throw new UnrecoverableError(reason);
  };
  const train = async (job: Job): Promise<string> => {
    let payload;
    try {
      payload = validateJob(job.data, ENGINE_VERSION);
    } catch (e) {
      return refuse(job, (e as Error).message);
    }
    let folds: PreparedFold[];
    try {
      folds = await dataOf(payload.data.sha256, payload.data.bytes);
    } catch (e) {
      events?.unusable(String(job.id), `failed: ${(e as Error).message}`);
      throw e;
    }
    const states = payload.order.resume?.length;
    if (states !== undefined && states !== folds.length) refuse(job, `refused: invalid job payload: order.resume has ${states} training states for ${folds.length} ${plural(folds.length, 'fold')}`);
    // The planner's size limits, with the data's shape: a job cannot make this machine allocate more.
    const tooLarge = networkSizeProblem(folds[0].train.X.rows, payload.order.config.hidden_sizes, Math.max(...folds.map((f) => f.train.X.cols)));
    if (tooLarge) refuse(job, `refused: ${tooLarge}`);
    const taken: TakenTraining = {
      id: String(job.id),
      experiment: payload.experiment,
      sweep: payload.sweep,
      training: payload.order.training,
      updates: payload.order.checkpoints[payload.order.checkpoints.length - 1],
      folds: folds.length,
    };
    events?.taken(taken);
    let last = 0;
    const outcome = await executor.execute(
      { ...payload.order, data: { fingerprint: payload.data.fingerprint, folds } },
      {
        hooks: {
          onProgress: (fold, iteration) => {
            events?.progress(taken, fold, iteration);
            const now = Date.now();
            if (now - last < 500) return;
            last = now;
            void job.updateProgress({ fold, iteration }).catch(() => {});
          },
        },
      },
    );
    events?.finished(taken, outcome);
    if (outcome.status === 'interrupted' || outcome.status === 'cancelled') throw new Error('the worker stopped before the training finished');
    return encodeOutcome(outcome);
  };

  const worker: Worker = new BullWorker(QUEUE_NAME, handle, {
    connection: redisOptions(target, true),
    concurrency: options.workers,
    name,
    lockDuration: lockMs,
    stalledInterval: Math.max(500, Math.floor(lockMs / 4)),
    maxStalledCount: 3,
  });
  worker.on('error', () => {}); // connection errors: BullMQ reconnects by itself
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  return {
    name,
    closed,
    close: (force = false) => {
      if (force) {
        // Stop taking jobs and return at once; the trainings in hand are abandoned with the process, and
        // their jobs go back to the queue when their locks expire.
        void worker.close(true).catch(() => {});
        resolveClosed();
        return closed;
      }
      closing ??= (async () => {
        if (inHand === 0) void worker.close(true).catch(() => {});
        else await worker.close();
        await executor.close();
        client.disconnect();
        resolveClosed();
      })();
      return closing;
    },
  };
}
