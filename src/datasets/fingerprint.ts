/** Hashes that name a dataset: of the file's bytes, and of the bytes plus the preprocessing settings. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

/**
 * Version of the preprocessing code, part of every fingerprint.
 * Bump it when a change makes the same file and settings give different numbers.
 */
export const PREPROCESSING_VERSION = 1;

/** sha256 (hex) of bytes or of a string's UTF-8 encoding. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The dataset's identity: sha256(file_sha256 + "\n" + canonical JSON of the settings + the preprocessing version).
 * Paths are never part of `settings`, so the same bytes and settings give the same fingerprint anywhere.
 */
export function datasetFingerprint(fileSha256: string, settings: Record<string, unknown>): string {
  return sha256Hex(`${fileSha256}\n${canonicalJson({ ...settings, preprocessing_version: PREPROCESSING_VERSION })}`);
}
