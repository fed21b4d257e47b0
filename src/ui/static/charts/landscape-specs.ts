/**
 * Charts of loss landscapes shared by report.html, the landscape-*.svg files and `dlsweep ui`: a filled
 * contour plot of a 2-D grid with, for pca directions, the training trajectory drawn on it (Li et al. 2018,
 * figure 9), and a line of a 1-D slice. Contours and colours are on a log scale of the loss, whose range
 * around a minimum spans decades. Pure Vega specifications and arithmetic (see frame.ts).
 */
import type { Spec } from 'vega';
import { frame } from './frame.js';

/** A landscape as drawn (the shape of Landscape in src/train/landscape.ts): points b-major over alphas x betas. */
export interface Landscape {
  points: { a: number; b: number; loss: number; accuracy: number }[];
  alphas: number[];
  betas: number[];
  /** pca only: the projected trajectory, ending at the origin. */
  path?: { iteration: number | null; a: number; b: number }[];
}

/** Contour levels: a shared colour scale for several plots (the report) or one plot's own. */
export interface LossScale {
  lo: number;
  hi: number;
}

/** The finite, positive loss range of landscapes (one scale for all of them). Throws: nothing. */
export function lossScale(landscapes: readonly Landscape[]): LossScale {
  const losses = landscapes.flatMap((l) => l.points.map((p) => p.loss)).filter((v) => Number.isFinite(v) && v > 0);
  const lo = losses.length ? Math.min(...losses) : 1e-3;
  const hi = losses.length ? Math.max(...losses) : 1;
  return { lo, hi: hi > lo ? hi : lo * 10 };
}

/** `n` thresholds evenly spaced in log(loss) from lo to hi. */
function logThresholds(s: LossScale, n: number): number[] {
  const a = Math.log(s.lo);
  const b = Math.log(s.hi);
  return Array.from({ length: n }, (_, i) => Math.exp(a + ((b - a) * i) / n));
}

/**
 * A filled contour plot of a 2-D landscape (b-major points over alphas x betas), the origin (theta*) marked,
 * and the trajectory as a line from its first point (circled: the initialization) to the origin.
 * Axes: a along d1, b along d2 (titled by `axisTitles`). `scale`: the colour scale (lossScale of the plots
 * drawn together). Throws: nothing.
 */
export function contourSpec(l: Landscape, o: { title: string; subtitle?: string; scale?: LossScale; axisTitles?: [string, string]; size?: number; legend?: boolean }): Spec {
  const w = l.alphas.length;
  const h = l.betas.length;
  const scale = o.scale ?? lossScale([l]);
  // Non-finite or non-positive losses have no place on a log scale: drawn at its ends.
  const clamp = (v: number) => (Number.isFinite(v) ? Math.min(scale.hi, Math.max(scale.lo, v)) : scale.hi);
  // The grid as d3-contour reads it: row 0 on top (the largest b), column 0 on the left.
  const values: number[] = [];
  for (let r = h - 1; r >= 0; r--) for (let c = 0; c < w; c++) values.push(clamp(l.points[r * w + c].loss));
  const half = (v: number[]) => (v.length > 1 ? (v[v.length - 1] - v[0]) / (v.length - 1) / 2 : 0.5);
  const xDomain = [l.alphas[0] - half(l.alphas), l.alphas[w - 1] + half(l.alphas)];
  const yDomain = [l.betas[0] - half(l.betas), l.betas[h - 1] + half(l.betas)];
  const size = o.size ?? 320;
  const path = (l.path ?? []).map((p, i) => ({ ...p, i, label: p.iteration === null ? 'theta*' : `after ${p.iteration} updates` }));
  const [ax, bx] = o.axisTitles ?? ['a (direction 1)', 'b (direction 2)'];
  return {
    ...frame(size, size, o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title),
    data: [
      { name: 'grid', values: [{ width: w, height: h, values }] },
      {
        name: 'contours',
        source: 'grid',
        transform: [{ type: 'isocontour', thresholds: logThresholds(scale, 14), scale: { expr: `[width / ${w}, height / ${h}]` }, smooth: true }],
      },
      { name: 'path', values: path },
      { name: 'ends', values: path.length ? [path[0], path[path.length - 1]] : [{ a: 0, b: 0, i: 0, label: 'theta*' }] },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: xDomain, range: [0, { signal: 'width' }], zero: false, nice: false },
      { name: 'y', type: 'linear', domain: yDomain, range: [{ signal: 'height' }, 0], zero: false, nice: false },
      { name: 'color', type: 'log', domain: [scale.lo, scale.hi], range: { scheme: 'viridis' }, interpolate: 'hcl', zero: false },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', title: ax, tickCount: 5, labelFlush: true },
      { scale: 'y', orient: 'left', title: bx, tickCount: 5 },
    ],
    legends: o.legend === false ? [] : [{ fill: 'color', orient: 'right', title: 'loss', gradientLength: Math.min(200, size - 40), format: '.3~g' }],
    marks: [
      {
        type: 'path',
        clip: true,
        from: { data: 'contours' },
        encode: { update: { fill: { scale: 'color', field: 'contour.value' }, stroke: { value: 'white' }, strokeWidth: { value: 0.3 }, strokeOpacity: { value: 0.5 } } },
        transform: [{ type: 'geopath', field: 'datum.contour' }],
      },
      {
        type: 'line',
        clip: true,
        from: { data: 'path' },
        encode: { update: { x: { scale: 'x', field: 'a' }, y: { scale: 'y', field: 'b' }, stroke: { value: '#d1242f' }, strokeWidth: { value: 2 }, description: { value: 'training trajectory' } } },
      },
      {
        type: 'symbol',
        from: { data: 'path' },
        encode: { update: { x: { scale: 'x', field: 'a' }, y: { scale: 'y', field: 'b' }, size: { value: 10 }, fill: { value: '#d1242f' }, description: { field: 'label' } } },
      },
      {
        type: 'symbol',
        from: { data: 'ends' },
        encode: {
          update: {
            x: { scale: 'x', field: 'a' },
            y: { scale: 'y', field: 'b' },
            shape: [{ test: 'datum.i === 0 && datum.label !== "theta*"', value: 'circle' }, { value: 'cross' }],
            size: { value: 90 },
            fill: { value: 'white' },
            stroke: { value: 'black' },
            strokeWidth: { value: 1.2 },
            description: [{ test: 'datum.label === "theta*"', value: 'trained network (origin)' }, { value: 'initialization' }],
          },
        },
      },
    ],
  } as Spec;
}

/** A line chart of a 1-D slice: loss against a (a = 0 marked: theta*, or the initialization for --from-init). Throws: nothing. */
export function sliceSpec(l: Landscape, o: { title: string; subtitle?: string; axisTitle?: string }): Spec {
  const values = l.points.filter((p) => Number.isFinite(p.loss) && p.loss > 0).map((p) => ({ a: p.a, loss: p.loss, accuracy: p.accuracy }));
  return {
    ...frame(420, 260, o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title),
    data: [{ name: 'slice', values }],
    scales: [
      { name: 'x', type: 'linear', domain: { data: 'slice', field: 'a' }, range: [0, { signal: 'width' }], zero: false, nice: false },
      { name: 'y', type: 'log', domain: { data: 'slice', field: 'loss' }, range: [{ signal: 'height' }, 0], nice: false },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', title: o.axisTitle ?? 'a (direction 1)', tickCount: 6, grid: true, labelFlush: true },
      { scale: 'y', orient: 'left', title: 'loss (log scale)', grid: true, labelOverlap: 'greedy' },
    ],
    marks: [
      {
        type: 'line',
        from: { data: 'slice' },
        encode: { update: { x: { scale: 'x', field: 'a' }, y: { scale: 'y', field: 'loss' }, stroke: { value: '#0969da' }, strokeWidth: { value: 2 }, description: { value: 'loss' } } },
      },
      {
        type: 'rule',
        encode: { update: { x: { scale: 'x', value: 0 }, y: { value: 0 }, y2: { signal: 'height' }, stroke: { value: '#59636e' }, strokeDash: { value: [4, 3] } } },
      },
    ],
  } as Spec;
}
