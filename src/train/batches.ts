/**
 * The training rows of each update: the whole training split (full batch, the study's), or shuffled
 * mini-batches. With batch size B < m, each epoch starts with a Fisher–Yates shuffle of the row order drawn
 * from the run's stream (Rng.shuffle, numpy's legacy shuffle), then takes consecutive slices of B rows; the
 * last slice of an epoch holds the m mod B remaining rows when B does not divide m (nothing is dropped, as
 * PyTorch's DataLoader with drop_last=False). An epoch is ceil(m / B) updates.
 * Source: Bottou (2012), "Stochastic gradient descent tricks", section 3 ("shuffle the examples").
 *
 * Every buffer (batch matrices, labels, forward/gradient/dropout buffers for the one or two batch sizes) is
 * allocated here, once: next() only copies rows.
 */
import { allocateDropout, allocateForward, allocateGradients, type DropoutBuffers, type ForwardBuffers, type GradientBuffers } from './network.js';
import type { Rng } from './rng.js';
import type { Matrix } from './types.js';

/** One batch: its rows and the buffers a pass over them uses. X: [features x size], y: [size]. */
export interface BatchSlot {
  X: Matrix;
  y: Float64Array;
  fwd: ForwardBuffers;
  grads: GradientBuffers;
  /** Present when dropout > 0. */
  dropout?: DropoutBuffers;
}

/** Yields the batch of each update in turn. */
export class MiniBatches {
  /** True when every update uses all training rows in their original order (no shuffling). */
  readonly fullBatch: boolean;
  /** Updates per pass over the training rows: ceil(m / B), 1 for full batch. */
  readonly updatesPerEpoch: number;
  private readonly X: Matrix;
  private readonly y: Float64Array;
  private readonly size: number;
  private readonly order: Uint32Array;
  /** The slot of a full-size batch (with full batch: the training split itself and its buffers). */
  readonly full: BatchSlot;
  private readonly rest: BatchSlot | undefined;
  private pos = 0;

  /**
   * Shapes: X: [features x m], y: [m]; dims: the network's layer sizes. batchSize null (or >= m) is full
   * batch; dropoutRate > 0 adds dropout buffers to each slot.
   * Throws: Error if batchSize is not null or an integer >= 1.
   */
  constructor(X: Matrix, y: Float64Array, batchSize: number | null, dims: readonly number[], dropoutRate: number) {
    if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize < 1)) {
      throw new Error(`batch_size must be null or an integer >= 1, got ${batchSize}`);
    }
    const m = X.cols;
    this.X = X;
    this.y = y;
    this.fullBatch = batchSize === null || batchSize >= m;
    this.size = this.fullBatch ? m : (batchSize as number);
    this.updatesPerEpoch = Math.ceil(m / this.size);
    this.order = new Uint32Array(this.fullBatch ? 0 : m);
    for (let j = 0; j < this.order.length; j++) this.order[j] = j;
    const slot = (n: number, own: boolean): BatchSlot => ({
      // Full batch reads the training split itself; mini-batches get their own copies of the rows.
      X: own ? { rows: X.rows, cols: n, data: new Float64Array(X.rows * n) } : X,
      y: own ? new Float64Array(n) : y,
      fwd: allocateForward(dims, n),
      grads: allocateGradients(dims, n),
      ...(dropoutRate > 0 ? { dropout: allocateDropout(dims, n, dropoutRate) } : {}),
    });
    this.full = slot(this.size, !this.fullBatch);
    const remainder = m % this.size;
    this.rest = !this.fullBatch && remainder > 0 ? slot(remainder, true) : undefined;
  }

  /** The epoch's row order and the rows of it used, for a training state; null for the full batch. Throws: nothing. */
  exportState(): { order: Uint32Array; pos: number } | null {
    return this.fullBatch ? null : { order: this.order.slice(), pos: this.pos };
  }

  /**
   * Continue an epoch: its row order (a permutation of 0..m-1) and the rows of it already used.
   * Throws: Error when they do not fit these rows.
   */
  importState(order: Uint32Array, pos: number): void {
    const m = this.order.length;
    if (this.fullBatch || order.length !== m || !Number.isInteger(pos) || pos < 0 || pos >= m) throw new Error('training state: the mini-batch order does not fit these rows');
    const seen = new Uint8Array(m);
    for (const j of order) {
      if (j >= m || seen[j]) throw new Error('training state: the mini-batch order is not a permutation of the rows');
      seen[j] = 1;
    }
    this.order.set(order);
    this.pos = pos;
  }

  /**
   * The next update's batch. Mini-batches: at the start of each epoch the row order is reshuffled with `rng`
   * (m - 1 draws of Rng.shuffle); the slot's X and y are overwritten. Full batch: no draw, the same slot.
   * No allocation. Throws: nothing.
   */
  next(rng: Rng): BatchSlot {
    if (this.fullBatch) return this.full;
    const m = this.X.cols;
    if (this.pos === 0) rng.shuffle(this.order);
    const n = Math.min(this.size, m - this.pos);
    const slot = n === this.size ? this.full : this.rest!;
    const src = this.X.data;
    const dst = slot.X.data;
    const features = this.X.rows;
    for (let j = 0; j < n; j++) {
      const row = this.order[this.pos + j];
      slot.y[j] = this.y[row];
      for (let f = 0; f < features; f++) dst[f * n + j] = src[f * m + row];
    }
    this.pos += n;
    if (this.pos === m) this.pos = 0;
    return slot;
  }
}
