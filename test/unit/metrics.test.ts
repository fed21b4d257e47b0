import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics, rocAuc, scoreThresholds } from '../../src/train/metrics.js';
import { Rng } from '../../src/train/rng.js';

const f = (a: number[]): Float64Array => Float64Array.from(a);

test('confusion, precision, recall, specificity, f1 by hand', () => {
  //            p:  0.9  0.8  0.6  0.4  0.3  0.2  0.7  0.1
  //            y:   1    1    0    1    0    0    0    1
  // t = 0.5 -> pred 1 1 1 0 0 0 1 0 : tp 2 (0.9, 0.8), fp 2 (0.6, 0.7), fn 2 (0.4, 0.1), tn 2 (0.3, 0.2)
  const prob = f([0.9, 0.8, 0.6, 0.4, 0.3, 0.2, 0.7, 0.1]);
  const y = f([1, 1, 0, 1, 0, 0, 0, 1]);
  const m = classificationMetrics(prob, y, 0.5, 0.42);
  assert.deepEqual(m.confusion, { tn: 2, fp: 2, fn: 2, tp: 2 });
  assert.equal(m.threshold, 0.5);
  assert.equal(m.loss, 0.42);
  assert.equal(m.samples, 8);
  assert.equal(m.accuracy, 0.5);
  assert.equal(m.precision, 0.5);
  assert.equal(m.recall, 0.5);
  assert.equal(m.specificity, 0.5);
  assert.equal(m.f1, 0.5);
  assert.equal(m.baseline_accuracy, 0.5);
  // AUC: positives' scores 0.9, 0.8, 0.4, 0.1 vs negatives 0.6, 0.3, 0.2, 0.7.
  // Pairs won: 0.9 -> 4, 0.8 -> 4, 0.4 -> 2, 0.1 -> 0 : 10 / 16.
  assert.equal(m.roc_auc, 10 / 16);

  // t = 0.75 -> pred 1 1 0 0 0 0 0 0: tp 2, fp 0, fn 2, tn 4
  const m2 = classificationMetrics(prob, y, 0.75, 0.42);
  assert.deepEqual(m2.confusion, { tn: 4, fp: 0, fn: 2, tp: 2 });
  assert.equal(m2.accuracy, 0.75);
  assert.equal(m2.precision, 1);
  assert.equal(m2.recall, 0.5);
  assert.equal(m2.specificity, 1);
  assert.equal(m2.f1, (2 * 1 * 0.5) / 1.5);
});

test('positive means strictly above the threshold', () => {
  const m = classificationMetrics(f([0.5, 0.5000001]), f([1, 1]), 0.5, 0);
  assert.deepEqual(m.confusion, { tn: 0, fp: 0, fn: 1, tp: 1 });
});

test('n/a cases are null', () => {
  // No positive prediction -> precision null, f1 null.
  const noPred = classificationMetrics(f([0.1, 0.2, 0.3]), f([1, 0, 0]), 0.5, 0);
  assert.equal(noPred.precision, null);
  assert.equal(noPred.recall, 0);
  assert.equal(noPred.f1, null);
  assert.equal(noPred.baseline_accuracy, 2 / 3);
  // No positive example -> recall null, f1 null, AUC null (one class).
  const noPos = classificationMetrics(f([0.9, 0.2]), f([0, 0]), 0.5, 0);
  assert.equal(noPos.recall, null);
  assert.equal(noPos.precision, 0);
  assert.equal(noPos.f1, null);
  assert.equal(noPos.roc_auc, null);
  assert.equal(noPos.specificity, 0.5);
  assert.equal(noPos.baseline_accuracy, 1);
  // No negative example -> specificity null, AUC null.
  const noNeg = classificationMetrics(f([0.9, 0.2]), f([1, 1]), 0.5, 0);
  assert.equal(noNeg.specificity, null);
  assert.equal(noNeg.roc_auc, null);
  assert.equal(noNeg.precision, 1);
  assert.equal(noNeg.recall, 0.5);
  // Precision and recall both 0 -> f1 null.
  const bothZero = classificationMetrics(f([0.9, 0.2]), f([0, 1]), 0.5, 0);
  assert.equal(bothZero.precision, 0);
  assert.equal(bothZero.recall, 0);
  assert.equal(bothZero.f1, null);
  assert.equal(bothZero.roc_auc, 0);
});

test('ROC AUC with ties uses average ranks', () => {
  // All scores tied -> 0.5.
  assert.equal(rocAuc(f([0.3, 0.3, 0.3, 0.3]), f([1, 0, 1, 0])), 0.5);
  // Scores 0.2(n) 0.5(p) 0.5(n) 0.8(p): ranks 1, 2.5, 2.5, 4; R+ = 6.5; U = 6.5 - 3 = 3.5; AUC = 3.5/4.
  assert.equal(rocAuc(f([0.5, 0.2, 0.8, 0.5]), f([1, 0, 1, 0])), 0.875);
  // Perfect separation and perfect inversion.
  assert.equal(rocAuc(f([0.9, 0.8, 0.1]), f([1, 1, 0])), 1);
  assert.equal(rocAuc(f([0.1, 0.2, 0.9]), f([1, 1, 0])), 0);
  // Pairwise definition on a tie-heavy sample: P(p+ > p-) + 0.5 P(p+ = p-).
  const prob = f([0.1, 0.4, 0.4, 0.4, 0.7, 0.7, 0.9, 0.1, 0.4, 0.7]);
  const y = f([0, 1, 0, 1, 1, 0, 1, 1, 0, 0]);
  assert.equal(rocAuc(prob, y), pairwiseAuc(prob, y));
});

/** AUC by its pairwise definition, P(p+ > p-) + 0.5 P(p+ = p-): every positive against every negative. */
function pairwiseAuc(prob: Float64Array, y: Float64Array): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < prob.length; i++) {
    for (let j = 0; j < prob.length; j++) {
      if (y[i] === 1 && y[j] === 0) {
        pairs++;
        wins += prob[i] > prob[j] ? 1 : prob[i] === prob[j] ? 0.5 : 0;
      }
    }
  }
  return wins / pairs;
}

test('ROC AUC equals the pairwise definition exactly, on random samples with and without ties', () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 200; trial++) {
    const n = 2 + rng.randint(300);
    // Half the samples draw from a few values (many ties, 0 and 1 included), half from a continuum.
    const levels = 1 + rng.randint(6);
    const prob = Float64Array.from({ length: n }, () => (trial % 2 === 0 ? rng.randint(levels + 1) / levels : rng.uniform(0, 1)));
    const y = Float64Array.from({ length: n }, () => rng.randint(2));
    if (y.every((v) => v === y[0])) y[0] = 1 - y[0];
    assert.equal(rocAuc(prob, y), pairwiseAuc(prob, y), `trial ${trial}`);
  }
});

test('ROC AUC of a NaN probability is NaN, whatever the other probabilities', () => {
  assert.ok(Number.isNaN(rocAuc(f([0.2, NaN, 0.9, 0.4]), f([0, 1, 1, 0]))));
  assert.ok(Number.isNaN(rocAuc(f([NaN, 0.5]), f([0, 1]))));
});

test('scoreThresholds returns one entry per threshold, in order', () => {
  const prob = f([0.9, 0.8, 0.6, 0.4]);
  const y = f([1, 0, 1, 0]);
  const ms = scoreThresholds(prob, y, [0.5, 0.7, 0.85], 0.3);
  assert.deepEqual(ms.map((m) => m.threshold), [0.5, 0.7, 0.85]);
  assert.deepEqual(ms.map((m) => m.confusion.tp + m.confusion.fp), [3, 2, 1]);
  assert.ok(ms.every((m) => m.roc_auc === 0.75 && m.loss === 0.3));
});

test('mismatched or empty inputs throw', () => {
  assert.throws(() => classificationMetrics(f([0.1]), f([1, 0]), 0.5, 0), /labels/);
  assert.throws(() => classificationMetrics(f([]), f([]), 0.5, 0), /no samples/);
});
