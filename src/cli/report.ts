/** `dlsweep report [SWEEP]`: (re)generate a sweep's report.html. */
import { resolve } from 'node:path';
import { readSweepFile } from '../store/read-runs.js';
import { resolveSweepNotRun } from '../report/run-address.js';
import { countRows, writeReport } from '../report/sweep-files.js';
import { liveSize, liveStatus } from '../store/live-status.js';
import { sweepRows, sweepTitle } from '../report/rows.js';
import { searchRecordWarnings, warnDamaged } from './damage.js';
import { parseAxes } from '../report/report-html.js';
import type { CliIO } from './io.js';

/** Options of `dlsweep report`. */
export interface ReportCommandOptions {
  runsDir: string;
  metric?: string;
  heatmap?: string[];
  maxCurves?: number;
  output?: string;
}

/** `dlsweep report`: writes the report and prints its path; returns the exit code. Throws: UserError for bad options. */
export async function reportCommand(target: string | undefined, options: ReportCommandOptions, io: CliIO): Promise<number> {
  const runsDir = resolve(io.cwd, options.runsDir);
  const dir = resolveSweepNotRun(runsDir, target, 'report', "write its sweep's report");
  // The record first: a damaged one is the error, without the runs' warnings before it.
  const sweep = readSweepFile(dir);
  for (const line of searchRecordWarnings(dir, sweepTitle(dir), sweep)) io.stderr.write(line + '\n');
  const rows = sweepRows(dir, (line) => io.stderr.write(line + '\n'));
  warnDamaged(io, rows);
  // The status and counts as ls and show give them: from the run folders, and stopped for a sweep whose process
  // died while sweep.json still says running (its counts there are those of its last write).
  const counts = countRows(rows, liveSize(dir, sweep));
  const path = await writeReport(
    dir,
    { ...sweep, counts },
    rows,
    { status: liveStatus(dir, sweep, Date.now(), counts), metric: options.metric, axes: parseAxes(options.heatmap), maxCurves: options.maxCurves },
    options.output === undefined ? undefined : resolve(io.cwd, options.output),
  );
  io.stdout.write(`${path}\n`);
  return 0;
}
