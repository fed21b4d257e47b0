/**
 * Searches through the queue, on a real redis-server with real worker and coordinator processes: every method
 * records the search.json and metrics.json bytes of the same search run locally, whatever serves the queue (two
 * one-thread workers, one two-thread worker); halving's promotions continue from training states that travel
 * with the jobs; and a coordinator killed with kill -9 in the middle of a search resumes to the same bytes
 * without retraining.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onlySweep, readJson, runCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { LOCK, count, metrics, start, stopWorker, until, type Proc } from '../helpers/queue.js';
import { hasRedis, startRedis } from '../helpers/redis.js';

const skip = hasRedis() ? false : 'redis-server is not installed (Debian package redis-server)';

const SPACE = '  learning_rate: {log_uniform: [0.01, 2.0]}\n  hidden_sizes: [[3], [8]]';
/** Each method, small: halving 9 -> 3 -> 1; hyperband's brackets over rungs 20 and 60; TPE's start-up batch and one model batch. */
const SEARCHES: Record<string, { search: string; iterations: number }> = {
  random: { search: '{method: random, trials: 4, seed: 4}', iterations: 40 },
  quasirandom: { search: '{method: quasirandom, trials: 4, seed: 4}', iterations: 40 },
  tpe: { search: '{method: tpe, trials: 14, seed: 7}', iterations: 40 },
  halving: { search: '{method: halving, trials: 9, seed: 5, min_iterations: 20}', iterations: 180 },
  hyperband: { search: '{method: hyperband, seed: 2, min_iterations: 20}', iterations: 60 },
};

function searchExperiment(dir: string, method: string): string {
  const { search, iterations } = SEARCHES[method];
  return writeExperiment(dir, `${method}.yaml`, syntheticExperiment(method, `${SPACE}\n  iterations: [${iterations}]`, `search: ${search}\n`));
}

/** search.json and every metrics.json of a method's only sweep under runsDir. */
function recorded(runsDir: string, method: string): { search: string; metrics: string[] } {
  const sweep = onlySweep(runsDir, method);
  return { search: readFileSync(join(sweep, 'search.json'), 'utf8'), metrics: metrics(sweep) };
}

test('every search method through the queue records the bytes of the local search (search.json, metrics.json) served by two workers', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  const workers = ['a', 'b'].map((name) => start(['worker', '--queue', redis.url(), '--workers', '1', '--name', name], dir));
  try {
    await until(() => workers.every((w) => /taking trainings/.test(w.out())), 'the workers to start');
    for (const method of Object.keys(SEARCHES)) {
      const file = searchExperiment(dir, method);
      // Side by side: the queue's coordinator mostly waits for its workers.
      const q = start(['--runs-dir', 'rq', 'run', file, '--queue', redis.url(), '--quiet'], dir);
      const local = start(['--runs-dir', 'rl', 'run', file, '--workers', '1', '--quiet'], dir);
      assert.equal(await q.exited, 0, `${method}: ${q.out()}`);
      assert.equal(await local.exited, 0, `${method}: ${local.out()}`);
      const expected = recorded(join(dir, 'rl'), method);
      assert.equal(readJson(join(onlySweep(join(dir, 'rl'), method), 'search.json')).finished, true);
      assert.deepEqual(recorded(join(dir, 'rq'), method), expected, `${method} through two workers`);
    }
    // Promotions continued from the states that travelled with the jobs: 9 x 20 updates, then 3 x (60 - 20), then 1 x (180 - 60).
    assert.equal(readJson(join(onlySweep(join(dir, 'rq'), 'halving'), 'sweep.json')).updates_trained, 9 * 20 + 3 * 40 + 1 * 120);
    // The workers trained the queued searches' trainings between them (the runs of the last batch arrive
    // with their notices, the workers' lines may come a moment later).
    const trainings = Object.keys(SEARCHES).reduce((n, m) => n + (readJson(join(onlySweep(join(dir, 'rq'), m), 'sweep.json')).trainings as number), 0);
    await until(() => workers.reduce((n, w) => n + count(w.out(), /: done /), 0) === trainings, 'each queued training to be trained once');
  } finally {
    await Promise.all(workers.map(stopWorker));
    await redis.stop();
  }
});

test('kill -9 of the coordinator in the first and in a later batch of a halving search, then --resume: the local bytes, nothing retrained', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  const file = searchExperiment(dir, 'halving');
  const waiting = () => runCli(['queue', 'status', '--queue', redis.url()], dir).stdout;
  let worker: Proc | undefined;
  const done: string[] = [];
  const trainAndStop = async (n: number) => {
    worker = start(['worker', '--queue', redis.url(), '--workers', '2', '--name', 'w'], dir);
    await until(() => count(worker!.out(), /w: done /) === n, `the worker to train ${n} trainings`);
    await stopWorker(worker);
    done.push(worker.out());
  };
  try {
    // No worker: the coordinator enqueues the first rung (9 trainings) and waits; it dies there.
    const first = start(['--runs-dir', 'rk', 'run', file, '--queue', redis.url()], dir);
    await until(() => /\b9 waiting/.test(waiting()), 'the first rung to be enqueued', 20_000);
    first.child.kill('SIGKILL');
    await first.exited;
    await trainAndStop(9);
    // Resumed: it collects the first rung from the queue, promotes 3 and enqueues them; it dies again.
    const second = start(['--runs-dir', 'rk', 'run', file, '--queue', redis.url(), '--resume'], dir);
    await until(() => /\b3 waiting/.test(waiting()), 'the second rung to be enqueued', 20_000);
    second.child.kill('SIGKILL');
    await second.exited;
    await trainAndStop(3);
    // Resumed with a worker serving the last rung.
    worker = start(['worker', '--queue', redis.url(), '--workers', '1', '--name', 'w'], dir);
    const last = runCli(['--runs-dir', 'rk', 'run', file, '--queue', redis.url(), '--resume', '--quiet'], dir, LOCK);
    assert.equal(last.code, 0, last.stderr);
    await until(() => count(worker!.out(), /w: done /) === 1, 'the last rung');
    await stopWorker(worker);
    done.push(worker.out());
    assert.equal(count(done.join(''), /w: done /), 9 + 3 + 1, 'a training was trained twice');
    const local = runCli(['--runs-dir', 'rl', 'run', file, '--quiet'], dir);
    assert.equal(local.code, 0, local.stderr);
    assert.deepEqual(recorded(join(dir, 'rk'), 'halving'), recorded(join(dir, 'rl'), 'halving'));
    assert.equal(readJson(join(onlySweep(join(dir, 'rk'), 'halving'), 'sweep.json')).status, 'done');
  } finally {
    if (worker) await stopWorker(worker);
    await redis.stop();
  }
});
