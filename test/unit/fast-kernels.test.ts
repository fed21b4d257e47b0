/**
 * The WebAssembly kernels' own sigmoid (output unit and sigmoid hidden units) against the reference's
 * 1 / (1 + Math.exp(-z)): within a few ulp where the kernels' table reaches (|z| <= 40), within 4.3e-18
 * beyond, NaN kept. Correctness only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/train/rng.js';
import { ensureMemory, loadKernels } from '../../src/train/fast/wasm.js';

/** σ of xs (even length) by the kernels. */
function wasmSigmoid(xs: number[]): Float64Array {
  const k = loadKernels();
  const n = xs.length;
  const src = k.heapBase();
  const dst = src + 8 * n;
  ensureMemory(k, dst + 8 * n);
  new Float64Array(k.memory.buffer, src, n).set(xs);
  k.sigmoidArray(src, dst, n);
  return new Float64Array(k.memory.buffer, dst, n).slice();
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

test('kernels sigmoid: within 4 ulp of 1 / (1 + exp(-z)) for |z| <= 40', () => {
  const rng = new Rng(42);
  const xs: number[] = [];
  for (let i = 0; i < 20000; i++) xs.push(rng.uniform(-40, 40));
  for (let i = 0; i < 20000; i++) xs.push(rng.uniform(-8, 8));
  for (let i = 0; i < 2000; i++) xs.push(rng.uniform(-1e-6, 1e-6));
  // The kernels' sigmoid reads a table at multiples of 1/64: each entry, the points halfway between (where
  // the rational function's argument is largest) and their neighbours.
  for (let j = -40 * 64; j <= 40 * 64; j++) {
    const b = j / 64;
    xs.push(b, b + 1 / 128, b - 1 / 128, b + 1 / 128 - 1e-12, b + 1e-9);
  }
  xs.push(0, -0, 1e-300, -1e-300, 5e-324, -5e-324, 2.2250738585072014e-308, 36.04, 36.05, -39.99, 39.99);
  const kept = xs.filter((x) => Math.abs(x) <= 40);
  if (kept.length % 2) kept.push(0);
  const got = wasmSigmoid(kept);
  kept.forEach((x, i) => {
    const ref = sigmoid(x);
    const ulp = Math.abs(got[i] - ref) / (ref * Number.EPSILON);
    assert.ok(ulp <= 4, `sigmoid(${x}) = ${got[i]}, 1 / (1 + Math.exp(-z)) gives ${ref} (${ulp.toFixed(2)} ulp)`);
  });
});

test('kernels sigmoid: beyond ±40 within 4.3e-18 of the exact value; limits and NaN', () => {
  const xs = [40.5, 50, 710, 1e308, Infinity, -40.5, -50, -745, -1000, -1e308, -Infinity, NaN, 40, -40];
  const got = wasmSigmoid(xs);
  // Above 40, σ(z) = 1 - e^-z rounds to 1: e^-40 = 4.2e-18 is below half an ulp of 1 (1.1e-16).
  for (let i = 0; i < 5; i++) assert.equal(got[i], 1, `sigmoid(${xs[i]})`);
  // Below -40, σ(z) < e^-40 = 4.25e-18: the kernels give σ(-40) or less, so within 4.3e-18.
  for (let i = 5; i < 11; i++) assert.ok(got[i] >= 0 && got[i] <= 4.3e-18, `sigmoid(${xs[i]}) = ${got[i]}`);
  assert.ok(Number.isNaN(got[11]));
  assert.equal(got[12], 1);
  assert.ok(Math.abs(got[13] - 4.248354255291589e-18) <= 4 * 4.248354255291589e-18 * Number.EPSILON, `sigmoid(-40) = ${got[13]}`);
});
