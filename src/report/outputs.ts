/**
 * The sweep-level files rebuilt from the run folders (never appended in place): results.csv, table.md,
 * report.html, and the counts in sweep.json.
 */
import { basename, dirname, join } from 'node:path';
import { writeJsonAtomic, writeTextAtomic } from '../store/atomic.js';
import { SWEEP_FILES } from '../store/paths.js';
import type { SweepFile } from '../store/records.js';
import { readRuns, readSweepFile } from '../store/sweeps.js';
import { mergeTags, readAnnotations } from '../store/annotations.js';
import { rowOf, type Row } from './rows.js';
import { buildComparison, renderMarkdown, resultsCsv, type Comparison } from './table.js';
import { renderReport, type ReportOptions } from './html.js';

/** Title of a sweep for tables: experiment/sweep-id. */
export function sweepTitle(sweepDir: string): string {
  return `${basename(dirname(sweepDir))}/${basename(sweepDir)}`;
}

/** A sweep's tags: the experiment file's (sweep.json), then those added with dlsweep tag, each once. */
export function sweepTags(sweepDir: string, sweep: SweepFile = readSweepFile(sweepDir)): string[] {
  return mergeTags(sweep.tags, readAnnotations(sweepDir).tags);
}

/** Rows of every run folder of a sweep (each with the sweep's tags and its own). */
export function sweepRows(sweepDir: string): Row[] {
  const title = sweepTitle(sweepDir);
  const tags = sweepTags(sweepDir);
  return readRuns(sweepDir).map((r) => rowOf(title, r, tags));
}

/**
 * Counts of run statuses; pending = grid points without a finished record; damaged (only when some are):
 * run folders whose files cannot be trusted.
 */
export function countRows(rows: Row[], gridSize: number): SweepFile['counts'] {
  const counts = { done: 0, diverged: 0, failed: 0, interrupted: 0, pending: 0, damaged: 0 };
  for (const r of rows) if (r.status !== 'pending') counts[r.status]++;
  // Never below 0: a damaged folder can be one the grid does not have.
  counts.pending = Math.max(0, gridSize - counts.done - counts.diverged - counts.failed - counts.interrupted - counts.damaged);
  const { damaged, ...rest } = counts;
  return damaged ? counts : rest;
}

/**
 * Rebuild results.csv, table.md and report.html from the run folders, then write sweep.json with fresh
 * counts. sweep.json goes last: a sweep that says it is done has every output (a process killed before
 * leaves it marked running, which resume completes). Returns the comparison (for printing) and the sweep
 * file written.
 * Throws: the file system's error (sweep.json is then left as it was).
 */
export async function rebuildSweepOutputs(sweepDir: string, sweep: SweepFile): Promise<{ comparison: Comparison; sweep: SweepFile }> {
  const rows = sweepRows(sweepDir);
  const comparison = buildComparison(sweepTitle(sweepDir), rows);
  await writeTextAtomic(join(sweepDir, SWEEP_FILES.results), resultsCsv(rows));
  await writeTextAtomic(join(sweepDir, SWEEP_FILES.table), renderMarkdown(comparison));
  const updated: SweepFile = { ...sweep, counts: countRows(rows, sweep.grid_size) };
  await writeReport(sweepDir, updated, rows);
  await writeJsonAtomic(join(sweepDir, SWEEP_FILES.sweep), updated);
  return { comparison, sweep: updated };
}

/**
 * Write (or rewrite) a sweep's report.html atomically; rows default to the sweep's run folders.
 * Returns the file's path. Throws: UserError for bad options; the file system's error.
 */
export async function writeReport(sweepDir: string, sweep: SweepFile, rows: Row[] = sweepRows(sweepDir), options: ReportOptions = {}, output?: string): Promise<string> {
  const path = output ?? join(sweepDir, SWEEP_FILES.report);
  await writeTextAtomic(path, await renderReport(sweepTitle(sweepDir), sweep, rows, options));
  return path;
}
