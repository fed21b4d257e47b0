/**
 * The store's writer thread (see writer.ts): does the writes it is sent, in order, and answers each message
 * with its id, and the first failure. After a failure it writes nothing more (the writes after it would
 * name or follow files that are not there), and answers every later message with that failure.
 */
import { parentPort } from 'node:worker_threads';
import { holdExitHandlers } from './atomic.js';
import { doWrite, failureOf, type StoreWrite, type WriteFailure } from './writes.js';

/** A message to the writer thread: writes to do, in order. */
export interface WriterRequest {
  id: number;
  writes: StoreWrite[];
}

/** The writer thread's answer: done (or not, after `failure`). */
export interface WriterAnswer {
  id: number;
  failure?: WriteFailure;
}

// write-file-atomic adds and removes an exit handler per file: held for the thread's life (see atomic.ts).
holdExitHandlers();
let failed: WriteFailure | undefined;
parentPort?.on('message', (m: WriterRequest) => {
  if (!failed) {
    try {
      for (const w of m.writes) doWrite(w);
    } catch (e) {
      failed = failureOf(e);
    }
  }
  parentPort!.postMessage({ id: m.id, ...(failed ? { failure: failed } : {}) } satisfies WriterAnswer);
});
