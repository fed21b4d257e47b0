/**
 * `dlsweep rm SWEEP...` and `dlsweep gc [--keep N] [--older-than 30d] [--dry-run]`: remove sweeps, and the
 * experiments' lr-find results (`EXPERIMENT/lr-find-<id>`), each atomically (see store/remove.ts), after a
 * confirmation (--yes skips it). Running sweeps are never removed.
 */
import { createInterface } from 'node:readline/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import { experimentsIn, experimentsWithRecords, isInsideRunsDir, lrFindsUnder, normalizeReference, sweepsOf, sweepsUnder } from '../store/sweep-folders.js';
import { readSweepFile } from '../store/read-runs.js';
import { resolveSweepNotRun } from '../report/run-address.js';
import { folderSize, removeLeftovers, removeLrFind, removeSweep } from '../store/remove.js';
import { liveStatus } from '../store/live-status.js';
import { LR_FIND_PREFIX, SWEEP_FILES, sweepIdTime } from '../store/paths.js';
import { formatBytes, type CliIO } from './io.js';
import { counted } from '../text.js';

/** `--older-than`: a whole number of days (30d), hours (12h) or minutes (90m); returns milliseconds. */
export function parseAge(value: string): number {
  const m = /^(\d+)\s*(d|h|m)$/.exec(value.trim());
  if (!m || Number(m[1]) < 1) throw new InvalidArgumentError('--older-than takes an age such as 30d, 12h or 90m');
  return Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
}

interface Candidate {
  dir: string;
  label: string;
  size: number;
  /** An lr-find result rather than a sweep. */
  lrFind?: boolean;
}

/** What a list of candidates holds: "3 sweeps", "1 lr-find result", "2 sweeps and 1 lr-find result". */
function described(candidates: Candidate[]): string {
  const lrFinds = candidates.filter((c) => c.lrFind).length;
  const sweeps = candidates.length - lrFinds;
  return [sweeps || !lrFinds ? counted(sweeps, 'sweep') : '', lrFinds ? counted(lrFinds, 'lr-find result') : ''].filter(Boolean).join(' and ');
}

/**
 * The lr-find result folder an rm target names (EXPERIMENT/lr-find-<id>, an id's unique prefix, or its path
 * under the runs folder); undefined when the target does not name one that way.
 * Throws: UserError when no result or several match.
 */
function lrFindNamed(runsDir: string, target: string): string | undefined {
  const parts = normalizeReference(runsDir, target).split('/');
  if (parts.length !== 2 || !parts[1].startsWith(LR_FIND_PREFIX)) return undefined;
  const all = lrFindsUnder(runsDir, parts[0]);
  const hits = all.filter((d) => basename(d) === parts[1]);
  const matches = hits.length ? hits : all.filter((d) => basename(d).startsWith(parts[1]));
  if (matches.length === 1) return matches[0];
  const names = all.map((d) => basename(d)).reverse();
  if (matches.length > 1) throw new UserError(`"${target}" matches ${matches.length} lr-find results of ${parts[0]}: ${matches.map((d) => basename(d)).join(', ')}`, 'type more of its id');
  throw new UserError(
    `no lr-find result "${parts[1]}" of experiment ${parts[0]} under ${runsDir}`,
    names.length ? `lr-find results of ${parts[0]}, newest first: ${names.slice(0, 5).join(', ')}${names.length > 5 ? `, ... (${names.length} in all)` : ''}` : `dlsweep ls lists the experiments and their lr-find results`,
  );
}

function label(dir: string): string {
  return `${basename(dirname(dir))}/${basename(dir)}`;
}

/** Ask y/N on a terminal. Throws: UserError when there is no terminal to ask on (use --yes). */
async function confirm(question: string, yes: boolean | undefined, stdin: NodeJS.ReadStream | undefined, io: CliIO): Promise<boolean> {
  if (yes) return true;
  if (!stdin?.isTTY) throw new UserError('not removing without a confirmation, and there is no terminal to ask on', 'add --yes to remove without asking');
  io.stderr.write(question + ' [y/N] ');
  const rl = createInterface({ input: stdin });
  try {
    const answer = await rl.question('');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

async function removeAll(candidates: Candidate[], io: CliIO): Promise<number> {
  let freed = 0;
  for (const c of candidates) {
    freed += c.lrFind ? removeLrFind(c.dir) : await removeSweep(c.dir);
    io.stdout.write(`removed ${c.label}\n`);
  }
  return freed;
}

/** Whether a sweep is running; a sweep.json too damaged to read counts as not (removeSweep's lock still guards). */
function isRunning(dir: string): boolean {
  try {
    return liveStatus(dir, readSweepFile(dir)) === 'running';
  } catch (e) {
    if (e instanceof UserError) return false;
    throw e;
  }
}

/**
 * Elsewhere an experiment's name (or folder) stands for its latest sweep; rm refuses it, since `rm NAME` reads
 * as removing the whole experiment. Throws: UserError naming the sweep forms to use.
 */
function refuseExperiment(runsDir: string, target: string): void {
  const asPath = resolve(target);
  const folder = existsSync(join(asPath, SWEEP_FILES.sweep))
    ? undefined
    : sweepsOf(asPath).length > 0 && isInsideRunsDir(runsDir, asPath)
      ? asPath
      : experimentsIn(runsDir).some((e) => e.normalize('NFC') === target.normalize('NFC'))
        ? join(runsDir, target)
        : undefined;
  if (folder === undefined) return;
  const name = basename(folder);
  throw new UserError(
    `"${target}" is an experiment, not a sweep: rm removes the sweeps it is given by name`,
    `name each sweep: ${name}/latest or ${name}/SWEEP_ID (dlsweep ls ${name} lists them); dlsweep gc --keep N removes old ones`,
  );
}

/** Options of rm and gc. */
export interface RemoveOptions {
  runsDir: string;
  yes?: boolean;
  /** The terminal to ask on (process.stdin in the CLI). */
  stdin?: NodeJS.ReadStream;
}

/**
 * `dlsweep rm SWEEP...`: remove the named sweeps (anything resolveSweep accepts) and lr-find results
 * (EXPERIMENT/lr-find-<id>). Refuses, before removing anything, when one of the sweeps is running. Returns 0 (1 when the user declines).
 */
export async function rmCommand(targets: string[], options: RemoveOptions, io: CliIO): Promise<number> {
  const runsDir = resolve(io.cwd, options.runsDir);
  const lrFinds = new Set<string>();
  const sweepTargets: string[] = [];
  for (const t of targets) {
    const found = lrFindNamed(runsDir, t);
    if (found) lrFinds.add(found);
    else sweepTargets.push(t);
  }
  for (const t of sweepTargets) refuseExperiment(runsDir, t);
  const dirs = [...new Set(sweepTargets.map((t) => resolveSweepNotRun(runsDir, t, 'rm', 'to remove the whole sweep that holds it')))];
  for (const dir of dirs) {
    if (isRunning(dir)) throw new UserError(`${label(dir)} is running`, 'stop it first (Ctrl-C in its terminal), then remove it');
  }
  const candidates: Candidate[] = [...dirs.map((dir) => ({ dir, label: label(dir), size: folderSize(dir) })), ...[...lrFinds].map((dir) => ({ dir, label: label(dir), size: folderSize(dir), lrFind: true }))];
  const total = candidates.reduce((s, c) => s + c.size, 0);
  io.stderr.write(`${candidates.map((c) => `  ${c.label}  ${formatBytes(c.size)}`).join('\n')}\n`);
  if (!(await confirm(`remove ${described(candidates)} (${formatBytes(total)})?`, options.yes, options.stdin, io))) {
    io.stderr.write('nothing removed\n');
    return 1;
  }
  for (const dir of new Set([...dirs, ...lrFinds].map((d) => dirname(d)))) removeLeftovers(dir);
  const freed = await removeAll(candidates, io);
  io.stderr.write(`freed ${formatBytes(freed)}\n`);
  // An experiment left with lr-find results only: said, since the sweeps that listed it are gone.
  for (const experiment of new Set(dirs.map((d) => basename(dirname(d))))) {
    const left = lrFindsUnder(runsDir, experiment);
    if (left.length === 0 || sweepsOf(join(runsDir, experiment)).length > 0) continue;
    io.stderr.write(`note: ${experiment} has no sweep left; its ${counted(left.length, 'lr-find result')} ${left.length === 1 ? 'stays' : 'stay'} (dlsweep ls ${experiment} lists them; dlsweep rm ${experiment}/${basename(left.at(-1)!)} removes one)\n`);
  }
  return 0;
}

/**
 * `dlsweep gc`: remove old sweeps. --keep N keeps each experiment's N newest sweeps; --older-than AGE only
 * removes sweeps started longer ago than AGE; with both, a sweep goes when both say so. Running sweeps stay.
 * The experiments' lr-find results go by the same rules, counted apart (its N newest results kept).
 * Also deletes what interrupted removals left. Throws: UserError when neither --keep nor --older-than is given,
 * or for --keep 0 without --older-than (every sweep would go) unless --dry-run.
 */
export async function gcCommand(options: RemoveOptions & { keep?: number; olderThanMs?: number; dryRun?: boolean }, io: CliIO, now = Date.now()): Promise<number> {
  if (options.keep === undefined && options.olderThanMs === undefined) {
    throw new UserError('gc needs --keep N and/or --older-than AGE', 'e.g. dlsweep gc --keep 5, or dlsweep gc --older-than 30d --dry-run');
  }
  const runsDir = resolve(io.cwd, options.runsDir);
  const candidates: Candidate[] = [];
  const running: string[] = [];
  const damaged: string[] = [];
  const lrFindCandidates: Candidate[] = [];
  for (const experiment of experimentsWithRecords(runsDir)) {
    // lr-find results, by the same rules as the sweeps, counted apart from them: the N newest kept, the age
    // from the time in the name.
    lrFindsUnder(runsDir, experiment)
      .reverse()
      .forEach((dir, i) => {
        if (options.keep !== undefined && i < options.keep) return;
        const made = Date.parse(sweepIdTime(basename(dir).slice(LR_FIND_PREFIX.length)) ?? '');
        if (options.olderThanMs !== undefined && !(now - made > options.olderThanMs)) return;
        lrFindCandidates.push({ dir, label: label(dir), size: folderSize(dir), lrFind: true });
      });
    const sweeps = sweepsUnder(runsDir, experiment).reverse(); // newest first; links leading out left alone
    sweeps.forEach((dir, i) => {
      if (options.keep !== undefined && i < options.keep) return;
      let sweep;
      try {
        sweep = readSweepFile(dir);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        damaged.push(label(dir)); // left for dlsweep verify (--repair) or an explicit rm
        return;
        throw e;
      }
      if (options.olderThanMs !== undefined && !(now - Date.parse(sweep.started_at) > options.olderThanMs)) return;
      if (liveStatus(dir, sweep, now) === 'running') {
        running.push(label(dir));
        return;
      }
      candidates.push({ dir, label: label(dir), size: folderSize(dir) });
    });
  }
  candidates.push(...lrFindCandidates);
  const total = candidates.reduce((s, c) => s + c.size, 0);
  if (running.length) io.stderr.write(`kept (running): ${running.join(', ')}\n`);
  if (damaged.length) io.stderr.write(`kept (its sweep.json damaged or missing: dlsweep verify says how to rebuild it, or remove it with dlsweep rm): ${damaged.join(', ')}\n`);
  if (candidates.length === 0) {
    io.stderr.write('nothing to remove\n');
    return 0;
  }
  const list = candidates.map((c) => `  ${c.label}  ${formatBytes(c.size)}`).join('\n');
  // --keep 0 alone keeps no sweep: every finished sweep of every experiment would go. As rm refuses an
  // experiment's name, gc refuses that (a habitual --yes included); --dry-run still lists it.
  const everything = options.keep === 0 && options.olderThanMs === undefined;
  const what = `--keep 0 keeps no sweep: gc would remove every sweep under ${runsDir} (${described(candidates)}, ${formatBytes(total)})`;
  const instead =
    "keep each experiment's newest with --keep 1, remove only old sweeps with --older-than AGE, or name the sweeps to remove: dlsweep rm SWEEP... (dlsweep ls lists them)";
  if (options.dryRun) {
    io.stdout.write(`would remove ${described(candidates)} (${formatBytes(total)}):\n${list}\n`);
    if (everything) io.stderr.write(`warning: ${what}; without --dry-run it refuses to\nhint: ${instead}\n`);
    return 0;
  }
  if (everything) throw new UserError(`${what}; not removing them`, instead);
  io.stderr.write(list + '\n');
  if (!(await confirm(`remove ${described(candidates)} (${formatBytes(total)})?`, options.yes, options.stdin, io))) {
    io.stderr.write('nothing removed\n');
    return 1;
  }
  for (const e of experimentsWithRecords(runsDir)) removeLeftovers(join(runsDir, e));
  const freed = await removeAll(candidates, io);
  io.stderr.write(`freed ${formatBytes(freed)}\n`);
  return 0;
}
