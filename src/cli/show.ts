/** `dlsweep show RUN_OR_SWEEP`: one run (parameters, metrics, confusion matrix, loss curve, files) or one sweep. */
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { NoSuchSweep, OutsideRunsDir, normalizeReference, resolveSweep } from '../store/sweep-folders.js';
import { readSweepFile, type RunRef } from '../store/read-runs.js';
import { BEST_SELECTOR, isRunSelector, resolveRun, sweepBeforeRun } from '../report/run-address.js';
import { readableSweepTags, sweepRows, sweepSearchMethod, sweepTags, sweepTitle } from '../report/rows.js';
import { countRows } from '../report/sweep-files.js';
import { readAnnotations } from '../store/annotations.js';
import { runDetail, sweepDetail } from '../report/show.js';
import { readDesign } from '../report/design.js';
import { sortRows } from '../report/columns.js';
import { rowOf } from '../report/rows.js';
import { liveSize, liveStatus } from '../store/live-status.js';
import { useColor, type CliIO } from './io.js';
import { searchRecordWarnings, warnDamaged } from './damage.js';

/** Options of `dlsweep show`. */
export interface ShowOptions {
  runsDir: string;
  /** Loss curve on a log scale. */
  log?: boolean;
  /** JSON instead of text. */
  json?: boolean;
  /** Runs listed for a sweep. */
  top?: number;
}

/** What a `show` argument names: a run or a sweep. */
export type Target = { kind: 'run'; ref: RunRef } | { kind: 'sweep'; dir: string };

/**
 * What `show` was asked about: a sweep (anything resolveSweep accepts) or a run (anything resolveRun
 * accepts, EXPERIMENT/best included). A reference that could be both is a sweep (e.g. quick/20261129 is a sweep-id prefix).
 * Throws: UserError when it names neither; the run's error when the part before the last / is a sweep.
 */
export function resolveTarget(runsDir: string, ref: string | undefined): Target {
  if (ref === undefined) return { kind: 'sweep', dir: resolveSweep(runsDir) };
  // runs/quick/latest and quick/../div/latest are quick/latest and div/latest: sweeps, not runs named latest.
  ref = normalizeReference(runsDir, ref);
  let sweepError: unknown;
  try {
    return { kind: 'sweep', dir: resolveSweep(runsDir, ref) };
  } catch (e) {
    // A sweep found outside the runs folder is refused as such, not looked for again as a run.
    if (!(e instanceof UserError) || e instanceof OutsideRunsDir) throw e;
    sweepError = e;
  }
  const trimmed = ref.replace(/\/+$/, '');
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (trimmed.includes('/') ? isRunSelector(last) || sweepBeforeRun(runsDir, trimmed) : trimmed === BEST_SELECTOR || (/^[0-9a-f]{4,64}$/.test(trimmed) && !/^\d+$/.test(trimmed))) {
    return { kind: 'run', ref: resolveRun(runsDir, ref) };
  }
  try {
    return { kind: 'run', ref: resolveRun(runsDir, ref) };
  } catch (e) {
    // Digits only, matching no sweep id: a run's hash (06858080 of 0002-06858080); its error says both were looked for.
    if (/^\d{4,64}$/.test(trimmed) && sweepError instanceof NoSuchSweep) throw e;
    throw sweepError;
  }
}

/** `dlsweep show`: returns the exit code. Throws: UserError when the target names no run or sweep. */
export function showCommand(ref: string | undefined, options: ShowOptions, io: CliIO): number {
  const runsDir = resolve(io.cwd, options.runsDir);
  const target = resolveTarget(runsDir, ref);
  const color = useColor(io, io.stdout);
  if (target.kind === 'run') {
    const { sweepDir, run } = target.ref;
    const title = sweepTitle(sweepDir);
    const inherited = readableSweepTags(sweepDir, (line) => io.stderr.write(line + '\n'));
    warnDamaged(io, [rowOf(title, run, inherited)]);
    if (options.json) {
      const row = rowOf(title, run, inherited);
      io.stdout.write(
        JSON.stringify(
          { sweep: title, folder: run.folder, dir: run.dir, status: row.status, tags: row.tags, note: row.userNote ?? null, params: run.params, metrics: run.metrics ?? null, timing: run.timing ?? null },
          null,
          2,
        ) + '\n',
      );
      return 0;
    }
    io.stdout.write(runDetail(title, run, { color, log: options.log, width: Math.min(100, Math.max(30, (io.stdout.columns ?? 80) - 14)), method: sweepSearchMethod(sweepDir) }, inherited));
    return 0;
  }
  const dir = target.dir;
  const sweep = readSweepFile(dir);
  for (const line of searchRecordWarnings(dir, sweepTitle(dir), sweep)) io.stderr.write(line + '\n');
  const rows = sweepRows(dir, (line) => io.stderr.write(line + '\n'));
  warnDamaged(io, rows);
  const tags = sweepTags(dir, sweep);
  const note = readAnnotations(dir).note;
  if (options.json) {
    // --top: the best N runs in the tables' default order (as the text lists them); without it, every run.
    const listed = options.top !== undefined ? sortRows(rows).slice(0, options.top) : rows;
    const runs = listed.map((r) => ({ folder: r.folder, status: r.status, tags: r.tags ?? [], note: r.userNote ?? null, params: r.params, ...(r.search ? { search: r.search } : {}), metrics: r.metrics, std: r.std }));
    io.stdout.write(JSON.stringify({ sweep, dir, status: liveStatus(dir, sweep, Date.now(), countRows(rows, liveSize(dir, sweep))), tags, note: note ?? null, runs }, null, 2) + '\n');
    return 0;
  }
  io.stdout.write(sweepDetail(sweepTitle(dir), dir, sweep, rows, { color, status: liveStatus(dir, sweep, Date.now(), countRows(rows, liveSize(dir, sweep))), top: options.top, tags, note, design: readDesign(dir) }));
  return 0;
}
