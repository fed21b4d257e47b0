/**
 * A training's state after some updates, as plain JSON data, so that the training can be continued later,
 * in another worker or on another machine (successive halving promotes a configuration by continuing it).
 *
 * Everything that determines the rest of a training is here: the parameters, the update rule's state
 * (velocity, G, s, Adam's m and v; Adam's step count is the update count), the run's MT19937 stream (its 624
 * words, the index of the next one and numpy's cached normal), the epoch's row order and position
 * (mini-batches), the early-stopping bookkeeping (PatienceTracker: best loss, where, the wait, the best
 * weights), where and why the training stopped if it did, and the curve recorded so far. The schedule's
 * step is the update count, and its shape the horizon (the length the schedule was shaped for).
 *
 * Arrays travel as base64 strings of their little-endian bytes: exact for every double (NaN payloads, -0
 * and ±Infinity included), about 11 characters a double, and JSON as they stand. Parameter blocks (params,
 * s1, s2, the best weights) list the tensors W1 b1 W2 b2 ... in layer order, unpadded.
 *
 * Continuing from a state gives the training one run would have: train() with `resume` returns, for its
 * checkpoints, exactly the result of one training with the earlier training's checkpoints and these, on
 * the same engine path (see train() in train.ts and trainFast() in fast/train-fast.ts).
 */
import type { CurvePoint, EarlyStopping, NetworkParams, TrainingState, TrainResult } from './types.js';
import type { RngState } from './rng.js';
import { isObject } from '../guards.js';

export type { TrainingState } from './types.js';

/** Format of TrainingState; a state of another format is refused. */
export const STATE_FORMAT = 1;

/** base64 of the little-endian bytes of doubles. Throws: nothing. */
export function f64ToBase64(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(8 * i, values[i], true);
  return Buffer.from(bytes).toString('base64');
}

/** Doubles from f64ToBase64's text. Throws: Error when the text is not base64 of a whole number of doubles. */
export function base64ToF64(text: string, what: string): Float64Array {
  const bytes = decode(text, what);
  if (bytes.length % 8 !== 0) throw new Error(`training state: ${what} is not a whole number of doubles`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

/** base64 of the little-endian bytes of uint32 words. Throws: nothing. */
export function u32ToBase64(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setUint32(4 * i, values[i], true);
  return Buffer.from(bytes).toString('base64');
}

/** uint32 words from u32ToBase64's text. Throws: Error when the text is not base64 of whole words. */
export function base64ToU32(text: string, what: string): Uint32Array {
  const bytes = decode(text, what);
  if (bytes.length % 4 !== 0) throw new Error(`training state: ${what} is not a whole number of 32-bit words`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(4 * i, true);
  return out;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decode(text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) throw new Error(`training state: ${what} is not base64`);
  return Buffer.from(text, 'base64');
}

/** Tensors in state order (W1 b1 W2 b2 ...), concatenated; W and b list each layer's arrays. Throws: nothing. */
export function flattenTensors(W: readonly Float64Array[], b: readonly Float64Array[]): Float64Array {
  const n = W.reduce((s, w, l) => s + w.length + b[l].length, 0);
  const out = new Float64Array(n);
  let at = 0;
  for (let l = 0; l < W.length; l++) {
    out.set(W[l], at);
    at += W[l].length;
    out.set(b[l], at);
    at += b[l].length;
  }
  return out;
}

/** A network's parameters in state order. Throws: nothing. */
export function flattenParams(net: NetworkParams): Float64Array {
  return flattenTensors(net.W, net.b);
}

/** Write a state-order block into tensors shaped like `net`'s (lists of W and b arrays). Throws: Error on a length mismatch. */
export function unflattenInto(flat: Float64Array, W: readonly Float64Array[], b: readonly Float64Array[], what: string): void {
  const n = W.reduce((s, w, l) => s + w.length + b[l].length, 0);
  if (flat.length !== n) throw new Error(`training state: ${what} holds ${flat.length} values, the network has ${n}`);
  let at = 0;
  for (let l = 0; l < W.length; l++) {
    W[l].set(flat.subarray(at, at + W[l].length));
    at += W[l].length;
    b[l].set(flat.subarray(at, at + b[l].length));
    at += b[l].length;
  }
}

/**
 * Check an untrusted value (read from a file, received over a queue) for the shape of a TrainingState: types,
 * base64 texts, integer fields. Whether it fits a given training (its network, rows, horizon) is checked by
 * the engine that continues it. Returns the value typed. Throws: Error with a one-line reason.
 */
export function validateState(x: unknown): TrainingState {
  const bad = (what: string): Error => new Error(`training state: invalid ${what}`);
  if (!isObject(x)) throw bad('value (not an object)');
  if (x.format !== STATE_FORMAT) throw new Error(`training state: format ${JSON.stringify(x.format)}, expected ${STATE_FORMAT}`);
  if (x.path !== 'ts' && x.path !== 'fast') throw bad('path');
  const count = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!count(x.iteration)) throw bad('iteration');
  if (!count(x.horizon) || (x.horizon as number) < (x.iteration as number)) throw bad('horizon');
  base64ToF64(x.params as string, 'params');
  base64ToF64(x.s1 as string, 's1');
  base64ToF64(x.s2 as string, 's2');
  const r = x.rng;
  if (!isObject(r) || !Number.isInteger(r.mti) || (r.mti as number) < 0 || (r.mti as number) > 624) throw bad('rng');
  if (base64ToU32(r.mt as string, 'rng.mt').length !== 624) throw bad('rng.mt');
  if (r.gauss !== null && base64ToF64(r.gauss as string, 'rng.gauss').length !== 1) throw bad('rng.gauss');
  if (x.batches !== null) {
    const b = x.batches;
    if (!isObject(b) || !count(b.pos)) throw bad('batches');
    base64ToU32(b.order as string, 'batches.order');
  }
  if (x.patience !== null) {
    const p = x.patience;
    if (!isObject(p) || !Number.isInteger(p.best_at) || (p.best_at as number) < -1 || !count(p.wait)) throw bad('patience');
    if (base64ToF64(p.best_loss as string, 'patience.best_loss').length !== 1) throw bad('patience.best_loss');
    if (p.best !== null) base64ToF64(p.best as string, 'patience.best');
  }
  if (x.stopped !== null) {
    const s = x.stopped;
    if (!isObject(s) || !count(s.iteration) || (s.reason !== 'no_improvement' && s.reason !== 'max_iterations')) throw bad('stopped');
    if (s.restored_from !== undefined && !Number.isInteger(s.restored_from)) throw bad('stopped.restored_from');
  }
  if (base64ToF64(x.curve as string, 'curve').length % 3 !== 0) throw bad('curve');
  return x as unknown as TrainingState;
}

/**
 * Check that a state can continue a training: the same engine path, network shape, early stopping and
 * mini-batching (batchRows: the training rows, null for the full batch), a first checkpoint after the state's
 * update count, and, when the schedule is shaped by the length (lengthShaped), the same horizon.
 * Throws: Error naming the mismatch.
 */
export function checkStateFits(s: TrainingState, fit: { path: 'ts' | 'fast'; paramCount: number; horizon: number; lengthShaped: boolean; firstCheckpoint: number; es: EarlyStopping | null; batchRows: number | null }): void {
  const fail = (what: string) => new Error(`training state does not fit this training: ${what}`);
  if (s.path !== fit.path) throw fail(`it was trained on the ${s.path} path, this training runs on the ${fit.path} path`);
  if (fit.lengthShaped && s.horizon !== fit.horizon) throw fail(`its schedule is shaped for ${s.horizon} updates, this training's for ${fit.horizon}`);
  if (fit.firstCheckpoint <= s.iteration) throw fail(`it is at update ${s.iteration}, the first checkpoint asked is ${fit.firstCheckpoint}`);
  if (base64ToF64(s.params, 'params').length !== fit.paramCount) throw fail('its parameters have another shape');
  if ((s.patience === null) !== (fit.es === null)) throw fail('early stopping differs');
  if ((s.batches === null) !== (fit.batchRows === null)) throw fail('mini-batching differs');
  if (s.batches && base64ToU32(s.batches.order, 'batches.order').length !== fit.batchRows) throw fail('its row order has another length');
}

/** What an engine knows at the end of a training, to be made a TrainingState. */
export interface StateParts {
  path: 'ts' | 'fast';
  iteration: number;
  horizon: number;
  params: Float64Array;
  s1: Float64Array;
  s2: Float64Array;
  rng: RngState;
  batches: { order: Uint32Array; pos: number } | null;
  patience: TrainingState['patience'];
  /** Where early stopping ended the training, when it did (a stop at the iteration limit is not one). */
  stopped: TrainResult['stopped'];
  curve: readonly CurvePoint[];
}

/** The TrainingState of these parts. Throws: nothing. */
export function makeState(p: StateParts): TrainingState {
  const triples = new Float64Array(3 * p.curve.length);
  p.curve.forEach((c, i) => triples.set([c.iteration, c.train_loss, c.validation_loss], 3 * i));
  return {
    format: STATE_FORMAT,
    path: p.path,
    iteration: p.iteration,
    horizon: p.horizon,
    params: f64ToBase64(p.params),
    s1: f64ToBase64(p.s1),
    s2: f64ToBase64(p.s2),
    rng: { mt: u32ToBase64(p.rng.mt), mti: p.rng.mti, gauss: p.rng.hasGauss ? f64ToBase64([p.rng.cachedGauss]) : null },
    batches: p.batches ? { order: u32ToBase64(p.batches.order), pos: p.batches.pos } : null,
    patience: p.patience,
    stopped: p.stopped && p.stopped.reason === 'no_improvement' ? { ...p.stopped } : null,
    curve: f64ToBase64(triples),
  };
}

/** The curve a state carries. Throws: Error when it is not base64 of triples. */
export function curveOfState(s: TrainingState): CurvePoint[] {
  const t = base64ToF64(s.curve, 'curve');
  const out: CurvePoint[] = [];
  for (let i = 0; i + 2 < t.length; i += 3) out.push({ iteration: t[i], train_loss: t[i + 1], validation_loss: t[i + 2] });
  return out;
}

/** The stream's state a TrainingState carries. Throws: Error when malformed. */
export function rngStateOf(s: TrainingState): RngState {
  return { mt: base64ToU32(s.rng.mt, 'rng.mt'), mti: s.rng.mti, hasGauss: s.rng.gauss !== null, cachedGauss: s.rng.gauss !== null ? base64ToF64(s.rng.gauss, 'rng.gauss')[0] : 0 };
}
