/**
 * Messages for run selectors that match no run, or several: what the user typed, what it matched, and the
 * address that names the run they meant.
 */
import { basename, dirname } from 'node:path';
import { UserError } from '../errors.js';
import { counted } from '../text.js';

/** What the messages need of a run found (read-runs.ts RunRef). */
interface RunHit {
  sweepDir: string;
  run: { folder: string; params: { run_id: string } };
}

function sweepName(sweepDir: string): string {
  return `${basename(dirname(sweepDir))}/${basename(sweepDir)}`;
}

/**
 * For a number that is no run of a sweep but begins the hash of some: how to name those runs instead (an
 * all-digit selector is always a run number). '' otherwise.
 */
export function digitHashHint(folders: string[], selector: string): string {
  if (!/^\d+$/.test(selector)) return '';
  const hits = folders.filter((f) => f.slice(f.indexOf('-') + 1).startsWith(selector.slice(0, 8)));
  if (hits.length === 0) return '';
  return `; a number is always a run number: to select by a hash that starts with digits, type the hash up to a letter or give the run folder (${hits.slice(0, 3).join(', ')}${hits.length > 3 ? ', ...' : ''})`;
}

/**
 * The error for a bare hash prefix matching several runs. Copies of one run (the same run id, reused across
 * sweeps) cannot be told apart by more of the hash: then it says so and gives each copy's sweep-qualified
 * address instead.
 */
export function ambiguousHash(prefix: string, hits: RunHit[]): UserError {
  const listed = hits.map((h) => `${sweepName(h.sweepDir)}/${h.run.folder}`).join(', ');
  const ids = new Set(hits.map((h) => h.run.params.run_id));
  if (ids.size === 1) {
    // The run folder, not the bare hash: a hash of digits only after a sweep would be read as a run number.
    const last = hits.at(-1)!;
    // One sweep may hold several copies (a search that drew one configuration again): sweeps are counted apart.
    const sweeps = new Set(hits.map((h) => h.sweepDir)).size;
    return new UserError(
      `"${prefix}" matches ${hits.length} copies of one run (run id ${[...ids][0]}), recorded in ${counted(sweeps, 'sweep')}: ${listed}`,
      `more of the hash cannot tell copies apart: name the sweep and the run folder, as EXPERIMENT/SWEEP_ID/RUN_FOLDER, e.g. dlsweep show ${sweepName(last.sweepDir)}/${last.run.folder}`,
    );
  }
  return new UserError(
    `"${prefix}" matches ${hits.length} runs: ${listed}`,
    `type more of the hash, or name the sweep: EXPERIMENT/SWEEP_ID/HASH or SWEEP_ID/INDEX${ids.size < hits.length ? ' (a run reused across sweeps is told apart only by its sweep)' : ''}`,
  );
}
