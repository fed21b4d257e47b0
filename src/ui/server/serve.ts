/**
 * Starting and stopping the ui server: the index of the runs folder, the event poller, the Hono app on
 * Node's http server (@hono/node-server) bound to one address.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.js';
import { EventHub } from './events.js';
import { isLoopback, newToken } from './security.js';
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
  /** The URL to open (with ?token=... when a token is needed). */
  url: string;
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
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  events.start();
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}/${token ? `?token=${token}` : ''}`;
  return {
    url,
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
