/**
 * Every command that writes says a failed write the same way: one message naming the file and the cause in
 * words (no space left, a read-only file system), one hint for that cause, exit code 1, no stack and no raw
 * system text. Real file systems: small tmpfs mounts (root only; skipped elsewhere).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WISCONSIN, hasWisconsin, runCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { mountTmpfs, mountTmpfsOrSkip, unmount } from '../helpers/tmpfs.js';
import { fullDiskGrid } from '../helpers/full-disk.js';

test('compare -o, export -o, data describe --html on a full disk, landscape, tag and report on a read-only runs folder: the one message and hint of a failed write, exit 1', (t) => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'w.yaml', syntheticExperiment('w', '  iterations: [5, 10]'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const full = join(dir, 'full');
  const ro = join(dir, 'ro');
  mkdirSync(full);
  mkdirSync(ro);
  if (!mountTmpfsOrSkip(t, full, 'size=4k')) return;
  try {
    // One page, filled: any new file's first block finds no room.
    spawnSync('sh', ['-c', `head -c 4096 /dev/zero > ${join(full, 'fill')}`]);
    for (const [args, out] of [
      [['compare', '-o', join(full, 'x.csv')], join(full, 'x.csv')],
      [['export', 'w/latest/1', '-o', join(full, 'm.json')], join(full, 'm.json')],
      [['data', 'describe', file, '--html', join(full, 'd.html')], join(full, 'd.html')],
    ] as const) {
      const r = runCli([...args], dir);
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: cannot write ${out}: no space left on the device \\(ENOSPC\\)\\nhint: free space, then run the same command again\\n`, 'm'), args[0]);
      assert.doesNotMatch(r.stderr, /check that the folder exists|ENOSPC:|\n\s+at /, args[0]);
    }
    assert.ok(mountTmpfs(ro, 'size=2m'));
    cpSync(join(dir, 'runs'), ro, { recursive: true });
    assert.equal(spawnSync('mount', ['-o', 'remount,ro', ro]).status, 0);
    for (const args of [['landscape', 'w/latest/1', '--steps', '3'], ['tag', 'w/latest', 'seen'], ['report', 'w/latest']]) {
      const r = runCli(['--runs-dir', ro, ...args], dir);
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: cannot write ${ro}/w/\\S+: the file system is read-only \\(EROFS\\)\\nhint: choose a folder on a writable file system`, 'm'), args[0]);
      assert.doesNotMatch(r.stderr, /EROFS:|read-only file system, open|\n\s+at /, args[0]);
    }
    // An output folder that does not exist is the path's problem: exit 2, with the command that creates it.
    const missing = runCli(['compare', '-o', join(dir, 'nothere', 'x.csv')], dir);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /the folder \S+nothere does not exist\nhint: create it \(mkdir -p \S+nothere\)/);
  } finally {
    unmount(full, ro);
  }
});

test('a dataset or experiment file that cannot be read: the cause in words and what to do, not the system\'s text', () => {
  const dir = tempDir();
  const long = `${'x'.repeat(300)}.yaml`;
  const r = runCli(['plan', long], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, `error: cannot read experiment file ${long}: the name is too long for the file system (ENAMETOOLONG)\nhint: give a shorter path (a name of at most 255 bytes)\n`);
});

test('data fetch onto a disk with room for part of the file: the write failure is said and nothing is saved (never a cut copy reported as saved); under a read-only folder: that it is read-only', { skip: !hasWisconsin() && 'data/wisconsin-cancer-dataset.csv is absent' }, (t) => {
  const dir = tempDir();
  const small = join(dir, 'small');
  const ro = join(dir, 'ro');
  mkdirSync(small);
  mkdirSync(ro);
  // 8 KiB: less than the 19,889-byte file, so the first write takes only what fits.
  if (!mountTmpfsOrSkip(t, small, 'size=8k')) return;
  try {
    const r = runCli(['data', 'fetch', 'wisconsin', '--from', WISCONSIN, '--data-dir', small], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /saved/);
    assert.match(r.stderr, new RegExp(`^error: cannot write ${small}/wisconsin-cancer-dataset\\.csv: no space left on the device \\(ENOSPC\\)\\nhint: free space`, 'm'));
    assert.deepEqual(readdirSync(small), []);
    assert.ok(mountTmpfs(ro, 'ro,size=64k'));
    const under = runCli(['data', 'fetch', 'wisconsin', '--from', WISCONSIN, '--data-dir', join(ro, 'sub')], dir);
    assert.equal(under.code, 1, under.stderr);
    assert.match(under.stderr, new RegExp(`^error: cannot write ${ro}/sub: the file system is read-only \\(EROFS\\)\\nhint: choose a folder on a writable file system`, 'm'));
    assert.doesNotMatch(under.stderr, /ENOENT/);
  } finally {
    unmount(small, ro);
  }
});

test('a disk full before a sweep\'s first run is written: one message naming the file and the resume command, exit 1; ls lists the dead sweep failed, never running, with its method; --resume then finishes it', (t) => {
  const dir = tempDir();
  const runs = join(dir, 'runs');
  mkdirSync(runs);
  const search = 'search:\n  method: halving\n  trials: 9\n  seed: 5\n  min_iterations: 20\n  reduction_factor: 3\n';
  const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', '  learning_rate: {log_uniform: [0.01, 2.0]}\n  iterations: [180]', search));
  if (!mountTmpfsOrSkip(t, runs, 'size=64k')) return;
  unmount(runs);
  let opened = 0;
  try {
    // Room for 1 to 7 pages besides the 8 filled: the disk fills at each write before the first run's (the
    // sweep folder, its lock, dataset.txt, sweep.json, the data summary, the first saved state).
    for (let room = 1; room <= 7; room++) {
      unmount(runs);
      assert.ok(mountTmpfs(runs, `size=${(room + 8) * 4096}`));
      spawnSync('sh', ['-c', `head -c ${8 * 4096} /dev/zero > ${join(runs, 'fill')}`]);
      const before = new Set(existsSync(join(runs, 'h')) ? readdirSync(join(runs, 'h')) : []);
      const r = runCli(['run', file, '--quiet'], dir);
      assert.equal(r.code, 1, `room ${room}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /a file:|ENOSPC:|\n\s+at /, `room ${room}`);
      const sweeps = existsSync(join(runs, 'h')) ? readdirSync(join(runs, 'h')).filter((n) => /^\d{8}-\d{6}-[0-9a-f]{4}$/.test(n) && !before.has(n)) : [];
      if (sweeps.length === 0) {
        // Not even the sweep folder: nothing to resume.
        assert.match(r.stderr, new RegExp(`^error: cannot write ${runs}/h/\\S+: no space left on the device \\(ENOSPC\\)\\nhint: free space, then run again`), `room ${room}`);
        continue;
      }
      opened++;
      const id = sweeps[0];
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^error: the search stopped: cannot write ${runs}/h/${id}/\\S+: no space left on the device \\(ENOSPC\\)\\nfree space, then resume: dlsweep run \\S*h\\.yaml --resume ${id}\\n`, 'm'), `room ${room}`);
      const row = JSON.parse(runCli(['ls', '--format', 'json'], dir).stdout).rows.find((x: { sweep: string }) => x.sweep === id);
      assert.equal(row.status, 'failed', `room ${room}`);
      assert.equal(row.method, 'halving', `room ${room}`);
    }
    assert.ok(opened > 0, 'no sweep folder was created on any of the disks');
    // With room again, the last sweep resumes to its end.
    assert.equal(spawnSync('mount', ['-o', 'remount,size=64m', runs]).status, 0);
    const again = runCli(['run', file, '--quiet', '--resume', 'latest'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(runCli(['ls', '--format', 'json'], dir).stdout).rows[0].status, 'done');
  } finally {
    unmount(runs);
  }
});

test('a grid sweep stopped by a full disk records in sweep.json the counts of its run folders, as ls and show say; a resume on the disk still full names the lock file, leaves no lock behind, and resumes once space is freed', (t) => {
  const dir = tempDir();
  const disk = fullDiskGrid(t, dir);
  if (!disk) return;
  const { runs, file } = disk;
  try {
    const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the sweep stopped: cannot write .*: no space left on the device \(ENOSPC\)/);
    const id = readdirSync(join(runs, 'full'))[0];
    const sweep = join(runs, 'full', id);
    // Counted here from the run folders: a run is done when its metrics.json says so (written last).
    // A folder the disk left without even its params.json cannot be read as a run: damaged.
    const folders = readdirSync(sweep).filter((n) => /^\d{4}-[0-9a-f]{8}$/.test(n));
    const statuses = folders.filter((n) => existsSync(join(sweep, n, 'metrics.json'))).map((n) => JSON.parse(readFileSync(join(sweep, n, 'metrics.json'), 'utf8')).status as string);
    const damaged = folders.filter((n) => !existsSync(join(sweep, n, 'params.json'))).length;
    const done = statuses.filter((s) => s === 'done').length;
    assert.ok(done >= 1 && done < 40, `${done} runs done`);
    const recorded = JSON.parse(readFileSync(join(sweep, 'sweep.json'), 'utf8'));
    assert.equal(recorded.status, 'failed');
    const count = (status: string) => statuses.filter((s) => s === status).length;
    assert.deepEqual(recorded.counts, { done, diverged: count('diverged'), failed: count('failed'), interrupted: count('interrupted'), pending: 40 - statuses.length - damaged, ...(damaged ? { damaged } : {}) });
    const row = JSON.parse(runCli(['ls', '--format', 'json'], dir).stdout).rows[0];
    assert.equal(row.done, done);
    // The disk full to the last page: the first file a resume writes is the lock's record of its holder.
    spawnSync('sh', ['-c', `head -c ${64 << 20} /dev/zero > ${join(runs, 'fill')}`]);
    const again = runCli(['run', file, '--resume', id, '--quiet'], dir);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, new RegExp(`^error: the sweep stopped: cannot write ${sweep}/\\.lock-owner\\.json: no space left on the device \\(ENOSPC\\)\\nfree space, then resume: dlsweep run \\S*full\\.yaml --resume ${id}\\n`));
    assert.doesNotMatch(again.stderr, /a file:|\n\s+at /);
    assert.deepEqual(readdirSync(sweep).filter((n) => n.startsWith('.lock')), []);
    // Once space is freed the resume finishes the sweep, even past an empty holder record an older dlsweep left.
    assert.equal(spawnSync('mount', ['-o', 'remount,size=16m', runs]).status, 0);
    writeFileSync(join(sweep, '.lock-owner.json'), '');
    const resumed = runCli(['run', file, '--resume', id, '--quiet'], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(readFileSync(join(sweep, 'sweep.json'), 'utf8')).counts.done, 40);
  } finally {
    unmount(runs);
  }
});

test('note, report and compare -o on a full disk: the hint says to run the same command again, not to resume a sweep; run keeps its resume hint', (t) => {
  const dir = tempDir();
  const runs = join(dir, 'runs');
  mkdirSync(runs);
  if (!mountTmpfsOrSkip(t, runs, 'size=2m')) return;
  try {
    const file = writeExperiment(dir, 'w.yaml', syntheticExperiment('w', '  iterations: [5, 10]'));
    assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
    // The disk full to the last page: any new file finds no room.
    spawnSync('sh', ['-c', `head -c ${64 << 20} /dev/zero > ${join(runs, 'fill')}`]);
    for (const args of [['note', 'w/latest', 'a note'], ['report', 'w/latest'], ['compare', '-o', join(runs, 'x.csv')]]) {
      const r = runCli(args, dir);
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: cannot write ${runs}/\\S+: no space left on the device \\(ENOSPC\\)\\nhint: free space, then run the same command again\\n$`), args[0]);
      assert.doesNotMatch(r.stderr, /--resume/, args[0]);
    }
    // A new sweep that cannot even be created: run again, or resume a sweep it started.
    const r = runCli(['run', file, '--quiet'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: cannot write \S+: no space left on the device \(ENOSPC\)\nhint: free space, then run again \(add --resume to continue a sweep\)\n$/);
  } finally {
    unmount(runs);
  }
});

test('a resume on a disk still too full for report.html says how many runs are recorded: the 3 of the sweep, not the 0 it recorded itself', (t) => {
  const dir = tempDir();
  const runs = join(dir, 'runs');
  mkdirSync(runs);
  if (!mountTmpfsOrSkip(t, runs, 'size=4m')) return;
  try {
    const file = writeExperiment(dir, 'three.yaml', syntheticExperiment('three', '  learning_rate: [0.1, 0.2, 0.3]\n  iterations: [30]'));
    assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
    const id = readdirSync(join(runs, 'three'))[0];
    const sweep = join(runs, 'three', id);
    // As a sweep whose report.html could not be written leaves it: every run recorded, the sweep failed.
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(sweep, 'sweep.json'), 'utf8')), status: 'failed' }));
    // The disk full but for 32 KiB: room for the lock and sweep.json, not for report.html.
    spawnSync('sh', ['-c', `head -c ${64 << 20} /dev/zero > ${join(runs, 'fill')}; truncate -s -32k ${join(runs, 'fill')}`]);
    const again = runCli(['run', file, '--resume', id, '--quiet'], dir);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /cannot write .*report\.html: no space left on the device \(ENOSPC\)\nfinished runs are kept \(3 recorded\); /);
  } finally {
    unmount(runs);
  }
});
