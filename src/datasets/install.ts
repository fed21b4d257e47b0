/**
 * Installing managed datasets on a machine: download (or copy from a local file, see download.ts) with a sha256
 * check, installed atomically into the data folder; and the policy of the automatic download on first use.
 *
 * Atomicity: bytes go to a temporary file in the data folder and are renamed into place only after every check
 * passed (HTTP status, Content-Length, sha256). Any failure removes the temporary file, so the data folder holds
 * the good file or nothing new.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { isWriteError } from '../write-errors.js';
import type { DatasetConfig } from './config.js';
import { copyToTemp, countRows, downloadToTemp, sha256File, statOrUndefined } from './download.js';
import { knownDataset, missingFileMessage, requireKnown, type DatasetSource } from './registry.js';

/** Default stall timeout, in milliseconds: a download that receives no bytes for this long is abandoned. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

export interface FetchOptions {
  /** The data folder (created if missing); relative paths are resolved against `cwd`. */
  dataDir: string;
  /** Download from this http(s) URL instead of the default (a mirror). */
  url?: string;
  /** Install this local file instead of downloading (same checks). Relative paths are resolved against `cwd`. */
  from?: string;
  /** Replace an existing file, even one with the right checksum. */
  force?: boolean;
  /** Stall timeout in milliseconds: abandon the download after this long without a byte. Default 30 000. */
  timeoutMs?: number;
  /** Progress lines (no trailing newline). Default: silent. */
  log?: (line: string) => void;
  /** Base for relative paths and for shortening paths in messages. Default process.cwd(). */
  cwd?: string;
  /** Expected sha256 instead of the dataset's own (tests serving a stand-in file). */
  expectedSha256?: string;
}

export interface FetchResult {
  /** Absolute path of the installed file. */
  path: string;
  /** sha256 (hex) of the installed file. */
  sha256: string;
  /** Size of the installed file, in bytes. */
  bytes: number;
  /** Non-blank lines of the installed file. */
  rows: number;
  /** Where the bytes came from: a URL, a local file path, or the existing file. */
  source: string;
  /** downloaded, copied (--from), or present (already there with the right checksum: nothing done). */
  action: 'downloaded' | 'copied' | 'present';
}

/**
 * Refuse a data folder that is a file (a mistyped --data-dir): no download or mkdir could succeed there.
 * A missing folder is fine (it is created). The path is shown relative to `cwd` when inside it. Throws: UserError.
 */
export function checkDataDir(dataDir: string, cwd: string): void {
  const st = statOrUndefined(dataDir);
  if (st && !st.isDirectory()) {
    throw new UserError(`--data-dir ${displayPath(dataDir, cwd)} is a file, not a folder of datasets`, 'give the folder the datasets are kept in (created when missing), e.g. --data-dir data');
  }
}

/**
 * Download a known dataset (or copy `options.from`) into the data folder, checking its sha256.
 * An existing file with the right checksum is left alone (action "present") unless `force`.
 * Throws: UserError for an unknown name, an existing file with a different checksum (without `force`), and any
 * failed download or copy (HTTP error, connection or DNS failure, stall timeout, truncated body, checksum
 * mismatch, unreadable --from file): the message says what happened, the hint where to put the file by hand.
 * Nothing is left behind on failure.
 */
export async function fetchDataset(name: string, options: FetchOptions): Promise<FetchResult> {
  const known = requireKnown(name);
  const cwd = options.cwd ?? process.cwd();
  const dataDir = resolve(cwd, options.dataDir);
  const dest = join(dataDir, known.file);
  const show = (p: string) => displayPath(p, cwd);
  const log = options.log ?? (() => {});
  const source = known.source;
  if (!source) {
    throw new UserError(`${name} cannot be downloaded: dlsweep knows no source for it`, `put the file at ${dest} by hand`);
  }
  if (options.from !== undefined && options.url !== undefined) {
    throw new UserError('--from and --url cannot be used together', '--from FILE installs a local copy; --url URL downloads from a mirror');
  }
  checkDataDir(dataDir, cwd);
  const expected = options.expectedSha256 ?? source.sha256;
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const hint = byHandHint(name, source, dest);

  // A local copy that is not there fails before anything is said or created, even when the dataset is
  // installed already: the user named a file, and a typo in its path must not pass for "nothing to do".
  if (options.from !== undefined) checkFromFile(resolve(cwd, options.from));
  const existing = statOrUndefined(dest);
  if (existing?.isDirectory()) throw new UserError(`${show(dest)} is a folder, not a file`, `remove it, then run \`dlsweep data fetch ${name}\` again`);
  if (existing && !options.force) {
    const sha = await sha256File(dest);
    if (sha === expected) {
      log(`${show(dest)} is already there (sha256 ${sha} matches ${source.originalName}): nothing to do`);
      return { path: dest, sha256: sha, bytes: existing.size, rows: countRows(dest), source: dest, action: 'present' };
    }
    throw new UserError(
      `${show(dest)} already exists but is not ${source.originalName} (sha256 ${sha}, expected ${expected}): not overwriting it`,
      `move it away, or pass --force to replace it`,
    );
  }

  // The first folder this call creates, if any: removed again when nothing could be installed.
  let created: string | undefined;
  try {
    created = await mkdir(dataDir, { recursive: true });
  } catch (e) {
    // A full disk, a read-only file system, permissions: said as for every write (the CLI's one message and hint).
    if (isWriteError(e)) throw e;
    // A recursive mkdir under a read-only folder reports ENOENT: the folder that exists says why.
    const blocked = unwritableAncestor(dataDir);
    if (blocked) throw blocked;
    throw new UserError(`cannot create the data folder ${show(dataDir)}: ${(e as Error).message}`, hint);
  }
  removeDeadTempFiles(dataDir, known.file);
  // Hidden, same folder (rename stays on one file system), pid inside so a later run can tell it is stale.
  const temp = join(dataDir, `.${known.file}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  try {
    let got: { sha256: string; bytes: number };
    let from: string;
    if (options.from !== undefined) {
      from = resolve(cwd, options.from);
      log(`copying ${show(from)} -> ${show(dest)}`);
      got = await copyToTemp(from, temp, source.maxBytes);
      if (got.sha256 !== expected) {
        throw new UserError(
          `${show(from)} is not ${source.originalName}: checksum mismatch: expected sha256 ${expected}, got ${got.sha256} (${got.bytes} bytes)`,
          hint,
        );
      }
    } else {
      from = options.url ?? source.url;
      log(`downloading ${from} -> ${show(dest)}`);
      got = await downloadToTemp(from, temp, { timeoutMs, maxBytes: source.maxBytes, hint });
      if (got.sha256 !== expected) {
        throw new UserError(
          `checksum mismatch for the download from ${from}: expected sha256 ${expected}, got ${got.sha256} (${got.bytes} bytes); nothing was saved`,
          hint,
        );
      }
    }
    await rename(temp, dest);
    const rows = countRows(dest);
    log(`saved ${show(dest)}: ${got.bytes} bytes, ${rows} rows, sha256 ${got.sha256} (matches ${source.originalName})`);
    return { path: dest, sha256: got.sha256, bytes: got.bytes, rows, source: from, action: options.from !== undefined ? 'copied' : 'downloaded' };
  } catch (e) {
    await rm(temp, { force: true });
    if (created !== undefined) removeEmptyFolders(dataDir, created);
    if (e instanceof UserError) throw e;
    if (isWriteError(e)) {
      // The hidden temporary file (or a write that names none) is the user's dataset file to them.
      if (e.path === undefined || e.path === temp) e.path = dest;
      throw e;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UserError(`cannot install ${show(dest)}: ${(e as Error).message}`, hint);
    throw e;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Refuse a --from path that is missing, not a file, or unreadable. Throws: UserError naming it. */
function checkFromFile(from: string): void {
  const hint = 'give the path of a copy of the file you already have';
  const st = statOrUndefined(from);
  if (!st) throw new UserError(`--from: no such file: ${from}`, hint);
  if (!st.isFile()) throw new UserError(`--from: not a file: ${from}`, hint);
  try {
    accessSync(from, constants.R_OK);
  } catch (e) {
    throw new UserError(`--from: cannot read ${from} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, `make it readable (chmod u+r), or ${hint}`);
  }
}

/** Remove `dir` and its parents up to and including `top` while they are empty (folders a failed fetch made). */
function removeEmptyFolders(dir: string, top: string): void {
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (readdirSync(d).length > 0) return;
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top || dirname(d) === d) return;
  }
}

export interface EnsureOptions {
  /** Progress lines (no trailing newline), e.g. to stderr. */
  log: (line: string) => void;
  /** Environment: DLSWEEP_NO_FETCH, DLSWEEP_WISCONSIN_URL, DLSWEEP_FETCH_TIMEOUT_MS. Default process.env. */
  env?: Record<string, string | undefined>;
  /** For shortening paths in messages. Default process.cwd(). */
  cwd?: string;
}

/**
 * Make sure a managed dataset file exists before loading it: when `config` is a known dataset's managed file with a
 * download source and it is missing, say so and download it (the source's variable, e.g. DLSWEEP_WISCONSIN_URL,
 * picks a mirror). Anything else, or a file that is
 * present (whatever its checksum: the loader warns), is left alone.
 * DLSWEEP_NO_FETCH=1 turns the download off: the plain missing-file message instead.
 * Throws: UserError when the file is missing and cannot be downloaded: the download failure plus where to put
 * the file by hand.
 */
export async function ensureDataset(config: DatasetConfig, options: EnsureOptions): Promise<void> {
  if (config.kind !== 'csv' || config.name === undefined || existsSync(config.path)) return;
  const known = knownDataset(config.name);
  const source = known?.source;
  if (!known || !source) return;
  const cwd = options.cwd ?? process.cwd();
  // A data folder that is a file hides every dataset: said before any download is tried.
  if (basename(config.path) === known.file) checkDataDir(dirname(config.path), cwd);
  const env = options.env ?? process.env;
  const missing = missingFileMessage(known, config.path);
  // A preset path under another name is not the managed file: fetching would write somewhere else.
  if (basename(config.path) !== known.file || isOn(env.DLSWEEP_NO_FETCH)) throw new UserError(missing);
  const url = nonEmpty(env[source.urlEnv]) ?? source.url;
  options.log(`${displayPath(config.path, cwd)} is missing: downloading it from ${url} ...`);
  try {
    await fetchDataset(config.name, { dataDir: dirname(config.path), url, timeoutMs: timeoutFromEnv(env), log: options.log, cwd });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    // The download's failure is the cause: it comes first, then where the file goes and what it is.
    const lines = missing.split('\n');
    throw new UserError(
      [`${known.name}: ${displayPath(config.path, cwd)} is missing and the automatic download failed: ${e.message}`, ...lines.slice(1)].join('\n'),
      `\`dlsweep data fetch ${config.name} --from FILE\` installs a copy you already have; ${source.urlEnv}=URL downloads from a mirror; DLSWEEP_NO_FETCH=1 turns the automatic download off`,
    );
  }
}

/**
 * The stall timeout from DLSWEEP_FETCH_TIMEOUT_MS (milliseconds), or the default when unset.
 * Throws: UserError when it is set but not a whole number of at least 1.
 */
export function timeoutFromEnv(env: Record<string, string | undefined>): number {
  const v = nonEmpty(env.DLSWEEP_FETCH_TIMEOUT_MS);
  if (v === undefined) return DEFAULT_FETCH_TIMEOUT_MS;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UserError(`DLSWEEP_FETCH_TIMEOUT_MS must be a whole number of milliseconds of at least 1, got "${v}"`);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------------

/** Remove temporary files of `file` left by fetches whose process is gone (killed mid-download). */
function removeDeadTempFiles(dataDir: string, file: string): void {
  const prefix = `.${file}.`;
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = n.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.part$/.exec(n.slice(prefix.length)) : null;
    if (m && !processAlive(Number(m[1]))) rmSync(join(dataDir, n), { force: true });
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The reason the nearest existing folder above `dir` cannot be written into (a read-only file system,
 * permissions), naming `dir`; undefined when it can. Throws: nothing.
 */
function unwritableAncestor(dir: string): NodeJS.ErrnoException | undefined {
  let at = dirname(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    accessSync(at, constants.W_OK);
    return undefined;
  } catch (e) {
    return isWriteError(e) ? Object.assign(e, { path: dir, syscall: 'mkdir' }) : undefined;
  }
}

function byHandHint(name: string, source: DatasetSource, dest: string): string {
  return [
    `download ${source.originalName} by hand from ${source.url}`,
    `(described at ${source.page}) and save it as ${dest},`,
    `or install a copy you already have with \`dlsweep data fetch ${name} --from FILE\`;`,
    `--url URL (or ${source.urlEnv}) downloads from a mirror`,
    // Continuation lines line up under the CLI's "hint: " prefix.
  ].join('\n      ');
}

/** A path relative to cwd when it is inside it, else absolute. */
function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function isOn(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
