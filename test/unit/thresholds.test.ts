/** Choosing a threshold by rule on validation predictions, checked on a case worked by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseThreshold, parseRule, thresholdText } from '../../src/report/thresholds.js';
import type { Predictions } from '../../src/store/predictions.js';

// Validation: positives 0.95, 0.8, 0.6, 0.3; negatives 0.7, 0.4, 0.2, 0.1. Descending, positive when p > t:
//   t     0.95 0.8 0.7 0.6 0.4 0.3 0.2 0.1 0
//   tp    0    1   2   2   3   3   4   4   4
//   fp    0    0   0   1   1   2   2   3   4
const vp = [0.95, 0.8, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1];
const vy = [1, 1, 1, 1, 0, 0, 0, 0];
function preds(test?: { p: number[]; y: number[] }): Predictions {
  const p: Predictions = { split: [], fold: [], row: [], label: [], probability: [] };
  const add = (split: string, prob: number[], y: number[]) =>
    prob.forEach((v, i) => {
      p.split.push(split);
      p.fold.push(0);
      p.row.push(i);
      p.label.push(y[i]);
      p.probability.push(v);
    });
  add('validation', vp, vy);
  if (test) add('test', test.p, test.y);
  return p;
}

test('--recall-at-least: the highest threshold that meets it, and the range that classifies alike', () => {
  const c = chooseThreshold(preds(), { kind: 'recall_at_least', recall: 0.75 });
  assert.equal(c.threshold, 0.4);
  assert.equal(c.upper, 0.6);
  assert.deepEqual(c.validation.confusion, { tn: 3, fp: 1, fn: 1, tp: 3 });
  assert.equal(c.validation.recall!.value, 0.75);
  assert.equal(chooseThreshold(preds(), { kind: 'recall_at_least', recall: 1 }).threshold, 0.2);
  assert.equal(c.test, undefined);
  assert.match(thresholdText('e/s/0001-x', c, 0.5), /optimistic/);
});

test('--recall-at-least: the text prints the low end of the interval of equivalent thresholds and says so', () => {
  // Recall >= 0.75 holds for t < 0.6 (rows 0.95, 0.8, 0.6 positive); every t in [0.4, 0.6) gives the same
  // counts, and 0.6 itself does not (the positive scoring 0.6 turns negative): no highest threshold exists.
  const text = thresholdText('e/s/0001-x', chooseThreshold(preds(), { kind: 'recall_at_least', recall: 0.75 }), 0.5);
  assert.match(text, /^rule: recall >= 0\.75 on the validation rows with the fewest positive predictions \(the highest thresholds that reach it\)$/m);
  assert.match(text, /^threshold: 0\.4 \(positive when p > threshold; the run was scored at 0\.5\)$/m);
  assert.match(text, /^  every threshold in \[0\.4, 0\.6\) classifies the validation rows alike; 0\.4, a validation score, is its low end and the end that belongs to it: at 0\.6 the rows scoring 0\.6 turn negative$/m);
  assert.doesNotMatch(text, /the highest threshold with/);
  // The top interval, where nothing is positive, is closed at 1 (cost of a false positive only).
  const top = thresholdText('e/s/0001-x', chooseThreshold(preds(), { kind: 'cost', cost_fn: 0, cost_fp: 1 }), 0.5);
  assert.match(top, /^  every threshold in \[0\.95, 1\] classifies the validation rows alike; 0\.95 is its low end, the highest validation score$/m);
});

test("--cost-fn/--cost-fp: the lowest a·FN + b·FP; --youden: the largest J, ties to the highest threshold", () => {
  // 10·FN + FP: 40 30 20 21 11 12 2 3 4 -> 0.2.  FN + 10·FP: 4 3 2 12 11 21 20 30 40 -> 0.7.
  assert.equal(chooseThreshold(preds(), { kind: 'cost', cost_fn: 10, cost_fp: 1 }).threshold, 0.2);
  assert.equal(chooseThreshold(preds(), { kind: 'cost', cost_fn: 1, cost_fp: 10 }).threshold, 0.7);
  // J = tp/4 - fp/4: 0 .25 .5 .25 .5 .25 .5 .25 0 -> 0.7 first.
  assert.equal(chooseThreshold(preds(), { kind: 'youden' }).threshold, 0.7);
});

test('a test split: the threshold chosen on validation rows is reported on the test rows', () => {
  const c = chooseThreshold(preds({ p: [0.5, 0.35, 0.45, 0.05], y: [1, 1, 0, 0] }), { kind: 'recall_at_least', recall: 0.75 });
  assert.equal(c.threshold, 0.4); // unchanged by the test rows
  assert.deepEqual(c.test!.confusion, { tn: 1, fp: 1, fn: 1, tp: 1 });
  assert.match(thresholdText('e/s/0001-x', c, 0.5), /unbiased estimate/);
});

test('the rule options: exactly one rule, valid values', () => {
  assert.deepEqual(parseRule({ recallAtLeast: '0.99' }), { kind: 'recall_at_least', recall: 0.99 });
  assert.deepEqual(parseRule({ costFn: '10', costFp: '1' }), { kind: 'cost', cost_fn: 10, cost_fp: 1 });
  assert.deepEqual(parseRule({ youden: true }), { kind: 'youden' });
  assert.throws(() => parseRule({}), /name a rule/);
  assert.throws(() => parseRule({ youden: true, recallAtLeast: '0.9' }), /one rule only/);
  assert.throws(() => parseRule({ recallAtLeast: '1.5' }), /in \(0, 1\]/);
  assert.throws(() => parseRule({ costFn: '10' }), /go together/);
});

test('k-fold: the test block says which fold\'s model scored it (it reported fold 1\'s test rows as if the run had one model)', () => {
  // Three folds' models on the same four test rows: fold 1's (fold 0 in predictions.csv) scores them 0.9, 0.1, 0.8, 0.2.
  const p = preds();
  const testRows = [[0.9, 0.1, 0.8, 0.2], [0.6, 0.55, 0.4, 0.45], [0.3, 0.7, 0.35, 0.65]];
  const ty = [1, 0, 1, 0];
  testRows.forEach((probs, fold) =>
    probs.forEach((v, i) => {
      p.split.push('test');
      p.fold.push(fold);
      p.row.push(i);
      p.label.push(ty[i]);
      p.probability.push(v);
    }),
  );
  const c = chooseThreshold(p, { kind: 'youden' });
  // Youden picks 0.7 on the validation rows (see above): fold 1's model then has TP 2 (0.9, 0.8), FP 0, FN 0, TN 2.
  assert.equal(c.threshold, 0.7);
  assert.equal(c.test?.rows, 4);
  assert.deepEqual(c.test?.confusion, { tn: 2, fp: 0, fn: 0, tp: 2 });
  assert.equal(c.testFolds, 3);
  const text = thresholdText('e/s/0001-x', c, 0.5);
  assert.match(text, /^test \(4 rows, scored by the model of fold 1 of 3, the one model\.json holds\): TN 2 {2}FP 0 {2}FN 0 {2}TP 2$/m);
  // One split: nothing about folds.
  assert.doesNotMatch(thresholdText('e/s/0001-x', chooseThreshold(preds({ p: [0.9, 0.1], y: [1, 0] }), { kind: 'youden' }), 0.5), /fold/);
});
