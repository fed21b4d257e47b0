/**
 * Loading vega, the chart library. The bundle (dist/bundle, scripts/bundle.mjs) also holds vega as one
 * CommonJS file, vega.cjs, and V8's code cache of it, written by `npm run build` (write-vega-cache.ts) after
 * drawing each kind of chart the report draws. A thread then compiles vega from that cache instead of from
 * its source: it loads in about half the time and draws its first charts sooner, since the functions those
 * charts run are compiled already. Whole `dlsweep run` processes, 6 alternated runs each on a quiet machine:
 * the seed-article grid 1.39 s against 1.43 s (2.57 s of CPU against 2.64 s), the optimizers example 1.14 s
 * against 1.18 s. The SVG is the same bytes: the same vega code draws it.
 *
 * V8 takes a code cache only from the same V8 and the same flags (the interrupt budget of src/cli/tiering.ts,
 * and in threads that loaded the training kernels also src/train/fast/wasm.ts's), so there is one cache per
 * flag set, named by v8.cachedDataVersionTag(). Without vega.cjs or a cache for this process (tsc's output,
 * which the tests run; another Node), vega is imported as an ES module, as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDataVersionTag } from 'node:v8';
import vm from 'node:vm';

type Vega = typeof import('vega');

/** vega.cjs beside the running code: in the bundle's folder, where scripts/bundle.mjs writes it. */
const SCRIPT = new URL('./vega.cjs', import.meta.url);

/** The code cache of vega.cjs in `dir` for this process's V8 and flags (it may not exist). */
export function vegaCodeCacheFile(dir: URL = new URL('.', SCRIPT)): URL {
  return new URL(`vega.${cachedDataVersionTag()}.cache`, dir);
}

/**
 * Compile and run a CommonJS build of vega (`file`), from V8's code cache `cachedData` when given; the
 * script is returned for createCachedData. Throws: the file system's error; vega's own at load (a bad build).
 */
export function compileVega(file: URL, cachedData?: Buffer): { vega: Vega; script: vm.Script; cacheRejected: boolean } {
  const filename = fileURLToPath(file);
  // Node's CommonJS wrapper: the code sees the same five names it would under require().
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, { filename, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as Vega };
  const run = script.runInThisContext() as (e: unknown, r: NodeRequire, m: unknown, f: string, d: string) => void;
  run(module.exports, createRequire(file), module, filename, dirname(filename));
  return { vega: module.exports, script, cacheRejected: Boolean(cachedData) && script.cachedDataRejected === true };
}

/**
 * vega: compiled from the bundle's code cache when there is one for this process (see above), else imported.
 * Throws (rejects): the import's error (vega missing: a broken install).
 */
export async function loadVega(): Promise<Vega> {
  const cache = vegaCodeCacheFile();
  if (existsSync(SCRIPT) && existsSync(cache)) {
    try {
      return compileVega(SCRIPT, readFileSync(cache)).vega;
    } catch {
      // Unreadable, or a partial build: the module import below reports what is really wrong, if anything.
    }
  }
  return import('vega');
}
