/**
 * Continuing a training from its state: on each engine path, a training of a updates whose state is
 * continued to b updates gives, bit for bit, what one training with checkpoints [a, b] gives at b (curve,
 * metrics, model, early stop), for every kind of state (update rules' states, the stream under mini-batches
 * and dropout, early stopping's bookkeeping and its stop, a schedule shaped for a longer horizon). The state
 * goes through JSON on the way, as it does through a file or a queue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { train } from '../../src/train/train.js';
import { validateState, type TrainingState } from '../../src/train/state.js';
import type { EngineMode, TrainingConfig, TrainRequest, TrainResult } from '../../src/train/types.js';
import { randomSplit } from '../helpers/agree.js';

const trainSplit = randomSplit(5, 150, 41);
const validation = randomSplit(5, 47, 42);

function request(engine: EngineMode, config: Partial<TrainingConfig>, checkpoints: number[], extra: Partial<TrainRequest> = {}): TrainRequest {
  return {
    config: { hidden_sizes: [6, 4], init: 'he_normal', learning_rate: 0.05, seed: 3, ...config } as TrainingConfig,
    engine,
    checkpoints,
    thresholds: [0.3, 0.5],
    curve_every: 20,
    train: trainSplit,
    validation,
    ...extra,
  };
}

const viaJson = (s: TrainingState): TrainingState => validateState(JSON.parse(JSON.stringify(s)));

/** What one training with checkpoints [a, b] gives at b, and what a training of a continued to b gives. */
function continued(engine: EngineMode, config: Partial<TrainingConfig>, a: number, b: number, horizon?: number): { one: TrainResult; two: TrainResult; first: TrainResult } {
  const h = horizon !== undefined ? { horizon } : {};
  const one = train(request(engine, config, [a, b], h));
  const first = train(request(engine, config, [a], { ...h, keep_state: true }));
  assert.ok(first.state, 'the first training returns its state');
  const two = train(request(engine, config, [b], { ...h, resume: viaJson(first.state!) }));
  return { one, two, first };
}

const CASES: [string, Partial<TrainingConfig>][] = [
  ['gradient descent', {}],
  ['momentum with L2', { optimizer: 'momentum', l2: 0.01 }],
  ['adam', { optimizer: 'adam', learning_rate: 0.01 }],
  ['rmsprop, tanh', { optimizer: 'rmsprop', learning_rate: 0.01, activation: 'tanh' }],
  ['mini-batches (an epoch cut at the boundary) and dropout', { batch_size: 32, dropout: 0.2 }],
  ['early stopping with restore_best', { early_stopping: { patience: 4 }, learning_rate: 1 }],
  ['step schedule', { lr_schedule: { kind: 'step', every: 50 } }],
];

for (const engine of ['ts', 'fast'] as const) {
  test(`training state (${engine}): a continued training equals one training, bit for bit`, () => {
    for (const [label, config] of CASES) {
      const { one, two } = continued(engine, config, 70, 230);
      assert.equal(two.status, one.status, label);
      assert.deepEqual(two.checkpoints, [one.checkpoints[1]], `${label}: checkpoint`);
      assert.deepEqual(two.curve, one.curve, `${label}: curve`);
      assert.equal(two.iterations_run, one.iterations_run, label);
      assert.deepEqual(two.stopped, one.stopped, `${label}: stop`);
      // The state is what continues (a training from the start would give the same numbers as `one`): the
      // state of another seed's training, continued under this config, ends elsewhere.
      const stranger = train(request(engine, { ...config, seed: 4 }, [70], { keep_state: true })).state!;
      const other = train(request(engine, config, [230], { resume: viaJson(stranger) }));
      assert.notDeepEqual(other.checkpoints[0].model, one.checkpoints[1].model, `${label}: continued from another state`);
    }
  });

  test(`training state (${engine}): a schedule shaped by the length follows the horizon, continued or not`, () => {
    for (const schedule of [{ kind: 'cosine' }, { kind: 'one_cycle', max_learning_rate: 0.5 }]) {
      const config = { lr_schedule: schedule } as Partial<TrainingConfig>;
      const { one, two } = continued(engine, config, 60, 180, 540);
      assert.deepEqual(two.checkpoints, [one.checkpoints[1]], schedule.kind);
      assert.deepEqual(two.curve, one.curve, schedule.kind);
      // A prefix of the 540-update schedule is not the 180-update schedule: the horizon is honoured.
      const short = train(request(engine, config, [180]));
      assert.notDeepEqual(short.checkpoints[0].validation, two.checkpoints[0].validation, schedule.kind);
      // At the horizon itself the training is a plain one of that length.
      const plain = train(request(engine, config, [540]));
      const first = train(request(engine, config, [180], { horizon: 540, keep_state: true }));
      const rest = train(request(engine, config, [540], { horizon: 540, resume: viaJson(first.state!) }));
      assert.deepEqual(rest.checkpoints, plain.checkpoints, `${schedule.kind} at the horizon`);
    }
  });

  test(`training state (${engine}): a training stopped early stays stopped, with its restored weights`, () => {
    // A large rate with little patience stops well before 300 updates.
    const config: Partial<TrainingConfig> = { early_stopping: { patience: 2 }, learning_rate: 3, batch_size: 50 };
    const { one, two, first } = continued(engine, config, 200, 300);
    assert.ok(first.stopped?.reason === 'no_improvement' && first.stopped.iteration < 200, 'the first training stopped early');
    assert.equal(first.state!.stopped?.iteration, first.stopped!.iteration);
    assert.deepEqual(two.checkpoints, [one.checkpoints[1]]);
    assert.deepEqual(two.stopped, one.stopped);
    assert.deepEqual(two.curve, one.curve);
  });
}

test('training state: a state is refused by a training it does not fit', () => {
  const first = train(request('ts', {}, [50], { keep_state: true }));
  const s = first.state!;
  assert.throws(() => train(request('ts', {}, [50], { resume: s })), /it is at update 50, the first checkpoint asked is 50/);
  assert.throws(() => train(request('fast', {}, [80], { resume: s })), /trained on the ts path, this training runs on the fast path/);
  assert.throws(() => train(request('ts', { hidden_sizes: [3] }, [80], { resume: s })), /parameters have another shape/);
  const cosine = { lr_schedule: { kind: 'cosine' } } as Partial<TrainingConfig>;
  const shaped = train(request('ts', cosine, [50], { keep_state: true, horizon: 100 })).state!;
  assert.throws(() => train(request('ts', cosine, [80], { resume: shaped, horizon: 200 })), /shaped for 100 updates, this training's for 200/);
  assert.doesNotThrow(() => train(request('ts', {}, [80], { resume: s, horizon: 200 })), 'a constant rate has no horizon to match');
  assert.throws(() => train(request('ts', {}, [80], { resume: { ...s, params: 'not base64!' } })), /params is not base64/);
  assert.throws(() => train(request('ts', {}, [80], { resume: { ...s, format: 99 } })), /format 99, expected 1/);
  assert.throws(() => train(request('ts', {}, [80], { horizon: 70 })), /horizon must be an integer >= the last checkpoint \(80\)/);
  // A diverged training has no state to continue.
  const diverged = train(request('ts', { learning_rate: 1e300, init: 'he_uniform' }, [50], { keep_state: true }));
  assert.equal(diverged.status, 'diverged');
  assert.equal(diverged.state, undefined);
});
