/**
 * Terminal pictures of a loss landscape (`dlsweep landscape`): a line chart of a 1-D slice (asciichart) and
 * a character heatmap of a 2-D grid. Pure: points in, text out.
 */
import type { LandscapePoint } from '../train/landscape.js';
import { asciichart } from './ascii-chart.js';
import { formatMetric } from './format.js';

/** Shades from low to high loss; a point whose loss is not finite is drawn as `!`. */
const SHADES = ' .:-=+*#%@';

/** The 1-D slice's loss against a, with the a range under it. Throws: nothing. */
export function landscapeLine(points: readonly LandscapePoint[], color: boolean): string {
  const finite = points.filter((p) => Number.isFinite(p.loss));
  if (finite.length < 2) return '(too few finite points to draw)';
  const chart = asciichart.plot(
    finite.map((p) => p.loss),
    { height: 10, format: (x: number) => x.toFixed(4).padStart(9), ...(color ? { colors: [asciichart.blue] } : {}) },
  );
  const first = String(finite[0].a);
  const last = String(finite[finite.length - 1].a);
  return `${chart}\n${' '.repeat(11)}a = ${first}${' '.repeat(Math.max(1, finite.length - first.length - last.length - 4))}${last}`;
}

/**
 * The 2-D grid as a heatmap: one row per b (largest on top), two characters per a, shaded by loss on a
 * linear scale from the lowest to the highest finite loss; `O` marks the origin (the trained network).
 * Throws: nothing.
 */
export function landscapeHeatmap(points: readonly LandscapePoint[], alphas: readonly number[], betas: readonly number[]): string {
  const finite = points.map((p) => p.loss).filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const shade = (loss: number) => {
    if (!Number.isFinite(loss)) return '!';
    const i = hi > lo ? Math.min(SHADES.length - 1, Math.floor(((loss - lo) / (hi - lo)) * SHADES.length)) : 0;
    return SHADES[i];
  };
  const lines: string[] = [];
  for (let r = betas.length - 1; r >= 0; r--) {
    let line = `${betas[r].toFixed(2).padStart(7)} |`;
    for (let c = 0; c < alphas.length; c++) {
      const p = points[r * alphas.length + c];
      const ch = p.a === 0 && p.b === 0 ? 'O' : shade(p.loss);
      line += ch + ch;
    }
    lines.push(line);
  }
  lines.push(`${' '.repeat(8)}+${'-'.repeat(2 * alphas.length)}`);
  lines.push(`${' '.repeat(9)}a from ${alphas[0]} to ${alphas[alphas.length - 1]} (rows: b); loss ${formatMetric('loss', lo)} '${SHADES[0]}' to ${formatMetric('loss', hi)} '${SHADES[SHADES.length - 1]}', O: the trained network`);
  return lines.join('\n');
}
