import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExperiment } from '../../src/experiment/index.js';
import { planStages, planSweep, type DataShape } from '../../src/sweep/plan.js';
import { wideningOf } from '../../src/sweep/extend.js';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRunFolders } from '../../src/store/paths.js';
import { readRuns } from '../../src/store/read-runs.js';
import { findRunInSweep } from '../../src/report/run-address.js';

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

test('past 9,999 runs: an extension numbers its runs 10000-... after 9999-...; readers list them in run order and find them by number', () => {
  // 99 learning rates x 101 seeds = 9,999 runs (folders of 4 digits); one more seed adds 99 runs, 10000-10098.
  const rates = Array.from({ length: 99 }, (_, i) => ((i + 1) / 1000).toFixed(3)).join(', ');
  const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ');
  const before = exp('  hidden_sizes: [5]', `  learning_rate: [${rates}]\n  seed: [${seeds(101)}]`);
  const after = exp('  hidden_sizes: [5]', `  learning_rate: [${rates}]\n  seed: [${seeds(102)}]`);
  const plan = planStages([before, after], shape, { maxRuns: 20_000 });
  assert.equal(plan.gridSize, 10_098);
  const folder = (n: number) => plan.runs[n - 1].folder;
  assert.match(folder(9999), /^9999-[0-9a-f]{8}$/);
  assert.match(folder(10_000), /^10000-[0-9a-f]{8}$/);
  // A plain string sort would put 10000-... between 1000-... and 1001-...
  const shuffled = plan.runs.map((r) => r.folder).reverse();
  assert.deepEqual([...shuffled].sort(compareRunFolders), plan.runs.map((r) => r.folder));

  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-10k-'));
  const picked = [1, 2, 1000, 1001, 9999, 10_000, 10_001, 10_098];
  for (const n of [...picked].reverse()) mkdirSync(join(dir, folder(n)));
  assert.deepEqual(readRuns(dir).map((r) => r.folder), picked.map(folder));
  assert.deepEqual(readRuns(dir).map((r) => r.params.index), picked.map((n) => n - 1));
  for (const n of picked) assert.equal(findRunInSweep(dir, String(n)).folder, folder(n));
  assert.throws(() => findRunInSweep(dir, '10099'), /\(runs 1-10098\)/);
});
