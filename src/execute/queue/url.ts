/**
 * Queue URLs: redis://[[user]:password@]HOST[:PORT][/DB] and rediss:// (TLS). Passwords never reach output:
 * every URL shown goes through redactUrl.
 */
import { UserError } from '../../errors.js';

/** How to reach Redis: what ioredis needs, and the URL as it may be shown. */
export interface QueueTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL with its password replaced by ***. */
  shown: string;
}

/** The URL with any password replaced by *** (unparsable text is shown as <unparsable URL>). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    // Drop only the root path's slash after a host (redis://h:1/ -> redis://h:1), never one of the scheme's.
    return u.toString().replace(/(\/\/[^/]+)\/$/, '$1');
  } catch {
    return '<unparsable URL>';
  }
}

/** Unparsable text shown with whatever stands before an @ hidden (it may hold a password). */
function redactUnparsable(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

/** Why WHATWG URL parsing refused the text, where a common slip explains it. */
function unparsableReason(url: string): string {
  const host = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^/]*@/, '').split('/')[0];
  if (host.startsWith('[') && !host.includes(']')) return ': an IPv6 host must be closed with ], e.g. redis://[::1]:6379';
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && Number(port) > 65535) return `: port ${port} is out of range (1 to 65535)`;
  return '';
}

/**
 * Parse a queue URL. Default port 6379, database 0.
 * Throws: UserError for another scheme, a missing host, a bad port or database number.
 */
export function parseQueueUrl(url: string): QueueTarget {
  const example = 'e.g. --queue redis://127.0.0.1:6379 or rediss://:PASSWORD@redis.example.org:6380/0';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--queue ${redactUnparsable(url)} is not a URL${unparsableReason(url)}`, example);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UserError(`--queue takes a redis:// or rediss:// URL, got ${u.protocol}//`, example);
  }
  if (!u.hostname) throw new UserError(`--queue ${redactUrl(url)} names no host`, example);
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`--queue ${redactUrl(url)}: port must be 1 to 65535`, example);
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!/^\d*$/.test(path) || !Number.isInteger(db) || db < 0) throw new UserError(`--queue ${redactUrl(url)}: the path must be a database number, e.g. /0`, example);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:',
    shown: redactUrl(url),
  };
}
