/** Number and value formatting for tables: consistent significant digits, never 0.30000000000000004. */
import type { ParamValue } from '../experiment/types.js';

const RATIOS = /(^|\.)(accuracy|precision|recall|specificity|f1|roc_auc|baseline_accuracy)$/;

/**
 * Format a metric: counts and milliseconds as integers; ratios in [0, 1] (accuracy, precision, recall...)
 * with 4 decimals; other values (losses) with 4 significant digits; null (undefined metric) as n/a.
 */
export function formatMetric(name: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  if (/(^|\.)(tn|fp|fn|tp)$/.test(name) || name.endsWith('_ms')) return String(Math.round(v));
  if (RATIOS.test(name)) return v.toFixed(4);
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e6) {
    const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(v))));
    return v.toFixed(digits);
  }
  return v.toPrecision(4);
}

/** A parameter value for display: the user's spelling when known, else a compact JSON form. */
export function formatParam(value: ParamValue | undefined, spelling?: string): string {
  if (spelling !== undefined) return spelling;
  if (value === undefined) return '-';
  if (typeof value === 'number') return String(Number(value.toPrecision(12)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value).replace(/,/g, ', ');
}
