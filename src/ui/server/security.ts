/**
 * What keeps the ui server read-only and local: the Content-Security-Policy (with the hash of the page's
 * one inline script, its import map), the request checks (method, path shape, Host header, token) and
 * escaping of any text the server itself puts into HTML.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The hashes ('sha256-...') of the inline import maps of an HTML page, for script-src: browsers cannot load
 * an import map from a file, so the policy allows exactly this text and no other inline script.
 */
export function importMapHashes(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\btype\s*=\s*["']?importmap["']?[^>]*>([\s\S]*?)<\/script>/gi)) {
    out.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  }
  return out;
}

/** The Content-Security-Policy of every response; `scriptHashes` from importMapHashes. */
export function contentSecurityPolicy(scriptHashes: string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self'${scriptHashes.map((h) => ' ' + h).join('')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers sent with every response (the policy included). */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/**
 * Whether a request path (as sent, before decoding) may name anything at all: no `..` or `.` segment, no
 * backslash, no NUL, no doubled slash, and no percent-encoding of `.`, `/`, `\`, `%` or NUL (so neither
 * `%2e%2e` nor a double-encoded `%252e%252e` can become a traversal in any later decoding). Legitimate
 * paths of the ui (sweep ids, run folders, file names) never need any of these. A refused path is a 404.
 */
export function plausiblePath(rawPath: string): boolean {
  if (!rawPath.startsWith('/') || rawPath.startsWith('//')) return false;
  if (/[\\\0]/.test(rawPath) || rawPath.includes('//')) return false;
  if (/%(2e|2f|5c|25|00)/i.test(rawPath)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return false;
  }
  if (/[\\\0]/.test(decoded) || /[\u0000-\u001f\u007f]/.test(decoded)) return false;
  return !decoded.split('/').some((seg) => seg === '..' || seg === '.');
}

/** What a refused request path is replaced with before routing: no route matches it, so it is a 404. */
export const REFUSED_PATH = '/.refused';

/** Host names that reach this machine only: the server answers requests addressed to them (DNS rebinding guard). */
export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether `host` is a loopback address or name (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::ffff:127.0.0.1';
}

/** The host name of a Host header value (`127.0.0.1:8080` -> `127.0.0.1`, `[::1]:80` -> `[::1]`). */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** A random token for a server bound to a non-loopback address: 32 bytes, base64url (256 bits). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compare a presented token with the expected one in constant time. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie that carries the token after the first page load. */
export const TOKEN_COOKIE = 'dlsweep_token';

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
