/**
 * Creating, listing and finding sweep folders: ids drawn until one is free, experiments and their sweeps,
 * a user's sweep reference resolved to a folder.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { randomInt } from 'node:crypto';
import { UserError } from '../errors.js';
import { makeDirs } from './dirs.js';
import { LR_FIND_PATTERN, SWEEP_FILES, SWEEP_ID_PATTERN, newSweepId } from './paths.js';
import { canonicalName } from '../experiment/names.js';

/** Sources of time and randomness for new sweep ids (tests replace them). */
export interface SweepIdSource {
  now?: () => Date;
  /** A random integer; its low 6 bits are used. */
  random?: () => number;
}

/** How many names createUniqueFolder draws before giving up (only a clock or random source stuck on one value gets there). */
const ID_ATTEMPTS = 1000;

/**
 * Create a new folder `<parent>/<prefix><id>` (id: a sweep id, see newSweepId) holding `files` (name ->
 * text), atomically: the folder is filled under a hidden temporary name and renamed, so it is never seen
 * half-written. Two processes starting at the same moment can draw the same id: the one whose rename finds
 * the folder taken removes its temporary folder and draws a new id. Returns the id and the folder's path.
 * Throws: the file system's error; Error when ID_ATTEMPTS ids are all taken.
 */
export function createUniqueFolder(parent: string, prefix: string, files: (id: string) => Record<string, string>, source: SweepIdSource = {}): { id: string; dir: string } {
  const now = source.now ?? (() => new Date());
  const random = source.random ?? (() => randomInt(0x10000));
  makeDirs(parent);
  for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
    const id = newSweepId(now(), random());
    const dir = join(parent, prefix + id);
    if (existsSync(dir)) continue;
    const temp = join(parent, `.${prefix}${id}.tmp-${process.pid}`);
    // A folder of that name can only be a leftover of a killed process that had the same pid.
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp);
    try {
      for (const [name, text] of Object.entries(files(id))) {
        try {
          writeFileSync(join(temp, name), text);
        } catch (e) {
          // A failed write() names no file: the file it was to be, in the folder being created.
          (e as NodeJS.ErrnoException).path ??= join(dir, name);
          throw e;
        }
      }
      // rename() refuses to replace a folder that has files in it: another process took this name meanwhile.
      renameSync(temp, dir);
      return { id, dir };
    } catch (e) {
      rmSync(temp, { recursive: true, force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`no free folder name under ${parent} after ${ID_ATTEMPTS} attempts`);
}

/**
 * Create a new sweep folder under <runsDir>/<experiment>/ holding `files` (name -> text), atomically (see
 * createUniqueFolder), so a sweep folder always has its sweep.json. Returns its id and path.
 * Throws: the file system's error.
 */
export function createSweepFolder(runsDir: string, experiment: string, files: (id: string) => Record<string, string>, source: SweepIdSource = {}): { id: string; dir: string } {
  return createUniqueFolder(join(runsDir, experiment), '', files, source);
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Sweep folders of one experiment folder, oldest first (ids sort by start time): every folder named by a sweep
 * id. A sweep folder is created with its sweep.json (createSweepFolder), so one without it lost its record:
 * it is still listed (readers show it as damaged, run --resume --repair rebuilds the record, rm removes it).
 */
export function sweepsOf(experimentPath: string): string[] {
  if (!isDir(experimentPath)) return [];
  return readdirSync(experimentPath)
    .filter((n) => SWEEP_ID_PATTERN.test(n) && isDir(join(experimentPath, n)))
    .sort()
    .map((n) => join(experimentPath, n));
}

/**
 * Refuse a runs folder that is a file: a mistyped --runs-dir. A missing folder is fine (it holds no sweeps yet).
 * Throws: UserError.
 */
export function checkRunsDir(runsDir: string): void {
  if (existsSync(runsDir) && !isDir(runsDir)) throw new UserError(`--runs-dir ${runsDir} is a file, not a folder of sweeps`, 'give the folder the sweeps were recorded in, e.g. --runs-dir runs');
}

/**
 * The sweep folders of experiment `experiment` under runsDir that are inside it, symbolic links followed,
 * oldest first: a link (the experiment folder or a sweep folder) leading out is left out (see linksLeaving),
 * and so is a second name of a sweep listed under its own (see listedName): each sweep is listed once.
 */
export function sweepsUnder(runsDir: string, experiment: string): string[] {
  const root = realPath(runsDir);
  return sweepsOf(join(runsDir, experiment)).filter((s) => isInside(root, s) && listedName(root, runsDir, s) === s);
}

/**
 * The name a listing gives the sweep folder `sweep` of `runsDir` (runsDir/EXPERIMENT/SWEEP_ID, `realRoot`
 * being runsDir's real path): `sweep` itself, unless it is a second name, through a symbolic link inside the
 * runs folder, of a sweep a listing finds under another name: the sweep folder leads to one found under its
 * own name (EXPERIMENT/SWEEP_ID, no link on the way), or the experiment folder is a link to another
 * experiment folder of the runs folder. A link to a sweep no listing reaches otherwise keeps its own name.
 */
function listedName(realRoot: string, runsDir: string, sweep: string): string {
  const listable = (parts: string[], n: number) => parts.length === n && parts[0] !== '..' && !parts[0].startsWith('.') && !isAbsolute(parts.join(sep));
  const real = relative(realRoot, realPath(sweep)).split(sep);
  if (listable(real, 2) && SWEEP_ID_PATTERN.test(real[1])) return join(runsDir, real[0], real[1]);
  const folder = relative(realRoot, realPath(dirname(sweep))).split(sep);
  if (listable(folder, 1)) return join(runsDir, folder[0], basename(sweep));
  return sweep;
}

/** Whether a sweep folder of runsDir's listing is a second name of a sweep listed under its own (see listedName). */
export function isListedElsewhere(runsDir: string, sweep: string): boolean {
  return listedName(realPath(runsDir), runsDir, sweep) !== sweep;
}

/** Every experiment folder under runsDir that holds at least one sweep inside it (sweepsUnder), by name. */
export function experimentsIn(runsDir: string): string[] {
  checkRunsDir(runsDir);
  if (!isDir(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((n) => !n.startsWith('.') && sweepsUnder(runsDir, n).length > 0)
    .sort();
}

/**
 * The lr-find results (`lr-find-<id>` folders, see paths.ts) of experiment `experiment` under runsDir, oldest
 * first: real folders inside the runs folder only. None through a symbolic link, whether the link is the result
 * or the experiment folder (a link to another experiment folder lists that one's under its own name).
 */
export function lrFindsUnder(runsDir: string, experiment: string): string[] {
  const path = join(runsDir, experiment);
  if (!isDir(path) || experimentOf(runsDir, experiment) !== experiment || !isInside(realPath(runsDir), path)) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isDirectory() && LR_FIND_PATTERN.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((n) => join(path, n));
}

/** Every experiment folder under runsDir holding a sweep (experimentsIn) or an lr-find result (lrFindsUnder), by name. */
export function experimentsWithRecords(runsDir: string): string[] {
  checkRunsDir(runsDir);
  if (!isDir(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((n) => !n.startsWith('.') && (sweepsUnder(runsDir, n).length > 0 || lrFindsUnder(runsDir, n).length > 0))
    .sort();
}

/** Every sweep folder under runsDir (links leading out left out, see sweepsUnder), oldest first. */
export function allSweeps(runsDir: string): string[] {
  return experimentsIn(runsDir)
    .flatMap((e) => sweepsUnder(runsDir, e))
    .sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0));
}

/** A symbolic link under a runs folder whose sweeps are outside it: an experiment folder, or one sweep folder. */
export interface LeavingLink {
  experiment: string;
  /** The link's path under the runs folder, and where it leads (symbolic links followed). */
  path: string;
  target: string;
}

/**
 * The experiment and sweep folders under runsDir that lead outside it through a symbolic link and hold
 * sweeps: listings (ls, compare's latest) leave them out and warn of each once.
 */
export function linksLeaving(runsDir: string): LeavingLink[] {
  if (!isDir(runsDir)) return [];
  const root = realPath(runsDir);
  const out: LeavingLink[] = [];
  for (const experiment of readdirSync(runsDir).sort()) {
    if (experiment.startsWith('.')) continue;
    const path = join(runsDir, experiment);
    if (!isInside(root, path)) {
      if (sweepsOf(path).length > 0) out.push({ experiment, path, target: realPath(path) });
      continue;
    }
    // A link to another experiment folder of the runs folder: what it holds is named once, under that folder.
    if (experimentOf(runsDir, experiment) !== experiment) continue;
    // Any folder holding a sweep.json, whatever its name (a link named `best` as well as one named like a sweep id).
    for (const name of isDir(path) ? readdirSync(path).sort() : []) {
      const s = join(path, name);
      if (!name.startsWith('.') && isDir(s) && existsSync(join(s, SWEEP_FILES.sweep)) && !isInside(root, s)) out.push({ experiment, path: s, target: realPath(s) });
    }
  }
  return out;
}

/**
 * The experiment a folder of runsDir lists under: `name` itself, or, for a symbolic link to another
 * experiment folder of the runs folder (runs/alias -> runs/quick), that folder's name (quick). Throws: nothing.
 */
export function experimentOf(runsDir: string, name: string): string {
  const real = pathUnder(realPath(runsDir), realPath(join(runsDir, name)));
  return real !== undefined && real !== '' && !real.includes(sep) && !real.startsWith('.') ? real : name;
}

/** The warning for a link leading out of runsDir, left out of a listing. */
export function leavingWarning(runsDir: string, link: LeavingLink): string {
  return `warning: ${link.path} leads outside the runs folder ${runsDir} (to ${link.target}); it is left out: dlsweep reads only the sweeps under --runs-dir (to use that folder pass --runs-dir ${runsFolderOf(link.target, link.path !== join(runsDir, link.experiment))})`;
}

/** The runs folder holding a sweep folder (sweep = true) or an experiment folder, as the layout runs/EXPERIMENT/SWEEP_ID places them. */
function runsFolderOf(realDir: string, sweep: boolean): string {
  return sweep ? dirname(dirname(realDir)) : dirname(realDir);
}

/** A path with its symbolic links followed (as typed when it does not exist). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Whether `path` is `runsDir` or inside it, symbolic links followed (a link cannot lead out). */
export function isInsideRunsDir(runsDir: string, path: string): boolean {
  return isInside(realPath(runsDir), path);
}

/** Whether `path`, symbolic links followed, is the folder `realRoot` (a real path) or inside it. */
function isInside(realRoot: string, path: string): boolean {
  const rel = relative(realRoot, realPath(path));
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/** checkInsideRunsDir's error: a reference that names a folder outside the runs folder (never read as anything else). */
export class OutsideRunsDir extends UserError {}

/**
 * Refuse a folder a user's reference leads to outside runsDir: every command, reading or changing (rm, tag,
 * note, resume), works only on the sweeps of its runs folder. Throws: UserError naming the --runs-dir to use.
 */
export function checkInsideRunsDir(runsDir: string, dir: string, target: string): void {
  if (isInsideRunsDir(runsDir, dir)) return;
  throw new OutsideRunsDir(
    `"${target}" is outside the runs folder ${runsDir}`,
    // The runs folder that really holds the sweep: a link's target's, not the link's.
    `dlsweep reads and changes only the sweeps under --runs-dir; to use that folder pass --runs-dir ${runsFolderOf(realPath(dir), true)}`,
  );
}

/** The path of `path` under the folder `root` ('' for root itself), or undefined when it is not inside. */
function pathUnder(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  return rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel) ? rel : undefined;
}

/** A path with its symbolic links followed as far as it exists, the rest as typed (runs/quick/latest: runs/quick's real path + latest). */
function realPathOfPrefix(path: string): string {
  const abs = resolve(path);
  const parent = dirname(abs);
  if (existsSync(abs) || parent === abs) return realPath(abs);
  return join(realPathOfPrefix(parent), basename(abs));
}

/**
 * A sweep or run reference as the names under the runs folder spell it: a path into runsDir (`runs/quick/latest`,
 * `./runs/quick/3`, an absolute path, `../x/runs/quick`) becomes the part under it (`quick/latest`,
 * `quick/3`), and `.` and `..` segments that stay inside the runs folder are resolved (`quick/../div/latest`
 * is `div/latest`), so `latest` and run selectors are read as such whatever way the sweep was reached. A
 * reference whose first segment names a folder of runsDir is read as names, not as a path from the current
 * folder. A path elsewhere is returned as typed (resolveSweep and resolveRun then refuse it with the
 * --runs-dir that holds it). Throws: UserError for a reference whose `..` climbs out of the runs folder to
 * nothing that exists.
 */
export function normalizeReference(runsDir: string, ref: string): string {
  // Before and after: `café/latest` is spelled as the folder at once, `runs/café/latest` once under the runs folder.
  return spelledAsFolder(runsDir, namesUnderRunsDir(runsDir, spelledAsFolder(runsDir, ref)));
}

/**
 * `ref` with its first segment spelled as the folder of runsDir it names when compared in composed Unicode
 * (NFC, as experiment names are compared and created: experiment/names.ts), so `café/latest` or `café/latest/1`
 * typed decomposed (as macOS may) reaches the folder made composed. Unchanged when the segment is ASCII, is a
 * folder as typed, or matches none. Throws: nothing.
 */
function spelledAsFolder(runsDir: string, ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash < 0 ? ref : ref.slice(0, slash);
  if (/^[\x00-\x7f]*$/.test(first) || existsSync(join(runsDir, first))) return ref;
  let entries: string[];
  try {
    entries = readdirSync(runsDir);
  } catch {
    return ref;
  }
  const folder = entries.find((n) => canonicalName(n) === canonicalName(first));
  return folder === undefined ? ref : folder + ref.slice(first.length);
}

/** normalizeReference without the spelling of names: a path into runsDir as the part under it, `.` and `..` resolved. */
function namesUnderRunsDir(runsDir: string, ref: string): string {
  const trimmed = ref.length > 1 ? ref.replace(/\/+$/, '') : ref;
  if (trimmed === '' || trimmed === '/') return ref;
  // One word is a name (an experiment, a sweep id, a hash prefix), never a path from the current folder.
  if (!trimmed.includes('/') && trimmed !== '.' && trimmed !== '..') return trimmed;
  const first = trimmed.split('/')[0];
  const named = !isAbsolute(trimmed) && first !== '.' && first !== '..' && existsSync(join(runsDir, first));
  if (!named) {
    const under = pathUnder(resolve(runsDir), resolve(trimmed)) ?? pathUnder(realPath(runsDir), realPathOfPrefix(trimmed));
    if (under !== undefined && under !== '') return under.split(sep).join('/');
    if (under === '' || isAbsolute(trimmed) || existsSync(trimmed)) return trimmed;
  }
  const names = posix.normalize(trimmed).replace(/\/+$/, '');
  if (names === '..' || names.startsWith('../')) {
    // A folder there (named from the runs folder) is refused by the caller with the --runs-dir holding it.
    if (existsSync(join(runsDir, names))) return trimmed;
    throw new UserError(`"${ref}" is outside the runs folder ${runsDir}`, 'dlsweep reads and changes only the sweeps under --runs-dir: name one as EXPERIMENT/latest, EXPERIMENT/SWEEP_ID or SWEEP_ID/3, or give a path inside the runs folder');
  }
  return names === '.' ? trimmed : names;
}

/**
 * The sweep folders of an experiment folder that are inside runsDir, symbolic links followed, oldest first:
 * an experiment's latest sweep is never one a link leads to outside the runs folder (listings warn of those).
 */
function sweepsInside(runsDir: string, experimentPath: string): string[] {
  const root = realPath(runsDir);
  const inside = isInside(root, experimentPath);
  return inside ? sweepsOf(experimentPath).filter((s) => isInside(root, s)) : sweepsOf(experimentPath);
}

/** resolveSweep's error when nothing is named `target` (as opposed to a target naming several sweeps). */
export class NoSuchSweep extends UserError {}

/**
 * Find a sweep folder from what a user typed: nothing (the latest sweep of all), a sweep folder, an
 * experiment folder or name (its latest sweep), `NAME/latest`, `NAME/SWEEP_ID`, or a sweep id (or a unique prefix).
 * The folder found is always inside runsDir, under the name listings give it (a link to a listed sweep
 * resolves to that sweep's folder).
 * Throws: NoSuchSweep (a UserError) when nothing matches; UserError when a prefix is ambiguous, or the
 * reference leads outside runsDir.
 */
export function resolveSweep(runsDir: string, target?: string): string {
  const dir = findSweep(runsDir, target);
  checkInsideRunsDir(runsDir, dir, target ?? 'latest');
  // A sweep named through a link inside the runs folder is the sweep a listing shows: one name, one sweep.
  return listedName(realPath(runsDir), runsDir, dir);
}

function findSweep(runsDir: string, target?: string): string {
  if (target === undefined || target === 'latest') {
    const all = allSweeps(runsDir);
    if (all.length === 0) throw new UserError(`no sweeps under ${runsDir}`, 'run one first: dlsweep run experiments/seed-article.yaml');
    return all[all.length - 1];
  }
  target = normalizeReference(runsDir, target);
  if (target === 'latest') return findSweep(runsDir);
  const asPath = resolve(target);
  if (isDir(asPath) && (existsSync(join(asPath, SWEEP_FILES.sweep)) || SWEEP_ID_PATTERN.test(basename(asPath)))) return asPath;
  if (isDir(asPath) && sweepsOf(asPath).length > 0) return sweepsOf(asPath).at(-1)!;
  // A sweep folder named by its path in the runs folder, whatever its name (EXPERIMENT/LINK, a link to a sweep).
  const inRuns = join(runsDir, target);
  if (isDir(inRuns) && existsSync(join(inRuns, SWEEP_FILES.sweep))) return inRuns;
  const parts = target.split('/');
  if (parts.length === 2 && isDir(join(runsDir, parts[0]))) {
    const sweeps = sweepsInside(runsDir, join(runsDir, parts[0]));
    if (parts[1] === 'latest' && sweeps.length > 0) return sweeps.at(-1)!;
    const hits = sweeps.filter((s) => basename(s).startsWith(parts[1]));
    if (hits.length === 1) return hits[0];
    // Only a link leading out matches: it is named, and refused as such (resolveSweep).
    const away = hits.length === 0 ? sweepsOf(join(runsDir, parts[0])).filter((s) => basename(s).startsWith(parts[1])) : [];
    if (away.length === 1) return away[0];
  }
  // Names match in composed form: `café` typed decomposed (as macOS may) finds the folder made composed.
  const name = experimentsIn(runsDir).find((e) => e.normalize('NFC') === target.normalize('NFC')) ?? target;
  const byName = sweepsInside(runsDir, join(runsDir, name));
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
  // EXPERIMENT/x with a known experiment: its sweeps are what x should have named, not the experiments.
  const own = parts.length === 2 && known.includes(parts[0]) ? sweepsInside(runsDir, join(runsDir, parts[0])).reverse() : [];
  throw new NoSuchSweep(
    `no sweep or experiment "${target}" under ${runsDir}`,
    own.length
      ? `sweeps of ${parts[0]}, newest first: ${own.slice(0, 5).map((d) => basename(d)).join(', ')}${own.length > 5 ? `, ... (${own.length} in all)` : ''}; or ${parts[0]}/latest`
      : known.length
        ? `experiments there: ${known.join(', ')}`
        : 'run a sweep first: dlsweep run experiments/seed-article.yaml',
  );
}
