import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/train/rng.js';
import { INIT_NAMES, initializeParams } from '../../src/train/init.js';

// Reference values: numpy's legacy RandomState after np.random.seed(1). The normals are the oracle's
// (computed with numpy); the others were derived independently with CPython's own MT19937 (random.Random,
// state set to init_genrand(1)), whose random() is the same 53-bit conversion as numpy's random_sample.
const NORMALS_SEED1 = [
  1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785,
  -2.3015386968802827,
];

test('seed 1: first six standard normals equal numpy randn exactly', () => {
  const rng = new Rng(1);
  assert.deepEqual(
    Array.from({ length: 6 }, () => rng.standardNormal()),
    NORMALS_SEED1,
  );
});

test('seed 1: raw 32-bit outputs and 53-bit doubles match MT19937 / numpy random_sample', () => {
  const r1 = new Rng(1);
  assert.deepEqual([r1.nextUint32(), r1.nextUint32(), r1.nextUint32()], [1791095845, 4282876139, 3093770124]);
  const r2 = new Rng(1);
  assert.deepEqual(Array.from({ length: 6 }, () => r2.randomDouble()), [
    0.417022004702574, 0.7203244934421581, 0.00011437481734488664, 0.30233257263183977, 0.14675589081711304,
    0.0923385947687978,
  ]);
  const r3 = new Rng(12345);
  assert.deepEqual([r3.randomDouble(), r3.randomDouble()], [0.9296160928171479, 0.3163755545817859]);
});

test('seed 1: uniform(low, high) = low + (high - low) * random_sample', () => {
  const rng = new Rng(1);
  assert.deepEqual(Array.from({ length: 4 }, () => rng.uniform(-2, 3)), [
    0.08511002351287011, 1.6016224672107904, -1.9994281259132756, -0.48833713684080116,
  ]);
});

test('seed 1: randint and shuffle follow numpy legacy masked rejection', () => {
  const rng = new Rng(1);
  assert.deepEqual(Array.from({ length: 8 }, () => rng.randint(10)), [5, 8, 9, 5, 0, 0, 1, 7]);
  const a = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  new Rng(1).shuffle(a);
  assert.deepEqual(a, [2, 9, 6, 4, 0, 3, 1, 7, 8, 5]); // np.random.seed(1); np.random.permutation(10)
  assert.equal(new Rng(1).randint(1), 0);
  assert.throws(() => rng.randint(0), /randint/);
});

test('streams survive the 624-word regeneration and are deterministic', () => {
  const a = new Rng(7);
  const b = new Rng(7);
  for (let i = 0; i < 2000; i++) assert.equal(a.nextUint32(), b.nextUint32());
  const c = new Rng(8);
  assert.notEqual(new Rng(7).nextUint32(), c.nextUint32());
});

test('invalid seeds throw', () => {
  assert.throws(() => new Rng(-1), /seed/);
  assert.throws(() => new Rng(1.5), /seed/);
  assert.throws(() => new Rng(2 ** 32), /seed/);
  assert.doesNotThrow(() => new Rng(2 ** 32 - 1));
});

test('lecun_normal reproduces np.random.seed(1); randn(15, 9)/sqrt(9); randn(1, 15)/sqrt(15)', () => {
  const p = initializeParams([9, 15, 1], 'lecun_normal', new Rng(1));
  assert.deepEqual(p.dims, [9, 15, 1]);
  assert.equal(p.W[0].length, 135);
  assert.equal(p.W[1].length, 15);
  assert.deepEqual(Array.from(p.W[0].subarray(0, 6)), NORMALS_SEED1.map((v) => v / Math.sqrt(9)));
  const ref = new Rng(1);
  const draws = Array.from({ length: 150 }, () => ref.standardNormal());
  assert.deepEqual(Array.from(p.W[0]), draws.slice(0, 135).map((v) => v / 3));
  assert.deepEqual(Array.from(p.W[1]), draws.slice(135).map((v) => v / Math.sqrt(15)));
  assert.ok(p.b.every((b) => b.every((v) => v === 0)));
  assert.equal(p.b[0].length, 15);
});

test('every initializer has the documented scale and zero biases; unknown names throw', () => {
  const dims = [40, 60, 1];
  const fanIn = 40;
  const fanOut = 60;
  const expectedStd: Record<string, number> = {
    lecun_normal: Math.sqrt(1 / fanIn),
    lecun_uniform: Math.sqrt(1 / fanIn),
    he_normal: Math.sqrt(2 / fanIn),
    he_uniform: Math.sqrt(2 / fanIn),
    glorot_normal: Math.sqrt(2 / (fanIn + fanOut)),
    glorot_uniform: Math.sqrt(2 / (fanIn + fanOut)),
    small_normal: 0.01,
    zeros: 0,
  };
  for (const name of INIT_NAMES) {
    const p = initializeParams(dims, name, new Rng(3));
    const w = p.W[0];
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    assert.ok(Math.abs(std - expectedStd[name]) <= 0.06 * expectedStd[name] + 1e-15, `${name}: std ${std}`);
    if (name.endsWith('_uniform')) {
      const limit = expectedStd[name] * Math.sqrt(3);
      assert.ok(w.every((v) => Math.abs(v) < limit), `${name} within ±${limit}`);
    }
    assert.ok(p.b.every((b) => b.every((v) => v === 0)));
  }
  assert.throws(
    () => initializeParams(dims, 'xavier' as never, new Rng(1)),
    (e: Error) => /xavier/.test(e.message) && INIT_NAMES.every((n) => e.message.includes(n)),
  );
});
