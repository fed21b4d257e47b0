/**
 * Stopping a worker: with a training in hand, one SIGTERM lets it finish and return that training, and a second
 * stops it at once, the training going back to the queue for another worker. A worker asked to stop after its
 * Redis went away: with no training in hand there is nothing to finish, so one SIGTERM or Ctrl-C stops it (it
 * used to wait forever for Redis to come back).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { onlySweep, readJson, runCli, startCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { count, start, until, type Proc } from '../helpers/queue.js';
import { hasRedis, startRedis } from '../helpers/redis.js';

const skip = hasRedis() ? false : 'redis-server is not installed (Debian package redis-server)';

test('a worker with no training in hand stops on one SIGTERM or SIGINT even when Redis is gone', { skip }, async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const redis = await startRedis();
    const child = startCli(['worker', '--queue', redis.url(), '--workers', '1', '--name', 'idle'], tempDir());
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const t0 = Date.now();
      while (!/taking trainings/.test(out)) {
        assert.ok(Date.now() - t0 < 30_000, `the worker did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await redis.stop();
      child.kill(signal);
      // Generous for a loaded machine; the hang this guards against never ended.
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
      assert.equal(code, 0, `${signal}: the worker did not stop:\n${out}`);
      assert.match(out, /worker idle: stopped\n/);
      assert.doesNotMatch(out, /\n\s+at /);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await redis.stop();
    }
  }
});

test('SIGTERM to a worker mid-training: it finishes the training in hand, returns it and stops; twice: it stops at once and the training returns to the queue for another worker', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  // Two trainings long enough (300,000 updates) to be in hand when the signals come.
  const file = writeExperiment(dir, 's.yaml', syntheticExperiment('s', '  learning_rate: [0.1, 0.3]\n  iterations: [300000]').replace('curve_every: 10', 'curve_every: 10000'));
  const worker = (name: string) => start(['worker', '--queue', redis.url(), '--workers', '1', '--name', name], dir);
  const active = () => /1 active/.test(runCli(['queue', 'status', '--queue', redis.url()], dir).stdout);
  const procs: Proc[] = [];
  try {
    const coordinator = start(['--runs-dir', 'rs', 'run', file, '--queue', redis.url(), '--quiet'], dir);
    const a = worker('a');
    procs.push(a);
    await until(active, 'the first worker to take a training');
    a.child.kill('SIGTERM');
    assert.equal(await a.exited, 0, a.out());
    // It finished the training it held (after the signal), took no other, and stopped.
    assert.match(a.out(), /SIGTERM: finishing the trainings in hand[^]*a: done s \S+ training \d \(300000 updates x 1 fold\)[^]*worker a: stopped/);
    assert.equal(count(a.out(), /a: done /), 1);
    const b = worker('b');
    procs.push(b);
    await until(active, 'the second worker to take the other training');
    b.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 130, b.out());
    assert.match(b.out(), /SIGTERM again: stopping now; the trainings in hand return to the queue/);
    assert.equal(count(b.out(), /b: done /), 0);
    // B's training returns to the queue when its lock expires; C trains it; each run recorded once.
    const c = worker('c');
    procs.push(c);
    assert.equal(await coordinator.exited, 0, coordinator.out());
    await until(() => count(c.out(), /c: done /) === 1, 'the third worker to train the returned training');
    assert.deepEqual(readJson(join(onlySweep(join(dir, 'rs'), 's'), 'sweep.json')).counts, { done: 2, diverged: 0, failed: 0, interrupted: 0, pending: 0 });
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await redis.stop();
  }
});
