/**
 * The saved training states of a halving search (store/search-states.ts): written and read back exactly, a
 * damaged or foreign file is not used (the configuration then trains from the start), and pruning keeps only
 * the states still needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pruneStates, readStates, stateFileName, writeStates } from '../../src/store/search-states.js';
import { train } from '../../src/train/train.js';
import type { TrainingConfig } from '../../src/train/types.js';
import { randomSplit } from '../helpers/agree.js';
import { tempDir } from '../helpers/cli.js';

const KEY = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function someState(updates: number) {
  const r = train({
    config: { hidden_sizes: [3], init: 'he_normal', learning_rate: 0.1, seed: 1, optimizer: 'adam' } as TrainingConfig,
    checkpoints: [updates],
    thresholds: [0.5],
    curve_every: 10,
    train: randomSplit(3, 40, 1),
    validation: randomSplit(3, 20, 2),
    keep_state: true,
  });
  return r.state!;
}

test('search states: written atomically and read back equal; missing, damaged or foreign files are not used', () => {
  const dir = tempDir();
  const states = [someState(30), someState(30)];
  writeStates(dir, KEY, 30, states);
  assert.deepEqual(readStates(dir, KEY, 30, 2), states);
  assert.equal(readStates(dir, KEY, 30, 3), undefined, 'another number of folds');
  assert.equal(readStates(dir, KEY, 90, 2), undefined, 'no state at 90 updates');
  assert.equal(readStates(dir, OTHER, 30, 2), undefined, 'another training');
  // A file under the right name that says it is another training's, or is cut short, is not used.
  writeFileSync(join(dir, 'states', stateFileName(OTHER, 30)), JSON.stringify({ key: KEY, updates: 30, folds: states }));
  assert.equal(readStates(dir, OTHER, 30, 2), undefined);
  writeFileSync(join(dir, 'states', stateFileName(KEY, 30)), JSON.stringify({ key: KEY, updates: 30, folds: states }).slice(0, 500));
  assert.equal(readStates(dir, KEY, 30, 2), undefined);
  // A state whose update count is not the file's is refused too.
  writeStates(dir, KEY, 60, states);
  assert.equal(readStates(dir, KEY, 60, 2), undefined);
});

test('search states: pruning keeps the states named, removes the rest (temporary files included), then the folder', () => {
  const dir = tempDir();
  const s = [someState(30)];
  writeStates(dir, KEY, 30, s);
  writeStates(dir, OTHER, 30, s);
  writeFileSync(join(dir, 'states', `${stateFileName(KEY, 90)}.12345`), 'partial');
  pruneStates(dir, new Set([stateFileName(KEY, 30)]));
  assert.deepEqual(readdirSync(join(dir, 'states')), [stateFileName(KEY, 30)]);
  pruneStates(dir, new Set());
  assert.ok(!existsSync(join(dir, 'states')));
  pruneStates(dir, new Set()); // nothing to prune: no error
});
