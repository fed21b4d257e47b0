/**
 * Stable identities: a sha256 of the canonical JSON (keys sorted, numbers by value, so 0.1, 1e-1 and 0.10
 * are one value once parsed) of what determines a result.
 */
import { createHash } from 'node:crypto';
import safeStableStringify from 'safe-stable-stringify';

// strict: NaN, Infinity, functions and other values JSON cannot hold throw instead of being dropped silently.
const canonical = safeStableStringify.configure({ deterministic: true, strict: true, circularValue: TypeError, bigint: false });

/** Canonical JSON: object keys sorted, no whitespace. Throws: Error for values JSON cannot hold (NaN, Infinity, cycles). */
export function canonicalJson(value: unknown): string {
  const out = canonical(value);
  if (out === undefined) throw new TypeError('value has no JSON form');
  return out;
}

/** sha256 hex of the canonical JSON of `value`. */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
