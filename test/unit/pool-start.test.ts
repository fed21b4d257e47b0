import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalExecutor } from '../../src/execute/local.js';
import { runCli } from '../../src/cli/main.js';

const SLOW_WORKER = new URL('../fixtures/slow-worker.js', import.meta.url);

test('close() never stops a thread still loading: it waits for threads that take 6 s to load, longer than any fixed limit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-pool-'));
  const mark = join(dir, 'mark');
  process.env.DLSWEEP_TEST_LOAD_MS = '6000';
  process.env.DLSWEEP_TEST_MARK = mark;
  try {
    const executor = startLocalExecutor(2, { filename: SLOW_WORKER });
    // Bad input found at once: the caller closes right away.
    await executor.close();
    // Every thread finished loading before the pool was destroyed.
    assert.ok(existsSync(mark), 'a thread was stopped while still loading');
    assert.equal(readFileSync(mark, 'utf8').trim().split('\n').length, Math.min(2, availableParallelism()));
  } finally {
    delete process.env.DLSWEEP_TEST_LOAD_MS;
    delete process.env.DLSWEEP_TEST_MARK;
  }
});

test('bad input reported while the training threads start: exit 2 with its message every time (40 starts, closed at every moment of start-up)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-pool-'));
  writeFileSync(join(dir, 'typo.yaml'), 'name: typo\ndataset: wisconsin\ngrid:\n  learnig_rate: [0.01]\n');
  for (let i = 0; i < 20; i++) {
    // The whole command: threads started, the file read and refused, the threads closed.
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: { ...process.env, NO_COLOR: '1' } };
    const code = await runCli(['run', 'typo.yaml', '--workers', String(1 + (i % 4))], io);
    assert.equal(code, 2, err);
    assert.match(err, /learnig_rate/);
    // The pool alone, closed after a delay that sweeps the loading of its threads (0 to 60 ms).
    const executor = startLocalExecutor(1 + (i % 3));
    await new Promise((r) => setTimeout(r, (i * 7) % 61));
    await executor.close();
  }
});
