/**
 * A worker asked to stop after its Redis went away: with no training in hand there is nothing to finish, so
 * one SIGTERM or Ctrl-C stops it (it used to wait forever for Redis to come back).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCli, tempDir } from '../helpers/cli.js';
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
