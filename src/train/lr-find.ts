/**
 * The learning-rate range test (Smith 2017, "Cyclical learning rates for training neural networks", WACV,
 * section 3.3): train once while the learning rate grows from a minimum to a maximum, record the training
 * loss at each rate, and read a good rate off the curve where the loss falls fastest.
 *
 * Details follow fastai's LRFinder (Howard & Gugger 2020, "Fastai: a layered API for deep learning",
 * Information 11(2)), which popularized the test:
 * - rates grow exponentially: lr_i = min · (max / min)^(i / (steps - 1)), i = 0 .. steps - 1;
 * - loss_i is the mean BCE of the batch update i is computed on, before that update (nats, no L2 term);
 * - smoothed_i = a_i / (1 - β^(i+1)), a_i = β a_{i-1} + (1 - β) loss_i, a_{-1} = 0, β = 0.98 (an exponential
 *   moving average with bias correction, as in Adam);
 * - the test stops early when a loss is not finite, or when smoothed_i > 4 · min_{j<=i} smoothed_j (exploded);
 * - suggestion ("steepest"): with the first 10% of the points and the last 5 left out (noisy start, exploding
 *   end; fewer are left out when that would leave fewer than 3), the rate lr_j at which the slope
 *   (smoothed_{j+1} - smoothed_j) / (ln lr_{j+1} - ln lr_j) is most negative.
 * Everything else (optimizer, batch size, dropout, l2, activation, init, seed) is the config's, so the test
 * measures the training that will be run; its learning_rate and lr_schedule are replaced by the sweep.
 *
 * Pure computation, like train(): no I/O, no clock, every random draw from Rng(config.seed), in train()'s
 * order (weights, then per update the epoch's shuffle and the dropout masks).
 */
import { MiniBatches } from './batches.js';
import { initialNetwork } from './init.js';
import { backward, drawDropoutMasks, forward, forwardLoss } from './network.js';
import { createOptimizer } from './optimizers.js';
import { resolveOptions } from './options.js';
import type { SplitData, TrainingConfig } from './types.js';

/** Smoothing factor β of the loss's moving average (fastai's). */
export const LR_FIND_SMOOTHING = 0.98;
/** The test stops once the smoothed loss exceeds this multiple of its minimum so far (fastai's). */
export const LR_FIND_DIVERGENCE_FACTOR = 4;

export interface LrFindRequest {
  /** The training settings; learning_rate and lr_schedule are ignored (replaced by the sweep of rates). */
  config: TrainingConfig;
  /** Training rows. X: [features x m], y: [m] of 0/1. */
  train: SplitData;
  /** Smallest and largest learning rate, 0 < min < max. */
  min_learning_rate: number;
  max_learning_rate: number;
  /** Number of updates (and rates), >= 2. */
  steps: number;
}

export interface LrFindPoint {
  /** 0-based update index. */
  step: number;
  learning_rate: number;
  /** Batch loss before the update (mean BCE, nats). */
  loss: number;
  smoothed_loss: number;
}

export interface LrFindResult {
  points: LrFindPoint[];
  /** Why the test ended: all steps run, a non-finite loss, or the smoothed loss exploded. */
  stop_reason: 'max_learning_rate' | 'non_finite' | 'exploded';
  /** The suggested learning rate, or null when fewer than 2 points were recorded. */
  suggestion: number | null;
  /** How the suggestion is chosen, in words. */
  method: string;
  /** The point with the smallest smoothed loss (a common rule of thumb picks a rate ~10x below it). */
  min_loss: { learning_rate: number; smoothed_loss: number } | null;
}

/** The method, as recorded in lr-find.json. */
export const LR_FIND_METHOD =
  'steepest descent: the rate where the smoothed loss falls fastest per unit of ln(learning rate), first 10% and last 5 points left out';

/**
 * The rates of the test: min · (max / min)^(i / (steps - 1)) for i = 0 .. steps - 1 (so the first is min and
 * the last is max). Throws: nothing (arguments assumed checked).
 */
export function lrFindRates(min: number, max: number, steps: number): number[] {
  const rates: number[] = [];
  for (let i = 0; i < steps; i++) rates.push(min * Math.pow(max / min, i / (steps - 1)));
  return rates;
}

/**
 * A bias-corrected exponential moving average, fed one value at a time: after the i-th value (0-based)
 * it is a_i / (1 - β^(i+1)) with a_i = β a_{i-1} + (1 - β) x_i, a_{-1} = 0 (fastai's smoothing, the
 * correction of Adam, Kingma & Ba 2015). Throws: nothing.
 */
export function debiasedEma(beta = LR_FIND_SMOOTHING): (x: number) => number {
  let avg = 0;
  let i = 0;
  return (x) => {
    avg = beta * avg + (1 - beta) * x;
    return avg / (1 - Math.pow(beta, ++i));
  };
}

/**
 * Bias-corrected exponential moving average of `losses` (debiasedEma; see the file header).
 * Throws: nothing.
 */
export function smoothLosses(losses: readonly number[], beta = LR_FIND_SMOOTHING): number[] {
  const smooth = debiasedEma(beta);
  return losses.map((loss) => smooth(loss));
}

/**
 * The steepest-descent suggestion over (rates, smoothed losses): see the file header. Null when fewer than
 * 2 points. Throws: nothing.
 */
export function steepestRate(rates: readonly number[], smoothed: readonly number[]): number | null {
  const n = Math.min(rates.length, smoothed.length);
  if (n < 2) return null;
  let from = Math.floor(n / 10);
  let to = n - 5; // exclusive end
  if (to - from < 3) {
    from = 0;
    to = n;
  }
  let bestSlope = Infinity;
  let best: number | null = null;
  for (let j = from; j + 1 < to; j++) {
    const slope = (smoothed[j + 1] - smoothed[j]) / (Math.log(rates[j + 1]) - Math.log(rates[j]));
    if (slope < bestSlope) {
      bestSlope = slope;
      best = rates[j];
    }
  }
  return best;
}

/**
 * Runs the learning-rate range test described in the file header.
 * Throws: Error for an invalid config (resolveOptions), min/max not finite with 0 < min < max, steps not an
 * integer >= 2, or an empty or malformed training split.
 */
export function lrFind(req: LrFindRequest): LrFindResult {
  const { min_learning_rate: min, max_learning_rate: max, steps } = req;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min > 0 && max > min)) {
    throw new Error(`lr-find: need 0 < min < max (finite), got min ${min}, max ${max}`);
  }
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`lr-find: steps must be an integer >= 2, got ${steps}`);
  const { X, y } = req.train;
  if (!X || !(X.data instanceof Float64Array) || X.cols < 1 || X.data.length !== X.rows * X.cols || y.length !== X.cols) {
    throw new Error('lr-find: the training split is empty or its shapes do not match');
  }
  const o = resolveOptions({ ...req.config, lr_schedule: { kind: 'constant' } });
  const { net, hidden, dims, rng } = initialNetwork(o, X.rows);
  const batches = new MiniBatches(X, y, o.batch_size, dims, o.dropout);
  const optimizer = createOptimizer(o, net);
  const rates = lrFindRates(min, max, steps);

  const points: LrFindPoint[] = [];
  let stop: LrFindResult['stop_reason'] = 'max_learning_rate';
  const smooth = debiasedEma(LR_FIND_SMOOTHING);
  let bestSmoothed = Infinity;
  for (let i = 0; i < steps; i++) {
    const batch = batches.next(rng);
    if (batch.dropout) drawDropoutMasks(batch.dropout, rng);
    forward(net, batch.X, batch.fwd, hidden, batch.dropout);
    const loss = forwardLoss(batch.fwd, batch.y);
    if (!Number.isFinite(loss)) {
      stop = 'non_finite';
      break;
    }
    const smoothed = smooth(loss);
    points.push({ step: i, learning_rate: rates[i], loss, smoothed_loss: smoothed });
    bestSmoothed = Math.min(bestSmoothed, smoothed);
    if (smoothed > LR_FIND_DIVERGENCE_FACTOR * bestSmoothed) {
      stop = 'exploded';
      break;
    }
    backward(net, batch.X, batch.y, batch.fwd, batch.grads, hidden, batch.dropout);
    optimizer.step(net, batch.grads, rates[i]); // a non-finite step shows up as the next loss
  }

  let minLoss: LrFindResult['min_loss'] = null;
  for (const p of points) if (minLoss === null || p.smoothed_loss < minLoss.smoothed_loss) minLoss = { learning_rate: p.learning_rate, smoothed_loss: p.smoothed_loss };
  return {
    points,
    stop_reason: stop,
    suggestion: steepestRate(
      points.map((p) => p.learning_rate),
      points.map((p) => p.smoothed_loss),
    ),
    method: LR_FIND_METHOD,
    min_loss: minLoss,
  };
}
