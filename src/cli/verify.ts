/** `dlsweep verify [SWEEP]`: check every file of every run of a sweep (or of every sweep) and say what resume would repair. */
import { basename, dirname, resolve } from 'node:path';
import { allSweeps } from '../store/sweep-folders.js';
import { resolveSweepNotRun } from '../report/run-address.js';
import { isDamaged, verifySweep, type SweepCheck } from '../store/verify.js';
import type { CliIO } from './io.js';
import { NOT_A_RUN_FOLDER, setAsideHint } from '../store/integrity.js';
import { plannedRunFolders } from './extend.js';
import { SWEEP_FILES } from '../store/paths.js';
import { counted } from '../text.js';

/** Options of `dlsweep verify`. */
export interface VerifyOptions {
  runsDir: string;
  json?: boolean;
}

/** What the sweep holds when complete: `grid of 8`, `halving search of 26 runs`, `asha search of at most 40 runs`. */
function extent(check: SweepCheck): string {
  if (check.gridSize === undefined) return '';
  if (check.searchMethod === undefined) return ` (grid of ${check.gridSize})`;
  return ` (${check.searchMethod} search of ${check.pendingAtMost ? 'at most ' : ''}${counted(check.gridSize, 'run')})`;
}

/** Whether a problem of the sweep's own files is search.json's (store/search-file.ts searchRecordProblems). */
const isSearchProblem = (p: string): boolean => p.startsWith(`${SWEEP_FILES.search} `);

function describe(check: SweepCheck): string {
  const name = `${basename(dirname(check.dir))}/${basename(check.dir)}`;
  const lines = [`${name}: ${counted(check.runs, 'run folder')} checked${extent(check)}, ${check.kept} sound`];
  for (const p of check.sweepProblems) lines.push(`  damaged: ${p}`);
  for (const d of check.damaged) lines.push(`  damaged: ${d.folder}: ${d.problems.join('; ')}`);
  for (const f of check.notFolders) lines.push(`  not a run: ${f}: ${NOT_A_RUN_FOLDER}`);
  for (const d of check.strangers) lines.push(`  not this sweep's run: ${d.folder}: ${d.problems[0]}`);
  for (const p of check.landscapeProblems) lines.push(`  damaged: ${p}`);
  if (check.strangers.length) lines.push(`  resume refuses the sweep until then: ${setAsideHint(check.dir, check.strangers.map((d) => d.folder))}`);
  const retrain = check.damaged.length + check.failed.length + check.interrupted.length + check.pending;
  if (retrain > 0) {
    // An unfinished asha search trains as many more runs as its promotions decide: its pending count is a bound.
    const atMost = check.pendingAtMost && check.pending > 0 ? 'at most ' : '';
    const parts = [
      check.damaged.length ? `${check.damaged.length} damaged` : '',
      check.failed.length ? `${check.failed.length} failed` : '',
      check.interrupted.length ? `${check.interrupted.length} interrupted` : '',
      check.pending ? `${atMost}${check.pending} pending` : '',
    ].filter(Boolean);
    const what = check.searchMethod === undefined ? `${counted(retrain, 'grid point')} again` : `${atMost}${counted(retrain, 'run')} of the ${check.searchMethod} search`;
    lines.push(`  resume would train ${what} (${parts.join(', ')}): dlsweep run EXPERIMENT_FILE --resume ${name}`);
  } else if (check.sweepProblems.length === 0 && check.notFolders.length === 0 && check.strangers.length === 0) {
    lines.push(check.landscapeProblems.length ? '  every run is recorded and sound' : '  ok: every run is recorded and sound');
  } else if (check.sweepProblems.length === 0) lines.push(`  every run is recorded and sound; only the ${check.strangers.length ? 'entries above are not runs of the sweep' : 'files above are not runs'}`);
  if (check.landscapeProblems.length) lines.push(`  resume computes the sweep's loss landscapes again: dlsweep run EXPERIMENT_FILE --resume ${name}`);
  if (check.sweepProblems.includes(`${SWEEP_FILES.experiment} is missing`) && check.sweepProblems.some((p) => p.startsWith(SWEEP_FILES.sweep))) {
    lines.push(`  the sweep's own record cannot be rebuilt: the experiment file it ran is gone too; its sound runs can still be compared; remove the sweep with: dlsweep rm ${name}`);
  } else if (check.sweepProblems.length && check.sweepProblems.every(isSearchProblem)) {
    // sweep.json is sound: a resume replays the search over its recorded runs and writes search.json again.
    lines.push(`  the search's record is damaged: its sound runs can still be compared; resume rebuilds ${SWEEP_FILES.search} from them, as the search wrote it: dlsweep run EXPERIMENT_FILE --resume ${name}`);
  } else if (check.sweepProblems.length) {
    lines.push(`  the sweep's own record is damaged: its sound runs can still be compared; rebuild the record from them and the experiment file the sweep ran: dlsweep run EXPERIMENT_FILE --resume ${name} --repair`);
  }
  return lines.join('\n');
}

/**
 * One sweep's check as `verify --json` writes it, keys in snake_case as in every file and JSON output of
 * dlsweep: dir, sweep_problems (sweep.json, experiment.yaml, a search's search.json), runs (run folders checked), grid_size (null
 * when sweep.json cannot tell; a search's runs), search_method (null for a grid), kept (sound runs with a result),
 * damaged ({folder, problems}), not_folders (files named like run folders), strangers ({folder, problems}: run
 * folders that are no run of the sweep), failed, interrupted (run folders), pending (grid points or a search's
 * runs without a result), pending_at_most (whether pending and grid_size are upper bounds: an unfinished asha
 * search), landscape_problems (landscapes of record.landscape whose files are missing or damaged), damaged_files
 * (whether anything is damaged).
 */
export function verifyJson(check: SweepCheck): Record<string, unknown> {
  return {
    dir: check.dir,
    sweep_problems: check.sweepProblems,
    runs: check.runs,
    grid_size: check.gridSize ?? null,
    search_method: check.searchMethod ?? null,
    kept: check.kept,
    damaged: check.damaged.map((d) => ({ folder: d.folder, problems: d.problems })),
    not_folders: check.notFolders,
    strangers: check.strangers.map((d) => ({ folder: d.folder, problems: d.problems })),
    failed: check.failed,
    interrupted: check.interrupted,
    pending: check.pending,
    pending_at_most: check.pendingAtMost,
    landscape_problems: check.landscapeProblems,
    damaged_files: isDamaged(check),
  };
}

/** `dlsweep verify`: exit 0 when nothing is damaged, 1 when something is. Throws: UserError for an unknown sweep. */
export function verifyCommand(target: string | undefined, options: VerifyOptions, io: CliIO): number {
  const runsDir = resolve(io.cwd, options.runsDir);
  const dirs = target === undefined ? allSweeps(runsDir) : [resolveSweepNotRun(runsDir, target, 'verify', 'check every run of its sweep')];
  const checks = dirs.map((dir) => verifySweep(dir, (sweep) => plannedRunFolders(dir, sweep)));
  const damaged = checks.filter(isDamaged).length;
  if (options.json) {
    io.stdout.write(JSON.stringify({ sweeps: checks.map(verifyJson) }, null, 2) + '\n');
  } else {
    for (const c of checks) io.stdout.write(describe(c) + '\n');
    io.stdout.write(`${counted(checks.length, 'sweep')} checked under ${runsDir}: ${damaged ? `${damaged} with damaged files` : 'no damaged files'}\n`);
  }
  return damaged ? 1 : 0;
}
