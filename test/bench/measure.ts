/**
 * Benchmark plumbing: timing with medians, child processes (the CLI, the Python references), the machine.
 * Benchmarks are never unit tests: nothing here asserts a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is dist/test/bench/measure.js once compiled). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built CLI (the bundle `dlsweep` runs). */
export const CLI = path.join(REPO, 'dist/bundle/dlsweep.js');
/** The Wisconsin CSV used by the engine and sweep cases. */
export const WISCONSIN = path.join(REPO, 'data/wisconsin-cancer-dataset.csv');
/** The Python references (numpy network, scikit-learn grid search), beside the repository. */
export const REFS = path.resolve(REPO, process.env.DLSWEEP_BENCH_REFS ?? '../shared/bench');
/** Debian's Python (with python3-numpy and python3-sklearn), distinct from any python3 on PATH. */
export const PYTHON = '/usr/bin/python3';

/** Median of a non-empty list. Throws: Error for an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Wall time of fn in seconds. */
export function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

/**
 * CPU time of this process (user + system, seconds) spent while fn runs. For single-threaded work in this
 * process it is the work's own time even when other processes share the cores (wall time then counts the
 * waits too); it does not count child processes or worker threads' idle time.
 */
export function cpuTime(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1e6;
}

/**
 * Runs a command and returns its stdout and wall time (seconds, including process start-up).
 * Throws: Error with stderr if it exits with a non-zero code or cannot start.
 */
export function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { stdout: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: options.cwd ?? REPO, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${r.status}: ${r.stderr.slice(-2000)}`);
  return { stdout: r.stdout, seconds };
}

/** The environment for our CLI runs: the default engine (DLSWEEP_ENGINE unset). */
export function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DLSWEEP_ENGINE;
  delete env.DLSWEEP_INJECT_FAULT;
  return env;
}

/** Whether the Python references can run, with versions, or why not. */
export interface PythonStatus {
  ok: boolean;
  detail: string;
}

/** Checks for /usr/bin/python3 with numpy and scikit-learn, and for the reference scripts. */
export function pythonStatus(): PythonStatus {
  if (!existsSync(path.join(REFS, 'dlnet_numpy.py')) || !existsSync(path.join(REFS, 'sklearn_grid.py'))) {
    return { ok: false, detail: `reference scripts not found in ${REFS}` };
  }
  if (!existsSync(PYTHON)) {
    return { ok: false, detail: `${PYTHON} not found (Debian: apt-get install python3-numpy python3-sklearn)` };
  }
  const r = spawnSync(PYTHON, ['-c', 'import numpy, sklearn; print("numpy", numpy.__version__, "scikit-learn", sklearn.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) {
    return { ok: false, detail: `${PYTHON} lacks numpy or scikit-learn (Debian: apt-get install python3-numpy python3-sklearn)` };
  }
  return { ok: true, detail: `${PYTHON}: ${r.stdout.trim()}` };
}

/** The machine, for the results file and the table's header. */
export function machine(): Record<string, unknown> {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    mhz: c[0]?.speed ?? null,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Whether /usr/bin/python3 has PyTorch (Debian: python3-torch) and torch_options.py is there, with the version, or why not. */
export function torchStatus(): PythonStatus {
  if (!existsSync(path.join(REFS, 'torch_options.py'))) return { ok: false, detail: `torch_options.py not found in ${REFS}` };
  const r = spawnSync(PYTHON, ['-c', 'import torch; print("torch", torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, detail: `${PYTHON} lacks torch (Debian: apt-get install python3-torch)` };
  return { ok: true, detail: r.stdout.trim() };
}
