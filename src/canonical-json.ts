/**
 * Canonical JSON, the one form hashed for identities (runs, dataset fingerprints): object keys sorted at
 * every level, no whitespace, numbers by value (0.1, 1e-1 and 0.10 are one value once parsed).
 */
import safeStableStringify from 'safe-stable-stringify';

// strict: NaN, Infinity, functions and other values JSON cannot hold throw instead of becoming null or
// being dropped silently, so two different values never hash alike.
const canonical = safeStableStringify.configure({ deterministic: true, strict: true, circularValue: TypeError, bigint: false });

/**
 * Canonical JSON of a value: object keys sorted, no whitespace; undefined object properties are left out
 * (as JSON.stringify does). Throws: TypeError for values JSON cannot hold (NaN, ±Infinity, functions, cycles).
 */
export function canonicalJson(value: unknown): string {
  const out = canonical(value);
  if (out === undefined) throw new TypeError('value has no JSON form');
  return out;
}
