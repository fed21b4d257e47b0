/**
 * The training states a successive-halving search keeps between rungs (see states/ in paths.ts): the state of
 * each configuration's training at the rung it reached, so that a promotion continues it instead of training
 * again from the start. Written atomically by the store's writer thread (writer.ts; the training threads
 * return states as data), before the run folder of the rung they belong to. The search that recorded them
 * also keeps them in memory (a continued training does not wait for the writes); a resumed search reads them
 * back with validation, and a missing, damaged or mismatched file is simply not used: the promoted
 * configuration then trains from the start, to the same numbers (a continued training equals one training),
 * only slower.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isObject } from '../guards.js';
import { validateState, type TrainingState } from '../train/state.js';
import { jsonText, writeTextAtomicSync } from './atomic.js';
import { SWEEP_FILES } from './paths.js';

/** The file name of the state of the training `key` (64 hex digits) after `updates` updates. */
export function stateFileName(key: string, updates: number): string {
  return `${key.slice(0, 16)}-${updates}.json`;
}

/**
 * Write the states (one per fold) of training `key` after `updates` updates, atomically.
 * Throws: the file system's error (the caller stops the search as after any write error).
 */
export function writeStates(sweepDir: string, key: string, updates: number, states: TrainingState[]): void {
  writeStatesText(sweepDir, key, updates, statesText(key, updates, states));
}

/** The text of the states file of training `key` after `updates` updates (what writeStates writes). */
export function statesText(key: string, updates: number, states: TrainingState[]): string {
  return jsonText({ key, updates, folds: states });
}

/** Write the states file of training `key` after `updates` updates from its text (statesText). Throws: as writeStates. */
export function writeStatesText(sweepDir: string, key: string, updates: number, text: string): void {
  const dir = join(sweepDir, SWEEP_FILES.states);
  mkdirSync(dir, { recursive: true });
  writeTextAtomicSync(join(dir, stateFileName(key, updates)), text);
}

/**
 * The states of training `key` after `updates` updates for `folds` folds, or undefined when there is no usable
 * file (missing, unreadable, damaged, or for another training). Throws: nothing.
 */
export function readStates(sweepDir: string, key: string, updates: number, folds: number): TrainingState[] | undefined {
  try {
    const v = JSON.parse(readFileSync(join(sweepDir, SWEEP_FILES.states, stateFileName(key, updates)), 'utf8')) as unknown;
    if (!isObject(v) || v.key !== key || v.updates !== updates || !Array.isArray(v.folds)) return undefined;
    return usableStates(v.folds.map((x) => validateState(x)), updates, folds);
  } catch {
    return undefined;
  }
}

/**
 * The states (one per fold) of a training after `updates` updates, when they are what a continued training
 * needs: one per fold, each at `updates` or stopped early before; undefined otherwise. What readStates checks
 * of a file, for states kept in memory. Throws: nothing.
 */
export function usableStates(states: TrainingState[], updates: number, folds: number): TrainingState[] | undefined {
  if (states.length !== folds) return undefined;
  return states.every((s) => s.iteration === updates || (s.stopped !== null && s.iteration <= updates)) ? states : undefined;
}

/**
 * Remove every file of the states folder but those named in `keep` (temporary files of a killed writer
 * included); the folder itself when nothing is kept. Throws: the file system's error.
 */
export function pruneStates(sweepDir: string, keep: ReadonlySet<string>): void {
  const dir = join(sweepDir, SWEEP_FILES.states);
  if (!existsSync(dir)) return;
  if (keep.size === 0) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  for (const name of readdirSync(dir)) if (!keep.has(name)) rmSync(join(dir, name), { force: true });
}
