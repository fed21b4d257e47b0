/**
 * `dlsweep data describe DATASET_OR_EXPERIMENT`: what the data a sweep would train on look like (rows read,
 * used, dropped and why; class balance per split; per feature over the training rows: min, max, mean, std,
 * missing cells, distinct values, correlation with the label; duplicate training rows). Reads, and writes
 * only the page --html asks for: the same summary with each scaled feature's histogram by class.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError, formatDiagnostics } from '../errors.js';
import { outputWriteFailure } from './write-errors.js';
import { loadExperiment } from '../experiment/load.js';
import { resolveDataset } from '../experiment/resolve.js';
import { loadDataset, unsplitText } from '../datasets/index.js';
import { ensureDataset } from '../datasets/install.js';
import { KNOWN_DATASETS, knownDataset } from '../datasets/registry.js';
import { describeDataset, type DatasetDescription } from '../datasets/describe.js';
import { dataPage, summarizeData } from '../report/data-section.js';
import { writeTextAtomic } from '../store/atomic.js';
import type { DatasetConfig } from '../datasets/config.js';
import type { Experiment } from '../experiment/types.js';
import type { CliIO } from './io.js';
import { loadExperimentData } from './load.js';

/** A number for the table: 4 significant digits, integers as they are; null as `-`. */
function num(x: number | null): string {
  if (x === null) return '-';
  return Number.isInteger(x) ? String(x) : String(+x.toPrecision(4));
}

/** The description as text: one block of counts, then one line per feature. Throws: nothing. */
export function formatDescription(d: DatasetDescription): string {
  const out: string[] = [];
  out.push(`${d.source}: ${d.rows_read} rows read, ${d.rows_used} used, ${d.rows_read - d.rows_used} dropped`);
  for (const x of d.dropped) out.push(`  dropped ${x.count}: ${x.reason} (first lines ${x.first_rows.join(', ')})`);
  if (d.imputed_cells) out.push(`  ${d.imputed_cells} missing cells imputed`);
  out.push(`label ${d.label}: positive ${d.positive.join(', ')}, negative ${d.negative.join(', ')}`);
  for (const s of d.splits) {
    const pct = s.rows ? ((100 * s.positives) / s.rows).toFixed(1) : '-';
    out.push(`  ${s.name.padEnd(18)} ${String(s.rows).padStart(6)} rows: ${s.positives} positive (${pct}%), ${s.negatives} negative`);
  }
  if (d.unsplit) out.push(`  ${unsplitText(d.unsplit)}`);
  out.push(`${d.described_split}: ${d.training_rows} rows, ${d.distinct_rows} distinct, ${d.duplicate_rows} duplicates (same features)`);
  const header = ['feature', 'min', 'max', 'mean', 'std', 'missing', 'distinct', 'corr(label)'];
  const rows = d.features.map((f) => [f.name, num(f.min), num(f.max), num(f.mean), num(f.std), String(f.missing), String(f.distinct), num(f.label_correlation)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  out.push(`features over the ${d.described_split} rows, in the file's units:`);
  out.push(line(header), ...rows.map(line));
  return out.join('\n') + '\n';
}

/**
 * Resolve the argument: an experiment file (its `dataset:`), or a known dataset's name with its preset.
 * Throws: UserError when it is neither; UserError / DiagnosticError for an invalid experiment file.
 */
function datasetOf(target: string, options: { dataDir?: string }, io: CliIO): { config: DatasetConfig; exp?: Experiment } {
  const path = resolve(io.cwd, target);
  if (existsSync(path) && statSync(path).isFile()) {
    const exp = loadExperiment(target, { dataDir: options.dataDir, cwd: io.cwd });
    if (exp.warnings.length > 0) io.stderr.write(formatDiagnostics(exp.warnings, '\n') + '\n');
    return { config: exp.dataset, exp };
  }
  if (knownDataset(target)) return { config: resolveDataset(target, io.cwd, resolve(io.cwd, options.dataDir ?? 'data')) };
  throw new UserError(`${target} is neither an experiment file nor a known dataset`, `give an experiment file (YAML) or one of: ${KNOWN_DATASETS.map((k) => k.name).join(', ')}`);
}

/**
 * `dlsweep data describe`: prints the description (text, or JSON with --json); with `html`, also writes the
 * page with the histograms there. Returns 0.
 * Throws: UserError for an unknown target, or an HTML file that cannot be written.
 */
export async function dataDescribeCommand(target: string, options: { dataDir?: string; json?: boolean; html?: string }, io: CliIO): Promise<number> {
  const { config, exp } = datasetOf(target, options, io);
  await ensureDataset(config, { log: (line) => io.stderr.write(line + '\n'), env: io.env, cwd: io.cwd });
  const data = exp ? loadExperimentData(exp) : loadDataset(config);
  const d = describeDataset(data);
  io.stdout.write(options.json ? JSON.stringify(d, null, 2) + '\n' : formatDescription(d));
  if (options.html !== undefined) {
    const path = resolve(io.cwd, options.html);
    try {
      await writeTextAtomic(path, await dataPage(d.source, summarizeData(data)));
    } catch (e) {
      throw outputWriteFailure(e, path, '--html');
    }
    io.stderr.write(`histograms by class: ${options.html}\n`);
  }
  return 0;
}
