import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExperiment } from '../../src/experiment/index.js';
import { planStages, planSweep, type DataShape } from '../../src/sweep/plan.js';
import { wideningOf } from '../../src/sweep/extend.js';

const shape: DataShape = { fingerprint: 'f'.repeat(64), features: 4, trainSamples: 160, folds: 1 };

function exp(fixed: string, grid: string) {
  const text = `name: w\ndataset:\n  synthetic: {kind: blobs, samples: 200, features: 4}\nfixed:\n${fixed}\ngrid:\n${grid}\n`;
  return parseExperiment(text, 'w.yaml', { cwd: '/tmp' });
}

test('a fixed value that becomes an axis keeping it is a widening; the old points keep their numbers and identities, the new ones follow in the new grid order', () => {
  const before = exp('  hidden_sizes: [5]\n  seed: 1', '  learning_rate: [0.1, 0.3]');
  const after = exp('  seed: 1', '  hidden_sizes: [[8], [5]]\n  learning_rate: [0.1, 0.3, 0.2]');
  const { widening, refusals } = wideningOf(before, after);
  assert.deepEqual(refusals, []);
  assert.deepEqual(widening.added, { hidden_sizes: ['[8]'], learning_rate: ['0.2'] });
  assert.equal(widening.points, 6 - 2);

  const old = planSweep(before, shape);
  const plan = planStages([before, after], shape);
  assert.equal(plan.gridSize, 6);
  // Runs 1 and 2 are the first grid's, by identity and folder.
  assert.deepEqual(plan.runs.slice(0, 2).map((r) => [r.id, r.folder]), old.runs.map((r) => [r.id, r.folder]));
  // Then the new grid's order (hidden_sizes [8] first, as written), skipping points run already.
  const described = plan.runs.map((r) => `${JSON.stringify(r.params.hidden_sizes)}/${r.params.learning_rate}`);
  assert.deepEqual(described, ['[5]/0.1', '[5]/0.3', '[8]/0.1', '[8]/0.3', '[8]/0.2', '[5]/0.2']);
  assert.deepEqual(plan.runs.map((r) => r.index), [0, 1, 2, 3, 4, 5]);
  // Identities are those of a fresh plan of the wide grid: the same runs, numbered differently.
  assert.deepEqual(new Set(plan.runs.map((r) => r.id)), new Set(planSweep(after, shape).runs.map((r) => r.id)));
  // One grid only: exactly planSweep.
  assert.equal(planStages([after], shape).planHash, planSweep(after, shape).planHash);
});

test('what is not a widening is named: a removed value, a changed fixed value, a fixed value dropped from its new axis, another dataset', () => {
  const before = exp('  hidden_sizes: [5]\n  seed: 1', '  learning_rate: [0.1, 0.3]');
  assert.deepEqual(wideningOf(before, exp('  hidden_sizes: [5]\n  seed: 1', '  learning_rate: [0.1]')).refusals, ['learning_rate: value 0.3 removed']);
  assert.deepEqual(wideningOf(before, exp('  hidden_sizes: [5]\n  seed: 2', '  learning_rate: [0.1, 0.3]')).refusals, ['fixed seed changed: 1 -> 2']);
  assert.deepEqual(wideningOf(before, exp('  seed: 1', '  learning_rate: [0.1, 0.3]\n  hidden_sizes: [[8], [9]]')).refusals, ['hidden_sizes: value [5] removed']);
  const other = parseExperiment(before.text.replace('features: 4}', 'features: 5}'), 'w.yaml', { cwd: '/tmp' });
  assert.deepEqual(wideningOf(before, other).refusals, ['the dataset changed (dataset.synthetic.features: 4 -> 5)']);
});
