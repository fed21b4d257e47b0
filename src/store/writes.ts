/**
 * The writes a search holds and hands to the store's writer thread (writer.ts), as data: each is done by
 * the functions the main thread would call (writeRun, writeJsonAtomicSync, writeStates, pruneStates), so a
 * file is written the same way whichever thread writes it. Imported by both threads.
 */
import type { TrainingState } from '../train/state.js';
import { writeJsonAtomicSync } from './atomic.js';
import { pruneStates, writeStates } from './search-states.js';
import { writeRun, type RunWrite } from './write-run.js';

/** One write, done in the order it was queued. */
export type StoreWrite =
  /** A run folder (writeRun: metrics.json last). */
  | { kind: 'run'; sweepDir: string; run: RunWrite }
  /** A JSON file (search.json, sweep.json), pretty-printed, atomically. */
  | { kind: 'json'; path: string; value: unknown }
  /** The training states of one configuration after `updates` updates (search-states.ts). */
  | { kind: 'states'; sweepDir: string; key: string; updates: number; states: TrainingState[] }
  /** Remove the states not named in `keep` (search-states.ts pruneStates). */
  | { kind: 'prune'; sweepDir: string; keep: string[] };

/** Do one write. Throws: the file system's error (ENOSPC, EACCES...), naming the file. */
export function doWrite(w: StoreWrite): void {
  switch (w.kind) {
    case 'run':
      return writeRun(w.sweepDir, w.run);
    case 'json':
      return writeJsonAtomicSync(w.path, w.value);
    case 'states':
      return writeStates(w.sweepDir, w.key, w.updates, w.states);
    case 'prune':
      return pruneStates(w.sweepDir, new Set(w.keep));
  }
}

/** A file-system error as data (an Error's own fields do not all cross threads). */
export interface WriteFailure {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  dest?: string;
  stack?: string;
}

/** The failure of a write, as data. */
export function failureOf(e: unknown): WriteFailure {
  if (!(e instanceof Error)) return { message: String(e) };
  const x = e as NodeJS.ErrnoException & { dest?: string };
  return {
    message: x.message,
    ...(x.code !== undefined ? { code: x.code } : {}),
    ...(x.errno !== undefined ? { errno: x.errno } : {}),
    ...(x.syscall !== undefined ? { syscall: x.syscall } : {}),
    ...(x.path !== undefined ? { path: x.path } : {}),
    ...(x.dest !== undefined ? { dest: x.dest } : {}),
    ...(x.stack !== undefined ? { stack: x.stack } : {}),
  };
}

/** The error again, with the fields the CLI reads (code, path, syscall) as the file system gave them. */
export function errorOf(f: WriteFailure): Error {
  const { message, stack, ...fields } = f;
  const e = Object.assign(new Error(message), fields);
  if (stack !== undefined) e.stack = stack;
  return e;
}
