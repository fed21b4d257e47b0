import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdCurve } from '../../src/store/predictions.js';
import { prSpec, rocSpec, thresholdMetrics, thresholdSpec } from '../../src/ui/static/charts/threshold-specs.js';
import { renderSvg } from '../../src/report/charts.js';

// Five validation rows: p = 0.9 (positive), 0.8 (negative), 0.6 (positive), 0.3 (negative), 0.2 (positive).
const prob = [0.9, 0.8, 0.6, 0.3, 0.2];
const label = [1, 0, 1, 0, 1];

test('thresholdMetrics: accuracy, recall, specificity and F1 at each threshold, counted by hand', () => {
  const rates = thresholdMetrics(thresholdCurve(prob, label));
  const at = (t: number) => Object.fromEntries(rates.filter((r) => r.threshold === t).map((r) => [r.metric, r.value]));
  const close = (got: Record<string, number>, want: Record<string, number>) => {
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
    for (const k of Object.keys(want)) assert.ok(Math.abs(got[k] - want[k]) < 1e-12, `${k}: ${got[k]} vs ${want[k]}`);
  };
  // p > 0: everything positive: TP 3, FP 2.
  close(at(0), { accuracy: 3 / 5, recall: 1, specificity: 0, f1: 0.75 });
  // p > 0.3: TP 2 (0.9, 0.6), FP 1 (0.8), TN 1, FN 1.
  close(at(0.3), { accuracy: 3 / 5, recall: 2 / 3, specificity: 1 / 2, f1: 2 / 3 });
  // p > 0.8: TP 1, FP 0, TN 2, FN 2: precision 1, recall 1/3.
  close(at(0.8), { accuracy: 3 / 5, recall: 1 / 3, specificity: 1, f1: 0.5 });
  // p > 0.9: nothing positive: precision undefined, so F1 is left out; the same counts hold up to 1.
  close(at(0.9), { accuracy: 2 / 5, recall: 0, specificity: 1 });
  close(at(1), { accuracy: 2 / 5, recall: 0, specificity: 1 });
  const thresholds = [...new Set(rates.map((r) => r.threshold))];
  assert.deepEqual(thresholds, [0, 0.2, 0.3, 0.6, 0.8, 0.9, 1]);
});

test('ROC, PR and threshold specs draw one line per series and a rule per grid threshold', async () => {
  const a = { label: 'a (best)', points: thresholdCurve(prob, label) };
  const b = { label: 'b', points: thresholdCurve([0.1, 0.9, 0.5, 0.4, 0.7], label) };
  const lines = (svg: string) => (svg.match(/aria-roledescription="line mark"/g) ?? []).length;
  assert.equal(lines(await renderSvg(rocSpec([a, b]))), 2);
  assert.equal(lines(await renderSvg(prSpec([a, b], 3 / 5))), 2);
  const svg = await renderSvg(thresholdSpec(thresholdMetrics(a.points), { title: 't', gridThresholds: [0.3, 0.5, 0.7], runThreshold: 0.5 }));
  assert.equal(lines(svg), 4);
  assert.equal((svg.match(/aria-label="threshold /g) ?? []).length, 3);
});
