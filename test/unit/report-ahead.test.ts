/**
 * What a search prepares of its report while its last trainings run: the rows of its recorded runs
 * (RowCache) and the charts that do not depend on the runs (predraw). The report built from them must be
 * the one built from scratch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Recorder } from '../../src/store/recorder.js';
import { updateAnnotations } from '../../src/store/annotations.js';
import { readCurve } from '../../src/store/curve.js';
import { RowCache, sweepRows, sweepTitle } from '../../src/report/rows.js';
import { readRunFolder } from '../../src/store/read-runs.js';
import { bestRunsChartSpecs, renderReport } from '../../src/report/report-html.js';
import { readSweepFile } from '../../src/store/read-runs.js';
import { tempRunsDir, writeSweep } from './report-fixtures.js';
import { drawSvg, predraw, renderSvg, useChartRenderer } from '../../src/report/charts.js';
import { classBalanceSpec, histogramSpec } from '../../src/ui/static/charts/data-specs.js';
import { planSweep } from '../../src/sweep/plan.js';
import { pendingTrainings } from '../../src/sweep/pending.js';
import { orderOf } from '../../src/execute/orders.js';
import { train } from '../../src/train/train.js';
import { plannedExperiment } from '../helpers/experiments.js';
import { learnable } from '../helpers/random-data.js';

const fold = { train: learnable(60, 1), validation: learnable(30, 2) };

/** A sweep folder with the runs of a small grid recorded (diverged ones included), and its run folders. */
function recordedSweep(): { dir: string; folders: string[] } {
  const exp = plannedExperiment({ learning_rate: [0.1, 0.5, 1e6], threshold: [0.3, 0.6] }, { iterations: 40, hidden_sizes: [3], init: 'lecun_normal', seed: 1 }, 10);
  const plan = planSweep(exp, { fingerprint: 'f'.repeat(64), features: 3, trainSamples: 60, folds: 1 });
  const pending = pendingTrainings(plan, new Set(plan.runs.map((r) => r.index)));
  const dir = join(mkdtempSync(join(tmpdir(), 'dlsweep-ahead-')), '20261130-120000-0000');
  mkdirSync(dir);
  const recorder = new Recorder(dir, plan, pending, 1, 10, {}, undefined, [fold]);
  for (const p of pending) {
    const o = orderOf(plan, p, { fingerprint: 'f'.repeat(64), folds: [fold] }, 10);
    const result = train({ config: o.config, engine: o.engine, checkpoints: o.checkpoints, thresholds: o.thresholds, curve_every: o.curve_every, train: fold.train, validation: fold.validation });
    recorder.record(p.training, { status: 'done', results: [result], training_ms: 4 });
  }
  return { dir, folders: plan.runs.map((r) => r.folder) };
}

test('rows read ahead: the same rows (and loss curves) as read from scratch, with annotations added after the reading', async () => {
  const { dir, folders } = recordedSweep();
  const cache = new RowCache(dir);
  // The first four runs are read ahead; the others are read by sweepRows itself.
  cache.add(folders.slice(0, 4));
  assert.ok(cache.get(folders[0]) && !cache.get(folders[5]));
  await updateAnnotations(join(dir, folders[1]), (a) => ({ ...a, tags: ['checked'], note: 'looked at it' }));
  const ahead = sweepRows(dir, undefined, cache);
  const scratch = sweepRows(dir);
  assert.deepEqual(ahead, scratch);
  assert.deepEqual(ahead.map((r) => Object.keys(r)), scratch.map((r) => Object.keys(r)), 'the same fields in the same order');
  const tagged = ahead.find((r) => r.folder === folders[1])!;
  assert.deepEqual([tagged.tags, tagged.userNote], [['checked'], 'looked at it']);
  // The loss curves read ahead (the report's) are those read from the folders.
  for (const f of folders.slice(0, 4)) assert.deepEqual(cache.curve(join(dir, f)), readCurve(join(dir, f)));
  assert.ok(readCurve(join(dir, folders[0])).length > 1);
  assert.equal(cache.curve(join(dir, folders[5])), undefined);
  // The best run is marked against every run, read ahead or not.
  assert.ok(ahead.some((r) => r.tie?.p === 1));
  assert.deepEqual(new Set(ahead.map((r) => r.status)), new Set(['done', 'diverged']));
});

/**
 * Runs of a small grid recorded on `folds` folds with test rows, one training failed: the recorder, the
 * sweep folder and the run folders. `prepare` readies the recorder before anything is recorded: by default
 * it holds the writes (a search's batch: no run folder is written until flush).
 */
function heldSweep(folds: number, prepare: (recorder: Recorder, dir: string) => void = (r) => r.hold()): { recorder: Recorder; dir: string; folders: string[] } {
  const exp = plannedExperiment({ learning_rate: [0.1, 0.5, 1e6], threshold: [0.3, 0.6] }, { iterations: 40, hidden_sizes: [3], init: 'lecun_normal', seed: 1 }, 10);
  const plan = planSweep(exp, { fingerprint: 'f'.repeat(64), features: 3, trainSamples: 60, folds });
  const pending = pendingTrainings(plan, new Set(plan.runs.map((r) => r.index)));
  const data = Array.from({ length: folds }, (_, k) => ({ train: learnable(60, 1 + 3 * k), validation: learnable(30, 2 + 3 * k), test: learnable(25, 99) }));
  const dir = join(mkdtempSync(join(tmpdir(), 'dlsweep-memory-')), '20261130-120000-0000');
  mkdirSync(dir);
  const recorder = new Recorder(dir, plan, pending, folds, 10, {}, undefined, data);
  prepare(recorder, dir);
  pending.forEach((p, i) => {
    // One training fails: its runs' rows say so, from memory as from their folders.
    if (i === 1) return recorder.record(p.training, { status: 'failed', error: 'out of memory', detail: 'stack', training_ms: 3 });
    const o = orderOf(plan, p, { fingerprint: 'f'.repeat(64), folds: data }, 10);
    const results = data.map((f) => train({ config: o.config, engine: o.engine, checkpoints: o.checkpoints, thresholds: o.thresholds, curve_every: o.curve_every, train: f.train, validation: f.validation }));
    recorder.record(p.training, { status: 'done', results, training_ms: 4 });
  });
  return { recorder, dir, folders: plan.runs.map((r) => r.folder) };
}

for (const folds of [1, 2]) {
  test(`rows from memory (${folds} ${folds === 1 ? 'fold' : 'folds'}, test rows): a recorder's runs give the rows, runs and loss curves their folders give once written`, () => {
    const { recorder, dir, folders } = heldSweep(folds);
    const cache = new RowCache(dir);
    // Taken before any folder is written: nothing is read from disk.
    cache.add(folders, (f) => recorder.recordedFolder(f));
    assert.ok(folders.every((f) => cache.has(f)));
    recorder.flush();
    const fromMemory = sweepRows(dir, undefined, cache);
    const fromDisk = sweepRows(dir);
    assert.deepEqual(fromMemory, fromDisk);
    assert.deepEqual(fromMemory.map((r) => Object.keys(r)), fromDisk.map((r) => Object.keys(r)), 'the same fields in the same order');
    assert.deepEqual(new Set(fromDisk.map((r) => r.status)), new Set(['done', 'diverged', 'failed']));
    assert.ok(fromDisk.some((r) => r.metrics['test.loss'] !== null && r.metrics['validation.roc_auc_ci_low'] !== null), 'test metrics and intervals from the predictions');
    for (const f of folders) {
      const held = recorder.recordedFolder(f)!;
      assert.deepEqual(held.run, readRunFolder(dir, f), f);
      assert.deepEqual(cache.curve(join(dir, f)), readCurve(join(dir, f)), f);
      assert.deepEqual(held.curve, readCurve(join(dir, f)), f);
    }
    assert.ok(folders.some((f) => readCurve(join(dir, f)).length > 1));
    assert.equal(recorder.recordedFolder('9999-00000000'), undefined);
  });
}

test("rows from memory, a grid's: each run written is handed over as its folder reads, and gives its folder's row and loss curve", () => {
  let cache: RowCache | undefined;
  const handed: string[] = [];
  const { dir, folders } = heldSweep(2, (recorder, sweepDir) => {
    cache = new RowCache(sweepDir);
    recorder.onWritten((folder, recorded) => {
      // Handed once its folder is written.
      assert.deepEqual(recorded.run, readRunFolder(sweepDir, folder), folder);
      handed.push(folder);
      cache!.add([folder], () => recorded);
    });
  });
  assert.deepEqual([...handed].sort(), [...folders].sort());
  assert.deepEqual(sweepRows(dir, undefined, cache), sweepRows(dir));
  for (const f of folders) assert.deepEqual(cache!.curve(join(dir, f)), readCurve(join(dir, f)), f);
});

const classes: [string, string] = ['negative (0)', 'positive (1)'];
const specs = [
  classBalanceSpec([{ name: 'train', positives: 3, negatives: 5 }], classes),
  histogramSpec('x', 'values', [{ lo: 0, hi: 0, negative: 2, positive: 1 }, { lo: 1, hi: 1, negative: 0, positive: 4 }], classes),
];
// renderSvg numbers each chart's ids by call (s1-, s2-, ...): the same chart drawn at another call differs only there.
const unnumbered = (svg: string) => svg.replace(/\bs\d+-/g, 's-');

test('charts drawn ahead: renderSvg takes the SVG drawn ahead for the same spec, once, and it is the SVG drawn at once', async () => {
  const plain = await Promise.all(specs.map((s) => renderSvg(s)));
  let draws = 0;
  const restore = useChartRenderer({
    draw: (spec) => {
      draws++;
      return drawSvg(spec);
    },
  });
  try {
    predraw(specs);
    await new Promise((r) => setTimeout(r, 50));
    const early = draws;
    assert.equal(early, 2, 'drawn ahead, one at a time');
    const ahead = await Promise.all(specs.map((s) => renderSvg(s)));
    assert.equal(draws, 2, 'nothing drawn again');
    assert.deepEqual(ahead.map(unnumbered), plain.map(unnumbered));
    // Each SVG drawn ahead serves one renderSvg: the next one draws.
    await renderSvg(specs[0]);
    assert.equal(draws, 3);
  } finally {
    restore();
  }
});

test('charts drawn ahead: a drawing that failed is drawn again when asked for; without a renderer nothing is drawn ahead', async () => {
  let calls = 0;
  const restore = useChartRenderer({
    draw: (spec) => (++calls === 1 ? Promise.reject(new Error('thread died')) : drawSvg(spec)),
  });
  try {
    predraw([specs[0]]);
    const svg = await renderSvg(specs[0]);
    assert.match(svg, /^<svg/);
    assert.equal(calls, 2);
  } finally {
    restore();
  }
  // No renderer: predraw does nothing (drawing here ahead of time would only hold this thread up).
  predraw(specs);
  const svg = await renderSvg(specs[1]);
  assert.match(svg, /^<svg/);
});

test("the best runs' charts guessed from the runs before the last are the report's when the last run is not among the best, and the report draws each of them", async () => {
  // Five runs with predictions; the last is the worst.
  const probs = (k: number) => Array.from({ length: 20 }, (_, j) => ((j * 7 + k * 3) % 20) / 20);
  const labels = Array.from({ length: 20 }, (_, j) => j % 2);
  const losses = [0.3, 0.2, 0.25, 0.5, 0.9];
  const dir = writeSweep(tempRunsDir(), 'guess', '20261201-000000-0000', losses.map((loss, k) => ({ params: { learning_rate: 0.1 * (k + 1), iterations: 100 }, loss, predictions: { label: labels, probability: probs(k) } })));
  const rows = sweepRows(dir);
  const guessed = bestRunsChartSpecs(rows.slice(0, 4));
  // 3 confusion matrices, then the ROC, precision-recall and rates charts.
  assert.equal(guessed.length, 6);
  assert.deepEqual(guessed, bestRunsChartSpecs(rows));
  // The report draws every one of them (the same specs: it takes them when drawn ahead).
  const drawn: string[] = [];
  const restore = useChartRenderer({
    draw: (spec) => {
      drawn.push(JSON.stringify(spec));
      return drawSvg(spec);
    },
  });
  try {
    await renderReport(sweepTitle(dir), readSweepFile(dir), rows);
  } finally {
    restore();
  }
  for (const spec of guessed) assert.ok(drawn.includes(JSON.stringify(spec)), JSON.stringify(spec).slice(0, 80));
  // A last run among the best changes them: the guess is not taken.
  assert.notDeepEqual(bestRunsChartSpecs(rows.filter((r) => r.metrics['validation.loss'] !== 0.2)), bestRunsChartSpecs(rows));
});
