/**
 * How a metric's numbers and a duration are written, shared by the terminal's tables, report.html
 * (src/report/format.ts re-exports these) and the pages of dlsweep ui, so that one value reads the same everywhere.
 */

const RATIOS = /(^|\.)(accuracy|precision|recall|specificity|f1|roc_auc|baseline_accuracy)(_ci_low|_ci_high)?$/;
const COUNTS = /(^|\.)(tn|fp|fn|tp|samples|count|n)$/;

/**
 * How a metric's numbers are written: `ratio` 4 decimals, `count` integer, `real` 4 significant digits,
 * `mean-count` 2 decimals (a mean or spread of counts, e.g. FN averaged over seeds).
 */
export type NumberKind = 'ratio' | 'count' | 'real' | 'mean-count';

/** The number kind of a metric name such as `validation.recall`, `train.fn`, `training_ms` or `train.loss`. */
export function metricKind(name: string): NumberKind {
  if (COUNTS.test(name) || name.endsWith('_ms')) return 'count';
  if (RATIOS.test(name)) return 'ratio';
  return 'real';
}

/** The number kind of a mean, std or difference of a metric: counts get 2 decimals, others keep theirs. */
export function aggregateKind(name: string): NumberKind {
  const kind = metricKind(name);
  return kind === 'count' ? 'mean-count' : kind;
}

/** A finite number with 4 significant digits (fixed notation between 1e-4 and 1e6), e.g. 0.02676, 204.8. */
export function formatReal(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e6) {
    const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(v))));
    const s = v.toFixed(digits);
    // Rounding can carry into a new digit (9.9996 -> "10.000"): keep 4 significant digits.
    return Math.abs(Number(s)) >= 10 ** (4 - digits) && digits > 0 ? v.toFixed(digits - 1) : s;
  }
  return v.toPrecision(4);
}

/**
 * A finite number of a metric in its kind: counts and milliseconds as integers, ratios with 4 decimals,
 * means of counts with 2, other values (losses) with 4 significant digits (formatReal).
 */
export function formatFinite(v: number, kind: NumberKind): string {
  if (kind === 'count') return String(Math.round(v));
  if (kind === 'ratio') return v.toFixed(4);
  if (kind === 'mean-count') return v.toFixed(2);
  return formatReal(v);
}

/** Milliseconds as 35 ms, 4.2s, 12s, 3m05s or 1h02m; n/a for none. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return 'n/a';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
