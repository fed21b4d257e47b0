/**
 * Checking a stored sweep: every file of every run (params, metrics, timing, model, curve, predictions, roc, trajectory; see
 * integrity.ts), the sweep's own record and the landscapes it computed at its end, and what resume would train again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SWEEP_FILES, runFolderNumber, stageFiles } from './paths.js';
import { NOT_A_RUN_FOLDER, checkSweepRecord, holdsNoRunOfItsOwn, readJsonFile } from './integrity.js';
import type { SweepFile } from './records.js';
import { type DamagedRun } from './sweeps.js';
import { readRuns } from './read-runs.js';
import { landscapeFiles, readLandscape, readSweepLandscapes } from './landscape.js';
import { liveSize, sizeIsUpperBound } from './live-status.js';
import { searchRecordProblems } from './search-file.js';
import { RUN_FOLDER_PATTERN } from './paths.js';

/** What verifySweep found. */
export interface SweepCheck {
  dir: string;
  /** Problems of the sweep's own files (sweep.json, experiment.yaml, a search's search.json). */
  sweepProblems: string[];
  /** Run folders checked. */
  runs: number;
  /**
   * Runs the sweep holds when complete (sweep.json grid_size; live-status.ts liveSize): a grid's points, a
   * search's runs (its trials, or the runs its rungs keep); for an unfinished asha search the most it may train
   * (see pendingAtMost), for a finished one the runs its search.json records.
   */
  gridSize?: number;
  /** A search's method (random, halving, asha...); undefined for a grid or when sweep.json cannot tell. */
  searchMethod?: string;
  /**
   * Whether `pending` (and gridSize) is an upper bound rather than a count: an unfinished asha search, whose
   * promotions decide how many runs it trains before it stops.
   */
  pendingAtMost: boolean;
  /** Sound runs with a result (done or diverged): resume keeps them. */
  kept: number;
  damaged: DamagedRun[];
  /** Files named like run folders (see integrity.ts NOT_A_RUN_FOLDER): no run, nothing for resume to train. */
  notFolders: string[];
  /**
   * Run folders that are no run of the sweep's plan: another run's files (integrity.ts otherRunsFiles), or a
   * name its plan does not have. Resume refuses them (nothing for it to train); they are to be moved out.
   */
  strangers: DamagedRun[];
  failed: string[];
  interrupted: string[];
  /** Grid points (a search's runs) with no run folder, or a folder with no result yet. */
  pending: number;
  /**
   * The loss landscapes computed at the sweep's end (record.landscape, landscapes.json) whose files are
   * missing or damaged (the report leaves them out): resume computes them again.
   */
  landscapeProblems: string[];
}

/**
 * Problems of the landscapes a sweep computed at its end: landscapes.json itself, and each landscape-NAME.csv
 * it names that cannot be read back. None when the sweep computed none. Never throws.
 */
function landscapeProblems(dir: string): string[] {
  if (!existsSync(join(dir, SWEEP_FILES.landscapes))) return [];
  const list = readSweepLandscapes(dir);
  if (!list) return [`${SWEEP_FILES.landscapes} is damaged`];
  const problems: string[] = [];
  for (const e of list.landscapes) {
    // Names read from a file: only a run folder's and a plain name, so no path leaves the sweep folder.
    if (!RUN_FOLDER_PATTERN.test(e.folder) || !/^[\w.-]+$/.test(e.name)) {
      problems.push(`${SWEEP_FILES.landscapes} names a landscape ${JSON.stringify(`${e.folder}/${e.name}`)} that is no run folder's`);
    } else {
      const problem = landscapeProblem(join(dir, e.folder), e.name);
      if (problem) problems.push(`${e.folder}: ${basename(landscapeFiles('', e.name).csv)} (in ${SWEEP_FILES.landscapes}) ${problem}`);
    }
  }
  return problems;
}

/**
 * What is wrong with landscape `name` of a run folder, or undefined: missing, cut short, or not the grid its
 * name says (landscapeName in cli/landscape.ts: 2d-... steps x steps points, the others a line of one b).
 */
function landscapeProblem(runDir: string, name: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(landscapeFiles(runDir, name).csv, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'cannot be read';
  }
  if (!text.endsWith('\n')) return 'is cut short (no final newline)';
  const l = readLandscape(runDir, name);
  const square = name.startsWith('2d-');
  if (!l || l.alphas.length < 2 || (square ? l.betas.length !== l.alphas.length : l.betas.length !== 1)) return `is damaged: not the ${square ? '2-D grid' : 'line'} of points it was written as`;
  return undefined;
}

/**
 * Check one sweep folder. `plannedOf`: the run folders of a grid sweep's plan, from its sound record (undefined
 * when they cannot be read back): a run folder not among them is a stranger; without them, one numbered past
 * the grid. Never throws for damaged files (they are what it reports).
 */
export function verifySweep(dir: string, plannedOf?: (sweep: SweepFile) => ReadonlySet<string> | undefined): SweepCheck {
  const sweepProblems: string[] = [];
  const s = readJsonFile<SweepFile>(join(dir, SWEEP_FILES.sweep), SWEEP_FILES.sweep);
  let gridSize: number | undefined;
  if ('value' in s) {
    const found = checkSweepRecord(s.value);
    sweepProblems.push(...found);
    if (found.length === 0) {
      gridSize = liveSize(dir, s.value);
      sweepProblems.push(...searchRecordProblems(dir, s.value));
    }
  } else sweepProblems.push('problem' in s ? s.problem : `${SWEEP_FILES.sweep} is missing`);
  // The file as launched and each extension's: resume and --extend read the sweep's grids back from them.
  const kept = 'value' in s && s.value && typeof s.value === 'object' ? stageFiles(s.value as Partial<SweepFile>) : [SWEEP_FILES.experiment];
  for (const name of kept) if (!existsSync(join(dir, name))) sweepProblems.push(`${name} is missing`);
  const searchMethod = gridSize !== undefined && 'value' in s ? s.value.search?.method : undefined;
  const pendingAtMost = searchMethod !== undefined && 'value' in s && sizeIsUpperBound(dir, s.value);
  const check: SweepCheck = { dir, sweepProblems, runs: 0, gridSize, searchMethod, pendingAtMost, kept: 0, damaged: [], notFolders: [], strangers: [], failed: [], interrupted: [], pending: 0, landscapeProblems: landscapeProblems(dir) };
  // A search draws its runs as it goes: only a grid's plan says which folders belong.
  const grid = gridSize !== undefined && 'value' in s && !s.value.search ? s.value : undefined;
  const planned = grid && plannedOf ? plannedOf(grid) : undefined;
  const runs = readRuns(dir, { deep: true }).filter((r) => {
    const file = r.damaged?.[0] === NOT_A_RUN_FOLDER;
    if (file) check.notFolders.push(r.folder);
    else if (holdsNoRunOfItsOwn(r.damaged)) check.strangers.push({ folder: r.folder, problems: r.damaged! });
    else if (planned ? !planned.has(r.folder) : grid && runFolderNumber(r.folder) > grid.grid_size) {
      const why = planned
        ? "not a run of the sweep's plan (its grid, read back from the experiment files kept in the sweep folder, has no run of this name: copied from another sweep or grid?)"
        : `numbered past the sweep's grid of ${grid!.grid_size} points: not a run of its plan`;
      check.strangers.push({ folder: r.folder, problems: [`${why}; training cannot make it one: move it out of the sweep folder`] });
    } else return true;
    return false;
  });
  check.runs = runs.length;
  let unfinished = 0;
  for (const r of runs) {
    if (r.damaged) check.damaged.push({ folder: r.folder, problems: r.damaged });
    else if (r.metrics?.status === 'done' || r.metrics?.status === 'diverged') check.kept++;
    else if (r.metrics?.status === 'failed') check.failed.push(r.folder);
    else if (r.metrics?.status === 'interrupted') check.interrupted.push(r.folder);
    else unfinished++;
  }
  check.pending = gridSize === undefined ? unfinished : Math.max(0, gridSize - check.kept - check.damaged.length - check.failed.length - check.interrupted.length);
  return check;
}

/** Whether a check found damage (as opposed to work left to do). */
export function isDamaged(check: SweepCheck): boolean {
  return check.sweepProblems.length > 0 || check.damaged.length > 0 || check.notFolders.length > 0 || check.strangers.length > 0 || check.landscapeProblems.length > 0;
}
