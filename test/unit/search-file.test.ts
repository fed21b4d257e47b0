import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings, recordedSettings, searchRecordProblems } from '../../src/store/search-file.js';
import type { SearchSettings } from '../../src/search/method.js';
import { tempRunsDir } from './report-fixtures.js';

const SETTINGS: SearchSettings = { method: 'asha', trials: 12, seed: 4, sampler: 'quasirandom', minIterations: 50, maxIterations: 450, reductionFactor: 3, goal: 'minimize' };

test('search.json settings: snake_case, only those that apply to the method (reductionFactor was recorded for random and tpe too)', () => {
  assert.deepEqual(recordedSettings(SETTINGS), { method: 'asha', trials: 12, seed: 4, sampler: 'quasirandom', min_iterations: 50, max_iterations: 450, reduction_factor: 3, goal: 'minimize' });
  for (const method of ['random', 'quasirandom', 'tpe'] as const) {
    assert.deepEqual(recordedSettings({ ...SETTINGS, method, sampler: 'random' }), { method, trials: 12, seed: 4, goal: 'minimize' }, method);
  }
  // Hyperband's brackets decide its trials.
  assert.deepEqual(recordedSettings({ ...SETTINGS, method: 'hyperband', trials: 0 }), { method: 'hyperband', seed: 4, sampler: 'quasirandom', min_iterations: 50, max_iterations: 450, reduction_factor: 3, goal: 'minimize' });
});

test('search.json settings read back in snake_case whichever spelling they were written in', () => {
  const old = { method: 'random', trials: 6, seed: 1, sampler: 'random', reductionFactor: 3, goal: 'minimize' };
  assert.deepEqual(readSettings(old), { method: 'random', trials: 6, seed: 1, sampler: 'random', reduction_factor: 3, goal: 'minimize' });
  assert.deepEqual(readSettings({ minIterations: 20, maxIterations: 180 }), { min_iterations: 20, max_iterations: 180 });
  // Both spellings: the snake_case one is the record's.
  assert.deepEqual(readSettings({ reduction_factor: 2, reductionFactor: 3 }), { reduction_factor: 2 });
  assert.deepEqual(readSettings({ reductionFactor: 3, reduction_factor: 2 }), { reduction_factor: 2 });
});

test('a search.json not written yet is no damage while the search is unfinished (it is written after the first batch), but is once sweep.json records the search done', () => {
  const dir = join(tempRunsDir(), 'e', '20260101-100000-aaaa');
  mkdirSync(dir, { recursive: true });
  for (const status of ['running', 'stopped', 'interrupted', 'failed']) assert.deepEqual(searchRecordProblems(dir, { status, search: { method: 'asha' } }), [], status);
  assert.deepEqual(searchRecordProblems(dir, { status: 'done', search: { method: 'asha' } }), ['search.json is missing']);
  // A grid has none to check.
  assert.deepEqual(searchRecordProblems(dir, { status: 'done' }), []);
  // Cut short: damage whatever the status (it is written atomically).
  writeFileSync(join(dir, 'search.json'), '{"method":');
  assert.match(searchRecordProblems(dir, { status: 'running', search: { method: 'asha' } })[0], /^search\.json is not valid JSON/);
});
