/**
 * The bundle's vega with V8's code cache (src/report/vega-load.ts, written by `npm run build`): V8 takes the
 * cache in a process with a drawing thread's flags, and the vega compiled from it draws the same SVG as the
 * vega imported as an ES module.
 */
import '../../src/cli/tiering.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { Spec } from 'vega';
import { compileVega, vegaCodeCacheFile } from '../../src/report/vega-load.js';
import { loadKernels } from '../../src/train/fast/wasm.js';
import { confusionSpec, curveSpec } from '../../src/ui/static/charts/sweep-specs.js';

const bundle = new URL('../../bundle/', import.meta.url);

async function svgOf(vega: typeof import('vega'), spec: Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const specs: Spec[] = [
  confusionSpec('0001-abcdef12 (best)', { tn: 120, fp: 21, fn: 3, tp: 38 }),
  curveSpec(
    [0, 100, 200].flatMap((iteration, k) => ['a', 'b'].map((run, i) => ({ run, label: run, iteration, loss: 0.7 / (1 + k + i), score: 0.9 + i / 100 }))),
    { title: 'train loss', log: true, domain: [0.1, 0.7], colorBy: 'run', runOrder: ['a', 'b'], scoreTitle: 'validation accuracy', higherIsBetter: true, legend: true },
  ),
];

test('the build writes a code cache of vega that V8 takes with the main thread\'s flags', () => {
  const cache = vegaCodeCacheFile(bundle);
  assert.ok(existsSync(cache), `no code cache ${cache.pathname} for this process's flags`);
  const { cacheRejected } = compileVega(new URL('vega.cjs', bundle), readFileSync(cache));
  assert.equal(cacheRejected, false, `V8 rejected ${cache.pathname}`);
});

test('and one that V8 takes in a training thread, which has also set the kernels\' flag', async () => {
  const before = vegaCodeCacheFile(bundle).href;
  loadKernels();
  const cache = vegaCodeCacheFile(bundle);
  assert.notEqual(cache.href, before, 'the kernels\' flag did not change the flag set');
  assert.ok(existsSync(cache), `no code cache ${cache.pathname} for a training thread's flags`);
  // A new isolate, as a pool thread is: this one has compiled vega.cjs already, and would not read the cache.
  const worker = new Worker(
    `import { parentPort } from 'node:worker_threads'; import { readFileSync } from 'node:fs';
     import { compileVega } from ${JSON.stringify(new URL('../../src/report/vega-load.js', import.meta.url).href)};
     parentPort.postMessage(compileVega(new URL('vega.cjs', ${JSON.stringify(bundle.href)}), readFileSync(new URL(${JSON.stringify(cache.href)}))).cacheRejected);`,
    { eval: true, type: 'module' } as WorkerOptions,
  );
  const [rejected] = (await once(worker, 'message')) as [boolean];
  await worker.terminate();
  assert.equal(rejected, false, `V8 rejected ${cache.pathname} in a thread`);
});

test('vega compiled from the code cache draws the same SVG as vega imported as a module', async () => {
  const cached = compileVega(new URL('vega.cjs', bundle), readFileSync(vegaCodeCacheFile(bundle))).vega;
  const imported = await import('vega');
  for (const spec of specs) {
    const svg = await svgOf(cached, spec);
    assert.match(svg, /^<svg/);
    assert.equal(svg, await svgOf(imported, spec));
  }
});
