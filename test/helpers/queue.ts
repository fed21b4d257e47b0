/** Helpers for tests of the queue: CLI processes whose output is collected, polling, stopping workers. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFolders, startCli } from './cli.js';

/** Short job locks: a killed worker's job returns within 1.5 s instead of 12.5 s. */
export const LOCK = { DLSWEEP_QUEUE_LOCK_MS: '1000' };

/** A started CLI process whose output (stdout and stderr, interleaved) is collected. */
export interface Proc {
  child: ChildProcess;
  out(): string;
  exited: Promise<number | null>;
}

/** Start the CLI in `cwd` with the short lock (env may override it). */
export function start(args: string[], cwd: string, env: Record<string, string> = {}): Proc {
  const child = startCli(args, cwd, { ...LOCK, ...env });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => text, exited };
}

/** Wait until fn() holds, polling; fails after timeoutMs with `what`. */
export async function until(fn: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!fn()) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stop a worker with SIGTERM (it finishes what it holds) and wait for it to exit. */
export async function stopWorker(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await p.exited;
}

/** Each run folder of a sweep with its metrics.json, for byte comparisons. */
export function metrics(sweep: string): string[] {
  return runFolders(sweep).map((f) => `${f} ${readFileSync(join(sweep, f, 'metrics.json'), 'utf8')}`);
}

/** Occurrences of `re` in text. */
export const count = (text: string, re: RegExp) => (text.match(new RegExp(re.source, 'g')) ?? []).length;
