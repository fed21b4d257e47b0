/**
 * Sweeps over a BullMQ queue on a real redis-server (started here on a free port, no persistence), with real
 * worker and coordinator processes: the bytes of a local sweep, kill -9 of a worker and of the coordinator,
 * Redis lost mid-sweep, wrong passwords and closed ports, duplicate enqueues, refused payloads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { onlySweep, readJson, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { LOCK, count, metrics, start, stopWorker, until, type Proc } from '../helpers/queue.js';
import { freePort, hasRedis, startRedis } from '../helpers/redis.js';
import { validateJob } from '../../src/execute/queue/payload.js';

const skip = hasRedis() ? false : 'redis-server is not installed (Debian package redis-server)';
const PASSWORD = 's3cret-pw';

const GRID = '  learning_rate: [0.05, 0.2, 0.5]\n  iterations: [30, 60]\n  threshold: [0.4, 0.6]\n  seed: [1, 2]';

test('two workers and a coordinator record the bytes of a local sweep; a second enqueue trains nothing; passwords are never printed', { skip }, async () => {
  const redis = await startRedis(PASSWORD);
  const dir = tempDir();
  // Two folds: the data of both travel with the sweep.
  const file = writeExperiment(dir, 'q.yaml', syntheticExperiment('q', GRID).replace('\ngrid:', '\n  split: {kind: kfold, k: 2, seed: 1}\ngrid:'));
  const workers = [start(['worker', '--queue', redis.url(), '--workers', '1', '--name', 'alpha'], dir), start(['worker', '--queue', redis.url(), '--workers', '1', '--name', 'beta'], dir)];
  try {
    await until(() => workers.every((w) => /taking trainings/.test(w.out())), 'the workers to start');
    const q = runCli(['--runs-dir', 'rq', 'run', file, '--queue', redis.url()], dir, LOCK);
    assert.equal(q.code, 0, q.stderr);
    const local = runCli(['--runs-dir', 'rl', 'run', file, '--workers', '2', '--quiet'], dir);
    assert.equal(local.code, 0, local.stderr);
    const queued = onlySweep(join(dir, 'rq'), 'q');
    assert.deepEqual(metrics(queued), metrics(onlySweep(join(dir, 'rl'), 'q')));
    assert.equal(runFolders(queued).length, 24);
    const trainings = readJson(join(queued, 'sweep.json')).trainings as number;
    const trained = () => workers.reduce((n, w) => n + count(w.out(), /: done q /), 0);
    // (runCli blocks this process: the workers' output arrives once it returns.)
    await until(() => trained() >= trainings, 'the workers\' output');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(trained(), trainings, 'each training trained once');
    // Into a pipe, one line per training: its end.
    for (const w of workers) for (const line of w.out().trim().split('\n').slice(1)) assert.match(line, /^(alpha|beta): done q \S+ training \d+ \((30|60) updates x 2 folds\) in \d+\.\d s$/);
    // The same trainings enqueued again (a new sweep): collected from their jobs, not retrained.
    const again = runCli(['--runs-dir', 'rq2', 'run', file, '--queue', redis.url(), '--quiet'], dir, LOCK);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(metrics(onlySweep(join(dir, 'rq2'), 'q')), metrics(queued));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(trained(), trainings, 'a second enqueue of the same training is a no-op');
    const status = runCli(['queue', 'status', '--queue', redis.url()], dir);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`0 waiting, 0 active, ${trainings} completed, 0 failed`));
    assert.match(status.stdout, /workers \(2\):\n {2}(alpha|beta) .*\n {2}(alpha|beta) /);
    for (const text of [q.stdout, q.stderr, again.stderr, status.stdout, ...workers.map((w) => w.out())]) assert.ok(!text.includes(PASSWORD), 'a password was printed');
    assert.match(q.stderr, /workers: queue redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(none here\)/);
    assert.match(q.stderr, /queue: 2 workers connected: (alpha, beta|beta, alpha)\n/);
  } finally {
    await Promise.all(workers.map(stopWorker));
    await redis.stop();
  }
});

test('a wrong password and a closed port give one clear message each, exit 2 (not 1: no run failed), and no sweep folder', { skip }, async () => {
  const redis = await startRedis(PASSWORD);
  const dir = tempDir();
  const file = writeExperiment(dir, 'q.yaml', syntheticExperiment('q', '  learning_rate: [0.1]'));
  try {
    const wrong = runCli(['run', file, '--queue', `redis://:wrong-pw@127.0.0.1:${redis.port}`], dir);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^error: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refused the password/);
    assert.doesNotMatch(wrong.stderr, /wrong-pw|\n {4}at /);
    const port = await freePort();
    const t0 = Date.now();
    const closed = runCli(['worker', '--queue', `redis://127.0.0.1:${port}`], dir);
    assert.equal(closed.code, 2);
    assert.match(closed.stderr, new RegExp(`^error: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    assert.ok(Date.now() - t0 < 15_000, 'the error took too long');
    const status = runCli(['queue', 'status', '--queue', `redis://127.0.0.1:${port}`], dir);
    assert.equal(status.code, 2);
    const unreachable = runCli(['run', file, '--queue', `redis://127.0.0.1:${port}`], dir);
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, /^error: cannot reach Redis at /);
    const bad = runCli(['run', file, '--queue', 'http://127.0.0.1:1'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--queue takes a redis:\/\/ or rediss:\/\/ URL/);
    assert.throws(() => onlySweep(join(dir, 'runs'), 'q'));
  } finally {
    await redis.stop();
  }
});

test('kill -9 of a worker mid-training, default lock: its job is back in the queue within 15 s and another worker trains it; every run recorded once', { skip }, async (t) => {
  const redis = await startRedis();
  const dir = tempDir();
  const file = writeExperiment(dir, 'k.yaml', syntheticExperiment('k', '  learning_rate: [0.05, 0.2, 0.5]\n  iterations: [40]'));
  // The default job lock (10 s), as a user's workers have it.
  const DEFAULTS = { DLSWEEP_QUEUE_LOCK_MS: '' };
  // The first worker hangs in the training of learning rate 0.2, as a machine that died would.
  const doomed = start(['worker', '--queue', redis.url(), '--workers', '1', '--name', 'doomed'], dir, { ...DEFAULTS, DLSWEEP_INJECT_FAULT: 'hang:learning_rate=0.2' });
  const { QueueEvents } = createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
  const events = new QueueEvents('dlsweep-trainings', { connection: { host: '127.0.0.1', port: redis.port } });
  // When Redis put a stalled job back in the queue: the event's stream id is Redis's clock, in ms.
  let stalledAt: number | undefined;
  events.on('stalled', (_args, id) => (stalledAt ??= Number(String(id).split('-')[0])));
  let rescuer: Proc | undefined;
  try {
    await Promise.all([until(() => /taking trainings/.test(doomed.out()), 'the first worker to start'), events.waitUntilReady()]);
    const coordinator = start(['--runs-dir', 'rk', 'run', file, '--queue', redis.url(), '--quiet'], dir, DEFAULTS);
    // In the hanging training: one job active, and every other one done by this worker or still waiting.
    const inHang = () => {
      const m = /(\d) waiting, 1 active/.exec(runCli(['queue', 'status', '--queue', redis.url()], dir).stdout);
      return m !== null && Number(m[1]) + count(doomed.out(), /doomed: done/) === 2;
    };
    await until(inHang, 'the first worker to take the hanging training');
    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();
    await doomed.exited;
    rescuer = start(['worker', '--queue', redis.url(), '--workers', '1', '--name', 'rescuer'], dir, DEFAULTS);
    assert.equal(await coordinator.exited, 0, coordinator.out());
    // The lock expires at most 10 s after its last renewal, and a live worker looks for expired locks every 2.5 s.
    assert.ok(stalledAt !== undefined, 'no job was put back in the queue');
    t.diagnostic(`the job was back in the queue ${stalledAt - killedAt} ms after the kill`);
    assert.ok(stalledAt - killedAt < 15_000, `the job was back in the queue ${stalledAt - killedAt} ms after the kill`);
    // The rescuer trained the hanging training and those the first worker had not taken.
    assert.equal(count(rescuer.out(), /rescuer: done k \S+ training \d+ \(40 updates x 1 fold\)/), 3 - count(doomed.out(), /doomed: done/));
    const sweep = onlySweep(join(dir, 'rk'), 'k');
    assert.deepEqual(readJson(join(sweep, 'sweep.json')).counts, { done: 3, diverged: 0, failed: 0, interrupted: 0, pending: 0 });
  } finally {
    doomed.child.kill('SIGKILL');
    await events.close();
    if (rescuer) await stopWorker(rescuer);
    await redis.stop();
  }
});

test('kill -9 of the coordinator: trainings finished meanwhile are collected on --resume, not retrained', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  const file = writeExperiment(dir, 'c.yaml', syntheticExperiment('c', GRID));
  let worker: Proc | undefined;
  try {
    // No worker yet: the coordinator enqueues everything and waits.
    const coordinator = start(['--runs-dir', 'rc', 'run', file, '--queue', redis.url()], dir);
    await until(() => /sweep: /.test(coordinator.out()), 'the sweep to start');
    const status = () => runCli(['queue', 'status', '--queue', redis.url()], dir).stdout;
    await until(() => /6 waiting/.test(status()), 'the trainings to be enqueued', 15_000);
    coordinator.child.kill('SIGKILL');
    await coordinator.exited;
    worker = start(['worker', '--queue', redis.url(), '--workers', '2', '--name', 'w'], dir);
    await until(() => count(worker!.out(), /w: done/) === 6, 'the worker to finish the queue');
    const resumed = runCli(['--runs-dir', 'rc', 'run', file, '--queue', redis.url(), '--resume', '--quiet'], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(count(worker.out(), /w: done/), 6, 'nothing was retrained');
    const sweep = onlySweep(join(dir, 'rc'), 'c');
    assert.equal(readJson(join(sweep, 'sweep.json')).counts.done, 24);
    const local = runCli(['--runs-dir', 'rl', 'run', file, '--quiet'], dir);
    assert.equal(local.code, 0, local.stderr);
    assert.deepEqual(metrics(sweep), metrics(onlySweep(join(dir, 'rl'), 'c')));
  } finally {
    if (worker) await stopWorker(worker);
    await redis.stop();
  }
});

test('Redis lost mid-sweep: a clear message within seconds, exit 1, runs kept; --resume completes once Redis is back; workers reconnect', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  const file = writeExperiment(dir, 'r.yaml', syntheticExperiment('r', '  learning_rate: [0.05, 0.2]\n  iterations: [40]'));
  // A worker of database 1; the sweep below uses database 0, where nobody trains until Redis comes back.
  const worker = start(['worker', '--queue', redis.url(1), '--workers', '1', '--name', 'w1'], dir);
  try {
    await until(() => /taking trainings/.test(worker.out()), 'the worker to start');
    const coordinator = start(['--runs-dir', 'rr', 'run', file, '--queue', redis.url()], dir);
    await until(() => /sweep: /.test(coordinator.out()), 'the sweep to start');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await redis.stop();
    assert.equal(await coordinator.exited, 1, coordinator.out());
    assert.ok(Date.now() - t0 < 15_000, `the coordinator took ${Date.now() - t0} ms to give up`);
    assert.match(coordinator.out(), /error: the sweep stopped: lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ .*\n.*once Redis is back, then resume: dlsweep --runs-dir rr run .* --resume \S+ --queue redis:/);
    assert.doesNotMatch(coordinator.out(), /\n {4}at /);
    await redis.start();
    // The coordinator trains too (--workers 1): nothing else serves database 0.
    const resumed = runCli(['--runs-dir', 'rr', 'run', file, '--queue', redis.url(), '--resume', '--workers', '1', '--quiet'], dir, LOCK);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(readJson(join(onlySweep(join(dir, 'rr'), 'r'), 'sweep.json')).counts.done, 2);
    // The worker of database 1 reconnected by itself and trains a sweep sent there.
    const other = runCli(['--runs-dir', 'ro', 'run', file, '--queue', redis.url(1), '--quiet'], dir, LOCK);
    assert.equal(other.code, 0, other.stderr);
    await until(() => count(worker.out(), /w1: done/) === 2, 'the reconnected worker to train both trainings');
  } finally {
    await stopWorker(worker);
    await redis.stop();
  }
});

test('a worker refuses a job from another engine version, a malformed payload and an oversized one, with a clear reason', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  const worker = start(['worker', '--queue', redis.url(), '--workers', '1', '--name', 'w'], dir);
  const { Queue, QueueEvents } = createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
  const connection = { host: '127.0.0.1', port: redis.port };
  const queue = new Queue('dlsweep-trainings', { connection });
  const events = new QueueEvents('dlsweep-trainings', { connection });
  try {
    await until(() => /taking trainings/.test(worker.out()), 'the worker to start');
    await events.waitUntilReady();
    const good = {
      format: 1,
      engine_version: 'x',
      sweep: 's',
      experiment: 'e',
      order: { training: 0, key: 'a'.repeat(64), config: { hidden_sizes: [2], init: 'zeros', learning_rate: 0.1, seed: 1 }, checkpoints: [5], thresholds: [0.5], curve_every: 1, engine: 'auto' },
      data: { fingerprint: 'b'.repeat(64), sha256: 'c'.repeat(64), bytes: 10 },
    };
    const reasonOf = async (data: unknown, id: string) => {
      const job = await queue.add('train', data, { jobId: id });
      await assert.rejects(job.waitUntilFinished(events, 20_000), (e: Error) => {
        reason = e.message;
        return true;
      });
      return reason;
    };
    let reason = '';
    assert.match(await reasonOf({ ...good, engine_version: '0' }, 'old'), /refused: the job comes from dlsweep engine version "0", this worker runs version \d+/);
    assert.match(await reasonOf({ ...good, engine_version: readEngineVersion(), order: { ...good.order, config: 'rm -rf /' } }, 'bad'), /refused: invalid job payload: order\.config/);
    assert.match(await reasonOf({ ...good, engine_version: readEngineVersion(), sweep: 'x'.repeat(70_000) }, 'big'), /refused: the job payload has \d+ bytes, more than 65536/);
    assert.match(worker.out(), /job old refused: the job comes from dlsweep engine version "0"/);
  } finally {
    await Promise.allSettled([queue.close(), events.close()]);
    await stopWorker(worker);
    await redis.stop();
  }
});

test('a worker of another engine version: the coordinator records the runs failed with the worker\'s reason, exit 1; --resume trains them on a worker of its own version', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  const file = writeExperiment(dir, 'v.yaml', syntheticExperiment('v', '  learning_rate: [0.1, 0.3]\n  iterations: [20]'));
  // A worker of another version, as `dlsweep worker` of that version checks a job: dlsweep's own validateJob.
  const { Worker, UnrecoverableError } = createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
  const other = new Worker(
    'dlsweep-trainings',
    async (job) => {
      try {
        validateJob(job.data, '0-other');
      } catch (e) {
        throw new UnrecoverableError((e as Error).message);
      }
      return 'unreachable';
    },
    { connection: { host: '127.0.0.1', port: redis.port } },
  );
  try {
    await other.waitUntilReady();
    // Not runCli: this process's event loop runs the other worker.
    const r = start(['--runs-dir', 'rv', 'run', file, '--queue', redis.url()], dir);
    assert.equal(await r.exited, 1, r.out());
    assert.match(r.out(), new RegExp(`failed runs:\\n {2}000[12]-[0-9a-f]{8}: the queue's worker failed the job: refused: the job comes from dlsweep engine version "${readEngineVersion()}", this worker runs version 0-other; run workers of the same dlsweep version as the coordinator\\n`));
    const sweep = onlySweep(join(dir, 'rv'), 'v');
    assert.deepEqual(readJson(join(sweep, 'sweep.json')).counts, { done: 0, diverged: 0, failed: 2, interrupted: 0, pending: 0 });
    await other.close();
    // The refused jobs were removed: a resume enqueues them again, and this version's worker (here, --workers 1) trains them.
    const resumed = runCli(['--runs-dir', 'rv', 'run', file, '--queue', redis.url(), '--resume', '--workers', '1', '--quiet'], dir, LOCK);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(readJson(join(sweep, 'sweep.json')).counts.done, 2);
  } finally {
    await other.close();
    await redis.stop();
  }
});

test('rediss:// (TLS): a sweep and queue status over TLS; an untrusted certificate is one clear error', { skip }, async () => {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const redis = await startRedis(PASSWORD, { cert, key });
  const trust = { NODE_EXTRA_CA_CERTS: cert };
  try {
    assert.match(redis.url(), /^rediss:/);
    const file = writeExperiment(dir, 't.yaml', syntheticExperiment('t', '  learning_rate: [0.1, 0.3]\n  iterations: [20]'));
    // The coordinator trains too (--workers 1): a sweep over TLS end to end.
    const r = runCli(['--runs-dir', 'rt', 'run', file, '--queue', redis.url(), '--workers', '1', '--quiet'], dir, { ...LOCK, ...trust });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readJson(join(onlySweep(join(dir, 'rt'), 't'), 'sweep.json')).counts.done, 2);
    const status = runCli(['queue', 'status', '--queue', redis.url()], dir, trust);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^queue rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: 0 waiting, 0 active, 2 completed, 0 failed/);
    const untrusted = runCli(['queue', 'status', '--queue', redis.url()], dir);
    assert.equal(untrusted.code, 2);
    assert.match(untrusted.stderr, /^error: cannot reach Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*(certificate|self.signed)/);
  } finally {
    await redis.stop();
  }
});

/** The engine version of the build under test. */
function readEngineVersion(): string {
  const text = readFileSync(new URL('../../src/train/version.js', import.meta.url), 'utf8');
  return /ENGINE_VERSION = '([^']+)'/.exec(text)![1];
}

test('queue status is scoped to the URL\'s database: its workers only; a database the server lacks is an error', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  // A worker on database 0; redis-server's default `databases 16` gives 0-15, so 99 does not exist.
  const worker = start(['worker', '--queue', redis.url(0), '--workers', '1', '--name', 'zero'], dir);
  try {
    await until(() => /taking trainings/.test(worker.out()), 'the worker to start');
    const db0 = runCli(['queue', 'status', '--queue', redis.url(0)], dir);
    assert.equal(db0.code, 0, db0.stderr);
    assert.match(db0.stdout, /workers \(1\):\n {2}zero /);
    const db1 = runCli(['queue', 'status', '--queue', redis.url(1)], dir);
    assert.equal(db1.code, 0, db1.stderr);
    assert.match(db1.stdout, /workers: none connected/);
    const db99 = runCli(['queue', 'status', '--queue', redis.url(99)], dir);
    assert.equal(db99.code, 2);
    assert.equal(db99.stdout, '');
    assert.match(db99.stderr, /^error: Redis at redis:\/\/127\.0\.0\.1:\d+\/99 has no database 99 .*\nhint: .*databases 0-15/);
  } finally {
    await stopWorker(worker);
    await redis.stop();
  }
});

test('a password given to a Redis that has none: the sweep and queue status work, without raw client warnings', { skip }, async () => {
  const redis = await startRedis();
  const dir = tempDir();
  const file = writeExperiment(dir, 'p.yaml', syntheticExperiment('p', '  learning_rate: [0.1, 0.3]\n  iterations: [20]'));
  const url = `redis://:unneeded-pw@127.0.0.1:${redis.port}`;
  try {
    // The coordinator trains too (--workers 1): its queue, events and worker connections all use the URL.
    const r = runCli(['run', file, '--queue', url, '--workers', '1', '--quiet'], dir, LOCK);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readJson(join(onlySweep(join(dir, 'runs'), 'p'), 'sweep.json')).counts.done, 2);
    const status = runCli(['queue', 'status', '--queue', url], dir);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /2 completed/);
    for (const out of [r.stdout, r.stderr, status.stdout, status.stderr]) {
      assert.doesNotMatch(out, /\[WARN\]|does not require a password|unneeded-pw/);
    }
  } finally {
    await redis.stop();
  }
});
