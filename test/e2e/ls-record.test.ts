import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ratesFarApart, readJson, recordedSweep, runCli, runFolders } from '../helpers/cli.js';

// ls takes a finished sweep's counts and best run from its sweep.json while its run folders are as recorded;
// a run changed or removed since is read from the folders, as before.
function lsRow(dir: string): any {
  const r = runCli(['ls', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).rows[0];
}

test('ls of a finished sweep names the best run and counts its runs as its run folders do', () => {
  const rec = recordedSweep('dlsweep-ls-record-', 'l.yaml', 'listed', ratesFarApart('listed'));
  const record = readJson(join(rec.sweep, 'sweep.json'));
  const row = lsRow(rec.dir);
  const metrics = readJson(join(rec.sweep, record.best.run, 'metrics.json'));
  assert.deepEqual([row.status, row.done, row.best_run], ['done', 3, record.best.run]);
  // Machine formats write 12 significant digits.
  assert.ok(Math.abs(row.best - metrics.validation.accuracy) < 1e-9, `${row.best}`);
  const byMetric = JSON.parse(runCli(['ls', '--metric', 'validation.loss', '--format', 'json'], rec.dir).stdout).rows[0];
  assert.ok(Math.abs(byMetric.best - metrics.validation.loss) < 1e-9, `${byMetric.best}`);
});

test('ls of a finished sweep whose runs changed after its end shows what the runs say now', () => {
  const rec = recordedSweep('dlsweep-ls-changed-', 'l.yaml', 'changed', ratesFarApart('changed'));
  const best = readJson(join(rec.sweep, 'sweep.json')).best.run;
  const other = runFolders(rec.sweep).find((f) => f !== best)!;
  // Another run's record made better than the best on the objective: it is the best now.
  const path = join(rec.sweep, other, 'metrics.json');
  const m = JSON.parse(readFileSync(path, 'utf8'));
  m.validation.accuracy = 1;
  m.validation.loss = 0.001;
  writeFileSync(path, JSON.stringify(m));
  let row = lsRow(rec.dir);
  assert.deepEqual([row.best_run, row.best], [other, 1]);
  // A run folder removed: two runs done, one pending.
  rmSync(join(rec.sweep, best), { recursive: true });
  row = lsRow(rec.dir);
  assert.deepEqual([row.status, row.done, row.other, row.best_run], ['incomplete', 2, '1 pending', other]);
});
