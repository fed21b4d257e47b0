/** Colours of series: a sequential ramp for numbers (viridis, as the report) and a categorical palette. */

// viridis at 9 evenly spaced stops (matplotlib's colormap, public domain).
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
const TABLEAU10 = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];
export const GREY = '#8c959f';

function hex(c) {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
}

/** The viridis colour at t in [0, 1] (linear between stops). */
export function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hex(VIRIDIS[i]);
  const b = hex(VIRIDIS[i + 1]);
  return `rgb(${a.map((v, k) => Math.round(v + (b[k] - v) * f)).join(',')})`;
}

/** The i-th categorical colour (cycling past ten). */
export const category = (i) => TABLEAU10[i % TABLEAU10.length];

/**
 * A colouring of items by a value: numbers on viridis (dark = best when `darkIs` says so), other values
 * by category. Returns { color(value), legend: [{ text, color }] }.
 */
export function colorScale(values, { darkIsLow = true } = {}) {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length && present.every((v) => typeof v === 'number')) {
    const lo = Math.min(...present);
    const hi = Math.max(...present);
    const span = hi - lo || 1;
    const color = (v) => (typeof v === 'number' ? viridis(darkIsLow ? (v - lo) / span : (hi - v) / span) : GREY);
    // As the tables write drawn values: 4 significant digits, integers whole.
    const text = (v) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
    return { color, legend: [{ text: text(lo), color: color(lo) }, { text: text(hi), color: color(hi) }] };
  }
  const keys = [...new Set(present.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))))];
  const color = (v) => (v === null || v === undefined ? GREY : category(keys.indexOf(typeof v === 'string' ? v : JSON.stringify(v))));
  return { color, legend: keys.slice(0, 12).map((k, i) => ({ text: k, color: category(i) })) };
}
