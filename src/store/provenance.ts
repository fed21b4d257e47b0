/** Where a sweep came from: the git commit of the experiment's folder and dlsweep's own version. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * HEAD commit of the git repository holding `dir`, or null (not a repository, or git absent). Asynchronous,
 * so that a sweep asks git while it plans rather than waiting for it.
 */
export function gitCommit(dir: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 5000 }, (error, stdout) => {
      const sha = error ? '' : String(stdout).trim();
      resolve(/^[0-9a-f]{40}$/.test(sha) ? sha : null);
    });
  });
}

let version: string | undefined;

/**
 * dlsweep's version, from its package.json: the nearest one above this code, which is dist/src/store/ when
 * compiled by tsc and dist/bundle/ in the bundle that `dlsweep` runs.
 * Throws: Error if no package.json of dlsweep is found (a broken installation).
 */
export function toolVersion(): string {
  if (version) return version;
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'dlsweep') return (version = pkg.version);
    } catch {
      // No (readable) package.json here: look one folder up.
    }
    if (dir.pathname === '/') throw new Error(`dlsweep's package.json is not found above ${fileURLToPath(import.meta.url)}`);
  }
}
