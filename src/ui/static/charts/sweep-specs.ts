/**
 * The sweep charts shared by report.html and `dlsweep ui`: loss curves, the heatmap of a metric over two
 * grid axes, confusion matrices. Pure Vega specifications (see frame.ts).
 */
import type { Spec } from 'vega';
import { frame } from './frame.js';

/** One point of a loss curve. */
export interface CurveDatum {
  /** Series id (the run folder) and its legend label. */
  run: string;
  label: string;
  iteration: number;
  loss: number;
  /** The value the series is coloured by when there are many runs (the primary metric; null for unfinished runs). */
  score: number | null;
}

/** How a loss chart is drawn (scale, shared domain, colouring, legend). */
export interface CurveChartOptions {
  title: string;
  log: boolean;
  /** Shared y domain of the train and validation charts, so they compare at a glance. */
  domain: [number, number];
  /** `run`: one colour per run with a legend (few runs); `score`: coloured by the primary metric (many runs). */
  colorBy: 'run' | 'score';
  /** Legend order of runs (colorBy run) or the metric's label (colorBy score). */
  runOrder: string[];
  scoreTitle: string;
  scoreDomain?: [number, number];
  /** Whether higher scores are better (dark = best). */
  higherIsBetter: boolean;
  legend: boolean;
}

/**
 * A loss-curve chart: one line per run (a facet by run), iterations on x, loss on y (linear or log).
 * `data` holds finite points only, each series in iteration order (so no sort or validity test per point).
 */
export function curveSpec(data: CurveDatum[], o: CurveChartOptions): Spec {
  const byRun = o.colorBy === 'run';
  const color = byRun
    ? { name: 'color', type: 'ordinal', domain: o.runOrder, range: { scheme: o.runOrder.length <= 10 ? 'tableau10' : 'category20' } }
    : {
        name: 'color',
        type: 'linear',
        domain: o.scoreDomain ?? { data: 'curves', field: 'score' },
        range: { scheme: 'viridis' },
        reverse: o.higherIsBetter,
        interpolate: 'hcl',
        zero: false,
      };
  // Runs without a score (none finished) are drawn grey rather than not at all.
  const stroke = byRun ? { scale: 'color', field: 'label' } : { signal: "isValid(datum.score) ? scale('color', datum.score) : '#8c959f'" };
  const legend = !o.legend
    ? []
    : byRun
      ? [{ stroke: 'color', orient: 'right', title: 'run', symbolType: 'stroke', symbolStrokeWidth: 2.5 }]
      : [{ stroke: 'color', orient: 'right', title: o.scoreTitle, gradientLength: 200 }];
  const yTicks = o.log ? {} : { tickCount: { signal: 'ceil(height/40)' } };
  return {
    ...frame(420, 260, o.title),
    data: [{ name: 'curves', values: data }],
    scales: [
      { name: 'x', type: 'linear', domain: { data: 'curves', field: 'iteration' }, range: [0, { signal: 'width' }], nice: true, zero: false },
      o.log
        ? { name: 'y', type: 'log', domain: o.domain, range: [{ signal: 'height' }, 0] }
        : { name: 'y', type: 'linear', domain: o.domain, range: [{ signal: 'height' }, 0], zero: false },
      color,
    ],
    axes: [
      // Grid lines under the marks, then the labelled axes.
      { scale: 'x', orient: 'bottom', grid: true, tickCount: 6, gridScale: 'y', domain: false, labels: false, aria: false, maxExtent: 0, minExtent: 0, ticks: false, zindex: 0 },
      { scale: 'y', orient: 'left', grid: true, gridScale: 'x', domain: false, labels: false, aria: false, maxExtent: 0, minExtent: 0, ticks: false, zindex: 0, ...yTicks },
      { scale: 'x', orient: 'bottom', grid: false, title: 'iteration (updates)', tickCount: 6, labelFlush: true, labelOverlap: true, zindex: 0 },
      { scale: 'y', orient: 'left', grid: false, title: o.log ? 'loss (log scale)' : 'loss', labelOverlap: o.log ? 'greedy' : true, zindex: 0, ...yTicks },
    ],
    legends: legend,
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'series', data: 'curves', groupby: ['run'] } },
        encode: { update: { width: { field: { group: 'width' } }, height: { field: { group: 'height' } } } },
        marks: [
          {
            type: 'line',
            clip: true,
            from: { data: 'series' },
            encode: {
              update: {
                strokeWidth: { value: 1.6 },
                interpolate: { value: 'linear' },
                stroke,
                description: { field: 'label' },
                x: { scale: 'x', field: 'iteration' },
                y: { scale: 'y', field: 'loss' },
              },
            },
          },
        ],
      },
    ],
  } as Spec;
}

/** White text on dark cells, black elsewhere (each datum carries its `ink`). */
const INK = [{ test: "datum.ink === 'white'", value: 'white' }, { value: 'black' }];

/** One cell of a heatmap. */
export interface HeatDatum {
  row: string;
  col: string;
  value: number | null;
  text: string;
  n: number;
}

/** A grid of coloured cells with a text in each: the heatmap and the confusion matrices. */
function cellGrid(
  values: Record<string, unknown>[],
  o: {
    width: number;
    height: number;
    title?: string;
    x: { field: string; order: string[]; title: string; orient: 'top' | 'bottom' };
    y: { field: string; order: string[]; title: string };
    color: Record<string, unknown>;
    colorField: string;
    legend?: Record<string, unknown>;
    stroke: number;
    text: Record<string, unknown>;
  },
): Spec {
  const band = (name: string, order: string[], range: unknown[]) => ({ name, type: 'band', domain: order, range, paddingInner: 0, paddingOuter: 0 });
  const at = { x: { scale: 'x', field: o.x.field }, y: { scale: 'y', field: o.y.field } };
  return {
    ...frame(o.width, o.height, o.title),
    data: [
      { name: 'cells', values },
      { name: 'filled', source: 'cells', transform: [{ type: 'filter', expr: `isValid(datum.${o.colorField}) && isFinite(+datum.${o.colorField})` }] },
    ],
    scales: [band('x', o.x.order, [0, { signal: 'width' }]), band('y', o.y.order, [0, { signal: 'height' }]), { name: 'color', ...o.color }],
    axes: [
      { scale: 'x', orient: o.x.orient, grid: false, title: o.x.title, labelAngle: 0, labelBaseline: o.x.orient === 'top' ? 'bottom' : 'top', zindex: 1 },
      { scale: 'y', orient: 'left', grid: false, title: o.y.title, zindex: 1 },
    ],
    legends: o.legend ? [{ fill: 'color', ...o.legend }] : [],
    marks: [
      {
        type: 'rect',
        from: { data: 'filled' },
        encode: {
          update: {
            ...at,
            width: { signal: "max(0.25, bandwidth('x'))" },
            height: { signal: "max(0.25, bandwidth('y'))" },
            fill: { scale: 'color', field: o.colorField },
            stroke: { value: 'white' },
            strokeWidth: { value: o.stroke },
            description: { field: 'text' },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'cells' },
        encode: {
          update: {
            x: { ...at.x, band: 0.5 },
            y: { ...at.y, band: 0.5 },
            text: { field: 'text' },
            fill: INK,
            align: { value: 'center' },
            baseline: { value: 'middle' },
            ...o.text,
          },
        },
      },
    ],
  } as Spec;
}

/** A heatmap of a metric over two grid axes, with the value written in each cell. */
export function heatmapSpec(data: HeatDatum[], o: { rowTitle: string; colTitle: string; rowOrder: string[]; colOrder: string[]; metricTitle: string; higherIsBetter: boolean; domain: [number, number] }): Spec {
  const cell = Math.max(44, Math.min(90, Math.floor(560 / Math.max(1, o.colOrder.length))));
  const lo = o.domain[0];
  const span = o.domain[1] - o.domain[0] || 1;
  const values = data.map((d) => {
    // viridis is dark at one end: white text there, black elsewhere.
    const t = d.value === null ? 0.5 : (d.value - lo) / span;
    const dark = o.higherIsBetter ? t > 0.55 : t < 0.45;
    return { ...d, ink: d.value !== null && dark ? 'white' : 'black' };
  });
  return cellGrid(values, {
    width: cell * o.colOrder.length,
    height: Math.max(28, Math.min(60, cell * 0.7)) * o.rowOrder.length,
    x: { field: 'col', order: o.colOrder, title: o.colTitle, orient: 'bottom' },
    y: { field: 'row', order: o.rowOrder, title: o.rowTitle },
    color: { type: 'linear', domain: o.domain, range: { scheme: 'viridis' }, reverse: o.higherIsBetter, interpolate: 'hcl', zero: false },
    colorField: 'value',
    legend: { orient: 'right', title: o.metricTitle, gradientLength: 160 },
    stroke: 1,
    text: { fontSize: { value: 12 } },
  });
}

/** A 2 x 2 confusion matrix: actual class in rows, predicted in columns, counts in the cells. */
export function confusionSpec(title: string, c: { tn: number; fp: number; fn: number; tp: number }): Spec {
  const max = Math.max(1, c.tn, c.fp, c.fn, c.tp);
  const cells = [
    { actual: 'negative', predicted: 'negative', count: c.tn, name: 'TN' },
    { actual: 'negative', predicted: 'positive', count: c.fp, name: 'FP' },
    { actual: 'positive', predicted: 'negative', count: c.fn, name: 'FN' },
    { actual: 'positive', predicted: 'positive', count: c.tp, name: 'TP' },
  ].map((d) => ({ ...d, text: `${d.name} ${d.count}`, ink: d.count / max > 0.5 ? 'white' : 'black' }));
  const classes = ['negative', 'positive'];
  return cellGrid(cells, {
    width: 150,
    height: 150,
    title,
    x: { field: 'predicted', order: classes, title: 'predicted', orient: 'top' },
    y: { field: 'actual', order: classes, title: 'actual' },
    color: { type: 'linear', domain: [0, max], range: { scheme: 'blues' }, interpolate: 'hcl', zero: true },
    colorField: 'count',
    stroke: 2,
    text: { fontSize: { value: 13 }, fontWeight: { value: 600 } },
  });
}

/** One configuration in objectiveByParamSpec: its value of the parameter and its objective. */
export interface ParamPoint {
  /** What the dot stands for (a run folder, or a configuration and its seeds), for its tooltip. */
  run: string;
  /** The parameter's value: a number, or its spelling for other values (hidden_sizes, init...). */
  x: number | string;
  /** How the tables write the value (a search's drawn number with 4 significant digits): the label on an axis of evenly spaced values. */
  label?: string;
  /** The objective: the run's, or the mean over the configuration's seeds. */
  y: number;
  /** Repeats over seeds: the lowest and highest objective and their number (n > 1 draws the seed band). */
  lo?: number;
  hi?: number;
  n?: number;
}

/**
 * The objective against one parameter: a dot per configuration (the mean over its seeds where it was
 * repeated, with a bar from the lowest to the highest seed: the seed band; a shaded band when each value
 * of the parameter is one configuration), and a line through the mean at each value. More than four
 * distinct numbers go on a linear axis, or a log axis when positive and spanning a factor 100 or more;
 * fewer, and other values, are evenly spaced in order.
 */
export function objectiveByParamSpec(points: ParamPoint[], o: { param: string; objective: string; width?: number; height?: number }): Spec {
  // A few distinct numbers (seeds, layer counts, thresholds of a grid) read best as evenly spaced values.
  const distinct = new Set(points.map((p) => String(p.x))).size;
  const numeric = points.every((p) => typeof p.x === 'number') && distinct > 4;
  const xs = numeric ? (points.map((p) => p.x) as number[]) : [];
  const log = numeric && xs.length > 0 && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) >= 100;
  const groups = new Map<string, { x: number | string; ys: number[] }>();
  for (const p of points) {
    const key = String(p.x);
    const g = groups.get(key) ?? { x: p.x, ys: [] };
    g.ys.push(p.y);
    groups.set(key, g);
  }
  const stats = [...groups.values()].map((g) => ({ x: g.x, n: g.ys.length, mean: g.ys.reduce((a, b) => a + b, 0) / g.ys.length }));
  // Numbers in order; other values by their spelling, numbers within it compared as numbers ([4] before [16]).
  if (points.every((p) => typeof p.x === 'number')) stats.sort((a, b) => (a.x as number) - (b.x as number));
  else stats.sort((a, b) => String(a.x).localeCompare(String(b.x), 'en', { numeric: true }));
  const seeded = points.filter((p) => (p.n ?? 1) > 1 && p.lo !== undefined && p.hi !== undefined);
  // One configuration per value: its seed bars join into a band.
  const band = seeded.length > 0 && stats.every((s) => s.n === 1) ? [...seeded].sort((a, b) => stats.findIndex((s) => s.x === a.x) - stats.findIndex((s) => s.x === b.x)) : [];
  // Evenly spaced values are placed, and labelled, by how the tables write them, in the order of the values.
  const labels = new Map(points.map((p) => [String(p.x), p.label ?? p.x]));
  const placed = <T extends { x: number | string }>(d: T): T => (numeric ? d : { ...d, x: labels.get(String(d.x)) ?? d.x });
  const xScale = numeric
    ? { name: 'x', type: log ? 'log' : 'linear', domain: { data: 'points', field: 'x' }, range: 'width', zero: false, nice: !log, padding: 8 }
    : { name: 'x', type: 'point', domain: stats.map((s) => placed(s).x), range: 'width', padding: 0.5 };
  const at = { x: { scale: 'x', field: 'x' } };
  return {
    ...frame(o.width ?? 260, o.height ?? 180, o.param),
    data: [
      { name: 'points', values: points.map(placed) },
      { name: 'stats', values: stats.map(placed) },
      { name: 'seeded', values: seeded.map(placed) },
      { name: 'band', values: band.map(placed) },
      { name: 'extent', values: [...points.map((p) => ({ y: p.lo ?? p.y })), ...points.map((p) => ({ y: p.hi ?? p.y }))] },
    ],
    scales: [xScale, { name: 'y', type: 'linear', domain: { data: 'extent', field: 'y' }, range: 'height', zero: false, nice: true }],
    axes: [
      { scale: 'x', orient: 'bottom', title: log ? `${o.param} (log scale)` : o.param, labelOverlap: true, tickCount: 5 },
      { scale: 'y', orient: 'left', grid: true, title: o.objective, tickCount: 5 },
    ],
    marks: [
      { type: 'area', from: { data: 'band' }, encode: { update: { ...at, y: { scale: 'y', field: 'lo' }, y2: { scale: 'y', field: 'hi' }, fill: { value: '#0969da' }, fillOpacity: { value: 0.15 } } } },
      { type: 'rule', from: { data: 'seeded' }, encode: { update: { ...at, y: { scale: 'y', field: 'lo' }, y2: { scale: 'y', field: 'hi' }, stroke: { value: '#0969da' }, strokeOpacity: { value: 0.5 }, strokeWidth: { value: 2 } } } },
      ...(points.length > stats.length || band.length
        ? [{ type: 'line', from: { data: 'stats' }, encode: { update: { ...at, y: { scale: 'y', field: 'mean' }, stroke: { value: '#0969da' }, strokeWidth: { value: 1.6 } } } }]
        : []),
      {
        type: 'symbol',
        from: { data: 'points' },
        encode: { update: { ...at, y: { scale: 'y', field: 'y' }, size: { value: 22 }, fill: { value: '#1f2328' }, fillOpacity: { value: 0.6 }, description: { signal: "datum.run + ': ' + format(datum.y, '.4~g')" } } },
      },
    ],
  } as unknown as Spec;
}
