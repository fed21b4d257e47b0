/**
 * Connections to Redis for the queue: one checked up front (so that a closed port or a wrong password is
 * one clear message within seconds, not a hang), then BullMQ's own, which reconnect after a restart.
 */
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { Redis as RedisClient } from 'ioredis';
import type { QueueTarget } from './url.js';

/** A queue that cannot be used: unreachable, lost, or refusing us. Exit code 1, like other failures of a sweep's surroundings. */
export class QueueError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'QueueError';
  }
}

/** ioredis connection options (the subset used here; BullMQ takes the same object). */
export interface ConnectionSettings {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { servername?: string };
  connectTimeout: number;
  maxRetriesPerRequest: number | null;
  retryStrategy: (times: number) => number | null;
  [key: string]: unknown;
}

/** How long the first connection may take. */
export const CONNECT_TIMEOUT_MS = 5000;

/** ioredis options for a target. forWorker: BullMQ workers need blocking commands retried forever. */
export function redisOptions(target: QueueTarget, forWorker = false): ConnectionSettings {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    username: target.username,
    password: target.password,
    // SNI takes host names only (RFC 6066); the certificate is checked against the host either way.
    ...(target.tls ? { tls: isIP(target.host) ? {} : { servername: target.host } } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: forWorker ? null : 1,
    // Reconnect quickly after a restart, then every 2 s at most.
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}

/** Turn a connection error into what a user can act on. */
export function describeRedisError(target: QueueTarget, e: unknown): QueueError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(msg)) {
    return new QueueError(`Redis at ${target.shown} refused the password (${msg.split('\n')[0]})`, 'put the right password in the URL: redis://:PASSWORD@HOST:PORT');
  }
  return new QueueError(
    `cannot reach Redis at ${target.shown}: ${msg.split('\n')[0]}`,
    'start it (e.g. redis-server --port PORT), or check the host, the port, the firewall and the scheme (rediss:// for TLS)',
  );
}

/**
 * Connect once, without retries, and PING; then open the client to keep, which reconnects after a Redis
 * restart (the caller closes it).
 * Throws: QueueError naming the URL (password redacted) within about CONNECT_TIMEOUT_MS.
 */
export async function connectChecked(target: QueueTarget): Promise<RedisClient> {
  const { Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  const probe = new Redis({ ...redisOptions(target), lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
  // The cause (ECONNREFUSED, WRONGPASS...) arrives as an 'error' event; connect() may only say "closed".
  let cause: unknown;
  probe.on('error', (e) => (cause ??= e));
  try {
    await Promise.race([
      probe.connect().then(() => probe.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS).unref()),
    ]);
  } catch (e) {
    probe.disconnect();
    throw describeRedisError(target, cause ?? e);
  }
  probe.disconnect();
  const client = new Redis(redisOptions(target));
  client.on('error', () => {}); // reconnects by itself; the users of the client report lasting losses
  return client;
}
