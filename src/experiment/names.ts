/**
 * Experiment names are folder names under runs/: they must be valid, and mean the same folder, on Windows,
 * macOS and Linux alike. Rules (the strictest of the three):
 * - Windows forbids `< > : " / \ | ? *` and control characters, names ending in a dot or a space, and the
 *   device names CON, PRN, AUX, NUL, COM0-9, LPT0-9 (in any case, with or without an extension);
 *   Microsoft, "Naming Files, Paths, and Namespaces" (learn.microsoft.com, fileio/naming-a-file).
 * - a leading dot hides a folder on macOS and Linux; `.` and `..` are not names.
 * - file systems limit a name's length in bytes (255 on ext4, APFS, NTFS counts UTF-16 units); NAME_MAX_BYTES
 *   of UTF-8 leaves room for the sweep folder inside.
 * - macOS may store names decomposed (NFD): names are compared and created in composed form (NFC), so `café`
 *   typed either way is one experiment.
 * - a name shaped like a sweep id (`20261129-111502-3fa2`) would be read as that sweep wherever runs are
 *   addressed (`SWEEP_ID/3`), so it is refused.
 * - `latest` and `best` name a sweep or run by rank wherever sweeps are addressed (`dlsweep show latest`,
 *   `EXPERIMENT/best`), so an experiment named so could not be reached by its name: refused, in any case.
 * - a name starting with `-` would be read as an option on the command line (`dlsweep show -x/latest`), so it
 *   is refused too.
 */
import { SWEEP_ID_PATTERN } from '../store/paths.js';

/** Longest experiment name, in bytes of UTF-8 (it becomes a folder name under runs/). */
export const NAME_MAX_BYTES = 100;

/** Characters no folder name may hold on Windows (macOS and Linux forbid `/` alone). */
const FORBIDDEN = new Set(['<', '>', ':', '"', '/', '\\', '|', '?', '*']);

/** Windows device names, reserved with any extension (`con.txt`) and in any case. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Words that address sweeps and runs by rank (`latest`, `best`), never an experiment (compared ignoring case). */
const ADDRESS_WORDS = /^(latest|best)$/i;

/** Bytes of a string in UTF-8. */
export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** The form in which names are compared and folders created: Unicode NFC. */
export function canonicalName(name: string): string {
  return name.normalize('NFC');
}

/** Why a name is not a portable folder name ([] when it is). The name is taken in NFC. */
export function unsafeNameReasons(raw: string): string[] {
  const name = canonicalName(raw);
  const reasons: string[] = [];
  if (name.length === 0) return ['it is empty'];
  const bytes = utf8Bytes(name);
  if (bytes > NAME_MAX_BYTES) {
    const chars = [...name].length;
    reasons.push(
      `it takes ${bytes} bytes, more than the limit of ${NAME_MAX_BYTES} bytes` +
        (chars === bytes ? '' : ` (${chars} characters: a non-ASCII character takes 2 to 4 bytes in UTF-8)`),
    );
  }
  const bad = [...new Set([...name].filter((c) => FORBIDDEN.has(c)))];
  if (bad.length) reasons.push(`it contains ${bad.map((c) => `\`${c}\``).join(', ')} (not allowed in folder names on Windows${bad.includes('/') ? ', and `/` nowhere' : ''})`);
  if (/[\u0000-\u001f\u007f]/.test(name)) reasons.push('it contains control characters');
  if (name === '.' || name === '..') reasons.push(`\`${name}\` is not a folder name`);
  else {
    if (name.startsWith('.')) reasons.push('it starts with `.` (a hidden folder)');
    if (/[. ]$/.test(name)) reasons.push(`it ends with ${name.endsWith('.') ? 'a dot' : 'a space'} (Windows drops it, so two names would share a folder)`);
  }
  const device = RESERVED.exec(name);
  if (device) reasons.push(`\`${device[1]}\` is a reserved device name on Windows`);
  if (SWEEP_ID_PATTERN.test(name)) reasons.push('it has the form of a sweep id, so `NAME/3` would address that sweep instead');
  if (ADDRESS_WORDS.test(name)) reasons.push(`\`${name}\` is a word of run addresses (\`latest\`, \`best\`), so \`dlsweep show ${name}\` would address another sweep`);
  if (name.startsWith('-')) reasons.push('it starts with `-`, so commands would read it as an option (`dlsweep show -x` fails)');
  return reasons;
}

/**
 * A portable variant of a name: forbidden and control characters become `-`, leading dots and trailing dots and
 * spaces and leading dashes go, a device name, a sweep id or an address word (`latest`, `best`) gets `-experiment` appended, and the result is cut to NAME_MAX_BYTES bytes at a
 * character boundary. Always passes unsafeNameReasons. Throws: nothing.
 */
export function safeName(raw: string): string {
  let s = canonicalName(raw)
    .replace(/[<>:"/\\|?*\u0000-\u001f\u007f]+/g, '-')
    .replace(/^[.\s-]+/, '');
  s = cutToBytes(s, NAME_MAX_BYTES).replace(/[\s.-]+$/, '');
  if (RESERVED.test(s)) s = cutToBytes(`${s.replace(/\..*$/, '')}-experiment`, NAME_MAX_BYTES);
  if (SWEEP_ID_PATTERN.test(s) || ADDRESS_WORDS.test(s)) s = `${s}-experiment`;
  return s === '' ? 'my-experiment' : s;
}

/** The longest prefix of `s` (whole characters) of at most `max` UTF-8 bytes. */
function cutToBytes(s: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const c of s) {
    const b = utf8Bytes(c);
    if (bytes + b > max) break;
    out += c;
    bytes += b;
  }
  return out;
}
