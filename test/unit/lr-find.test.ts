/** The learning-rate range test: its rates, smoothing, suggestion and stopping rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LR_FIND_DIVERGENCE_FACTOR, lrFind, lrFindRates, smoothLosses, steepestRate } from '../../src/train/lr-find.js';
import { train } from '../../src/train/train.js';
import type { TrainingConfig } from '../../src/train/types.js';
import { learnable } from '../helpers/random-data.js';


test('rates grow geometrically from min to max', () => {
  const r = lrFindRates(1e-4, 1, 5); // ratio (1 / 1e-4)^(1/4) = 10
  [1e-4, 1e-3, 1e-2, 1e-1, 1].forEach((v, i) => assert.ok(Math.abs(r[i] / v - 1) < 1e-12, `${r[i]} vs ${v}`));
  assert.equal(r[0], 1e-4);
});

test('smoothing: bias-corrected moving average with β = 0.98', () => {
  // a0 = 0.02*1 = 0.02,            s0 = 0.02 / (1 - 0.98) = 1
  // a1 = 0.98*0.02 + 0.02*2 = 0.0596,      s1 = 0.0596 / (1 - 0.98²) = 0.0596 / 0.0396 = 1.50505...
  // a2 = 0.98*0.0596 + 0.02*3 = 0.118408,  s2 = 0.118408 / (1 - 0.98³) = 0.118408 / 0.058808 = 2.01346...
  const s = smoothLosses([1, 2, 3]);
  const expected = [1, 0.0596 / 0.0396, 0.118408 / 0.058808];
  s.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `${v} vs ${expected[i]}`));
});

test('suggestion: the rate at the start of the steepest segment, ignoring the noisy first 10% and last 5 points', () => {
  const n = 40;
  const rates = lrFindRates(1e-5, 1e3, n);
  // Loss falls by 0.01 per step, except by 0.5 between points 22 and 23 and by 5 between points 1 and 2
  // (inside the first 10%, left out) and between 37 and 38 (inside the last 5, left out).
  const losses = [10];
  for (let i = 1; i < n; i++) losses.push(losses[i - 1] - (i === 23 ? 0.5 : i === 2 || i === 38 ? 5 : 0.01));
  assert.equal(steepestRate(rates, losses), rates[22]);
  // Too few points to trim: all are used.
  assert.equal(steepestRate([1, 2, 4], [3, 2.9, 1]), 2);
  assert.equal(steepestRate([1], [3]), null);
});

test('lrFind: one update per rate, the first loss is the untrained model\'s, and it stops when the loss explodes', () => {
  const data = learnable(80, 1);
  const config: TrainingConfig = { hidden_sizes: [6], init: 'he_normal', learning_rate: 0.01, seed: 5 };
  const r = lrFind({ config, train: data, min_learning_rate: 1e-4, max_learning_rate: 1e4, steps: 120 });
  assert.ok(r.stop_reason === 'exploded' || r.stop_reason === 'non_finite', r.stop_reason);
  assert.ok(r.points.length < 120);
  const rates = lrFindRates(1e-4, 1e4, 120);
  r.points.forEach((p, i) => {
    assert.equal(p.step, i);
    assert.equal(p.learning_rate, rates[i]);
  });
  // Point 0 is the loss before any update: the k = 0 training loss of train() with the same settings.
  // Compared bit for bit: the TypeScript engine on both sides.
  const t = train({ config, engine: 'ts', checkpoints: [0], thresholds: [0.5], curve_every: 1, train: data, validation: data });
  assert.equal(r.points[0].loss, t.curve[0].train_loss);
  // Point 1 is the loss after one update at rates[0]: train() with that constant rate agrees.
  const t1 = train({ config: { ...config, learning_rate: rates[0] }, engine: 'ts', checkpoints: [1], thresholds: [0.5], curve_every: 1, train: data, validation: data });
  assert.equal(r.points[1].loss, t1.curve[1].train_loss);
  const smoothed = r.points.map((p) => p.smoothed_loss);
  assert.deepEqual(smoothed, smoothLosses(r.points.map((p) => p.loss)));
  if (r.stop_reason === 'exploded') {
    assert.ok(smoothed.at(-1)! > LR_FIND_DIVERGENCE_FACTOR * Math.min(...smoothed));
    assert.ok(smoothed.slice(0, -1).every((s, i) => s <= LR_FIND_DIVERGENCE_FACTOR * Math.min(...smoothed.slice(0, i + 1))));
  }
  // The suggestion is a recorded rate, below where the loss blew up, and where the loss was still falling.
  assert.ok(r.suggestion !== null && rates.includes(r.suggestion));
  const j = rates.indexOf(r.suggestion!);
  assert.ok(j < r.points.length - 1);
  assert.ok(smoothed[j + 1] < smoothed[j]);
  assert.ok(r.min_loss !== null && r.min_loss.smoothed_loss === Math.min(...smoothed));
  // Deterministic.
  assert.deepEqual(lrFind({ config, train: data, min_learning_rate: 1e-4, max_learning_rate: 1e4, steps: 120 }), r);
});

test('lrFind runs all steps when the rates stay small, and honours the config (optimizer, mini-batches, dropout)', () => {
  const data = learnable(64, 2);
  const config: TrainingConfig = { hidden_sizes: [8], init: 'he_normal', learning_rate: 0.01, seed: 1, optimizer: 'adam', batch_size: 16, dropout: 0.2 };
  const r = lrFind({ config, train: data, min_learning_rate: 1e-6, max_learning_rate: 1e-3, steps: 30 });
  assert.equal(r.stop_reason, 'max_learning_rate');
  assert.equal(r.points.length, 30);
  assert.notDeepEqual(r, lrFind({ config: { ...config, dropout: 0 }, train: data, min_learning_rate: 1e-6, max_learning_rate: 1e-3, steps: 30 }));
});

test('lrFind rejects bad ranges', () => {
  const data = learnable(10, 3);
  const config: TrainingConfig = { hidden_sizes: [2], init: 'he_normal', learning_rate: 0.01, seed: 1 };
  assert.throws(() => lrFind({ config, train: data, min_learning_rate: 1, max_learning_rate: 1, steps: 10 }), /0 < min < max/);
  assert.throws(() => lrFind({ config, train: data, min_learning_rate: 0, max_learning_rate: 1, steps: 10 }), /0 < min < max/);
  assert.throws(() => lrFind({ config, train: data, min_learning_rate: 1e-3, max_learning_rate: 1, steps: 1 }), /steps/);
  assert.throws(() => lrFind({ config: { ...config, optimizer: 'sgd' }, train: data, min_learning_rate: 1e-3, max_learning_rate: 1, steps: 5 }), /unknown optimizer/);
});

test('lr-find charts draw the whole smoothed curve: the exploding end is not clipped, only raw losses above it are', async () => {
  const { lrFindChart, lrFindRange, lrFindSpec } = await import('../../src/report/lr-find.js');
  const { renderSvg } = await import('../../src/report/charts.js');
  // Smoothed losses 1, 0.8, 0.5, then 6 (12x the minimum 0.5: the test stopped there); raw losses up to 40.
  const points = [
    [1e-4, 1, 1],
    [1e-3, 0.7, 0.8],
    [1e-2, 0.3, 0.5],
    [1e-1, 40, 6],
  ].map(([learning_rate, loss, smoothed_loss], step) => ({ step, learning_rate, loss, smoothed_loss }));
  const result = { points, stop_reason: 'exploded' as const, suggestion: 1e-3, method: 'steepest', min_loss: { learning_rate: 1e-2, smoothed_loss: 0.5 } };
  assert.deepEqual(lrFindRange(result), { lo: 0.3, hi: 6, rawAbove: 1 });
  const spec = lrFindSpec(result, 't') as unknown as { scales: { name: string; domain: number[] }[]; title: { subtitle?: string } };
  const y = spec.scales.find((s) => s.name === 'y')!;
  assert.ok(y.domain[0] <= 0.3 && y.domain[1] >= 6, `y domain ${y.domain}`);
  assert.equal(spec.title.subtitle, '1 raw loss above 6 cut at the top; the smoothed curve is drawn whole');
  assert.match(await renderSvg(lrFindSpec(result, 't')), /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  // The terminal chart's top label is the highest smoothed loss (it was cut at 4 x 0.5 = 2).
  const top = Number(lrFindChart(result, 20, false).split('\n')[0].trim().split(/\s+/)[0]);
  assert.equal(top, 6);
});
