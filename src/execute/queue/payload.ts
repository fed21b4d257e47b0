/**
 * What travels over the queue: job payloads (data only: a training order without its data, plus the name of
 * the data), the data of a sweep (sent once, stored under its sha256, cached by workers), and outcomes
 * (results with every number exact). Each side validates what it receives and bounds its size; nothing that
 * travels is code, and nothing names a file.
 */
import { createHash } from 'node:crypto';
import type { PreparedFold } from '../../datasets/index.js';
import { isObject } from '../../guards.js';
import { stableHash } from '../../sweep/identity.js';
import { resolveOptions } from '../../train/options.js';
import { MAX_ITERATIONS, networkSizeProblem } from '../../train/size.js';
import { ENGINE_MODES, type EngineMode, type TrainingConfig, type TrainResult } from '../../train/types.js';
import type { Outcome, TrainingOrder } from '../executor.js';
import { validateState, type TrainingState } from '../../train/state.js';

/** The BullMQ queue that carries trainings. */
export const QUEUE_NAME = 'dlsweep-trainings';
/** Format of the job payload; a worker refuses another. */
export const PAYLOAD_FORMAT = 1;
/** A job's payload (settings, not data) is small: a larger one is refused. Training states to continue are counted apart. */
export const MAX_JOB_BYTES = 64 * 1024;
/** The training states a job continues from (order.resume, one per fold). */
export const MAX_STATE_BYTES = 16 * 1024 * 1024;
/** The encoded data of one sweep. */
export const MAX_DATA_BYTES = 256 * 1024 * 1024;
/** One training's encoded outcome (curves and models of every fold). */
export const MAX_OUTCOME_BYTES = 64 * 1024 * 1024;
/** Redis key of a data blob, by the sha256 of its bytes. */
export const dataKey = (sha256: string) => `dlsweep:data:${sha256}`;

/** The payload of one job: one training. */
export interface JobPayload {
  format: number;
  engine_version: string;
  /** The sweep that asked first (shown by `queue status`; the job serves any sweep with the same training). */
  sweep: string;
  experiment: string;
  order: Omit<TrainingOrder, 'data'>;
  /** The data: its fingerprint, the sha256 of its encoded bytes (the Redis key) and their length. */
  data: { fingerprint: string; sha256: string; bytes: number };
}

/** The job id of an order on given data: the training's identity and what is scored, so a second enqueue of the same training is a no-op. */
export function jobIdOf(order: Omit<TrainingOrder, 'data'>, dataSha256: string): string {
  // A continuation (resume) or a training asked for its state is another job than a plain one of that length.
  const more = { ...(order.trajectory_every ? { trajectory_every: order.trajectory_every } : {}), ...(order.horizon !== undefined ? { horizon: order.horizon } : {}), ...(order.keep_state ? { keep_state: true } : {}), ...(order.resume ? { resume: stableHash(order.resume) } : {}) };
  return 't' + stableHash({ key: order.key, config: order.config, checkpoints: order.checkpoints, thresholds: order.thresholds, curve_every: order.curve_every, engine: order.engine, data: dataSha256, ...more });
}

const isCount = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
const isHex = (v: unknown, n: number) => typeof v === 'string' && v.length === n && /^[0-9a-f]+$/.test(v);

/**
 * Check a job's payload as a worker receives it. The engine version is checked first, so that a job from
 * another dlsweep version gets that message rather than a format complaint.
 * Throws: Error with a one-line reason (the job is then refused, not retried).
 */
export function validateJob(data: unknown, engineVersion: string): JobPayload {
  if (!isObject(data)) throw new Error('refused: the job payload is not an object');
  const resume = isObject(data.order) ? data.order.resume : undefined;
  const stateSize = resume === undefined ? 0 : JSON.stringify(resume).length;
  if (stateSize > MAX_STATE_BYTES) throw new Error(`refused: the job's training states have ${stateSize} bytes, more than ${MAX_STATE_BYTES}`);
  const size = JSON.stringify(data).length - stateSize;
  if (size > MAX_JOB_BYTES) throw new Error(`refused: the job payload has ${size} bytes, more than ${MAX_JOB_BYTES}`);
  if (data.engine_version !== engineVersion) {
    throw new Error(
      `refused: the job comes from dlsweep engine version ${JSON.stringify(data.engine_version)}, this worker runs version ${engineVersion}; ` +
        'run workers of the same dlsweep version as the coordinator',
    );
  }
  if (data.format !== PAYLOAD_FORMAT) throw new Error(`refused: payload format ${JSON.stringify(data.format)}, expected ${PAYLOAD_FORMAT}`);
  const bad = (what: string) => new Error(`refused: invalid job payload: ${what}`);
  if (typeof data.sweep !== 'string' || data.sweep.length > 200) throw bad('sweep');
  if (typeof data.experiment !== 'string' || data.experiment.length > 200) throw bad('experiment');
  const o = data.order;
  if (!isObject(o)) throw bad('order');
  if (!isCount(o.training)) throw bad('order.training');
  if (!isHex(o.key, 64)) throw bad('order.key');
  if (!isObject(o.config)) throw bad('order.config');
  // The engine's own check of a training's settings (names, types, ranges), as the coordinator's planner applied it.
  try {
    resolveOptions(o.config as unknown as TrainingConfig);
  } catch (e) {
    throw bad(`order.config: ${(e as Error).message.replace(/^train: /, '')}`);
  }
  // The size limits with one feature (the fewest): the worker checks again with the data's shape.
  const tooLarge = networkSizeProblem(1, o.config.hidden_sizes as number[]);
  if (tooLarge) throw new Error(`refused: ${tooLarge}`);
  const ascending = (a: number[]) => a.every((k, i) => i === 0 || k > a[i - 1]);
  if (!Array.isArray(o.checkpoints) || o.checkpoints.length === 0 || o.checkpoints.length > 10_000 || !o.checkpoints.every((k) => isCount(k, MAX_ITERATIONS) && k >= 1) || !ascending(o.checkpoints)) {
    throw bad(`order.checkpoints (ascending update counts from 1 to ${MAX_ITERATIONS})`);
  }
  if (!Array.isArray(o.thresholds) || o.thresholds.length === 0 || o.thresholds.length > 10_000 || !o.thresholds.every((t) => typeof t === 'number' && t >= 0 && t <= 1)) {
    throw bad('order.thresholds (numbers in [0, 1])');
  }
  if (!isCount(o.curve_every) || o.curve_every < 1) throw bad('order.curve_every');
  if (o.trajectory_every !== undefined && (!isCount(o.trajectory_every) || o.trajectory_every < 1)) throw bad('order.trajectory_every');
  if (!(ENGINE_MODES as readonly unknown[]).includes(o.engine)) throw bad('order.engine');
  const d = data.data;
  if (!isObject(d) || !isHex(d.fingerprint, 64) || !isHex(d.sha256, 64) || !isCount(d.bytes, MAX_DATA_BYTES)) throw bad('data');
  if (o.horizon !== undefined && (!isCount(o.horizon, MAX_ITERATIONS) || (o.horizon as number) < (o.checkpoints as number[]).at(-1)!)) throw bad('order.horizon');
  if (o.keep_state !== undefined && typeof o.keep_state !== 'boolean') throw bad('order.keep_state');
  let states: TrainingState[] | undefined;
  if (o.resume !== undefined) {
    if (!Array.isArray(o.resume) || o.resume.length === 0 || o.resume.length > 1000) throw bad('order.resume');
    try {
      states = o.resume.map((x) => validateState(x));
    } catch (e) {
      throw bad(`order.resume: ${(e as Error).message}`);
    }
  }
  const keys = Object.keys(o).filter((k) => !['training', 'key', 'config', 'checkpoints', 'thresholds', 'curve_every', 'trajectory_every', 'engine', 'horizon', 'keep_state', 'resume'].includes(k));
  if (keys.length) throw bad(`unknown order field ${keys[0]}`);
  return {
    format: PAYLOAD_FORMAT,
    engine_version: engineVersion,
    sweep: data.sweep,
    experiment: data.experiment,
    order: {
      training: o.training,
      key: o.key as string,
      config: o.config as unknown as TrainingConfig,
      checkpoints: o.checkpoints as number[],
      thresholds: o.thresholds as number[],
      curve_every: o.curve_every,
      ...(o.trajectory_every !== undefined ? { trajectory_every: o.trajectory_every as number } : {}),
      engine: o.engine as EngineMode,
      ...(o.horizon !== undefined ? { horizon: o.horizon as number } : {}),
      ...(o.keep_state ? { keep_state: true } : {}),
      ...(states ? { resume: states } : {}),
    },
    data: { fingerprint: d.fingerprint as string, sha256: d.sha256 as string, bytes: d.bytes },
  };
}

const MAGIC = 0x444c5344; // "DLSD"

/**
 * Encode a dataset's folds: "DLSD", the header length (uint32 LE), a JSON header with each split's shape,
 * padding to 8 bytes, then per fold train X, train y, validation X, validation y as float64 LE.
 */
export function encodeData(folds: readonly PreparedFold[]): Buffer {
  const header = Buffer.from(JSON.stringify({ folds: folds.map((f) => ({ train: [f.train.X.rows, f.train.X.cols], validation: [f.validation.X.rows, f.validation.X.cols] })) }));
  const start = Math.ceil((8 + header.length) / 8) * 8;
  const arrays: Float64Array[] = [];
  for (const f of folds) arrays.push(f.train.X.data, f.train.y, f.validation.X.data, f.validation.y);
  const total = start + arrays.reduce((s, a) => s + a.length * 8, 0);
  if (total > MAX_DATA_BYTES) throw new Error(`the data take ${total} bytes encoded, more than the queue's limit of ${MAX_DATA_BYTES}`);
  const buf = Buffer.alloc(total);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(header.length, 4);
  header.copy(buf, 8);
  let at = start;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++, at += 8) buf.writeDoubleLE(a[i], at);
  }
  return buf;
}

/** sha256 hex of bytes. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Decode data encoded by encodeData, checking that its sha256 is `sha256`, its header well-formed and its
 * length exactly what the header says.
 * Throws: Error with a one-line reason.
 */
export function decodeData(buf: Buffer, sha256: string): PreparedFold[] {
  if (buf.length > MAX_DATA_BYTES) throw new Error(`the sweep's data have ${buf.length} bytes, more than ${MAX_DATA_BYTES}`);
  if (sha256Of(buf) !== sha256) throw new Error("the sweep's data do not match their checksum");
  if (buf.length < 8 || buf.readUInt32LE(0) !== MAGIC) throw new Error("the sweep's data are not in dlsweep's format");
  const hlen = buf.readUInt32LE(4);
  if (8 + hlen > buf.length) throw new Error("the sweep's data are truncated");
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(8, 8 + hlen).toString('utf8'));
  } catch {
    throw new Error("the sweep's data header is not JSON");
  }
  const shapes = isObject(header) && Array.isArray(header.folds) ? header.folds : null;
  const shapeOk = (s: unknown) => Array.isArray(s) && s.length === 2 && isCount(s[0], 1e9) && isCount(s[1], 1e9) && s[0] >= 1 && s[1] >= 1;
  if (!shapes || shapes.length < 1 || shapes.length > 1000 || !shapes.every((f) => isObject(f) && shapeOk(f.train) && shapeOk(f.validation))) {
    throw new Error("the sweep's data header is malformed");
  }
  let at = Math.ceil((8 + hlen) / 8) * 8;
  const take = (n: number): Float64Array => {
    if (at + n * 8 > buf.length) throw new Error("the sweep's data are truncated");
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++, at += 8) a[i] = buf.readDoubleLE(at);
    return a;
  };
  const folds = (shapes as { train: [number, number]; validation: [number, number] }[]).map((s) => {
    const split = ([rows, cols]: [number, number]) => ({ X: { rows, cols, data: take(rows * cols) }, y: take(cols) });
    return { train: split(s.train), validation: split(s.validation) };
  });
  if (at !== buf.length) throw new Error("the sweep's data are longer than their header says");
  return folds;
}

/** JSON that keeps every number exactly: NaN, ±Infinity and -0 (which JSON cannot hold) become {"$num": "..."}. */
export function encodeOutcome(outcome: Outcome): string {
  return JSON.stringify(outcome, (_k, v: unknown) => {
    if (typeof v !== 'number') return v;
    if (Number.isNaN(v)) return { $num: 'NaN' };
    if (v === Infinity) return { $num: 'Infinity' };
    if (v === -Infinity) return { $num: '-Infinity' };
    if (Object.is(v, -0)) return { $num: '-0' };
    return v;
  });
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/**
 * Decode an outcome returned by a worker for an order with `folds` folds.
 * Throws: Error when it is too large or not an outcome of that shape.
 */
export function decodeOutcome(text: unknown, folds: number): Outcome {
  if (typeof text !== 'string') throw new Error('a worker returned something other than an outcome');
  if (text.length > MAX_OUTCOME_BYTES) throw new Error(`a worker returned ${text.length} bytes, more than ${MAX_OUTCOME_BYTES}`);
  const v = JSON.parse(text, (_k, x: unknown) => {
    if (isObject(x) && typeof x.$num === 'string' && Object.keys(x).length === 1 && x.$num in SPECIAL) return SPECIAL[x.$num];
    return x;
  }) as unknown;
  if (!isObject(v) || typeof v.training_ms !== 'number') throw new Error('a worker returned a malformed outcome');
  if (v.status === 'done') {
    const results = v.results;
    if (!Array.isArray(results) || results.length !== folds || !results.every((r) => isObject(r) && Array.isArray(r.checkpoints) && Array.isArray(r.curve))) {
      throw new Error('a worker returned malformed results');
    }
    // A training state kept for a later continuation is checked as the worker checks one it continues from.
    for (const r of results as Record<string, unknown>[]) {
      if (r.state === undefined) continue;
      try {
        validateState(r.state);
      } catch (e) {
        throw new Error(`a worker returned an invalid training state: ${(e as Error).message}`);
      }
    }
    return { status: 'done', results: results as unknown as TrainResult[], training_ms: v.training_ms };
  }
  if (v.status === 'failed' && typeof v.error === 'string') {
    return { status: 'failed', error: v.error, ...(typeof v.detail === 'string' ? { detail: v.detail } : {}), training_ms: v.training_ms };
  }
  throw new Error(`a worker returned an outcome with status ${JSON.stringify(v.status)}`);
}
