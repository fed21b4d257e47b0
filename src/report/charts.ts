/**
 * The report's charts: Vega-Lite specifications compiled with vega-lite and rendered to SVG strings by vega
 * in Node (headless view, no canvas, no browser). The SVGs are static, self-contained markup for inlining.
 * vega and vega-lite are imported on first use, so commands that draw nothing do not pay for loading them.
 */
import type { TopLevelSpec } from 'vega-lite';

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

let engine: Promise<{ vega: typeof import('vega'); vl: typeof import('vega-lite') }> | undefined;

function load() {
  engine ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl }));
  return engine;
}

/**
 * Start loading the chart libraries now (about half a second of module loading), so that the report written
 * at the end of a sweep does not wait for them. Called while trainings run; errors surface at render time.
 */
export function warmChartEngine(): void {
  load().catch(() => undefined);
}

let svgCount = 0;

/**
 * Render a Vega-Lite spec to an SVG string. Ids inside the SVG (clip paths, gradients) are made unique per
 * call, because several SVGs share one HTML page; line marks' descriptions become <title> tooltips.
 * Throws: vega's error for an invalid spec (a bug).
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, vl } = await load();
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
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

const CONFIG = {
  font: FONT,
  view: { stroke: '#d1d9e0' },
  axis: { labelColor: '#59636e', titleColor: '#1f2328', gridColor: '#eaeef2', titleFontWeight: 500 as const, labelFontSize: 11, titleFontSize: 12 },
  legend: { labelColor: '#1f2328', titleColor: '#1f2328', labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500 as const, labelLimit: 320 },
  title: { fontSize: 14, fontWeight: 600 as const, anchor: 'start' as const, color: '#1f2328' },
};

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

/** A loss-curve chart: one line per run, iterations on x, loss on y (linear or log). */
export function curveSpec(data: CurveDatum[], o: CurveChartOptions): TopLevelSpec {
  const color =
    o.colorBy === 'run'
      ? {
          field: 'label',
          type: 'nominal' as const,
          title: 'run',
          sort: o.runOrder,
          scale: { domain: o.runOrder, scheme: o.runOrder.length <= 10 ? 'tableau10' : 'category20' },
          legend: o.legend ? { orient: 'right' as const, symbolType: 'stroke', symbolStrokeWidth: 2.5 } : null,
        }
      : {
          field: 'score',
          type: 'quantitative' as const,
          title: o.scoreTitle,
          scale: { scheme: 'viridis', reverse: o.higherIsBetter, ...(o.scoreDomain ? { domain: o.scoreDomain } : {}) },
          legend: o.legend ? { orient: 'right' as const, gradientLength: 200 } : null,
        };
  return {
    title: o.title,
    width: 420,
    height: 260,
    data: { values: data as unknown as Record<string, unknown>[] },
    mark: { type: 'line', strokeWidth: 1.6, clip: true, interpolate: 'linear' },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'iteration (updates)', axis: { grid: true, tickCount: 6 } },
      y: {
        field: 'loss',
        type: 'quantitative',
        title: o.log ? 'loss (log scale)' : 'loss',
        scale: o.log ? { type: 'log', domain: o.domain } : { type: 'linear', domain: o.domain, zero: false },
        axis: { grid: true },
      },
      color,
      detail: { field: 'run', type: 'nominal' },
      description: { field: 'label', type: 'nominal' },
      order: { field: 'iteration', type: 'quantitative' },
    },
    config: CONFIG,
  };
}

// Text colour from each datum's `ink` (a colour field without a scale would clash with the rect layer's colour scale).
const INK = { condition: { test: "datum.ink === 'white'", value: 'white' }, value: 'black' } as const;

/** One cell of a heatmap. */
export interface HeatDatum {
  row: string;
  col: string;
  value: number | null;
  text: string;
  n: number;
}

/** A heatmap of a metric over two grid axes, with the value written in each cell. */
export function heatmapSpec(data: HeatDatum[], o: { rowTitle: string; colTitle: string; rowOrder: string[]; colOrder: string[]; metricTitle: string; higherIsBetter: boolean; domain: [number, number] }): TopLevelSpec {
  const cell = Math.max(44, Math.min(90, Math.floor(560 / Math.max(1, o.colOrder.length))));
  const lo = o.domain[0];
  const span = o.domain[1] - o.domain[0] || 1;
  const values = data.map((d) => {
    // viridis is dark at one end: white text there, black elsewhere.
    const t = d.value === null ? 0.5 : (d.value - lo) / span;
    const dark = o.higherIsBetter ? t > 0.55 : t < 0.45;
    return { ...d, ink: d.value !== null && dark ? 'white' : 'black' };
  });
  return {
    width: cell * o.colOrder.length,
    height: Math.max(28, Math.min(60, cell * 0.7)) * o.rowOrder.length,
    data: { values },
    encoding: {
      x: { field: 'col', type: 'ordinal', sort: o.colOrder, title: o.colTitle, axis: { labelAngle: 0 } },
      y: { field: 'row', type: 'ordinal', sort: o.rowOrder, title: o.rowTitle },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: o.metricTitle,
            scale: { scheme: 'viridis', reverse: o.higherIsBetter, domain: o.domain },
            legend: { orient: 'right', gradientLength: 160 },
          },
          description: { field: 'text', type: 'nominal' },
        },
      },
      { mark: { type: 'text', fontSize: 12 }, encoding: { text: { field: 'text', type: 'nominal' }, color: INK } },
    ],
    config: CONFIG,
  };
}

/** A 2 x 2 confusion matrix: actual class in rows, predicted in columns, counts in the cells. */
export function confusionSpec(title: string, c: { tn: number; fp: number; fn: number; tp: number }): TopLevelSpec {
  const max = Math.max(1, c.tn, c.fp, c.fn, c.tp);
  const cells = [
    { actual: 'negative', predicted: 'negative', count: c.tn, name: 'TN' },
    { actual: 'negative', predicted: 'positive', count: c.fp, name: 'FP' },
    { actual: 'positive', predicted: 'negative', count: c.fn, name: 'FN' },
    { actual: 'positive', predicted: 'positive', count: c.tp, name: 'TP' },
  ].map((d) => ({ ...d, text: `${d.name} ${d.count}`, ink: d.count / max > 0.5 ? 'white' : 'black' }));
  return {
    title,
    width: 150,
    height: 150,
    data: { values: cells },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: ['negative', 'positive'], title: 'predicted', axis: { labelAngle: 0, orient: 'top' } },
      y: { field: 'actual', type: 'ordinal', sort: ['negative', 'positive'], title: 'actual' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
        encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues', domain: [0, max] }, legend: null } },
      },
      { mark: { type: 'text', fontSize: 13, fontWeight: 600 }, encoding: { text: { field: 'text', type: 'nominal' }, color: INK } },
    ],
    config: CONFIG,
  };
}
