/**
 * A numpy-compatible Mersenne Twister (MT19937) random number generator.
 *
 * Reproduces numpy's legacy `np.random.RandomState` stream for an integer seed:
 * `new Rng(1)` draws what `np.random.seed(1)` followed by `np.random.random_sample`,
 * `np.random.randn`, `np.random.uniform`, `np.random.randint(n)` draw.
 *
 * Sources:
 * - M. Matsumoto & T. Nishimura (1998), "Mersenne Twister: a 623-dimensionally equidistributed
 *   uniform pseudo-random number generator", ACM TOMACS 8(1), reference code mt19937ar.c
 *   (init_genrand, genrand_int32, genrand_res53).
 * - numpy/random/src/mt19937 (mt19937_seed = init_genrand) and
 *   numpy/random/src/legacy/legacy-distributions.c (legacy_gauss: Marsaglia polar method).
 *
 * All uint32 arithmetic uses Math.imul and `>>> 0` because JS numbers are doubles.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * Everything that determines the rest of a stream: the 624 MT19937 words, the index of the next one, and the
 * second value of a normal pair when one is cached. Restoring it continues the stream exactly.
 */
export interface RngState {
  mt: Uint32Array;
  mti: number;
  hasGauss: boolean;
  cachedGauss: number;
}

/** MT19937 stream with numpy's legacy (RandomState) conversions to doubles, normals and integers. */
export class Rng {
  private readonly mt = new Uint32Array(N);
  private mti = N;
  /** numpy's legacy Gaussian returns pairs; the second value of a pair is cached here. */
  private hasGauss = false;
  private cachedGauss = 0;

  /**
   * Seeds like numpy's `np.random.seed(seed)` for an integer seed (MT19937 init_genrand).
   * Throws: Error if seed is not an integer in [0, 2^32 - 1] (numpy's accepted range).
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`Rng: seed must be an integer in [0, 4294967295], got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      // mt[i] = 1812433253 * (mt[i-1] ^ (mt[i-1] >> 30)) + i  (mod 2^32), from mt19937ar.c
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.mti = N;
  }

  /** A copy of the stream's state (see RngState). Throws: nothing. */
  getState(): RngState {
    return { mt: this.mt.slice(), mti: this.mti, hasGauss: this.hasGauss, cachedGauss: this.cachedGauss };
  }

  /**
   * Continues the stream from `state` (from getState here or from a copy the fast engine's kernels advanced).
   * Throws: Error if mt does not hold 624 words or mti is not an integer in [0, 624].
   */
  setState(state: RngState): void {
    if (state.mt.length !== N || !Number.isInteger(state.mti) || state.mti < 0 || state.mti > N) {
      throw new Error(`Rng.setState: expected ${N} words and an index in [0, ${N}]`);
    }
    this.mt.set(state.mt);
    this.mti = state.mti;
    this.hasGauss = state.hasGauss;
    this.cachedGauss = state.cachedGauss;
  }

  /** Next raw 32-bit output (genrand_int32, mt19937ar.c), an integer in [0, 2^32 - 1]. Throws: nothing. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      // Regenerate the whole state block (the "twist").
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    // Tempering.
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * Uniform double in [0, 1) with 53 random bits (numpy `random_sample`, mt19937ar genrand_res53):
   * a = u32 >> 5, b = u32 >> 6, (a * 2^26 + b) / 2^53.
   * Throws: nothing.
   */
  randomDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * Standard normal draw (numpy legacy `randn` / `standard_normal`): Marsaglia polar method on
   * randomDouble(), returning f*x2 and caching f*x1 for the next call (numpy legacy_gauss;
   * G. Marsaglia & T. A. Bray (1964), SIAM Review 6(3)). Throws: nothing.
   */
  standardNormal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.cachedGauss;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.randomDouble() - 1;
      x2 = 2 * this.randomDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.cachedGauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** Uniform double in [low, high) (numpy legacy `uniform`: low + (high - low) * random_sample). Throws: nothing. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.randomDouble();
  }

  /**
   * Uniform integer in [0, n) (numpy legacy `randint(n)` for n <= 2^32): masked rejection sampling
   * on 32-bit draws, so no modulo bias.
   * Throws: Error if n is not an integer in [1, 2^32].
   */
  randint(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) {
      throw new Error(`Rng.randint: n must be an integer in [1, 4294967296], got ${n}`);
    }
    return this.interval(n - 1);
  }

  /**
   * Shuffles `a` in place with Fisher–Yates from the end, as numpy legacy `shuffle` does for a
   * 1-D array (j = interval(i) for i = n-1 down to 1; Durstenfeld 1964). Throws: nothing.
   */
  shuffle(a: { length: number; [i: number]: number }): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Uniform integer in [0, max], max < 2^32 (numpy random_interval: smallest all-ones mask, reject above max). */
  private interval(max: number): number {
    if (max === 0) return 0;
    let mask = max >>> 0;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }
}
