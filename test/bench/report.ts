/**
 * The benchmark's one table (Markdown, so it can go into the README as is) and its JSON results file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One benchmark case. Times are medians of the samples; ratio = reference / ours (how many times faster). */
export interface BenchRow {
  id: string;
  case: string;
  /** Median of ours_samples, in `unit`. */
  ours: number;
  ours_samples: number[];
  unit: 's' | 'us' | 'ns' | 'runs/s' | 'Gflop/s';
  /** Median of reference_samples (same unit), or null without a reference (or when it could not run). */
  reference: number | null;
  reference_samples: number[];
  reference_name: string | null;
  goal: string;
  /** Goal on reference / ours, when the goal is a ratio. */
  goal_ratio: number | null;
  /** Goal on ours: at least / at most. */
  goal_min?: number;
  goal_max?: number;
  extra?: Record<string, unknown>;
}

function fmt(v: number, unit: BenchRow['unit']): string {
  if (unit === 's') return v < 1 ? `${(v * 1000).toFixed(0)} ms` : `${v.toFixed(2)} s`;
  if (unit === 'us') return `${v.toFixed(1)} µs`;
  if (unit === 'Gflop/s') return `${v.toFixed(2)} Gflop/s`;
  if (unit === 'ns') return `${v.toFixed(2)} ns`;
  return `${v.toFixed(0)} runs/s`;
}

/** reference / ours, or null. */
export function ratioOf(r: BenchRow): number | null {
  return r.reference === null || r.ours <= 0 ? null : r.reference / r.ours;
}

/** Whether the row meets its goal: true, false, or null when it has none that can be checked here. */
export function goalMet(r: BenchRow): boolean | null {
  // Goals on more than a ratio (the search rows: best loss, share of updates) say so themselves.
  if (typeof r.extra?.goal_met === 'boolean' && (r.extra.goal_met === false || r.goal_ratio === null)) return r.extra.goal_met;
  const ratio = ratioOf(r);
  if (r.goal_ratio !== null) return ratio === null ? null : ratio >= r.goal_ratio;
  if (r.goal_min !== undefined) return r.ours >= r.goal_min;
  if (r.goal_max !== undefined) {
    const mem = r.extra?.max_rss_mib;
    return r.ours <= r.goal_max && (typeof mem !== 'number' || mem < 300);
  }
  if (typeof r.extra?.work_ratio === 'number') return r.extra.work_ratio >= 8;
  return null;
}

/** The table: case, our median, the reference's, the ratio, the goal, and the number of runs. */
export function renderTable(rows: BenchRow[]): string {
  const head = ['case', 'ours (median)', 'reference (median)', 'ratio', 'goal', 'runs'];
  const lines = rows.map((r) => {
    const ratio = ratioOf(r);
    const met = goalMet(r);
    return [
      r.case,
      fmt(r.ours, r.unit),
      r.reference === null ? (r.reference_name ? `${r.reference_name}: n/a` : '-') : `${fmt(r.reference, r.unit)} (${r.reference_name})`,
      ratio === null ? '-' : `${ratio.toFixed(2)}x`,
      `${r.goal}${met === null ? '' : met ? ' ✓' : ' ✗'}`,
      r.reference_samples.length ? `${r.ours_samples.length} / ${r.reference_samples.length}` : String(r.ours_samples.length),
    ];
  });
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...lines.map((l) => `| ${l.map(esc).join(' | ')} |`)].join('\n');
}

/**
 * Writes the results to dir/bench-<UTC timestamp>.json (and latest.json), for comparison over time.
 * Returns the file written. Throws: Error if the folder cannot be written.
 */
export function writeResults(dir: string, payload: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const file = path.join(dir, `bench-${stamp}.json`);
  const text = JSON.stringify(payload, null, 2) + '\n';
  writeFileSync(file, text);
  writeFileSync(path.join(dir, 'latest.json'), text);
  return file;
}
