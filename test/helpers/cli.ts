/** Helpers for end-to-end tests: run the built CLI in a temporary folder and read what it wrote. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI as installed: the bundle that `npm run build` writes (dist/bundle/dlsweep.js). */
export const CLI = fileURLToPath(new URL('../../bundle/dlsweep.js', import.meta.url));
/** The repository root (tests run from it). */
export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const WISCONSIN = join(REPO, 'data', 'wisconsin-cancer-dataset.csv');

export function hasWisconsin(): boolean {
  return existsSync(WISCONSIN);
}

export function tempDir(prefix = 'dlsweep-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI synchronously in `cwd`. */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Start the CLI without waiting. */
export function startCli(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Write an experiment file into `dir` and return its path. */
export function writeExperiment(dir: string, name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

/** The only sweep folder of an experiment under runsDir. */
export function onlySweep(runsDir: string, experiment: string): string {
  const sweeps = readdirSync(join(runsDir, experiment)).filter((n) => /^\d{8}-\d{6}-[0-9a-f]{4}$/.test(n));
  if (sweeps.length !== 1) throw new Error(`expected one sweep of ${experiment}, found ${sweeps.length}`);
  return join(runsDir, experiment, sweeps[0]);
}

/** Run folders of a sweep, sorted. */
export function runFolders(sweep: string): string[] {
  return readdirSync(sweep).filter((n) => /^\d{4,}-[0-9a-f]{8}$/.test(n)).sort();
}

/** Every file of every run folder of a sweep: folder/name -> bytes (latin1), to check that records are kept byte for byte. */
export function runFiles(sweep: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of runFolders(sweep)) for (const name of readdirSync(join(sweep, f))) out.set(`${f}/${name}`, readFileSync(join(sweep, f, name), 'latin1'));
  return out;
}

export function readJson<T = any>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A synthetic-data experiment (no dataset file needed). */
export function syntheticExperiment(name: string, grid: string, extra = ''): string {
  return `name: ${name}
dataset:
  synthetic: {kind: blobs, samples: 200, features: 4, noise: 0.5, seed: 3}
${extra}grid:
${grid}
record:
  curve_every: 10
`;
}

/** A sweep recorded in a new temporary folder: the experiment `yaml` written as `fileName` and run (one worker). */
export interface RecordedSweep {
  dir: string;
  runs: string;
  file: string;
  /** The sweep's id and folder. */
  id: string;
  sweep: string;
}

/**
 * A 3-run grid of learning rates far apart (0.001, 0.5, 0.05) on synthetic blobs, 30 updates each: one run is
 * best by the default objective, and it records in about a second.
 */
export function ratesFarApart(name: string): string {
  return `name: ${name}
dataset:
  synthetic: {kind: blobs, samples: 200, features: 4, noise: 2.5, seed: 3}
fixed:
  iterations: 30
grid:
  learning_rate: [0.001, 0.5, 0.05]
`;
}

/** Record one sweep of `yaml` (experiment name `experiment`) in a new temporary folder. Throws: Error when the run fails. */
export function recordedSweep(prefix: string, fileName: string, experiment: string, yaml: string): RecordedSweep {
  const dir = tempDir(prefix);
  const file = writeExperiment(dir, fileName, yaml);
  const r = runCli(['run', file, '--quiet', '--workers', '1'], dir);
  if (r.code !== 0) throw new Error(`dlsweep run ${fileName} exited ${r.code}: ${r.stderr}`);
  const sweep = onlySweep(join(dir, 'runs'), experiment);
  return { dir, runs: join(dir, 'runs'), file, id: sweep.split('/').at(-1)!, sweep };
}
