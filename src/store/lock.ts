/**
 * One process per sweep folder. The lock is proper-lockfile's (a directory whose mtime the holder keeps
 * fresh); next to it we record the holder's pid so that a refusal can name it and a lock left by a dead
 * process is taken over at once instead of after the staleness delay.
 */
import type * as ProperLockfile from 'proper-lockfile';

/**
 * proper-lockfile, loaded on first use. Loading it installs signal handlers (its signal-exit releases locks on
 * exit), and a process with a SIGINT handler is stopped only when its event loop turns: loading it only when a
 * lock is taken keeps Ctrl-C and SIGTERM immediate while an experiment is read, checked and planned.
 */
export async function loadLockfile(): Promise<typeof ProperLockfile> {
  return ((await import('proper-lockfile')) as unknown as { default: typeof ProperLockfile }).default;
}
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { SWEEP_FILES } from './paths.js';

interface Owner {
  pid: number;
  host: string;
  since: string;
}

function ownerPath(dir: string): string {
  return join(dir, `${SWEEP_FILES.lock}-owner.json`);
}

function readOwner(dir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(ownerPath(dir), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * Whether a process is running. A zombie (exited, not yet reaped by its parent, as after `kill -9` of a
 * child of a shell) still answers signal 0 but runs nothing and holds nothing: on Linux its state in
 * /proc/PID/stat is Z (or X while being reaped), and it counts as dead.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    // No /proc (macOS): signal 0 is all we know. /proc present but the process gone: it just ended.
    return (e as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self/stat');
  }
  // "PID (COMMAND) STATE ...": the command may hold spaces and parentheses, the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/**
 * Whether the process recorded as holding a sweep's lock is alive: undefined when unknown (no record, or a
 * holder on another host).
 */
export function lockHolderAlive(dir: string): boolean | undefined {
  const owner = readOwner(dir);
  if (!owner || owner.host !== hostname()) return undefined;
  return isAlive(owner.pid);
}

/**
 * Release a sweep's lock: best effort, never throws, and only once (later calls return the first answer).
 * Resolves to undefined when the lock is gone, or, when it cannot be removed (a runs folder made read-only
 * meanwhile), to a sentence saying so and how to clear it: it names a process that is ending, so the next
 * command takes it over (lockSweep) once the folder is writable.
 */
export type ReleaseLock = () => Promise<string | undefined>;

/**
 * Take the lock of a sweep folder. Returns its release (ReleaseLock).
 * Throws: UserError when a live process holds it (naming its pid).
 */
export async function lockSweep(dir: string): Promise<ReleaseLock> {
  const options = {
    lockfilePath: join(dir, SWEEP_FILES.lock),
    realpath: false,
    stale: 10_000,
    update: 2_000,
    // A missed refresh (the event loop was busy) must not kill a sweep; the pid file still guards it.
    onCompromised: () => undefined,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const release = await (await loadLockfile()).lock(dir, options);
      try {
        writeFileSync(ownerPath(dir), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      } catch (e) {
        // A full disk: the lock is not kept, and the failed write() names the file it was to be.
        try {
          rmSync(ownerPath(dir), { force: true });
        } catch {
          // names this process, which ends: the next command takes the lock over
        }
        await release().catch(() => undefined);
        (e as NodeJS.ErrnoException).path ??= ownerPath(dir);
        throw e;
      }
      let released: Promise<string | undefined> | undefined;
      return () =>
        (released ??= (async () => {
          const left: string[] = [];
          try {
            rmSync(ownerPath(dir), { force: true });
          } catch {
            left.push(ownerPath(dir));
          }
          await release().catch(() => undefined);
          if (existsSync(options.lockfilePath)) left.unshift(options.lockfilePath);
          if (left.length === 0) return undefined;
          return (
            `the sweep's lock could not be removed (${left.join(', ')}); it names process ${process.pid} (this one, which ends now), ` +
            `so once the folder is writable again the next dlsweep command takes it over (or remove it then: rm -r ${left.join(' ')})`
          );
        })());
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED' || attempt > 0) {
        if ((e as NodeJS.ErrnoException).code === 'ELOCKED') break;
        throw e;
      }
      const owner = readOwner(dir);
      if (owner && owner.host === hostname() && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new UserError(
          `sweep ${dir} is in use by process ${owner.pid} (since ${owner.since})`,
          'wait for it to finish, or stop it (kill ' + owner.pid + ') and resume with --resume',
        );
      }
      // The holder is dead (or left no pid): take the lock over.
      rmSync(options.lockfilePath, { recursive: true, force: true });
    }
  }
  const owner = readOwner(dir);
  throw new UserError(`sweep ${dir} is locked${owner ? ` by process ${owner.pid}` : ''}`, 'wait for the other process to finish');
}
