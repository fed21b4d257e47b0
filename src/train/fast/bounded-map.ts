/**
 * A cache of values by key with a bound on their number and on their total size (bytes, as the caller counts
 * them), the oldest kept dropped first: what a worker thread keeps between its trainings (train-fast.ts:
 * starting networks, scoring buffers), so that a long sweep's thread does not grow without limit.
 */
export class BoundedMap<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private bytes = 0;

  /** At most `maxEntries` values and `maxBytes` bytes of them are kept. */
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /** The value kept under `key`, if any. */
  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /**
   * Keep `value` (of `bytes` bytes) under `key`, replacing what the key held, then drop the oldest values until
   * both bounds hold; a value larger than maxBytes alone is not kept. Throws: nothing.
   */
  set(key: string, value: V, bytes: number): void {
    if (bytes > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }
}
