/**
 * Stable identities: a sha256 of the canonical JSON (keys sorted, numbers by value, so 0.1, 1e-1 and 0.10
 * are one value once parsed) of what determines a result.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

/** sha256 hex of the canonical JSON of `value` (canonical-json.ts). Throws: TypeError for values JSON cannot hold. */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
