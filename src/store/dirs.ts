/** Creating folders with errors that say what is wrong. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Create a folder and any missing parents (mkdir -p). Node's recursive mkdir reports ENOENT when a parent
 * cannot be created, whatever the reason (a read-only file system, no permission); the missing folders are
 * then created one at a time so that the error thrown is the real one (EROFS, EACCES, ENOTDIR...).
 * Throws: the file system's error, naming the folder that could not be created.
 */
export function makeDirs(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const missing: string[] = [];
  for (let p = resolve(path); !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
