/**
 * Removing sweeps. A sweep is removed in two steps: its folder is renamed to a hidden name in the same
 * experiment folder (one atomic rename: from then on no reader sees it as a sweep), then deleted. A removal
 * killed between the two leaves only a hidden `.SWEEP_ID.removing-PID` folder, which no listing shows and
 * the next rm or gc deletes. A sweep whose lock is held by a live process (running) is refused.
 */
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { lockSweep } from './lock.js';

/** Hidden names of sweeps (and lr-find results) being removed. */
const REMOVING = /^\.(lr-find-)?\d{8}-\d{6}-[0-9a-f]{4}\.removing-\d+$/;

/** Bytes of the files under a folder (recursive; symbolic links not followed). 0 when it does not exist. */
export function folderSize(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += folderSize(path);
    else if (e.isFile()) {
      try {
        total += statSync(path).size;
      } catch {
        // Removed meanwhile (a temporary file): nothing to count.
      }
    }
  }
  return total;
}

/**
 * Remove one sweep folder: take its lock (refusing a sweep a live process holds), rename it away, delete it.
 * Returns the bytes freed. Throws: UserError when the sweep is in use; the file system's error.
 */
export async function removeSweep(dir: string): Promise<number> {
  const release = await lockSweep(dir);
  const size = folderSize(dir);
  const away = join(dirname(dir), `.${basename(dir)}.removing-${process.pid}`);
  try {
    renameSync(dir, away);
  } finally {
    // The lock lived inside the folder; whatever is left of it goes with the folder.
    await release().catch(() => undefined);
  }
  rmSync(away, { recursive: true, force: true });
  return size;
}

/**
 * Remove one lr-find result folder (lr-find-<id>, see paths.ts) as a sweep is removed: renamed away, then
 * deleted. It has no lock: lr-find creates it whole (renamed into place) and never writes to it again.
 * Returns the bytes freed. Throws: the file system's error.
 */
export function removeLrFind(dir: string): number {
  const size = folderSize(dir);
  const away = join(dirname(dir), `.${basename(dir)}.removing-${process.pid}`);
  renameSync(dir, away);
  rmSync(away, { recursive: true, force: true });
  return size;
}

/** Delete what interrupted removals left in an experiment folder. Returns how many were deleted. */
export function removeLeftovers(experimentDir: string): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(experimentDir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!REMOVING.test(name)) continue;
    rmSync(join(experimentDir, name), { recursive: true, force: true });
    n++;
  }
  return n;
}

/** Whether a name is a leftover of an interrupted removal (for tests and listings). */
export function isRemovalLeftover(name: string): boolean {
  return REMOVING.test(name);
}
