/** Display of numbers, durations and metric names, as the terminal tables show them. */
import { aggregateKind, formatFinite, formatMs, metricKind } from './numbers.js';

/**
 * A value for a table cell, as the terminal's tables write it (numbers.ts, shared with them): a metric by
 * its kind (ratios with 4 decimals, counts whole, losses with 4 significant digits and their zeros); other
 * numbers whole when integers, else with 4 significant digits; '' for none.
 */
export function fmt(key, v) {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return typeof v === 'string' ? v : JSON.stringify(v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const kind = metricKind(key);
  // A number that is no metric (a parameter, a size): whole when an integer, else 4 significant digits as a drawn value.
  if (kind === 'real' && !isMetric(key)) return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  return formatFinite(v, kind);
}

/** A mean or standard deviation of a column over runs, as compare --group-by writes it (counts with 2 decimals). */
export function fmtMean(key, v) {
  if (v === null || v === undefined) return '';
  if (!Number.isFinite(v)) return fmt(key, v);
  return formatFinite(v, aggregateKind(key));
}

/** Whether a column key names a metric (`validation.loss`, `training_ms`) rather than a parameter or a plain number. */
function isMetric(key) {
  return key.includes('.') || key.endsWith('_ms');
}

/**
 * A table row's value of column `key` as text: a parameter as compare's table writes it (the server's
 * `texts`: the user's spelling, a search's drawn numbers with 4 significant digits or as many as tell the
 * rows apart), anything else by fmt.
 */
export function paramText(row, key) {
  return row.texts?.[key] ?? fmt(key, row.values[key]);
}

/** Seconds as ls writes a duration: `194 ms`, `4.2s`, `12s`, `3m05s` or `1h02m`; '' for none. */
export function duration(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return '';
  return formatMs(s * 1000);
}

/**
 * An ISO time as `ls` writes it: UTC to the minute, `YYYY-MM-DD HH:MMZ`, so that the page and the terminal
 * name a sweep's start alike whatever the browser's time zone.
 */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ') + 'Z';
}

/** Mean and sample standard deviation (n - 1) of finite numbers; std null below two. */
export function meanStd(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (!xs.length) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
  return { mean, std, n: xs.length };
}
