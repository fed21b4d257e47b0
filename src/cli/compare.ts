/** `dlsweep compare [TARGET...]`: the comparison table of stored sweeps (the latest by default). */
import { resolve } from 'node:path';
import { resolveSweep } from '../store/sweeps.js';
import { sweepRows, sweepTitle } from '../report/outputs.js';
import { buildComparison, renderMarkdown, renderTerminal } from '../report/table.js';
import { useColor, type CliIO } from './io.js';

export interface CompareOptions {
  runsDir: string;
  format: 'table' | 'markdown';
}

export function compareCommand(targets: string[], options: CompareOptions, io: CliIO): number {
  const runsDir = resolve(io.cwd, options.runsDir);
  const sweeps = (targets.length ? targets : [undefined]).map((t) => resolveSweep(runsDir, t));
  const rows = sweeps.flatMap((s) => sweepRows(s));
  const title = sweeps.map(sweepTitle).join(' + ');
  const comparison = buildComparison(title, rows);
  const text = options.format === 'markdown' ? renderMarkdown(comparison) : renderTerminal(comparison, { color: useColor(io, io.stdout) }) + '\n';
  io.stdout.write(text);
  return 0;
}
