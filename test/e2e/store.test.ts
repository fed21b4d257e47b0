import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, statfsSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CLI, onlySweep, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { mountTmpfs, mountTmpfsOrSkip, unmount } from '../helpers/tmpfs.js';

test('a runs folder on a read-only file system: one plain message naming it, exit 1 or 2, no stack, nothing created', async (t) => {
  const dir = tempDir();
  const ro = join(dir, 'ro');
  mkdirSync(ro);
  // A read-only tmpfs is a real read-only file system; mounting needs root (skip elsewhere).
  if (!mountTmpfsOrSkip(t, ro, 'ro,size=64k')) return;
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
    unmount(ro);
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
  // The table's status cell says only `damaged`: the detail is the warning above it, not a cell as wide as a message.
  const table = runCli(['compare', 'dm', '--columns', 'run,validation.loss'], dir);
  assert.equal(table.code, 0, table.stderr);
  const damagedLines = table.stdout.split('\n').filter((l) => /\bdamaged\b/.test(l));
  assert.equal(damagedLines.length, 3, table.stdout);
  for (const l of damagedLines) assert.match(l, /\bdamaged\s*\W*$/, l);
  assert.doesNotMatch(table.stdout, /is missing|not valid JSON|without any metrics/);

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

/** Pages (4 KiB) used on the file system holding `path`. */
function usedBytes(path: string): number {
  const s = statfsSync(path);
  return (s.blocks - s.bfree) * s.bsize;
}

test('disk full after the last run: sweep.json says failed (never done or running) with the resume command; resume completes; done is written last', async (t) => {
  const dir = tempDir();
  const probe = join(dir, 'probe');
  const runs = join(dir, 'runs');
  mkdirSync(probe);
  mkdirSync(runs);
  if (!mountTmpfsOrSkip(t, probe, 'size=16m')) return;
  try {
    const file = writeExperiment(dir, 'end.yaml', syntheticExperiment('end', '  learning_rate: [0.05, 0.5]\n  seed: [1, 2]', 'fixed:\n  iterations: 30\n'));
    // Measure on a roomy tmpfs what the sweep needs with and without its report.
    const empty = usedBytes(probe);
    const full = runCli(['--runs-dir', probe, 'run', file, '--quiet'], dir);
    assert.equal(full.code, 0, full.stderr);
    const sweep0 = onlySweep(probe, 'end');
    // done is written last: sweep.json after every output.
    const mtime = (f: string) => statSync(join(sweep0, f)).mtimeMs;
    for (const f of ['report.html', 'results.csv', 'table.md']) assert.ok(mtime('sweep.json') >= mtime(f), `sweep.json written before ${f}`);
    const withReport = usedBytes(probe) - empty;
    rmSync(join(sweep0, 'report.html'));
    const withoutReport = usedBytes(probe) - empty;
    assert.ok(withReport - withoutReport >= 3 * 4096, `report.html takes ${withReport - withoutReport} bytes`);
    // A disk with room for every run and half the report.
    const size = withoutReport + Math.floor((withReport - withoutReport) / 2 / 4096) * 4096;
    assert.ok(mountTmpfs(runs, `size=${size}`));
    try {
      const r = runCli(['run', file], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /error: the sweep stopped: cannot write \S*\/(report\.html|sweep\.json|results\.csv|table\.md)\S*: no space left on the device \(ENOSPC\)/);
      assert.match(r.stderr, /then resume: dlsweep run \S*end\.yaml --resume \d{8}-\d{6}-[0-9a-f]{4}\n/);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      const sweep = onlySweep(runs, 'end');
      const meta = JSON.parse(readFileSync(join(sweep, 'sweep.json'), 'utf8'));
      assert.equal(meta.status, 'failed');
      assert.match(meta.error, /ENOSPC/);
      assert.ok(meta.ended_at);
      for (const f of runFolders(sweep)) assert.equal(JSON.parse(readFileSync(join(sweep, f, 'metrics.json'), 'utf8')).status, 'done');
      spawnSync('mount', ['-o', 'remount,size=16m', runs]);
      const again = runCli(['run', file, '--resume', '--quiet'], dir);
      assert.equal(again.code, 0, again.stderr);
      const done = JSON.parse(readFileSync(join(sweep, 'sweep.json'), 'utf8'));
      assert.equal(done.status, 'done');
      assert.equal(done.counts.done, 4);
      assert.ok(readdirSync(sweep).includes('report.html'));
    } finally {
      unmount(runs);
    }
  } finally {
    unmount(probe);
  }
});

test('ls: a sweep that died without recording its end shows stopped, lasting until it was last seen working, not a growing time', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'dead.yaml', syntheticExperiment('dead', '  iterations: [10]'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'dead');
  // As a kill -9 leaves it: status running, no end, no live holder; last written 5 s after it started, an hour ago.
  const started = Date.now() - 3600_000;
  const meta = JSON.parse(readFileSync(join(sweep, 'sweep.json'), 'utf8'));
  const startedAt = new Date(started).toISOString();
  // Its span of work still open; and a record from before spans were kept (none).
  for (const active of [{ active: [{ started_at: startedAt, ended_at: null }] }, {}]) {
    const { active: _spans, ...older } = meta;
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ ...older, ...active, status: 'running', ended_at: null, started_at: startedAt }));
    utimesSync(join(sweep, 'sweep.json'), new Date(started + 5000), new Date(started + 5000));
    const r = runCli(['ls', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const row = JSON.parse(r.stdout).rows[0];
    assert.equal(row.status, 'stopped');
    assert.ok(Math.abs(row.duration_ms - 5000) < 1000, `duration ${row.duration_ms} ms`);
    assert.doesNotMatch(runCli(['ls'], dir).stdout, /so far/);
  }
});

test('stdout and stderr into one slowly read pipe: exit 0, every line whole and in order', { skip: !existsSync('/bin/bash') && 'needs bash' }, () => {
  const dir = tempDir();
  // 800 runs from 20 trainings, every row printed (--top all): a table of about 100 kB, more than a pipe holds,
  // then the closing line on stderr.
  const thresholds = Array.from({ length: 40 }, (_, i) => ((i + 1) / 41).toFixed(3)).join(', ');
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1).join(', ');
  const file = writeExperiment(dir, 'many.yaml', syntheticExperiment('many', `  threshold: [${thresholds}]\n  seed: [${seeds}]\n  iterations: [1]`));
  const script = `"${process.execPath}" "${CLI}" run many.yaml --workers 2 --top all 2>&1 | (sleep 4; cat) > out.txt; echo "exit \${PIPESTATUS[0]}"`;
  const r = spawnSync('/bin/bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  assert.equal(r.stdout.trim(), 'exit 0', r.stderr);
  const lines = readFileSync(join(dir, 'out.txt'), 'utf8').split('\n');
  const first = lines.findIndex((l) => l.startsWith('┌'));
  const last = lines.findIndex((l) => l.startsWith('└'));
  assert.ok(first > 0 && last > first, 'the table is there');
  // Inside the table every line is a whole table line; the sweep's lines come before it, the summary after.
  for (const l of lines.slice(first + 1, last)) assert.match(l, /^│.*│$/, l.slice(0, 80));
  assert.equal(lines.slice(first, last).filter((l) => /^│ [ *≈] │ \d{4}-[0-9a-f]{8} │/.test(l)).length, 800); // ≈: tied with the best
  const sweepLine = lines.findIndex((l) => l.startsWith('sweep: '));
  const recorded = lines.findIndex((l) => l.startsWith('recorded 800 done, 0 diverged, 0 failed'));
  assert.ok(sweepLine >= 0 && sweepLine < first, `sweep line at ${sweepLine}, table at ${first}`);
  assert.ok(recorded > last, `the closing line (${recorded}) comes after the table (${last})`);
});

test('a plain file named like a run folder is one problem saying what it is and what to do, in every reader; resume refuses it only where a run goes', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'nf.yaml', syntheticExperiment('nf', '  learning_rate: [0.05, 0.5]', 'fixed:\n  iterations: 20\n'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'nf');
  const id = basename(sweep);
  const [first] = runFolders(sweep);
  // A stray file beyond the grid, and a file where run 1's folder was.
  writeFileSync(join(sweep, '0003-deadbeef'), 'notes\n');
  rmSync(join(sweep, first), { recursive: true });
  writeFileSync(join(sweep, first), '');
  const what = 'a file, not a run folder: dlsweep records each run in a folder of this name and never writes such a file; move it out of the sweep folder (or delete it)';
  const once = (stderr: string, folder: string) => {
    assert.equal(stderr.split(`nf/${id}/${folder} is ${what}; it is left out of the results`).length, 2, stderr);
    assert.doesNotMatch(stderr, /ENOTDIR|cannot be read|\n\s+at /);
  };
  for (const command of [['compare', 'nf'], ['show', 'nf/latest'], ['ls'], ['report', 'nf']]) {
    const r = runCli(command, dir);
    assert.equal(r.code, 0, r.stderr);
    once(r.stderr, first);
    once(r.stderr, '0003-deadbeef');
    // No row: the files are not counted as runs.
    assert.doesNotMatch(r.stdout, /deadbeef|damaged/);
    assert.doesNotMatch(r.stdout, new RegExp(first));
  }
  assert.match(runCli(['compare', 'nf'], dir).stdout, new RegExp(`^nf/${id}: 1 run$`, 'm'));
  const v = runCli(['verify'], dir);
  assert.equal(v.code, 1);
  assert.match(v.stdout, new RegExp(`^nf/${id}: 1 run folder checked \\(grid of 2\\), 1 sound$`, 'm'));
  assert.equal(v.stdout.split(`  not a run: ${first}: ${what}\n`).length, 2, v.stdout);
  assert.equal(v.stdout.split(`  not a run: 0003-deadbeef: ${what}\n`).length, 2, v.stdout);
  assert.doesNotMatch(v.stdout, /ENOTDIR|damaged: 0/);
  // Resume: the file sits where run 1 is recorded, so it is refused, the file kept; moved away, resume trains run 1.
  const refused = runCli(['run', file, '--resume', 'latest', '--quiet'], dir);
  assert.equal(refused.code, 2);
  assert.equal(refused.stderr, `error: ${join(sweep, first)} is a file where the folder of run 1 goes: dlsweep records each run in a folder of this name and never writes such a file\nhint: move the file out of the sweep folder (or delete it), then resume again\n`);
  assert.ok(statSync(join(sweep, first)).isFile());
  rmSync(join(sweep, first));
  const resumed = runCli(['run', file, '--resume', 'latest', '--quiet'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stderr, /0003-deadbeef|training it again/);
  assert.ok(statSync(join(sweep, first, 'metrics.json')).isFile());
  assert.equal(readFileSync(join(sweep, '0003-deadbeef'), 'utf8'), 'notes\n');
  // Every run sound, the stray file still named (exit 1), never "ok".
  const after = runCli(['verify'], dir);
  assert.equal(after.code, 1);
  assert.match(after.stdout, new RegExp(`^nf/${id}: 2 run folders checked \\(grid of 2\\), 2 sound\n  not a run: 0003-deadbeef: .*\n  every run is recorded and sound; only the files above are not runs\n`));
});

test('a run folder that is no run of its sweep (another run\'s files copied in, a run of another sweep): readers and verify say to move it out and where; resume and --repair refuse it, writing nothing', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'st.yaml', syntheticExperiment('st', '  learning_rate: [0.05, 0.5]', 'fixed:\n  iterations: 20\n'));
  const other = writeExperiment(dir, 'st-other.yaml', syntheticExperiment('st', '  learning_rate: [0.2]', 'fixed:\n  iterations: 20\n'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'st');
  const id = basename(sweep);
  assert.equal(runCli(['run', other, '--quiet', '--no-reuse'], dir).code, 0);
  const otherSweep = join(dir, 'runs', 'st', readdirSync(join(dir, 'runs', 'st')).filter((n) => /^\d{8}-/.test(n) && n !== id)[0]);
  const [first] = runFolders(sweep);
  const [foreign] = runFolders(otherSweep);
  assert.notEqual(foreign, first);
  // cp -r 0001-... 0009-deadbeef: run 1's files under another name; and a run of the other sweep copied in as it is.
  spawnSync('cp', ['-r', join(sweep, first), join(sweep, '0009-deadbeef')]);
  spawnSync('cp', ['-r', join(otherSweep, foreign), join(sweep, foreign)]);
  const record = readFileSync(join(sweep, 'sweep.json'), 'utf8');
  const aside = `${sweep}.set-aside`;
  // In folder order: the other sweep's run 1 before 0009.
  const move = `mkdir -p ${aside} && mv ${join(sweep, foreign)} ${join(sweep, '0009-deadbeef')} ${aside}/`;

  const v = runCli(['verify', `st/${id}`], dir);
  assert.equal(v.code, 1);
  assert.ok(v.stdout.includes(`  not this sweep's run: 0009-deadbeef: holds the files of run ${first}: its params.json names that folder`), v.stdout);
  assert.ok(v.stdout.includes(`  not this sweep's run: ${foreign}: not a run of the sweep's plan`), v.stdout);
  assert.ok(v.stdout.includes(`  resume refuses the sweep until then: move them out of the sweep folder, e.g. to a folder beside it that no command reads: ${move}\n`), v.stdout);
  // Nothing for resume to train: verify does not advise it.
  assert.doesNotMatch(v.stdout, /resume would train|damaged: 0009/);

  const c = runCli(['compare', `st/${id}`], dir);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stderr, new RegExp(`^warning: st/${id}/0009-deadbeef holds the files of run ${first}: .*move it out of the sweep folder; shown as damaged and left out of the results \\(dlsweep verify st/${id} says where to move it\\)$`, 'm'));
  assert.doesNotMatch(c.stderr, /trains it again/);

  for (const args of [['run', file, '--resume', id, '--quiet'], ['run', file, '--resume', id, '--repair', '--quiet']]) {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(
      r.stderr,
      `error: sweep st/${id} holds 2 run folders that resume cannot make a run of it: ${foreign} is no run of its plan (planned from another grid, data or engine, or copied from another sweep); 0009-deadbeef holds the files of run ${first}\n` +
        `hint: move them out of the sweep folder, e.g. to a folder beside it that no command reads: ${move}, then resume again (nothing was written)\n`,
    );
    assert.equal(readFileSync(join(sweep, 'sweep.json'), 'utf8'), record);
    assert.deepEqual(readdirSync(sweep).filter((n) => n.startsWith('.') || n.includes('damaged')), []);
  }
  // A damaged record too: --repair names the strangers (its other runs are the plan's), keeps the record as it is.
  writeFileSync(join(sweep, 'sweep.json'), '{"id": "cut sh');
  const repair = runCli(['run', file, '--resume', id, '--repair', '--quiet'], dir);
  assert.equal(repair.code, 2, repair.stderr);
  assert.match(repair.stderr, /^error: sweep \S+ holds 2 run folders that resume cannot make a run of it/);
  assert.equal(readFileSync(join(sweep, 'sweep.json'), 'utf8'), '{"id": "cut sh');
  assert.ok(!existsSync(join(sweep, 'sweep.json.damaged')));

  // The hint's command, then --repair rebuilds the record and verify finds every run sound.
  assert.equal(spawnSync('sh', ['-c', move]).status, 0);
  const repaired = runCli(['run', file, '--resume', id, '--repair', '--quiet'], dir);
  assert.equal(repaired.code, 0, repaired.stderr);
  const after = runCli(['verify', `st/${id}`], dir);
  assert.equal(after.code, 0, after.stdout);
  assert.match(after.stdout, /ok: every run is recorded and sound/);
  assert.deepEqual(readdirSync(aside).sort(), ['0009-deadbeef', foreign].sort());
});

test('a symbolic link in the runs folder leading to sweeps elsewhere: ls and a bare compare leave it out with one warning; show, compare, verify, report and ls refuse it, naming the runs folder that holds its sweeps', () => {
  const dir = tempDir();
  const elsewhere = tempDir();
  const file = writeExperiment(dir, 'in.yaml', syntheticExperiment('in', '  iterations: [5]'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const outFile = writeExperiment(elsewhere, 'out.yaml', syntheticExperiment('out', '  iterations: [5]'));
  // Recorded later: the latest sweep of all, were the links followed.
  assert.equal(runCli(['run', outFile, '--quiet'], elsewhere).code, 0);
  const runs = join(dir, 'runs');
  const inSweep = onlySweep(runs, 'in');
  const outSweep = onlySweep(join(elsewhere, 'runs'), 'out');
  const outId = basename(outSweep);
  const target = realpathSync(join(elsewhere, 'runs'));
  // An experiment folder and a sweep folder, each a link leading out.
  symlinkSync(join(elsewhere, 'runs', 'out'), join(runs, 'linked'));
  symlinkSync(outSweep, join(runs, 'in', outId));
  const warnings = [
    `warning: ${join(runs, 'in', outId)} leads outside the runs folder ${runs} (to ${join(target, 'out', outId)}); it is left out: dlsweep reads only the sweeps under --runs-dir (to use that folder pass --runs-dir ${target})`,
    `warning: ${join(runs, 'linked')} leads outside the runs folder ${runs} (to ${join(target, 'out')}); it is left out: dlsweep reads only the sweeps under --runs-dir (to use that folder pass --runs-dir ${target})`,
  ];
  const ls = runCli(['ls'], dir);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(ls.stderr, warnings.join('\n') + '\n');
  assert.match(ls.stdout, new RegExp(basename(inSweep)));
  assert.doesNotMatch(ls.stdout, new RegExp(`linked|out|${outId}`));
  const compare = runCli(['compare'], dir);
  assert.equal(compare.code, 0, compare.stderr);
  assert.equal(compare.stderr, warnings.join('\n') + '\n');
  assert.match(compare.stdout, new RegExp(`^in/${basename(inSweep)}: 1 run$`, 'm'));
  assert.doesNotMatch(compare.stdout, new RegExp(outId));
  for (const ref of ['linked', 'linked/latest', `in/${outId}`]) {
    for (const command of [['show', ref], ['compare', ref], ['verify', ref], ['report', ref], ...(ref === 'linked' ? [['ls', ref]] : [])]) {
      const r = runCli(command, dir);
      assert.equal(r.code, 2, `${command.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, `error: "${ref}" is outside the runs folder ${runs}\nhint: dlsweep reads and changes only the sweeps under --runs-dir; to use that folder pass --runs-dir ${target}\n`, command.join(' '));
    }
  }
  // Named from the runs folder the hint gives, the sweep is read.
  const there = runCli(['--runs-dir', target, 'compare', 'out'], dir);
  assert.equal(there.code, 0, there.stderr);
  assert.match(there.stdout, new RegExp(`^out/${outId}: 1 run$`, 'm'));
});

test('a symbolic link inside the runs folder to a sweep listed under its own name: ls, a bare compare, a sweep id and gc count it once, with no warning; a link to a sweep no listing reaches otherwise stays listed', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'in.yaml', syntheticExperiment('in', '  iterations: [5]'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const runs = join(dir, 'runs');
  const sweep = onlySweep(runs, 'in');
  const id = basename(sweep);
  // A second sweep of the experiment, kept in a hidden folder (no listing looks there) and linked back in.
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const second = readdirSync(join(runs, 'in')).find((n) => /^\d{8}-/.test(n) && n !== id)!;
  mkdirSync(join(runs, '.archive', 'in'), { recursive: true });
  renameSync(join(runs, 'in', second), join(runs, '.archive', 'in', second));
  symlinkSync(join('..', '.archive', 'in', second), join(runs, 'in', second));
  // The experiment folder under a second name, and the first sweep under a second id.
  symlinkSync('in', join(runs, 'alias'));
  symlinkSync(id, join(runs, 'in', '20990101-000000-0000'));
  const ls = runCli(['ls', '--format', 'json'], dir);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(ls.stderr, '');
  assert.deepEqual(
    (JSON.parse(ls.stdout).rows as { experiment: string; sweep: string }[]).map((r) => `${r.experiment}/${r.sweep}`),
    [`in/${second}`, `in/${id}`],
  );
  const compare = runCli(['compare'], dir);
  assert.equal(compare.code, 0, compare.stderr);
  assert.equal(compare.stderr, '');
  assert.match(compare.stdout, new RegExp(`^in/${second}: 1 run$`, 'm'));
  // The sweep id names one sweep (not also alias/ID), and so does its run.
  const shown = runCli(['show', id], dir);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(`^in/${id} `, 'm'));
  assert.equal(runCli(['show', `${id}/1`], dir).code, 0);
  const latest = runCli(['ls', 'in', '--format', 'json'], dir);
  assert.equal(latest.code, 0, latest.stderr);
  assert.equal(JSON.parse(latest.stdout).rows.length, 2);
  // gc counts each sweep once: keeping 2 per experiment removes nothing (the links are no newer sweeps).
  const gc = runCli(['gc', '--keep', '2', '--dry-run'], dir);
  assert.equal(gc.code, 0, gc.stderr);
  assert.equal(gc.stdout, '');
  assert.equal(gc.stderr, 'nothing to remove\n');
  // Named through a link, a sweep is the sweep a listing shows: compare lists its run once, under its own name.
  for (const names of [[`in/${id}`, `alias/${id}`], [`in/${id}`, 'in/20990101-000000-0000'], [`alias/${id}`]]) {
    const named = runCli(['compare', ...names, '--format', 'json'], dir);
    assert.equal(named.code, 0, named.stderr);
    const out = JSON.parse(named.stdout);
    assert.equal(out.title, `in/${id}`, names.join(' '));
    assert.equal(out.rows.length, 1, names.join(' '));
  }
});

test('a damaged predictions.csv or roc.csv: verify lists it, thresholds says how to repair it (not that an older dlsweep wrote the run), resume trains the run again to the same bytes; an older record without them stays sound', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'pr.yaml', syntheticExperiment('pr', '  learning_rate: [0.05, 0.5]\n  seed: [1, 2, 3]', 'fixed:\n  iterations: 30\n'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'pr');
  const id = basename(sweep);
  const folders = runFolders(sweep);
  assert.equal(folders.length, 6);
  const bytes = (f: string, name: string) => readFileSync(join(sweep, f, name), 'utf8');
  const original = folders.map((f) => [bytes(f, 'predictions.csv'), bytes(f, 'roc.csv')]);
  const lines = original[2][0].split('\n');
  // Deleted; a validation row dropped (the file still parses); a probability edited (still in [0, 1]); roc.csv
  // deleted; roc.csv with a count edited.
  rmSync(join(sweep, folders[0], 'predictions.csv'));
  writeFileSync(join(sweep, folders[1], 'predictions.csv'), original[1][0].replace(/\n[^\n]*\n$/, '\n'));
  writeFileSync(join(sweep, folders[2], 'predictions.csv'), [lines[0], lines[1].replace(/,[^,]*$/, ',0.5'), ...lines.slice(2)].join('\n'));
  rmSync(join(sweep, folders[3], 'roc.csv'));
  const roc = original[4][1].split('\n');
  writeFileSync(join(sweep, folders[4], 'roc.csv'), [roc[0], roc[1].replace(/^validation,([^,]*),\d+/, 'validation,$1,99'), ...roc.slice(2)].join('\n'));
  const verify = runCli(['verify', 'pr'], dir);
  assert.equal(verify.code, 1, verify.stdout);
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[0]}: predictions\\.csv is missing`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[1]}: predictions\\.csv: \\d+ validation rows, not the \\d+ of the run's validation metrics`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[2]}: roc\\.csv does not hold the curves of predictions\\.csv`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[3]}: roc\\.csv is missing`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[4]}: roc\\.csv does not hold the curves of predictions\\.csv`));
  assert.match(verify.stdout, /resume would train 5 grid points again \(5 damaged\)/);

  for (const [n, problem] of [
    [1, 'predictions\\.csv is missing'],
    [2, 'predictions\\.csv: \\d+ validation rows, not the \\d+'],
    [3, 'roc\\.csv does not hold the curves of predictions\\.csv'],
  ] as const) {
    const t = runCli(['thresholds', `${id}/${n}`, '--youden'], dir);
    assert.equal(t.code, 2, t.stderr);
    assert.match(t.stderr, new RegExp(`^error: pr/${id}/${folders[n - 1]}: ${problem}`));
    assert.match(t.stderr, new RegExp(`\\nhint: check the sweep with: dlsweep verify pr/${id}; then repair it .*: dlsweep run EXPERIMENT_FILE --resume pr/${id}\\n$`));
    assert.doesNotMatch(t.stderr, /older dlsweep|\n\s+at /);
  }

  const resumed = runCli(['run', file, '--resume', '--quiet'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(folders.map((f) => [bytes(f, 'predictions.csv'), bytes(f, 'roc.csv')]), original);
  assert.equal(runCli(['verify', 'pr'], dir).code, 0);
  assert.equal(runCli(['thresholds', `${id}/1`, '--youden'], dir).code, 0);

  // A run recorded before runs kept their predictions (model.json without its preprocessing): not damaged.
  const model = JSON.parse(bytes(folders[5], 'model.json'));
  writeFileSync(join(sweep, folders[5], 'model.json'), JSON.stringify({ dims: model.dims, W: model.W, b: model.b }));
  rmSync(join(sweep, folders[5], 'predictions.csv'));
  rmSync(join(sweep, folders[5], 'roc.csv'));
  assert.equal(runCli(['verify', 'pr'], dir).code, 0);
  const old = runCli(['thresholds', `${id}/6`, '--youden'], dir);
  assert.equal(old.code, 2);
  assert.match(old.stderr, /has no predictions\.csv\nhint: runs recorded by an older dlsweep lack it/);
});

test('a damaged trajectory.csv (record.checkpoints_every): verify lists it, resume trains the run again to the same bytes', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'tr.yaml', syntheticExperiment('tr', '  learning_rate: [0.05, 0.5]', 'fixed:\n  iterations: 30\n') + '  checkpoints_every: 10\n');
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'tr');
  const folders = runFolders(sweep);
  const path = (f: string) => join(sweep, f, 'trajectory.csv');
  const original = folders.map((f) => readFileSync(path(f), 'utf8'));
  // Points at 0, 10, 20 and 30 updates: a row cut in the middle; a number edited into text.
  assert.equal(original[0].split('\n').length, 6);
  writeFileSync(path(folders[0]), original[0].slice(0, original[0].length >> 1) + '\n');
  const rows = original[1].split('\n');
  writeFileSync(path(folders[1]), [rows[0], rows[1].replace(/,[^,]*$/, ',x'), ...rows.slice(2)].join('\n'));
  const verify = runCli(['verify', 'tr'], dir);
  assert.equal(verify.code, 1, verify.stdout);
  for (const f of folders.slice(0, 2)) assert.match(verify.stdout, new RegExp(`damaged: ${f}: trajectory\\.csv: line \\d+ is not an iteration and \\d+ finite numbers`));
  const resumed = runCli(['run', file, '--resume', '--quiet'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(folders.map((f) => readFileSync(path(f), 'utf8')), original);
  assert.equal(runCli(['verify', 'tr'], dir).code, 0);
});

test('a loss landscape of record.landscape deleted or cut: verify lists it, resume computes it again to the same bytes', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'ls.yaml', syntheticExperiment('ls', '  learning_rate: [0.05, 0.5]', 'fixed:\n  iterations: 30\n') + '  landscape: {best: 2, steps: 5}\n');
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'ls');
  const listed = JSON.parse(readFileSync(join(sweep, 'landscapes.json'), 'utf8')).landscapes as { folder: string; name: string }[];
  assert.equal(listed.length, 2);
  const path = (e: { folder: string; name: string }) => join(sweep, e.folder, `landscape-${e.name}.csv`);
  const original = listed.map((e) => readFileSync(path(e), 'utf8'));
  rmSync(path(listed[0]));
  writeFileSync(path(listed[1]), original[1].split('\n').slice(0, 3).join('\n') + '\n');
  const verify = runCli(['verify', 'ls'], dir);
  assert.equal(verify.code, 1, verify.stdout);
  assert.match(verify.stdout, new RegExp(`damaged: ${listed[0].folder}: landscape-${listed[0].name}\\.csv \\(in landscapes\\.json\\) is missing\n`));
  assert.match(verify.stdout, new RegExp(`damaged: ${listed[1].folder}: landscape-${listed[1].name}\\.csv \\(in landscapes\\.json\\) is damaged: not the 2-D grid of points it was written as\n`));
  assert.match(verify.stdout, /resume computes the sweep's loss landscapes again: dlsweep run EXPERIMENT_FILE --resume ls\//);
  const resumed = runCli(['run', file, '--resume', '--quiet'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(listed.map((e) => readFileSync(path(e), 'utf8')), original);
  assert.equal(runCli(['verify', 'ls'], dir).code, 0);
});

test('a curve.csv missing whole lines (its last, its iteration-0 one, one between) or holding an extra one: verify lists it, resume trains the run again to the same bytes', () => {
  const dir = tempDir();
  // 35 updates, a point every 10 (syntheticExperiment): rows 0, 10, 20, 30 and 35.
  const file = writeExperiment(dir, 'cv.yaml', syntheticExperiment('cv', '  learning_rate: [0.05, 0.5]\n  seed: [1, 2, 3]', 'fixed:\n  iterations: 35\n'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'cv');
  const folders = runFolders(sweep);
  assert.equal(folders.length, 6);
  const path = (f: string) => join(sweep, f, 'curve.csv');
  const original = folders.map((f) => readFileSync(path(f), 'utf8'));
  const iterationsOf = (text: string) => text.trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  for (const text of original) assert.deepEqual(iterationsOf(text), [0, 10, 20, 30, 35]);
  const lines = (i: number) => original[i].trim().split('\n');
  const write = (i: number, rows: string[]) => writeFileSync(path(folders[i]), rows.join('\n') + '\n');
  write(0, lines(0).slice(0, -1)); // the last line deleted (sed -i '$d'): the curve ends at 30
  write(1, [lines(1)[0], ...lines(1).slice(2)]); // the iteration-0 line deleted
  write(2, [...lines(2).slice(0, 3), ...lines(2).slice(4)]); // the line of update 20 deleted
  write(3, [...lines(3).slice(0, 3), lines(3)[2].replace(/^10,/, '15,'), ...lines(3).slice(3)]); // a row for update 15 added
  const verify = runCli(['verify', 'cv'], dir);
  assert.equal(verify.code, 1, verify.stdout);
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[0]}: curve\\.csv: no row for update 35: the run records one every 10 updates \\(record\\.curve_every\\) from 0, and one at its last update\n`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[1]}: curve\\.csv: no row for update 0:`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[2]}: curve\\.csv: no row for update 20:`));
  assert.match(verify.stdout, new RegExp(`damaged: ${folders[3]}: curve\\.csv: a row for update 15, which is not one of the run's:`));
  assert.doesNotMatch(verify.stdout, new RegExp(`damaged: (${folders[4]}|${folders[5]})`));
  assert.match(verify.stdout, /resume would train 4 grid points again \(4 damaged\)/);
  const resumed = runCli(['run', file, '--resume', '--quiet'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(folders.map((f) => readFileSync(path(f), 'utf8')), original);
  assert.equal(runCli(['verify', 'cv'], dir).code, 0);
});
