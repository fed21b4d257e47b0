/** What travels over the queue: data and outcomes round-trip exactly; damaged or oversized payloads are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JOB_BYTES, MAX_STATE_BYTES, decodeData, decodeOutcome, encodeData, encodeOutcome, jobIdOf, sha256Of, validateJob } from '../../src/execute/queue/payload.js';
import { withinStateLimit } from '../../src/execute/queue/executor.js';
import { train } from '../../src/train/train.js';
import { parseQueueUrl, redactUrl } from '../../src/execute/queue/url.js';
import type { Outcome } from '../../src/execute/executor.js';
import type { TrainingConfig } from '../../src/train/types.js';
import { learnable } from '../helpers/random-data.js';

const folds = [
  { train: learnable(7, 1), validation: learnable(3, 2) },
  { train: learnable(5, 3), validation: learnable(4, 4) },
];

test('queue data: two folds round-trip bit for bit; a changed byte, a truncation or a wrong checksum is refused', () => {
  const bytes = encodeData(folds);
  const sha = sha256Of(bytes);
  assert.deepEqual(decodeData(bytes, sha), folds);
  // 8 bytes of magic and length, the header padded to 8, then (3x7 + 7 + 3x3 + 3) + (3x5 + 5 + 3x4 + 4) doubles.
  const header = JSON.stringify({ folds: [{ train: [3, 7], validation: [3, 3] }, { train: [3, 5], validation: [3, 4] }] }).length;
  assert.equal(bytes.length, Math.ceil((8 + header) / 8) * 8 + 8 * (21 + 7 + 9 + 3 + 15 + 5 + 12 + 4));
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 1] ^= 1;
  assert.throws(() => decodeData(flipped, sha), /do not match their checksum/);
  const short = bytes.subarray(0, bytes.length - 8);
  assert.throws(() => decodeData(short, sha256Of(short)), /truncated/);
  const long = Buffer.concat([bytes, Buffer.alloc(8)]);
  assert.throws(() => decodeData(long, sha256Of(long)), /longer than their header says/);
  const other = Buffer.from(bytes);
  other.write('XXXX', 0);
  assert.throws(() => decodeData(other, sha256Of(other)), /not in dlsweep's format/);
});

test('queue outcomes keep NaN, ±Infinity and -0, which plain JSON loses; malformed outcomes are refused', () => {
  const outcome = {
    status: 'done',
    results: [{ status: 'done', checkpoints: [{ iteration: 1, loss: NaN, w: -0 }], curve: [{ iteration: 0, train_loss: Infinity, validation_loss: -Infinity }], iterations_run: 1 }],
    training_ms: 1.5,
  } as unknown as Outcome;
  const back = decodeOutcome(encodeOutcome(outcome), 1);
  assert.deepEqual(back, outcome);
  assert.ok(Object.is((back as unknown as { results: { checkpoints: { w: number }[] }[] }).results[0].checkpoints[0].w, -0));
  assert.notDeepEqual(JSON.parse(JSON.stringify(outcome)), outcome, 'plain JSON would have lost them');
  assert.throws(() => decodeOutcome(encodeOutcome(outcome), 2), /malformed results/);
  assert.throws(() => decodeOutcome(JSON.stringify({ status: 'interrupted', training_ms: 0 }), 1), /status "interrupted"/);
  assert.throws(() => decodeOutcome(42, 1), /other than an outcome/);
  assert.deepEqual(decodeOutcome(encodeOutcome({ status: 'failed', error: 'boom', detail: 'stack', training_ms: 2 }), 1), { status: 'failed', error: 'boom', detail: 'stack', training_ms: 2 });
});

test('queue jobs: the engine version is checked first; fields, types and size are checked; the id is the training identity', () => {
  const order = { training: 3, key: 'a'.repeat(64), config: { hidden_sizes: [2], init: 'zeros', learning_rate: 0.1, seed: 1 } as TrainingConfig, checkpoints: [5, 10], thresholds: [0.5], curve_every: 5, engine: 'auto' as const };
  const job = { format: 1, engine_version: '9', sweep: 's', experiment: 'e', order, data: { fingerprint: 'b'.repeat(64), sha256: 'c'.repeat(64), bytes: 100 } };
  assert.deepEqual(validateJob(job, '9'), job);
  assert.throws(() => validateJob({ ...job, format: 'x' }, '8'), /engine version "9", this worker runs version 8/);
  assert.throws(() => validateJob({ ...job, format: 2 }, '9'), /payload format 2/);
  assert.throws(() => validateJob({ ...job, order: { ...order, checkpoints: [-1] } }, '9'), /order\.checkpoints/);
  // The engine's checks of a training's settings, and the planner's bounds, apply on the worker too.
  assert.throws(() => validateJob({ ...job, order: { ...order, checkpoints: [10, 5] } }, '9'), /order\.checkpoints \(ascending/);
  assert.throws(() => validateJob({ ...job, order: { ...order, checkpoints: [1_000_000_001] } }, '9'), /order\.checkpoints \(ascending update counts from 1 to 1000000000\)/);
  assert.throws(() => validateJob({ ...job, order: { ...order, thresholds: [1.5] } }, '9'), /order\.thresholds \(numbers in \[0, 1\]\)/);
  assert.throws(() => validateJob({ ...job, order: { ...order, config: { ...order.config, optimizer: 'sgd2' } } }, '9'), /invalid job payload: order\.config: unknown optimizer "sgd2"/);
  assert.throws(() => validateJob({ ...job, order: { ...order, config: { ...order.config, learning_rate: -1 } } }, '9'), /order\.config: learning_rate must be a finite number >= 0/);
  assert.throws(() => validateJob({ ...job, order: { ...order, config: { ...order.config, require: 'fs' } } }, '9'), /order\.config: unsupported training option "require"/);
  // [1, 5000, 5000, 1]: (1x5000 + 5000) + (5000x5000 + 5000) + (5000x1 + 1) = 25,020,001 weights and biases, over 10,000,000.
  assert.throws(() => validateJob({ ...job, order: { ...order, config: { ...order.config, hidden_sizes: [5000, 5000] } } }, '9'), /refused: the network \[1, 5000, 5000, 1\] has 25,020,001 weights and biases, more than the limit of 10,000,000/);
  assert.throws(() => validateJob({ ...job, order: { ...order, engine: 'gpu' } }, '9'), /order\.engine/);
  assert.throws(() => validateJob({ ...job, order: { ...order, path: '/etc/passwd' } }, '9'), /unknown order field path/);
  assert.throws(() => validateJob({ ...job, data: { ...job.data, sha256: '../../x' } }, '9'), /invalid job payload: data/);
  assert.throws(() => validateJob({ ...job, experiment: 'x'.repeat(MAX_JOB_BYTES) }, '9'), /more than 65536/);
  assert.throws(() => validateJob([job], '9'), /not an object/);
  assert.equal(jobIdOf(order, 'c'.repeat(64)), jobIdOf({ ...order }, 'c'.repeat(64)));
  assert.notEqual(jobIdOf(order, 'c'.repeat(64)), jobIdOf({ ...order, engine: 'ts' }, 'c'.repeat(64)));
  assert.notEqual(jobIdOf(order, 'c'.repeat(64)), jobIdOf({ ...order, thresholds: [0.5, 0.7] }, 'c'.repeat(64)));
  assert.notEqual(jobIdOf(order, 'c'.repeat(64)), jobIdOf(order, 'd'.repeat(64)));
  // Recording the trajectory (record.checkpoints_every) travels with the order and makes it another job.
  const recorded = { ...order, trajectory_every: 10 };
  assert.deepEqual(validateJob({ ...job, order: recorded }, '9').order, recorded);
  assert.throws(() => validateJob({ ...job, order: { ...order, trajectory_every: 0 } }, '9'), /order\.trajectory_every/);
  assert.notEqual(jobIdOf(order, 'c'.repeat(64)), jobIdOf(recorded, 'c'.repeat(64)));
});

test('queue URLs: redis:// and rediss:// with user, password, port and database; passwords are redacted', () => {
  assert.deepEqual(parseQueueUrl('rediss://bob:p%40ss@redis.example.org:6380/2'), {
    host: 'redis.example.org',
    port: 6380,
    db: 2,
    username: 'bob',
    password: 'p@ss',
    tls: true,
    shown: 'rediss://bob:***@redis.example.org:6380/2',
  });
  assert.deepEqual(parseQueueUrl('redis://10.0.0.5'), { host: '10.0.0.5', port: 6379, db: 0, username: undefined, password: undefined, tls: false, shown: 'redis://10.0.0.5' });
  assert.equal(redactUrl('redis://:hunter2@h:1'), 'redis://:***@h:1');
  assert.throws(() => parseQueueUrl('http://h'), /redis:\/\/ or rediss:\/\//);
  assert.throws(() => parseQueueUrl('redis://h/x'), /database number/);
  assert.throws(() => parseQueueUrl('redis://:hunter2@h:99999'), (e: Error) => !e.message.includes('hunter2'));
  // Unparsable text says why, never showing what stands before the @.
  assert.throws(() => parseQueueUrl('redis://:hunter2@127.0.0.1:99999'), (e: Error) => /port 99999 is out of range \(1 to 65535\)/.test(e.message) && !e.message.includes('hunter2') && e.message.includes('redis://***@127.0.0.1:99999'));
  // A URL without a host is shown as typed, its scheme's two slashes kept.
  assert.throws(() => parseQueueUrl('redis://'), (e: Error) => e.message === '--queue redis:// names no host');
  assert.equal(redactUrl('redis://h:1/'), 'redis://h:1');
  assert.equal(redactUrl('redis://h:1/3'), 'redis://h:1/3');
  assert.throws(() => parseQueueUrl('redis://:pw@[::1'), (e: Error) => /IPv6 host must be closed with \]/.test(e.message) && !e.message.includes(':pw'));
});

test('training states travel over the queue as data: kept exactly both ways, checked on both sides, and an order whose states are over the limit goes without them', () => {
  const split = { train: learnable(40, 5), validation: learnable(20, 6) };
  const config = { hidden_sizes: [4], init: 'he_normal', learning_rate: 0.1, seed: 2, optimizer: 'adam' } as TrainingConfig;
  const request = { config, engine: 'ts' as const, checkpoints: [30], thresholds: [0.5], curve_every: 10, ...split };
  const first = train({ ...request, keep_state: true });
  const state = first.state!;
  assert.ok(state, 'the training kept its state');
  // Coordinator <- worker: the state in a result comes back equal, and a damaged one is refused.
  const outcome: Outcome = { status: 'done', results: [first], training_ms: 1 };
  assert.deepEqual(decodeOutcome(encodeOutcome(outcome), 1), outcome);
  // One 32-bit word of MT19937's 624.
  const damaged = { ...outcome, results: [{ ...first, state: { ...state, rng: { ...state.rng, mt: 'AAAAAA==' } } }] } as Outcome;
  assert.throws(() => decodeOutcome(encodeOutcome(damaged), 1), /a worker returned an invalid training state: training state: invalid rng\.mt/);
  // Coordinator -> worker: a continuation's states pass the worker's checks unchanged and name another job.
  const order = { training: 0, key: 'a'.repeat(64), config, checkpoints: [60], thresholds: [0.5], curve_every: 10, engine: 'ts' as const };
  const job = { format: 1, engine_version: '9', sweep: 's', experiment: 'e', order: { ...order, keep_state: true, resume: [state] }, data: { fingerprint: 'b'.repeat(64), sha256: 'c'.repeat(64), bytes: 100 } };
  const received = validateJob(JSON.parse(JSON.stringify(job)), '9');
  assert.deepEqual(received.order.resume, [state]);
  assert.notEqual(jobIdOf(job.order, 'c'.repeat(64)), jobIdOf(order, 'c'.repeat(64)));
  // The continued training on the worker's side equals one training to 60 updates, bit for bit.
  const continuedResult = train({ ...request, checkpoints: [60], resume: received.order.resume![0] });
  assert.deepEqual(continuedResult.checkpoints, train({ ...request, checkpoints: [30, 60] }).checkpoints.slice(1));
  assert.throws(() => validateJob({ ...job, order: { ...job.order, resume: [{ ...state, params: '!!' }] } }, '9'), /invalid job payload: order\.resume: training state/);
  // Over MAX_STATE_BYTES: the coordinator sends the order without its states (trained from the start), the same otherwise.
  const huge = { ...state, curve: 'A'.repeat(MAX_STATE_BYTES) };
  assert.deepEqual(withinStateLimit({ ...order, keep_state: true, resume: [huge] }), { ...order, keep_state: true });
  const small = { ...order, resume: [state] };
  assert.equal(withinStateLimit(small), small);
  assert.throws(() => validateJob({ ...job, order: { ...job.order, resume: [huge] } }, '9'), /refused: the job's training states have \d+ bytes, more than 16777216/);
});
