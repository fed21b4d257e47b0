/**
 * Connections to Redis for the queue: one checked up front (so that a closed port or a wrong password is
 * one clear message within seconds, not a hang), then BullMQ's own, which reconnect after a restart.
 */
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { Redis as RedisClient } from 'ioredis';
import type { QueueTarget } from './url.js';

/**
 * A queue that cannot be used: unreachable or refusing us (exit code 2, the --queue URL or its server is the
 * user's to fix, like other invalid input; nothing was run), or lost during a sweep (`lost`: exit code 1, some
 * runs did not finish).
 */
export class QueueError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly lost = false,
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
  if (/DB index is out of range/i.test(msg)) {
    return new QueueError(
      `Redis at ${target.shown} has no database ${target.db} (${msg.split('\n')[0]})`,
      'a Redis server has databases 0-15 unless its `databases` setting gives more: end the URL with one it has, e.g. /0',
    );
  }
  return new QueueError(
    `cannot reach Redis at ${target.shown}: ${msg.split('\n')[0]}`,
    'start it (e.g. redis-server --port PORT), or check the host, the port, the firewall and the scheme (rediss:// for TLS)',
  );
}

/**
 * Send the URL's credentials (AUTH) on the probe. A password given to a server that has none is dropped from
 * `target`: it is of no use, and ioredis would print a raw warning for every connection made with it.
 * Throws: the server's error for a wrong password or user.
 */
async function authenticate(probe: RedisClient, target: QueueTarget): Promise<void> {
  if (target.password === undefined) return;
  try {
    await (target.username !== undefined ? probe.call('AUTH', target.username, target.password) : probe.call('AUTH', target.password));
  } catch (e) {
    if (!/no password is set|without any password configured/i.test(e instanceof Error ? e.message : String(e))) throw e;
    target.password = undefined;
  }
}

/**
 * Connect once, without retries, and PING; then open the client to keep, which reconnects after a Redis
 * restart (the caller closes it). A password the server does not need is dropped from `target` (authenticate).
 * Throws: QueueError naming the URL (password redacted) within about CONNECT_TIMEOUT_MS.
 */
export async function connectChecked(target: QueueTarget): Promise<RedisClient> {
  const { Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  // No credentials and no database on connect: authenticate() sends them, then SELECT, each failing here.
  const probe = new Redis({
    ...redisOptions(target),
    username: undefined,
    password: undefined,
    db: 0,
    lazyConnect: true,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
  });
  // The cause (ECONNREFUSED, WRONGPASS...) arrives as an 'error' event; connect() may only say "closed".
  let cause: unknown;
  probe.on('error', (e) => (cause ??= e));
  try {
    await Promise.race([
      // SELECT explicitly: a database the server lacks fails here rather than leaving the client on db 0.
      probe
        .connect()
        .then(() => authenticate(probe, target))
        .then(() => probe.select(target.db))
        .then(() => probe.ping()),
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
