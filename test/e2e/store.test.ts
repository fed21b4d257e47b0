import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

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
