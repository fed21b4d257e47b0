/**
 * The per-thread cache of what is derived from a training split (src/train/fast/split-cache.ts): a split is
 * recognised by its bits only, so a value is never served for rows that differ in any one of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SplitCache } from '../../src/train/fast/split-cache.js';
import type { Matrix } from '../../src/train/types.js';

const split = (data: number[], y: number[]): { X: Matrix; y: Float64Array } => ({ X: { rows: 2, cols: y.length, data: Float64Array.from(data) }, y: Float64Array.from(y) });

test('SplitCache: the same rows in other arrays (shared memory included) reuse the value; any other bit makes a new one', () => {
  const cache = new SplitCache<number>();
  let made = 0;
  const make = (): number => ++made;
  const a = split([1, 2, 3, 4, 5, 6], [0, 1, 1]);
  assert.equal(cache.get(a.X, a.y, make), 1);
  // New arrays with equal contents, one of them on a SharedArrayBuffer at an offset, as a worker receives them.
  const shared = new Float64Array(new SharedArrayBuffer(8 * 8), 16, 6);
  shared.set(a.X.data);
  assert.equal(cache.get({ rows: 2, cols: 3, data: shared }, Float64Array.from(a.y), make), 1);
  // One label, one feature, -0 for 0, the shape: each is another split.
  assert.equal(cache.get(a.X, Float64Array.from([0, 1, 0]), make), 2);
  assert.equal(cache.get(split([1, 2, 3, 4, 5, 6.000000000000001], [0, 1, 1]).X, a.y, make), 3);
  const zero = split([0, 2, 3, 4, 5, 6], [0, 1, 1]);
  const negZero = split([-0, 2, 3, 4, 5, 6], [0, 1, 1]);
  assert.equal(cache.get(zero.X, zero.y, make), 4);
  assert.equal(cache.get(negZero.X, negZero.y, make), 5);
  assert.equal(cache.get({ rows: 3, cols: 2, data: a.X.data }, Float64Array.from([0, 1]), make), 6);
  assert.equal(cache.get({ rows: 2, cols: 3, data: a.X.data }, a.y, make), 1);
  assert.equal(made, 6);
});

test('SplitCache: keeps at most its count and bytes of splits, dropping the least recently used; never keeps a split too large', () => {
  // Two entries; each split here is 6 + 3 doubles = 72 bytes.
  const cache = new SplitCache<string>(2, 200);
  const made: string[] = [];
  const make = (name: string) => (): string => (made.push(name), name);
  const a = split([1, 2, 3, 4, 5, 6], [0, 1, 1]);
  const b = split([1, 2, 3, 4, 5, 7], [0, 1, 1]);
  const c = split([1, 2, 3, 4, 5, 8], [0, 1, 1]);
  cache.get(a.X, a.y, make('a'));
  cache.get(b.X, b.y, make('b'));
  cache.get(a.X, a.y, make('a again')); // a is now the most recent
  cache.get(c.X, c.y, make('c')); // b goes
  cache.get(a.X, a.y, make('a again'));
  cache.get(b.X, b.y, make('b again'));
  assert.deepEqual(made, ['a', 'b', 'c', 'b again']);
  // By bytes: 200 bytes hold two 72-byte splits, not three, whatever the count allows.
  const roomy = new SplitCache<string>(10, 200);
  made.length = 0;
  for (const [s, name] of [[a, 'a'], [b, 'b'], [c, 'c'], [a, 'a again']] as const) roomy.get(s.X, s.y, make(name));
  assert.deepEqual(made, ['a', 'b', 'c', 'a again']);
  // A split above the byte limit is computed every time.
  const tiny = new SplitCache<string>(10, 50);
  made.length = 0;
  tiny.get(a.X, a.y, make('a'));
  tiny.get(a.X, a.y, make('a again'));
  assert.deepEqual(made, ['a', 'a again']);
});
