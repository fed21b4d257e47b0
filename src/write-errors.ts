/**
 * File-system write failures (disk full, permissions) in words a user can act on: one table and one hint per
 * failure for every stage that writes (the CLI prints them; the store and the report put them in warnings).
 */

const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EIO: 'input/output error',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the name is too long for the file system',
};

/** Write failures that come from the path the user gave (exit 2), rather than from the disk (exit 1). */
export const PATH_ERRORS: ReadonlySet<string> = new Set(['ENOTDIR', 'EISDIR', 'ENAMETOOLONG']);

/** Whether an error is a file-system write failure the user can fix (rather than a bug). */
export function isWriteError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && (e as NodeJS.ErrnoException).code! in WRITE_ERRORS;
}

/** System calls that only read: a failure there is a folder or file that cannot be read, not a failed write. */
const READ_SYSCALLS: ReadonlySet<string> = new Set(['scandir', 'opendir', 'readdir', 'stat', 'lstat', 'access', 'readlink', 'read']);

/** Whether a file-system error came from reading (listing a folder, a stat), e.g. under a read-only command such as ls. */
function isReadError(e: NodeJS.ErrnoException): boolean {
  return e.syscall !== undefined && READ_SYSCALLS.has(e.syscall);
}

/** "cannot write PATH: no space left on the device (ENOSPC)" (or "cannot read PATH: ..." when reading failed), or the error's own message. */
export function describeWriteError(e: Error): string {
  if (!isWriteError(e)) return e.message;
  return `cannot ${isReadError(e) ? 'read' : 'write'} ${e.path ?? 'a file'}: ${WRITE_ERRORS[e.code!]} (${e.code})`;
}

/**
 * Why a file could not be read, in words, and what to do: "permission denied (EACCES)" and "make it readable
 * ...". For the files a user names (an experiment file, a dataset); `file` as the user wrote it.
 */
export function readFailure(e: unknown, file: string): { why: string; hint: string } {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const why = code in WRITE_ERRORS ? `${WRITE_ERRORS[code]} (${code})` : (e as Error).message;
  if (code === 'EACCES' || code === 'EPERM') return { why, hint: `make it readable (chmod u+r ${file}), or copy it to a folder of yours` };
  if (code === 'ENAMETOOLONG') return { why, hint: 'give a shorter path (a name of at most 255 bytes)' };
  return { why, hint: 'check the file and the disk it is on' };
}

/**
 * What to do about a write failure, in one line. `command`: the command that failed (`run`, `note`, `data
 * fetch`...): only `run` is told of --resume, the others to run the same command again.
 */
export function writeErrorHint(e: NodeJS.ErrnoException, command?: string): string {
  if (isReadError(e)) return 'give --runs-dir a folder of sweeps (as run creates it) that this user can read, e.g. --runs-dir runs';
  const again = command === 'run' ? 'run again (add --resume to continue a sweep)' : 'run the same command again';
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `free space, then ${again}`;
    case 'EROFS':
      return 'choose a folder on a writable file system (--runs-dir, --data-dir, --output)';
    case 'EACCES':
    case 'EPERM':
      return 'fix the folder\'s permissions or choose another (--runs-dir, --data-dir, --output), then run again';
    default:
      return PATH_ERRORS.has(e.code ?? '') ? 'check --runs-dir, --data-dir and the experiment name' : `fix the cause, then ${again}`;
  }
}

/** What to do before resuming a sweep or search that a write failure stopped (disk full, read-only, permissions). */
export function stopRemedy(e: Error): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'free space';
    case 'EROFS':
      return 'make the folder writable again (remount it read-write)';
    case 'EACCES':
    case 'EPERM':
      return "fix the folder's permissions";
    default:
      return 'free space or fix permissions';
  }
}
