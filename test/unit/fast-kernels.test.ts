/**
 * The WebAssembly kernels' own exp (used by the output sigmoid) against Math.exp: within a few ulp over
 * the whole range, with the right limits (0, Infinity) and NaN kept. Correctness only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/train/rng.js';
import { ensureMemory, loadKernels } from '../../src/train/fast/wasm.js';

/** exp of xs (even length) by the kernels. */
function wasmExp(xs: number[]): Float64Array {
  const k = loadKernels();
  const n = xs.length;
  const src = k.heapBase();
  const dst = src + 8 * n;
  ensureMemory(k, dst + 8 * n);
  new Float64Array(k.memory.buffer, src, n).set(xs);
  k.expArray(src, dst, n);
  return new Float64Array(k.memory.buffer, dst, n).slice();
}

test('kernels exp: within 2 ulp of Math.exp from -745 to 709.78', () => {
  const rng = new Rng(42);
  const xs: number[] = [];
  for (let i = 0; i < 20000; i++) xs.push(rng.uniform(-40, 40));
  for (let i = 0; i < 20000; i++) xs.push(rng.uniform(-745, 709.78));
  for (let i = 0; i < 2000; i++) xs.push(rng.uniform(-1e-6, 1e-6));
  // The kernels' exp reads a table at multiples of ln2/128: those points, the points halfway between (where
  // the series' argument is largest) and their neighbours, over several octaves of both signs.
  for (let n = -2560; n <= 2560; n++) {
    const x = (n * Math.LN2) / 128;
    xs.push(x, x + Math.LN2 / 256, x - Math.LN2 / 256, x + 1e-12);
  }
  xs.push(0, -0, 1, -1, 0.5 * Math.LN2, -0.5 * Math.LN2, 709.7, 709.78, 709.782712893384, -708.3, -708.39641853226, -744.4);
  xs.push(1e-300, -1e-300, 5e-324, -5e-324, 2.2250738585072014e-308);
  if (xs.length % 2) xs.push(0);
  const got = wasmExp(xs);
  xs.forEach((x, i) => {
    const ref = Math.exp(x);
    if (ref < 2.2250738585072014e-308) {
      // Subnormal results have fewer bits: within 2 of their units (2^-1074 each).
      assert.ok(Math.abs(got[i] - ref) <= 2 * 5e-324, `exp(${x}) = ${got[i]}, Math.exp gives ${ref}`);
      return;
    }
    const ulp = Math.abs(got[i] - ref) / (ref * Number.EPSILON);
    assert.ok(ulp <= 2, `exp(${x}) = ${got[i]}, Math.exp gives ${ref} (${ulp.toFixed(2)} ulp)`);
  });
});

test('kernels exp: limits and special values', () => {
  const xs = [710, 1000, Infinity, -746, -1000, -Infinity, NaN, -745.5, Number.MAX_VALUE, -Number.MAX_VALUE];
  const got = wasmExp(xs);
  assert.equal(got[0], Infinity);
  assert.equal(got[1], Infinity);
  assert.equal(got[2], Infinity);
  assert.equal(got[3], 0);
  assert.equal(got[4], 0);
  assert.equal(got[5], 0);
  assert.ok(Number.isNaN(got[6]));
  assert.ok(got[7] >= 0 && got[7] < 1e-323);
  assert.equal(got[8], Infinity);
  assert.equal(got[9], 0);
});
