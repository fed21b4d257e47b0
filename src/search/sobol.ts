/**
 * Scrambled Sobol' points: the quasi-random sampler. Pure: no I/O, no Math.random.
 *
 * The sequence: I. M. Sobol' (1967), "On the distribution of points in a cube and the approximate evaluation
 * of integrals", USSR Comp. Math. Math. Phys. 7(4); generated in Gray-code order (Antonov & Saleev 1979), so
 * point n is the XOR of the direction numbers V_k for the bits k set in n ^ (n >> 1).
 * Direction numbers: S. Joe & F. Y. Kuo (2008), "Constructing Sobol sequences with better two-dimensional
 * projections", SIAM J. Sci. Comput. 30(5), file new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/),
 * its first 21 dimensions below; dimension 1 is the van der Corput sequence in base 2 (every m_k = 1).
 * For a primitive polynomial of degree s with inner coefficients a = (a_1 ... a_{s-1}) in binary:
 *   V_k = m_k 2^(32 - k)                                                           for k = 1..s
 *   V_k = a_1 V_{k-1} ^ a_2 V_{k-2} ^ ... ^ a_{s-1} V_{k-s+1} ^ V_{k-s} ^ (V_{k-s} >> s)   for k > s
 * (Bratley & Fox 1988, ACM TOMS algorithm 659; Joe & Kuo's notes, eq. 4), 32 bits per coordinate.
 *
 * Scrambling: a random linear matrix scramble plus a digital shift (J. Matoušek 1998, "On the L2-discrepancy
 * for anchored boxes", J. Complexity 14; A. B. Owen 1998, "Scrambling Sobol' and Niederreiter–Xing points"),
 * the scheme SciPy's scipy.stats.qmc.Sobol uses: each dimension's direction numbers are multiplied by a random
 * lower-triangular binary matrix with unit diagonal, and the point XORed with a random 32-bit shift. The
 * scramble keeps the net property: of the first 2^m points, each of the 2^m intervals [i/2^m, (i+1)/2^m) of a
 * coordinate holds exactly one.
 * Draws, in this order, from an MT19937 stream of the given seed, per dimension: 32 uint32 rows of the matrix
 * (row i keeps its i bits above the diagonal), then the uint32 shift.
 */
import { Rng } from '../train/rng.js';

/** Joe & Kuo (2008) new-joe-kuo-6.21201, dimensions 2..21: [s (degree), a (inner coefficients), m_1..m_s]. */
const JOE_KUO: ReadonlyArray<readonly [number, number, readonly number[]]> = [
  [1, 0, [1]],
  [2, 1, [1, 3]],
  [3, 1, [1, 3, 1]],
  [3, 2, [1, 1, 1]],
  [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]],
  [5, 4, [1, 1, 5, 5, 5]],
  [5, 7, [1, 1, 7, 11, 19]],
  [5, 11, [1, 1, 5, 1, 1]],
  [5, 13, [1, 1, 1, 3, 11]],
  [5, 14, [1, 3, 5, 5, 31]],
  [6, 1, [1, 3, 3, 9, 7, 49]],
  [6, 13, [1, 1, 1, 15, 21, 21]],
  [6, 16, [1, 3, 1, 13, 27, 49]],
  [6, 19, [1, 1, 1, 15, 7, 5]],
  [6, 22, [1, 3, 1, 15, 13, 25]],
  [6, 25, [1, 1, 5, 5, 19, 61]],
  [7, 1, [1, 3, 7, 11, 23, 15, 103]],
  [7, 4, [1, 3, 7, 13, 13, 15, 69]],
];

/** Dimensions available (the table's 20 plus the first). */
export const SOBOL_MAX_DIMENSIONS = JOE_KUO.length + 1;

const BITS = 32;
const TWO_32 = 4294967296;

/** The 32 direction numbers of dimension `dim` (0-based), as uint32 with the first bit at the top. */
export function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = (1 << (BITS - 1 - k)) >>> 0;
    return v;
  }
  const [s, a, m] = JOE_KUO[dim - 1];
  for (let k = 0; k < Math.min(s, BITS); k++) v[k] = (m[k] << (BITS - 1 - k)) >>> 0;
  for (let k = s; k < BITS; k++) {
    let x = (v[k - s] ^ (v[k - s] >>> s)) >>> 0;
    for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x = (x ^ v[k - i]) >>> 0;
    v[k] = x;
  }
  return v;
}

function parity32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Sobol' points in [0, 1)^d, optionally scrambled; point n is decoded from its index (no state between points). */
export class Sobol {
  private readonly v: Uint32Array[];
  private readonly shift: Uint32Array;

  /**
   * d dimensions; seed undefined gives the plain (unscrambled) sequence, whose point 0 is the origin.
   * Throws: RangeError when d is not in [1, SOBOL_MAX_DIMENSIONS].
   */
  constructor(readonly dimensions: number, seed?: number) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > SOBOL_MAX_DIMENSIONS) {
      throw new RangeError(`Sobol: dimensions must be an integer in [1, ${SOBOL_MAX_DIMENSIONS}], got ${dimensions}`);
    }
    this.v = [];
    this.shift = new Uint32Array(dimensions);
    const rng = seed === undefined ? undefined : new Rng(seed);
    for (let j = 0; j < dimensions; j++) {
      const base = directionNumbers(j);
      if (!rng) {
        this.v.push(base);
        continue;
      }
      // Linear matrix scramble: bit i of V'_k (from the top) = parity(row_i & V_k), row_i lower triangular.
      const rows = new Uint32Array(BITS);
      for (let i = 0; i < BITS; i++) {
        const above = i === 0 ? 0 : (0xffffffff << (BITS - i)) >>> 0;
        rows[i] = ((rng.nextUint32() & above) | (1 << (BITS - 1 - i))) >>> 0;
      }
      const scrambled = new Uint32Array(BITS);
      for (let k = 0; k < BITS; k++) {
        let x = 0;
        for (let i = 0; i < BITS; i++) if (parity32((rows[i] & base[k]) >>> 0)) x |= 1 << (BITS - 1 - i);
        scrambled[k] = x >>> 0;
      }
      this.v.push(scrambled);
      this.shift[j] = rng.nextUint32();
    }
  }

  /** Point n (0-based) of the sequence: d coordinates in [0, 1). Throws: RangeError when n is not in [0, 2^32). */
  point(n: number): number[] {
    if (!Number.isInteger(n) || n < 0 || n >= TWO_32) throw new RangeError(`Sobol: index must be an integer in [0, 2^32), got ${n}`);
    const gray = (n ^ (n >>> 1)) >>> 0;
    const out = new Array<number>(this.dimensions);
    for (let j = 0; j < this.dimensions; j++) {
      let x = this.shift[j];
      const v = this.v[j];
      for (let k = 0; k < BITS; k++) if ((gray >>> k) & 1) x = (x ^ v[k]) >>> 0;
      out[j] = x / TWO_32;
    }
    return out;
  }
}
