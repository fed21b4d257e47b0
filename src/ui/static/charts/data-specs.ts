/**
 * Charts of a dataset shared by `dlsweep data describe --html` and report.html: each scaled feature's
 * histogram by class (the study's bar and histogram plots), and the class balance of each split. Pure Vega
 * specifications (see frame.ts).
 */
import type { Spec } from 'vega';
import { frame } from './frame.js';

/** One bar of a feature's histogram (the shape of HistogramBin in src/datasets/describe.ts). */
export interface Bin {
  lo: number;
  hi: number;
  negative: number;
  positive: number;
}

/** Colours of the two classes (colour-blind safe: tableau's blue and orange). */
const CLASS_COLORS = ['#4e79a7', '#f28e2b'];

/**
 * A histogram of one feature, the two classes side by side in each bin (grouped bars), counts on y.
 * `kind` values: one bar per distinct value, labelled by it; bins: labelled by their range.
 * `classes`: the legend's names of the negative and positive class. Throws: nothing.
 */
export function histogramSpec(name: string, kind: 'values' | 'bins', bins: readonly Bin[], classes: [string, string]): Spec {
  const label = (b: Bin) => (kind === 'values' ? `${+b.lo.toPrecision(3)}` : `${+b.lo.toPrecision(3)}–${+b.hi.toPrecision(3)}`);
  const values = bins.flatMap((b, i) => [
    { bin: i, label: label(b), cls: classes[0], count: b.negative },
    { bin: i, label: label(b), cls: classes[1], count: b.positive },
  ]);
  const order = bins.map(label);
  return {
    ...frame(Math.max(180, Math.min(420, order.length * 24)), 150, { text: name, subtitle: 'scaled, training rows' }),
    data: [{ name: 'bins', values }],
    scales: [
      { name: 'x', type: 'band', domain: order, range: [0, { signal: 'width' }], paddingInner: 0.15, paddingOuter: 0.05 },
      { name: 'y', type: 'linear', domain: { data: 'bins', field: 'count' }, range: [{ signal: 'height' }, 0], nice: true, zero: true },
      { name: 'color', type: 'ordinal', domain: classes, range: CLASS_COLORS },
      { name: 'side', type: 'band', domain: classes, range: [0, { signal: "bandwidth('x')" }], padding: 0.05 },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', labelAngle: kind === 'values' ? 0 : -45, labelAlign: kind === 'values' ? 'center' : 'right', labelOverlap: true },
      { scale: 'y', orient: 'left', title: 'rows', tickCount: 4, grid: true },
    ],
    legends: [{ fill: 'color', orient: 'top-right', direction: 'vertical' }],
    marks: [
      {
        type: 'rect',
        from: { data: 'bins' },
        encode: {
          update: {
            x: { signal: "scale('x', datum.label) + scale('side', datum.cls)" },
            width: { scale: 'side', band: 1 },
            y: { scale: 'y', field: 'count' },
            y2: { scale: 'y', value: 0 },
            fill: { scale: 'color', field: 'cls' },
            description: { signal: "datum.cls + ' ' + datum.label + ': ' + datum.count" },
          },
        },
      },
    ],
  } as Spec;
}

/** Class balance: per split, the rows of each class as stacked horizontal bars. Throws: nothing. */
export function classBalanceSpec(splits: readonly { name: string; positives: number; negatives: number }[], classes: [string, string]): Spec {
  const values = splits.flatMap((s) => [
    { split: s.name, cls: classes[0], count: s.negatives, start: 0, end: s.negatives },
    { split: s.name, cls: classes[1], count: s.positives, start: s.negatives, end: s.negatives + s.positives },
  ]);
  return {
    ...frame(360, Math.max(40, 28 * splits.length), 'class balance'),
    data: [{ name: 'balance', values }],
    scales: [
      { name: 'y', type: 'band', domain: splits.map((s) => s.name), range: [0, { signal: 'height' }], padding: 0.2 },
      { name: 'x', type: 'linear', domain: { data: 'balance', field: 'end' }, range: [0, { signal: 'width' }], nice: true, zero: true },
      { name: 'color', type: 'ordinal', domain: classes, range: CLASS_COLORS },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', title: 'rows', tickCount: 5 },
      { scale: 'y', orient: 'left' },
    ],
    legends: [{ fill: 'color', orient: 'right', title: 'class' }],
    marks: [
      {
        type: 'rect',
        from: { data: 'balance' },
        encode: {
          update: {
            y: { scale: 'y', field: 'split' },
            height: { scale: 'y', band: 1 },
            x: { scale: 'x', field: 'start' },
            x2: { scale: 'x', field: 'end' },
            fill: { scale: 'color', field: 'cls' },
            description: { signal: "datum.split + ' ' + datum.cls + ': ' + datum.count" },
          },
        },
      },
    ],
  } as Spec;
}
