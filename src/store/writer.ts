/**
 * The store's writer thread, from the main thread: writes handed over as data (writes.ts) are done by one
 * worker thread, in the order they were handed over, while this thread goes on (a search proposes and
 * dispatches its next batches while the batches before are written). Each write is atomic, as on the main
 * thread (atomic.ts); the order makes a killed process leave a prefix of them on disk: a file that names
 * another (search.json naming run folders) is handed over after it. A write that fails stops the writing:
 * nothing handed over later is written, drained() rejects with that error (code, path and syscall as the file
 * system gave them), and the onFailure listener hears of it as soon as the thread says so.
 */
import { Worker } from 'node:worker_threads';
import { errorOf, type StoreWrite } from './writes.js';
import type { WriterAnswer, WriterRequest } from './writer-thread.js';

export class StoreWriter {
  private worker?: Worker;
  /** The number of the last write() call that handed writes over (0: none yet). */
  private lastId = 0;
  /** The last write() call whose writes are done (answers come in the order of the calls). */
  private doneThrough = 0;
  /** Those waiting for the writes of a call to be done (through). */
  private waiters: { id: number; resolve: () => void }[] = [];
  /** Why the writing stopped: the first write that failed (or the thread's own error), once known. */
  failure?: Error;
  /** Called once, when the writing stops (the first failure). */
  onFailure?: (e: Error) => void;

  /**
   * Start the thread now, before the first write, so that its start (loading its modules: some tens of
   * milliseconds) happens while the caller does other work. Idempotent. Throws: nothing.
   */
  start(): this {
    this.worker ??= this.spawn();
    return this;
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./writer-thread.js', import.meta.url));
    worker.on('message', (a: WriterAnswer) => {
      if (a.failure) this.fail(errorOf(a.failure));
      this.answered(a.id);
    });
    // The thread is gone: no answer will come; everyone waiting hears of the failure.
    const lost = (e: Error) => {
      this.fail(e);
      this.answered(this.lastId);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the writer thread exited (code ${code})`)));
    // An idle writer does not keep the process alive (a command that fails before its first write exits).
    // After the listeners: listening for messages refs the thread again.
    worker.unref();
    return worker;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.onFailure?.(e);
  }

  /** The writes of every call up to `id` are done (or will never be: failure). */
  private answered(id: number): void {
    this.doneThrough = Math.max(this.doneThrough, id);
    if (this.doneThrough >= this.lastId) this.worker?.unref();
    const ready = this.waiters.filter((w) => w.id <= this.doneThrough || this.failure);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  /**
   * Hand writes over, to be done after those handed over before. Returns the call's number for through()
   * (0 when nothing was handed over: no writes, or the writing stopped). Throws: nothing (see drained).
   */
  write(writes: StoreWrite[]): number {
    if (writes.length === 0) return 0;
    if (this.failure) return 0;
    const worker = this.start().worker!;
    const id = ++this.lastId;
    // Busy: the process waits for the writes handed over.
    worker.ref();
    worker.postMessage({ id, writes } satisfies WriterRequest);
    return id;
  }

  /**
   * Resolves once every write handed over so far is on disk. Throws (rejects): the error that stopped the
   * writing (a write of this call's or of an earlier one), the same error each time.
   */
  drained(): Promise<void> {
    return this.through(this.lastId);
  }

  /**
   * Resolves once the writes of write() call `id` are done, and so those of every call before it (the later
   * ones may still be in flight). Throws (rejects): as drained.
   */
  async through(id: number): Promise<void> {
    if (id > this.doneThrough && !this.failure) await new Promise<void>((resolve) => this.waiters.push({ id, resolve }));
    if (this.failure) throw this.failure;
  }

  /** Wait for the writes handed over (whatever their fate), then stop the thread. Throws: nothing. */
  async close(): Promise<void> {
    await this.drained().catch(() => undefined);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  }
}
