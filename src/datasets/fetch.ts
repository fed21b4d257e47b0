/**
 * Getting managed datasets onto a machine: download (or copy from a local file) with a sha256 check, installed
 * atomically into the data folder; the automatic download on first use; and the `data ls` listing.
 *
 * Atomicity: bytes go to a temporary file in the data folder and are renamed into place only after every check
 * passed (HTTP status, Content-Length, sha256). Any failure removes the temporary file, so the data folder holds
 * the good file or nothing new.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { DatasetConfig } from '../experiment/types.js';
import { KNOWN_DATASETS, knownDataset, type KnownDataset } from '../experiment/datasets.js';
import { UserError } from '../errors.js';
import { WISCONSIN, wisconsinMissingMessage } from './wisconsin.js';

/** Where `dlsweep data fetch wisconsin` downloads from: the UCI file itself (WISCONSIN.url is its landing page). */
export const WISCONSIN_DOWNLOAD_URL =
  'https://archive.ics.uci.edu/ml/machine-learning-databases/breast-cancer-wisconsin/breast-cancer-wisconsin.data';

/** Default stall timeout, in milliseconds: a download that receives no bytes for this long is abandoned. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

/** Where a known dataset can be downloaded from and what its bytes must hash to. */
export interface DatasetSource {
  /** Default download URL. */
  url: string;
  /** Environment variable that replaces `url` (a mirror). */
  urlEnv: string;
  /** Human page describing the data, for messages. */
  page: string;
  /** The file's name at the source, for messages. */
  originalName: string;
  /** sha256 (hex) of the expected bytes. */
  sha256: string;
  /** Larger downloads are refused, in bytes: a wrong URL (an HTML page, an archive) fails fast. */
  maxBytes: number;
}

/** Download sources by known dataset name. A known dataset without an entry must be put in place by hand. */
export const DATASET_SOURCES: Record<string, DatasetSource> = {
  [WISCONSIN.name]: {
    url: WISCONSIN_DOWNLOAD_URL,
    urlEnv: 'DLSWEEP_WISCONSIN_URL',
    page: WISCONSIN.url,
    originalName: WISCONSIN.uciFile,
    sha256: WISCONSIN.sha256,
    maxBytes: 10 * 1024 * 1024,
  },
};

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
  const source = DATASET_SOURCES[name];
  if (!source) {
    throw new UserError(`${name} cannot be downloaded: dlsweep knows no source for it`, `put the file at ${dest} by hand`);
  }
  if (options.from !== undefined && options.url !== undefined) {
    throw new UserError('--from and --url cannot be used together', '--from FILE installs a local copy; --url URL downloads from a mirror');
  }
  const expected = options.expectedSha256 ?? source.sha256;
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const hint = byHandHint(name, source, dest);

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

  try {
    await mkdir(dataDir, { recursive: true });
  } catch (e) {
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
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UserError(`cannot install ${show(dest)}: ${(e as Error).message}`, hint);
    throw e;
  } finally {
    await rm(temp, { force: true });
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
 * Make sure a managed dataset file exists before loading it: when `config` is the managed Wisconsin file and it
 * is missing, say so and download it (DLSWEEP_WISCONSIN_URL picks a mirror). Anything else, or a file that is
 * present (whatever its checksum: the loader warns), is left alone.
 * DLSWEEP_NO_FETCH=1 turns the download off: the plain missing-file message instead.
 * Throws: UserError when the file is missing and cannot be downloaded: the download failure plus where to put
 * the file by hand.
 */
export async function ensureDataset(config: DatasetConfig, options: EnsureOptions): Promise<void> {
  if (config.kind !== 'csv' || config.name !== WISCONSIN.name || existsSync(config.path)) return;
  const env = options.env ?? process.env;
  const known = requireKnown(config.name);
  const missing = wisconsinMissingMessage(config.path);
  // A preset path under another name is not the managed file: fetching would write somewhere else.
  if (basename(config.path) !== known.file || isOn(env.DLSWEEP_NO_FETCH)) throw new UserError(missing);
  const source = DATASET_SOURCES[config.name];
  const url = nonEmpty(env[source.urlEnv]) ?? source.url;
  const cwd = options.cwd ?? process.cwd();
  options.log(`${displayPath(config.path, cwd)} is missing: downloading it from ${url} ...`);
  try {
    await fetchDataset(config.name, { dataDir: dirname(config.path), url, timeoutMs: timeoutFromEnv(env), log: options.log, cwd });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const lines = missing.split('\n');
    throw new UserError(
      [lines[0], `The automatic download failed: ${e.message}`, ...lines.slice(1)].join('\n'),
      `\`dlsweep data fetch ${config.name} --from FILE\` installs a copy you already have; ${source.urlEnv}=URL downloads from a mirror; DLSWEEP_NO_FETCH=1 turns the automatic download off`,
    );
  }
}

/** One known dataset in `data ls`. */
export interface DataLsRow {
  name: string;
  /** Absolute path where the file is expected. */
  path: string;
  present: boolean;
  /** Size in bytes, when present. */
  bytes?: number;
  /** sha256 (hex) of the file, when present. */
  sha256?: string;
  /** The sha256 the file should have, when dlsweep knows its source. */
  expectedSha256?: string;
  /** Whether sha256 equals expectedSha256 (undefined when absent or nothing is expected). */
  sha256Matches?: boolean;
  /** Non-blank lines, when present. */
  rows?: number;
  /** Download URL (default, not a mirror), when known. */
  source?: string;
  /** Why a present path could not be read (a folder, no permission). */
  problem?: string;
}

/**
 * The known datasets and their state in `dataDir` (resolved against the current directory): present or not,
 * sha256 and whether it matches, row count (non-blank lines), source URL.
 * Reads each present file whole (managed files are small). Throws: nothing for missing or unreadable files
 * (they are reported in the row).
 */
export function dataLs(dataDir: string): DataLsRow[] {
  return KNOWN_DATASETS.map((d) => {
    const path = resolve(dataDir, d.file);
    const source = DATASET_SOURCES[d.name];
    const row: DataLsRow = { name: d.name, path, present: false, expectedSha256: source?.sha256, source: source?.url };
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') row.problem = code === 'EISDIR' ? 'a folder, not a file' : (e as Error).message;
      return row;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return {
      ...row,
      present: true,
      bytes: bytes.length,
      sha256,
      sha256Matches: source ? sha256 === source.sha256 : undefined,
      rows: rowsOf(bytes),
    };
  });
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

/** The known dataset called `name`. Throws: UserError listing the known names. */
export function requireKnown(name: string): KnownDataset {
  const known = knownDataset(name);
  if (!known) {
    throw new UserError(`unknown dataset "${name}"`, `known datasets: ${KNOWN_DATASETS.map((d) => d.name).join(', ')}`);
  }
  return known;
}

// ---------------------------------------------------------------------------------------------------------------

/** Stream `url` into `temp`, hashing as it goes. Throws: UserError for every way a download can fail. */
async function downloadToTemp(
  url: string,
  temp: string,
  o: { timeoutMs: number; maxBytes: number; hint: string },
): Promise<{ sha256: string; bytes: number }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`not a valid URL: ${url}`, 'give an http:// or https:// address, or a local file with --from FILE');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UserError(`cannot download from ${url}: only http:// and https:// addresses are supported`, 'for a local file use --from FILE');
  }
  const seconds = `${+(o.timeoutMs / 1000).toFixed(3)}s`;
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  // A stall timer, re-armed on every chunk: a slow but moving download is fine, a silent one is not.
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, o.timeoutMs);
  };
  let bytes = 0;
  let declared: number | undefined;
  const fail = (what: string) => new UserError(what, o.hint);
  const timeoutError = () => fail(`download timed out after ${seconds} with no data from ${url} (got ${bytes} bytes); nothing was saved`);
  try {
    arm();
    let res: Response;
    try {
      // identity: so Content-Length counts the bytes we receive and a short body is detectable.
      res = await fetch(url, { signal: controller.signal, headers: { 'accept-encoding': 'identity' }, redirect: 'follow' });
    } catch (e) {
      if (timedOut) throw timeoutError();
      throw fail(networkFailure(e, parsed));
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw fail(`download failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} from ${url}; nothing was saved`);
    }
    const encoding = (res.headers.get('content-encoding') ?? 'identity').toLowerCase();
    const length = res.headers.get('content-length');
    if (length !== null && /^\d+$/.test(length.trim()) && encoding === 'identity') declared = Number(length);
    if (declared !== undefined && declared > o.maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw fail(`download refused: ${url} is ${declared} bytes, more than the ${o.maxBytes} expected at most (is it the right address?)`);
    }
    const hash = createHash('sha256');
    const file = await open(temp, 'wx');
    try {
      const reader = res.body?.getReader();
      while (reader) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (e) {
          if (timedOut) throw timeoutError();
          if (declared !== undefined && bytes < declared) throw fail(truncated(url, bytes, declared));
          throw fail(`download from ${url} broke off after ${bytes} bytes: ${describe(e)}; nothing was saved`);
        }
        if (chunk.done) break;
        arm();
        bytes += chunk.value.byteLength;
        if (bytes > o.maxBytes) {
          controller.abort();
          throw fail(`download refused: ${url} sent more than ${o.maxBytes} bytes (is it the right address?); nothing was saved`);
        }
        hash.update(chunk.value);
        await file.write(chunk.value);
      }
    } finally {
      await file.close();
    }
    if (declared !== undefined && bytes !== declared) throw fail(truncated(url, bytes, declared));
    return { sha256: hash.digest('hex'), bytes };
  } finally {
    clearTimeout(timer);
    // Drop the connection on any early exit (e.g. a disk error mid-body) so no socket keeps the process alive.
    controller.abort();
  }
}

function truncated(url: string, bytes: number, declared: number): string {
  return `download truncated: got ${bytes} bytes of ${declared} from ${url} (the connection closed early); nothing was saved`;
}

// Connection-level failures: the machine cannot reach the host at all.
const NO_NETWORK = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** A one-line reason for a fetch() rejection (undici wraps the socket error in `cause`). */
function networkFailure(e: unknown, url: URL): string {
  const code = errorCode(e);
  if (code && NO_NETWORK.has(code)) return `no network access to ${url.host} (${code}: ${describe(causeOf(e))}); nothing was saved`;
  return `download from ${url.href} failed: ${describe(e)}; nothing was saved`;
}

function causeOf(e: unknown): unknown {
  const cause = (e as { cause?: unknown } | undefined)?.cause;
  return cause ?? e;
}

function errorCode(e: unknown): string | undefined {
  for (let x: unknown = e, depth = 0; x && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // Happy-eyeballs connects (IPv4 and IPv6) fail with an AggregateError of per-address errors.
    const first = (x as { errors?: unknown[] }).errors?.[0] as { code?: unknown } | undefined;
    if (typeof first?.code === 'string') return first.code;
  }
  return undefined;
}

function describe(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return describe(e.errors[0]);
  const msg = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
  return cause && !msg.includes(cause) ? `${msg} (${cause})` : msg || 'unknown error';
}

/** Copy a local file into `temp`, hashing as it goes. Throws: UserError when it cannot be read. */
async function copyToTemp(from: string, temp: string, maxBytes: number): Promise<{ sha256: string; bytes: number }> {
  const st = statOrUndefined(from);
  if (!st) throw new UserError(`--from: no such file: ${from}`);
  if (!st.isFile()) throw new UserError(`--from: not a file: ${from}`);
  if (st.size > maxBytes) throw new UserError(`--from: ${from} is ${st.size} bytes, more than the ${maxBytes} expected at most: is it the right file?`);
  const hash = createHash('sha256');
  let bytes = 0;
  const file = await open(temp, 'wx');
  try {
    for await (const chunk of createReadStream(from)) {
      const b = chunk as Buffer;
      bytes += b.length;
      hash.update(b);
      await file.write(b);
    }
  } catch (e) {
    throw new UserError(`--from: cannot read ${from}: ${(e as Error).message}`);
  } finally {
    await file.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function countRows(path: string): number {
  return rowsOf(readFileSync(path));
}

/** Non-blank lines (any line ending). */
function rowsOf(bytes: Buffer): number {
  let rows = 0;
  for (const line of bytes.toString('utf8').split(/\r\n|\r|\n/)) if (line.trim() !== '') rows++;
  return rows;
}

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

function byHandHint(name: string, source: DatasetSource, dest: string): string {
  return [
    `download ${source.originalName} by hand from ${source.url}`,
    `(described at ${source.page}) and save it as ${dest},`,
    `or install a copy you already have with \`dlsweep data fetch ${name} --from FILE\`;`,
    `--url URL (or ${source.urlEnv}) downloads from a mirror`,
    // Continuation lines line up under the CLI's "hint: " prefix.
  ].join('\n      ');
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
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
