/**
 * The one resolver of run addresses: what a user typed (SWEEP_ID/INDEX, SWEEP_ID/HASH_PREFIX,
 * EXPERIMENT/latest/INDEX, EXPERIMENT/best, SWEEP_ID/best, a run folder, a bare hash prefix) to a run, for
 * every command that takes one; and the refusal of a run's address where a sweep is expected. Here, above
 * store/, because `best` is the run the tables star, a rule of rows.ts.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { RUN_FILES, RUN_FOLDER_PATTERN, runFolderNumber } from '../store/paths.js';
import { allSweeps, checkInsideRunsDir, isDir, normalizeReference, NoSuchSweep, resolveSweep } from '../store/sweep-folders.js';
import { readRun, readRunFolder, runFoldersOf, type RunRef, type StoredRun } from '../store/read-runs.js';
import { bestRunFolder } from './rows.js';
import { ambiguousHash, digitHashHint } from './run-matches.js';

function sweepName(sweepDir: string): string {
  return `${basename(dirname(sweepDir))}/${basename(sweepDir)}`;
}

/** What to do with a sweep that has no run folder yet: no run address exists to suggest. */
function noRunsYet(name: string): string {
  return `${name} has no runs yet, so no run address to give: if it stopped, resume it to run them: dlsweep run EXPERIMENT_FILE --resume ${name}`;
}

/** The selector naming a sweep's best finished run by its objective (EXPERIMENT/best, SWEEP_ID/best). */
export const BEST_SELECTOR = 'best';

/** Whether a string can select a run inside a sweep: a 1-based index, a hash prefix, a run folder name, or `best`. */
export function isRunSelector(s: string): boolean {
  return s === BEST_SELECTOR || /^\d+$/.test(s) || /^[0-9a-f]{2,64}$/.test(s) || RUN_FOLDER_PATTERN.test(s);
}

/**
 * The run of a sweep that `selector` names: a run folder name (0003-3fa2c1d0); all digits: a 1-based index,
 * always (3 is folder 0003-...; a number with no such run is no run, never a hash prefix: 344 must not show
 * run 27 of a sweep of 32 because its hash starts 3443); `best`: the best finished
 * run by the sweep's objective (report/rows.ts bestRunFolder); otherwise a prefix of the run's hash (the
 * folder's 8 hex digits, or of the full run id when longer).
 * Throws: UserError when nothing matches, when a prefix matches several runs (listing them), or for `best`
 * when no run of the sweep finished.
 */
export function findRunInSweep(sweepDir: string, selector: string): StoredRun {
  if (selector === BEST_SELECTOR) {
    const best = bestRunFolder(sweepDir);
    if (best === undefined) {
      const name = sweepName(sweepDir);
      const first = runFoldersOf(sweepDir)[0];
      throw new UserError(
        `${name}/best names no run: no run of ${name} has finished (best is the best finished run by the sweep's objective)`,
        first === undefined
          ? noRunsYet(name)
          : `wait for its runs to finish, or resume it if it stopped (dlsweep run EXPERIMENT_FILE --resume ${name}); or name a run by its index: ${name}/${runFolderNumber(first)} (dlsweep show ${name} lists them)`,
      );
    }
    return readRunFolder(sweepDir, best);
  }
  const folders = runFoldersOf(sweepDir);
  const read = (folder: string): StoredRun => readRunFolder(sweepDir, folder);
  if (folders.includes(selector)) return read(selector);
  if (/^\d+$/.test(selector)) {
    const hit = folders.find((f) => runFolderNumber(f) === Number(selector));
    if (hit) return read(hit);
  }
  if (/^[0-9a-f]+$/.test(selector) && !/^\d+$/.test(selector)) {
    let hits = folders.filter((f) => f.slice(f.indexOf('-') + 1).startsWith(selector.slice(0, 8)));
    if (selector.length > 8) hits = hits.filter((f) => readRun(sweepDir, f)?.params.run_id.startsWith(selector));
    if (hits.length === 1) return read(hits[0]);
    if (hits.length > 1) {
      throw new UserError(`"${selector}" matches ${hits.length} runs of ${sweepName(sweepDir)}: ${hits.join(', ')}`, 'type more of the hash, or use the run index (the number before the dash)');
    }
  }
  // `latest` names the newest sweep, after an experiment: never a run folder (`best`, a run, is taken above).
  if (selector === 'latest') {
    const hint = folders.length
      ? `name a run of this sweep by its index or hash prefix (${sweepName(sweepDir)}/${runFolderNumber(folders[0])}), or the latest sweep's: dlsweep show ${basename(dirname(sweepDir))}/latest lists its runs`
      : noRunsYet(sweepName(sweepDir));
    throw new UserError(`"latest" after ${sweepName(sweepDir)} names no run: latest is the newest sweep of an experiment`, hint);
  }
  if (folders.length === 0) throw new UserError(`no run "${selector}" in ${sweepName(sweepDir)} (no runs yet)`, noRunsYet(sweepName(sweepDir)));
  throw new UserError(
    `no run "${selector}" in ${sweepName(sweepDir)} (runs 1-${runFolderNumber(folders.at(-1)!)})`,
    'select a run by its index (3) or a prefix of its hash (3fa2), e.g. ' + `${sweepName(sweepDir)}/${runFolderNumber(folders[0])}` + digitHashHint(folders, selector),
  );
}

/**
 * The sweep folder named by what comes before the last / of a run reference (SWEEP_ID/x, NAME/latest/x,
 * NAME/SWEEP_ID/x), or undefined when it names none. A bare experiment name does not count: in NAME/x,
 * x may be a mistyped sweep id of NAME.
 */
export function sweepBeforeRun(runsDir: string, ref: string): string | undefined {
  const prefix = ref.replace(/\/+$/, '');
  const before = prefix.slice(0, prefix.lastIndexOf('/'));
  if (before === '' || (!before.includes('/') && isDir(join(runsDir, before)))) return undefined;
  try {
    return resolveSweep(runsDir, before);
  } catch (e) {
    if (e instanceof UserError) return undefined;
    throw e;
  }
}

/**
 * Find a run from what a user typed: a run folder path; SWEEP/SELECTOR where SWEEP is anything
 * resolveSweep accepts (a sweep id or unique prefix, EXPERIMENT/SWEEP_ID, EXPERIMENT/latest, an experiment
 * name for its latest sweep) and SELECTOR a 1-based index, a hash prefix or `best` (see findRunInSweep); a
 * bare `best` (the latest sweep's); or a bare hash prefix of at least 4 hex digits, searched in every sweep.
 * The run found is always inside runsDir.
 * Throws: UserError when nothing matches, a prefix is ambiguous (listing the matches), or the reference leads
 * outside runsDir.
 */
export function resolveRun(runsDir: string, ref: string): RunRef {
  const trimmed = normalizeReference(runsDir, ref).replace(/\/+$/, '');
  const asPath = resolve(trimmed);
  if (isDir(asPath) && existsSync(join(asPath, RUN_FILES.params))) {
    const sweepDir = dirname(asPath);
    checkInsideRunsDir(runsDir, sweepDir, ref);
    return { sweepDir, run: findRunInSweep(sweepDir, basename(asPath)) };
  }
  const slash = trimmed.lastIndexOf('/');
  // `best` alone: the best run of the latest sweep of all, as a bare `latest` is that sweep.
  if (trimmed === BEST_SELECTOR) {
    const sweepDir = resolveSweep(runsDir);
    return { sweepDir, run: findRunInSweep(sweepDir, BEST_SELECTOR) };
  }
  if (slash > 0 && isRunSelector(trimmed.slice(slash + 1))) {
    const sweepDir = resolveSweep(runsDir, trimmed.slice(0, slash));
    return { sweepDir, run: findRunInSweep(sweepDir, trimmed.slice(slash + 1)) };
  }
  // SWEEP/zzzz: the sweep is there, the run is not: say so, with what a run selector looks like.
  const sweepDir = slash > 0 ? sweepBeforeRun(runsDir, trimmed) : undefined;
  if (sweepDir) return { sweepDir, run: findRunInSweep(sweepDir, trimmed.slice(slash + 1)) };
  // A bare hash prefix, digits only included (06858080): with no sweep before it, it is no run number.
  if (slash < 0 && /^[0-9a-f]{4,64}$/.test(trimmed)) {
    const hits: RunRef[] = [];
    for (const sweepDir of allSweeps(runsDir)) {
      for (const f of runFoldersOf(sweepDir)) {
        if (!f.slice(f.indexOf('-') + 1).startsWith(trimmed.slice(0, 8))) continue;
        const run = readRun(sweepDir, f);
        if (run && (trimmed.length <= 8 || run.params.run_id.startsWith(trimmed))) hits.push({ sweepDir, run });
      }
    }
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) throw ambiguousHash(trimmed, hits);
  }
  // Digits only may begin a sweep id (20261129): refused below as a sweep when one matches.
  if (slash < 0 && /^[0-9a-f]{4,64}$/.test(trimmed) && !/^\d+$/.test(trimmed)) {
    throw new UserError(`no run with a hash starting "${trimmed}" under ${runsDir}`, 'list runs with: dlsweep compare; address one as SWEEP_ID/INDEX, SWEEP_ID/HASH_PREFIX or EXPERIMENT/latest/INDEX');
  }
  // A sweep where a run was expected (quick/latest): say which, and how to name one of its runs.
  let sweep: string | undefined;
  let noSweep = false;
  try {
    sweep = resolveSweep(runsDir, trimmed);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    noSweep = e instanceof NoSuchSweep;
  }
  if (sweep) {
    const first = runFoldersOf(sweep)[0];
    const hint = first === undefined ? noRunsYet(sweepName(sweep)) : `add a run's index or hash prefix: ${trimmed}/${runFolderNumber(first)}, or ${sweepName(sweep)}/${runFolderNumber(first)}; dlsweep show ${trimmed} lists its runs`;
    throw new UserError(`"${ref}" names a sweep (${sweepName(sweep)}), not a run`, hint);
  }
  if (slash < 0 && noSweep && /^\d{4,64}$/.test(trimmed)) {
    throw new UserError(`no run with a hash starting "${trimmed}" under ${runsDir}, and no sweep id starting with it`, 'list runs with: dlsweep compare; address one as SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX or EXPERIMENT/SWEEP_ID/RUN_FOLDER (0002-06858080)');
  }
  throw new UserError(`"${ref}" does not name a run`, 'address a run as SWEEP_ID/INDEX (20261129-111502-3fa2/3), SWEEP_ID/HASH_PREFIX, EXPERIMENT/latest/INDEX, EXPERIMENT/best, SWEEP_ID/best, or a run folder path');
}

/**
 * The sweep folder `target` names (anything resolveSweep accepts), for a command that takes sweeps. A run's
 * address given instead (quick/latest/1, a run folder's path, a hash prefix) is refused saying it names a run,
 * with `dlsweep show` for the run and `dlsweep COMMAND SWEEP` for the sweep that holds it; `doing` says what
 * the command would do with that sweep ("compare its sweep").
 * Throws: UserError naming the run; otherwise what resolveSweep throws.
 */
export function resolveSweepNotRun(runsDir: string, target: string | undefined, command: string, doing: string): string {
  try {
    return resolveSweep(runsDir, target);
  } catch (e) {
    if (!(e instanceof NoSuchSweep) || target === undefined) throw e;
    const run = runAddressed(runsDir, target);
    if (!run) throw e;
    throw new UserError(
      `"${target}" names a run (${run.name}), not a sweep: ${command} takes sweeps`,
      `show the run: dlsweep show ${target}; ${doing}: dlsweep ${command} ${run.sweep}`,
    );
  }
}

/**
 * The run `ref` names, when it names one (resolveRun): its name for a message (run 1 of quick/SWEEP_ID) and
 * the address of its sweep as the user spelled it (quick/latest for quick/latest/1) and its folder; undefined when
 * it names none.
 */
export function runAddressed(runsDir: string, ref: string): { name: string; sweep: string; sweepDir: string } | undefined {
  let found: RunRef;
  try {
    found = resolveRun(runsDir, ref);
  } catch (e) {
    if (e instanceof UserError) return undefined;
    throw e;
  }
  const trimmed = normalizeReference(runsDir, ref).replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  const sweep = slash > 0 ? trimmed.slice(0, slash) : sweepName(found.sweepDir);
  return { name: `run ${runFolderNumber(found.run.folder)} of ${sweepName(found.sweepDir)}`, sweep, sweepDir: found.sweepDir };
}
