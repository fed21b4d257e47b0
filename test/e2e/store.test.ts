import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { onlySweep, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

test('a runs folder on a read-only file system: one plain message naming it, exit 1 or 2, no stack, nothing created', async (t) => {
  const dir = tempDir();
  const ro = join(dir, 'ro');
  mkdirSync(ro);
  // A read-only tmpfs is a real read-only file system; mounting needs root (skip elsewhere).
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]).status !== 0) {
    t.skip('cannot mount a tmpfs here (needs root)');
    return;
  }
  try {
    const file = writeExperiment(dir, 'q.yaml', syntheticExperiment('q', '  iterations: [5]'));
    for (const runsDir of [join(ro, 'missing', 'deeper'), join(ro, 'missing'), ro]) {
      for (const command of [['run', file], ['lr-find', file, '--steps', '5']]) {
        const r = runCli(['--runs-dir', runsDir, ...command], dir);
        assert.ok(r.code === 1 || r.code === 2, `${command[0]} --runs-dir ${runsDir}: exit ${r.code}\n${r.stderr}`);
        assert.match(r.stderr, new RegExp(`^error: cannot write ${ro}/\\S*: the file system is read-only \\(EROFS\\)\\nhint: choose a folder on a writable file system`, 'm'));
        assert.doesNotMatch(r.stderr, /internal error|ENOENT|\n\s+at /);
      }
    }
    assert.deepEqual(readdirSync(ro), []);
  } finally {
    spawnSync('umount', ['-l', ro]);
  }
});

test('one damaged run never sinks a reader: ls, compare, show, report and diff go on and warn once per damaged run; verify lists it; resume trains it again to the same bytes', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'dm.yaml', syntheticExperiment('dm', '  learning_rate: [0.05, 0.5]\n  seed: [1, 2]', 'fixed:\n  iterations: 30\n'));
  const other = writeExperiment(dir, 'ok.yaml', syntheticExperiment('ok', '  iterations: [10]'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  assert.equal(runCli(['run', other, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'dm');
  const id = basename(sweep);
  const folders = runFolders(sweep);
  assert.equal(folders.length, 4);
  const original = folders.map((f) => readFileSync(join(sweep, f, 'metrics.json'), 'utf8'));
  // A partial copy, a record that says done with nothing else, a cut model, a run folder without params.json.
  writeFileSync(join(sweep, folders[0], 'metrics.json'), '{"status": "do');
  writeFileSync(join(sweep, folders[1], 'metrics.json'), '{"status":"done"}');
  const model = readFileSync(join(sweep, folders[2], 'model.json'), 'utf8');
  writeFileSync(join(sweep, folders[2], 'model.json'), model.slice(0, model.length >> 1));
  rmSync(join(sweep, folders[3], 'params.json'));
  const damagedByReaders = [folders[0], folders[1], folders[3]];
  const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning: '));
  const expectWarnings = (stderr: string, expected: string[]) => {
    const w = warnings(stderr);
    assert.equal(w.length, expected.length, stderr);
    expected.forEach((f, i) => assert.match(w[i], new RegExp(`^warning: dm/${id}/${f} is damaged: `)));
  };

  const ls = runCli(['ls', '--format', 'json'], dir);
  assert.equal(ls.code, 0, ls.stderr);
  expectWarnings(ls.stderr, damagedByReaders);
  const lsRows = JSON.parse(ls.stdout).rows;
  assert.deepEqual(lsRows.map((r: any) => r.experiment), ['ok', 'dm']);
  const dm = lsRows[1];
  // Never "done" beside runs that have no result.
  assert.deepEqual([dm.status, dm.done, dm.other], ['incomplete', 1, '3 damaged']);
  assert.match(warnings(ls.stderr)[0], /metrics\.json is not valid JSON \(14 bytes, cut short\)/);
  assert.match(warnings(ls.stderr)[1], /metrics\.json: status done without any metrics/);
  assert.match(warnings(ls.stderr)[2], /params\.json is missing/);

  const compare = runCli(['compare', 'dm', '--format', 'json'], dir);
  assert.equal(compare.code, 0, compare.stderr);
  expectWarnings(compare.stderr, damagedByReaders);
  const rows = JSON.parse(compare.stdout).rows;
  assert.equal(rows.length, 4, 'the folder without params.json is listed too');
  assert.deepEqual(rows.map((r: any) => [r.run, r.status]).sort(), folders.map((f, i) => [f, i === 2 ? 'done' : 'damaged']).sort());

  for (const args of [['show', 'dm'], ['report', 'dm'], ['show', `${id}/1`], ['diff', `${id}/1`, `${id}/3`]]) {
    const r = runCli(args, dir);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(warnings(r.stderr).length >= 1, r.stderr);
    assert.doesNotMatch(r.stderr, /^error/m);
  }
  assert.match(runCli(['show', 'dm'], dir).stdout, /^dm\/\S+ {2}incomplete\n[\s\S]*1 done, 0 diverged, 0 failed, 3 damaged \(grid of 4/);

  // verify reads every file, model.json included.
  const verify = runCli(['verify', 'dm'], dir);
  assert.equal(verify.code, 1, verify.stderr);
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[0]}: metrics\\.json is not valid JSON`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[1]}: metrics\\.json: status done without any metrics`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[2]}: model\\.json is not valid JSON`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[3]}: params\\.json is missing`));
  assert.match(verify.stdout, /resume would train 4 grid points again \(4 damaged\)/);
  assert.match(verify.stdout, /2 sweeps checked|1 sweep checked/);
  const all = runCli(['verify'], dir);
  assert.equal(all.code, 1);
  assert.match(all.stdout, /2 sweeps checked under .*: 1 with damaged files/);

  const resumed = runCli(['run', file, '--resume', '--quiet'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  for (const f of folders) assert.match(resumed.stderr, new RegExp(`^warning: ${f}: .*: training it again$`, 'm'));
  assert.deepEqual(folders.map((f) => readFileSync(join(sweep, f, 'metrics.json'), 'utf8')), original);
  assert.equal(readFileSync(join(sweep, folders[2], 'model.json'), 'utf8'), model);
  const after = runCli(['verify', 'dm'], dir);
  assert.equal(after.code, 0, after.stdout);
  assert.match(after.stdout, /4 run folders checked \(grid of 4\), 4 sound\n {2}ok: every run is recorded and sound/);
  const ls2 = runCli(['ls', 'dm', '--format', 'json'], dir);
  assert.equal(ls2.stderr, '');
  assert.deepEqual([JSON.parse(ls2.stdout).rows[0].status, JSON.parse(ls2.stdout).rows[0].done], ['done', 4]);
});
