/**
 * What a sweep is doing now, from its files: sweep.json's status, corrected by its lock (a sweep marked
 * running whose process died shows as stopped) and its run counts (a sweep marked done with runs missing
 * shows as incomplete). Shared by ls, show, rm and the ui server.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { lockHolderAlive } from './lock.js';
import { SWEEP_FILES } from './paths.js';
import type { SweepFile } from './records.js';
import { readJsonFile } from './integrity.js';

/**
 * The status to show: sweep.json's, except that a sweep still marked running whose lock is no longer
 * refreshed (the process died without recording its end) shows as `stopped` (a sweep.json written in the last
 * 15 s with no lock yet is a sweep starting: `running`), and a sweep marked done
 * that lacks results for some grid points (runs pending or damaged since) shows as `incomplete`.
 */
export function liveStatus(dir: string, sweep: SweepFile, now = Date.now(), counts?: SweepFile['counts']): string {
  if (sweep.status === 'done' && counts && (counts.pending > 0 || (counts.damaged ?? 0) > 0)) return 'incomplete';
  if (sweep.status !== 'running') return sweep.status;
  // A holder that is known to be dead (killed) stopped the sweep, however fresh its lock still looks.
  if (lockHolderAlive(dir) === false) return 'stopped';
  // The lock holder refreshes the lock folder's mtime every few seconds (see store/lock.ts). A new sweep's
  // folder, sweep.json included, is created before its process takes the lock (loading the lock library can
  // take seconds on a loaded machine): without a lock yet, a sweep.json written moments ago is starting.
  const age = (name: string) => now - statSync(join(dir, name)).mtimeMs;
  try {
    return age(SWEEP_FILES.lock) < STALE_MS ? 'running' : 'stopped';
  } catch {
    try {
      return age(SWEEP_FILES.sweep) < STALE_MS ? 'running' : 'stopped';
    } catch {
      return 'stopped';
    }
  }
}

/** How long a lock (or a new sweep's record, before its lock is taken) counts as its process's sign of life. */
const STALE_MS = 15_000;

/**
 * When a sweep that stopped without recording its end was last seen working (ms since the epoch): the
 * latest change to its sweep.json or its lock (refreshed every few seconds while the process lived).
 */
export function lastActivity(dir: string): number {
  let last = NaN;
  for (const name of [SWEEP_FILES.sweep, SWEEP_FILES.lock]) {
    try {
      const t = statSync(join(dir, name)).mtimeMs;
      if (!(t <= last)) last = t;
    } catch {
      // absent
    }
  }
  return last;
}

/** Whether a search's search.json says it finished; false when it does not, or cannot be read. */
export function searchFinished(dir: string): boolean {
  return finishedSearch(dir) !== undefined;
}

/**
 * A finished search's search.json: `runs`, the runs its batches record (undefined when they cannot be counted);
 * undefined when it is unfinished or cannot be read.
 */
function finishedSearch(dir: string): { runs?: number } | undefined {
  const read = readJsonFile<{ finished?: unknown; batches?: unknown }>(join(dir, SWEEP_FILES.search), SWEEP_FILES.search);
  if (!('value' in read) || typeof read.value !== 'object' || read.value === null || read.value.finished !== true) return undefined;
  const batches = read.value.batches;
  if (!Array.isArray(batches)) return {};
  let runs = 0;
  for (const b of batches) {
    const listed = (b as { runs?: unknown } | null)?.runs;
    if (!Array.isArray(listed)) return {};
    runs += listed.length;
  }
  return { runs };
}

/**
 * The runs a sweep holds when complete, as its files say now: sweep.json's grid_size, except for an asha search
 * whose search.json says it finished, whose size is the runs it trained: a process stopped after writing
 * search.json and before sweep.json left there the most it might have trained. ls, show, verify and report
 * count pending runs against it.
 */
export function liveSize(dir: string, sweep: { grid_size: number; search?: { method: string } }): number {
  if (sweep.search?.method !== 'asha') return sweep.grid_size;
  return finishedSearch(dir)?.runs ?? sweep.grid_size;
}

/**
 * Whether a sweep's grid_size is only the most runs it may train, not its total: an asha search's, until its
 * search.json says it finished (then grid_size is the runs it trained), since its promotions decide how many
 * more it trains. A sweep.json that records the search done was written after it finished, with the runs it
 * trained as grid_size: so a search.json lost or damaged since does not make a finished search look unfinished.
 * verify, ls, show and report.html say "at most" for it alike.
 */
export function sizeIsUpperBound(dir: string, sweep: { status?: string; search?: { method: string } }): boolean {
  return sweep.search?.method === 'asha' && sweep.status !== 'done' && !searchFinished(dir);
}
