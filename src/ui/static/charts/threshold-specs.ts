/**
 * Threshold charts shared by report.html and `dlsweep ui`, drawn from a run's roc.csv points (one per
 * distinct predicted probability, see src/store/predictions.ts): the ROC curve, the precision-recall curve,
 * and accuracy, recall, specificity and F1 against the decision threshold with the grid's thresholds marked.
 * Pure Vega specifications and arithmetic (see frame.ts).
 */
import type { Spec } from 'vega';
// A type-only import: erased from the JavaScript the browser loads.
import type { CurvePointAt } from '../../../store/predictions.js';
import { frame } from './frame.js';

/** One roc.csv line: positive when p > threshold; rates null where their denominator is 0. */
export type RocPoint = CurvePointAt;

/** The curve of one run, as a legend names it. */
export interface RocSeries {
  /** Legend label, e.g. `0007-3fa2c1d0 (best), AUC 0.991`. */
  label: string;
  points: RocPoint[];
}

/** The four rates drawn against the threshold, in legend order. */
export const THRESHOLD_METRICS = ['accuracy', 'recall', 'specificity', 'f1'] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

/** A rate at one threshold. */
export interface ThresholdDatum {
  metric: ThresholdMetric;
  threshold: number;
  value: number;
}

/**
 * Accuracy, recall (sensitivity), specificity and F1 at every point of a curve, for thresholds in
 * ascending order, ending at threshold 1 with the counts of the highest point (nothing predicted positive
 * above the largest probability). Each value holds from its threshold up to the next one, since
 * `positive when p > t` gives the same counts for every t between two distinct probabilities.
 * Definitions as in src/train/metrics.ts: accuracy = (TP + TN) / n, recall = TP / (TP + FN),
 * specificity = TN / (TN + FP), F1 = 2PR / (P + R), undefined (left out) where a denominator is 0 or P = R = 0.
 * Shapes: points in roc.csv order (threshold descending). Throws: nothing.
 */
export function thresholdMetrics(points: readonly RocPoint[]): ThresholdDatum[] {
  const asc = [...points].sort((a, b) => a.threshold - b.threshold);
  if (asc.length && asc[asc.length - 1].threshold < 1) asc.push({ ...asc[asc.length - 1], threshold: 1 });
  const out: ThresholdDatum[] = [];
  for (const p of asc) {
    const n = p.tp + p.fp + p.tn + p.fn;
    const recall = p.tp + p.fn ? p.tp / (p.tp + p.fn) : null;
    const precision = p.tp + p.fp ? p.tp / (p.tp + p.fp) : null;
    const values: Record<ThresholdMetric, number | null> = {
      accuracy: n ? (p.tp + p.tn) / n : null,
      recall,
      specificity: p.tn + p.fp ? p.tn / (p.tn + p.fp) : null,
      f1: recall !== null && precision !== null && recall + precision > 0 ? (2 * precision * recall) / (precision + recall) : null,
    };
    for (const metric of THRESHOLD_METRICS) {
      const value = values[metric];
      if (value !== null) out.push({ metric, threshold: p.threshold, value });
    }
  }
  return out;
}

const SERIES_COLORS = { scheme: 'tableau10' };

function unitAxes(x: string, y: string) {
  return [
    { scale: 'x', orient: 'bottom', grid: true, title: x, tickCount: 5 },
    { scale: 'y', orient: 'left', grid: true, title: y, tickCount: 5 },
  ];
}

function unitScales(labels: string[]) {
  return [
    { name: 'x', type: 'linear', domain: [0, 1], range: 'width' },
    { name: 'y', type: 'linear', domain: [0, 1], range: 'height' },
    { name: 'color', type: 'ordinal', domain: labels, range: SERIES_COLORS },
  ];
}

/** One line per series over `data` (fields run, x, y), the best (first) series drawn last, on top. */
function seriesLines(interpolate: string) {
  return {
    type: 'group',
    from: { facet: { name: 'series', data: 'points', groupby: ['run', 'order'] } },
    sort: { field: 'datum.order', order: 'descending' },
    marks: [
      {
        type: 'line',
        from: { data: 'series' },
        encode: {
          update: {
            x: { scale: 'x', field: 'x' },
            y: { scale: 'y', field: 'y' },
            stroke: { scale: 'color', field: 'run' },
            strokeWidth: { value: 1.8 },
            interpolate: { value: interpolate },
            description: { field: 'run' },
          },
        },
      },
    ],
  };
}

function legend(title: string) {
  return [{ stroke: 'color', orient: 'bottom', direction: 'vertical', title, symbolType: 'stroke', symbolStrokeWidth: 2.5 }];
}

/**
 * The ROC curves (false positive rate on x, true positive rate on y) of some runs, best first, with the
 * chance diagonal. Points with an undefined rate (a split with one class only) are left out.
 */
export function rocSpec(series: RocSeries[], title = 'ROC curve (validation)'): Spec {
  const values = series.flatMap((s, order) => s.points.filter((p) => p.fpr !== null && p.tpr !== null).map((p) => ({ run: s.label, order, x: p.fpr, y: p.tpr })));
  return {
    ...frame(300, 300, title),
    data: [{ name: 'points', values }],
    scales: unitScales(series.map((s) => s.label)),
    axes: unitAxes('false positive rate (1 - specificity)', 'true positive rate (recall)'),
    legends: legend('run'),
    marks: [
      { type: 'rule', encode: { update: { x: { value: 0 }, y: { signal: 'height' }, x2: { signal: 'width' }, y2: { value: 0 }, stroke: { value: '#8c959f' }, strokeDash: { value: [4, 4] } } } },
      seriesLines('linear'),
    ],
  } as unknown as Spec;
}

/**
 * The precision-recall curves of some runs, best first: recall on x, precision on y, drawn as steps (a
 * straight line between PR points overstates precision: Davis & Goadrich 2006, "The relationship between
 * precision-recall and ROC curves", ICML). Points where precision is undefined (nothing predicted
 * positive) are left out; `prevalence` (positives / rows) draws the no-skill level.
 */
export function prSpec(series: RocSeries[], prevalence: number | null, title = 'Precision-recall curve (validation)'): Spec {
  const values = series.flatMap((s, order) =>
    s.points
      .filter((p) => p.tpr !== null && p.precision !== null)
      .map((p) => ({ run: s.label, order, x: p.tpr, y: p.precision }))
      .sort((a, b) => a.x! - b.x! || b.y! - a.y!),
  );
  const chance =
    prevalence === null
      ? []
      : [{ type: 'rule', encode: { update: { x: { value: 0 }, x2: { signal: 'width' }, y: { scale: 'y', value: prevalence }, stroke: { value: '#8c959f' }, strokeDash: { value: [4, 4] } } } }];
  return {
    ...frame(300, 300, title),
    data: [{ name: 'points', values }],
    scales: unitScales(series.map((s) => s.label)),
    axes: unitAxes('recall (true positive rate)', 'precision'),
    legends: legend('run'),
    marks: [...chance, seriesLines('step-before')],
  } as unknown as Spec;
}

/**
 * Accuracy, recall, specificity and F1 of one run against the decision threshold (validation rows), as
 * steps, with a dashed rule at each of the grid's thresholds and a solid one at the run's own.
 * `data` from thresholdMetrics.
 */
export function thresholdSpec(data: ThresholdDatum[], o: { title: string; gridThresholds: number[]; runThreshold?: number }): Spec {
  const marks = o.gridThresholds.map((t) => ({ threshold: t, own: t === o.runThreshold, text: `${t}` }));
  if (o.runThreshold !== undefined && !o.gridThresholds.includes(o.runThreshold)) marks.push({ threshold: o.runThreshold, own: true, text: `${o.runThreshold}` });
  return {
    ...frame(420, 260, o.title),
    data: [
      { name: 'rates', values: data },
      { name: 'marks', values: marks },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [0, 1], range: 'width' },
      { name: 'y', type: 'linear', domain: [0, 1], range: 'height' },
      { name: 'color', type: 'ordinal', domain: [...THRESHOLD_METRICS], range: { scheme: 'tableau10' } },
    ],
    axes: unitAxes('decision threshold (positive when p > threshold)', 'rate'),
    legends: [{ stroke: 'color', orient: 'right', title: 'metric', symbolType: 'stroke', symbolStrokeWidth: 2.5 }],
    marks: [
      {
        type: 'rule',
        from: { data: 'marks' },
        encode: {
          update: {
            x: { scale: 'x', field: 'threshold' },
            y: { value: 0 },
            y2: { signal: 'height' },
            stroke: { signal: "datum.own ? '#1f2328' : '#8c959f'" },
            strokeDash: { signal: 'datum.own ? [] : [4, 3]' },
            description: { signal: "'threshold ' + datum.text" },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'marks' },
        encode: { update: { x: { scale: 'x', field: 'threshold' }, y: { value: -4 }, text: { field: 'text' }, align: { value: 'center' }, fontSize: { value: 10 }, fill: { value: '#59636e' } } },
      },
      {
        type: 'group',
        from: { facet: { name: 'metric', data: 'rates', groupby: ['metric'] } },
        marks: [
          {
            type: 'line',
            from: { data: 'metric' },
            encode: {
              update: {
                x: { scale: 'x', field: 'threshold' },
                y: { scale: 'y', field: 'value' },
                stroke: { scale: 'color', field: 'metric' },
                strokeWidth: { value: 1.6 },
                interpolate: { value: 'step-after' },
                description: { field: 'metric' },
              },
            },
          },
        ],
      },
    ],
  } as unknown as Spec;
}
