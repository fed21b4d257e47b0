/**
 * Write failures at the command line: the words and hints (../write-errors.ts), and what to throw when a file
 * the user named cannot be written. main.ts prints them, with exit code 1 (2 for a path that cannot be one).
 */
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { shellWord } from '../text.js';
import { isWriteError } from '../write-errors.js';

export { PATH_ERRORS, describeWriteError, isWriteError, stopRemedy, writeErrorHint } from '../write-errors.js';

/**
 * What to throw when writing `path`, a file the user named with `option` (--output, --html), failed: a failure
 * of the disk or of permissions as it is, naming `path`, for main.ts's one message and its hint (free space, a
 * writable file system, permissions); a folder that does not exist as a UserError naming it; anything else
 * (a bug) as it is.
 */
export function outputWriteFailure(e: unknown, path: string, option: string): unknown {
  if (!(e instanceof Error)) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') {
    return new UserError(`${option}: cannot write ${path}: the folder ${dirname(path)} does not exist`, `create it (mkdir -p ${shellWord(dirname(path))}), or give ${option} a file in a folder that exists`);
  }
  if (isWriteError(err)) err.path ??= path;
  return e;
}
