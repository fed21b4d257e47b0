/**
 * The search charts shared by report.html and `dlsweep ui`, for sweeps whose runs belong to a search:
 * the objective (the sweep's; by default the validation loss) of each trial with the best-so-far line, the rung plot of successive
 * halving and Hyperband, and parallel coordinates of the searched parameters. Pure Vega specifications
 * (see frame.ts).
 */
import type { Spec } from 'vega';
import type { ParamValue } from '../../../experiment/types.js';
import { FONT } from './frame.js';

/** The objective the charts plot: a flat metric name and its better direction (sweep/objective.ts's ObjectiveKey). */
export interface ChartObjective {
  metric: string;
  goal: 'maximize' | 'minimize';
}

/** A search's default objective: the validation loss, minimized. */
export const OBJECTIVE: ChartObjective = { metric: 'validation.loss', goal: 'minimize' };

/** Log scale for losses (positive, spanning decades); a linear one for metrics that may be 0. */
function scaleOf(key: ChartObjective): 'log' | 'linear' {
  return key.metric.endsWith('.loss') ? 'log' : 'linear';
}

/** `validation.loss` -> `validation loss`. */
function words(metric: string): string {
  return metric.replace(/[._]/g, ' ');
}

function axisTitle(key: ChartObjective): string {
  return `${words(key.metric)}${scaleOf(key) === 'log' ? ' (log scale)' : ''}`;
}
const CONFIG = {
  axis: { labelColor: '#59636e', titleColor: '#1f2328', gridColor: '#eaeef2', labelFontSize: 11, titleFontSize: 12, labelFont: FONT, titleFont: FONT },
  legend: { labelColor: '#1f2328', titleColor: '#1f2328', labelFontSize: 11, titleFontSize: 12, labelFont: FONT, titleFont: FONT },
  title: { color: '#1f2328', fontSize: 13, font: FONT, fontWeight: 600, anchor: 'start', subtitleColor: '#59636e', subtitleFontSize: 11, subtitleFont: FONT },
  view: { stroke: null },
};

function frame(width: number, height: number, title: string, subtitle?: string) {
  return { $schema: 'https://vega.github.io/schema/vega/v5.json', width, height, padding: 8, autosize: { type: 'pad' }, title: { text: title, ...(subtitle ? { subtitle } : {}) }, config: CONFIG } as const;
}

/** One trial: its runs by rung, the value at its furthest rung, its parameters. */
export interface TrialRuns {
  trial: number;
  runs: { rung: number; iterations: number; value: number | null }[];
  final: number | null;
  params: Record<string, ParamValue>;
  /** How the tables write each parameter (`{kind: cosine}` as the experiment spells it): the axes' labels of values other than numbers. */
  texts?: Record<string, string>;
}

/** Objective of each trial at its furthest rung, coloured by that rung, with the best-so-far line over every run (any rung). */
export function objectiveSpec(trials: TrialRuns[], key: ChartObjective = OBJECTIVE): Spec {
  const points = trials.filter((t) => t.final !== null).map((t) => ({ trial: t.trial, value: t.final!, rung: `${t.runs[t.runs.length - 1].iterations}` }));
  const best: { trial: number; value: number }[] = [];
  const min = key.goal === 'minimize';
  let b = min ? Infinity : -Infinity;
  // The best run so far at any rung (the search's best is the objective's best run, whatever its rung).
  for (const t of trials) {
    for (const r of t.runs) if (r.value !== null) b = min ? Math.min(b, r.value) : Math.max(b, r.value);
    if (Number.isFinite(b)) best.push({ trial: t.trial, value: b });
  }
  const rungOrder = [...new Set(points.map((p) => Number(p.rung)))].sort((x, y) => x - y).map(String);
  return {
    ...frame(420, 240, 'Objective by trial (at the furthest rung reached)'),
    data: [
      { name: 'points', values: points },
      { name: 'best', values: best },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: { data: 'points', field: 'trial' }, range: 'width', nice: true, zero: true },
      { name: 'y', type: scaleOf(key), domain: { data: 'points', field: 'value' }, range: 'height', nice: true, zero: false },
      { name: 'color', type: 'ordinal', domain: rungOrder, range: { scheme: 'viridis' } },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', title: 'trial (draw order)', tickMinStep: 1 },
      { scale: 'y', orient: 'left', title: axisTitle(key), grid: true },
    ],
    legends: [{ fill: 'color', title: 'updates', orient: 'right' }],
    marks: [
      { type: 'line', from: { data: 'best' }, encode: { update: { x: { scale: 'x', field: 'trial' }, y: { scale: 'y', field: 'value' }, stroke: { value: '#cf222e' }, strokeWidth: { value: 1.5 }, interpolate: { value: 'step-after' } } } },
      { type: 'symbol', from: { data: 'points' }, encode: { update: { x: { scale: 'x', field: 'trial' }, y: { scale: 'y', field: 'value' }, fill: { scale: 'color', field: 'rung' }, size: { value: 28 }, opacity: { value: 0.85 } } } },
    ],
  } as unknown as Spec;
}

/** The objective at each rung (x: updates, log scale), a line per trial joining the rungs it was promoted to. */
export function rungSpec(trials: TrialRuns[], key: ChartObjective = OBJECTIVE): Spec {
  const values = trials.flatMap((t) => t.runs.filter((r) => r.value !== null).map((r) => ({ trial: `${t.trial}`, iterations: r.iterations, value: r.value!, promoted: t.runs.length > 1 })));
  return {
    ...frame(420, 240, 'Rungs: objective at each rung, promoted configurations joined'),
    data: [{ name: 'runs', values }],
    scales: [
      { name: 'x', type: 'log', domain: { data: 'runs', field: 'iterations' }, range: 'width', nice: false },
      { name: 'y', type: scaleOf(key), domain: { data: 'runs', field: 'value' }, range: 'height', nice: true, zero: false },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', title: 'updates (log scale)', values: [...new Set(values.map((v) => v.iterations))].sort((a, b) => a - b) },
      { scale: 'y', orient: 'left', title: axisTitle(key), grid: true },
    ],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'trial', data: 'runs', groupby: ['trial'] } },
        marks: [{ type: 'line', from: { data: 'trial' }, encode: { update: { x: { scale: 'x', field: 'iterations' }, y: { scale: 'y', field: 'value' }, stroke: { value: '#0969da' }, strokeOpacity: { value: 0.55 }, strokeWidth: { value: 1.2 } } } }],
      },
      { type: 'symbol', from: { data: 'runs' }, encode: { update: { x: { scale: 'x', field: 'iterations' }, y: { scale: 'y', field: 'value' }, fill: { signal: "datum.promoted ? '#0969da' : '#8c959f'" }, size: { value: 20 } } } },
    ],
  } as unknown as Spec;
}

/**
 * A value for an axis label: numbers as the tables write drawn values (4 significant digits, integers whole), other
 * values as the tables write a choice (`adam`, `[8, 4]`: report/format.ts formatParam).
 */
function label(v: ParamValue): string {
  if (typeof v === 'string') return v;
  if (typeof v !== 'number') return JSON.stringify(v).replace(/,/g, ', ');
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** A value's key for finding it among choices: JSON with an object's keys sorted, so that key order does not matter. */
function valueKey(v: ParamValue): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
}

/** Most colours of the parallel coordinates: quintiles of the trials' objective. */
const COLOUR_CLASSES = 5;

/**
 * Parallel coordinates: one vertical axis per searched parameter (numbers on a linear scale, or a log scale
 * when positive and spanning more than a factor 100; other values as evenly spaced categories, labelled as
 * the tables write them, the first at the top: in `choiceOrders`' order, the file's, else in value order) and the
 * objective last (a loss on a log scale, as the other search charts); one line
 * per trial, coloured by the quintile of its objective among the trials (dark = low values), so that trials
 * close to the best still get distinct colours when a few poor ones stretch the range.
 */
export function parallelSpec(trials: TrialRuns[], names: string[], key: ChartObjective = OBJECTIVE, choiceOrders: Record<string, ParamValue[]> = {}): Spec {
  const done = trials.filter((t) => t.final !== null);
  const objectiveDim = key.metric;
  const dims = [...names, objectiveDim];
  const width = Math.max(300, 150 * dims.length);
  // The point scale's step (padding 0.3 at each end): a label to the right of its axis stops short of the next one.
  const step = width / Math.max(1, dims.length - 1 + 0.6);
  const position = new Map<string, (v: ParamValue) => number>();
  // The axes on a log scale, named in the subtitle (in a title or a label they would crowd their neighbours).
  const logs: string[] = [];
  const ticks: { dim: string; y: number; text: string }[] = [];
  for (const d of dims) {
    const vals = done.map((t) => (d === objectiveDim ? t.final! : t.params[d]));
    if (vals.every((v) => typeof v === 'number')) {
      const nums = vals as number[];
      const lo = Math.min(...nums);
      const hi = Math.max(...nums);
      const log = lo > 0 && (hi / lo > 100 || (d === objectiveDim && scaleOf(key) === 'log' && hi > lo));
      const f = (x: number) => (log ? Math.log(x) : x);
      const span = f(hi) - f(lo) || 1;
      position.set(d, (v) => (f(v as number) - f(lo)) / span);
      if (log) logs.push(d === objectiveDim ? words(d) : d);
      ticks.push({ dim: d, y: 0, text: label(lo) }, { dim: d, y: 1, text: label(hi) });
    } else {
      // The file's order when known; else numbers within a spelling compared as numbers ([5] before [15]), as
      // compare orders them. Values the file's order does not list (none, unless the file changed) come after it.
      const listed = (choiceOrders[d] ?? []).map(valueKey);
      const place = (c: string) => (listed.includes(c) ? listed.indexOf(c) : listed.length);
      const cats = [...new Set(vals.map((v) => valueKey(v)))].sort((a, b) => place(a) - place(b) || a.localeCompare(b, 'en', { numeric: true }));
      const text = new Map<string, string>();
      for (const t of done) text.set(valueKey(t.params[d]), t.texts?.[d] ?? label(t.params[d]));
      // The first choice at the top (y 1), as a list reads, on every axis of choices alike.
      const y = (i: number) => (cats.length === 1 ? 0.5 : 1 - i / (cats.length - 1));
      position.set(d, (v) => y(cats.indexOf(valueKey(v))));
      cats.forEach((c, i) => ticks.push({ dim: d, y: y(i), text: text.get(c)! }));
    }
  }
  const lines = done.flatMap((t) => dims.map((d) => ({ trial: `${t.trial}`, dim: d, y: position.get(d)!(d === objectiveDim ? t.final! : t.params[d]), score: t.final! })));
  const classes = Math.max(1, Math.min(COLOUR_CLASSES, new Set(done.map((t) => t.final)).size));
  const share = classes === COLOUR_CLASSES ? 'a fifth' : `1/${classes}`;
  return {
    ...frame(
      width,
      240,
      'Parameters of each trial, coloured by the objective',
      [logs.length ? `log scale: ${logs.join(', ')}` : '', classes > 1 ? `colour: the objective's rank among the trials, ${share} of them in each colour (dark = low)` : ''].filter(Boolean).join('; ') || undefined,
    ),
    data: [
      { name: 'lines', values: lines },
      { name: 'ticks', values: ticks },
      { name: 'dims', values: dims.map((d) => ({ dim: d })) },
    ],
    scales: [
      { name: 'x', type: 'point', domain: dims, range: 'width', padding: 0.3 },
      { name: 'y', type: 'linear', domain: [0, 1], range: 'height' },
      { name: 'color', type: 'quantile', domain: { data: 'lines', field: 'score' }, range: { scheme: 'viridis', count: classes } },
    ],
    // Titles above the top values' labels, the objective's in words.
    axes: [
      {
        scale: 'x',
        orient: 'top',
        domain: false,
        ticks: false,
        labelFontWeight: 600,
        offset: 10,
        labelLimit: step - 6,
        encode: { labels: { update: { text: { signal: `datum.value === ${JSON.stringify(objectiveDim)} ? ${JSON.stringify(words(objectiveDim))} : datum.value` } } } },
      },
    ],
    legends: [
      {
        stroke: 'color',
        type: 'symbol',
        title: classes > 1 ? [words(key.metric), classes === COLOUR_CLASSES ? 'by quintile' : `in ${classes} groups`] : words(key.metric),
        orient: 'right',
        symbolType: 'stroke',
        symbolStrokeWidth: 2.5,
        format: '.4~g',
      },
    ],
    marks: [
      { type: 'rule', from: { data: 'dims' }, encode: { update: { x: { scale: 'x', field: 'dim' }, y: { value: 0 }, y2: { signal: 'height' }, stroke: { value: '#8c959f' } } } },
      {
        type: 'group',
        from: { facet: { name: 'trial', data: 'lines', groupby: ['trial'] } },
        marks: [{ type: 'line', from: { data: 'trial' }, encode: { update: { x: { scale: 'x', field: 'dim' }, y: { scale: 'y', field: 'y' }, stroke: { scale: 'color', field: 'score' }, strokeOpacity: { value: 0.7 }, strokeWidth: { value: 1.2 } } } }],
      },
      { type: 'text', from: { data: 'ticks' }, encode: { update: { x: { scale: 'x', field: 'dim', offset: 4 }, y: { scale: 'y', field: 'y' }, text: { field: 'text' }, fontSize: { value: 10 }, fill: { value: '#59636e' }, baseline: { value: 'middle' }, limit: { value: step - 8 } } } },
    ],
  } as unknown as Spec;
}
