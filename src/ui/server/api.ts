/**
 * The JSON the pages read (the contract: /work/notes of the ui, mirrored in docs/ui.md): the home page's
 * experiments and sweeps from the index (store-index.ts); a sweep's runs table, curves, and a run's detail
 * through the store's readers, the same code as `dlsweep compare` and `show`.
 */
import type { StoreIndex } from './store-index.js';

/** An error answered as JSON `{error, hint?}` with an HTTP status (400 bad query, 404 unknown sweep or run). */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** /api/home: `{ runs_dir, experiments: [{ name, description, tags, sweeps: [SweepSummary] }] }`, running sweeps first. */
export function homeJson(index: StoreIndex) {
  return index.home();
}
