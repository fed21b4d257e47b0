import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, recordedSweep, runCli, runFolders } from '../helpers/cli.js';

const FILE = `name: again
dataset:
  synthetic: {kind: blobs, samples: 200, features: 4, noise: 0.5, seed: 3}
fixed:
  hidden_sizes: [5]
grid:
  learning_rate: [0.1, 0.3]
  iterations: [50, 100]
  threshold: [0.5, 0.7]
record:
  curve_every: 10
`;

function sweeps(runs: string): string[] {
  return readdirSync(join(runs, 'again')).filter((n) => /^\d{8}-\d{6}-[0-9a-f]{4}$/.test(n)).sort();
}

/** Each run's files (metrics.json, curve.csv, model.json, predictions.csv, roc.csv) by run_id. */
function filesById(sweep: string, name: string): Map<string, string> {
  return new Map(runFolders(sweep).map((f) => [readJson(join(sweep, f, 'params.json')).run_id, readFileSync(join(sweep, f, name), 'utf8')]));
}

test('an identical re-run trains nothing: every run is copied, byte-identical and marked reused (show, compare, results.csv); --no-reuse trains again', () => {
  const { dir, runs, file, id: first, sweep: source } = recordedSweep('dlsweep-reuse-', 'a.yaml', 'again', FILE);
  // Two trainings (one per learning rate) to 100 updates serve the 8 runs.
  assert.equal(readJson(join(source, 'sweep.json')).updates_trained, 200);

  const plan = runCli(['plan', file], dir);
  assert.match(plan.stdout, new RegExp(`reuse: 8 of 8 runs recorded with the same identity in again/${first}, will be copied instead of trained; 0 trainings \\(0 updates\\) left to run`));

  const r = runCli(['run', file, '--workers', '1'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /reuse: 8 of 8 runs .* copied instead of trained/);
  const second = join(runs, 'again', sweeps(runs)[1]);
  assert.equal(readJson(join(second, 'sweep.json')).updates_trained, 0, 'no training ran');
  for (const name of ['metrics.json', 'curve.csv', 'model.json', 'predictions.csv', 'roc.csv']) assert.deepEqual(filesById(second, name), filesById(source, name), name);
  for (const f of runFolders(second)) {
    const p = readJson(join(second, f, 'params.json'));
    assert.deepEqual(p.reused_from, { sweep: `again/${first}`, run: f }, 'same grid: the same folder in the source');
  }
  const show = runCli(['show', `${sweeps(runs)[1]}/1`], dir);
  assert.match(show.stdout, new RegExp(`reused from again/${first}/0001-`));
  const c = JSON.parse(runCli(['compare', sweeps(runs)[1], '--format', 'json'], dir).stdout);
  assert.ok(c.rows.every((row: any) => typeof row.reused_from === 'string' && row.reused_from.startsWith(`again/${first}/`)));
  assert.match(readFileSync(join(second, 'results.csv'), 'utf8').split('\n')[0], /,reused_from$/);

  // --no-reuse trains every run again, to the same numbers.
  const fresh = runCli(['run', file, '--quiet', '--workers', '1', '--no-reuse'], dir);
  assert.equal(fresh.code, 0, fresh.stderr);
  const third = join(runs, 'again', sweeps(runs)[2]);
  assert.equal(readJson(join(third, 'sweep.json')).updates_trained, 200);
  assert.deepEqual(filesById(third, 'metrics.json'), filesById(source, 'metrics.json'));
  assert.ok(runFolders(third).every((f) => readJson(join(third, f, 'params.json')).reused_from === undefined));

  // Removing the source sweep leaves the copies whole.
  assert.equal(runCli(['rm', `again/${first}`, '--yes'], dir).code, 0);
  const verify = runCli(['verify', sweeps(runs)[0]], dir);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
});

test('a damaged source run is not reused: its training runs again; a wider grid copies what it can and trains the rest', () => {
  const { dir, runs, file, id: first, sweep: source } = recordedSweep('dlsweep-reuse-damaged-', 'a.yaml', 'again', FILE);
  // Cut short the model of run 0004 (learning_rate 0.1, 100 updates, threshold 0.7).
  const victim = runFolders(source)[3];
  assert.deepEqual(readJson(join(source, victim, 'params.json')).params.learning_rate, 0.1);
  const model = join(source, victim, 'model.json');
  writeFileSync(model, readFileSync(model, 'utf8').slice(0, 40));

  // The grid gains 150 updates: learning rate 0.1's runs need a training to 150 anyway (no reuse for the
  // new length), 0.3's too; the damaged run is trained by learning rate 0.1's training.
  writeFileSync(file, FILE.replace('iterations: [50, 100]', 'iterations: [50, 100, 150]'));
  const r = runCli(['run', file, '--workers', '1'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /reuse: 7 of 12 runs/);
  const second = join(runs, 'again', sweeps(runs)[1]);
  const reused = runFolders(second).filter((f) => readJson(join(second, f, 'params.json')).reused_from);
  assert.equal(reused.length, 7);
  const damagedId = readJson(join(source, victim, 'params.json')).run_id;
  const retrained = runFolders(second).find((f) => readJson(join(second, f, 'params.json')).run_id === damagedId)!;
  assert.equal(readJson(join(second, retrained, 'params.json')).reused_from, undefined);
  assert.equal(readJson(join(second, retrained, 'metrics.json')).status, 'done');
  // Two trainings to 150 updates: one per learning rate.
  assert.equal(readJson(join(second, 'sweep.json')).updates_trained, 300);
  // The retrained run has the numbers the source had before it was damaged (its metrics.json was intact).
  assert.equal(readFileSync(join(second, retrained, 'metrics.json'), 'utf8'), readFileSync(join(source, victim, 'metrics.json'), 'utf8'));
});
