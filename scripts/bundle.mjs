/**
 * Bundles the compiled CLI (dist/src/cli/main.js) and the worker entry (dist/src/execute/worker.js) with
 * esbuild into dist/bundle/, the files that `dlsweep` runs. One file per entry instead of some 400 modules
 * cuts Node's start-up from about half a second to a quarter; the chart library (vega) and ajv's schema
 * compiler stay in chunks of their own, loaded only when needed. Assets located next to the code at run time (the WebAssembly kernels,
 * the precompiled schema validator) are copied beside the bundle. Run by `npm run build` after tsc.
 */
import { build } from 'esbuild';
import { copyFileSync, cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * vega's loader fetches URLs through node-fetch, which brings a URL parser and its Unicode tables: a quarter
 * of the chart library's code, parsed by every thread that draws. The report's charts carry their data inline
 * and fetch nothing, so node-fetch is left out: vega then answers a URL with its own "No HTTP fetch method
 * available" error.
 */
const withoutFetch = {
  name: 'without-fetch',
  setup(b) {
    b.onResolve({ filter: /^node-fetch$/ }, () => ({ path: 'node-fetch', namespace: 'without-fetch' }));
    b.onLoad({ filter: /.*/, namespace: 'without-fetch' }, () => ({ contents: 'module.exports = null;', loader: 'js' }));
  },
};
const out = `${root}dist/bundle`;
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { dlsweep: `${root}dist/src/cli/main.js`, worker: `${root}dist/src/execute/worker.js`, 'writer-thread': `${root}dist/src/store/writer-thread.js` },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ESM builds of the dependencies where they have one (vega's is lighter than its Node build).
  mainFields: ['module', 'main'],
  // piscina starts its workers from its own files; canvas is vega's optional renderer, never installed;
  // open starts the browser through a script of its own package folder.
  external: ['piscina', 'canvas', 'open'],
  // CommonJS dependencies inside an ES module bundle still call require and read __filename.
  banner: {
    js: [
      "import { createRequire as __dlsweepRequire } from 'node:module';",
      "import { fileURLToPath as __dlsweepPath } from 'node:url';",
      'const require = __dlsweepRequire(import.meta.url);',
      'const __filename = __dlsweepPath(import.meta.url);',
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join(' '),
  },
  plugins: [withoutFetch],
  sourcemap: 'linked',
  logLevel: 'warning',
});
// vega once more, as one CommonJS file: src/report/vega-load.ts compiles it with V8's code cache, which
// src/report/write-vega-cache.ts writes beside it after this step (ES modules have no such cache in Node 20).
await build({
  stdin: { contents: "export * from 'vega';", resolveDir: root, loader: 'js' },
  outfile: `${out}/vega.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  external: ['canvas'],
  plugins: [withoutFetch],
  logLevel: 'warning',
});
for (const [from, to] of [
  ['dist/src/train/fast/kernels.wasm', 'kernels.wasm'],
  ['dist/src/experiment/schema-validator.cjs', 'schema-validator.cjs'],
]) {
  copyFileSync(`${root}${from}`, `${out}/${to}`);
}
// The pages of dlsweep ui, beside the bundle that serves them: the files of src/ui/static as they are, and
// for its TypeScript modules (the chart specifications shared with report.html) the ES modules tsc compiled.
cpSync(`${root}src/ui/static`, `${out}/ui-static`, { recursive: true, filter: (from) => !from.endsWith('.ts') });
cpSync(`${root}dist/src/ui/static`, `${out}/ui-static`, { recursive: true, filter: (from) => !from.endsWith('.map') });
