/**
 * Choosing a decision threshold for a trained run from its stored predictions (`dlsweep thresholds`):
 * the threshold that meets a rule on the validation rows, and what it gives there (and on test rows, when
 * the run has them). Pure: predictions in, a choice out.
 */
import { UserError } from '../errors.js';
import { thresholdCurve, type CurvePointAt, type Predictions } from '../store/predictions.js';
import { wilsonInterval } from '../train/statistics.js';

/** A rule for choosing a threshold. */
export type ThresholdRule =
  | { kind: 'recall_at_least'; recall: number }
  | { kind: 'cost'; cost_fn: number; cost_fp: number }
  | { kind: 'youden' };

/** Counts and rates at one threshold, each proportion with its 95% Wilson interval. */
export interface ThresholdScores {
  threshold: number;
  confusion: { tn: number; fp: number; fn: number; tp: number };
  rows: number;
  accuracy: Rated;
  recall: Rated;
  specificity: Rated;
  precision: Rated;
}

/** A proportion with its interval; null when undefined (no row in its denominator). */
export type Rated = { value: number; low: number; high: number } | null;

/** The chosen threshold, the range of thresholds that give the same validation counts, and the scores. */
export interface ThresholdChoice {
  rule: ThresholdRule;
  /**
   * Chosen on the validation rows: positive when p > threshold. The low end of the interval of thresholds
   * that classify the validation rows alike, [threshold, upper): a validation score itself, and the end
   * that belongs to the interval (at `upper`, a score too, the rows scoring it turn negative).
   */
  threshold: number;
  /** Every threshold in [threshold, upper) classifies the validation rows alike ([threshold, 1] when upper is 1). */
  upper: number;
  validation: ThresholdScores;
  /** The same threshold on the test rows, when the run has them. */
  test?: ThresholdScores;
  /** k-fold: the number of folds, whose first fold's model alone scored `test` (each test row once). */
  testFolds?: number;
}

function rated(x: number, n: number): Rated {
  const ci = wilsonInterval(x, n);
  return ci ? { value: x / n, low: ci.low, high: ci.high } : null;
}

/** Scores of `positive when p > threshold` on some rows. */
export function scoresAt(probability: readonly number[], label: readonly number[], threshold: number): ThresholdScores {
  const c = { tn: 0, fp: 0, fn: 0, tp: 0 };
  for (let i = 0; i < probability.length; i++) {
    const pos = probability[i] > threshold;
    if (label[i] === 1) pos ? c.tp++ : c.fn++;
    else pos ? c.fp++ : c.tn++;
  }
  const n = probability.length;
  return {
    threshold,
    confusion: c,
    rows: n,
    accuracy: rated(c.tp + c.tn, n),
    recall: rated(c.tp, c.tp + c.fn),
    specificity: rated(c.tn, c.tn + c.fp),
    precision: rated(c.tp, c.tp + c.fp),
  };
}

/**
 * The point of the validation curve that a rule picks; ties go to the highest thresholds (the fewest
 * positive predictions). Each point stands for the interval of thresholds that classify the rows alike, from
 * its score up to the next higher one (see chooseThreshold).
 * - recall_at_least R: the highest interval whose recall is >= R, which has the best specificity and
 *   precision among those that meet it (the usual rule for a screening test: a minimum sensitivity);
 * - cost A, B: the lowest expected cost A·FN + B·FP (cost-sensitive classification; Elkan 2001,
 *   "The foundations of cost-sensitive learning", IJCAI);
 * - youden: the largest J = recall + specificity - 1 (Youden 1950, "Index for rating diagnostic tests",
 *   Cancer 3(1)).
 * Throws: UserError when no threshold meets the rule (never for cost and youden).
 */
export function pickPoint(curve: CurvePointAt[], rule: ThresholdRule): CurvePointAt {
  let best: CurvePointAt | undefined;
  let bestScore = -Infinity;
  for (const pt of curve) {
    let score: number;
    if (rule.kind === 'recall_at_least') {
      if (pt.tpr === null || pt.tpr < rule.recall) continue;
      score = 0; // the first that meets it is the highest interval
    } else if (rule.kind === 'cost') {
      score = -(rule.cost_fn * pt.fn + rule.cost_fp * pt.fp);
    } else {
      score = (pt.tpr ?? 0) - (pt.fpr ?? 0);
    }
    if (score > bestScore) {
      best = pt;
      bestScore = score;
    }
  }
  if (!best) throw new UserError(`no threshold reaches a recall of ${(rule as { recall: number }).recall} on the validation rows`, 'the run has no positive validation row, or lower the required recall');
  return best;
}

/**
 * Apply a rule to a run's predictions: choose on the validation rows, report there and on test rows.
 * Shapes: predictions as read from predictions.csv (splits `validation`, optionally `test`).
 * Throws: UserError when the run has no validation predictions or no threshold meets the rule.
 */
export function chooseThreshold(p: Predictions, rule: ThresholdRule): ThresholdChoice {
  // k-fold lists every fold's model on the same test rows: the first fold's (the model model.json holds) is
  // reported, so each test row counts once.
  const pick = (split: string) => {
    const idx = p.split.flatMap((s, i) => (s === split && (split !== 'test' || p.fold[i] === 0) ? [i] : []));
    return { prob: idx.map((i) => p.probability[i]), label: idx.map((i) => p.label[i]) };
  };
  const v = pick('validation');
  if (v.prob.length === 0) throw new UserError('the run has no validation predictions', 'predictions.csv lists none: retrain it (resume the sweep after removing the run folder)');
  const curve = thresholdCurve(v.prob, v.label);
  const pt = pickPoint(curve, rule);
  const i = curve.indexOf(pt);
  const upper = i > 0 ? curve[i - 1].threshold : 1;
  const t = pick('test');
  const testFolds = new Set(p.fold.filter((_, i) => p.split[i] === 'test')).size;
  return {
    rule,
    threshold: pt.threshold,
    upper,
    validation: scoresAt(v.prob, v.label, pt.threshold),
    ...(t.prob.length ? { test: scoresAt(t.prob, t.label, pt.threshold) } : {}),
    ...(t.prob.length && testFolds > 1 ? { testFolds } : {}),
  };
}

/** The rule from the command's options. Throws: UserError unless exactly one rule is given, with valid values. */
export function parseRule(o: { recallAtLeast?: string; costFn?: string; costFp?: string; youden?: boolean }): ThresholdRule {
  const given = [o.recallAtLeast !== undefined, o.costFn !== undefined || o.costFp !== undefined, Boolean(o.youden)].filter(Boolean).length;
  const hint = 'e.g. dlsweep thresholds RUN --recall-at-least 0.99, --cost-fn 10 --cost-fp 1, or --youden';
  if (given !== 1) throw new UserError(given === 0 ? 'thresholds: name a rule' : 'thresholds: name one rule only', hint);
  if (o.recallAtLeast !== undefined) {
    const r = Number(o.recallAtLeast);
    if (!(r > 0 && r <= 1)) throw new UserError(`--recall-at-least: expected a number in (0, 1], got ${o.recallAtLeast}`, hint);
    return { kind: 'recall_at_least', recall: r };
  }
  if (o.youden) return { kind: 'youden' };
  const a = Number(o.costFn);
  const b = Number(o.costFp);
  if (o.costFn === undefined || o.costFp === undefined || !(a >= 0) || !(b >= 0) || !Number.isFinite(a) || !Number.isFinite(b) || a + b === 0) {
    throw new UserError('--cost-fn and --cost-fp go together, each a number >= 0 (not both 0)', hint);
  }
  return { kind: 'cost', cost_fn: a, cost_fp: b };
}

function ratedText(r: Rated): string {
  return r ? `${r.value.toFixed(4)} [${r.low.toFixed(4)}, ${r.high.toFixed(4)}]` : 'n/a';
}

function describeRule(rule: ThresholdRule): string {
  if (rule.kind === 'recall_at_least') return `recall >= ${rule.recall} on the validation rows with the fewest positive predictions (the highest thresholds that reach it)`;
  if (rule.kind === 'cost') return `the lowest cost ${rule.cost_fn}·FN + ${rule.cost_fp}·FP on the validation rows`;
  return "the largest Youden's J = recall + specificity - 1 on the validation rows";
}

/** The text of `dlsweep thresholds`: the choice, then the scores on validation (and test) rows. */
export function thresholdText(title: string, c: ThresholdChoice, gridThreshold: number): string {
  const out: string[] = [`${title}`, `rule: ${describeRule(c.rule)}`];
  out.push(`threshold: ${c.threshold} (positive when p > threshold; the run was scored at ${gridThreshold})`);
  out.push(
    c.upper === 1
      ? `  every threshold in [${c.threshold}, 1] classifies the validation rows alike; ${c.threshold} is its low end, the highest validation score`
      : `  every threshold in [${c.threshold}, ${c.upper}) classifies the validation rows alike; ${c.threshold}, a validation score, is its low end and ` +
          `the end that belongs to it: at ${c.upper} the rows scoring ${c.upper} turn negative`,
  );
  const block = (name: string, s: ThresholdScores, about = '') => {
    out.push('', `${name} (${s.rows} rows${about}): TN ${s.confusion.tn}  FP ${s.confusion.fp}  FN ${s.confusion.fn}  TP ${s.confusion.tp}`);
    out.push(`  recall       ${ratedText(s.recall)}`);
    out.push(`  specificity  ${ratedText(s.specificity)}`);
    out.push(`  precision    ${ratedText(s.precision)}`);
    out.push(`  accuracy     ${ratedText(s.accuracy)}`);
  };
  block('validation', c.validation);
  // k-fold: each fold's model scored the same test rows; one model's scores keep each row once (show sums all k).
  if (c.test) block('test', c.test, c.testFolds ? `, scored by the model of fold 1 of ${c.testFolds}, the one model.json holds` : '');
  out.push('', '[low, high]: 95% Wilson score interval.');
  out.push(
    c.test
      ? 'The threshold was chosen on the validation rows; the test rows, never used to choose, give the unbiased estimate.'
      : 'The threshold was chosen on these same validation rows, so the figures above are optimistic; only rows held out of every choice (a test split) give an unbiased estimate.',
  );
  return out.join('\n') + '\n';
}
