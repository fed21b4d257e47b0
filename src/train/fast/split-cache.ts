/**
 * What a thread derives from a data split once and reuses for every training on it: a sweep or a search
 * trains many networks on the same few folds (a halving search: 121 trainings on one), and preparing the
 * rows for the kernels (collapsing duplicates: a hash of every row) costs more than recognising them.
 *
 * A split is recognised by its contents, bit for bit (a copy of its bytes is kept), never by where it came
 * from: the arrays of each task are new objects, even when they view the same shared memory, and nothing a
 * caller names can make two different splits share an entry. So a value cached here is exactly the value
 * computed from the split's rows, whatever the caller. Cached values are shared: callers must not modify them.
 */
import type { Matrix } from '../types.js';

/** A cache of values derived from training splits (X: [features x samples], y: [samples]), most recently used first. */
export class SplitCache<T> {
  private readonly entries: { rows: number; x: Uint32Array; y: Uint32Array; value: T }[] = [];
  private bytes = 0;

  /**
   * At most `maxEntries` splits and `maxBytes` bytes of copied rows are kept (the least recently used go
   * first); a split larger than maxBytes is never kept. Default: 64 splits (the training and validation
   * splits of 10-fold cross-validation fit), 64 MiB.
   */
  constructor(
    private readonly maxEntries = 64,
    private readonly maxBytes = 64 * 2 ** 20,
  ) {}

  /**
   * The value cached for a split with exactly these rows and labels, or else `make(X, y)`, cached.
   * Costs one comparison of the bytes per cached split of the same shape (a few microseconds for the study's
   * 500 x 9 rows). Throws: what `make` throws (nothing is cached then).
   */
  get(X: Matrix, y: Float64Array, make: (X: Matrix, y: Float64Array) => T): T {
    const x = words(X.data);
    const yw = words(y);
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e.rows === X.rows && sameWords(e.x, x) && sameWords(e.y, yw)) {
        if (i > 0) this.entries.unshift(...this.entries.splice(i, 1));
        return e.value;
      }
    }
    const value = make(X, y);
    const size = 4 * (x.length + yw.length);
    if (size > this.maxBytes) return value;
    this.entries.unshift({ rows: X.rows, x: x.slice(), y: yw.slice(), value });
    this.bytes += size;
    while (this.entries.length > this.maxEntries || this.bytes > this.maxBytes) {
      const old = this.entries.pop()!;
      this.bytes -= 4 * (old.x.length + old.y.length);
    }
    return value;
  }
}

/** The bits of a Float64Array as 32-bit words (a view, no copy): -0 and 0 differ (a collapsed column keeps its first row's zero). */
function words(a: Float64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, 2 * a.length);
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
