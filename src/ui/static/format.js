/** Display of numbers, durations and metric names, as the terminal tables show them. */

const RATIO = /(^|\.)(accuracy|precision|recall|specificity|f1|roc_auc|baseline_accuracy)(_ci_low|_ci_high)?$/;

/** A value for a table cell: ratios with 4 decimals, other numbers with 4 significant digits; '' for none. */
export function fmt(key, v) {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return typeof v === 'string' ? v : JSON.stringify(v);
  if (!Number.isFinite(v)) return String(v);
  if (RATIO.test(key)) return v.toFixed(4);
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/**
 * A table row's value of column `key` as text: a parameter as compare's table writes it (the server's
 * `texts`: the user's spelling, a search's drawn numbers with 4 significant digits or as many as tell the
 * rows apart), anything else by fmt.
 */
export function paramText(row, key) {
  return row.texts?.[key] ?? fmt(key, row.values[key]);
}

/** Seconds as `1h 02m`, `3m 05s` or `4.2 s`. */
export function duration(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return '';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** An ISO time as local `YYYY-MM-DD HH:MM`. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Mean and sample standard deviation (n - 1) of finite numbers; std null below two. */
export function meanStd(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (!xs.length) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
  return { mean, std, n: xs.length };
}
