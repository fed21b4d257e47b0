import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchSection, trialsOf } from '../../src/report/search-section.js';
import { objectiveSpec, parallelSpec, rungSpec } from '../../src/ui/static/charts/search-specs.js';
import { row, tempRunsDir, writeSweep } from './report-fixtures.js';
import { renderReport } from '../../src/report/report-html.js';
import { readSweepFile } from '../../src/store/read-runs.js';
import { bestOf, type Row } from '../../src/report/rows.js';
import { designOf } from '../../src/report/design.js';
import { sizeText } from '../../src/report/format.js';
import { runsTable } from '../../src/report/compare/runs.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { renderSvg } from '../../src/report/charts.js';
import type { Spec } from 'vega';
import type { ParamValue } from '../../src/experiment/types.js';

// A halving search by hand: trials 0-3 at 10 updates, trials 1 and 3 promoted to 30, trial 3 to 90.
const LOSS: [number, number, number, number][] = [
  // trial, rung, iterations, validation loss
  [0, 0, 10, 0.5],
  [1, 0, 10, 0.3],
  [2, 0, 10, 0.6],
  [3, 0, 10, 0.2],
  [1, 1, 30, 0.25],
  [3, 1, 30, 0.1],
  [3, 2, 90, 0.05],
];
const rows = LOSS.map(([trial, rung, iterations, loss], i) =>
  row(i + 1, { learning_rate: 0.01 * (trial + 1), hidden_sizes: [trial % 2 ? 5 : 15], iterations }, { 'validation.loss': loss }, { search: { trial, bracket: 0, rung } }),
);

type Data = { name: string; values: Record<string, unknown>[] }[];

test('objective by trial: each trial at its furthest rung, and the best-so-far line (running minimum by hand)', () => {
  const spec = objectiveSpec(trialsOf(rows));
  const data = (spec as unknown as { data: Data }).data;
  const points = data.find((d) => d.name === 'points')!.values;
  // Trial 0: 0.5 (rung 10), 1: 0.25 (30), 2: 0.6 (10), 3: 0.05 (90).
  assert.deepEqual(points.map((p) => [p.trial, p.value, p.rung]), [[0, 0.5, '10'], [1, 0.25, '30'], [2, 0.6, '10'], [3, 0.05, '90']]);
  assert.deepEqual(data.find((d) => d.name === 'best')!.values.map((p) => p.value), [0.5, 0.25, 0.25, 0.05]);
});

test('rung plot joins the rungs of each trial; parallel coordinates place values on each axis', () => {
  const trials = trialsOf(rows);
  const runs = (rungSpec(trials) as unknown as { data: Data }).data[0].values;
  assert.equal(runs.length, 7);
  assert.deepEqual(runs.filter((r) => r.trial === '3').map((r) => r.iterations), [10, 30, 90]);
  assert.deepEqual([...new Set(runs.filter((r) => r.promoted).map((r) => r.trial))], ['1', '3']);
  const lines = (parallelSpec(trials, ['learning_rate', 'hidden_sizes']) as unknown as { data: Data }).data[0].values;
  // learning_rate 0.01..0.04 on a linear scale (span < 100x): trial 1 (0.02) at 1/3.
  const lr1 = lines.find((l) => l.trial === '1' && l.dim === 'learning_rate')!.y as number;
  assert.ok(Math.abs(lr1 - 1 / 3) < 1e-12);
  // hidden_sizes as categories in compare's order of lists (element by element, as numbers), the first at the top: [5] at 1, [15] at 0.
  assert.equal(lines.find((l) => l.trial === '1' && l.dim === 'hidden_sizes')!.y, 1);
  assert.equal(lines.find((l) => l.trial === '0' && l.dim === 'hidden_sizes')!.y, 0);
  // The objective axis: 0.05 (trial 3) at the bottom, 0.6 (trial 2) at the top.
  assert.equal(lines.find((l) => l.trial === '3' && l.dim === 'validation.loss')!.y, 0);
  assert.equal(lines.find((l) => l.trial === '2' && l.dim === 'validation.loss')!.y, 1);
});

test('the search section draws three charts for a halving search, none for a grid', async () => {
  const html = await searchSection(rows, ['learning_rate', 'hidden_sizes', 'iterations']);
  assert.match(html, /^<section id="search">/);
  assert.equal((html.match(/<svg/g) ?? []).length, 3);
  assert.match(html, /best run: 0007-[0-9a-f]+, trial 3, rung 2 at 90 updates, validation loss 0\.05000, the run the table stars/);
  assert.equal(await searchSection([row(1, { learning_rate: 0.1 }, { 'validation.loss': 0.3 })], ['learning_rate']), '');
});

test('with a maximized objective the best-so-far line is the running maximum, and the section names the objective', async () => {
  // The same search ranked by validation accuracy (higher is better): values by hand.
  const ACC: [number, number, number, number][] = [
    [0, 0, 10, 0.7],
    [1, 0, 10, 0.9],
    [2, 0, 10, 0.6],
    [3, 0, 10, 0.8],
    [1, 1, 30, 0.85],
    [3, 1, 30, 0.95],
    [3, 2, 90, 0.97],
  ];
  const key = { metric: 'validation.accuracy', goal: 'maximize' as const };
  const accRows = ACC.map(([trial, rung, iterations, acc], i) =>
    row(i + 1, { learning_rate: 0.01 * (trial + 1), iterations }, { 'validation.accuracy': acc }, { search: { trial, bracket: 0, rung } }),
  );
  const data = (objectiveSpec(trialsOf(accRows, key), key) as unknown as { data: Data }).data;
  // Best run of each trial at any rung: 0: 0.7, 1: 0.9 (its first rung, above its furthest 0.85), 2: 0.6,
  // 3: 0.97; running maximum 0.7, 0.9, 0.9, 0.97.
  assert.deepEqual(data.find((d) => d.name === 'best')!.values.map((p) => p.value), [0.7, 0.9, 0.9, 0.97]);
  const points = data.find((d) => d.name === 'points')!.values;
  assert.deepEqual(points.map((p) => p.value), [0.7, 0.85, 0.6, 0.97]);
});

test("the section's best run is the objective's best over every rung, the run bestOf stars, even below the furthest rung", async () => {
  // Trial 3 overfits: 0.02 at its second rung (30 updates), 0.05 at 90; trial 1 stops at 30 with 0.25.
  const overfit = LOSS.map(([trial, rung, iterations, loss], i) =>
    row(i + 1, { learning_rate: 0.01 * (trial + 1), hidden_sizes: [trial % 2 ? 5 : 15], iterations }, { 'validation.loss': trial === 3 && rung === 1 ? 0.02 : loss }, { search: { trial, bracket: 0, rung } }),
  );
  const stars = [...bestOf(overfit)];
  assert.equal(stars.length, 1);
  assert.deepEqual([stars[0].search!.trial, stars[0].params.iterations], [3, 30]);
  const html = await searchSection(overfit, ['learning_rate', 'hidden_sizes', 'iterations']);
  assert.match(html, /best run: 0006-[0-9a-f]+, trial 3, rung 1 at 30 updates, validation loss 0\.02000, the run the table stars/);
  const data = (objectiveSpec(trialsOf(overfit)) as unknown as { data: Data }).data;
  assert.deepEqual(data.find((d) => d.name === 'best')!.values.map((p) => p.value), [0.5, 0.25, 0.25, 0.02]);
});

const SEARCH_FILE = (trials: number) =>
  `name: t\ndataset: wisconsin\nsearch:\n  method: halving\n  trials: ${trials}\n  min_iterations: 20\n` +
  'grid:\n  learning_rate: {log_uniform: [1.0e-3, 1.0]}\n  hidden_sizes: [[5], [15]]\n  iterations: [180]\n';

test('a search\'s design: searched axes as their distribution and rungs (20 x 3^i up to 180), never fixed at a default; sized by method and trials', () => {
  const design = designOf(parseExperiment(SEARCH_FILE(9), 'exp.yaml', { cwd: '/tmp/dlsweep-test' }));
  assert.deepEqual(design.searched, [
    // The distribution as SEARCH_FILE (and plan) writes it.
    { name: 'learning_rate', text: '{log_uniform: [1.0e-3, 1.0]}' },
    { name: 'iterations', text: 'rungs 20, 60, 180' },
  ]);
  assert.equal(design.method, 'halving');
  assert.ok(!design.fixed.some((f) => f.name === 'learning_rate' || f.name === 'iterations'), JSON.stringify(design.fixed));
  assert.deepEqual(design.axes.map((a) => a.name), ['hidden_sizes']);
  assert.equal(sizeText({ grid_size: 13, search: { method: 'halving', trials: 9 } }), 'halving search of 9 trials');
  assert.equal(sizeText({ grid_size: 13 }), 'grid of 13');
  // A grid keeps its fixed defaults as before.
  const grid = designOf(parseExperiment('name: t\ndataset: wisconsin\ngrid:\n  hidden_sizes: [[5], [15]]\n', 'exp.yaml', { cwd: '/tmp/dlsweep-test' }));
  assert.ok(grid.fixed.some((f) => f.name === 'learning_rate' && f.text === '0.01'));
  assert.deepEqual(grid.searched, []);
});

test('a one-trial search\'s table shows its drawn learning_rate as a column, with no fixed: learning_rate note', () => {
  const design = designOf(parseExperiment(SEARCH_FILE(1), 'exp.yaml', { cwd: '/tmp/dlsweep-test' }));
  const one = [20, 60, 180].map((iterations, rung) => row(rung + 1, { learning_rate: 0.0449, hidden_sizes: [15], iterations }, { 'validation.loss': 0.6 - rung / 10 }, { search: { trial: 0, bracket: 0, rung } }));
  const { view } = runsTable('t', one, { design });
  assert.ok(!view.notes.some((n) => /learning_rate=/.test(n)), view.notes.join('\n'));
  assert.ok(view.columns.some((c) => c.key === 'learning_rate'));
});

test('a full tie on the objective goes to the lower run number, whatever the run ids (hashes) say', () => {
  const objective = { keys: [{ metric: 'validation.recall', goal: 'maximize' as const }], declared: true };
  const tie = [
    row(14, { learning_rate: 0.1 }, { 'validation.recall': 1 }, { run_id: '41706977' + '0'.repeat(56), hash: '41706977', objective }),
    row(7, { learning_rate: 0.2 }, { 'validation.recall': 1 }, { run_id: 'f' + '0'.repeat(63), hash: 'f0000000', objective }),
    row(3, { learning_rate: 0.3 }, { 'validation.recall': 0.9 }, { run_id: '0'.repeat(64), hash: '00000000', objective }),
  ];
  assert.deepEqual([...bestOf(tie)].map((r) => r.index), [7]);
  // The table lists the tied runs by run number too, the starred one first.
  const { view, shown } = runsTable('t', tie);
  assert.deepEqual(shown.map((r) => r.index), [7, 14, 3]);
  assert.deepEqual(view.rows.map((r) => r.best), [true, false, false]);
});

// A search over a schedule (spelled as the experiment writes it), a drawn learning rate and dropout: ten
// trials close to 0.01 and one poor one at 0.7, as a Hyperband search's best trials and its early failures.
const SPREAD = [0.7, 0.0105, 0.011, 0.012, 0.0125, 0.013, 0.014, 0.015, 0.016, 0.017, 0.018];
const SCHEDULES: ParamValue[] = [{ kind: 'cosine', min_learning_rate: 0 }, { kind: 'constant' }];
const spread = SPREAD.map((loss, trial) =>
  row(
    trial + 1,
    { learning_rate: 0.001 * 1.9 ** trial, lr_schedule: SCHEDULES[trial % 2], dropout: 0.02 * trial, iterations: 100 },
    { 'validation.loss': loss },
    { search: { trial, bracket: 0, rung: 0 }, spellings: { lr_schedule: trial % 2 ? '{kind: constant}' : '{kind: cosine}' } },
  ),
);

/** The stroke colour of each trial's line in a rendered parallel-coordinates SVG, in trial order. */
function lineColours(svg: string): string[] {
  // The trials' lines are the paths drawn at opacity 0.7 (the axes' rules are opaque), in facet (trial) order.
  return [...svg.matchAll(/<path d="[^"]*" stroke="([^"]+)" stroke-opacity="0.7"/g)].map((m) => m[1]);
}

test('parallel coordinates label a choice of schedule as the experiment spells it ({kind: cosine}), not as JSON', async () => {
  const svg = await renderSvg(parallelSpec(trialsOf(spread), ['learning_rate', 'lr_schedule', 'dropout']));
  assert.ok(svg.includes('>{kind: cosine}<'), 'the cosine schedule as spelled');
  assert.ok(svg.includes('>{kind: constant}<'), 'the constant schedule as spelled');
  assert.ok(!svg.includes('&quot;kind&quot;') && !svg.includes('"kind"'), 'no JSON spelling');
});

test('parallel coordinates colour the trials by quintile of the objective: near-equal losses get distinct colours despite one poor trial', async () => {
  const trials = trialsOf(spread);
  const colours = lineColours(await renderSvg(parallelSpec(trials, ['learning_rate', 'lr_schedule', 'dropout'])));
  assert.equal(colours.length, SPREAD.length);
  // The trials ranked by loss, by hand: 1, 2, ..., 10 (0.0105 to 0.018), then trial 0 (0.7). On a linear
  // scale 0.0105-0.7 the ten good ones would all be within 1% of its bottom; by quintile they span every colour.
  const ranked = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0];
  assert.equal(new Set(colours).size, 5);
  // Best and worst are the two ends; the best and the median trial differ in colour.
  assert.notEqual(colours[ranked[0]], colours[ranked[5]]);
  assert.notEqual(colours[ranked[5]], colours[ranked[10]]);
  // Colours follow the rank: once the colour changes along the ranking, it never comes back.
  const seen: string[] = [];
  for (const t of ranked) if (seen.at(-1) !== colours[t]) seen.push(colours[t]);
  assert.equal(seen.length, 5, `colours along the ranking: ${seen.join(' ')}`);
});

test('parallel coordinates: a loss objective on a log scale, named in the subtitle, the legend saying the colours are quintiles', async () => {
  const spec = parallelSpec(trialsOf(spread), ['learning_rate', 'lr_schedule', 'dropout']) as unknown as { data: Data; title: { subtitle: string } };
  const lines = spec.data[0].values;
  // log(0.013 / 0.0105) / log(0.7 / 0.0105): trial 5's place on the objective's axis, by hand.
  const y5 = lines.find((l) => l.trial === '5' && l.dim === 'validation.loss')!.y as number;
  assert.ok(Math.abs(y5 - Math.log(0.013 / 0.0105) / Math.log(0.7 / 0.0105)) < 1e-12, String(y5));
  assert.match(spec.title.subtitle, /log scale: learning_rate, validation loss/);
  const svg = await renderSvg(spec as unknown as Spec);
  assert.match(svg, />by quintile</);
});

/** A random search's rows: 30 trials, learning_rate and dropout drawn (a value each), two choices of hidden_sizes, three optimizers. */
function drawnRows(choices: boolean) {
  return Array.from({ length: 30 }, (_, trial) =>
    row(
      trial + 1,
      {
        learning_rate: 0.001 * 1.2 ** trial,
        dropout: 0.01 * trial,
        ...(choices ? { hidden_sizes: [trial % 2 ? 5 : 15], optimizer: ['adam', 'gd', 'momentum'][trial % 3] } : {}),
        iterations: 100,
      },
      { 'validation.loss': 0.02 + trial / 1000, 'validation.accuracy': 0.9 },
      { search: { trial, bracket: 0, rung: 0 } },
    ),
  );
}

async function searchReport(rows: Row[], axes?: [string, string]): Promise<string> {
  const dir = writeSweep(tempRunsDir(), 's', '20260101-000000-0001', [{ params: { learning_rate: 0.1 } }]);
  const html = await renderReport('s/20260101-000000-0001', readSweepFile(dir), rows, axes ? { axes } : {});
  return html.slice(html.indexOf('<section id="heatmap">'), html.indexOf('<section id="search">'));
}

test("a search's heatmap is over its parameters with few values (choices), not over a drawn learning_rate with a row per trial", async () => {
  const heat = await searchReport(drawnRows(true));
  assert.match(heat, /by hidden_sizes \(rows\) and optimizer \(columns\)/);
  assert.equal((heat.match(/<svg/g) ?? []).length, 1);
  // 2 x 3 cells, each the mean over its 5 trials.
  assert.match(heat, /each cell is the mean over 5 finished runs/);
});

test('a search whose parameters are all drawn from distributions has no heatmap, and the note says why', async () => {
  const heat = await searchReport(drawnRows(false));
  assert.equal((heat.match(/<svg/g) ?? []).length, 0);
  assert.match(heat, /No heatmap: it needs two parameters with at most 12 values each, and this search has none \(values drawn by its trials: learning_rate 30, dropout 30\)/);
});

test("a search's heatmap named over a drawn parameter (--heatmap learning_rate optimizer) is a note: 30 values, too many to read", async () => {
  const heat = await searchReport(drawnRows(true), ['learning_rate', 'optimizer']);
  assert.equal((heat.match(/<svg/g) ?? []).length, 0);
  assert.match(heat, /A heatmap of learning_rate by optimizer would have 30 × 3 cells, too many to read \(at most 12 values a side\)/);
});

test("a search's heatmap over two choices most of whose cells stay empty is a note", async () => {
  // 4 trials over 3 optimizers x 3 widths: at most 4 of the 9 cells filled.
  const rows = Array.from({ length: 4 }, (_, trial) =>
    row(trial + 1, { hidden_sizes: [[5], [10], [15]][trial % 3], optimizer: ['adam', 'gd', 'momentum'][trial % 3], iterations: 100 }, { 'validation.loss': 0.1, 'validation.accuracy': 0.9 }, { search: { trial, bracket: 0, rung: 0 } }),
  );
  const heat = await searchReport(rows);
  assert.equal((heat.match(/<svg/g) ?? []).length, 0);
  assert.match(heat, /would have 3 × 3 cells, 6 of them empty \(a search samples its space\)/);
});

// A Hyperband search whose choices the file lists out of value order: hidden_sizes [15] before [5], cosine
// before constant. Eight trials, two a cell; trials 4-7 promoted from 10 to 30 updates.
const ORDER_FILE =
  'name: o\ndataset: wisconsin\nsearch: {method: hyperband, seed: 3, min_iterations: 10, reduction_factor: 3}\n' +
  'grid:\n  learning_rate: {log_uniform: [1.0e-3, 1.0]}\n  hidden_sizes: [[15], [5]]\n  lr_schedule: [{kind: cosine}, {kind: constant}]\n  iterations: [30]\n';
const ORDER_SIZES: ParamValue[] = [[15], [5]];
// As runs record them (the cosine schedule with its default floor), as the design holds them too.
const ORDER_SCHEDULES: ParamValue[] = [{ kind: 'cosine', min_learning_rate: 0 }, { kind: 'constant' }];
const orderRows: Row[] = [];
for (let trial = 0; trial < 8; trial++) {
  // No learning_rate: with its eight values it could be a heatmap's axis; the test is about the choices.
  const params = { hidden_sizes: ORDER_SIZES[trial % 2], lr_schedule: ORDER_SCHEDULES[Math.floor(trial / 2) % 2] };
  const spellings = { hidden_sizes: trial % 2 ? '[5]' : '[15]', lr_schedule: Math.floor(trial / 2) % 2 ? '{kind: constant}' : '{kind: cosine}' };
  const rungs = trial >= 4 ? [10, 30] : [10];
  rungs.forEach((iterations, rung) =>
    orderRows.push(row(orderRows.length + 1, { ...params, iterations }, { 'validation.loss': rung === 0 ? 0.5 + trial / 100 : 0.1 + trial / 100 }, { search: { trial, bracket: 0, rung }, spellings })),
  );
}
const orderDesign = designOf(parseExperiment(ORDER_FILE, 'exp.yaml', { cwd: '/tmp/dlsweep-test' }));

/** The y (0 bottom, 1 top) of each label on a parallel-coordinates axis, as the spec places them. */
function axisTicks(spec: Spec, dim: string): [string, number][] {
  const ticks = (spec as unknown as { data: Data }).data.find((d) => d.name === 'ticks')!.values;
  return ticks.filter((t) => t.dim === dim).map((t) => [t.text as string, t.y as number]);
}

test("parallel coordinates keep the file's order of choices, the first at the top on every axis of choices", () => {
  const orders = Object.fromEntries(orderDesign.axes.map((a) => [a.name, a.values.map((v) => v.value)]));
  const spec = parallelSpec(trialsOf(orderRows), ['hidden_sizes', 'lr_schedule'], undefined, orders);
  assert.deepEqual(axisTicks(spec, 'hidden_sizes'), [['[15]', 1], ['[5]', 0]]);
  assert.deepEqual(axisTicks(spec, 'lr_schedule'), [['{kind: cosine}', 1], ['{kind: constant}', 0]]);
  // Without the file's order, value order, the first value at the top all the same.
  const plain = parallelSpec(trialsOf(orderRows), ['hidden_sizes', 'lr_schedule']);
  assert.deepEqual(axisTicks(plain, 'hidden_sizes'), [['[5]', 1], ['[15]', 0]]);
  assert.deepEqual(axisTicks(plain, 'lr_schedule'), [['{kind: constant}', 1], ['{kind: cosine}', 0]]);
});

test("a search's heatmap keeps the file's order of choices and takes each trial at its furthest rung", async () => {
  const dir = writeSweep(tempRunsDir(), 'o', '20260101-000000-0001', [{ params: { learning_rate: 0.1 } }]);
  const html = await renderReport('o/20260101-000000-0001', readSweepFile(dir), orderRows, { design: orderDesign });
  const heat = html.slice(html.indexOf('<section id="heatmap">'), html.indexOf('<section id="search">'));
  assert.match(heat, /by hidden_sizes \(rows\) and lr_schedule \(columns\); each cell is the mean over 2 trials, each at the furthest rung it reached, as the search charts take it/);
  // Rows [15], [5] and columns cosine, constant as the file lists them (value order would put [5] and constant first).
  const at = (label: string) => heat.indexOf(`>${label}<`);
  assert.ok(at('[15]') >= 0 && at('[15]') < at('[5]'), 'rows in the file\'s order');
  assert.ok(at('{kind: cosine}') >= 0 && at('{kind: cosine}') < at('{kind: constant}'), 'columns in the file\'s order');
  // Cells by hand, each trial's last run: [15] x cosine trials 0 (0.50 at 10) and 4 (0.14 at 30), mean 0.32;
  // [5] x cosine 1 and 5: (0.51 + 0.15) / 2; [15] x constant 2 and 6: (0.52 + 0.16) / 2; [5] x constant: (0.53 + 0.17) / 2.
  for (const mean of ['0.3200', '0.3300', '0.3400', '0.3500']) assert.ok(heat.includes(`>${mean}<`), `cell ${mean}`);
  // A mean over every rung ([15] x cosine: (0.50 + 0.54 + 0.14) / 3) is no cell.
  assert.ok(!heat.includes('>0.3933<'));
});
