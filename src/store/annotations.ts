/**
 * Tags and a note on a sweep or a run, kept in annotations.json beside its record (never in the result
 * files, which stay as the training wrote them).
 * Concurrency contract: every change is a read-modify-write under a lock of its own (proper-lockfile, a
 * directory next to the file), so two `dlsweep tag` commands on the same target never lose each other's
 * tags; the file itself is replaced atomically, so readers see the old or the new version, never a mix.
 * The lock is not the sweep's: a running sweep can be tagged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { TAG_PATTERN, firstControlCharacter } from '../experiment/schema.js';
import { writeJsonAtomicSync } from './atomic.js';
import { ANNOTATIONS_FILE } from './paths.js';
import { loadLockfile } from './lock.js';

/** annotations.json of a sweep or a run folder. */
export interface Annotations {
  /** Tags in the order they were added, each once. */
  tags: string[];
  /** Free text set by `dlsweep note`. */
  note?: string;
  /** When the file was last changed (ISO 8601, UTC). */
  updated_at?: string;
}


/** Check a tag as typed. Throws: UserError naming the tag and the allowed characters. */
export function checkTag(tag: string): string {
  if (!TAG_PATTERN.test(tag)) {
    throw new UserError(
      `"${tag}" is not a valid tag`,
      'a tag is 1 to 64 letters, digits or . _ - : / + = @, starting with a letter or digit, e.g. baseline or lr:0.1',
    );
  }
  return tag;
}

/** Check a note as typed: no control characters (it is printed on terminals). Throws: UserError naming the character. */
export function checkNote(note: string): string {
  const control = firstControlCharacter(note);
  if (control) {
    throw new UserError(
      `note: the text contains the control character ${control}`,
      'a note is plain text (line feeds and tabs are fine); remove the control character and run again',
    );
  }
  return note;
}

/**
 * The annotations of a sweep or run folder; empty (no tags) when it has none.
 * Throws: UserError when the file is damaged.
 */
export function readAnnotations(dir: string): Annotations {
  const path = join(dir, ANNOTATIONS_FILE);
  // Most folders have none: asked first, since a failed read costs an exception (a tenth of a second per
  // thousand runs listed).
  if (!existsSync(path)) return { tags: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { tags: [] };
  }
  try {
    const a = JSON.parse(text) as Partial<Annotations>;
    return { ...a, tags: Array.isArray(a.tags) ? a.tags.filter((t) => typeof t === 'string') : [] };
  } catch {
    throw new UserError(`${path} is not valid JSON`, 'it was edited outside dlsweep; fix it or remove it (it holds only tags and a note)');
  }
}

/**
 * Change the annotations of a sweep or run folder: `change` gets the current ones and returns the new ones,
 * which are written atomically while the lock is held. Returns what was written.
 * Waits up to ~5 s for another writer. Throws: UserError when the lock stays taken; the file system's error.
 */
export async function updateAnnotations(dir: string, change: (current: Annotations) => Annotations, now = new Date()): Promise<Annotations> {
  let release: () => Promise<void>;
  try {
    release = await (await loadLockfile()).lock(dir, {
      lockfilePath: join(dir, `.${ANNOTATIONS_FILE}.lock`),
      realpath: false,
      stale: 10_000,
      retries: { retries: 60, minTimeout: 20, maxTimeout: 200, factor: 1.5 },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new UserError(`the tags and note of ${dir} are being changed by another process`, 'try again in a moment');
    }
    throw e;
  }
  try {
    const next = change(readAnnotations(dir));
    const written: Annotations = { tags: [...new Set(next.tags)], ...(next.note ? { note: next.note } : {}), updated_at: now.toISOString() };
    writeJsonAtomicSync(join(dir, ANNOTATIONS_FILE), written);
    return written;
  } finally {
    await release().catch(() => undefined);
  }
}

/** Tags in first-seen order, each once (e.g. the experiment file's, then the sweep's, then the run's). */
export function mergeTags(...lists: (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))];
}
