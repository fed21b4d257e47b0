/** Where a sweep came from: the git commit of the experiment's folder and dlsweep's own version. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** HEAD commit of the git repository holding `dir`, or null (not a repository, or git absent). */
export function gitCommit(dir: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const sha = out.toString().trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}

/** dlsweep's version, from its package.json. */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
