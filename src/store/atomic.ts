/**
 * Atomic file writes (temporary file in the same folder, then rename), by the main thread, and by the store's
 * writer thread for the writes a search hands it (writer.ts; write-file-atomic names its temporary files by
 * thread too). A reader or a process killed mid-write sees the old file or the new one, never a partial one.
 * Files are not fsynced: that guards against power loss, not process death, and costs a disk flush per file.
 */
import writeFileAtomic from 'write-file-atomic';
import { onExit } from 'signal-exit';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Keep signal-exit's process listeners installed until the returned function is called. write-file-atomic
 * registers an exit handler for each file (to remove its temporary file if the process exits mid-write),
 * and signal-exit installs and removes its listeners on a dozen signals whenever its first handler comes and
 * its last goes: about 0.3 ms per file, most of the cost of a small write. A sweep holds them while it
 * records runs. The handlers still run on exit: holding changes when listeners are installed, not what
 * happens at exit.
 */
export function holdExitHandlers(): () => void {
  return onExit(() => undefined);
}

/**
 * The file system's error, naming the file written: an error that names none (a write to an open file), or
 * that names the temporary file beside it (write-file-atomic's `<name>.<digits>`, which the user never sees),
 * is made to name the file itself, in `path` and in its message.
 */
function withPath(e: unknown, path: string): unknown {
  if (!(e instanceof Error) || typeof (e as NodeJS.ErrnoException).code !== 'string') return e;
  const err = e as NodeJS.ErrnoException;
  if (err.path === undefined) {
    err.path = path;
  } else if (err.path.startsWith(path + '.') && /^\d+$/.test(err.path.slice(path.length + 1))) {
    const temp = err.path;
    // "rename '<temp>' -> '<path>'" says the one file once.
    err.message = err.message.split(`'${temp}' -> `).join('').split(temp).join(path);
    err.path = path;
  }
  return e;
}

/**
 * write-file-atomic writes with one write call and takes what it returns for the whole: on a disk with room
 * for part of the file the call writes that part without an error, and the cut file replaces the old one.
 * So the file's size is checked once it is in place: a short file is an ENOSPC error naming the file. The cut
 * file is removed unless it is JSON, which a reader then finds damaged (a sweep.json must stay to be
 * repaired); a cut report.html or results.csv would read as whole. Throws: that error.
 */
function checkWhole(path: string, bytes: number): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // replaced or removed meanwhile: not this write's to judge
  }
  if (size === bytes) return;
  if (!path.endsWith('.json')) rmSync(path, { force: true });
  const err: NodeJS.ErrnoException = new Error(`ENOSPC: no space left on device, write '${path}' (${size} of ${bytes} bytes written)`);
  err.code = 'ENOSPC';
  err.syscall = 'write';
  err.path = path;
  throw err;
}

/** Write text atomically. Throws: the file system's error (ENOSPC, EACCES...), naming the file. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text, { fsync: false, encoding: 'utf8' });
  } catch (e) {
    throw withPath(e, path);
  }
  checkWhole(path, Buffer.byteLength(text, 'utf8'));
}

/** Write bytes atomically (e.g. an exported .onnx file). Throws: the file system's error. */
export async function writeBytesAtomic(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { fsync: false });
  } catch (e) {
    throw withPath(e, path);
  }
  checkWhole(path, bytes.byteLength);
}

/** A value as the JSON files are written: pretty (2 spaces), with a trailing newline. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Write a value as pretty JSON (2 spaces, trailing newline) atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeTextAtomic(path, jsonText(value));
}

/** Synchronous variant: for small files written in bursts (run folders) and for exit paths. */
export function writeTextAtomicSync(path: string, text: string): void {
  try {
    writeFileAtomic.sync(path, text, { fsync: false, encoding: 'utf8' });
  } catch (e) {
    throw withPath(e, path);
  }
  checkWhole(path, Buffer.byteLength(text, 'utf8'));
}

/** Synchronous variant of writeJsonAtomic. */
export function writeJsonAtomicSync(path: string, value: unknown): void {
  writeTextAtomicSync(path, jsonText(value));
}

// write-file-atomic names its temporary files `<name>.<decimal hash>`.
const TEMP_FILE = /\.(json|csv|md|yaml|txt|html)\.\d+$/;

/** Remove temporary files left by a killed writer in `dir` (not recursive). Returns how many were removed. */
export function removeStaleTempFiles(dir: string): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (TEMP_FILE.test(name)) {
      rmSync(join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}
