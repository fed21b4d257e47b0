/** Helpers for tests of `dlsweep ui`: the real command in a child process, and raw HTTP requests to it. */
import { request } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { startCli } from './cli.js';

/** A `dlsweep ui` child process and the URL it printed. */
export interface UiProcess {
  child: ChildProcess;
  url: string;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Stop it (SIGTERM) and wait for its exit code. */
  stop(): Promise<number | null>;
}

/** Start `dlsweep [--runs-dir DIR] ui --port 0 ...args` in `cwd` and wait until it prints its URL. */
export async function startUi(cwd: string, args: string[] = [], runsDir?: string): Promise<UiProcess> {
  const child = startCli([...(runsDir ? ['--runs-dir', runsDir] : []), 'ui', '--port', '0', ...args], cwd);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dlsweep ui printed no URL in 30 s: ${out} ${err}`)), 30_000);
    const look = () => {
      const m = /http:\/\/\S+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => reject(new Error(`dlsweep ui exited (${code}): ${out} ${err}`)));
  });
  return {
    child,
    url,
    port: Number(new URL(url).port),
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A response: status, headers, body text. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Send one request with the path exactly as given (no normalisation of `..` or percent-encoding, unlike
 * fetch), to 127.0.0.1:port unless `host` is given.
 */
export function rawRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string>; host?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: options.host ?? '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET a JSON path and parse it (asserting a 200). */
export async function getJson<T = any>(port: number, path: string): Promise<T> {
  const r = await rawRequest(port, path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as T;
}

/** One server-sent event as received, with the time it arrived (ms since the epoch). */
export interface ReceivedEvent {
  event: string;
  data: any;
  at: number;
}

/** Subscribe to /api/events; events are appended to `events` as they arrive. close() ends the stream. */
export function subscribe(port: number): Promise<{ events: ReceivedEvent[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const events: ReceivedEvent[] = [];
    const req = request({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`/api/events: ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (event) events.push({ event, data: JSON.parse(data), at: Date.now() });
        }
      });
      res.on('error', () => undefined);
      resolve({ events, close: () => req.destroy() });
    });
    req.on('error', (e) => {
      if (!events.length) reject(e);
    });
    req.end();
  });
}
