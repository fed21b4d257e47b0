/**
 * The store's writer thread, from the main thread: writes handed over as data (writes.ts) are done by one
 * worker thread, in the order they were handed over, while this thread goes on (a search proposes and
 * dispatches its next batch while the batch before is written). Each write is atomic, as on the main thread
 * (atomic.ts); the order makes a killed process leave a prefix of them on disk: a file that names another
 * (search.json naming run folders) is handed over after it. A write that fails stops the writing: nothing
 * handed over later is written, and drained() rejects with that error (code, path and syscall as the file
 * system gave them).
 */
import { Worker } from 'node:worker_threads';
import { errorOf, type StoreWrite } from './writes.js';
import type { WriterAnswer, WriterRequest } from './writer-thread.js';

export class StoreWriter {
  private worker?: Worker;
  private nextId = 1;
  private readonly answers = new Map<number, () => void>();
  /** Settles once everything handed over so far is written (or the writing stopped). */
  private last: Promise<void> = Promise.resolve();
  /** Why the writing stopped: the first write that failed (or the thread's own error), once known. */
  failure?: Error;

  /** The thread starts with the first write (loading its modules takes a few milliseconds of its own). */
  private start(): Worker {
    const worker = new Worker(new URL('./writer-thread.js', import.meta.url));
    worker.on('message', (a: WriterAnswer) => {
      if (a.failure) this.failure ??= errorOf(a.failure);
      this.answers.get(a.id)?.();
      this.answers.delete(a.id);
    });
    const lost = (e: Error) => {
      this.failure ??= e;
      for (const done of this.answers.values()) done();
      this.answers.clear();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the writer thread exited (code ${code})`)));
    return worker;
  }

  /** Hand writes over, to be done after those handed over before. Throws: nothing (see drained). */
  write(writes: StoreWrite[]): void {
    if (writes.length === 0) return;
    if (this.failure) return;
    this.worker ??= this.start();
    const id = this.nextId++;
    this.last = new Promise<void>((resolve) => this.answers.set(id, resolve));
    this.worker.postMessage({ id, writes } satisfies WriterRequest);
  }

  /**
   * Resolves once every write handed over so far is on disk. Throws (rejects): the error that stopped the
   * writing (a write of this call's or of an earlier one), the same error each time.
   */
  async drained(): Promise<void> {
    await this.last;
    if (this.failure) throw this.failure;
  }

  /** Wait for the writes handed over (whatever their fate), then stop the thread. Throws: nothing. */
  async close(): Promise<void> {
    await this.last;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  }
}
