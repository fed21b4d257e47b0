/**
 * Intervals and tests against values computed by hand or from published tables (never from the code under
 * test): Wilson score intervals, McNemar's exact test, the sample standard deviation, Student's t quantiles
 * and the DeLong standard error of a ROC AUC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mcnemarExact, meanStd, rocAucDeLong, studentTQuantile, tInterval, wilsonInterval } from '../../src/train/statistics.js';
import { aggregateFolds } from '../../src/sweep/assemble.js';
import { markTies, rowOf } from '../../src/report/rows.js';
import { groupsView, runsView } from '../../src/report/compare/index.js';
import { rocCsv, thresholdCurve } from '../../src/store/predictions.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { knownColumns, lookupColumn } from '../../src/report/columns.js';
import { resultsCsv } from '../../src/report/sweep-files.js';
import { metricsFrom, row } from './report-fixtures.js';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('Wilson intervals: 181/182, 182/182, 0/n and a textbook case', () => {
  // 181 of 182 and 182 of 182: the study's validation split (values as stated in the design of this feature).
  const a = wilsonInterval(181, 182)!;
  close(a.low, 0.96954, 5e-6, '181/182 low');
  close(a.high, 0.99903, 5e-6, '181/182 high');
  const b = wilsonInterval(182, 182)!;
  close(b.low, 0.97933, 5e-6, '182/182 low');
  assert.equal(b.high, 1);
  // 0 of n: [0, z²/(n + z²)] (the closed form at x = 0); n = 10: 3.8415 / 13.8415 = 0.27753.
  const c = wilsonInterval(0, 10)!;
  assert.equal(c.low, 0);
  close(c.high, 1.959963984540054 ** 2 / (10 + 1.959963984540054 ** 2), 1e-12, '0/10 high');
  close(c.high, 0.27753, 5e-6, '0/10 high (4 decimals)');
  // Newcombe 1998 (Statistics in Medicine 17, Table I, method 3): 81/263 -> [0.2553, 0.3662].
  const d = wilsonInterval(81, 263)!;
  close(d.low, 0.2553, 5e-5, '81/263 low');
  close(d.high, 0.3662, 5e-5, '81/263 high');
  // 15/148 -> [0.0624, 0.1605] (same table).
  const e = wilsonInterval(15, 148)!;
  close(e.low, 0.0624, 5e-5, '15/148 low');
  close(e.high, 0.1605, 5e-5, '15/148 high');
  assert.equal(wilsonInterval(0, 0), null);
  assert.throws(() => wilsonInterval(5, 4), /0 <= x <= n/);
});

test("McNemar's exact test: p-values of small tables computed by hand", () => {
  // p = min(1, 2 Σ_{i<=min(b,c)} C(b+c, i) / 2^(b+c))
  assert.equal(mcnemarExact(0, 5), 0.0625); // 2 · 1/32
  assert.equal(mcnemarExact(5, 0), 0.0625); // symmetric
  close(mcnemarExact(1, 4), 0.375, 1e-15, 'b=1,c=4'); // 2 · (1 + 5)/32
  close(mcnemarExact(0, 6), 0.03125, 1e-15, 'b=0,c=6'); // 2/64: the smallest all-one-way table below 0.05
  close(mcnemarExact(3, 10), (2 * (1 + 13 + 78 + 286)) / 8192, 1e-15, 'b=3,c=10'); // 0.0922852
  assert.equal(mcnemarExact(2, 2), 1); // 2 · (1 + 4 + 6)/16 > 1
  assert.equal(mcnemarExact(0, 0), 1); // no disagreement
  close(mcnemarExact(1, 1), 1, 0, 'b=1,c=1');
  assert.equal(mcnemarExact(700, 700), 1); // beyond 2^-1074: summed in log space, still capped at 1
  close(mcnemarExact(0, 1100), 0, 1e-300, 'b=0,c=1100');
});

test('sample standard deviation (n - 1) for k = 2 and more', () => {
  // Two values 0.9 and 1.0: mean 0.95, sample std |a - b| / √2 = 0.0707107 (the population std would be 0.05).
  const two = meanStd([0.9, 1.0]);
  close(two.mean!, 0.95, 1e-15, 'mean');
  close(two.std!, 0.1 / Math.SQRT2, 1e-15, 'std');
  assert.equal(two.n, 2);
  // 2, 4, 4, 4, 5, 5, 7, 9: sum of squares 32, sample variance 32/7.
  close(meanStd([2, 4, 4, 4, 5, 5, 7, 9]).std!, Math.sqrt(32 / 7), 1e-15, 'eight values');
  assert.deepEqual(meanStd([3]), { mean: 3, std: null, n: 1 });
  assert.deepEqual(meanStd([]), { mean: null, std: null, n: 0 });
});

test("Student's t quantiles match the published table; the t-interval of repeats", () => {
  // Two-sided 95% critical values, e.g. NIST/SEMATECH e-Handbook table 1.3.6.7.2.
  close(studentTQuantile(0.975, 1), 12.706, 5e-4, 'df 1');
  close(studentTQuantile(0.975, 2), 4.303, 5e-4, 'df 2');
  close(studentTQuantile(0.975, 4), 2.776, 5e-4, 'df 4');
  close(studentTQuantile(0.975, 9), 2.262, 5e-4, 'df 9');
  close(studentTQuantile(0.975, 100), 1.984, 5e-4, 'df 100');
  close(studentTQuantile(0.025, 9), -2.262, 5e-4, 'lower tail');
  // Two repeats 0.9 and 1.0: 0.95 ± 12.706 · 0.0707107 / √2 = 0.95 ± 0.63531.
  const t = tInterval([0.9, 1.0])!;
  close(t.low, 0.95 - 0.63531, 1e-4, 'low');
  close(t.high, 0.95 + 0.63531, 1e-4, 'high');
  assert.equal(tInterval([1]), null);
});

test('DeLong standard error of the ROC AUC on a case worked by hand', () => {
  // Positives 0.9, 0.4; negatives 0.5, 0.1. ψ: (0.9,0.5)=1 (0.9,0.1)=1 (0.4,0.5)=0 (0.4,0.1)=1.
  // V10 = [1, 0.5], V01 = [0.5, 1]; AUC = 0.75; s10² = s01² = 0.125; Var = 0.125/2 + 0.125/2 = 0.125.
  const r = rocAucDeLong([0.9, 0.5, 0.4, 0.1], [1, 0, 1, 0])!;
  assert.equal(r.auc, 0.75);
  close(r.se, Math.sqrt(0.125), 1e-15, 'se');
  assert.equal(r.high, 1); // 0.75 + 1.96 · 0.354 clipped
  close(r.low, 0.75 - 1.959963984540054 * Math.sqrt(0.125), 1e-15, 'low');
  // A tie between a positive and a negative counts 1/2: positives 0.7, 0.7; negatives 0.7, 0.2.
  // V10 = [0.75, 0.75], V01 = [0.5 (both tied), 1]: AUC 0.75, s10² = 0, s01² = 0.125, Var = 0.0625.
  const t = rocAucDeLong([0.7, 0.7, 0.7, 0.2], [1, 1, 0, 0])!;
  assert.equal(t.auc, 0.75);
  close(t.se, 0.25, 1e-15, 'se with ties');
  assert.equal(rocAucDeLong([0.9, 0.1], [1, 0]), null);
});

test('DeLong on many rows with ties, -0 and a non-finite value: the placements of the definition (psi over every pair)', () => {
  // Seeded rows; probabilities on a grid of tenths (many ties across and within classes), one -0 beside 0s.
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const cases: { p: number[]; y: number[] }[] = [];
  for (const rows of [7, 40, 301]) {
    const p = Array.from({ length: rows }, () => Math.round(next() * 10) / 10);
    const y = p.map((v) => (next() < 0.3 + 0.4 * v ? 1 : 0));
    p[0] = -0;
    cases.push({ p, y });
  }
  // A non-finite probability: psi by comparison still defines each placement.
  cases.push({ p: [0.9, Infinity, 0.3, 0.3, 0.1, Infinity], y: [1, 1, 0, 1, 0, 0] });
  for (const { p, y } of cases) {
    const pos = p.filter((_, i) => y[i] === 1);
    const neg = p.filter((_, i) => y[i] === 0);
    const psi = (a: number, b: number) => (a > b ? 1 : a === b ? 0.5 : 0);
    const v10 = pos.map((x) => neg.reduce((s, v) => s + psi(x, v), 0) / neg.length);
    const v01 = neg.map((v) => pos.reduce((s, x) => s + psi(x, v), 0) / pos.length);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const variance = (v: number[]) => v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1);
    const r = rocAucDeLong(p, y)!;
    // The placements are exact (sums of 0, 1/2 and 1 over a count): the AUC, their mean in row order, is the same number.
    assert.equal(r.auc, mean(v10), `auc over ${p.length} rows`);
    close(r.se, Math.sqrt(variance(v10) / pos.length + variance(v01) / neg.length), 1e-14, `se over ${p.length} rows`);
  }
});

test('k-fold with k = 2: sample std (n - 1) and n; a metric undefined in one fold comes from the pooled counts', () => {
  // Fold 1: tn 8, fp 0, fn 2, tp 0 (no positive prediction: precision undefined); fold 2: tn 6, fp 1, fn 1, tp 2.
  const f1 = metricsFrom({ tn: 8, fp: 0, fn: 2, tp: 0 }, 0.4);
  const f2 = metricsFrom({ tn: 6, fp: 1, fn: 1, tp: 2 }, 0.6);
  const { mean, std, n, pooled } = aggregateFolds([f1, f2]);
  // Accuracy 0.8 and 0.8: mean 0.8, std 0; loss 0.4 and 0.6: mean 0.5, sample std 0.2/√2 = 0.141421.
  close(mean.loss, 0.5, 1e-15, 'loss mean');
  close(std.loss!, 0.2 / Math.SQRT2, 1e-15, 'loss sample std');
  assert.equal(n.loss, 2);
  // Precision is undefined in fold 1: pooled counts tp 2, fp 1 give 2/3 (not n/a, not fold 2's alone).
  close(mean.precision!, 2 / 3, 1e-15, 'pooled precision');
  assert.equal(std.precision, null);
  assert.deepEqual(pooled, ['precision', 'f1']); // f1 too: fold 1 has no precision
  // Pooled f1 = 2tp / (2tp + fp + fn) = 4 / (4 + 1 + 3) = 0.5.
  close(mean.f1!, 0.5, 1e-15, 'pooled f1');
  // Recall is defined in both folds (0 and 2/3): a plain mean, std |a - b|/√2.
  close(mean.recall!, 1 / 3, 1e-15, 'recall mean');
  close(std.recall!, 2 / 3 / Math.SQRT2, 1e-15, 'recall std');
  assert.deepEqual(mean.confusion, { tn: 14, fp: 1, fn: 3, tp: 2 });
});

test('rows carry Wilson intervals of accuracy, precision, recall and specificity from the confusion counts', () => {
  // 181 of 182 correct: accuracy [0.96954, 0.99903]; tp 60, fp 1: precision 60/61; tn 121 of 121: specificity upper bound 1.
  const validation = metricsFrom({ tn: 121, fp: 1, fn: 0, tp: 60 }, 0.1);
  const run = { folder: '0001-abcdef01', dir: '/nowhere', params: { run_id: 'abcdef01', index: 0, folder: '0001-abcdef01', training_key: 'k', params: {}, spellings: {} }, metrics: { status: 'done' as const, run_id: 'abcdef01', iterations: 1, threshold: 0.5, train: validation, validation } };
  const r = rowOf('exp/sweep', run as any);
  close(r.metrics['validation.accuracy_ci_low']!, 0.96954, 5e-6, 'acc low');
  close(r.metrics['validation.accuracy_ci_high']!, 0.99903, 5e-6, 'acc high');
  assert.equal(r.metrics['validation.recall_ci_high'], 1); // 60 of 60
  const spec = wilsonInterval(121, 122)!;
  assert.equal(r.metrics['validation.specificity_ci_low'], spec.low);
  // Column names as users type them, and as results.csv spells them.
  const defs = knownColumns([r]);
  assert.equal(lookupColumn('validation_accuracy_ci_low', defs)?.key, 'validation.accuracy_ci_low');
  assert.equal(lookupColumn('val.acc_ci_high', defs)?.key, 'validation.accuracy_ci_high');
  const header = resultsCsv([r]).split('\n')[0].split(',');
  for (const c of ['validation_accuracy_ci_low', 'validation_accuracy_ci_high', 'validation_precision_ci_low', 'validation_specificity_ci_high', 'train_recall_ci_low', 'validation_accuracy_std', 'validation_accuracy_n', 'stopped_at']) {
    assert.ok(header.includes(c), c);
  }
});

/** A finished run read back with these validation predictions (labels and probabilities), at threshold 0.5. */
function storedRun(index: number, label: number[], probability: number[]) {
  const c = { tn: 0, fp: 0, fn: 0, tp: 0 };
  label.forEach((y, i) => {
    const pos = probability[i] > 0.5;
    if (y === 1) pos ? c.tp++ : c.fn++;
    else pos ? c.fp++ : c.tn++;
  });
  const m = metricsFrom(c, 0.3);
  const folder = `000${index}-0000000${index}`;
  return {
    folder,
    dir: '/nowhere',
    params: { run_id: `${index}`.repeat(8), index, folder, training_key: 'k', params: { seed: index }, spellings: {} },
    metrics: { status: 'done' as const, run_id: `${index}`.repeat(8), iterations: 1, threshold: 0.5, train: m, validation: m },
    predictions: { split: label.map(() => 'validation'), fold: label.map(() => 0), row: label.map((_, i) => i), label, probability },
  };
}

test('ties with the best: McNemar on a constructed validation set where runs disagree on known rows', () => {
  // 20 rows, labels alternate 1, 0. The best gets all 20 right.
  const label = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : 0));
  const right = label.map((y) => (y === 1 ? 0.9 : 0.1));
  const wrongOn = (rows: number[]) => right.map((p, i) => (rows.includes(i) ? 1 - p : p));
  const best = rowOf('e/s', storedRun(1, label, right) as any);
  const five = rowOf('e/s', storedRun(2, label, wrongOn([0, 3, 4, 9, 12])) as any); // b = 5, c = 0: p = 0.0625, tied
  const six = rowOf('e/s', storedRun(3, label, wrongOn([0, 1, 2, 3, 4, 5])) as any); // b = 6, c = 0: p = 0.03125, differs
  assert.equal(best.metrics['validation.accuracy'], 1);
  assert.equal(five.metrics['validation.accuracy'], 0.75);
  const rows = [best, five, six];
  assert.equal(markTies(rows, best), 2);
  assert.deepEqual(best.tie, { p: 1, tied: true });
  assert.deepEqual(five.tie, { p: 0.0625, tied: true });
  assert.deepEqual(six.tie, { p: 0.03125, tied: false });
  // The columns users see.
  const defs = knownColumns(rows);
  assert.deepEqual(rows.map((r) => lookupColumn('tied_with_best', defs)!.get(r)), [true, true, false]);
  const csv = parseCsv(resultsCsv(rows), { columns: true }) as Record<string, string>[];
  assert.deepEqual(csv.map((c) => [c.tied_with_best, c.mcnemar_p]), [['true', '1'], ['true', '0.0625'], ['false', '0.03125']]);
  // The table marks the tied run and counts it.
  const view = runsView('e/s', rows, { columns: '+tied_with_best' });
  assert.deepEqual(view.rows.map((r) => r.cells[0].text), ['*', '≈', '']);
  assert.ok(view.footnotes.some((f) => /1 run is statistically indistinguishable from the best/.test(f)), view.footnotes.join('\n'));
  // A run disagreeing both ways: best right / run wrong on rows 0, 2; run right / best wrong nowhere else → b = 2, c = 0.
  // McNemar pairs rows: a run with the same accuracy but different wrong rows is not the same as the best.
  const a = rowOf('e/s', storedRun(4, label, wrongOn([0, 2])) as any);
  const b = rowOf('e/s', storedRun(5, label, wrongOn([1, 3])) as any);
  markTies([a, b], a);
  close(b.tie!.p, 2 * (1 + 4 + 6) / 16 > 1 ? 1 : 2 * (1 + 4 + 6) / 16, 1e-15, 'b = 2, c = 2'); // p = 1
});

test('ROC and precision-recall points: counts at each distinct threshold, positive when p > t', () => {
  // Probabilities 0.9 (pos), 0.8 (neg), 0.8 (pos), 0.3 (neg), 0.1 (pos).
  const pts = thresholdCurve([0.9, 0.8, 0.8, 0.3, 0.1], [1, 0, 1, 0, 1]);
  assert.deepEqual(pts.map((p) => [p.threshold, p.tp, p.fp]), [[0.9, 0, 0], [0.8, 1, 0], [0.3, 2, 1], [0.1, 2, 2], [0, 3, 2]]);
  assert.deepEqual(pts.map((p) => p.precision), [null, 1, 2 / 3, 0.5, 0.6]);
  assert.deepEqual(pts.map((p) => [p.tpr, p.fpr]), [[0, 0], [1 / 3, 0], [2 / 3, 0.5], [2 / 3, 1], [1, 1]]);
});

test('ROC points on random probabilities with ties, zeros and labels other than 1: the counts of the definition at every distinct threshold; roc.csv lines alike', () => {
  let seed = 12345;
  const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let sample = 0; sample < 300; sample++) {
    const n = 1 + Math.floor(next() * 60);
    const prob: number[] = [];
    const label: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = next();
      prob.push(r < 0.15 ? [0, 1, 0.5, -0, 0.25][Math.floor(next() * 5)] : r < 0.3 ? Math.round(next() * 10) / 10 : next());
      label.push(next() < 0.4 ? 1 : next() < 0.9 ? 0 : 2);
    }
    // The definition, by counting: each distinct probability above 0 (descending), then 0; positive when p > t.
    const thresholds = [...new Set(prob.filter((p) => p > 0))].sort((a, b) => b - a).concat([0]);
    const expected = thresholds.map((t) => {
      let tp = 0;
      let fp = 0;
      prob.forEach((p, i) => {
        if (p > t) label[i] === 1 ? tp++ : fp++;
      });
      return [t, tp, fp];
    });
    const got = thresholdCurve(prob, label);
    assert.deepEqual(got.map((c) => [c.threshold, c.tp, c.fp]), expected, `sample ${sample}`);
    const P = label.filter((y) => y === 1).length;
    for (const c of got) {
      assert.equal(c.fn, P - c.tp);
      assert.equal(c.tn, n - P - c.fp);
    }
    const lines = rocCsv({ split: prob.map(() => 'validation'), fold: prob.map(() => 0), row: prob.map((_, i) => i), label, probability: prob }).split('\n');
    assert.equal(lines[0], 'split,threshold,tp,fp,tn,fn,tpr,fpr,precision');
    assert.deepEqual(lines.slice(1, -1), got.map((c) => ['validation', c.threshold, c.tp, c.fp, c.tn, c.fn, c.tpr ?? '', c.fpr ?? '', c.precision ?? ''].join(',')));
  }
});

test('--group-by over repeats: mean, sample std, n and the 95% t-interval of the mean', () => {
  // Two seeds with validation accuracy 0.9 and 1.0: mean 0.95, sample std 0.070711, t(0.975, 1) = 12.706:
  // 0.95 ± 12.706 · 0.070711 / √2 = 0.95 ± 0.63531.
  const rows = [row(1, { learning_rate: 0.1, seed: 1 }, { 'validation.accuracy': 0.9, 'validation.loss': 0.2 }), row(2, { learning_rate: 0.1, seed: 2 }, { 'validation.accuracy': 1.0, 'validation.loss': 0.1 })];
  const view = groupsView('e/s', rows, { groupBy: ['learning_rate'], columns: 'validation.accuracy' });
  const col = view.columns.findIndex((c) => c.key === 'validation.accuracy');
  const v = view.rows[0].cells[col].value as { mean: number; std: number; n: number; t_low: number; t_high: number };
  close(v.mean, 0.95, 1e-15, 'mean');
  close(v.std, 0.1 / Math.SQRT2, 1e-15, 'std');
  assert.equal(v.n, 2);
  close(v.t_low, 0.95 - 0.63531, 1e-4, 't low');
  // 0.95 + 0.63531 = 1.58531 is no accuracy: clipped to 1.
  assert.equal(v.t_high, 1);
  assert.ok(view.notes.some((n) => /sample standard deviation \(n-1\).*95% t-interval.*clipped to what the metric can be/.test(n)));
});

test('--group-by: t-intervals end where a loss or a count can: not below 0', () => {
  // Losses 0.2 and 0.1: 0.15 ± 0.63531 (as above) reaches -0.48531: clipped to 0. False negatives 0 and 3:
  // mean 1.5, sample std 3/√2, 1.5 ± 12.706 · (3/√2) / √2 = 1.5 ± 19.059: [0, 20.559].
  const rows = [
    row(1, { learning_rate: 0.1, seed: 1 }, { 'validation.loss': 0.2, 'validation.fn': 0 }),
    row(2, { learning_rate: 0.1, seed: 2 }, { 'validation.loss': 0.1, 'validation.fn': 3 }),
  ];
  const view = groupsView('e/s', rows, { groupBy: ['learning_rate'], columns: 'validation.loss,validation.fn' });
  const value = (key: string) => view.rows[0].cells[view.columns.findIndex((c) => c.key === key)].value as { t_low: number; t_high: number };
  assert.equal(value('validation.loss').t_low, 0);
  close(value('validation.loss').t_high, 0.15 + 0.63531, 1e-4, 'loss high');
  assert.equal(value('validation.fn').t_low, 0);
  close(value('validation.fn').t_high, 1.5 + 19.059, 2e-3, 'fn high');
  const text = view.rows[0].cells[view.columns.findIndex((c) => c.key === 'validation.fn.t_interval')].text;
  assert.match(text, /^\[0\.00, 20\.56\]$/);
});
