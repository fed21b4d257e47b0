/**
 * Loads the fast path's WebAssembly SIMD kernels (assembly/kernels.ts, compiled by `npm run build` into
 * dist/src/train/fast/kernels.wasm, beside this module's compiled form), once per thread.
 *
 * Reading the .wasm file is loading code, not data: it is the one file access in src/train/.
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';

// The TypeScript lib is ES2022 without DOM, so the few WebAssembly APIs used here are declared locally.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
};

/**
 * The kernels' exports (documented in assembly/kernels.ts). Pointers are byte offsets into `memory`; sizes
 * are element counts.
 */
export interface Kernels {
  memory: WasmMemory;
  /** First byte free for the caller's buffers (64-byte aligned). */
  heapBase(): number;
  /** Why the last run() stopped early: 0 it did not, 1 non-finite logits, 2 non-finite parameters. */
  status(): number;
  /** Runs up to n updates of the training described at `desc`, rates etc. at `sched`; returns the number completed. */
  run(desc: number, n: number, sched: number): number;
  /** Logits of the model on X [f x sp] into the descriptor's D_ZEVAL; returns their absolute sum. */
  evaluate(desc: number, X: number, y: number, mask: number, sp: number): number;
  /** tanh / sigmoid of n doubles (n even) from src into dst: for accuracy tests. */
  tanhArray(src: number, dst: number, n: number): void;
  sigmoidArray(src: number, dst: number, n: number): void;
  /** The next n words of the MT19937 stream of `desc` into dst (u32), and a shuffle of a [n]: for tests. */
  drawWords(desc: number, dst: number, n: number): void;
  shuffleWords(desc: number, a: number, n: number): void;
  /** One dropout mask row from the stream of `desc` into dst (f64 [sp]): nb draws, each 0 if below cut, else keep; zeros after: for tests. */
  drawMaskRow(desc: number, dst: number, nb: number, sp: number, cut: number, keep: number): void;
  /** For the benchmark: n updates doing only the phases of the mask (1 forward, 2 backward, 4 update; 8 and 16 the first layer's forward and weight gradient alone), and the SIMD peak loop. */
  profilePhases(desc: number, n: number, phases: number, lr: number): void;
  peak(n: number, src: number): number;
  /**
   * The descriptor layout and codes the kernels export (D_*, L_*, F_*, ACT_*, OPT_*, SCHED_WORDS):
   * assembly/kernels.ts is their only source. Reading a name the kernels do not export throws.
   */
  layout: Readonly<Record<string, number>>;
}

/** Where the compiled kernels are looked for. */
export const KERNELS_URL: URL = new URL('./kernels.wasm', import.meta.url);

/** Bytes in a WebAssembly memory page. */
export const WASM_PAGE = 65536;

let cached: Kernels | undefined;

/**
 * The kernels of this thread, instantiated on first use (about a millisecond) and reused by every
 * training of the thread (trainings run one at a time per thread, so one instance suffices).
 * Throws: Error if kernels.wasm is missing (the build did not run asc) or cannot be instantiated.
 */
export function loadKernels(): Kernels {
  if (cached) return cached;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(KERNELS_URL);
  } catch (e) {
    throw new Error(
      `the fast training engine's kernels are missing (${KERNELS_URL.pathname}): build with \`npm run build\` ` +
        `(it compiles assembly/ with AssemblyScript), or choose the TypeScript engine (--engine ts) ` +
        `(${(e as Error).message})`,
    );
  }
  // V8 first compiles wasm with its baseline compiler and swaps in optimized code only at a later call; a
  // training spends seconds inside one call of run(), which would stay on the slow baseline code (25-35%
  // slower in `npm run bench`). Compiling optimized code up front costs a few milliseconds.
  v8.setFlagsFromString('--no-wasm-dynamic-tiering');
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: {
      abort: (_msg: number, _file: number, line: number, col: number) => {
        throw new Error(`kernels.wasm aborted at ${line}:${col}`);
      },
    },
  });
  const exports = instance.exports;
  const values: Record<string, number> = {};
  for (const [name, value] of Object.entries(exports)) {
    // Exported constants arrive as WebAssembly.Global objects.
    if (/^[A-Z][A-Z0-9_]*$/.test(name) && typeof value === 'object' && value !== null && 'value' in value) {
      values[name] = Number((value as { value: unknown }).value);
    }
  }
  const layout = new Proxy(values, {
    get(target, name) {
      if (typeof name === 'string' && !(name in target)) throw new Error(`kernels.wasm exports no constant ${name}: rebuild with \`npm run build\``);
      return target[name as string];
    },
  });
  cached = { ...(exports as unknown as Omit<Kernels, 'layout'>), layout } as Kernels;
  return cached;
}

/**
 * Makes sure the kernels' memory holds at least `bytes` bytes (it only grows; views made before a growth
 * are detached, so callers grow first and then make their views).
 * Throws: RangeError if the memory cannot grow that far (4 GiB is the limit of 32-bit WebAssembly).
 */
export function ensureMemory(k: Kernels, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (bytes <= have) return;
  const pages = Math.ceil((bytes - have) / WASM_PAGE);
  try {
    k.memory.grow(pages);
  } catch (e) {
    throw new RangeError(
      `the fast training engine needs ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory and cannot get it: ${(e as Error).message}`,
    );
  }
}
