/**
 * A search's search.json as the readers rely on it: its settings as written (snake_case, only those that apply
 * to the method) and read back (a record written before, in camelCase, read alike), and the check that it stands
 * for its sweep (verify, ls, report).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasRungs, type SearchSettings } from '../search/method.js';
import { isObject } from '../guards.js';
import { readJsonFile } from './integrity.js';
import { RUN_FOLDER_PATTERN, SWEEP_FILES, runFolderNumber } from './paths.js';

/** The camelCase keys of settings in records written before they were snake_case, with the key read instead. */
const OLD_SPELLINGS: Record<string, string> = { minIterations: 'min_iterations', maxIterations: 'max_iterations', reductionFactor: 'reduction_factor' };

/**
 * search.json's `settings`: the search's settings in snake_case, only those that apply to its method (trials
 * for every method but hyperband, whose brackets decide it; the sampler, the first and largest rungs and the
 * reduction factor for halving, asha and hyperband), in a fixed order.
 */
export function recordedSettings(s: SearchSettings): Record<string, unknown> {
  // A method with rungs has a sampler, the rungs' bounds and a reduction factor.
  const rungs = hasRungs(s.method);
  return {
    method: s.method,
    ...(s.method !== 'hyperband' ? { trials: s.trials } : {}),
    seed: s.seed,
    ...(rungs ? { sampler: s.sampler, min_iterations: s.minIterations, max_iterations: s.maxIterations, reduction_factor: s.reductionFactor } : {}),
    goal: s.goal,
  };
}

/**
 * Settings read from a search.json in snake_case, whichever spelling it was written in: a camelCase key of an
 * earlier record (reductionFactor) is read as its snake_case one, unless that is there too.
 */
export function readSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) {
    const key = OLD_SPELLINGS[k] ?? k;
    if (!(key in out) || key === k) out[key] = v;
  }
  return out;
}

/** What readers take from a search.json: its method, whether it finished, its settings (snake_case; none when it records none) and the run folders of each batch. */
export interface SearchRecord {
  method: string;
  finished: boolean;
  settings: Record<string, unknown>;
  batches: { runs: { folder: string }[] }[];
}

/**
 * Read a sweep's search.json: its record, `missing`, or why it cannot be used (unreadable, not JSON, or not a
 * search's record: no method, no finished flag, batches without their run folders). Never throws.
 */
export function readSearchRecord(dir: string): { value: SearchRecord } | { missing: true } | { problem: string } {
  const name = SWEEP_FILES.search;
  const read = readJsonFile<unknown>(join(dir, name), name);
  if ('missing' in read) return read;
  if ('problem' in read) return { problem: read.problem };
  const f = read.value;
  const damaged = (what: string) => ({ problem: `${name} is damaged: ${what}` });
  if (!isObject(f)) return damaged('it is not an object');
  if (typeof f.method !== 'string') return damaged('it records no method');
  if (typeof f.finished !== 'boolean') return damaged('it does not say whether the search finished');
  if (!Array.isArray(f.batches)) return damaged('it records no list of batches');
  for (const b of f.batches) {
    const runs = isObject(b) ? b.runs : undefined;
    if (!Array.isArray(runs) || !runs.every((r) => isObject(r) && typeof r.folder === 'string' && RUN_FOLDER_PATTERN.test(r.folder))) {
      return damaged(`batch ${isObject(b) && typeof b.index === 'number' ? b.index : f.batches.indexOf(b)} does not list its run folders`);
    }
  }
  return { value: { method: f.method, finished: f.finished, settings: isObject(f.settings) ? readSettings(f.settings) : {}, batches: f.batches as SearchRecord['batches'] } };
}

/**
 * Problems of the search.json of a search sweep whose sweep.json is sound: it cannot be read, or is missing
 * from a search sweep.json records done (an unfinished search writes it after its first batch), or
 * it is not this sweep's record (another method than sweep.json's; unfinished while sweep.json records the
 * search done, which it writes only after search.json says finished; a run folder named whose number another
 * folder of the sweep holds). A run folder it names that is simply gone is a run to train again (verify counts
 * it as pending), not a problem of the record. None for a grid. Never throws.
 */
export function searchRecordProblems(dir: string, sweep: { status?: string; search?: { method: string } }): string[] {
  if (!sweep.search) return [];
  const name = SWEEP_FILES.search;
  const read = readSearchRecord(dir);
  // A search writes search.json after its first batch's run folders: until it finishes, none yet is no damage.
  if ('missing' in read) return sweep.status === 'done' ? [`${name} is missing`] : [];
  if ('problem' in read) return [read.problem];
  const f = read.value;
  const problems: string[] = [];
  if (f.method !== sweep.search.method) problems.push(`${name} records method ${f.method}, but sweep.json method ${sweep.search.method}: it is not this sweep's record`);
  if (!f.finished && sweep.status === 'done') problems.push(`${name} says the search has not finished, but sweep.json records it done: it is not this sweep's record as it ended`);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return problems;
  }
  const present = new Set(entries);
  const byNumber = new Map<number, string>();
  for (const e of entries) if (RUN_FOLDER_PATTERN.test(e)) byNumber.set(runFolderNumber(e), e);
  const foreign: string[] = [];
  for (const b of f.batches) {
    for (const r of b.runs) {
      const held = byNumber.get(runFolderNumber(r.folder));
      if (!present.has(r.folder) && held !== undefined) foreign.push(`${r.folder} (the sweep's run ${runFolderNumber(r.folder)} is ${held})`);
    }
  }
  if (foreign.length) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, and ${foreign.length - 3} more` : '');
    problems.push(`${name} names run folders the sweep does not hold: ${shown}: it is not this sweep's record`);
  }
  return problems;
}
