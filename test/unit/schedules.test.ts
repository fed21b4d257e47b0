/**
 * Learning-rate schedules at known points, their checks, and which trainings the planner shares across
 * iteration counts (schedules shaped by the total count and early stopping are not shared).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dependsOnLength, learningRateAt, resolveSchedule, sgdrCycle } from '../../src/train/schedules.js';
import { canShareIterations } from '../../src/experiment/params.js';
import { parseExperiment } from '../../src/experiment/load.js';
import { planSweep, summarizePlan, type DataShape } from '../../src/sweep/plan.js';
import { train } from '../../src/train/train.js';
import type { LrSchedule, TrainRequest } from '../../src/train/types.js';

const at = (s: Partial<LrSchedule> & { kind: LrSchedule['kind'] }, t: number, total = 1000, base = 0.1): number =>
  learningRateAt(resolveSchedule(s), base, t, total);

function near(a: number, b: number, tol = 1e-15): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
}

test('constant: the base rate at every update', () => {
  for (const t of [0, 1, 500, 999]) assert.equal(at({ kind: 'constant' }, t), 0.1);
});

test('step: drop^floor(t / every)', () => {
  const s = { kind: 'step' as const, drop: 0.5, every: 1000 };
  assert.equal(at(s, 0, 5000), 0.1);
  assert.equal(at(s, 999, 5000), 0.1);
  assert.equal(at(s, 1000, 5000), 0.05);
  assert.equal(at(s, 2500, 5000), 0.025);
  // drop defaults to 0.5
  assert.equal(at({ kind: 'step', every: 10 }, 10), 0.05);
});

test('exponential: exp(-decay_rate t); half the rate at t = ln 2 / decay_rate', () => {
  const s = { kind: 'exponential' as const, decay_rate: 0.001 };
  assert.equal(at(s, 0), 0.1);
  near(at(s, Math.LN2 / 0.001, 2000), 0.05, 1e-14);
  near(at(s, 1000, 2000), 0.1 / Math.E, 1e-14);
});

test('inverse_time: 1 / (1 + decay_rate t); half at t = 1 / decay_rate, a third at 2 / decay_rate', () => {
  const s = { kind: 'inverse_time' as const, decay_rate: 0.01 };
  assert.equal(at(s, 0), 0.1);
  near(at(s, 100), 0.05);
  near(at(s, 200), 0.1 / 3);
});

test('cosine: the base rate at 0, half of it at half the updates, the minimum at the end', () => {
  const s = { kind: 'cosine' as const };
  assert.equal(at(s, 0, 1000), 0.1);
  near(at(s, 500, 1000), 0.05); // (1 + cos(pi/2)) / 2 = 1/2
  near(at(s, 250, 1000), 0.1 * (1 + Math.SQRT1_2) / 2);
  near(at(s, 1000, 1000), 0, 1e-16);
  // With a floor: halfway between base and floor at half the updates.
  near(at({ kind: 'cosine', min_learning_rate: 0.02 }, 500, 1000), 0.06);
  near(at({ kind: 'cosine', min_learning_rate: 0.02 }, 1000, 1000), 0.02);
});

test('sgdr: cosine cycles that restart at the base rate; cycle i lasts period * multiplier^i', () => {
  const s = { kind: 'sgdr' as const, period: 10, multiplier: 2 };
  assert.equal(at(s, 0), 0.1);
  near(at(s, 5), 0.05); // half of cycle 0 (0..9)
  assert.equal(at(s, 10), 0.1); // restart; cycle 1 is 10..29
  near(at(s, 20), 0.05); // half of cycle 1
  assert.equal(at(s, 30), 0.1); // restart; cycle 2 is 30..69
  near(at(s, 50), 0.05);
  assert.equal(at(s, 70), 0.1);
  // multiplier 1: equal cycles
  const e = { kind: 'sgdr' as const, period: 100 };
  assert.equal(at(e, 300), 0.1);
  near(at(e, 350), 0.05);
  // The cycle arithmetic is exact far out (no drift of the closed form).
  let start = 0;
  let length = 7;
  for (let i = 0; i < 25; i++) {
    assert.deepEqual(sgdrCycle(start, 7, 3), { cur: 0, length }, `cycle ${i} start`);
    assert.deepEqual(sgdrCycle(start + length - 1, 7, 3), { cur: length - 1, length }, `cycle ${i} end`);
    start += length;
    length *= 3;
  }
});

test('one_cycle: rises linearly to the peak at the warm-up fraction, then falls to the minimum', () => {
  const s = { kind: 'one_cycle' as const, max_learning_rate: 1, warmup_fraction: 0.3 };
  assert.equal(at(s, 0, 1000), 0.1);
  near(at(s, 150, 1000), 0.55); // halfway up: (0.1 + 1) / 2
  assert.equal(at(s, 300, 1000), 1); // the peak at 0.3 * 1000
  near(at(s, 650, 1000), 0.5); // halfway down from 1 to 0
  near(at(s, 1000, 1000), 0, 1e-16);
  near(at({ ...s, min_learning_rate: 0.01 }, 1000, 1000), 0.01);
  // The peak moves with the fraction and the total.
  assert.equal(at({ ...s, warmup_fraction: 0.5 }, 1000, 2000), 1);
  // warmup_fraction defaults to 0.3.
  assert.equal(at({ kind: 'one_cycle', max_learning_rate: 2 }, 60, 200), 2);
});

test('only cosine and one_cycle depend on the total count', () => {
  const kinds: [LrSchedule, boolean][] = [
    [{ kind: 'constant' }, false],
    [resolveSchedule({ kind: 'step', every: 5 }), false],
    [resolveSchedule({ kind: 'exponential', decay_rate: 0.1 }), false],
    [resolveSchedule({ kind: 'inverse_time', decay_rate: 0.1 }), false],
    [resolveSchedule({ kind: 'sgdr', period: 5 }), false],
    [resolveSchedule({ kind: 'cosine' }), true],
    [resolveSchedule({ kind: 'one_cycle', max_learning_rate: 1 }), true],
  ];
  for (const [s, depends] of kinds) {
    assert.equal(dependsOnLength(s), depends, s.kind);
    assert.equal(canShareIterations({ lr_schedule: s, early_stopping: null }), !depends, s.kind);
  }
  assert.equal(canShareIterations({ lr_schedule: { kind: 'constant' }, early_stopping: { patience: 3, min_delta: 0, restore_best: true } }), false);
  assert.equal(canShareIterations({}), true);
});

test('resolveSchedule fills defaults and rejects bad fields', () => {
  assert.deepEqual(resolveSchedule(undefined), { kind: 'constant' });
  assert.deepEqual(resolveSchedule({ kind: 'sgdr', period: 5 }), { kind: 'sgdr', period: 5, multiplier: 1, min_learning_rate: 0 });
  assert.throws(() => resolveSchedule({ kind: 'linear' }), /unknown kind "linear"/);
  assert.throws(() => resolveSchedule('cosine'), /must be an object/);
  assert.throws(() => resolveSchedule({ kind: 'step', every: 0 }), /every must be an integer >= 1/);
  assert.throws(() => resolveSchedule({ kind: 'step', every: 10, drop: 1.5 }), /drop must be a number in \(0, 1\]/);
  assert.throws(() => resolveSchedule({ kind: 'one_cycle', max_learning_rate: 1, warmup_fraction: 1 }), /warmup_fraction/);
  assert.throws(() => resolveSchedule({ kind: 'exponential' }), /needs "decay_rate"/);
});

test('a prefix of a training with a step schedule equals the shorter training (so sharing it is exact)', () => {
  const m = 40;
  const X = { rows: 2, cols: m, data: Float64Array.from({ length: 2 * m }, (_, i) => Math.sin(i * 0.37)) };
  const y = Float64Array.from({ length: m }, (_, j) => (X.data[j] + X.data[m + j] > 0 ? 1 : 0));
  const req = (checkpoints: number[], lr_schedule: object): TrainRequest => ({
    config: { hidden_sizes: [3], init: 'he_normal', learning_rate: 0.5, seed: 4, lr_schedule },
    checkpoints,
    thresholds: [0.5],
    curve_every: 10,
    train: { X, y },
    validation: { X, y },
  });
  const step = { kind: 'step', drop: 0.5, every: 20 };
  assert.deepEqual(train(req([30, 90], step)).checkpoints[0], train(req([30], step)).checkpoints[0]);
  // ...which is not true of cosine: its rate at update t depends on the total.
  const cosine = { kind: 'cosine', min_learning_rate: 0 };
  assert.notDeepEqual(train(req([30, 90], cosine)).checkpoints[0].model, train(req([30], cosine)).checkpoints[0].model);
});

const SHAPE: DataShape = { fingerprint: 'f'.repeat(64), features: 4, trainSamples: 100, folds: 1 };

function plan(grid: string, fixed = '') {
  const text = `name: share\ndataset:\n  synthetic: {kind: blobs, samples: 100, features: 4}\n${fixed ? `fixed:\n${fixed}\n` : ''}grid:\n${grid}\n`;
  const exp = parseExperiment(text, 'share.yaml', { cwd: '/tmp' });
  const p = planSweep(exp, SHAPE);
  const s = summarizePlan(exp, SHAPE);
  assert.equal(s.trainings, p.trainings.length, 'summarizePlan agrees with planSweep');
  assert.equal(s.plannedIterations, p.plannedIterations, 'summarizePlan agrees with planSweep');
  return p;
}

test('planSweep: length-free schedules share iteration counts; cosine, one_cycle and early stopping do not', () => {
  const p = plan(
    [
      '  lr_schedule:',
      '    - {kind: constant}',
      '    - {kind: step, every: 100}',
      '    - {kind: exponential, decay_rate: 0.001}',
      '    - {kind: inverse_time, decay_rate: 0.001}',
      '    - {kind: sgdr, period: 50, multiplier: 2}',
      '    - {kind: cosine}',
      '    - {kind: one_cycle, max_learning_rate: 0.5}',
      '  iterations: [100, 300, 500]',
    ].join('\n'),
  );
  assert.equal(p.gridSize, 21);
  // 5 shared trainings (one per length-free schedule, run to 500) + 2 x 3 separate ones.
  assert.equal(p.trainings.length, 5 + 6);
  for (const t of p.trainings) {
    const kind = (t.config.lr_schedule as LrSchedule).kind;
    if (kind === 'cosine' || kind === 'one_cycle') assert.equal(t.checkpoints.length, 1, kind);
    else assert.deepEqual(t.checkpoints, [100, 300, 500], kind);
  }
  assert.equal(p.plannedIterations, 5 * 500 + 2 * (100 + 300 + 500));

  const es = plan('  iterations: [100, 300]\n  threshold: [0.5, 0.9]', '  early_stopping: {patience: 10}');
  assert.equal(es.trainings.length, 2); // one per iteration count; thresholds still share
  for (const t of es.trainings) assert.deepEqual(t.thresholds, [0.5, 0.9]);
  assert.deepEqual((es.trainings[0].config.early_stopping as object), { patience: 10, min_delta: 0, restore_best: true });
});

test('loader: schedules on a grid are completed with their defaults, so equal settings are one value', () => {
  const text = [
    'name: s',
    'dataset:',
    '  synthetic: {kind: blobs, samples: 100, features: 4}',
    'grid:',
    '  lr_schedule: [{kind: cosine}, {kind: cosine, min_learning_rate: 0}, {kind: sgdr, period: 10}]',
  ].join('\n');
  const exp = parseExperiment(text, 's.yaml', { cwd: '/tmp' });
  const axis = exp.axes[0];
  assert.deepEqual(axis.values, [
    { kind: 'cosine', min_learning_rate: 0 },
    { kind: 'sgdr', period: 10, multiplier: 1, min_learning_rate: 0 },
  ]);
  assert.deepEqual(axis.spellings, ['{kind: cosine}', '{kind: sgdr, period: 10}']);
  assert.equal(exp.warnings.length, 1);
  assert.match(exp.warnings[0].message, /duplicate value `\{kind: cosine, min_learning_rate: 0\}`/);
  assert.deepEqual(exp.fixed.lr_schedule, undefined);
  assert.deepEqual(parseExperiment('name: d\ndataset:\n  synthetic: {kind: blobs, samples: 100, features: 4}\n', 'd.yaml', { cwd: '/tmp' }).fixed.lr_schedule, { kind: 'constant' });
});

test('experiments/optimizers.yaml loads: optimizer x lr_schedule x learning_rate on a holdout fitted on the training rows', async () => {
  const { loadExperiment } = await import('../../src/experiment/load.js');
  const e = loadExperiment('experiments/optimizers.yaml');
  assert.deepEqual(e.axes.map((a) => [a.name, a.values.length]), [['optimizer', 4], ['lr_schedule', 3], ['learning_rate', 3]]);
  assert.deepEqual(e.warnings, []);
  assert.equal(e.dataset.split.kind, 'holdout');
  assert.deepEqual(e.dataset.normalize, { kind: 'minmax', fit: 'train' });
  assert.deepEqual(e.axes[1].values[1], { kind: 'step', drop: 0.5, every: 500 });
});
