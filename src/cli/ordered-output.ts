/**
 * stdout and stderr in the order they were written, however slowly they are read. When both go to one pipe
 * (`dlsweep run ... 2>&1 | less`), a large write to stdout (the table) is handed to the pipe in pieces as
 * the reader takes them, while a later line on stderr could be written at once and land inside it. Here a
 * write to one stream waits until what was written to the other has been handed over.
 */
import type { OutStream } from './io.js';

/** The two streams, ordered, and a promise for when everything written has been handed over. */
export interface OrderedOutput {
  stdout: OutStream;
  stderr: OutStream;
  /** Resolves once every write, to either stream, has left the process (or cannot: a closed pipe). */
  flushed(): Promise<void>;
}

/** Resolves when everything written to `stream` so far has been handed over (a write's callback comes in order). */
export function drained(stream: NodeJS.WritableStream & { writableLength?: number; destroyed?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableLength === 0) return resolve();
    stream.write('', () => resolve());
  });
}

/**
 * Wrap stdout and stderr so that their writes reach the reader in the order they were made. Writes go
 * straight through while the other stream has nothing pending, so the usual case costs nothing.
 */
export function orderedOutput(out: NodeJS.WriteStream, err: NodeJS.WriteStream): OrderedOutput {
  const queue: { stream: NodeJS.WriteStream; chunk: string }[] = [];
  let last: NodeJS.WriteStream | undefined;
  let waiting = false;
  let idle: (() => void)[] = [];
  const pump = () => {
    while (queue.length > 0 && !waiting) {
      const { stream, chunk } = queue[0];
      if (last !== undefined && last !== stream && !last.destroyed && last.writableLength > 0) {
        waiting = true;
        void drained(last).then(() => {
          waiting = false;
          pump();
        });
        return;
      }
      queue.shift();
      last = stream;
      if (!stream.destroyed) stream.write(chunk);
    }
    if (queue.length === 0 && !waiting) {
      const done = idle;
      idle = [];
      for (const f of done) f();
    }
  };
  const wrap = (stream: NodeJS.WriteStream): OutStream => ({
    write(chunk: string) {
      queue.push({ stream, chunk: String(chunk) });
      pump();
      return true;
    },
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  });
  return {
    stdout: wrap(out),
    stderr: wrap(err),
    flushed: async () => {
      if (queue.length > 0 || waiting) await new Promise<void>((resolve) => idle.push(resolve));
      await Promise.all([drained(out), drained(err)]);
    },
  };
}
