/**
 * Binary classification metrics of predicted probabilities (positive = class 1 = malignant).
 */

import type { ClassificationMetrics } from './types.js';

export { binaryCrossEntropy } from './loss.js';

/**
 * Area under the ROC curve by the rank-sum (Mann–Whitney U) formula:
 *   AUC = (R₊ - n₊(n₊ + 1)/2) / (n₊ n₋) = U / (n₊ n₋),  U = Σ over positive p, negative q of [p > q] + ½ [p = q]
 * where R₊ is the sum of the ranks (1-based, ascending probability) of the positive examples and tied
 * probabilities share their average rank (so a tie between a positive and a negative counts 1/2).
 * Source: Hanley & McNeil (1982), Radiology 143(1); Mann & Whitney (1947).
 * U is counted directly: the positives' and the negatives' probabilities are sorted apart (numeric typed-array
 * sorts) and walked together. Every term is a multiple of 1/2 below 2^53, so U, and the AUC, are exactly the
 * rank-sum formula's, computed either way.
 *
 * Shapes: prob: [samples], y: [samples] of 0/1. Returns null when only one class is present, NaN when a
 * probability is NaN. O(n log n); allocates one copy of prob.
 * Throws: Error if prob and y differ in length.
 */
export function rocAuc(prob: Float64Array, y: Float64Array): number | null {
  const n = prob.length;
  if (n !== y.length) throw new Error(`rocAuc: ${n} probabilities for ${y.length} labels`);
  let nPos = 0;
  for (let j = 0; j < n; j++) if (y[j] === 1) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;

  // Positives in [0, nPos), negatives in [nPos, n) of one buffer, each part sorted ascending.
  const sorted = new Float64Array(n);
  let p = 0;
  let q = nPos;
  for (let j = 0; j < n; j++) {
    const v = prob[j];
    if (v !== v) return NaN;
    if (y[j] === 1) sorted[p++] = v;
    else sorted[q++] = v;
  }
  const pos = sorted.subarray(0, nPos).sort();
  const neg = sorted.subarray(nPos).sort();
  // For each positive (ascending): `below` negatives are smaller, `notAbove` - `below` equal to it.
  let u = 0;
  let below = 0;
  let notAbove = 0;
  for (let i = 0; i < nPos; i++) {
    const v = pos[i];
    while (below < nNeg && neg[below] < v) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < nNeg && neg[notAbove] <= v) notAbove++;
    u += below + (notAbove - below) / 2;
  }
  return u / (nPos * nNeg);
}

/**
 * Metrics at one decision threshold: positive when prob > threshold (strictly).
 *
 * Shapes: prob: [samples] in [0, 1], y: [samples] of 0/1; `loss` (mean BCE, nats) is passed through.
 * accuracy = (tp + tn)/n; precision = tp/(tp + fp) (null if no positive prediction);
 * recall = tp/(tp + fn) (null if no positive example); specificity = tn/(tn + fp) (null if no negative
 * example); f1 = 2pr/(p + r) (null if p or r is null or both are 0); roc_auc by rank sum (null if one
 * class); baseline_accuracy = share of the majority class.
 * `auc` may be given to skip recomputing the threshold-free AUC (see scoreThresholds).
 * Throws: Error if prob and y differ in length or are empty.
 */
export function classificationMetrics(
  prob: Float64Array,
  y: Float64Array,
  threshold: number,
  loss: number,
  auc?: number | null,
): ClassificationMetrics {
  const n = prob.length;
  if (n !== y.length) throw new Error(`classificationMetrics: ${n} probabilities for ${y.length} labels`);
  if (n === 0) throw new Error('classificationMetrics: no samples');

  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  for (let j = 0; j < n; j++) {
    const predicted = prob[j] > threshold;
    if (y[j] === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
  }
  const positives = tp + fn;
  const negatives = tn + fp;
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = positives > 0 ? tp / positives : null;
  const specificity = negatives > 0 ? tn / negatives : null;
  const f1 =
    precision === null || recall === null || precision + recall === 0
      ? null
      : (2 * precision * recall) / (precision + recall);
  return {
    threshold,
    loss,
    accuracy: (tp + tn) / n,
    precision,
    recall,
    specificity,
    f1,
    roc_auc: auc === undefined ? rocAuc(prob, y) : auc,
    baseline_accuracy: Math.max(positives, negatives) / n,
    confusion: { tn, fp, fn, tp },
    samples: n,
  };
}

/**
 * classificationMetrics at each threshold, in order, computing the AUC once.
 * Shapes: prob: [samples], y: [samples]; returns one entry per threshold.
 * Throws: as classificationMetrics.
 */
export function scoreThresholds(
  prob: Float64Array,
  y: Float64Array,
  thresholds: readonly number[],
  loss: number,
): ClassificationMetrics[] {
  const auc = rocAuc(prob, y);
  return thresholds.map((t) => classificationMetrics(prob, y, t, loss, auc));
}
