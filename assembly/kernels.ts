/**
 * WebAssembly SIMD kernels of dlsweep's fast training path (AssemblyScript, compiled by `npm run build`
 * into dist/src/train/fast/kernels.wasm). The TypeScript engine in src/train/network.ts is the reference;
 * these compute the same formulas in float64 with a different summation order (results agree to ~1e-12).
 *
 * Memory is managed by the caller (src/train/fast/): it lays out every buffer in this module's linear
 * memory above heapBase() and describes the network in a descriptor (i32 words, see D_* below).
 * Layout: matrices are row-major [rows x mp], where mp = the sample count padded to a multiple of 8 so
 * every row starts 64-byte aligned and the sample loops run on whole f64x2 vectors, 4 at a time.
 * Padded samples have zero inputs and a zero mask, so their output gradient is exactly 0 and they add
 * exactly 0 to every weight gradient.
 *
 * Notation as in network.ts: Z_l = W_l A_{l-1} + b_l, A_l = relu(Z_l), output σ(Z_L), dZ_L = σ - y.
 */

// Descriptor words (i32 at desc + 4 * index).
const D_LAYERS = 0; // L, number of weight layers
const D_MP = 1; // padded sample count
const D_X = 2; // X [f x mp]
const D_Y = 3; // y [mp]
const D_MASK = 4; // 1 for real samples, 0 for padding [mp]
const D_ZCUR = 5; // logits of the latest forward pass [mp]
const D_ZPREV = 6; // logits of the forward pass before it [mp]
const D_PARAMS = 7; // all W and b, contiguous
const D_GRADS = 8; // all dW and db, same layout
const D_NPARAMS = 9; // length of the params block (even)
const D_LAYER0 = 12; // first layer record
// Per-layer record: 8 words.
const L_NIN = 0;
const L_NOUT = 1;
const L_W = 2;
const L_B = 3;
const L_DW = 4;
const L_DB = 5;
const L_A = 6; // hidden layers: A_l = relu(Z_l) [nOut x mp]
const L_DZ = 7; // dZ_l [nOut x mp]
const L_WORDS = 8;

let lastStatus: i32 = 0;

/** First free byte of linear memory: the caller's buffers go above it. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}

/** Why the last run() stopped early: 0 it did not, 1 non-finite logits, 2 non-finite parameters. */
export function status(): i32 {
  return lastStatus;
}

@inline function word(desc: usize, i: i32): i32 {
  return load<i32>(desc + (<usize>i << 2));
}

@inline function layerWord(desc: usize, l: i32, i: i32): i32 {
  return load<i32>(desc + (<usize>(D_LAYER0 + l * L_WORDS + i) << 2));
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  // No fused multiply-add: it would round differently from the TypeScript reference.
  return f64x2.add(acc, f64x2.mul(a, b));
}

// exp(x) on two lanes: x = n ln2 + r with |r| <= ln2/2 (Cody-Waite, fdlibm's split of ln2), e^r by its
// Taylor series to degree 13 (truncation < 5e-18), times 2^n built in the exponent bits in two halves so
// that n from -1076 to 1024 needs no special case. Within 1-2 ulp of Math.exp; NaN stays NaN,
// x > 709.78 gives Infinity, x < -745.2 gives 0.
const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-1; // 32 significant bits: n * LN2_HI is exact
const LN2_LO: f64 = 1.90821492927058770002e-10;

@inline function expv(x0: v128): v128 {
  const x = f64x2.min(f64x2.max(x0, f64x2.splat(-746.0)), f64x2.splat(710.0));
  const n = f64x2.nearest(f64x2.mul(x, f64x2.splat(LOG2E)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI))), f64x2.mul(n, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(1.0 / 6227020800.0); // 1/13!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const ni = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(n));
  const h = i64x2.shr_s(ni, 1);
  const bias = i64x2.splat(1023);
  const s1 = i64x2.shl(i64x2.add(h, bias), 52);
  const s2 = i64x2.shl(i64x2.add(i64x2.sub(ni, h), bias), 52);
  return f64x2.mul(f64x2.mul(p, s1), s2);
}

/** exp of n doubles at src into dst (for tests of expv's accuracy). */
export function expArray(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i + 2 <= n; i += 2) {
    v128.store(dst + (<usize>i << 3), expv(v128.load(src + (<usize>i << 3))));
  }
}

/**
 * Out = relu(W A + b) for a hidden layer. W: [nOut x nIn], b: [nOut], A: [nIn x mp], Out: [nOut x mp].
 * Two output rows times eight samples per block: 8 accumulators, 6 loads per 8 multiply-adds.
 * relu as max(z, 0), which lets NaN through like the reference (a diverging layer must reach the output).
 */
export function hiddenForward(W: usize, b: usize, A: usize, Out: usize, nIn: i32, nOut: i32, mp: i32): void {
  const rowBytes = <usize>mp << 3;
  const zero = f64x2.splat(0.0);
  let i = 0;
  for (; i + 2 <= nOut; i += 2) {
    const w0p = W + (<usize>(i * nIn) << 3);
    const w1p = w0p + (<usize>nIn << 3);
    const b0 = v128.load64_splat(b + (<usize>i << 3));
    const b1 = v128.load64_splat(b + (<usize>(i + 1) << 3));
    const o0 = Out + <usize>i * rowBytes;
    const o1 = o0 + rowBytes;
    for (let j: usize = 0; j < rowBytes; j += 64) {
      let z00 = b0, z01 = b0, z02 = b0, z03 = b0;
      let z10 = b1, z11 = b1, z12 = b1, z13 = b1;
      let ap = A + j;
      for (let k = 0; k < nIn; k++) {
        const w0 = v128.load64_splat(w0p + (<usize>k << 3));
        const w1 = v128.load64_splat(w1p + (<usize>k << 3));
        const x0 = v128.load(ap, 0);
        const x1 = v128.load(ap, 16);
        const x2 = v128.load(ap, 32);
        const x3 = v128.load(ap, 48);
        z00 = madd(z00, w0, x0);
        z01 = madd(z01, w0, x1);
        z02 = madd(z02, w0, x2);
        z03 = madd(z03, w0, x3);
        z10 = madd(z10, w1, x0);
        z11 = madd(z11, w1, x1);
        z12 = madd(z12, w1, x2);
        z13 = madd(z13, w1, x3);
        ap += rowBytes;
      }
      v128.store(o0 + j, f64x2.max(z00, zero), 0);
      v128.store(o0 + j, f64x2.max(z01, zero), 16);
      v128.store(o0 + j, f64x2.max(z02, zero), 32);
      v128.store(o0 + j, f64x2.max(z03, zero), 48);
      v128.store(o1 + j, f64x2.max(z10, zero), 0);
      v128.store(o1 + j, f64x2.max(z11, zero), 16);
      v128.store(o1 + j, f64x2.max(z12, zero), 32);
      v128.store(o1 + j, f64x2.max(z13, zero), 48);
    }
  }
  if (i < nOut) {
    const w0p = W + (<usize>(i * nIn) << 3);
    const b0 = v128.load64_splat(b + (<usize>i << 3));
    const o0 = Out + <usize>i * rowBytes;
    for (let j: usize = 0; j < rowBytes; j += 64) {
      let z00 = b0, z01 = b0, z02 = b0, z03 = b0;
      let ap = A + j;
      for (let k = 0; k < nIn; k++) {
        const w0 = v128.load64_splat(w0p + (<usize>k << 3));
        z00 = madd(z00, w0, v128.load(ap, 0));
        z01 = madd(z01, w0, v128.load(ap, 16));
        z02 = madd(z02, w0, v128.load(ap, 32));
        z03 = madd(z03, w0, v128.load(ap, 48));
        ap += rowBytes;
      }
      v128.store(o0 + j, f64x2.max(z00, zero), 0);
      v128.store(o0 + j, f64x2.max(z01, zero), 16);
      v128.store(o0 + j, f64x2.max(z02, zero), 32);
      v128.store(o0 + j, f64x2.max(z03, zero), 48);
    }
  }
}

@inline function outputBlock(z: v128, y: v128, mask: v128, Z: usize, dZ: usize, off: usize): v128 {
  v128.store(Z + off, z);
  const one = f64x2.splat(1.0);
  // σ(z) = 1 / (1 + e^-z), as the reference writes it; dZ = (σ - y), zero on padded samples.
  const p = f64x2.div(one, f64x2.add(one, expv(f64x2.neg(z))));
  v128.store(dZ + off, f64x2.mul(f64x2.sub(p, y), mask));
  return f64x2.mul(f64x2.abs(z), mask);
}

/**
 * The output unit: Z = W A + b (W: [1 x nIn], A: [nIn x mp]), dZ = (σ(Z) - y) on real samples, 0 on
 * padding. Returns Σ|Z| over real samples: finite exactly when every logit is (barring overflow of the
 * sum), the same divergence test as the reference.
 */
export function outputForward(W: usize, b: usize, A: usize, Z: usize, dZ: usize, y: usize, mask: usize, nIn: i32, mp: i32): f64 {
  const rowBytes = <usize>mp << 3;
  const b0 = v128.load64_splat(b);
  let s = f64x2.splat(0.0);
  for (let j: usize = 0; j < rowBytes; j += 64) {
    let z0 = b0, z1 = b0, z2 = b0, z3 = b0;
    let ap = A + j;
    for (let k = 0; k < nIn; k++) {
      const w = v128.load64_splat(W + (<usize>k << 3));
      z0 = madd(z0, w, v128.load(ap, 0));
      z1 = madd(z1, w, v128.load(ap, 16));
      z2 = madd(z2, w, v128.load(ap, 32));
      z3 = madd(z3, w, v128.load(ap, 48));
      ap += rowBytes;
    }
    s = f64x2.add(s, outputBlock(z0, v128.load(y + j, 0), v128.load(mask + j, 0), Z, dZ, j));
    s = f64x2.add(s, outputBlock(z1, v128.load(y + j, 16), v128.load(mask + j, 16), Z, dZ, j + 16));
    s = f64x2.add(s, outputBlock(z2, v128.load(y + j, 32), v128.load(mask + j, 32), Z, dZ, j + 32));
    s = f64x2.add(s, outputBlock(z3, v128.load(y + j, 48), v128.load(mask + j, 48), Z, dZ, j + 48));
  }
  return hsum(s);
}

/**
 * dW = invM dZ Aᵀ and db = invM Σ_samples dZ. dZ: [nOut x mp], A: [nIn x mp], dW: [nOut x nIn], db: [nOut].
 * Each dW entry is a dot product over samples; two rows of dZ times four rows of A are accumulated per
 * pass (8 independent f64x2 sums, 6 loads per 8 multiply-adds), then the 2 lanes are added.
 */
export function weightGrad(dZ: usize, A: usize, dW: usize, db: usize, nIn: i32, nOut: i32, mp: i32, invM: f64): void {
  const rowBytes = <usize>mp << 3;
  for (let i = 0; i < nOut; i++) {
    const dp = dZ + <usize>i * rowBytes;
    let s0 = f64x2.splat(0.0), s1 = f64x2.splat(0.0);
    for (let j: usize = 0; j < rowBytes; j += 32) {
      s0 = f64x2.add(s0, v128.load(dp + j, 0));
      s1 = f64x2.add(s1, v128.load(dp + j, 16));
    }
    store<f64>(db + (<usize>i << 3), invM * hsum(f64x2.add(s0, s1)));
  }
  let i = 0;
  for (; i + 2 <= nOut; i += 2) {
    const d0p = dZ + <usize>i * rowBytes;
    const d1p = d0p + rowBytes;
    const w0 = dW + (<usize>(i * nIn) << 3);
    const w1 = w0 + (<usize>nIn << 3);
    let k = 0;
    for (; k + 4 <= nIn; k += 4) {
      const a0p = A + <usize>k * rowBytes;
      const a1p = a0p + rowBytes;
      const a2p = a1p + rowBytes;
      const a3p = a2p + rowBytes;
      let s00 = f64x2.splat(0.0), s01 = s00, s02 = s00, s03 = s00;
      let s10 = s00, s11 = s00, s12 = s00, s13 = s00;
      for (let j: usize = 0; j < rowBytes; j += 16) {
        const d0 = v128.load(d0p + j);
        const d1 = v128.load(d1p + j);
        const x0 = v128.load(a0p + j);
        const x1 = v128.load(a1p + j);
        const x2 = v128.load(a2p + j);
        const x3 = v128.load(a3p + j);
        s00 = madd(s00, d0, x0);
        s01 = madd(s01, d0, x1);
        s02 = madd(s02, d0, x2);
        s03 = madd(s03, d0, x3);
        s10 = madd(s10, d1, x0);
        s11 = madd(s11, d1, x1);
        s12 = madd(s12, d1, x2);
        s13 = madd(s13, d1, x3);
      }
      const o = <usize>k << 3;
      store<f64>(w0 + o, invM * hsum(s00), 0);
      store<f64>(w0 + o, invM * hsum(s01), 8);
      store<f64>(w0 + o, invM * hsum(s02), 16);
      store<f64>(w0 + o, invM * hsum(s03), 24);
      store<f64>(w1 + o, invM * hsum(s10), 0);
      store<f64>(w1 + o, invM * hsum(s11), 8);
      store<f64>(w1 + o, invM * hsum(s12), 16);
      store<f64>(w1 + o, invM * hsum(s13), 24);
    }
    for (; k < nIn; k++) {
      const ap = A + <usize>k * rowBytes;
      let s0 = f64x2.splat(0.0), s1 = s0, t0 = s0, t1 = s0;
      for (let j: usize = 0; j < rowBytes; j += 32) {
        const x = v128.load(ap + j, 0);
        const xx = v128.load(ap + j, 16);
        s0 = madd(s0, v128.load(d0p + j, 0), x);
        s1 = madd(s1, v128.load(d1p + j, 0), x);
        t0 = madd(t0, v128.load(d0p + j, 16), xx);
        t1 = madd(t1, v128.load(d1p + j, 16), xx);
      }
      store<f64>(w0 + (<usize>k << 3), invM * hsum(f64x2.add(s0, t0)));
      store<f64>(w1 + (<usize>k << 3), invM * hsum(f64x2.add(s1, t1)));
    }
  }
  if (i < nOut) {
    const dp = dZ + <usize>i * rowBytes;
    const w0 = dW + (<usize>(i * nIn) << 3);
    let k = 0;
    for (; k + 4 <= nIn; k += 4) {
      const a0p = A + <usize>k * rowBytes;
      const a1p = a0p + rowBytes;
      const a2p = a1p + rowBytes;
      const a3p = a2p + rowBytes;
      let s0 = f64x2.splat(0.0), s1 = s0, s2 = s0, s3 = s0;
      for (let j: usize = 0; j < rowBytes; j += 16) {
        const d = v128.load(dp + j);
        s0 = madd(s0, d, v128.load(a0p + j));
        s1 = madd(s1, d, v128.load(a1p + j));
        s2 = madd(s2, d, v128.load(a2p + j));
        s3 = madd(s3, d, v128.load(a3p + j));
      }
      const o = <usize>k << 3;
      store<f64>(w0 + o, invM * hsum(s0), 0);
      store<f64>(w0 + o, invM * hsum(s1), 8);
      store<f64>(w0 + o, invM * hsum(s2), 16);
      store<f64>(w0 + o, invM * hsum(s3), 24);
    }
    for (; k < nIn; k++) {
      const ap = A + <usize>k * rowBytes;
      let s0 = f64x2.splat(0.0), s1 = s0;
      for (let j: usize = 0; j < rowBytes; j += 32) {
        s0 = madd(s0, v128.load(dp + j, 0), v128.load(ap + j, 0));
        s1 = madd(s1, v128.load(dp + j, 16), v128.load(ap + j, 16));
      }
      store<f64>(w0 + (<usize>k << 3), invM * hsum(f64x2.add(s0, s1)));
    }
  }
}

/**
 * G = (Wᵀ dZ) ⊙ [Aprev > 0]: the gradient with respect to the pre-activation of the layer below (relu).
 * W: [nOut x nIn], dZ: [nOut x mp], Aprev = relu(Z_prev): [nIn x mp], G: [nIn x mp].
 * Two rows of G times eight samples per block. Aprev > 0 exactly when Z_prev > 0 (NaN fails both), so the
 * mask equals the reference's relu'(Z).
 */
export function inputGradRelu(W: usize, dZ: usize, Aprev: usize, G: usize, nIn: i32, nOut: i32, mp: i32): void {
  const rowBytes = <usize>mp << 3;
  const inBytes = <usize>nIn << 3;
  const zero = f64x2.splat(0.0);
  let k = 0;
  for (; k + 2 <= nIn; k += 2) {
    const g0 = G + <usize>k * rowBytes;
    const g1 = g0 + rowBytes;
    const a0 = Aprev + <usize>k * rowBytes;
    const a1 = a0 + rowBytes;
    for (let j: usize = 0; j < rowBytes; j += 64) {
      let s00 = zero, s01 = zero, s02 = zero, s03 = zero;
      let s10 = zero, s11 = zero, s12 = zero, s13 = zero;
      let wp = W + (<usize>k << 3);
      let dp = dZ + j;
      for (let i = 0; i < nOut; i++) {
        const w0 = v128.load64_splat(wp, 0);
        const w1 = v128.load64_splat(wp, 8);
        const d0 = v128.load(dp, 0);
        const d1 = v128.load(dp, 16);
        const d2 = v128.load(dp, 32);
        const d3 = v128.load(dp, 48);
        s00 = madd(s00, w0, d0);
        s01 = madd(s01, w0, d1);
        s02 = madd(s02, w0, d2);
        s03 = madd(s03, w0, d3);
        s10 = madd(s10, w1, d0);
        s11 = madd(s11, w1, d1);
        s12 = madd(s12, w1, d2);
        s13 = madd(s13, w1, d3);
        wp += inBytes;
        dp += rowBytes;
      }
      v128.store(g0 + j, v128.and(s00, f64x2.gt(v128.load(a0 + j, 0), zero)), 0);
      v128.store(g0 + j, v128.and(s01, f64x2.gt(v128.load(a0 + j, 16), zero)), 16);
      v128.store(g0 + j, v128.and(s02, f64x2.gt(v128.load(a0 + j, 32), zero)), 32);
      v128.store(g0 + j, v128.and(s03, f64x2.gt(v128.load(a0 + j, 48), zero)), 48);
      v128.store(g1 + j, v128.and(s10, f64x2.gt(v128.load(a1 + j, 0), zero)), 0);
      v128.store(g1 + j, v128.and(s11, f64x2.gt(v128.load(a1 + j, 16), zero)), 16);
      v128.store(g1 + j, v128.and(s12, f64x2.gt(v128.load(a1 + j, 32), zero)), 32);
      v128.store(g1 + j, v128.and(s13, f64x2.gt(v128.load(a1 + j, 48), zero)), 48);
    }
  }
  if (k < nIn) {
    const g0 = G + <usize>k * rowBytes;
    const a0 = Aprev + <usize>k * rowBytes;
    for (let j: usize = 0; j < rowBytes; j += 64) {
      let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      let wp = W + (<usize>k << 3);
      let dp = dZ + j;
      for (let i = 0; i < nOut; i++) {
        const w0 = v128.load64_splat(wp, 0);
        s0 = madd(s0, w0, v128.load(dp, 0));
        s1 = madd(s1, w0, v128.load(dp, 16));
        s2 = madd(s2, w0, v128.load(dp, 32));
        s3 = madd(s3, w0, v128.load(dp, 48));
        wp += inBytes;
        dp += rowBytes;
      }
      v128.store(g0 + j, v128.and(s0, f64x2.gt(v128.load(a0 + j, 0), zero)), 0);
      v128.store(g0 + j, v128.and(s1, f64x2.gt(v128.load(a0 + j, 16), zero)), 16);
      v128.store(g0 + j, v128.and(s2, f64x2.gt(v128.load(a0 + j, 32), zero)), 32);
      v128.store(g0 + j, v128.and(s3, f64x2.gt(v128.load(a0 + j, 48), zero)), 48);
    }
  }
}

/**
 * P -= lr G over n doubles (n even): one gradient-descent step on every parameter at once.
 * Returns 1 if every updated value is finite, 0 otherwise (x - x is NaN exactly when x is NaN or ±Inf).
 */
export function step(P: usize, G: usize, n: i32, lr: f64): i32 {
  const r = f64x2.splat(lr);
  let bad = f64x2.splat(0.0);
  const end = <usize>n << 3;
  for (let i: usize = 0; i < end; i += 16) {
    const p = f64x2.sub(v128.load(P + i), f64x2.mul(r, v128.load(G + i)));
    v128.store(P + i, p);
    bad = f64x2.add(bad, f64x2.sub(p, p));
  }
  const s = hsum(bad);
  return s == 0 ? 1 : 0;
}

/**
 * Runs up to n full-batch gradient-descent updates of the network described at `desc`.
 * Each update: forward pass (logits into a fresh buffer; the previous logits are kept), divergence test
 * on the logits, backward pass, step, divergence test on the parameters.
 * Returns the number of updates completed; status() says why it stopped early: 1 the logits of the model
 * after that many updates are not finite (the update was not made), 2 the parameters became non-finite at
 * the last update counted.
 */
export function run(desc: usize, n: i32, lr: f64, invM: f64): i32 {
  lastStatus = 0;
  const L = word(desc, D_LAYERS);
  const mp = word(desc, D_MP);
  const X = <usize>word(desc, D_X);
  const y = <usize>word(desc, D_Y);
  const mask = <usize>word(desc, D_MASK);
  const P = <usize>word(desc, D_PARAMS);
  const Gp = <usize>word(desc, D_GRADS);
  const nParams = word(desc, D_NPARAMS);
  for (let t = 0; t < n; t++) {
    // Swap the logit buffers: the previous pass's logits stay readable for the last finite loss.
    const z = word(desc, D_ZPREV);
    store<i32>(desc + (D_ZPREV << 2), word(desc, D_ZCUR));
    store<i32>(desc + (D_ZCUR << 2), z);

    let Ain = X;
    for (let l = 0; l < L - 1; l++) {
      const out = <usize>layerWord(desc, l, L_A);
      hiddenForward(<usize>layerWord(desc, l, L_W), <usize>layerWord(desc, l, L_B), Ain, out, layerWord(desc, l, L_NIN), layerWord(desc, l, L_NOUT), mp);
      Ain = out;
    }
    const last = L - 1;
    const sumAbs = outputForward(
      <usize>layerWord(desc, last, L_W), <usize>layerWord(desc, last, L_B), Ain, <usize>z,
      <usize>layerWord(desc, last, L_DZ), y, mask, layerWord(desc, last, L_NIN), mp,
    );
    if (!(sumAbs - sumAbs == 0)) {
      lastStatus = 1;
      return t;
    }

    for (let l = last; l >= 0; l--) {
      const nIn = layerWord(desc, l, L_NIN);
      const nOut = layerWord(desc, l, L_NOUT);
      const dZ = <usize>layerWord(desc, l, L_DZ);
      const below = l == 0 ? X : <usize>layerWord(desc, l - 1, L_A);
      weightGrad(dZ, below, <usize>layerWord(desc, l, L_DW), <usize>layerWord(desc, l, L_DB), nIn, nOut, mp, invM);
      if (l == 0) break;
      inputGradRelu(<usize>layerWord(desc, l, L_W), dZ, below, <usize>layerWord(desc, l - 1, L_DZ), nIn, nOut, mp);
    }
    if (!step(P, Gp, nParams, lr)) {
      lastStatus = 2;
      return t + 1;
    }
  }
  return n;
}
