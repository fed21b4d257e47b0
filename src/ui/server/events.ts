/**
 * Live updates: a poller refreshes the index (store-index.ts) every POLL_MS and sends what changed to every
 * connected page as server-sent events (`event: sweep` with a SweepSummary, `event: run` with
 * `{sweep, experiment, run, status}`), with a comment line every HEARTBEAT_MS so proxies and browsers keep
 * the stream open. Polling rather than file-system notifications: it sees a sweep recorded by any process
 * (or over a network file system) the same way, and one refresh of a quiet runs folder costs a directory
 * listing per experiment and two stats per sweep.
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { IndexChanges, StoreIndex } from './store-index.js';

/** How often the runs folder is looked at (the latency of an event is at most about this). */
export const POLL_MS = 250;
/** How long one slice of reading the runs of sweeps summarised from their records lasts (ms). */
export const VERIFY_SLICE_MS = 50;
/** How often an idle stream gets a comment line. */
export const HEARTBEAT_MS = 15_000;

/** Connected event streams and the poller that feeds them. */
export class EventHub {
  private readonly clients = new Set<SSEStreamingApi>();
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly index: StoreIndex,
    private readonly pollMs = POLL_MS,
  ) {}

  /**
   * Start polling (the first refresh builds the index from the sweeps' records). While some sweeps' runs
   * are still to be read (StoreIndex.verify), each turn reads them for VERIFY_SLICE_MS and the next turn
   * comes at once, so requests are answered between slices.
   */
  start(): void {
    const tick = () => {
      const changes: IndexChanges = { sweeps: [], runs: [], removed: [] };
      let left = 0;
      try {
        const found = this.index.refresh();
        const verified = this.index.verify(VERIFY_SLICE_MS);
        left = verified.left;
        changes.sweeps.push(...found.sweeps, ...verified.sweeps);
        changes.runs.push(...found.runs);
        changes.removed.push(...found.removed);
      } catch {
        // A runs folder that cannot be read this time may be readable the next: keep polling.
      }
      this.send(changes);
      this.timer = setTimeout(tick, left > 0 ? 0 : this.pollMs);
    };
    this.timer = setTimeout(tick, 0);
    this.heartbeat = setInterval(() => this.broadcast(async (s) => s.write(': heartbeat\n\n')), HEARTBEAT_MS);
  }

  /** Stop polling and end every stream. */
  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    for (const s of this.clients) s.abort();
    this.clients.clear();
  }

  /** Streams connected now. */
  get size(): number {
    return this.clients.size;
  }

  private send(changes: IndexChanges): void {
    if (this.clients.size === 0) return;
    // Runs first, then the sweeps' new summaries (counts and best include those runs).
    for (const r of changes.runs) this.broadcast((s) => s.writeSSE({ event: 'run', data: JSON.stringify(r) }));
    for (const sweep of changes.sweeps) this.broadcast((s) => s.writeSSE({ event: 'sweep', data: JSON.stringify(sweep) }));
    for (const key of changes.removed) this.broadcast((s) => s.writeSSE({ event: 'removed', data: JSON.stringify({ sweep: key.slice(key.indexOf('/') + 1), experiment: key.slice(0, key.indexOf('/')) }) }));
  }

  private broadcast(write: (s: SSEStreamingApi) => Promise<unknown>): void {
    for (const s of this.clients) {
      write(s).catch(() => {
        this.clients.delete(s);
      });
    }
  }

  /** The response of /api/events: a stream that stays open until the page goes away. */
  stream(c: Context): Response {
    return streamSSE(c, async (s) => {
      this.clients.add(s);
      // The first line tells the page the stream is live (it may then fetch what it shows).
      await s.write(': connected\n\n');
      await new Promise<void>((resolve) => {
        s.onAbort(() => resolve());
      });
      this.clients.delete(s);
    });
  }
}
