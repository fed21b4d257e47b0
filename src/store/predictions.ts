/**
 * A run's predictions and its threshold curves, as stored in its folder:
 *
 *   predictions.csv  split,fold,row,label,probability   one line per scored row: the probability of class 1
 *                    under the run's model (validation rows; k-fold: every row once, from the fold that held
 *                    it out; then, with a test split, the test rows, k-fold: under each fold's model); row
 *                    is the position within that fold's split, so that two runs of a sweep line up row by row
 *   roc.csv          split,threshold,tp,fp,tn,fn,tpr,fpr,precision   the ROC curve (fpr, tpr) and the
 *                    precision-recall curve (tpr = recall, precision), one line per distinct threshold, from
 *                    the highest probability (nothing positive) down to 0; positive when p > threshold, as
 *                    everywhere in dlsweep; precision is empty where nothing is predicted positive
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from './paths.js';

/** The rows scored by one run, in file order. Shapes: every array has one entry per row. */
export interface Predictions {
  split: string[];
  fold: number[];
  row: number[];
  /** 0 or 1. */
  label: number[];
  /** Probability of class 1, in [0, 1]. */
  probability: number[];
}

/** predictions.csv text; probabilities at full precision. */
export function predictionsCsv(p: Predictions): string {
  const lines = ['split,fold,row,label,probability'];
  for (let i = 0; i < p.row.length; i++) lines.push(`${p.split[i]},${p.fold[i]},${p.row[i]},${p.label[i]},${p.probability[i]}`);
  return lines.join('\n') + '\n';
}

/** One point of the threshold curves (see the file header). */
export interface CurvePointAt {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  tpr: number | null;
  fpr: number | null;
  precision: number | null;
}

/**
 * The ROC and precision-recall points of probabilities against labels: at each distinct probability t
 * (descending) and finally at 0, the confusion counts of `positive when p > t` (Fawcett 2006, "An
 * introduction to ROC analysis", Pattern Recognition Letters 27(8), algorithm 1, with dlsweep's strict rule).
 * Shapes: probability, label: [rows]. O(n log n).
 */
export function thresholdCurve(probability: readonly number[], label: readonly number[]): CurvePointAt[] {
  if (probability.every(Number.isFinite)) return thresholdCurveSorted(probability, label);
  const order = probability.map((_, i) => i).sort((a, b) => probability[b] - probability[a]);
  let P = 0;
  for (const y of label) P += y === 1 ? 1 : 0;
  const N = label.length - P;
  const out: CurvePointAt[] = [];
  let tp = 0;
  let fp = 0;
  const push = (t: number) =>
    out.push({ threshold: t, tp, fp, tn: N - fp, fn: P - tp, tpr: P ? tp / P : null, fpr: N ? fp / N : null, precision: tp + fp ? tp / (tp + fp) : null });
  let i = 0;
  while (i < order.length) {
    const t = probability[order[i]];
    if (t <= 0) break;
    push(t); // rows with p > t are those counted so far
    while (i < order.length && probability[order[i]] === t) {
      if (label[order[i]] === 1) tp++;
      else fp++;
      i++;
    }
  }
  push(0);
  return out;
}

/**
 * thresholdCurve for finite probabilities, the same points: the probabilities of the positive rows and of the
 * negative ones each sorted by the engine's numeric sort of a Float64Array (ascending), walked down together;
 * at each distinct probability, every row equal to it moves to the counted side at once, so the order of ties
 * does not matter. An index sort with a comparator cost about twice as much for the writer of every run.
 */
function thresholdCurveSorted(probability: readonly number[], label: readonly number[]): CurvePointAt[] {
  let P = 0;
  for (const y of label) P += y === 1 ? 1 : 0;
  const N = label.length - P;
  const pos = new Float64Array(P);
  const neg = new Float64Array(N);
  let a = 0;
  let b = 0;
  for (let i = 0; i < label.length; i++) {
    if (label[i] === 1) pos[a++] = probability[i];
    else neg[b++] = probability[i];
  }
  pos.sort();
  neg.sort();
  const out: CurvePointAt[] = [];
  let tp = 0;
  let fp = 0;
  const push = (t: number) =>
    out.push({ threshold: t, tp, fp, tn: N - fp, fn: P - tp, tpr: P ? tp / P : null, fpr: N ? fp / N : null, precision: tp + fp ? tp / (tp + fp) : null });
  // Indices of the highest probability not counted yet on each side.
  let i = P - 1;
  let j = N - 1;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    if (t <= 0) break;
    push(t); // rows with p > t are those counted so far
    while (i >= 0 && pos[i] === t) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === t) {
      fp++;
      j--;
    }
  }
  push(0);
  return out;
}

/** roc.csv text for the splits of some predictions. */
export function rocCsv(p: Predictions): string {
  let text = 'split,threshold,tp,fp,tn,fn,tpr,fpr,precision\n';
  for (const split of [...new Set(p.split)]) {
    const probability: number[] = [];
    const label: number[] = [];
    for (let i = 0; i < p.split.length; i++) {
      if (p.split[i] !== split) continue;
      probability.push(p.probability[i]);
      label.push(p.label[i]);
    }
    for (const c of thresholdCurve(probability, label)) {
      text += `${split},${c.threshold},${c.tp},${c.fp},${c.tn},${c.fn},${c.tpr ?? ''},${c.fpr ?? ''},${c.precision ?? ''}\n`;
    }
  }
  return text;
}

/** A run folder's predictions.csv, or undefined when absent (runs recorded before it existed, failed runs). */
export function readPredictions(runDir: string): Predictions | undefined {
  let text: string;
  try {
    text = readFileSync(join(runDir, RUN_FILES.predictions), 'utf8');
  } catch {
    return undefined;
  }
  const p: Predictions = { split: [], fold: [], row: [], label: [], probability: [] };
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const f = line.split(',');
    if (f.length !== 5) return undefined; // damaged: treated as absent rather than guessed at
    p.split.push(f[0]);
    p.fold.push(Number(f[1]));
    p.row.push(Number(f[2]));
    p.label.push(Number(f[3]));
    p.probability.push(Number(f[4]));
  }
  return p;
}
