/** Creating folders with errors that say what is wrong. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Create a folder and any missing parents (mkdir -p), one folder at a time, so that the error thrown is the
 * real one (EROFS, EACCES, ENOTDIR...): Node's recursive mkdir reports ENOENT whatever the reason.
 * Throws: the file system's error, naming the folder that could not be created.
 */
export function makeDirs(path: string): void {
  // Never Node's recursive mkdir: under /proc it retries forever (ENOENT for the folder, EEXIST for its
  // parent) instead of failing.
  const missing: string[] = [];
  for (let p = resolve(path); !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // The parent exists, yet the folder cannot be made in it (a virtual file system such as /proc): no
      // permission to create folders there, in the words the write-error messages use.
      if (code === 'ENOENT' && existsSync(dirname(p))) throw Object.assign(new Error(`EPERM: operation not permitted, mkdir '${p}'`), { code: 'EPERM', path: p, syscall: 'mkdir' });
      throw e;
    }
  }
}
