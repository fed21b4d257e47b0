/**
 * The fast engine against the TypeScript reference: train one request on both, and compare the results
 * (structure exactly, numbers to a relative tolerance).
 */
import assert from 'node:assert/strict';
import { Rng } from '../../src/train/rng.js';
import { train } from '../../src/train/train.js';
import type { Matrix, SplitData, TrainRequest, TrainResult } from '../../src/train/types.js';
import { withEngine } from './engine.js';

/** Trains the request on both paths (the fast one forced, so an unsupported request fails loudly). */
export function both(req: TrainRequest): { ts: TrainResult; fast: TrainResult; tsProgress: number[]; fastProgress: number[] } {
  const tsProgress: number[] = [];
  const fastProgress: number[] = [];
  const ts = train(withEngine('ts', req), (k) => tsProgress.push(k));
  const fast = train(withEngine('fast', req), (k) => fastProgress.push(k));
  return { ts, fast, tsProgress, fastProgress };
}

export function relClose(a: number | null, b: number | null, tol: number, what: string): void {
  if (a === null || b === null) {
    assert.equal(a, b, what);
    return;
  }
  const scale = Math.max(Math.abs(a), Math.abs(b), 1e-300);
  assert.ok(Math.abs(a - b) <= tol * scale, `${what}: ${a} vs ${b} (relative ${Math.abs(a - b) / scale})`);
}

/** Asserts two results of the same request agree: structure exactly, numbers to `tol` (relative). */
export function assertAgree(fast: TrainResult, ts: TrainResult, tol: number, label: string): void {
  // Same fields everywhere, so a field added to one engine's results is noticed in the other.
  assert.deepEqual(Object.keys(fast).sort(), Object.keys(ts).sort(), `${label}: result fields`);
  fast.checkpoints.forEach((c, i) => assert.deepEqual(Object.keys(c).sort(), Object.keys(ts.checkpoints[i] ?? {}).sort(), `${label}: checkpoint fields`));
  assert.equal(fast.status, ts.status, `${label}: status`);
  assert.equal(fast.iterations_run, ts.iterations_run, `${label}: iterations_run`);
  assert.deepEqual(fast.stopped, ts.stopped, `${label}: early stop`);
  assert.deepEqual(fast.diverged?.iteration, ts.diverged?.iteration, `${label}: diverged at`);
  if (ts.diverged) relClose(fast.diverged!.last_finite_loss, ts.diverged.last_finite_loss, tol, `${label}: last finite loss`);
  assert.deepEqual(
    fast.curve.map((p) => p.iteration),
    ts.curve.map((p) => p.iteration),
    `${label}: curve iterations`,
  );
  fast.curve.forEach((p, i) => {
    relClose(p.train_loss, ts.curve[i].train_loss, tol, `${label}: train loss at ${p.iteration}`);
    relClose(p.validation_loss, ts.curve[i].validation_loss, tol, `${label}: validation loss at ${p.iteration}`);
  });
  assert.equal(fast.checkpoints.length, ts.checkpoints.length);
  fast.checkpoints.forEach((c, i) => {
    const r = ts.checkpoints[i];
    const at = `${label}: checkpoint ${c.iteration}`;
    assert.equal(c.iteration, r.iteration, at);
    assert.equal(c.status, r.status, at);
    assert.equal(c.model === undefined, r.model === undefined, at);
    assert.deepEqual([c.stopped_at, c.stop_reason, c.restored_from], [r.stopped_at, r.stop_reason, r.restored_from], `${at}: early stop`);
    for (const split of ['train', 'validation'] as const) {
      assert.equal(c[split].length, r[split].length);
      c[split].forEach((m, t) => {
        const ref = r[split][t];
        relClose(m.loss, ref.loss, tol, `${at} ${split} loss`);
        relClose(m.roc_auc, ref.roc_auc, 1e-12, `${at} ${split} roc_auc`);
        // Thresholded predictions are identical (no probability lies within 1e-9 of a threshold here).
        assert.deepEqual(m.confusion, ref.confusion, `${at} ${split} confusion at ${m.threshold}`);
      });
    }
    if (c.model && r.model) {
      assert.deepEqual(c.model.dims, r.model.dims);
      c.model.W.forEach((W, l) =>
        W.forEach((row, o) => row.forEach((w, k) => assert.ok(Math.abs(w - r.model!.W[l][o][k]) <= tol * Math.max(1, Math.abs(w)), `${at} W${l}[${o}][${k}]`))),
      );
      c.model.b.forEach((b, l) => b.forEach((v, o) => assert.ok(Math.abs(v - r.model!.b[l][o]) <= tol * Math.max(1, Math.abs(v)), `${at} b${l}[${o}]`)));
    }
  });
}

/** Random data: X uniform in [0, 1) ([features x m]), labels from a random linear rule with 10% noise. */
export function randomSplit(features: number, m: number, seed: number): SplitData {
  const rng = new Rng(seed);
  const X: Matrix = { rows: features, cols: m, data: new Float64Array(features * m) };
  const w = Array.from({ length: features }, () => rng.standardNormal());
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let f = 0; f < features; f++) {
      const v = rng.uniform(0, 1);
      X.data[f * m + j] = v;
      s += w[f] * (v - 0.5);
    }
    y[j] = (s > 0) !== rng.uniform(0, 1) < 0.1 ? 1 : 0;
  }
  return { X, y };
}

