/**
 * The bounded per-thread cache of train-fast.ts (src/train/fast/bounded-map.ts): starting networks and scoring
 * buffers kept between trainings, at most so many and so many bytes, the oldest dropped first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from '../../src/train/fast/bounded-map.js';

const kept = (m: BoundedMap<string>, keys: string[]) => keys.filter((k) => m.get(k) !== undefined);

test('BoundedMap keeps at most its count of values, the oldest dropped first', () => {
  const m = new BoundedMap<string>(3, 1000);
  for (const k of ['a', 'b', 'c', 'd']) m.set(k, k.toUpperCase(), 1);
  assert.deepEqual(kept(m, ['a', 'b', 'c', 'd']), ['b', 'c', 'd']);
  assert.equal(m.get('d'), 'D');
});

test('BoundedMap keeps at most its bytes, dropping as many of the oldest as it takes; a value larger than the bound alone is not kept', () => {
  const m = new BoundedMap<string>(Infinity, 10);
  m.set('a', 'A', 4);
  m.set('b', 'B', 4);
  m.set('c', 'C', 2); // 10 bytes: all kept
  assert.deepEqual(kept(m, ['a', 'b', 'c']), ['a', 'b', 'c']);
  m.set('d', 'D', 7); // 17 bytes: a goes (13), then b (9)
  assert.deepEqual(kept(m, ['a', 'b', 'c', 'd']), ['c', 'd']);
  m.set('e', 'E', 11);
  assert.equal(m.get('e'), undefined);
  assert.deepEqual(kept(m, ['c', 'd']), ['c', 'd'], 'a value too large evicts nothing');
});

test('BoundedMap: a key set again counts its new size once, and becomes the newest', () => {
  const m = new BoundedMap<string>(Infinity, 10);
  m.set('a', 'A', 5);
  m.set('b', 'B', 5);
  m.set('a', 'A2', 5); // still 10 bytes: nothing dropped; a is now the newest
  assert.deepEqual(kept(m, ['a', 'b']), ['a', 'b']);
  assert.equal(m.get('a'), 'A2');
  m.set('c', 'C', 5); // b, the oldest, goes
  assert.deepEqual(kept(m, ['a', 'b', 'c']), ['a', 'c']);
});
