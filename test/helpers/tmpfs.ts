/**
 * Small tmpfs mounts for the tests of full and read-only disks: real file systems with a size limit.
 * Mounting needs root (CI runs as root); a test that cannot mount one is skipped.
 */
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/** Mount a tmpfs with `options` (e.g. 'size=64k', 'ro,size=64k') on the folder `dir`; returns whether it mounted. */
export function mountTmpfs(dir: string, options: string): boolean {
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0;
}

/** A test's first tmpfs: mounted (true), or the test skipped (false: the test then returns). */
export function mountTmpfsOrSkip(t: TestContext, dir: string, options: string): boolean {
  if (mountTmpfs(dir, options)) return true;
  t.skip('cannot mount a tmpfs here (needs root)');
  return false;
}

/**
 * Remount the tmpfs on `dir` with `options` (e.g. 'remount,ro'); returns whether it was remounted. Made
 * read-only while a process writes there, the kernel refuses while a file is open for writing (mount exits
 * 32, busy): tried again every 10 ms for up to 2 s, as a user would retry.
 */
export function remountTmpfs(dir: string, options: string): boolean {
  for (let tries = 0; ; tries++) {
    const status = spawnSync('mount', ['-o', options, dir]).status;
    if (status === 0) return true;
    if (status !== 32 || tries >= 200) return false;
    spawnSync('sleep', ['0.01']);
  }
}

/** Unmount these folders lazily (a process still inside does not keep the mount). Never throws. */
export function unmount(...dirs: string[]): void {
  for (const dir of dirs) spawnSync('umount', ['-l', dir]);
}
