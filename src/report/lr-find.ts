/**
 * Charts of a learning-rate range test (`dlsweep lr-find`): the terminal chart (asciichart) and lr-find.svg
 * (a Vega specification rendered by charts.ts, as report.html's charts are). Both draw the whole smoothed
 * curve, the one the suggestion is read from; only the raw per-update losses may run off the top.
 */
import type { Spec } from 'vega';
import { counted } from '../text.js';
import type { LrFindResult } from '../train/lr-find.js';
import { asciichart } from './ascii-chart.js';
import { frame } from '../ui/static/charts/frame.js';

/** Numbers in 3 significant digits (1.23e-4 style for small or large ones). */
export function fmt3(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/** At most `max` evenly spaced items, always keeping the first and the last. */
function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (max - 1))]);
  return out;
}

/**
 * The y range of both charts: from the lowest loss drawn to the highest smoothed loss, so the smoothed
 * curve is never cut; raw losses above it are.
 */
export function lrFindRange(result: LrFindResult): { lo: number; hi: number; rawAbove: number } {
  const pts = result.points;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pts) {
    lo = Math.min(lo, p.smoothed_loss, p.loss);
    hi = Math.max(hi, p.smoothed_loss);
  }
  if (!(lo <= hi)) return { lo: 0, hi: 1, rawAbove: 0 }; // nothing recorded
  return { lo, hi, rawAbove: pts.filter((p) => p.loss > hi).length };
}

/** The terminal chart of the smoothed loss (y) against the learning rate (x, log scale: the steps are geometric). */
export function lrFindChart(result: LrFindResult, width: number, color: boolean): string {
  const pts = thin(result.points, Math.max(10, width));
  if (pts.length < 2) return '(too few points to draw)';
  const chart = asciichart.plot(
    pts.map((p) => p.smoothed_loss),
    { height: 12, format: (x: number) => x.toFixed(4).padStart(9), ...(color ? { colors: [asciichart.blue] } : {}) },
  );
  const first = pts[0].learning_rate;
  const last = pts[pts.length - 1].learning_rate;
  const pad = ' '.repeat(11);
  const axisWidth = Math.max(0, pts.length - fmt3(first).length - fmt3(last).length);
  let axis = `${pad}${fmt3(first)}${' '.repeat(axisWidth)}${fmt3(last)}`;
  if (result.suggestion !== null) {
    // A caret under the suggested rate.
    const s = result.suggestion;
    const i = pts.reduce((best, p, j) => (Math.abs(Math.log(p.learning_rate / s)) < Math.abs(Math.log(pts[best].learning_rate / s)) ? j : best), 0);
    axis += `\n${pad}${' '.repeat(i)}^ suggested ${fmt3(s)}`;
  }
  return `${chart}\n${axis}\n${pad}learning rate (log scale) →   y: smoothed training loss (nats)`;
}

/**
 * lr-find.svg's chart: the raw loss (light) and the smoothed loss (dark) against the learning rate on a
 * log axis, a dashed rule at the suggested rate. The y axis spans the whole smoothed curve (lrFindRange);
 * raw losses above it are cut, and the subtitle says how many.
 */
export function lrFindSpec(result: LrFindResult, title: string): Spec {
  const pts = thin(result.points, 1000); // a plot needs no more points than pixels
  const { lo, hi, rawAbove } = lrFindRange(result);
  const pad = (hi - lo) * 0.04 || Math.abs(hi) * 0.04 || 0.01;
  const subtitle = rawAbove > 0 ? `${counted(rawAbove, 'raw loss', 'raw losses')} above ${fmt3(hi)} cut at the top; the smoothed curve is drawn whole` : undefined;
  const values = pts.map((p) => ({ learning_rate: p.learning_rate, loss: p.loss, smoothed_loss: p.smoothed_loss }));
  const line = (field: string, color: string, width: number) => ({
    type: 'line',
    from: { data: 'points' },
    clip: true,
    encode: {
      update: {
        x: { scale: 'x', field: 'learning_rate' },
        y: { scale: 'y', field },
        stroke: { value: color },
        strokeWidth: { value: width },
        description: { value: field === 'loss' ? 'raw loss' : 'smoothed loss' },
      },
    },
  });
  const s = result.suggestion;
  // One tick and grid line per power of ten (a log axis's default adds 2..9 between them).
  const first = pts[0]?.learning_rate ?? 1;
  const last = pts.at(-1)?.learning_rate ?? 10;
  const decades: number[] = [];
  for (let d = Math.ceil(Math.log10(first) - 1e-9); d <= Math.floor(Math.log10(last) + 1e-9); d++) decades.push(10 ** d);
  return {
    ...frame(560, 320, { text: title, ...(subtitle ? { subtitle } : {}) }),
    data: [{ name: 'points', values }, { name: 'suggestion', values: s === null ? [] : [{ learning_rate: s, text: `suggested ${fmt3(s)}` }] }],
    scales: [
      { name: 'x', type: 'log', domain: { data: 'points', field: 'learning_rate' }, range: [0, { signal: 'width' }] },
      { name: 'y', type: 'linear', domain: [lo - pad, hi + pad], range: [{ signal: 'height' }, 0], zero: false, nice: false },
      { name: 'legend', type: 'ordinal', domain: ['smoothed loss', 'raw loss'], range: ['#1f77b4', '#aec7e8'] },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', grid: true, title: 'learning rate (log scale)', values: decades, format: '~e' },
      { scale: 'y', orient: 'left', grid: true, title: 'training loss (nats)' },
    ],
    legends: [{ stroke: 'legend', orient: 'bottom-left', symbolType: 'stroke', symbolStrokeWidth: 2.5, fillColor: 'white' }],
    marks: [
      line('loss', '#aec7e8', 1),
      line('smoothed_loss', '#1f77b4', 2),
      {
        type: 'rule',
        from: { data: 'suggestion' },
        encode: { update: { x: { scale: 'x', field: 'learning_rate' }, y: { value: 0 }, y2: { signal: 'height' }, stroke: { value: '#d62728' }, strokeDash: { value: [4, 3] } } },
      },
      {
        type: 'text',
        from: { data: 'suggestion' },
        encode: { update: { x: { scale: 'x', field: 'learning_rate' }, dx: { value: 4 }, y: { value: 4 }, text: { field: 'text' }, fill: { value: '#d62728' }, align: { value: 'left' }, baseline: { value: 'top' }, fontSize: { value: 11 } } },
      },
    ],
  } as Spec;
}
