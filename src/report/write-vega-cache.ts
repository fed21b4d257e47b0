/**
 * Build step: V8's code cache of the bundle's vega.cjs (see vega-load.ts), written into dist/bundle after
 * scripts/bundle.mjs. vega is compiled, then draws one chart of each kind the report draws, on made-up data
 * of a report's size, so that the functions those charts run are compiled when the cache is taken. One cache
 * per flag set a drawing thread can have: the main thread's (src/cli/tiering.ts), and a training thread's,
 * which has also set the kernels' flag (src/train/fast/wasm.ts). Run by `npm run build`.
 */
import '../cli/tiering.js';
import { writeFileSync } from 'node:fs';
import type { Spec } from 'vega';
import { loadKernels } from '../train/fast/wasm.js';
import { classBalanceSpec, histogramSpec } from '../ui/static/charts/data-specs.js';
import { objectiveSpec, parallelSpec, rungSpec, type TrialRuns } from '../ui/static/charts/search-specs.js';
import { confusionSpec, curveSpec, heatmapSpec, type CurveDatum, type HeatDatum } from '../ui/static/charts/sweep-specs.js';
import { prSpec, rocSpec, thresholdMetrics, thresholdSpec } from '../ui/static/charts/threshold-specs.js';
import { thresholdCurve } from '../store/predictions.js';
import { mulberry32 } from '../datasets/rng.js';
import { compileVega, vegaCodeCacheFile } from './vega-load.js';

const dir = new URL('../../bundle/', import.meta.url);

/** One chart of each kind the report draws. */
function sampleSpecs(): Spec[] {
  // Fixed made-up values (the charts only need to look like a report's).
  const next = mulberry32(7);
  const runs = Array.from({ length: 30 }, (_, i) => `run-${i}`);
  const curves: CurveDatum[] = runs.flatMap((run, i) =>
    Array.from({ length: 20 }, (_, k) => ({ run, label: run, iteration: k * 100, loss: 0.7 / (1 + k * (0.1 + i / 60)) + 0.01 * next(), score: 0.9 + i / 400 })),
  );
  const curve = (log: boolean, colorBy: 'run' | 'score'): Spec =>
    curveSpec(colorBy === 'run' ? curves.filter((c) => c.run < 'run-2') : curves, {
      title: 'validation loss',
      log,
      domain: [0.01, 0.71],
      colorBy,
      runOrder: colorBy === 'run' ? ['run-0', 'run-1'] : ['validation accuracy'],
      scoreTitle: 'validation accuracy',
      higherIsBetter: true,
      legend: true,
    });
  const heat: HeatDatum[] = ['0.01', '0.1', '1'].flatMap((row) => ['5', '15', '30'].map((col) => ({ row, col, value: next(), text: next().toFixed(3), n: 1 })));
  const trials: TrialRuns[] = Array.from({ length: 27 }, (_, t) => {
    const reached = t % 9 === 0 ? 3 : t % 3 === 0 ? 2 : 1;
    const rows = Array.from({ length: reached }, (_, rung) => ({ rung, iterations: 100 * 3 ** rung, value: 0.02 + 0.3 * next() }));
    return { trial: t, runs: rows, final: rows[rows.length - 1].value, params: { learning_rate: 10 ** (-3 * next()), hidden_sizes: [[5], [15], [30]][t % 3] } };
  });
  const label = Array.from({ length: 180 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const points = thresholdCurve(
    label.map((y) => Math.min(1, Math.max(0, 0.35 * y + 0.65 * next()))),
    label,
  );
  const bins = Array.from({ length: 10 }, (_, i) => ({ lo: i / 10, hi: (i + 1) / 10, negative: Math.round(50 * next()), positive: Math.round(30 * next()) }));
  return [
    curve(false, 'score'),
    curve(true, 'score'),
    curve(false, 'run'),
    heatmapSpec(heat, { rowTitle: 'learning_rate', colTitle: 'hidden_sizes', rowOrder: ['0.01', '0.1', '1'], colOrder: ['5', '15', '30'], metricTitle: 'validation accuracy', higherIsBetter: true, domain: [0, 1] }),
    confusionSpec('run-0 (best)', { tn: 130, fp: 11, fn: 4, tp: 37 }),
    objectiveSpec(trials),
    rungSpec(trials),
    parallelSpec(trials, ['learning_rate', 'hidden_sizes']),
    rocSpec([{ label: 'run-0 (best)', points }]),
    prSpec([{ label: 'run-0 (best)', points }], 0.25),
    thresholdSpec(thresholdMetrics(points), { title: 'Rates against the threshold: run-0', gridThresholds: [0.5], runThreshold: 0.5 }),
    histogramSpec('clump_thickness', 'values', bins, ['benign', 'malignant']),
    histogramSpec('bare_nuclei', 'bins', bins, ['benign', 'malignant']),
    classBalanceSpec(
      [
        { name: 'train', positives: 197, negatives: 303 },
        { name: 'validation', positives: 41, negatives: 141 },
      ],
      ['benign', 'malignant'],
    ),
  ];
}

const { vega, script } = compileVega(new URL('vega.cjs', dir));
for (const spec of sampleSpecs()) {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  await view.toSVG();
  view.finalize();
}
writeFileSync(vegaCodeCacheFile(dir), script.createCachedData());
// A training thread's flags: the same code, a cache V8 takes there.
loadKernels();
writeFileSync(vegaCodeCacheFile(dir), script.createCachedData());
