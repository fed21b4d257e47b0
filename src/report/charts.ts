/**
 * The report's charts: Vega specifications rendered to SVG strings by vega in Node (headless view, no
 * canvas, no browser). The SVGs are static, self-contained markup for inlining. The specifications are
 * written in Vega itself rather than compiled from Vega-Lite: compiling costs more than drawing for charts
 * this small, and Vega-Lite would be a second library to load at the end of every sweep. vega is imported
 * on first use, so commands that draw nothing do not pay for loading it.
 */
import type { Spec } from 'vega';

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

let engine: Promise<typeof import('vega')> | undefined;

function load() {
  engine ??= import('vega');
  return engine;
}

/**
 * Start loading the chart library now (about a fifth of a second of module loading), so that the report
 * written at the end of a sweep does not wait for it. Called while trainings run; errors surface at render
 * time.
 */
export function warmChartEngine(): void {
  load().catch(() => undefined);
}

let svgCount = 0;

/**
 * Render a Vega spec to an SVG string. Ids inside the SVG (clip paths, gradients) are made unique per
 * call, because several SVGs share one HTML page; line marks' descriptions become <title> tooltips.
 * Throws: vega's error for an invalid spec (a bug).
 */
export async function renderSvg(spec: Spec): Promise<string> {
  const vega = await load();
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const prefix = `s${++svgCount}-`;
    return svg
      .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}${id}"`)
      .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}${id})`)
      .replace(/(<path [^>]*?aria-label="([^"]*)"[^>]*?aria-roledescription="line mark"[^>]*?)\/>/g, (_, open: string, label: string) => `${open}><title>${label}</title></path>`);
  } finally {
    view.finalize();
  }
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const INK_DARK = '#1f2328';
const INK_MUTED = '#59636e';

/** Fonts and colours of every chart: GitHub-like greys, the system UI font. */
const CONFIG = {
  axis: {
    labelColor: INK_MUTED,
    titleColor: INK_DARK,
    gridColor: '#eaeef2',
    titleFontWeight: 500,
    labelFontSize: 11,
    titleFontSize: 12,
    labelFont: FONT,
    titleFont: FONT,
  },
  legend: {
    labelColor: INK_DARK,
    titleColor: INK_DARK,
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 500,
    labelLimit: 320,
    labelFont: FONT,
    titleFont: FONT,
  },
  title: { fontSize: 14, fontWeight: 600, anchor: 'start', color: INK_DARK, font: FONT },
  text: { font: FONT },
  style: { cell: { stroke: '#d1d9e0' } },
} as const;

/** The frame shared by every chart: white background, a thin border around the plotting area. */
export function frame(width: number, height: number, title?: string | { text: string; subtitle?: string }): Partial<Spec> {
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    background: 'white',
    padding: 5,
    width,
    height,
    ...(title ? { title: typeof title === 'string' ? { text: title, anchor: 'start' } : { ...title, anchor: 'start' } } : {}),
    style: 'cell',
    config: CONFIG as unknown as Spec['config'],
  };
}

/** Downsample a series to at most `max` points (first and last kept, even stride between). */
export function downsample<T>(points: T[], max: number): T[] {
  if (points.length <= max || max < 2) return points;
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]);
  return out;
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
