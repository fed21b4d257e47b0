import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport } from '../../src/report/report-html.js';
import { rebuildSweepOutputs } from '../../src/report/sweep-files.js';
import { sweepRows, sweepTitle } from '../../src/report/rows.js';
import { readSweepFile } from '../../src/store/read-runs.js';
import { renderSvg, useChartRenderer } from '../../src/report/charts.js';
import { startLocalExecutor } from '../../src/execute/local.js';
import { confusionSpec, curveSpec } from '../../src/ui/static/charts/sweep-specs.js';
import { tempRunsDir, writeSweep, type FixtureRun } from './report-fixtures.js';

const runsDir = tempRunsDir();
const runs: FixtureRun[] = [];
for (const lr of [0.01, 0.1, 1]) {
  for (const hs of [[5], [15]]) {
    runs.push({ params: { learning_rate: lr, hidden_sizes: hs, seed: 1 }, spellings: { learning_rate: lr === 0.01 ? '1e-2' : String(lr) }, confusion: { tn: 40, fp: lr === 1 ? 9 : 2, fn: hs[0] === 5 ? 6 : 1, tp: 50 }, loss: 0.1 / lr });
  }
}
runs[4].status = 'diverged';
// The diverged run's loss climbs to 60: more than two decades above the others' 0.05.
runs[4].curve = [
  [0, 0.7, 0.72],
  [10, 5, 5.2],
  [20, 60, 61],
];
runs[5].status = 'failed';
const sweepDir = writeSweep(runsDir, 'html', '20260101-000000-0001', runs);

function count(html: string, pattern: RegExp): number {
  return (html.match(pattern) ?? []).length;
}

test('report.html is self-contained: no network URL, a CSP, unique SVG ids, one line per run per chart', async () => {
  const html = await renderReport(sweepTitle(sweepDir), readSweepFile(sweepDir), sweepRows(sweepDir));
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  // Only SVG namespace identifiers may look like URLs; nothing is loaded (no src=, no external href).
  assert.deepEqual(html.match(/https?:\/\/[^\s"')]+/g)?.filter((u) => !u.startsWith('http://www.w3.org/')) ?? [], []);
  assert.equal(count(html, /\ssrc=/g), 0);
  assert.deepEqual((html.match(/href="([^"]*)"/g) ?? []).filter((h) => !h.startsWith('href="#')), []);
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');

  // 4 runs done + 1 diverged have curves; the failed one has none. Linear and log charts, train and validation.
  for (const id of ['curves-linear', 'curves-log']) {
    const part = html.slice(html.indexOf(`id="${id}"`));
    const figures = part.split('<figure').slice(1, 3);
    assert.equal(figures.length, 2);
    for (const f of figures) {
      assert.match(f, /data-series="5"/);
      assert.equal(count(f, /aria-roledescription="line mark"/g), 5);
    }
  }
  // Line marks carry a hover title naming the run.
  assert.match(html, /<title>0001 \(1e-2, \[5\]\)<\/title>/);
  // Losses from 0.05 to 61 span more than two decades: the log view is shown first.
  assert.match(html, /id="log-toggle" checked/);
  assert.match(html, /id="curves-linear" class="charts" data-runs="5" hidden/);

  // Heatmap: learning_rate x hidden_sizes of validation accuracy; cell texts are the runs' accuracies.
  const heat = html.slice(html.indexOf('id="heatmap"'), html.indexOf('id="confusion"'));
  assert.match(heat, /validation\.accuracy by learning_rate \(rows\) and hidden_sizes \(columns\)/);
  const acc = (c: { tn: number; fp: number; fn: number; tp: number }) => ((c.tn + c.tp) / (c.tn + c.fp + c.fn + c.tp)).toFixed(4);
  for (const r of runs.slice(0, 4)) assert.ok(heat.includes(`>${acc(r.confusion!)}<`), `heatmap shows ${acc(r.confusion!)}`);
  // Confusion matrices of the 3 best runs, best first.
  const conf = html.slice(html.indexOf('id="confusion"'), html.indexOf('id="runs"'));
  assert.equal(count(conf, /<figure class="confusion"/g), 3);
  assert.match(conf, /0004-[0-9a-f]{8} \(best\)/);
  assert.match(conf, />TP 50</);
  // The sortable table: every run, failed last with its status.
  const table = html.slice(html.indexOf('id="runs-table"'));
  assert.equal(count(table.slice(0, table.indexOf('</table>')), /<tr[ >]/g), 7);
  assert.match(table, /<tr class="failed"[^>]*>.*failed: boom/);
  assert.equal(count(html, /<svg/g), 4 + 1 + 3);
});

test('rebuildSweepOutputs writes report.html; with 1,000 runs it draws the best 50 curves (its time is a diagnostic; speed is the bench\'s)', async (t) => {
  const big: FixtureRun[] = [];
  // Each run its own curve (+ i * 1e-6): runs with the same curve would be drawn as one line.
  for (let i = 0; i < 1000; i++) {
    big.push({ params: { learning_rate: [0.001, 0.01, 0.1, 0.3, 1][i % 5], hidden_sizes: [[2], [4], [8], [16]][Math.floor(i / 5) % 4], seed: Math.floor(i / 20) }, confusion: { tn: 40, fp: i % 7, fn: i % 5, tp: 50 }, loss: 0.2 + (i % 13) / 100, curve: Array.from({ length: 101 }, (_, k) => [k, 0.7 / (1 + k / (5 + (i % 9))) + i * 1e-6, 0.72 / (1 + k / (5 + (i % 9))) + i * 1e-6] as [number, number, number]) });
  }
  const dir = writeSweep(runsDir, 'big', '20260101-000000-0002', big);
  const sweep = readSweepFile(dir);
  let t0 = performance.now();
  await rebuildSweepOutputs(dir, sweep);
  const cold = performance.now() - t0;
  t0 = performance.now();
  const html = await renderReport(sweepTitle(dir), sweep, sweepRows(dir));
  const warm = performance.now() - t0;
  // Reported, never asserted: speed is measured by `npm run bench`.
  t.diagnostic(`1,000 runs: all sweep outputs ${cold.toFixed(0)} ms (first, loading vega), report again ${warm.toFixed(0)} ms`);
  const written = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(written, /Curves of the best 50 of 1000 runs/);
  assert.match(written, /data-series="50"/);
  assert.equal(count(html, /aria-roledescription="line mark"/g), 4 * 50);
  const fewer = await renderReport(sweepTitle(dir), sweep, sweepRows(dir), { maxCurves: 7, axes: ['hidden_sizes', 'learning_rate'], metric: 'validation.fn' });
  assert.match(fewer, /Curves of the best 7 of 1000 runs/);
  assert.match(fewer, /validation\.fn by hidden_sizes \(rows\) and learning_rate \(columns\); each cell is the mean over 50 finished runs \(also varying: seed\)/);
  await assert.rejects(renderReport(sweepTitle(dir), sweep, sweepRows(dir), { metric: 'val.acuracy' }), /--metric: unknown metric "val\.acuracy"/);
});

/** Chart ids (s<call number>-...) numbered from 1 in the page, so that two renderings can be compared. */
function fromFirstChart(html: string): string {
  const first = Math.min(...[...html.matchAll(/"s(\d+)-/g)].map((m) => Number(m[1])));
  return html.replace(/(["#])s(\d+)-/g, (_, q: string, n: string) => `${q}s${Number(n) - first + 1}-`);
}

test("a chart's markup depends on its spec alone: drawn after others (vega numbers its clip paths on), only its page prefix differs", async () => {
  const points = [0, 10].map((iteration) => ({ run: 'a', label: 'a', iteration, loss: 0.5 - iteration / 100, score: 1 }));
  const spec = curveSpec(points, { title: 'loss', log: false, domain: [0.4, 0.5], colorBy: 'run', runOrder: ['a'], scoreTitle: 'acc', scoreDomain: [1, 1], higherIsBetter: true, legend: false });
  const first = await renderSvg(spec);
  await renderReport(sweepTitle(sweepDir), readSweepFile(sweepDir), sweepRows(sweepDir));
  const again = await renderSvg(spec);
  const prefix = (svg: string) => /id="(s\d+-)/.exec(svg)![1];
  assert.match(first, /id="s\d+-clip1"/);
  assert.notEqual(prefix(first), prefix(again));
  assert.equal(again.split(prefix(again)).join(prefix(first)), first);
});

test("report.html drawn on a pool's worker threads is byte for byte the one drawn in this thread", async () => {
  const sweep = readSweepFile(sweepDir);
  const here = await renderReport(sweepTitle(sweepDir), sweep, sweepRows(sweepDir));
  const executor = startLocalExecutor(2);
  const restore = useChartRenderer({ draw: (spec) => executor.drawChart(spec), warm: () => executor.warmCharts() });
  try {
    const pooled = await renderReport(sweepTitle(sweepDir), sweep, sweepRows(sweepDir));
    assert.equal(fromFirstChart(pooled), fromFirstChart(here));
    assert.equal((pooled.match(/<svg/g) ?? []).length, 4 + 1 + 3);
    // A spec vega refuses is an error of the call that asked for it, not of the pool.
    await assert.rejects(renderSvg({ marks: [{ type: 'rect', from: { data: 'missing' } }] }), /Undefined data set name: "missing"/);
    assert.match(await renderSvg(confusionSpec('0002', { tn: 1, fp: 2, fn: 3, tp: 4 })), /<svg/);
  } finally {
    restore();
    await executor.close();
  }
});
