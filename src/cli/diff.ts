/** `dlsweep diff RUN_A RUN_B`: two runs' parameters and metrics side by side, differences marked. */
import { resolve } from 'node:path';
import { resolveRun } from '../report/run-address.js';
import { rowOf, sweepDatasetLabel, sweepSearchMethod, sweepTitle } from '../report/rows.js';
import { diffView } from '../report/diff.js';
import { renderView, type OutputFormat } from '../report/render.js';
import { emit, outputFormat, warnMachineFormat } from './compare.js';
import { useColor, type CliIO } from './io.js';
import { warnDamaged } from './damage.js';

/** Options of `dlsweep diff`. */
export interface DiffOptions {
  runsDir: string;
  onlyChanged?: boolean;
  format?: OutputFormat;
  output?: string;
}

/** `dlsweep diff`: returns the exit code. Throws: UserError when a reference names no run or is ambiguous. */
export async function diffCommand(refA: string, refB: string, options: DiffOptions, io: CliIO): Promise<number> {
  const runsDir = resolve(io.cwd, options.runsDir);
  const side = (ref: string) => {
    const { sweepDir, run } = resolveRun(runsDir, ref);
    const title = `${sweepTitle(sweepDir)}/${run.folder}`;
    // The sweep's data label, so that runs on different data are told apart (diffView warns).
    const dataset = sweepDatasetLabel(sweepDir);
    const row = { ...rowOf(sweepTitle(sweepDir), run), ...(dataset ? { dataset } : {}) };
    warnDamaged(io, [row]);
    const method = row.search ? sweepSearchMethod(sweepDir) : undefined;
    return { title, row, ...(method ? { method } : {}) };
  };
  const view = diffView(side(refA), side(refB), { onlyChanged: options.onlyChanged });
  const format = outputFormat(options.format, options.output);
  warnMachineFormat(view, format, io);
  await emit(renderView(view, format, { color: options.output === undefined && useColor(io, io.stdout) }), options.output, io);
  return 0;
}
