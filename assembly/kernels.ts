/**
 * WebAssembly SIMD kernels of dlsweep's fast training path (AssemblyScript, compiled by `npm run build`
 * into dist/src/train/fast/kernels.wasm). The TypeScript engine in src/train/ is the reference; these
 * compute the same formulas in float64 with a different summation order (results agree to ~1e-12).
 *
 * Memory is managed by the caller (src/train/fast/): it lays out every buffer in this module's linear
 * memory above heapBase() and describes the training in a descriptor: i32 words D_* (pointers, sizes and
 * the state that carries over from one call to the next), per-layer records of L_WORDS words L_*, and a
 * block of f64 constants F_*. The indices are exported below, so the TypeScript side reads the layout from
 * this module instead of restating it.
 * Layout: matrices are row-major [rows x stride], the stride being a sample count padded to a multiple of
 * 8 so every row starts 64-byte aligned and the sample loops run on whole f64x2 vectors, 4 at a time.
 * Padded samples have zero inputs and a zero mask, so their output gradient is exactly 0 and they add
 * exactly 0 to every weight gradient.
 *
 * Notation as in src/train/network.ts: Z_l = W_l A_{l-1} + b_l, A_l = g(Z_l) (hidden activation g),
 * D_l = A_l ⊙ M_l under dropout (M_l the mask, read by layer l+1 instead of A_l), output σ(Z_L),
 * dZ_L = σ - y, dW_l = invM dZ_l A_{l-1}ᵀ, dZ_{l-1} = (W_lᵀ dZ_l) ⊙ M_{l-1} ⊙ g'(Z_{l-1}).
 * Update rules as in src/train/optimizers.ts, same operations in the same order (sqrt and division are
 * correctly rounded in both), so one step from equal inputs gives equal bits.
 * Random draws (mini-batch shuffles, dropout masks) come from the run's MT19937 stream, ported here from
 * src/train/rng.ts: the caller copies the stream's state in (D_MT, D_MTI) after the weights were drawn,
 * and the kernels draw exactly what the TypeScript engine draws, in the same order.
 */

import { EXP_OFF, EXP_STEPS, EXP_TABLE } from './exp-table';
import { TANH_OFF, TANH_STEPS, TANH_TABLE } from './tanh-table';

// Descriptor words (i32 at desc + 4 * index). Words marked "state" change as training proceeds.
export const D_LAYERS: i32 = 0; // L, number of weight layers
export const D_ACT: i32 = 1; // hidden activation, ACT_*
export const D_OPT: i32 = 2; // update rule, OPT_*
export const D_M: i32 = 3; // training samples stored (columns of X)
export const D_MP: i32 = 4; // stride of X: m padded
export const D_X: i32 = 5; // X [f x mp]
export const D_Y: i32 = 6; // y [mp]
export const D_MASK: i32 = 7; // weight of each stored sample (its count when duplicates are collapsed), 0 on padding [mp]
export const D_BATCH: i32 = 8; // mini-batch size B, or 0: every update reads X itself (full batch)
export const D_BP: i32 = 9; // stride of the batch buffers: B padded
export const D_XB: i32 = 10; // the batch's X [f x bp]
export const D_YB: i32 = 11; // the batch's y [bp]
export const D_MASKB: i32 = 12; // 1 for the batch's samples, 0 on padding [bp]
export const D_ORDER: i32 = 13; // u32 row order of the epoch [m]
export const D_POS: i32 = 14; // state: rows of the epoch already used
export const D_MT: i32 = 15; // state: MT19937 words, u32 [624], then their tempered outputs (a cache), u32 [624]
export const D_MTI: i32 = 16; // state: index of the next MT19937 word
export const D_DROPOUT: i32 = 17; // 1: draw dropout masks for every update
export const D_ZOUT: i32 = 18; // logits of the latest training pass [max stride]
export const D_PARAMS: i32 = 19; // state: all W and b, contiguous, each padded to an even length
export const D_GRADS: i32 = 20; // all dW and db, same layout
export const D_PREV: i32 = 21; // state: the parameters before the latest update, same layout
export const D_S1: i32 = 22; // state: the update rule's first state (velocity, G, s, Adam's m), same layout
export const D_S2: i32 = 23; // state: Adam's v, same layout
export const D_NPARAMS: i32 = 24; // doubles in the params block
export const D_FRESH: i32 = 25; // state: 1 when the full-batch pass of the current parameters is in the buffers
export const D_F64: i32 = 26; // address of the f64 constants F_*
export const D_ZEVAL: i32 = 27; // logits of the latest evaluate() [eval stride]
export const D_DZEVAL: i32 = 28; // scratch of evaluate() [eval stride]
export const D_XP: i32 = 29; // X again, by sample pairs: [mp/2 x f] f64x2 (see weightGradPairs)
export const D_XBP: i32 = 30; // the batch's X by sample pairs [bp/2 x f]
export const D_WT: i32 = 31; // scratch of hiddenForward: a hidden layer's W transposed [nIn x nOut] (the largest)
export const D_LAYER0: i32 = 32; // first layer record
// Per-layer record: L_WORDS words.
export const L_NIN: i32 = 0;
export const L_NOUT: i32 = 1;
export const L_W: i32 = 2; // W_l [nOut x nIn] (in the params block)
export const L_B: i32 = 3; // b_l [nOut]
export const L_DW: i32 = 4; // (in the gradient block)
export const L_DB: i32 = 5;
export const L_Z: i32 = 6; // hidden layers: Z_l [nOut x stride] (stored for leaky_relu's derivative only)
export const L_A: i32 = 7; // hidden layers: A_l = g(Z_l)
export const L_D: i32 = 8; // hidden layers under dropout: D_l = A_l ⊙ M_l
export const L_M: i32 = 9; // hidden layers under dropout: the mask M_l (0 or 1/(1 - rate))
export const L_DZ: i32 = 10; // dZ_l [nOut x stride]; below another layer, the first layer's rows in pairs (see weightGradPairs)
export const L_EZ: i32 = 11; // hidden layers: evaluate()'s Z_l [nOut x eval stride]
export const L_EA: i32 = 12; // hidden layers: evaluate()'s A_l
export const L_WORDS: i32 = 13;
// f64 constants (at word D_F64, 8 bytes each).
export const F_SLOPE: i32 = 0; // leaky_relu's slope
export const F_MU: i32 = 1; // momentum
export const F_BETA1: i32 = 2;
export const F_BETA2: i32 = 3;
export const F_RHO: i32 = 4;
export const F_EPS: i32 = 5;
export const F_L2: i32 = 6; // λ, added as λ p to the gradient of every weight (never biases)
export const F_CUT: i32 = 7; // dropout: a draw u (uint32) drops the unit when u < rate · 2^32
export const F_KEEP: i32 = 8; // dropout: 1 / (1 - rate), the kept units' mask value
export const F_INVM: i32 = 9; // full batch: 1 / (training samples), whatever the stored count
export const F_WORDS: i32 = 10;
// Codes of D_ACT and D_OPT, in the order of HIDDEN_ACTIVATION_NAMES and OPTIMIZER_NAMES.
export const ACT_RELU: i32 = 0;
export const ACT_LEAKY_RELU: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_SIGMOID: i32 = 3;
export const OPT_GD: i32 = 0;
export const OPT_MOMENTUM: i32 = 1;
export const OPT_NESTEROV: i32 = 2;
export const OPT_ADAGRAD: i32 = 3;
export const OPT_RMSPROP: i32 = 4;
export const OPT_ADAM: i32 = 5;
/** Doubles per update in run()'s schedule block: the rate, then Adam's bias corrections 1 - β1^t, 1 - β2^t. */
export const SCHED_WORDS: i32 = 3;

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

@inline function setWord(desc: usize, i: i32, v: i32): void {
  store<i32>(desc + (<usize>i << 2), v);
}

@inline function layerWord(desc: usize, l: i32, i: i32): i32 {
  return load<i32>(desc + (<usize>(D_LAYER0 + l * L_WORDS + i) << 2));
}

@inline function lp(desc: usize, l: i32, i: i32): usize {
  return <usize>layerWord(desc, l, i);
}

@inline function f64At(desc: usize, i: i32): f64 {
  return load<f64>(<usize>word(desc, D_F64) + (<usize>i << 3));
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  // No fused multiply-add: it would round differently from the TypeScript reference.
  return f64x2.add(acc, f64x2.mul(a, b));
}

// Constants of the vector code are read from memory, one load each (v128.load64_splat of K_* below): V8
// builds a v128 constant written in the code from a 64-bit immediate, three instructions at every use
// inside a loop, which made exp and tanh cost about twice their arithmetic (measured).
const K_ONE = 0;
const K_ZERO = 1;
const K_TANH_ROUNDER = 2; // 1.5 · 2^45 + TANH_OFF / TANH_STEPS (see tanhv)
const K_TANH_MAX = 3; // ± the table's last b = jmax / TANH_STEPS: tanh is ±1 to the last bit beyond |z| = 19.06
const K_TANH_MIN = 4;
const K_EXP_ROUNDER = 5; // the same for the sigmoid's table
const K_EXP_MAX = 6;
const K_EXP_MIN = 7;
const K_TANH_A = 8; // tanhv's rational function in d (see tanhv)
const K_TANH_C = 9;
const K_EXP_A = 10; // sigmoidv's
const K_EXP_B = 11;
const K_EXP_C = 12;
const KT: usize = memory.data<f64>([
  1.0, 0.0,
  1.5 * 35184372088832.0 + <f64>TANH_OFF / TANH_STEPS, <f64>TANH_OFF / TANH_STEPS, -<f64>TANH_OFF / TANH_STEPS,
  1.5 * 70368744177664.0 + <f64>EXP_OFF / EXP_STEPS, <f64>EXP_OFF / EXP_STEPS, -<f64>EXP_OFF / EXP_STEPS,
  15.0, 6.0, 60.0, 120.0, 12.0,
]);

@inline function kc(i: i32): v128 {
  return v128.load64_splat(KT + (<usize>i << 3));
}

// tanhv and sigmoidv split z at the nearest multiple of a table's step 1/N (N = TANH_STEPS, EXP_STEPS, powers
// of 2): z = b + d with b = j/N, j = round(z N) and |d| <= 1/(2N) (d exact), z clamped to the table's ±jmax/N
// first (where the function is constant to the last bit), NaN kept. The rounder R = 1.5 · 2^52 / N + jmax/N:
// adding it to z rounds z to a multiple of 1/N (the sum's last bit is worth 1/N; to nearest, ties to even:
// jmax is even, so ties go as for z N + 1.5 · 2^52), and the low 32 bits of the sum's representation are
// then the table index j + jmax, read with one lane extraction each (i32x4: V8 reads lane 0 with a single
// movd) and clamped (unsigned) to the table, which only matters for NaN, whose low bits are not specified.
// The sum minus R is then b exactly, and d = z - b. Rounding z itself rather than z N saves a multiply per
// vector; every later value is that of the former kernels (which rounded z N and worked in e = N d) scaled by
// a power of 2, so the results are the same bits (barring subnormal z).
// Both then use two polynomials in d, E = B + C d² and O = d (A + d²): for tanh (N = 128, A = B = 15,
// C = 6), O/E = d (15 + d²) / (15 + 6 d²), the Padé approximant [3/2] of tanh d (truncation: relative
// 2.3e-18 at |d| <= 1/256); for the sigmoid (N = 64, A = 60, B = 120, C = 12),
// (E - O)/(E + O) = (120 - 60 d + 12 d² - d³) / (120 + 60 d + 12 d² + d³), the Padé approximant [3/3] of
// e^-d (truncation: relative 2e-20 at |d| <= 1/128). One division each, about twenty operations.

/**
 * tanh(z) on two lanes, by the addition formula: z = b + d with b = j/128 as above, tanh b = T from TANH_TABLE
 * (generated, correctly rounded), tanh d = O/E as above, and
 * tanh z = (tanh d + T) / (1 + T tanh d) = (O + T E) / (E + T O). Within 3 ulp of the exact value (tested
 * against Math.tanh); odd exactly (rounding to even is symmetric, so is the table); ±1 beyond |z| = 19.06;
 * NaN stays NaN. T(0) is stored as -0 so that tanh(-0) = -0: (O + T E) is then -0 + -0.
 */
@inline function tanhv(z: v128): v128 {
  const u = f64x2.pmax(f64x2.pmin(z, kc(K_TANH_MAX)), kc(K_TANH_MIN)); // NaN stays NaN
  const rounder = kc(K_TANH_ROUNDER);
  const t = f64x2.add(u, rounder);
  const d = f64x2.sub(u, f64x2.sub(t, rounder));
  const j0 = <usize>min<u32>(<u32>i32x4.extract_lane(t, 0), <u32>(2 * TANH_OFF));
  const j1 = <usize>min<u32>(<u32>i32x4.extract_lane(t, 2), <u32>(2 * TANH_OFF));
  const T = v128.load64_lane(TANH_TABLE + (j1 << 3), v128.load64_zero(TANH_TABLE + (j0 << 3)), 1);
  const d2 = f64x2.mul(d, d);
  const a = kc(K_TANH_A);
  const E = f64x2.add(a, f64x2.mul(kc(K_TANH_C), d2));
  const O = f64x2.mul(d, f64x2.add(a, d2));
  return f64x2.div(f64x2.add(O, f64x2.mul(T, E)), f64x2.add(E, f64x2.mul(T, O)));
}

/** tanh of n doubles at src into dst (for tests of tanhv's accuracy). */
export function tanhArray(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i + 2 <= n; i += 2) {
    v128.store(dst + (<usize>i << 3), tanhv(v128.load(src + (<usize>i << 3))));
  }
}

/**
 * σ(z) = 1 / (1 + e^-z) on two lanes: z = b + d with b = j/64, e^-b = X from EXP_TABLE (generated,
 * correctly rounded), e^-d = (E - O)/(E + O) as above, so σ(z) = (E + O) / (E + O + X (E - O)): all terms
 * positive, no cancellation. Within 4 ulp of the exact value for |z| <= 40 (tested against the reference's
 * 1 / (1 + Math.exp(-z))); beyond, z is taken as ±40: 1 to the last bit above, below 4.3e-18 (absolute
 * error below that) under; NaN stays NaN. Once as costly as tanhv, against twice for 1 / (1 + exp(-z)) with
 * a general exp and a second division (measured).
 */
@inline function sigmoidv(z: v128): v128 {
  const u = f64x2.pmax(f64x2.pmin(z, kc(K_EXP_MAX)), kc(K_EXP_MIN)); // NaN stays NaN
  const rounder = kc(K_EXP_ROUNDER);
  const t = f64x2.add(u, rounder);
  const d = f64x2.sub(u, f64x2.sub(t, rounder));
  const j0 = <usize>min<u32>(<u32>i32x4.extract_lane(t, 0), <u32>(2 * EXP_OFF));
  const j1 = <usize>min<u32>(<u32>i32x4.extract_lane(t, 2), <u32>(2 * EXP_OFF));
  const X = v128.load64_lane(EXP_TABLE + (j1 << 3), v128.load64_zero(EXP_TABLE + (j0 << 3)), 1);
  const d2 = f64x2.mul(d, d);
  const E = f64x2.add(kc(K_EXP_B), f64x2.mul(kc(K_EXP_C), d2));
  const O = f64x2.mul(d, f64x2.add(kc(K_EXP_A), d2));
  const num = f64x2.add(E, O);
  return f64x2.div(num, f64x2.add(num, f64x2.mul(X, f64x2.sub(E, O))));
}

/** σ of n doubles at src into dst (for tests of sigmoidv's accuracy). */
export function sigmoidArray(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i + 2 <= n; i += 2) {
    v128.store(dst + (<usize>i << 3), sigmoidv(v128.load(src + (<usize>i << 3))));
  }
}

/**
 * Stores a block of a hidden layer's pre-activations z at byte offset `off` of its rows. relu and
 * leaky_relu: Z (leaky_relu only, for its derivative), A = g(z), and under dropout D = A ⊙ M.
 * relu as the reference writes it, z < 0 ? 0 : z (pmax), which lets NaN through (a diverging layer must
 * reach the output). tanh and sigmoid: z alone into A, which activateLayer then maps in place.
 * `act` and `dropout` are constants at every call site (each case of hiddenForwardAs is its own function);
 * `off` is a constant and Z, A, D, M the block's row addresses (see gateOut).
 */
@inline function hiddenOut(z: v128, off: usize, Z: usize, A: usize, D: usize, M: usize, act: i32, dropout: bool, slope: v128, zero: v128): v128 {
  let a = z;
  if (act == ACT_RELU) {
    a = f64x2.pmax(z, zero);
  } else if (act == ACT_LEAKY_RELU) {
    v128.store(Z + off, z);
    a = v128.bitselect(f64x2.mul(slope, z), z, f64x2.lt(z, zero));
  }
  v128.store(A + off, a);
  if (dropout && act <= ACT_LEAKY_RELU) {
    const d = f64x2.mul(a, v128.load(M + off));
    v128.store(D + off, d);
    return d;
  }
  return a;
}

/**
 * The output unit's logits, accumulated unit by unit in hiddenForwardAs (relu and leaky_relu): the block of
 * four vectors at Zout + off gets w0 r0 and then w1 r1 added (r: what the output reads, A or D), in the
 * order of outputForward's sum over units.
 */
@inline function outputAcc2(Zout: usize, off: usize, w0: v128, w1: v128, r00: v128, r01: v128, r02: v128, r03: v128, r10: v128, r11: v128, r12: v128, r13: v128): void {
  v128.store(Zout + off, madd(madd(v128.load(Zout + off, 0), w0, r00), w1, r10), 0);
  v128.store(Zout + off, madd(madd(v128.load(Zout + off, 16), w0, r01), w1, r11), 16);
  v128.store(Zout + off, madd(madd(v128.load(Zout + off, 32), w0, r02), w1, r12), 32);
  v128.store(Zout + off, madd(madd(v128.load(Zout + off, 48), w0, r03), w1, r13), 48);
}

/**
 * tanh and sigmoid: A = g(A) in place on a whole layer (`bytes`: rows x stride x 8, a multiple of 64), written
 * by hiddenForwardAs just before, and under dropout (D != 0) D = A ⊙ M. A pass of its own rather than inside
 * the multiply-add blocks: there, with eight sums live, V8 spilled the function's temporaries to the stack,
 * which cost more than the function (measured). Once per layer, over its rows end to end: called per block
 * of 8 samples (15 rows of 64 bytes each on the study's shape), the calls and the loop's start cost 0.4 µs
 * per update more (measured), although the block was then still in L1.
 */
function activateLayer(A: usize, D: usize, M: usize, bytes: usize, act: i32): void {
  const end = A + bytes;
  if (act == ACT_TANH) {
    for (let p = A; p < end; p += 64) {
      const a0 = tanhv(v128.load(p, 0));
      const a1 = tanhv(v128.load(p, 16));
      const a2 = tanhv(v128.load(p, 32));
      const a3 = tanhv(v128.load(p, 48));
      v128.store(p, a0, 0);
      v128.store(p, a1, 16);
      v128.store(p, a2, 32);
      v128.store(p, a3, 48);
    }
  } else {
    for (let p = A; p < end; p += 64) {
      const a0 = sigmoidv(v128.load(p, 0));
      const a1 = sigmoidv(v128.load(p, 16));
      const a2 = sigmoidv(v128.load(p, 32));
      const a3 = sigmoidv(v128.load(p, 48));
      v128.store(p, a0, 0);
      v128.store(p, a1, 16);
      v128.store(p, a2, 32);
      v128.store(p, a3, 48);
    }
  }
  if (D) {
    for (let r: usize = 0; r < bytes; r += 64) {
      for (let j: usize = 0; j < 64; j += 16) v128.store(D + r + j, f64x2.mul(v128.load(A + r + j), v128.load(M + r + j)));
    }
  }
}

/**
 * A hidden layer: Z = W Ain + b, A = g(Z), D = A ⊙ M when D != 0. W: [nOut x nIn], b: [nOut],
 * Ain: [nIn x sp], Z, A, D, M: [nOut x sp]. For each block of eight samples, every output row, two at a
 * time: 8 accumulators, 6 loads per 8 multiply-adds. Samples outermost, so the block's inputs (nIn x 64
 * bytes) stay in L1 while all rows use them (rows outermost read all of Ain once per pair of rows). Each
 * sum runs over k in the same order either way.
 * W2 != 0 (the last hidden layer; relu and leaky_relu, whose activation is applied right here): the output
 * unit's logits Zout = W2 A + b2 (W2: [1 x nOut], Zout: [sp]; D instead of A under dropout) are summed here
 * too, unit by unit in the order of outputForward's sums, while each block of A is still in registers
 * (the forward pass 10.7 -> 10.3 µs per update on the study's shape: measured).
 * W is first copied transposed into WT ([nIn x nOut], scratch), where the two rows' weights of input k are
 * neighbours: one pointer steps through them, instead of an address computed per row and input (the
 * forward pass 10.4 -> 9.8 µs per update on the study's shape, the copy included: measured).
 */
function hiddenForward(W: usize, b: usize, Ain: usize, Z: usize, A: usize, D: usize, M: usize, nIn: i32, nOut: i32, sp: i32, act: i32, slopeS: f64, W2: usize, b2: usize, Zout: usize, WT: usize): void {
  for (let i = 0; i < nOut; i++) {
    for (let k = 0; k < nIn; k++) store<f64>(WT + (<usize>(k * nOut + i) << 3), load<f64>(W + (<usize>(i * nIn + k) << 3)));
  }
  // One instance per case, named by its type argument as in inputGrad (tanh and sigmoid share one: it
  // stores Z, and activateLayer applies the function).
  const d = D != 0;
  if (act == ACT_RELU) {
    if (d) hiddenForwardAs<i8>(WT, b, Ain, Z, A, D, M, nIn, nOut, sp, act, slopeS, W2, b2, Zout);
    else hiddenForwardAs<u8>(WT, b, Ain, Z, A, D, M, nIn, nOut, sp, act, slopeS, W2, b2, Zout);
  } else if (act == ACT_LEAKY_RELU) {
    if (d) hiddenForwardAs<i16>(WT, b, Ain, Z, A, D, M, nIn, nOut, sp, act, slopeS, W2, b2, Zout);
    else hiddenForwardAs<u16>(WT, b, Ain, Z, A, D, M, nIn, nOut, sp, act, slopeS, W2, b2, Zout);
  } else {
    if (d) hiddenForwardAs<i32>(WT, b, Ain, Z, A, D, M, nIn, nOut, sp, act, slopeS, W2, b2, Zout);
    else hiddenForwardAs<u32>(WT, b, Ain, Z, A, D, M, nIn, nOut, sp, act, slopeS, W2, b2, Zout);
  }
}

/** hiddenForward for the case T names, W transposed (WT); g is the activation itself (ACT_*). */
function hiddenForwardAs<T>(WT: usize, b: usize, Ain: usize, Z: usize, A: usize, D: usize, M: usize, nIn: i32, nOut: i32, sp: i32, g: i32, slopeS: f64, W2: usize, b2: usize, Zout: usize): void {
  const act = caseAct<T>();
  const dropout = isSigned<T>();
  const rowBytes = <usize>sp << 3;
  const slope = f64x2.splat(slopeS);
  const fuse = act <= ACT_LEAKY_RELU && W2 != 0;
  const zero = f64x2.splat(0.0);
  const outBytes = <usize>nOut << 3;
  const aEnd = Ain + <usize>nIn * rowBytes;
  for (let j: usize = 0; j < rowBytes; j += 64) {
    if (fuse) {
      const z2 = v128.load64_splat(b2);
      v128.store(Zout + j, z2, 0);
      v128.store(Zout + j, z2, 16);
      v128.store(Zout + j, z2, 32);
      v128.store(Zout + j, z2, 48);
    }
    let i = 0;
    for (; i + 2 <= nOut; i += 2) {
      const b0 = v128.load64_splat(b + (<usize>i << 3));
      const b1 = v128.load64_splat(b + (<usize>(i + 1) << 3));
      const r0 = <usize>i * rowBytes + j;
      const r1 = r0 + rowBytes;
      let z00 = b0, z01 = b0, z02 = b0, z03 = b0;
      let z10 = b1, z11 = b1, z12 = b1, z13 = b1;
      let wp = WT + (<usize>i << 3);
      for (let ap = Ain + j; ap < aEnd + j; ap += rowBytes) {
        const w0 = v128.load64_splat(wp, 0);
        const w1 = v128.load64_splat(wp, 8);
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
        wp += outBytes;
      }
      const Z0 = Z + r0, A0 = A + r0, D0 = D + r0, M0 = M + r0, Z1 = Z + r1, A1 = A + r1, D1 = D + r1, M1 = M + r1;
      const a00 = hiddenOut(z00, 0, Z0, A0, D0, M0, act, dropout, slope, zero);
      const a01 = hiddenOut(z01, 16, Z0, A0, D0, M0, act, dropout, slope, zero);
      const a02 = hiddenOut(z02, 32, Z0, A0, D0, M0, act, dropout, slope, zero);
      const a03 = hiddenOut(z03, 48, Z0, A0, D0, M0, act, dropout, slope, zero);
      const a10 = hiddenOut(z10, 0, Z1, A1, D1, M1, act, dropout, slope, zero);
      const a11 = hiddenOut(z11, 16, Z1, A1, D1, M1, act, dropout, slope, zero);
      const a12 = hiddenOut(z12, 32, Z1, A1, D1, M1, act, dropout, slope, zero);
      const a13 = hiddenOut(z13, 48, Z1, A1, D1, M1, act, dropout, slope, zero);
      if (fuse) {
        outputAcc2(Zout, j, v128.load64_splat(W2 + (<usize>i << 3)), v128.load64_splat(W2 + (<usize>i << 3), 8),
          a00, a01, a02, a03, a10, a11, a12, a13);
      }
    }
    if (i < nOut) {
      const b0 = v128.load64_splat(b + (<usize>i << 3));
      const r0 = <usize>i * rowBytes + j;
      let z00 = b0, z01 = b0, z02 = b0, z03 = b0;
      let wp = WT + (<usize>i << 3);
      for (let ap = Ain + j; ap < aEnd + j; ap += rowBytes) {
        const w0 = v128.load64_splat(wp);
        z00 = madd(z00, w0, v128.load(ap, 0));
        z01 = madd(z01, w0, v128.load(ap, 16));
        z02 = madd(z02, w0, v128.load(ap, 32));
        z03 = madd(z03, w0, v128.load(ap, 48));
        wp += outBytes;
      }
      const Z0 = Z + r0, A0 = A + r0, D0 = D + r0, M0 = M + r0;
      const a0 = hiddenOut(z00, 0, Z0, A0, D0, M0, act, dropout, slope, zero);
      const a1 = hiddenOut(z01, 16, Z0, A0, D0, M0, act, dropout, slope, zero);
      const a2 = hiddenOut(z02, 32, Z0, A0, D0, M0, act, dropout, slope, zero);
      const a3 = hiddenOut(z03, 48, Z0, A0, D0, M0, act, dropout, slope, zero);
      if (fuse) {
        const w = v128.load64_splat(W2 + (<usize>i << 3));
        v128.store(Zout + j, madd(v128.load(Zout + j, 0), w, a0), 0);
        v128.store(Zout + j, madd(v128.load(Zout + j, 16), w, a1), 16);
        v128.store(Zout + j, madd(v128.load(Zout + j, 32), w, a2), 32);
        v128.store(Zout + j, madd(v128.load(Zout + j, 48), w, a3), 48);
      }
    }
  }
  if (act >= ACT_TANH) activateLayer(A, dropout ? D : 0, M, <usize>nOut * rowBytes, g);
}

/** dZ = (σ(z) - y), times the sample's weight (0 on padding), for the block at byte `off`; returns |z| ⊙ weight. */
@inline function outputGrad(Z: usize, y: usize, mask: usize, dZ: usize, off: usize): v128 {
  const z = v128.load(Z + off);
  const m = v128.load(mask + off);
  v128.store(dZ + off, f64x2.mul(f64x2.sub(sigmoidv(z), v128.load(y + off)), m));
  return f64x2.mul(f64x2.abs(z), m);
}

/**
 * The output unit: Z = W A + b (W: [1 x nIn], A: [nIn x sp]; `fused`: hiddenForward has written Z already),
 * dZ = (σ(Z) - y) ⊙ mask. Returns Σ|Z| over samples of non-zero weight: finite exactly when every such
 * logit is (barring overflow of the sum), the same divergence test as the reference. The sigmoid runs in a second pass over the stored logits (as
 * activateLayer, and for the same reason).
 */
function outputForward(W: usize, b: usize, A: usize, Z: usize, dZ: usize, y: usize, mask: usize, nIn: i32, sp: i32, fused: bool): f64 {
  const rowBytes = <usize>sp << 3;
  const b0 = v128.load64_splat(b);
  const zEnd: usize = fused ? 0 : rowBytes; // fused: hiddenForwardAs wrote the logits
  for (let j: usize = 0; j < zEnd; j += 64) {
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
    v128.store(Z + j, z0, 0);
    v128.store(Z + j, z1, 16);
    v128.store(Z + j, z2, 32);
    v128.store(Z + j, z3, 48);
  }
  let s = f64x2.splat(0.0);
  for (let j: usize = 0; j < rowBytes; j += 64) {
    // Four blocks per iteration: independent work side by side, and a quarter of the loop's own instructions.
    s = f64x2.add(s, outputGrad(Z + j, y + j, mask + j, dZ + j, 0));
    s = f64x2.add(s, outputGrad(Z + j, y + j, mask + j, dZ + j, 16));
    s = f64x2.add(s, outputGrad(Z + j, y + j, mask + j, dZ + j, 32));
    s = f64x2.add(s, outputGrad(Z + j, y + j, mask + j, dZ + j, 48));
  }
  return hsum(s);
}

/**
 * dW = invM dZ Aᵀ and db = invM Σ_samples dZ. dZ: [nOut x mp], A: [nIn x mp], dW: [nOut x nIn], db: [nOut].
 * Each dW entry is a dot product over samples; two rows of dZ times four rows of A are accumulated per
 * pass (8 independent f64x2 sums, 6 loads per 8 multiply-adds), then the 2 lanes are added.
 */
function weightGrad(dZ: usize, A: usize, dW: usize, db: usize, nIn: i32, nOut: i32, mp: i32, invM: f64): void {
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
      // Two vectors per iteration (rows are whole 64-byte blocks), the second at constant offsets: fewer
      // address computations and loop instructions (1.4 -> 1.25 µs per update for the output unit on the
      // study's 15 units, measured). Each sum still adds its terms in sample order.
      for (let j: usize = 0; j < rowBytes; j += 32) {
        const p = dp + j, q0 = a0p + j, q1 = a1p + j, q2 = a2p + j, q3 = a3p + j;
        let d = v128.load(p);
        s0 = madd(s0, d, v128.load(q0));
        s1 = madd(s1, d, v128.load(q1));
        s2 = madd(s2, d, v128.load(q2));
        s3 = madd(s3, d, v128.load(q3));
        d = v128.load(p, 16);
        s0 = madd(s0, d, v128.load(q0, 16));
        s1 = madd(s1, d, v128.load(q1, 16));
        s2 = madd(s2, d, v128.load(q2, 16));
        s3 = madd(s3, d, v128.load(q3, 16));
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
 * weightGrad for the first layer below another: dW = invM dZ Xᵀ and db = invM Σ_samples dZ, with dZ
 * [nOut x mp] in row pairs (rows 2p and 2p+1 take turns vector by vector within their two rows' space, an odd
 * last row as it is; inputGrad writes them so) and X by sample pairs: XP [mp/2 x nIn] f64x2, the nIn features
 * of samples 2v and 2v+1 at XP + 16 nIn v. Each of the inner loop's loads is then at a constant offset from
 * one of two pointers, where rows of X and dZ cost an address computation per load (about a fifth of the
 * loop's instructions; 9.1 -> 7.5 µs per update on the study's 15 x 9, measured). The same sums as
 * weightGrad, term for term and in the same order (features in fours, each sum over the vectors in turn; the
 * last features and the biases as even and odd vectors), so the results are bit for bit those of weightGrad.
 */
function weightGradPairs(dZ: usize, XP: usize, dW: usize, db: usize, nIn: i32, nOut: i32, mp: i32, invM: f64): void {
  const rowBytes = <usize>mp << 3;
  const xStride = <usize>nIn << 4;
  const zero = f64x2.splat(0.0);
  let i = 0;
  for (; i + 2 <= nOut; i += 2) {
    const pb = dZ + <usize>i * rowBytes;
    const pend = pb + (rowBytes << 1);
    const w0 = dW + (<usize>(i * nIn) << 3);
    const w1 = w0 + (<usize>nIn << 3);
    let k = 0;
    for (; k + 4 <= nIn; k += 4) {
      let s00 = zero, s01 = zero, s02 = zero, s03 = zero;
      let s10 = zero, s11 = zero, s12 = zero, s13 = zero;
      let xp = XP + (<usize>k << 4);
      for (let dp = pb; dp < pend; dp += 32) {
        const d0 = v128.load(dp, 0);
        const d1 = v128.load(dp, 16);
        const x0 = v128.load(xp, 0);
        const x1 = v128.load(xp, 16);
        const x2 = v128.load(xp, 32);
        const x3 = v128.load(xp, 48);
        s00 = madd(s00, d0, x0);
        s01 = madd(s01, d0, x1);
        s02 = madd(s02, d0, x2);
        s03 = madd(s03, d0, x3);
        s10 = madd(s10, d1, x0);
        s11 = madd(s11, d1, x1);
        s12 = madd(s12, d1, x2);
        s13 = madd(s13, d1, x3);
        xp += xStride;
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
    // The last features one at a time, even and odd vectors apart (as weightGrad), with the two biases' sums
    // in the same loop (they read the same vectors of dZ); without such features, the biases alone.
    let b0 = zero, b1 = zero, c0 = zero, c1 = zero;
    if (k == nIn) {
      for (let dp = pb; dp < pend; dp += 64) {
        b0 = f64x2.add(b0, v128.load(dp, 0));
        b1 = f64x2.add(b1, v128.load(dp, 16));
        c0 = f64x2.add(c0, v128.load(dp, 32));
        c1 = f64x2.add(c1, v128.load(dp, 48));
      }
    }
    for (; k < nIn; k++) {
      let s0 = zero, s1 = zero, t0 = zero, t1 = zero;
      b0 = zero;
      b1 = zero;
      c0 = zero;
      c1 = zero;
      let xp = XP + (<usize>k << 4);
      for (let dp = pb; dp < pend; dp += 64) {
        const x = v128.load(xp);
        const xx = v128.load(xp + xStride);
        const d0 = v128.load(dp, 0);
        const d1 = v128.load(dp, 16);
        const e0 = v128.load(dp, 32);
        const e1 = v128.load(dp, 48);
        s0 = madd(s0, d0, x);
        s1 = madd(s1, d1, x);
        t0 = madd(t0, e0, xx);
        t1 = madd(t1, e1, xx);
        b0 = f64x2.add(b0, d0);
        b1 = f64x2.add(b1, d1);
        c0 = f64x2.add(c0, e0);
        c1 = f64x2.add(c1, e1);
        xp += xStride << 1;
      }
      store<f64>(w0 + (<usize>k << 3), invM * hsum(f64x2.add(s0, t0)));
      store<f64>(w1 + (<usize>k << 3), invM * hsum(f64x2.add(s1, t1)));
    }
    store<f64>(db + (<usize>i << 3), invM * hsum(f64x2.add(b0, c0)), 0);
    store<f64>(db + (<usize>i << 3), invM * hsum(f64x2.add(b1, c1)), 8);
  }
  if (i < nOut) {
    // An odd last row, as weightGrad's (its vectors in order).
    const dp0 = dZ + <usize>i * rowBytes;
    const dend = dp0 + rowBytes;
    const w0 = dW + (<usize>(i * nIn) << 3);
    let k = 0;
    for (; k + 4 <= nIn; k += 4) {
      let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      let xp = XP + (<usize>k << 4);
      for (let dp = dp0; dp < dend; dp += 32) {
        const q = xp + xStride;
        let d = v128.load(dp);
        s0 = madd(s0, d, v128.load(xp, 0));
        s1 = madd(s1, d, v128.load(xp, 16));
        s2 = madd(s2, d, v128.load(xp, 32));
        s3 = madd(s3, d, v128.load(xp, 48));
        d = v128.load(dp, 16);
        s0 = madd(s0, d, v128.load(q, 0));
        s1 = madd(s1, d, v128.load(q, 16));
        s2 = madd(s2, d, v128.load(q, 32));
        s3 = madd(s3, d, v128.load(q, 48));
        xp += xStride << 1;
      }
      const o = <usize>k << 3;
      store<f64>(w0 + o, invM * hsum(s0), 0);
      store<f64>(w0 + o, invM * hsum(s1), 8);
      store<f64>(w0 + o, invM * hsum(s2), 16);
      store<f64>(w0 + o, invM * hsum(s3), 24);
    }
    let b0 = zero, b1 = zero;
    if (k == nIn) {
      for (let dp = dp0; dp < dend; dp += 32) {
        b0 = f64x2.add(b0, v128.load(dp, 0));
        b1 = f64x2.add(b1, v128.load(dp, 16));
      }
    }
    for (; k < nIn; k++) {
      let s0 = zero, s1 = zero;
      b0 = zero;
      b1 = zero;
      let xp = XP + (<usize>k << 4);
      for (let dp = dp0; dp < dend; dp += 32) {
        const d = v128.load(dp, 0);
        const e = v128.load(dp, 16);
        s0 = madd(s0, d, v128.load(xp));
        s1 = madd(s1, e, v128.load(xp + xStride));
        b0 = f64x2.add(b0, d);
        b1 = f64x2.add(b1, e);
        xp += xStride << 1;
      }
      store<f64>(w0 + (<usize>k << 3), invM * hsum(f64x2.add(s0, s1)));
    }
    store<f64>(db + (<usize>i << 3), invM * hsum(f64x2.add(b0, b1)));
  }
}

/**
 * Stores a block of G = s ⊙ M ⊙ g'(Z) at address `G` (M, Z and A read at byte offset `off`): s a block of
 * Wᵀ dZ, M the layer's dropout mask (under dropout), g' from Z (leaky_relu) or A = g(Z) (the others), in the
 * order of the reference's operations. relu: A > 0 exactly when Z > 0 (NaN fails both). `act` and `dropout`
 * are constants at every call site (each case of inputGradAs is its own function). Callers pass the block's
 * row addresses and `off` a constant, so that each load's offset is an immediate of the instruction (an
 * address computation per vector otherwise), and `zero` is a register (kc(K_ZERO) is a load at every use):
 * with the same for hiddenOut, the input gradient and the forward's stores 0.9 µs less per update on the
 * study's shape (measured).
 */
@inline function gateOut(s: v128, off: usize, G: usize, Z: usize, A: usize, M: usize, act: i32, dropout: bool, slope: v128, zero: v128): void {
  let g = s;
  if (dropout) g = f64x2.mul(g, v128.load(M + off));
  if (act == ACT_RELU) {
    g = v128.and(g, f64x2.gt(v128.load(A + off), zero));
  } else if (act == ACT_LEAKY_RELU) {
    g = v128.bitselect(g, f64x2.mul(g, slope), f64x2.gt(v128.load(Z + off), zero));
  } else if (act == ACT_TANH) {
    const a = v128.load(A + off);
    g = f64x2.mul(g, f64x2.sub(kc(K_ONE), f64x2.mul(a, a)));
  } else {
    const a = v128.load(A + off);
    g = f64x2.mul(g, f64x2.mul(a, f64x2.sub(kc(K_ONE), a)));
  }
  v128.store(G, g);
}

/**
 * G = (Wᵀ dZ) ⊙ M ⊙ g'(Z_prev): the gradient with respect to the pre-activation of the layer below.
 * W: [nOut x nIn], dZ: [nOut x sp], Z, A (of the layer below), M (0: no dropout), G: [nIn x sp].
 * For each block of eight samples (outermost, so the block of dZ stays in L1), two rows of G at a time.
 * `paired` (G is the first layer's): rows 2p and 2p+1 of G take turns vector by vector within their two
 * rows' space, as weightGradPairs reads them; an odd last row stays as it is.
 */
function inputGrad(W: usize, dZ: usize, Z: usize, A: usize, M: usize, G: usize, nIn: i32, nOut: i32, sp: i32, act: i32, slopeS: f64, paired: bool): void {
  // One instance per case (the type argument only names the case: its size, 1 to 8, is the activation,
  // and a signed type means dropout), so each compiles to straight code.
  const d = M != 0;
  if (act == ACT_RELU) {
    if (d) inputGradAs<i8>(W, dZ, Z, A, M, G, nIn, nOut, sp, slopeS, paired);
    else inputGradAs<u8>(W, dZ, Z, A, M, G, nIn, nOut, sp, slopeS, paired);
  } else if (act == ACT_LEAKY_RELU) {
    if (d) inputGradAs<i16>(W, dZ, Z, A, M, G, nIn, nOut, sp, slopeS, paired);
    else inputGradAs<u16>(W, dZ, Z, A, M, G, nIn, nOut, sp, slopeS, paired);
  } else if (act == ACT_TANH) {
    if (d) inputGradAs<i32>(W, dZ, Z, A, M, G, nIn, nOut, sp, slopeS, paired);
    else inputGradAs<u32>(W, dZ, Z, A, M, G, nIn, nOut, sp, slopeS, paired);
  } else {
    if (d) inputGradAs<i64>(W, dZ, Z, A, M, G, nIn, nOut, sp, slopeS, paired);
    else inputGradAs<u64>(W, dZ, Z, A, M, G, nIn, nOut, sp, slopeS, paired);
  }
}

/** The activation code (ACT_*) a case type of inputGrad or hiddenForward names. */
@inline function caseAct<T>(): i32 {
  return sizeof<T>() == 1 ? ACT_RELU : sizeof<T>() == 2 ? ACT_LEAKY_RELU : sizeof<T>() == 4 ? ACT_TANH : ACT_SIGMOID;
}

/** inputGrad for the case T names (see inputGrad). */
function inputGradAs<T>(W: usize, dZ: usize, Z: usize, A: usize, M: usize, G: usize, nIn: i32, nOut: i32, sp: i32, slopeS: f64, paired: bool): void {
  const act = caseAct<T>();
  const dropout = isSigned<T>();
  const rowBytes = <usize>sp << 3;
  const inBytes = <usize>nIn << 3;
  const zero = f64x2.splat(0.0);
  const slope = f64x2.splat(slopeS);
  if (nOut == 1) {
    // Below a single unit (the output), each row of G is one weight times dZ: row by row, with no sums to
    // carry, the loop is only its multiplies and gates (the general loop below spent 3.3 µs per update on
    // the study's 15 units, this one 2.4, measured). The same values: 0 + w d, as there.
    const pairedRows = paired ? nIn & ~1 : 0;
    for (let k = 0; k < nIn; k++) {
      const w = v128.load64_splat(W + (<usize>k << 3));
      const r = <usize>k * rowBytes;
      if (k < pairedRows) {
        const g = G + <usize>(k & ~1) * rowBytes + (<usize>(k & 1) << 4);
        for (let j: usize = 0; j < rowBytes; j += 64) {
          const gj = g + (j << 1);
          const zj = Z + r + j, aj = A + r + j, mj = M + r + j;
          gateOut(madd(zero, w, v128.load(dZ + j, 0)), 0, gj, zj, aj, mj, act, dropout, slope, zero);
          gateOut(madd(zero, w, v128.load(dZ + j, 16)), 16, gj + 32, zj, aj, mj, act, dropout, slope, zero);
          gateOut(madd(zero, w, v128.load(dZ + j, 32)), 32, gj + 64, zj, aj, mj, act, dropout, slope, zero);
          gateOut(madd(zero, w, v128.load(dZ + j, 48)), 48, gj + 96, zj, aj, mj, act, dropout, slope, zero);
        }
      } else {
        const g = G + r;
        for (let j: usize = 0; j < rowBytes; j += 64) {
          const gj = g + j, zj = Z + r + j, aj = A + r + j, mj = M + r + j;
          gateOut(madd(zero, w, v128.load(dZ + j, 0)), 0, gj, zj, aj, mj, act, dropout, slope, zero);
          gateOut(madd(zero, w, v128.load(dZ + j, 16)), 16, gj + 16, zj, aj, mj, act, dropout, slope, zero);
          gateOut(madd(zero, w, v128.load(dZ + j, 32)), 32, gj + 32, zj, aj, mj, act, dropout, slope, zero);
          gateOut(madd(zero, w, v128.load(dZ + j, 48)), 48, gj + 48, zj, aj, mj, act, dropout, slope, zero);
        }
      }
    }
    return;
  }
  for (let j: usize = 0; j < rowBytes; j += 64) {
    let k = 0;
    for (; k + 2 <= nIn; k += 2) {
      const r0 = <usize>k * rowBytes + j;
      const r1 = r0 + rowBytes;
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
      const z0 = Z + r0, a0 = A + r0, m0 = M + r0, z1 = Z + r1, a1 = A + r1, m1 = M + r1;
      if (paired) {
        const g = G + <usize>k * rowBytes + (j << 1);
        gateOut(s00, 0, g, z0, a0, m0, act, dropout, slope, zero);
        gateOut(s01, 16, g + 32, z0, a0, m0, act, dropout, slope, zero);
        gateOut(s02, 32, g + 64, z0, a0, m0, act, dropout, slope, zero);
        gateOut(s03, 48, g + 96, z0, a0, m0, act, dropout, slope, zero);
        gateOut(s10, 0, g + 16, z1, a1, m1, act, dropout, slope, zero);
        gateOut(s11, 16, g + 48, z1, a1, m1, act, dropout, slope, zero);
        gateOut(s12, 32, g + 80, z1, a1, m1, act, dropout, slope, zero);
        gateOut(s13, 48, g + 112, z1, a1, m1, act, dropout, slope, zero);
      } else {
        const g0 = G + r0, g1 = G + r1;
        gateOut(s00, 0, g0, z0, a0, m0, act, dropout, slope, zero);
        gateOut(s01, 16, g0 + 16, z0, a0, m0, act, dropout, slope, zero);
        gateOut(s02, 32, g0 + 32, z0, a0, m0, act, dropout, slope, zero);
        gateOut(s03, 48, g0 + 48, z0, a0, m0, act, dropout, slope, zero);
        gateOut(s10, 0, g1, z1, a1, m1, act, dropout, slope, zero);
        gateOut(s11, 16, g1 + 16, z1, a1, m1, act, dropout, slope, zero);
        gateOut(s12, 32, g1 + 32, z1, a1, m1, act, dropout, slope, zero);
        gateOut(s13, 48, g1 + 48, z1, a1, m1, act, dropout, slope, zero);
      }
    }
    if (k < nIn) {
      const r0 = <usize>k * rowBytes + j;
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
      const g0 = G + r0, z0 = Z + r0, a0 = A + r0, m0 = M + r0;
      gateOut(s0, 0, g0, z0, a0, m0, act, dropout, slope, zero);
      gateOut(s1, 16, g0 + 16, z0, a0, m0, act, dropout, slope, zero);
      gateOut(s2, 32, g0 + 32, z0, a0, m0, act, dropout, slope, zero);
      gateOut(s3, 48, g0 + 48, z0, a0, m0, act, dropout, slope, zero);
    }
  }
}

/**
 * One update of one parameter tensor P (n doubles, n even) from its gradient G with the rule `opt`,
 * state S1, S2, rate lr, Adam's bias corrections c1, c2, and L2 coefficient `decay` (0 for biases).
 * The operations and their order are those of src/train/optimizers.ts.
 * Returns 1 if every updated value is finite, 0 otherwise (x - x is NaN exactly when x is NaN or ±Inf).
 */
function updateTensor(desc: usize, opt: i32, P: usize, G: usize, S1: usize, S2: usize, n: i32, lrS: f64, decayS: f64, c1S: f64, c2S: f64): i32 {
  const lr = f64x2.splat(lrS);
  const decay = f64x2.splat(decayS);
  const end = <usize>n << 3;
  let bad = f64x2.splat(0.0);
  if (opt == OPT_GD) {
    if (decayS == 0) {
      for (let i: usize = 0; i < end; i += 16) {
        const w = f64x2.sub(v128.load(P + i), f64x2.mul(lr, v128.load(G + i)));
        v128.store(P + i, w);
        bad = f64x2.add(bad, f64x2.sub(w, w));
      }
    } else {
      for (let i: usize = 0; i < end; i += 16) {
        const p = v128.load(P + i);
        const w = f64x2.sub(p, f64x2.mul(lr, f64x2.add(v128.load(G + i), f64x2.mul(decay, p))));
        v128.store(P + i, w);
        bad = f64x2.add(bad, f64x2.sub(w, w));
      }
    }
  } else if (opt == OPT_MOMENTUM || opt == OPT_NESTEROV) {
    const mu = f64x2.splat(f64At(desc, F_MU));
    const nesterov = opt == OPT_NESTEROV;
    for (let i: usize = 0; i < end; i += 16) {
      const p = v128.load(P + i);
      const g = f64x2.add(v128.load(G + i), f64x2.mul(decay, p));
      const v = f64x2.add(f64x2.mul(mu, v128.load(S1 + i)), g);
      v128.store(S1 + i, v);
      const w = f64x2.sub(p, f64x2.mul(lr, nesterov ? f64x2.add(g, f64x2.mul(mu, v)) : v));
      v128.store(P + i, w);
      bad = f64x2.add(bad, f64x2.sub(w, w));
    }
  } else if (opt == OPT_ADAGRAD || opt == OPT_RMSPROP) {
    const eps = f64x2.splat(f64At(desc, F_EPS));
    const rhoS = f64At(desc, F_RHO);
    const rho = f64x2.splat(rhoS);
    const rho1 = f64x2.splat(1 - rhoS);
    const adagrad = opt == OPT_ADAGRAD;
    for (let i: usize = 0; i < end; i += 16) {
      const p = v128.load(P + i);
      const g = f64x2.add(v128.load(G + i), f64x2.mul(decay, p));
      const s = adagrad
        ? f64x2.add(v128.load(S1 + i), f64x2.mul(g, g))
        : f64x2.add(f64x2.mul(rho, v128.load(S1 + i)), f64x2.mul(f64x2.mul(rho1, g), g));
      v128.store(S1 + i, s);
      const w = f64x2.sub(p, f64x2.div(f64x2.mul(lr, g), f64x2.add(f64x2.sqrt(s), eps)));
      v128.store(P + i, w);
      bad = f64x2.add(bad, f64x2.sub(w, w));
    }
  } else {
    const eps = f64x2.splat(f64At(desc, F_EPS));
    const b1S = f64At(desc, F_BETA1);
    const b2S = f64At(desc, F_BETA2);
    const b1 = f64x2.splat(b1S);
    const b2 = f64x2.splat(b2S);
    const b11 = f64x2.splat(1 - b1S);
    const b21 = f64x2.splat(1 - b2S);
    const c1 = f64x2.splat(c1S);
    const c2 = f64x2.splat(c2S);
    for (let i: usize = 0; i < end; i += 16) {
      const p = v128.load(P + i);
      const g = f64x2.add(v128.load(G + i), f64x2.mul(decay, p));
      const m = f64x2.add(f64x2.mul(b1, v128.load(S1 + i)), f64x2.mul(b11, g));
      const v = f64x2.add(f64x2.mul(b2, v128.load(S2 + i)), f64x2.mul(f64x2.mul(b21, g), g));
      v128.store(S1 + i, m);
      v128.store(S2 + i, v);
      const w = f64x2.sub(p, f64x2.div(f64x2.mul(lr, f64x2.div(m, c1)), f64x2.add(f64x2.sqrt(f64x2.div(v, c2)), eps)));
      v128.store(P + i, w);
      bad = f64x2.add(bad, f64x2.sub(w, w));
    }
  }
  return hsum(bad) == 0 ? 1 : 0;
}

/** One update of every parameter (weights with L2, biases without). Returns 1 if all stay finite. */
function updateAll(desc: usize, L: i32, lr: f64, c1: f64, c2: f64): i32 {
  const opt = word(desc, D_OPT);
  const l2 = f64At(desc, F_L2);
  const P = <usize>word(desc, D_PARAMS);
  const G = <usize>word(desc, D_GRADS);
  const S1 = <usize>word(desc, D_S1);
  const S2 = <usize>word(desc, D_S2);
  let ok = 1;
  for (let l = 0; l < L; l++) {
    const nIn = layerWord(desc, l, L_NIN);
    const nOut = layerWord(desc, l, L_NOUT);
    const nW = nIn * nOut;
    const w = lp(desc, l, L_W) - P;
    const b = lp(desc, l, L_B) - P;
    ok &= updateTensor(desc, opt, P + w, G + w, S1 + w, S2 + w, nW + (nW & 1), lr, l2, c1, c2);
    ok &= updateTensor(desc, opt, P + b, G + b, S1 + b, S2 + b, nOut + (nOut & 1), lr, 0, c1, c2);
  }
  return ok;
}

// MT19937 (Matsumoto & Nishimura 1998, mt19937ar.c), as src/train/rng.ts: the same words in the same order.
// The block at D_MT holds the 624 state words, then the 624 tempered outputs of the current state (a cache:
// the state alone determines the stream, and streamIn rebuilds the cache). Regeneration and tempering run
// four words at a time: every word a vector reads is one the scalar order would read at that point (the
// first loop reads words not yet regenerated, the second words regenerated at least 227 places before).
const MT_N = 624;
const MT_M = 397;
let mtp: usize = 0;
let mto: usize = 0;
let mti: i32 = MT_N;

@inline function mix(a: u32, b: u32, c: u32): u32 {
  const y = (a & 0x80000000) | (b & 0x7fffffff);
  return c ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
}

@inline function mixv(a: v128, b: v128, c: v128): v128 {
  const y = v128.or(v128.and(a, i32x4.splat(<i32>0x80000000)), v128.and(b, i32x4.splat(0x7fffffff)));
  const odd = i32x4.sub(i32x4.splat(0), v128.and(y, i32x4.splat(1)));
  return v128.xor(v128.xor(c, i32x4.shr_u(y, 1)), v128.and(odd, i32x4.splat(<i32>0x9908b0df)));
}

function temper(): void {
  for (let i: usize = 0; i < <usize>MT_N << 2; i += 16) {
    let y = v128.load(mtp + i);
    y = v128.xor(y, i32x4.shr_u(y, 11));
    y = v128.xor(y, v128.and(i32x4.shl(y, 7), i32x4.splat(<i32>0x9d2c5680)));
    y = v128.xor(y, v128.and(i32x4.shl(y, 15), i32x4.splat(<i32>0xefc60000)));
    y = v128.xor(y, i32x4.shr_u(y, 18));
    v128.store(mto + i, y);
  }
}

function twist(): void {
  let kk = 0;
  for (; kk + 4 <= MT_N - MT_M; kk += 4) {
    const p = mtp + (<usize>kk << 2);
    v128.store(p, mixv(v128.load(p), v128.load(p, 4), v128.load(p + (MT_M << 2))));
  }
  for (; kk < MT_N - MT_M; kk++) {
    const p = mtp + (<usize>kk << 2);
    store<u32>(p, mix(load<u32>(p), load<u32>(p, 4), load<u32>(p + (MT_M << 2))));
  }
  for (; kk + 4 <= MT_N - 1; kk += 4) {
    const p = mtp + (<usize>kk << 2);
    v128.store(p, mixv(v128.load(p), v128.load(p, 4), v128.load(p - ((MT_N - MT_M) << 2))));
  }
  for (; kk < MT_N - 1; kk++) {
    const p = mtp + (<usize>kk << 2);
    store<u32>(p, mix(load<u32>(p), load<u32>(p, 4), load<u32>(p - ((MT_N - MT_M) << 2))));
  }
  const p = mtp + (<usize>(MT_N - 1) << 2);
  store<u32>(p, mix(load<u32>(p), load<u32>(mtp), load<u32>(mtp + ((MT_M - 1) << 2))));
  temper();
  mti = 0;
}

@inline function nextU32(): u32 {
  if (mti >= MT_N) twist();
  const y = load<u32>(mto + (<usize>mti << 2));
  mti++;
  return y;
}

/** Uniform integer in [0, max] by masked rejection, as Rng's interval (numpy's random_interval). */
function interval(max: u32): u32 {
  if (max == 0) return 0;
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  let v: u32;
  do {
    v = nextU32() & mask;
  } while (v > max);
  return v;
}

@inline function streamIn(desc: usize): void {
  mtp = <usize>word(desc, D_MT);
  mto = mtp + (MT_N << 2);
  mti = word(desc, D_MTI);
  if (mti < MT_N) temper();
}

@inline function streamOut(desc: usize): void {
  setWord(desc, D_MTI, mti);
}

/** The next n words of the stream at desc into dst (u32 [n]), for tests against Rng.nextUint32. */
export function drawWords(desc: usize, dst: usize, n: i32): void {
  streamIn(desc);
  for (let i = 0; i < n; i++) store<u32>(dst + (<usize>i << 2), nextU32());
  streamOut(desc);
}

/** Fisher–Yates from the end (Rng.shuffle, numpy's legacy shuffle) of the u32 array a [n]. */
function shuffle(a: usize, n: i32): void {
  for (let i = n - 1; i > 0; i--) {
    const pi = a + (<usize>i << 2);
    const pj = a + (<usize>interval(<u32>i) << 2);
    const t = load<u32>(pi);
    store<u32>(pi, load<u32>(pj));
    store<u32>(pj, t);
  }
}

/** Shuffles the u32 array a [n] with the stream at desc, for tests against Rng.shuffle. */
export function shuffleWords(desc: usize, a: usize, n: i32): void {
  streamIn(desc);
  shuffle(a, n);
  streamOut(desc);
}

/**
 * Fresh dropout masks for a pass over `nb` samples (row stride sp), as drawDropoutMasks in network.ts: for
 * each hidden layer in order, each unit's row, each sample: one draw u, 0 when u < cut, else keep.
 * Padding gets 0 and no draw.
 */
function drawMasks(desc: usize, L: i32, nb: i32, sp: i32): void {
  const cutS = f64At(desc, F_CUT);
  const keepS = f64At(desc, F_KEEP);
  for (let l = 0; l < L - 1; l++) {
    const M = lp(desc, l, L_M);
    const units = layerWord(desc, l, L_NOUT);
    for (let u = 0; u < units; u++) maskRow(M + (<usize>(u * sp) << 3), nb, sp, cutS, keepS);
  }
}

/**
 * One row of a dropout mask, nb draws and zeros up to sp: a draw w is dropped (0) when w < cut, kept (keep)
 * otherwise, as drawDropoutMasks in src/train/network.ts. cut > 0 (dropout is on).
 */
@inline function maskRow(row: usize, nb: i32, sp: i32, cutS: f64, keepS: f64): void {
  const keep = f64x2.splat(keepS);
  // w (an integer) is below cut exactly when it is at most ceil(cut) - 1, which the vector loop compares
  // as integers, 4 draws at a time: dropout 0.1 on the study's shape 29.3 -> 28.4 µs per update (measured),
  // against converting each draw to a double.
  const last = i32x4.splat(<i32><i64>(Math.ceil(cutS) - 1.0));
  let j = 0;
  while (j < nb) {
    if (mti >= MT_N) twist();
    // Four draws at a time, then two, while they are in this block and this row.
    // Local pointers (mti and mto are globals, a memory access each) and constant offsets: dropout 0.1
    // on the study's shape 31.2 -> 29.2 µs per update (measured).
    const avail = min(MT_N - mti, nb - j);
    let src = mto + (<usize>mti << 2);
    let dst = row + (<usize>j << 3);
    const end4 = src + (<usize>(avail & ~3) << 2);
    for (; src < end4; src += 16) {
      const w = v128.load(src);
      const drop = i32x4.eq(i32x4.min_u(w, last), w); // w <= last: all ones, else 0, per draw
      v128.store(dst, v128.andnot(keep, i64x2.extend_low_i32x4_s(drop)), 0);
      v128.store(dst, v128.andnot(keep, i64x2.extend_high_i32x4_s(drop)), 16);
      dst += 32;
    }
    if (avail & 2) {
      const w = v128.load64_zero(src);
      v128.store(dst, v128.andnot(keep, i64x2.extend_low_i32x4_s(i32x4.eq(i32x4.min_u(w, last), w))));
    }
    mti += avail & ~1;
    j += avail & ~1;
    if (avail & 1) {
      store<f64>(row + (<usize>j << 3), <f64>nextU32() < cutS ? 0.0 : keepS);
      j++;
    }
  }
  for (; j < sp; j++) store<f64>(row + (<usize>j << 3), 0.0);
}

/** For tests: one row of a dropout mask (maskRow) from the stream at desc into dst (f64 [sp]). */
export function drawMaskRow(desc: usize, dst: usize, nb: i32, sp: i32, cutS: f64, keepS: f64): void {
  streamIn(desc);
  maskRow(dst, nb, sp, cutS, keepS);
  streamOut(desc);
}

/**
 * The next mini-batch into the batch buffers: at the start of an epoch (D_POS = 0) the row order is
 * reshuffled; then the next min(B, m - pos) rows in that order, zero padding after them. Returns its size.
 */
function nextBatch(desc: usize): i32 {
  const m = word(desc, D_M);
  const mp = word(desc, D_MP);
  const B = word(desc, D_BATCH);
  const bp = word(desc, D_BP);
  const order = <usize>word(desc, D_ORDER);
  let pos = word(desc, D_POS);
  if (pos == 0) shuffle(order, m);
  const nb = min(B, m - pos);
  const f = layerWord(desc, 0, L_NIN);
  const X = <usize>word(desc, D_X);
  const Xb = <usize>word(desc, D_XB);
  const y = <usize>word(desc, D_Y);
  const yb = <usize>word(desc, D_YB);
  const maskb = <usize>word(desc, D_MASKB);
  const rows = order + (<usize>pos << 2);
  const Xbp = <usize>word(desc, D_XBP);
  const pairBytes = <usize>f << 4;
  for (let r = 0; r < f; r++) {
    const src = X + (<usize>(r * mp) << 3);
    const dst = Xb + (<usize>(r * bp) << 3);
    const dstp = Xbp + (<usize>r << 4); // sample j at (j >> 1) pairBytes + 8 (j & 1)
    let j = 0;
    for (; j < nb; j++) {
      const x = load<f64>(src + (<usize>load<u32>(rows + (<usize>j << 2)) << 3));
      store<f64>(dst + (<usize>j << 3), x);
      store<f64>(dstp + <usize>(j >> 1) * pairBytes + (<usize>(j & 1) << 3), x);
    }
    for (; j < bp; j++) {
      store<f64>(dst + (<usize>j << 3), 0.0);
      store<f64>(dstp + <usize>(j >> 1) * pairBytes + (<usize>(j & 1) << 3), 0.0);
    }
  }
  let j = 0;
  for (; j < nb; j++) {
    store<f64>(yb + (<usize>j << 3), load<f64>(y + (<usize>load<u32>(rows + (<usize>j << 2)) << 3)));
    store<f64>(maskb + (<usize>j << 3), 1.0);
  }
  for (; j < bp; j++) {
    store<f64>(yb + (<usize>j << 3), 0.0);
    store<f64>(maskb + (<usize>j << 3), 0.0);
  }
  pos += nb;
  setWord(desc, D_POS, pos == m ? 0 : pos);
  return nb;
}

/** The forward pass of an update on X [f x sp] (with the current dropout masks if any): Σ|logits|. */
function trainForward(desc: usize, L: i32, X: usize, y: usize, mask: usize, sp: i32, dropout: bool): f64 {
  const act = word(desc, D_ACT);
  const slope = f64At(desc, F_SLOPE);
  const last = L - 1;
  const Zout = <usize>word(desc, D_ZOUT);
  const fused = L > 1 && act <= ACT_LEAKY_RELU;
  let Ain = X;
  for (let l = 0; l < last; l++) {
    const D = dropout ? lp(desc, l, L_D) : 0;
    hiddenForward(lp(desc, l, L_W), lp(desc, l, L_B), Ain, lp(desc, l, L_Z), lp(desc, l, L_A), D, lp(desc, l, L_M),
      layerWord(desc, l, L_NIN), layerWord(desc, l, L_NOUT), sp, act, slope,
      l == last - 1 ? lp(desc, last, L_W) : 0, lp(desc, last, L_B), Zout, <usize>word(desc, D_WT));
    Ain = dropout ? D : lp(desc, l, L_A);
  }
  return outputForward(lp(desc, last, L_W), lp(desc, last, L_B), Ain, Zout, lp(desc, last, L_DZ),
    y, mask, layerWord(desc, last, L_NIN), sp, fused);
}

/**
 * The backward pass after trainForward on X [f x sp] (XP: the same by sample pairs): every dW and db, scaled
 * by invM. Below another layer, the first layer's dZ is written in row pairs for weightGradPairs.
 */
function trainBackward(desc: usize, L: i32, X: usize, XP: usize, sp: i32, invM: f64, dropout: bool): void {
  const act = word(desc, D_ACT);
  const slope = f64At(desc, F_SLOPE);
  for (let l = L - 1; l >= 0; l--) {
    const nIn = layerWord(desc, l, L_NIN);
    const nOut = layerWord(desc, l, L_NOUT);
    const dZ = lp(desc, l, L_DZ);
    if (l == 0) {
      if (L > 1) weightGradPairs(dZ, XP, lp(desc, 0, L_DW), lp(desc, 0, L_DB), nIn, nOut, sp, invM);
      else weightGrad(dZ, X, lp(desc, 0, L_DW), lp(desc, 0, L_DB), nIn, nOut, sp, invM);
      break;
    }
    weightGrad(dZ, dropout ? lp(desc, l - 1, L_D) : lp(desc, l - 1, L_A), lp(desc, l, L_DW), lp(desc, l, L_DB), nIn, nOut, sp, invM);
    inputGrad(lp(desc, l, L_W), dZ, lp(desc, l - 1, L_Z), lp(desc, l - 1, L_A), dropout ? lp(desc, l - 1, L_M) : 0,
      lp(desc, l - 1, L_DZ), nIn, nOut, sp, act, slope, l == 1);
  }
}

@inline function saveParams(desc: usize): void {
  memory.copy(<usize>word(desc, D_PREV), <usize>word(desc, D_PARAMS), <usize>word(desc, D_NPARAMS) << 3);
}

/**
 * Runs up to n updates of the training described at `desc`; update t of the call uses the rate and Adam's
 * bias corrections at sched + 8 * SCHED_WORDS * t. Each update: the batch (mini-batches: the next slice of
 * the epoch's order, reshuffled at each epoch's start) and its dropout masks, drawn from the stream in the
 * reference's order; forward pass and the divergence test on its logits; backward pass; the parameters
 * saved to D_PREV; the update and the divergence test on the parameters.
 * Full batch without dropout (the pass of the model on every training sample is the update's own): the
 * pass of the model after the last update is made at the end of the call and kept (D_FRESH), so each
 * update costs one pass and the model after the last update is tested as the reference tests it.
 * Returns the number of updates completed; status() says why it stopped early: 1 the logits of the model
 * after that many updates (full batch) or of that update's batch are not finite (the update was not made),
 * 2 the parameters became non-finite at the last update counted. Either way the training diverged at
 * (updates before the call) + (the returned count), and D_PREV holds the model before that.
 */
export function run(desc: usize, n: i32, sched: usize): i32 {
  lastStatus = 0;
  const L = word(desc, D_LAYERS);
  const dropout = word(desc, D_DROPOUT) != 0;
  const batched = word(desc, D_BATCH) != 0;
  const X = <usize>word(desc, D_X);
  const mp = word(desc, D_MP);
  let done = n;
  if (!batched && !dropout) {
    const y = <usize>word(desc, D_Y);
    const mask = <usize>word(desc, D_MASK);
    const invM = f64At(desc, F_INVM);
    if (!word(desc, D_FRESH)) {
      const s = trainForward(desc, L, X, y, mask, mp, false);
      if (!(s - s == 0)) {
        lastStatus = 1;
        return 0;
      }
      setWord(desc, D_FRESH, 1);
    }
    for (let t = 0; t < n; t++) {
      trainBackward(desc, L, X, <usize>word(desc, D_XP), mp, invM, false);
      saveParams(desc);
      const sc = sched + (<usize>(t * SCHED_WORDS) << 3);
      if (!updateAll(desc, L, load<f64>(sc), load<f64>(sc, 8), load<f64>(sc, 16))) {
        setWord(desc, D_FRESH, 0);
        lastStatus = 2;
        return t + 1;
      }
      const s = trainForward(desc, L, X, y, mask, mp, false);
      if (!(s - s == 0)) {
        setWord(desc, D_FRESH, 0);
        lastStatus = 1;
        return t + 1;
      }
    }
    return n;
  }
  setWord(desc, D_FRESH, 0);
  // Only this path draws from the stream (tempering its block costs about a microsecond per call, which
  // counted when early stopping checks after every update).
  streamIn(desc);
  for (let t = 0; t < n; t++) {
    let Xin = X, XPin = <usize>word(desc, D_XP), y = <usize>word(desc, D_Y), mask = <usize>word(desc, D_MASK), sp = mp;
    let invM = f64At(desc, F_INVM);
    let nb = word(desc, D_M);
    if (batched) {
      nb = nextBatch(desc);
      Xin = <usize>word(desc, D_XB);
      XPin = <usize>word(desc, D_XBP);
      y = <usize>word(desc, D_YB);
      mask = <usize>word(desc, D_MASKB);
      sp = word(desc, D_BP);
      invM = 1.0 / <f64>nb;
    }
    if (dropout) drawMasks(desc, L, nb, sp);
    const s = trainForward(desc, L, Xin, y, mask, sp, dropout);
    if (!(s - s == 0)) {
      lastStatus = 1;
      done = t;
      break;
    }
    trainBackward(desc, L, Xin, XPin, sp, invM, dropout);
    saveParams(desc);
    const sc = sched + (<usize>(t * SCHED_WORDS) << 3);
    if (!updateAll(desc, L, load<f64>(sc), load<f64>(sc, 8), load<f64>(sc, 16))) {
      lastStatus = 2;
      done = t + 1;
      break;
    }
  }
  streamOut(desc);
  return done;
}

/**
 * The model's logits on X [f x sp] (y, mask: [sp], mask 0 on padding) into D_ZEVAL, without dropout and
 * without touching the training pass's buffers. Returns Σ|logits| over samples of non-zero mask (finite
 * exactly when every logit is). Used where the reference evaluates between updates (early stopping).
 */
export function evaluate(desc: usize, X: usize, y: usize, mask: usize, sp: i32): f64 {
  const L = word(desc, D_LAYERS);
  const act = word(desc, D_ACT);
  const slope = f64At(desc, F_SLOPE);
  const last = L - 1;
  const Zout = <usize>word(desc, D_ZEVAL);
  const fused = L > 1 && act <= ACT_LEAKY_RELU;
  let Ain = X;
  for (let l = 0; l < last; l++) {
    hiddenForward(lp(desc, l, L_W), lp(desc, l, L_B), Ain, lp(desc, l, L_EZ), lp(desc, l, L_EA), 0, 0,
      layerWord(desc, l, L_NIN), layerWord(desc, l, L_NOUT), sp, act, slope,
      l == last - 1 ? lp(desc, last, L_W) : 0, lp(desc, last, L_B), Zout, <usize>word(desc, D_WT));
    Ain = lp(desc, l, L_EA);
  }
  return outputForward(lp(desc, last, L_W), lp(desc, last, L_B), Ain, Zout, <usize>word(desc, D_DZEVAL),
    y, mask, layerWord(desc, last, L_NIN), sp, fused);
}

/**
 * For the benchmark only (not used by training): n full-batch updates of the training at `desc` (full
 * batch, no dropout, constant rate lr) doing only the phases in the bit mask `phases`: 1 forward pass,
 * 2 backward pass, 4 update; and, to time the two largest loops alone, 8 the first layer's forward (without
 * the output's logits) and 16 the first layer's weight and bias gradients (layer below another). Timing each
 * phase alone shows where an update's time goes.
 */
export function profilePhases(desc: usize, n: i32, phases: i32, lr: f64): void {
  const L = word(desc, D_LAYERS);
  const X = <usize>word(desc, D_X);
  const y = <usize>word(desc, D_Y);
  const mask = <usize>word(desc, D_MASK);
  const mp = word(desc, D_MP);
  const invM = f64At(desc, F_INVM);
  for (let t = 0; t < n; t++) {
    if (phases & 1) trainForward(desc, L, X, y, mask, mp, false);
    if (phases & 2) trainBackward(desc, L, X, <usize>word(desc, D_XP), mp, invM, false);
    if (phases & 4) updateAll(desc, L, lr, 1, 1);
    if (phases & 8) hiddenForward(lp(desc, 0, L_W), lp(desc, 0, L_B), X, lp(desc, 0, L_Z), lp(desc, 0, L_A), 0, 0,
      layerWord(desc, 0, L_NIN), layerWord(desc, 0, L_NOUT), mp, word(desc, D_ACT), 0, 0, 0, 0, <usize>word(desc, D_WT));
    if (phases & 16) weightGradPairs(lp(desc, 0, L_DZ), <usize>word(desc, D_XP), lp(desc, 0, L_DW), lp(desc, 0, L_DB), layerWord(desc, 0, L_NIN), layerWord(desc, 0, L_NOUT), mp, invM);
  }
}

/**
 * For the benchmark only: the peak rate of separate f64x2 multiplies and adds on this machine, as n rounds
 * of 12 independent accumulations acc += w x, x loaded from the 12 vectors at `src` (so each chain waits
 * only for its add, as in the kernels' loops). Returns the sum so nothing is dropped. Flops: 48 n.
 */
export function peak(n: i32, src: usize): f64 {
  const w = v128.load64_splat(src, 192);
  let a0 = f64x2.splat(0.0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
  let a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  for (let i = 0; i < n; i++) {
    a0 = madd(a0, w, v128.load(src, 0));
    a1 = madd(a1, w, v128.load(src, 16));
    a2 = madd(a2, w, v128.load(src, 32));
    a3 = madd(a3, w, v128.load(src, 48));
    a4 = madd(a4, w, v128.load(src, 64));
    a5 = madd(a5, w, v128.load(src, 80));
    a6 = madd(a6, w, v128.load(src, 96));
    a7 = madd(a7, w, v128.load(src, 112));
    a8 = madd(a8, w, v128.load(src, 128));
    a9 = madd(a9, w, v128.load(src, 144));
    a10 = madd(a10, w, v128.load(src, 160));
    a11 = madd(a11, w, v128.load(src, 176));
  }
  const s = f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7)));
  return hsum(f64x2.add(s, f64x2.add(f64x2.add(a8, a9), f64x2.add(a10, a11))));
}
