/**
 * The writes a search holds and hands to the store's writer thread (writer.ts), as data: text made by the
 * thread that hands them over (JSON and CSV of small files; strings cross threads as a copy of their bytes,
 * objects value by value), and the predictions' arrays, whose CSV files the writer makes. Each is done by the
 * functions the main thread would call (writeRendered, writeTextAtomicSync, writeStatesText, pruneStates), so
 * a file has the same bytes whichever thread writes it. Imported by both threads.
 */
import { jsonText, writeTextAtomicSync } from './atomic.js';
import { pruneStates, statesText, writeStatesText } from './search-states.js';
import { renderRun, writeRendered, type RenderedRun, type RunWrite } from './write-run.js';
import type { TrainingState } from '../train/state.js';

/** One write, done in the order it was handed over. */
export type StoreWrite =
  /** A run folder (writeRendered: metrics.json last). */
  | { kind: 'run'; sweepDir: string; run: RenderedRun }
  /** A whole file (search.json, sweep.json), atomically. */
  | { kind: 'text'; path: string; text: string }
  /** The training states of one configuration after `updates` updates (search-states.ts). */
  | { kind: 'states'; sweepDir: string; key: string; updates: number; text: string }
  /** Remove the states not named in `keep` (search-states.ts pruneStates). */
  | { kind: 'prune'; sweepDir: string; keep: string[] };

/** The write of a run's folder. */
export function runWrite(sweepDir: string, run: RunWrite): StoreWrite {
  return { kind: 'run', sweepDir, run: renderRun(run) };
}

/** The write of a JSON file (as writeJsonAtomicSync writes it). */
export function jsonWrite(path: string, value: unknown): StoreWrite {
  return { kind: 'text', path, text: jsonText(value) };
}

/** The write of a configuration's training states (as writeStates writes them). */
export function statesWrite(sweepDir: string, key: string, updates: number, states: TrainingState[]): StoreWrite {
  return { kind: 'states', sweepDir, key, updates, text: statesText(key, updates, states) };
}

/** The removal of the training states not named in `keep` (as pruneStates removes them). */
export function pruneWrite(sweepDir: string, keep: ReadonlySet<string>): StoreWrite {
  return { kind: 'prune', sweepDir, keep: [...keep] };
}

/** Do one write. Throws: the file system's error (ENOSPC, EACCES...), naming the file. */
export function doWrite(w: StoreWrite): void {
  switch (w.kind) {
    case 'run':
      return writeRendered(w.sweepDir, w.run);
    case 'text':
      return writeTextAtomicSync(w.path, w.text);
    case 'states':
      return writeStatesText(w.sweepDir, w.key, w.updates, w.text);
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
