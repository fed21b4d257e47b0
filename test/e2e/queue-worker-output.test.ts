/**
 * What `dlsweep worker` prints on a real terminal: a pseudo-terminal from util-linux's `script`, around a worker
 * serving a real sweep. (Into a pipe it prints one line per training: test/e2e/queue.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, onlySweep, readJson, runCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { LOCK, until } from '../helpers/queue.js';
import { hasRedis, startRedis } from '../helpers/redis.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !hasRedis() ? 'redis-server is not installed (Debian package redis-server)' : !hasScript ? 'script (util-linux) is not installed' : false;

/** A shell word. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('on a terminal the worker draws a summary line and a bar per training in hand, not a line per training', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  // Trainings long enough (200,000 updates, a second or more each) to be drawn in hand: at 20,000 a busy machine
  // saw both end before the bar's first redraw.
  const file = writeExperiment(dir, 'p.yaml', syntheticExperiment('p', '  learning_rate: [0.1, 0.3]\n  iterations: [200000]'));
  // A terminal 150 columns wide (script's own has the size of none).
  const command = 'stty cols 150 rows 40; exec ' + [process.execPath, CLI, 'worker', '--queue', redis.url(), '--workers', '1'].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, env: { ...process.env, ...LOCK, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  // The worker's default name is host-pid: the pid to signal, behind `script`.
  let pid = 0;
  try {
    await until(() => {
      const m = /worker \S+-(\d+): taking trainings/.exec(out);
      pid = m ? Number(m[1]) : 0;
      return pid > 0;
    }, 'the worker to start');
    const r = runCli(['run', file, '--queue', redis.url(), '--quiet'], dir, LOCK);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readJson(join(onlySweep(join(dir, 'runs'), 'p'), 'sweep.json')).counts.done, 2);
    await until(() => /: 2 done, 0 diverged, 0 failed, 0 in hand/.test(out), 'the summary to count both trainings');
    process.kill(pid, 'SIGTERM');
    assert.equal(await exited, 0, out);
    // A bar for a training in hand: its label, the bar's blocks, the updates of its one fold.
    assert.match(out, /p \d{8}-\d{6}-[0-9a-f]{4} training \d [\u2588\u2591]+ \d+% \| \d+\/200000 updates/);
    assert.match(out, /worker \S+: 1 done, 0 diverged, 0 failed, \d in hand/);
    assert.doesNotMatch(out, /: done p /, 'a line per training was printed on a terminal');
    assert.match(out, /worker \S+: stopped/);
  } finally {
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already stopped
      }
    }
    if (child.exitCode === null) child.kill('SIGKILL');
    await redis.stop();
  }
});
