/**
 * Creating, finding and reading sweep folders. Only the main thread writes; every write is atomic.
 * Concurrency contract: one process per sweep folder (see lock.ts); readers (compare, ls) may run at any
 * time and see each file either complete or absent.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomInt } from 'node:crypto';
import { UserError } from '../errors.js';
import { RUN_FILES, RUN_FOLDER_PATTERN, SWEEP_FILES, SWEEP_ID_PATTERN, newSweepId, runDir } from './paths.js';
import type { RunMetricsFile, RunParamsFile, RunTimingFile, SweepFile } from './records.js';

/**
 * Create a new sweep folder under <runsDir>/<experiment>/ holding `files` (name -> text), atomically: the
 * folder is filled under a hidden temporary name and renamed, so a sweep folder always has its sweep.json.
 * Returns its id and path. Throws: the file system's error.
 */
export function createSweepFolder(runsDir: string, experiment: string, files: (id: string) => Record<string, string>, now = new Date()): { id: string; dir: string } {
  const parent = join(runsDir, experiment);
  mkdirSync(parent, { recursive: true });
  for (;;) {
    const id = newSweepId(now, randomInt(0x10000));
    const dir = join(parent, id);
    if (existsSync(dir)) continue;
    const temp = join(parent, `.${id}.tmp-${process.pid}`);
    mkdirSync(temp);
    for (const [name, text] of Object.entries(files(id))) writeFileSync(join(temp, name), text);
    renameSync(temp, dir);
    return { id, dir };
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Sweep folders of one experiment folder, oldest first (ids sort by start time). */
export function sweepsOf(experimentPath: string): string[] {
  if (!isDir(experimentPath)) return [];
  return readdirSync(experimentPath)
    .filter((n) => SWEEP_ID_PATTERN.test(n) && existsSync(join(experimentPath, n, SWEEP_FILES.sweep)))
    .sort()
    .map((n) => join(experimentPath, n));
}

/** Every experiment folder under runsDir that holds at least one sweep, by name. */
export function experimentsIn(runsDir: string): string[] {
  if (!isDir(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((n) => !n.startsWith('.') && sweepsOf(join(runsDir, n)).length > 0)
    .sort();
}

/** Every sweep folder under runsDir, oldest first. */
export function allSweeps(runsDir: string): string[] {
  return experimentsIn(runsDir)
    .flatMap((e) => sweepsOf(join(runsDir, e)))
    .sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0));
}

/**
 * Find a sweep folder from what a user typed: nothing (the latest sweep of all), a sweep folder, an
 * experiment folder or name (its latest sweep), `NAME/latest`, `NAME/SWEEP_ID`, or a sweep id (or a unique prefix).
 * Throws: UserError when nothing matches or a prefix is ambiguous.
 */
export function resolveSweep(runsDir: string, target?: string): string {
  if (target === undefined || target === 'latest') {
    const all = allSweeps(runsDir);
    if (all.length === 0) throw new UserError(`no sweeps under ${runsDir}`, 'run one first: dlsweep run experiments/seed-article.yaml');
    return all[all.length - 1];
  }
  const asPath = resolve(target);
  if (isDir(asPath) && existsSync(join(asPath, SWEEP_FILES.sweep))) return asPath;
  if (isDir(asPath) && sweepsOf(asPath).length > 0) return sweepsOf(asPath).at(-1)!;
  const parts = target.split('/');
  if (parts.length === 2 && isDir(join(runsDir, parts[0]))) {
    const sweeps = sweepsOf(join(runsDir, parts[0]));
    if (parts[1] === 'latest' && sweeps.length > 0) return sweeps.at(-1)!;
    const hits = sweeps.filter((s) => basename(s).startsWith(parts[1]));
    if (hits.length === 1) return hits[0];
  }
  const byName = sweepsOf(join(runsDir, target));
  if (byName.length > 0) return byName.at(-1)!;
  const hits = allSweeps(runsDir).filter((s) => basename(s).startsWith(target));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) {
    throw new UserError(
      `"${target}" matches ${hits.length} sweeps: ${hits.map((h) => `${basename(dirname(h))}/${basename(h)}`).join(', ')}`,
      'type more of the sweep id',
    );
  }
  const known = experimentsIn(runsDir);
  throw new UserError(
    `no sweep or experiment "${target}" under ${runsDir}`,
    known.length ? `experiments there: ${known.join(', ')}` : 'run a sweep first: dlsweep run experiments/seed-article.yaml',
  );
}

function readJson<T>(path: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UserError(`${path} is not valid JSON`, 'the file was edited or damaged outside dlsweep; remove the run folder and resume to retrain it');
  }
}

/** sweep.json of a sweep folder. Throws: UserError when absent or damaged. */
export function readSweepFile(dir: string): SweepFile {
  const s = readJson<SweepFile>(join(dir, SWEEP_FILES.sweep));
  if (!s) throw new UserError(`${dir} is not a sweep folder (no ${SWEEP_FILES.sweep})`);
  return s;
}

/** A run folder read back. metrics is undefined while the run has not finished. */
export interface StoredRun {
  folder: string;
  dir: string;
  params: RunParamsFile;
  metrics?: RunMetricsFile;
  timing?: RunTimingFile;
}

/** Every run folder of a sweep that has a params.json, in folder (grid) order. */
export function readRuns(dir: string): StoredRun[] {
  const runs: StoredRun[] = [];
  for (const folder of readdirSync(dir).filter((n) => RUN_FOLDER_PATTERN.test(n)).sort()) {
    const rdir = runDir(dir, folder);
    const params = readJson<RunParamsFile>(join(rdir, RUN_FILES.params));
    if (!params) continue;
    runs.push({
      folder,
      dir: rdir,
      params,
      metrics: readJson<RunMetricsFile>(join(rdir, RUN_FILES.metrics)),
      timing: readJson<RunTimingFile>(join(rdir, RUN_FILES.timing)),
    });
  }
  return runs;
}
