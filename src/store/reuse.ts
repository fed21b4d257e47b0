/**
 * Reusing runs: a planned run whose identity (run_id: parameters, data fingerprint, engine and engine
 * version) matches a run recorded with a result (done or diverged) in another sweep of the same experiment,
 * all of whose files are sound (the deep check of integrity.ts), is copied instead of trained.
 *
 * The copy is a copy, not a hard link: removing the source sweep (rm, gc) or damaging one of its files
 * later never touches the reused run, and `ls --size` counts what each sweep really holds. metrics.json,
 * curve.csv, model.json, timing.json, predictions.csv and roc.csv are copied byte for byte; params.json is
 * the new sweep's own (its folder, index and training) with `reused_from` naming the source; tags and
 * notes stay with the source. metrics.json goes last, as when a run is trained.
 */
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PlannedRun } from '../sweep/plan.js';
import { writeJsonAtomicSync, writeTextAtomicSync } from './atomic.js';
import { checkRunFolder } from './integrity.js';
import { sweepCurveEvery } from './read-runs.js';
import { RUN_FILES, RUN_FOLDER_PATTERN, experimentDir } from './paths.js';
import type { RunParamsFile } from './records.js';
import { sweepsOf } from './sweep-folders.js';

/** A recorded run that a planned run can reuse. */
export interface ReuseSource {
  /** EXPERIMENT/SWEEP_ID of the sweep it is recorded in. */
  sweep: string;
  /** Its run folder's name and path. */
  folder: string;
  dir: string;
}

/**
 * For each of `runs`, a sound recorded run with a result and the same run_id in another sweep of the
 * experiment (the newest such sweep first; `own`, the sweep being run, is skipped). Runs with no such
 * record are absent from the map. Damaged or unfinished records are never sources. Never throws on a
 * damaged folder (it is skipped); the file system's error when a folder cannot be listed.
 */
export function findReusable(runsDir: string, experiment: string, runs: readonly PlannedRun[], own?: string): Map<number, ReuseSource> {
  const found = new Map<number, ReuseSource>();
  if (runs.length === 0) return found;
  const wanted = new Map<string, PlannedRun[]>();
  for (const r of runs) {
    const list = wanted.get(r.id.slice(0, 8));
    if (list) list.push(r);
    else wanted.set(r.id.slice(0, 8), [r]);
  }
  const sweeps = sweepsOf(experimentDir(runsDir, experiment)).reverse();
  for (const sweepDir of sweeps) {
    if (own !== undefined && sweepDir === own) continue;
    let names: string[];
    // Read once per sweep, and only for a sweep holding a candidate.
    let curveEvery: { value: number | undefined } | undefined;
    try {
      names = readdirSync(sweepDir);
    } catch {
      continue; // removed meanwhile (rm, gc)
    }
    for (const folder of names) {
      if (!RUN_FOLDER_PATTERN.test(folder)) continue;
      const candidates = wanted.get(folder.slice(folder.indexOf('-') + 1))?.filter((r) => !found.has(r.index));
      if (!candidates?.length) continue;
      const dir = join(sweepDir, folder);
      const checked = checkRunFolder(dir, folder, true, (curveEvery ??= { value: sweepCurveEvery(sweepDir) }).value);
      const status = checked.metrics?.status;
      if (checked.problems.length || (status !== 'done' && status !== 'diverged')) continue;
      for (const r of candidates) {
        if (checked.metrics!.run_id === r.id) found.set(r.index, { sweep: `${basename(dirname(sweepDir))}/${basename(sweepDir)}`, folder, dir });
      }
    }
    if (found.size === runs.length) break;
  }
  return found;
}

/** The files a reused run takes from its source, metrics.json last. */
const COPIED = [RUN_FILES.curve, RUN_FILES.model, RUN_FILES.timing, RUN_FILES.predictions, RUN_FILES.roc, RUN_FILES.metrics];

/**
 * Record `params` (the new sweep's params.json of the run) in sweepDir as a copy of `source`: see the module
 * comment. Throws: the file system's error (ENOSPC, EACCES, a source removed meanwhile), after which the run
 * has no metrics.json and is trained or copied again on resume.
 */
export function copyReusedRun(sweepDir: string, params: RunParamsFile, source: ReuseSource): void {
  const dir = join(sweepDir, params.folder);
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  writeJsonAtomicSync(join(dir, RUN_FILES.params), { ...params, reused_from: { sweep: source.sweep, run: source.folder } } satisfies RunParamsFile);
  for (const name of COPIED) {
    let text: string;
    try {
      text = readFileSync(join(source.dir, name), 'utf8');
    } catch (e) {
      // predictions.csv and roc.csv are absent for diverged runs and in older records.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && name !== RUN_FILES.metrics) continue;
      throw e;
    }
    writeTextAtomicSync(join(dir, name), text);
  }
}
