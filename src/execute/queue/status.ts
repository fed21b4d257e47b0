/** What `dlsweep queue status` shows: jobs per state and per sweep, and the workers connected. */
import { createRequire } from 'node:module';
import { connectChecked, describeRedisError, redisOptions } from './connect.js';
import { QUEUE_NAME } from './payload.js';
import type { QueueTarget } from './url.js';
import type { Queue } from 'bullmq';

const STATES = ['waiting', 'active', 'completed', 'failed'] as const;
type State = (typeof STATES)[number];

export interface QueueStatus {
  counts: Record<State | 'delayed', number>;
  /** Jobs per sweep (the sweep that enqueued each job first), by state. */
  sweeps: { experiment: string; sweep: string; counts: Record<State, number> }[];
  /** Workers connected now: their names (--name) and addresses; idle: seconds since their last command. */
  workers: { name: string; addr: string; idle: number }[];
}

/**
 * The dlsweep workers connected to `queue` in database `db`: Redis lists the clients of every database
 * (CLIENT LIST), and a worker serving the same queue name in another database is not this queue's.
 */
export async function connectedWorkers(queue: Queue, db: number): Promise<QueueStatus['workers']> {
  return (await queue.getWorkers())
    .map((w) => ({ raw: String(w.rawname ?? w.name ?? ''), addr: String(w.addr ?? ''), idle: Number(w.idle ?? 0), db: Number(w.db ?? 0) }))
    .filter((w) => w.raw.includes(':w:') && w.db === db)
    .map((w) => ({ name: w.raw.slice(w.raw.indexOf(':w:') + 3), addr: w.addr, idle: w.idle }));
}

/**
 * Read the queue's state.
 * Throws: QueueError when Redis cannot be reached or refuses the password.
 */
export async function queueStatus(target: QueueTarget): Promise<QueueStatus> {
  const client = await connectChecked(target);
  client.disconnect();
  const { Queue } = createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
  const queue = new Queue(QUEUE_NAME, { connection: redisOptions(target) });
  queue.on('error', () => {});
  try {
    const raw = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    const counts = { waiting: (raw.waiting ?? 0) + (raw.prioritized ?? 0), active: raw.active ?? 0, completed: raw.completed ?? 0, failed: raw.failed ?? 0, delayed: raw.delayed ?? 0 };
    const bySweep = new Map<string, QueueStatus['sweeps'][number]>();
    for (const state of STATES) {
      for (const job of await queue.getJobs(state === 'waiting' ? ['waiting', 'prioritized'] : [state], 0, -1)) {
        if (!job) continue;
        const d = job.data as { sweep?: unknown; experiment?: unknown };
        const experiment = typeof d?.experiment === 'string' ? d.experiment : '?';
        const sweep = typeof d?.sweep === 'string' ? d.sweep : '?';
        const k = `${experiment}/${sweep}`;
        let row = bySweep.get(k);
        if (!row) bySweep.set(k, (row = { experiment, sweep, counts: { waiting: 0, active: 0, completed: 0, failed: 0 } }));
        row.counts[state]++;
      }
    }
    const workers = await connectedWorkers(queue, target.db);
    return { counts, sweeps: [...bySweep.values()].sort((a, b) => (a.sweep < b.sweep ? -1 : 1)), workers };
  } catch (e) {
    throw describeRedisError(target, e);
  } finally {
    await Promise.race([queue.close(), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}
