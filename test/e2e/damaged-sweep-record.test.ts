/**
 * A sweep whose own record (sweep.json) was damaged outside dlsweep: its run folders are intact, so readers of
 * runs still list them, and no message advises removing a folder that holds them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { onlySweep, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

test('a damaged sweep.json: compare and show of a run still read the intact runs with one warning; no message says to remove a folder', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'sr.yaml', syntheticExperiment('sr', '  learning_rate: [0.05, 0.5]', 'fixed:\n  iterations: 20\n'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'sr');
  const id = basename(sweep);
  const folders = runFolders(sweep);
  assert.equal(folders.length, 2);
  writeFileSync(join(sweep, 'sweep.json'), '{"id": "cut sh');

  const compare = runCli(['compare', `sr/${id}`, '--columns', 'run,status', '--format', 'json'], dir);
  assert.equal(compare.code, 0, compare.stderr);
  const rows = (JSON.parse(compare.stdout) as { rows: { run: string; status: string }[] }).rows;
  assert.deepEqual(rows.map((r) => r.run).sort(), folders);
  assert.ok(rows.every((r) => r.status === 'done'));
  const warnings = compare.stderr.split('\n').filter((l) => l.startsWith('warning: '));
  assert.equal(warnings.length, 1, compare.stderr);
  assert.match(warnings[0], /sweep\.json is not valid JSON; the runs of sr\/\S+ are read without the tags it recorded/);

  const show = runCli(['show', `sr/${id}/1`], dir);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(folders[0]));

  // Readers that need the record itself refuse with one message, and it keeps the folder that holds the runs.
  for (const args of [['show', `sr/${id}`], ['report', `sr/${id}`], ['run', file, '--resume', '--quiet']]) {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: \S+sweep\.json is not valid JSON\nhint: the sweep's record was edited or damaged outside dlsweep; its run folders are intact: keep the folder/);
    assert.doesNotMatch(r.stderr, /remove the run folder|\n\s+at /);
  }
  assert.deepEqual(runFolders(sweep), folders);
  assert.ok(readdirSync(sweep).includes('sweep.json'));
});
