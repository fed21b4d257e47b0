/**
 * `dlsweep tag TARGET TAG...`, `dlsweep untag TARGET TAG...`, `dlsweep note TARGET [TEXT]`: tags and a note
 * on a sweep or a run, stored in its annotations.json (see store/annotations.ts); results are never touched.
 */
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { checkNote, checkTag, readAnnotations, updateAnnotations } from '../store/annotations.js';
import { resolveTarget } from './show.js';
import type { CliIO } from './io.js';

/** Options shared by tag, untag and note. */
export interface AnnotateOptions {
  runsDir: string;
}

/** The folder a target names and how to call it in messages (EXPERIMENT/SWEEP_ID[/RUN]). */
function targetOf(runsDir: string, ref: string): { dir: string; label: string; kind: 'sweep' | 'run' } {
  const target = resolveTarget(runsDir, ref);
  if (target.kind === 'run') {
    const { sweepDir, run } = target.ref;
    return { dir: run.dir, label: `${basename(dirname(sweepDir))}/${basename(sweepDir)}/${run.folder}`, kind: 'run' };
  }
  return { dir: target.dir, label: `${basename(dirname(target.dir))}/${basename(target.dir)}`, kind: 'sweep' };
}

function tagsText(tags: string[]): string {
  return tags.length ? tags.join(', ') : '(none)';
}

/** `dlsweep tag TARGET TAG...`: add tags (each once). Throws: UserError for a bad tag or target. */
export async function tagCommand(ref: string, tags: string[], options: AnnotateOptions, io: CliIO): Promise<number> {
  if (tags.length === 0) throw new UserError('tag needs at least one tag', 'e.g. dlsweep tag quick/latest baseline');
  tags.forEach(checkTag);
  const t = targetOf(resolve(io.cwd, options.runsDir), ref);
  const written = await updateAnnotations(t.dir, (a) => ({ ...a, tags: [...a.tags, ...tags] }));
  io.stdout.write(`${t.label}: tags ${tagsText(written.tags)}\n`);
  return 0;
}

/** `dlsweep untag TARGET TAG...`: remove tags; naming a tag it does not carry is an error (a typo, likely). */
export async function untagCommand(ref: string, tags: string[], options: AnnotateOptions, io: CliIO): Promise<number> {
  if (tags.length === 0) throw new UserError('untag needs at least one tag', 'e.g. dlsweep untag quick/latest baseline');
  const t = targetOf(resolve(io.cwd, options.runsDir), ref);
  const missing: string[] = [];
  const written = await updateAnnotations(t.dir, (a) => {
    missing.push(...tags.filter((tag) => !a.tags.includes(tag)));
    return missing.length ? a : { ...a, tags: a.tags.filter((tag) => !tags.includes(tag)) };
  });
  if (missing.length) {
    throw new UserError(
      `${t.label} has no tag ${missing.map((m) => `"${m}"`).join(', ')}`,
      `its tags: ${tagsText(written.tags)}` + (t.kind === 'run' ? ' (tags of its sweep are removed from the sweep)' : ' (tags from the experiment file stay: edit the file)'),
    );
  }
  io.stdout.write(`${t.label}: tags ${tagsText(written.tags)}\n`);
  return 0;
}

/**
 * `dlsweep note TARGET [TEXT]`: set the note (replacing the previous one); `--clear` removes it; no text
 * prints it.
 */
export async function noteCommand(ref: string, text: string | undefined, options: AnnotateOptions & { clear?: boolean }, io: CliIO): Promise<number> {
  const t = targetOf(resolve(io.cwd, options.runsDir), ref);
  if (options.clear && text !== undefined) throw new UserError('note: give a text or --clear, not both');
  if (text === undefined && !options.clear) {
    const note = readAnnotations(t.dir).note;
    io.stdout.write(note === undefined ? `${t.label} has no note\n` : note + '\n');
    return 0;
  }
  if (text !== undefined && text.trim() === '') throw new UserError('note: the text is empty', 'to remove a note: dlsweep note TARGET --clear');
  const note = text === undefined ? undefined : checkNote(text.trim());
  await updateAnnotations(t.dir, (a) => ({ tags: a.tags, ...(note ? { note } : {}) }));
  io.stdout.write(note ? `${t.label}: note set\n` : `${t.label}: note removed\n`);
  return 0;
}
