/**
 * The queue against the local pool, side by side: the same sweep through a redis-server (127.0.0.1, no
 * persistence) and two `dlsweep worker` processes of one thread each, versus `dlsweep run --workers 2`.
 * Every repetition gets a fresh Redis and fresh workers: a training already in the queue would be collected,
 * not trained. Both times are whole coordinator processes (start-up, planning, recording, report).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, WISCONSIN, cliEnv, median, run } from './measure.js';
import type { BenchRow } from './report.js';

const REDIS = '/usr/bin/redis-server';
const DATA_DIR = path.dirname(WISCONSIN);

/** Whether the queue cases can run, or why not. */
export function queueStatus(): { ok: boolean; detail: string } {
  return existsSync(REDIS) ? { ok: true, detail: 'redis-server' } : { ok: false, detail: `${REDIS} is missing (Debian package redis-server)` };
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A free port, found by a child process (this one stays synchronous). */
function freePort(): number {
  const r = spawnSync(process.execPath, ['-e', `const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})`], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

/** Redis and two one-thread workers on it, ready; stop() kills them all. */
function startCluster(): { url: string; stop(): void } {
  const port = freePort();
  const procs: ChildProcess[] = [spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })];
  const url = `redis://127.0.0.1:${port}`;
  const stop = () => {
    for (const p of procs) p.kill('SIGKILL');
    sleep(200);
  };
  try {
    for (let i = 0; spawnSync('/usr/bin/redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG'; i++) {
      if (i > 100) throw new Error('redis-server did not start');
      sleep(50);
    }
    for (const name of ['bench-a', 'bench-b']) procs.push(spawn(process.execPath, [CLI, 'worker', '--queue', url, '--workers', '1', '--name', name], { stdio: 'ignore', env: cliEnv() }));
    for (let i = 0; ; i++) {
      const s = spawnSync(process.execPath, [CLI, 'queue', 'status', '--queue', url, '--json'], { encoding: 'utf8' });
      if (s.status === 0 && (JSON.parse(s.stdout) as { workers: unknown[] }).workers.length === 2) break;
      if (i > 100) throw new Error('the bench workers did not start');
      sleep(100);
    }
    return { url, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/** Seconds of `dlsweep run FILE ARGS`, checking that every point was recorded. */
function sweepSeconds(file: string, args: string[]): number {
  const runsDir = mkdtempSync(path.join(tmpdir(), 'dlsweep-bench-queue-'));
  try {
    const { seconds } = run(process.execPath, [CLI, '--runs-dir', runsDir, 'run', file, '--quiet', '--data-dir', DATA_DIR, ...args], { env: cliEnv() });
    const exp = path.join(runsDir, readdirSync(runsDir)[0]);
    const sweep = JSON.parse(readFileSync(path.join(exp, readdirSync(exp).filter((d) => !d.startsWith('.'))[0], 'sweep.json'), 'utf8')) as { grid_size: number; counts: { done: number } };
    if (sweep.counts.done !== sweep.grid_size) throw new Error(`the sweep of ${file} recorded ${sweep.counts.done} of ${sweep.grid_size} points`);
    return seconds;
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}

/** Queue and local times of one experiment, alternating, reps times each. */
function sideBySide(yaml: string, reps: number): { queue: number[]; local: number[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlsweep-bench-queue-'));
  const file = path.join(dir, 'exp.yaml');
  writeFileSync(file, yaml);
  const queue: number[] = [];
  const local: number[] = [];
  try {
    for (let r = 0; r < reps; r++) {
      local.push(sweepSeconds(file, ['--workers', '2']));
      const cluster = startCluster();
      try {
        queue.push(sweepSeconds(file, ['--queue', cluster.url]));
      } finally {
        cluster.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { queue, local };
}

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ');

/**
 * 1,000 trainings of 10 updates (Wisconsin, 9-15-1, seeds 1..1000) through the queue versus the local pool:
 * the overhead per training is (queue time - local time) / 1000. And sixteen equal trainings of 65,000
 * updates: the queue's throughput against the local pool's.
 */
export function queueCases(reps: number, ok: boolean): BenchRow[] {
  if (!ok) return [];
  const tiny = sideBySide(
    `name: bench-queue-tiny\ndataset: wisconsin\nfixed:\n  hidden_sizes: [15]\n  init: lecun_normal\n  learning_rate: 0.01\n  iterations: 10\ngrid:\n  seed: [${seeds(1000)}]\nrecord:\n  curve_every: 5\n`,
    reps,
  );
  const overhead = tiny.queue.map((q, i) => ((q - tiny.local[i]) / 1000) * 1e6);
  const long = sideBySide(
    `name: bench-queue-long\ndataset: wisconsin\nfixed:\n  hidden_sizes: [15]\n  init: lecun_normal\n  learning_rate: 0.01\n  iterations: 65000\ngrid:\n  seed: [${seeds(16)}]\nrecord:\n  curve_every: 500\n`,
    Math.min(reps, 2),
  );
  return [
    {
      id: 'queue-overhead',
      case: `1,000 trainings of 10 updates through the queue (2 worker processes x 1 thread; ${median(tiny.queue).toFixed(2)} s) vs the local pool (--workers 2; ${median(tiny.local).toFixed(2)} s): overhead per training`,
      ours: median(overhead),
      ours_samples: overhead,
      unit: 'us',
      reference: null,
      reference_samples: [],
      reference_name: null,
      goal: '< 5 ms per training',
      goal_ratio: null,
      goal_max: 5000,
    },
    {
      id: 'queue-throughput',
      case: '16 equal trainings (9-15-1 x 65000 updates) on 2 worker processes x 1 thread through the queue (reference: local pool, --workers 2)',
      ours: median(long.queue),
      ours_samples: long.queue,
      unit: 's',
      reference: median(long.local),
      reference_samples: long.local,
      reference_name: 'same sweep, local pool --workers 2',
      goal: '>= 0.9x the local throughput',
      goal_ratio: 0.9,
    },
  ];
}
