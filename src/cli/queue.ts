/**
 * `dlsweep worker --queue URL` (train jobs from the queue on this machine until stopped) and
 * `dlsweep queue status --queue URL` (jobs per state and per sweep, workers connected).
 */
import { availableParallelism } from 'node:os';
import { UserError } from '../errors.js';
import { DEFAULT_LOCK_MS, defaultWorkerName, startQueueWorker } from '../execute/queue/worker.js';
import { queueStatus } from '../execute/queue/status.js';
import { parseQueueUrl } from '../execute/queue/url.js';
import type { CliIO } from './io.js';
import { createWorkerDisplay } from './worker-display.js';
import { plural } from '../text.js';

/**
 * The job lock from DLSWEEP_QUEUE_LOCK_MS (ms, 1000 to 600000), else DEFAULT_LOCK_MS.
 * Throws: UserError for another value.
 */
export function lockMsFrom(env: Record<string, string | undefined>): number {
  const v = env.DLSWEEP_QUEUE_LOCK_MS;
  if (v === undefined || v === '') return DEFAULT_LOCK_MS;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1000 || n > 600_000) throw new UserError(`DLSWEEP_QUEUE_LOCK_MS must be a whole number of milliseconds from 1000 to 600000, got ${JSON.stringify(v)}`);
  return n;
}

export interface WorkerOptions {
  queue: string;
  workers?: number;
  name?: string;
}

/** `dlsweep worker`: returns 0 after a graceful stop (first signal), 130 after a second signal. */
export async function workerCommand(options: WorkerOptions, io: CliIO): Promise<number> {
  const target = parseQueueUrl(options.queue);
  const workers = options.workers ?? availableParallelism();
  const name = options.name ?? defaultWorkerName();
  const display = createWorkerDisplay(name, io.stdout);
  let worker;
  try {
    worker = await startQueueWorker(target, { workers, name, lockMs: lockMsFrom(io.env), events: display });
  } catch (e) {
    display.stop();
    throw e;
  }
  display.note(`worker ${name}: taking trainings from ${target.shown} with ${workers} ${plural(workers, 'thread')} (Ctrl-C to stop)`);
  let signals = 0;
  let forced = false;
  // On a terminal the notes go above the bars (stdout); into pipes they stay on stderr.
  const tell = (line: string) => (io.stdout.isTTY ? display.note(line) : io.stderr.write(line + '\n'));
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals === 1) {
      tell(`${sig}: finishing the trainings in hand, then stopping (again: stop at once; they return to the queue)`);
      void worker.close();
    } else {
      forced = true;
      tell(`${sig} again: stopping now; the trainings in hand return to the queue when their locks expire`);
      void worker.close(true);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await worker.closed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    display.stop();
  }
  io.stdout.write(`worker ${name}: stopped\n`);
  return forced ? 130 : 0;
}

/** `dlsweep queue status`: prints the queue's state; returns 0. */
export async function queueStatusCommand(options: { queue: string; json: boolean }, io: CliIO): Promise<number> {
  const target = parseQueueUrl(options.queue);
  const s = await queueStatus(target);
  if (options.json) {
    io.stdout.write(JSON.stringify({ queue: target.shown, ...s }, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `queue ${target.shown}: ${s.counts.waiting} waiting, ${s.counts.active} active, ${s.counts.completed} completed, ${s.counts.failed} failed` + (s.counts.delayed ? `, ${s.counts.delayed} delayed` : ''),
  ];
  if (s.sweeps.length) {
    lines.push('sweeps:');
    for (const r of s.sweeps) lines.push(`  ${r.experiment}/${r.sweep}: ${r.counts.waiting} waiting, ${r.counts.active} active, ${r.counts.completed} completed, ${r.counts.failed} failed`);
  }
  lines.push(s.workers.length ? `workers (${s.workers.length}):` : 'workers: none connected');
  for (const w of s.workers) lines.push(`  ${w.name} (${w.addr}, idle ${w.idle} s)`);
  io.stdout.write(lines.join('\n') + '\n');
  return 0;
}
