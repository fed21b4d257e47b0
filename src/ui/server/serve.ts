/**
 * Starting and stopping the ui server: the index of the runs folder, the event poller, the Hono app on
 * Node's http server (@hono/node-server) bound to one address.
 */
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.js';
import { EventHub } from './events.js';
import { REFUSED_PATH, isLoopback, newToken, plausiblePath } from './security.js';
import { StoreIndex } from './store-index.js';

/** Options of startUiServer. */
export interface UiServerOptions {
  runsDir: string;
  /** Address to bind. Default: 127.0.0.1. Any other than a loopback address gets a token. */
  host?: string;
  /** Port; 0 picks a free one. Default: 0. */
  port?: number;
  /** How often the runs folder is polled for live events (ms). */
  pollMs?: number;
}

/** A running ui server. */
export interface UiServer {
  /**
   * The URL to open (with ?token=... when a token is needed): on the address bound, or for a wildcard
   * address (0.0.0.0, ::), which no browser can open, the first of `urls`.
   */
  url: string;
  /** Every URL that reaches the server: the address bound; for a wildcard, each address a browser can use (reachableHosts). */
  urls: string[];
  port: number;
  host: string;
  token?: string;
  index: StoreIndex;
  /** Stop accepting requests, end event streams and polling. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Whether `host` is a wildcard address: the server then listens on every address of the machine. */
export function isWildcard(host: string): boolean {
  return ['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0'].includes(host);
}

/**
 * The addresses a browser can use to reach a server bound to the wildcard `host`: each non-internal address
 * of the machine's interfaces (IPv4; IPv6 too when bound to ::, which also takes IPv4 on a dual-stack
 * system; link-local IPv6 left out, since a URL would need its zone), then 127.0.0.1 (this machine).
 */
export function reachableHosts(host: string, interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): string[] {
  const v6 = host !== '0.0.0.0';
  const out: string[] = [];
  for (const a of Object.values(interfaces).flat()) {
    if (!a || a.internal) continue;
    if (a.family === 'IPv4' || (v6 && a.family === 'IPv6' && !/^fe80:/i.test(a.address))) if (!out.includes(a.address)) out.push(a.address);
  }
  return [...out, '127.0.0.1'];
}

/**
 * Start serving `runsDir`. Resolves once listening.
 * Throws: the listen error (EADDRINUSE, EADDRNOTAVAIL, EACCES) with its code.
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const token = isLoopback(host) ? undefined : newToken();
  const index = new StoreIndex(options.runsDir);
  const events = new EventHub(index, options.pollMs);
  const app = createApp({ index, token, host, events });
  const listener = getRequestListener(app.fetch);
  const server = createServer((req, res) => {
    // A path that could name a file elsewhere (.., encoded or not, a backslash, NUL) never reaches the
    // routes, nor the adapter's URL parser (which would answer some of them 400 and normalise others):
    // it becomes one the routes answer 404, with the same headers as every response.
    if (!plausiblePath((req.url ?? '/').split('?')[0])) req.url = REFUSED_PATH;
    void listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  events.start();
  const port = (server.address() as AddressInfo).port;
  const urls = (isWildcard(host) ? reachableHosts(host) : [host]).map((h) => `http://${urlHost(h)}:${port}/${token ? `?token=${token}` : ''}`);
  return {
    url: urls[0],
    urls,
    port,
    host,
    token,
    index,
    close: () =>
      new Promise<void>((resolve) => {
        events.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
