/** The rules kept in one place: the objective, the statistics, plural, the curve file's reader, network set-up. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OBJECTIVE, compareByObjective, describeObjective, objectiveSortSpec, tiedOnObjective } from '../../src/sweep/objective.js';
import { mean, populationStd, sampleStd, summarize } from '../../src/train/statistics.js';
import { counted, plural } from '../../src/text.js';
import { curveCsv, readCurve } from '../../src/store/curve.js';
import { initialNetwork, initializeParams } from '../../src/train/init.js';
import { resolveOptions } from '../../src/train/options.js';
import { Rng } from '../../src/train/rng.js';
import { logitsAreFinite } from '../../src/train/loss.js';
import { sortRows } from '../../src/report/columns.js';
import { bestOf } from '../../src/report/rows.js';
import { row } from './report-fixtures.js';

test('objective: validation accuracy (higher first), then validation loss (lower first); missing values last', () => {
  assert.deepEqual(DEFAULT_OBJECTIVE.map((k) => [k.metric, k.goal]), [['validation.accuracy', 'maximize'], ['validation.loss', 'minimize']]);
  assert.equal(describeObjective(), 'validation accuracy, then validation loss');
  assert.equal(objectiveSortSpec(), 'validation.accuracy:desc,validation.loss:asc');
  const a = { 'validation.accuracy': 0.9, 'validation.loss': 0.3 };
  const b = { 'validation.accuracy': 0.8, 'validation.loss': 0.1 };
  const c = { 'validation.accuracy': 0.9, 'validation.loss': 0.2 };
  const none = { 'validation.accuracy': null, 'validation.loss': null };
  assert.ok(compareByObjective(a, b) < 0, 'higher accuracy first');
  assert.ok(compareByObjective(c, a) < 0, 'tie on accuracy: lower loss first');
  assert.ok(compareByObjective(b, none) < 0 && compareByObjective(none, b) > 0, 'missing values last');
  assert.equal(compareByObjective(none, none), 0);
  assert.equal(tiedOnObjective(a, { ...a }), true);
  assert.equal(tiedOnObjective(a, c), false);
  // A declared objective, e.g. recall first: the same comparator.
  assert.ok(compareByObjective(b, a, [{ metric: 'validation.loss', goal: 'minimize' }]) < 0);
});

test('the tables\' default order and best marker follow the objective', () => {
  const rows = [
    row(1, { learning_rate: 0.1 }, { 'validation.accuracy': 0.9, 'validation.loss': 0.3 }),
    row(2, { learning_rate: 0.2 }, { 'validation.accuracy': 0.95, 'validation.loss': 0.5 }),
    row(3, { learning_rate: 0.3 }, { 'validation.accuracy': 0.95, 'validation.loss': 0.4 }),
    row(4, { learning_rate: 0.4 }, {}, { status: 'failed' }),
  ];
  assert.deepEqual(sortRows(rows).map((r) => r.index), [3, 2, 1, 4]);
  assert.deepEqual([...bestOf(rows)].map((r) => r.index), [3]);
});

test('stats: population and sample standard deviations by hand', () => {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32; population std sqrt(32/8) = 2,
  // sample std sqrt(32/7).
  const v = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(mean(v), 5);
  assert.equal(populationStd(v), 2);
  assert.equal(sampleStd(v), Math.sqrt(32 / 7));
  assert.equal(sampleStd([3]), null);
  assert.deepEqual(summarize([1, 2, 3]), { mean: 2, std: 1, min: 1, max: 3, n: 3 });
  assert.deepEqual(summarize([]), { mean: null, std: null, min: null, max: null, n: 0 });
});

test('plural and counted', () => {
  assert.equal(plural(1, 'run'), 'run');
  assert.equal(plural(0, 'run'), 'runs');
  assert.equal(plural(2, 'candidate is', 'candidates are'), 'candidates are');
  assert.equal(counted(1, 'group'), '1 group');
  assert.equal(counted(12, 'run'), '12 runs');
});

test('curve.csv: what curveCsv writes, readCurve reads back (CRLF and a missing validation loss too)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-curve-'));
  const curve = [
    { iteration: 0, train_loss: 0.6931471805599453, validation_loss: 0.69 },
    { iteration: 500, train_loss: 0.1 + 0.2, validation_loss: 1e-17 },
  ];
  writeFileSync(join(dir, 'curve.csv'), curveCsv(curve));
  assert.deepEqual(readCurve(dir), curve);
  writeFileSync(join(dir, 'curve.csv'), 'iteration,train_loss,validation_loss\r\n0,0.5,\r\n10,0.25,0.3\r\n');
  const back = readCurve(dir);
  assert.equal(back.length, 2);
  assert.ok(Number.isNaN(back[0].validation_loss));
  assert.deepEqual(back[1], { iteration: 10, train_loss: 0.25, validation_loss: 0.3 });
  assert.deepEqual(readCurve(join(dir, 'absent')), []);
});

test('initialNetwork: dims from the options, weights from Rng(seed), the activation recorded', () => {
  const o = resolveOptions({ hidden_sizes: [4, 3], init: 'he_normal', learning_rate: 0.1, seed: 7, activation: 'leaky_relu', leaky_relu_slope: 0.2 });
  const { net, hidden, dims, rng } = initialNetwork(o, 5);
  assert.deepEqual(dims, [5, 4, 3, 1]);
  assert.equal(hidden.name, 'leaky_relu');
  assert.equal(net.hidden_activation, 'leaky_relu');
  assert.equal(net.leaky_relu_slope, 0.2);
  const fresh = new Rng(7);
  assert.deepEqual(net.W, initializeParams([5, 4, 3, 1], 'he_normal', fresh).W);
  // The stream continues where the weights left it.
  assert.equal(rng.uniform(0, 1), fresh.uniform(0, 1));
});

test('logitsAreFinite: false for NaN and ±Infinity, true otherwise', () => {
  assert.equal(logitsAreFinite(Float64Array.of(1, -2, 3e300)), true);
  assert.equal(logitsAreFinite(Float64Array.of(1, NaN)), false);
  assert.equal(logitsAreFinite(Float64Array.of(-Infinity, 1)), false);
  // Each finite, but the sum overflows: the loss could too.
  assert.equal(logitsAreFinite(Float64Array.of(1.7e308, 1.7e308)), false);
});
