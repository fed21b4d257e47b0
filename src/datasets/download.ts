/**
 * Moving a dataset's bytes: stream an http(s) download or copy a local file into a temporary file, hashing as it
 * goes, and tell every way it can fail in one line (HTTP status, network unreachable, stall, truncation, size).
 * The caller (install.ts) decides where the temporary file lives and whether it is renamed into place.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { UserError } from '../errors.js';

/**
 * Stream `url` into `temp` (created, must not exist), hashing as it goes; `timeoutMs` is a stall timeout in
 * milliseconds (re-armed on every chunk), `maxBytes` the largest body accepted.
 * Throws: UserError (with `hint`) for every way a download can fail: a bad URL, no network, an HTTP error,
 * a stall, a body too large, or one shorter than its Content-Length.
 */
export async function downloadToTemp(
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
        await writeAll(file, chunk.value);
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
export async function copyToTemp(from: string, temp: string, maxBytes: number): Promise<{ sha256: string; bytes: number }> {
  const st = statOrUndefined(from);
  if (!st) throw new UserError(`--from: no such file: ${from}`);
  if (!st.isFile()) throw new UserError(`--from: not a file: ${from}`);
  if (st.size > maxBytes) throw new UserError(`--from: ${from} is ${st.size} bytes, more than the ${maxBytes} expected at most: is it the right file?`);
  const hash = createHash('sha256');
  let bytes = 0;
  const file = await open(temp, 'wx');
  try {
    const reading = createReadStream(from)[Symbol.asyncIterator]();
    for (;;) {
      let chunk: IteratorResult<Buffer>;
      try {
        chunk = (await reading.next()) as IteratorResult<Buffer>;
      } catch (e) {
        throw new UserError(`--from: cannot read ${from}: ${(e as Error).message}`);
      }
      if (chunk.done) break;
      bytes += chunk.value.length;
      hash.update(chunk.value);
      // A failed write (a full disk) is the file system's error, said as every failed write is.
      await writeAll(file, chunk.value);
    }
  } finally {
    await file.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Write all of `bytes` at the file's position. A write may take only part of them (a disk that fills up
 * takes what fits and says nothing): the rest is written again, and that write throws the disk's error
 * (ENOSPC), so a copy is never cut short silently. Throws: the file system's error.
 */
async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done);
    // Never loop on a write that takes nothing and says nothing.
    if (bytesWritten === 0) throw Object.assign(new Error('a write took no bytes'), { code: 'EIO' });
    done += bytesWritten;
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function countRows(path: string): number {
  return rowsOf(readFileSync(path));
}

/** Non-blank lines (any line ending). */
export function rowsOf(bytes: Buffer): number {
  let rows = 0;
  for (const line of bytes.toString('utf8').split(/\r\n|\r|\n/)) if (line.trim() !== '') rows++;
  return rows;
}

export function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

