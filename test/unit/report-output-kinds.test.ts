/**
 * Output faults fixed as kinds: the grid of an unfinished sweep, long terminal tables, output formats,
 * columns and orders of compare, sweeps on different data, log-scale charts with zero losses, runs that
 * share a curve.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { row, tempRunsDir, writeSweep } from './report-fixtures.js';
import { designOf, readDesign, sweepDesign } from '../../src/report/design.js';
import { sweepRows, sweepTitle } from '../../src/report/rows.js';
import { buildComparison, renderTerminal } from '../../src/report/sweep-files.js';
import { sweepDetail, curveLines } from '../../src/report/show.js';
import { renderReport } from '../../src/report/report-html.js';
import { readSweepFile } from '../../src/store/read-runs.js';
import { renderTerminalView, renderView, type TableView } from '../../src/report/render.js';
import { DEFAULT_METRIC_KEYS, compareView, groupsView, runsView } from '../../src/report/compare/index.js';
import { outputFormat } from '../../src/cli/compare.js';
import { showCommand } from '../../src/cli/show.js';
import { verifyCommand } from '../../src/cli/verify.js';
import { verifySweep } from '../../src/store/verify.js';
import { pointSpellings } from '../../src/sweep/grid.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { UserError } from '../../src/errors.js';

const GRID_YAML = `name: hs
dataset: wisconsin
grid:
  hidden_sizes: [[5], [10]]
  learning_rate: [0.1]
fixed:
  l2: 1e-4
  iterations: 100
`;

/** A sweep of GRID_YAML's two points with only the first recorded (as after Ctrl-C). */
function unfinishedSweep(): string {
  const dir = writeSweep(tempRunsDir(), 'hs', '20260101-000000-abcd', [
    { params: { learning_rate: 0.1, iterations: 100, hidden_sizes: [5], l2: 0.0001, init: 'lecun_normal', seed: 1, threshold: 0.5 }, spellings: { learning_rate: '0.1', hidden_sizes: '[5]' } },
  ]);
  writeFileSync(join(dir, 'experiment.yaml'), GRID_YAML);
  const sweep = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ ...sweep, status: 'interrupted', grid_size: 2, counts: { ...sweep.counts, pending: 1 } }));
  return dir;
}

test('an unfinished sweep describes its grid from the saved experiment, not from the runs done (show, the summary table, report.html)', async () => {
  const dir = unfinishedSweep();
  const design = readDesign(dir);
  assert.deepEqual(design?.axes.map((a) => [a.name, a.values.map((v) => v.text)]), [['hidden_sizes', ['[5]', '[10]']]]);
  const rows = sweepRows(dir);
  const sweep = readSweepFile(dir);
  const text = sweepDetail(sweepTitle(dir), dir, sweep, rows, { design });
  assert.match(text, /grid +hidden_sizes \(\[5\], \[10\]\)/);
  assert.doesNotMatch(text, /hidden_sizes=\[5\]/);
  assert.match(text, /fixed +learning_rate=0\.1, iterations=100, /);
  // The table printed after an interrupted run (and table.md): hidden_sizes is a column, not a fixed value.
  const table = buildComparison(sweepTitle(dir), rows, undefined, design).view;
  assert.ok(table.columns.some((c) => c.key === 'hidden_sizes'));
  assert.doesNotMatch(table.notes.join('\n'), /hidden_sizes/);
  const html = await renderReport(sweepTitle(dir), sweep, rows, { design });
  assert.match(html, /<dt>grid axes<\/dt><dd>hidden_sizes<\/dd>/);
  assert.doesNotMatch(html, /hidden_sizes=\[5\]/);
});

test('fixed values are shown as written: l2: 1e-4 is 1e-4, not 0.0001 (the design, and the spellings recorded with each run)', () => {
  const dir = unfinishedSweep();
  const design = readDesign(dir)!;
  assert.deepEqual(design.fixed.find((f) => f.name === 'l2'), { name: 'l2', value: 0.0001, text: '1e-4' });
  assert.match(buildComparison(sweepTitle(dir), sweepRows(dir), undefined, design).view.notes[0], /l2=1e-4/);
  const exp = parseExperiment(GRID_YAML, 'hs.yaml');
  assert.equal(pointSpellings(exp, 1).l2, '1e-4');
  assert.equal(pointSpellings(exp, 1).hidden_sizes, '[10]');
});

test("a running sweep's design from its loaded experiment is the saved file's, and the saved file's when the loaded text differs", () => {
  const dir = unfinishedSweep();
  // Loaded from elsewhere (another folder, another data folder): the same text gives the saved file's design.
  const exp = parseExperiment(GRID_YAML, '/somewhere/else/hs.yaml', { cwd: '/somewhere', dataDir: '/elsewhere/data' });
  assert.deepEqual(sweepDesign(dir, exp), readDesign(dir));
  assert.deepEqual(sweepDesign(dir, exp)!.fixed.find((f) => f.name === 'l2')!.text, '1e-4');
  // A resume with the file spelled otherwise: the design is the saved file's (l2 as it was written then).
  const respelled = parseExperiment(GRID_YAML.replace('l2: 1e-4', 'l2: 0.0001'), 'hs.yaml');
  assert.equal(designOf(respelled).fixed.find((f) => f.name === 'l2')!.text, '0.0001');
  assert.deepEqual(sweepDesign(dir, respelled), readDesign(dir));
});

function bigView(n: number): TableView {
  return {
    kind: 'runs',
    title: 't',
    notes: [],
    footnotes: [],
    columns: [
      { key: 'run', label: 'run' },
      { key: 'x', label: 'x', align: 'right' },
      { key: 'wide', label: 'w' },
    ],
    rows: Array.from({ length: n }, (_, i) => ({ cells: [{ text: `r${i}`, value: i }, { text: String(i * 0.125), value: i }, { text: i === 377 ? 'a much wider cell ±–' : 'x', value: 'x' }] })),
  };
}

test('a long terminal table is drawn in chunks with the same text as one cli-table3 table', () => {
  const view = bigView(450);
  const one = new Table({ head: ['run', 'x', 'w'], chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, style: { head: [], border: [] }, colAligns: ['left', 'right', 'left'] });
  for (const r of view.rows) one.push(r.cells.map((c) => c.text));
  assert.equal(renderTerminalView(view), `t\n${one.toString()}`);
});

test('after a sweep the terminal table shows the top rows, then how many more there are and how to see them', () => {
  const rows = Array.from({ length: 30 }, (_, i) => row(i + 1, { learning_rate: i + 1 }, { 'validation.accuracy': i / 100, 'validation.loss': 1 }));
  const c = buildComparison('exp/20260101-000000-abcd', rows);
  const text = renderTerminal(c, { top: 20 });
  assert.equal(text.split('\n').filter((l) => /^│/.test(l)).length, 21); // header and 20 runs
  assert.match(text, /^10 more runs not shown \(top 20 of 30\): all of them with dlsweep compare exp\/20260101-000000-abcd, or with --top all$/m);
  // The best is shown: learning_rate 30 has the highest accuracy.
  assert.match(text.split('\n').find((l) => l.includes('*'))!, /│ 30 /);
  assert.doesNotMatch(renderTerminal(c, { top: Infinity }), /more runs? not shown/);
});

test('compare -o picks the format from the extension and refuses one it does not know', () => {
  assert.equal(outputFormat(undefined, 'out.csv'), 'csv');
  assert.equal(outputFormat(undefined, 'OUT.MD'), 'markdown');
  assert.equal(outputFormat(undefined, 'out.txt'), 'table');
  assert.equal(outputFormat('json', 'out.xlsx'), 'json');
  assert.equal(outputFormat(undefined, undefined), 'table');
  for (const [file, what] of [['out.xlsx', /the extension \.xlsx names no output format/], ['out.tsv', /\.tsv names no output format/], ['results', /has no extension/]] as const) {
    assert.throws(() => outputFormat(undefined, file), (e: Error) => e instanceof UserError && what.test(e.message) && /--format csv -o/.test((e as UserError).hint ?? ''));
  }
});

test('show SWEEP --top N --json lists the best N runs only', () => {
  const runsDir = tempRunsDir();
  writeSweep(runsDir, 'exp', '20260101-000000-abcd', [
    { params: { learning_rate: 0.1 }, confusion: { tn: 40, fp: 10, fn: 10, tp: 40 } },
    { params: { learning_rate: 0.2 }, confusion: { tn: 49, fp: 1, fn: 0, tp: 50 } },
    { params: { learning_rate: 0.3 }, confusion: { tn: 45, fp: 5, fn: 5, tp: 45 } },
    { params: { learning_rate: 0.4 }, confusion: { tn: 30, fp: 20, fn: 20, tp: 30 } },
  ]);
  let out = '';
  const io = { cwd: runsDir, env: {}, stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true } } as never;
  showCommand('exp/20260101-000000-abcd', { runsDir, json: true, top: 2 }, io);
  assert.deepEqual(JSON.parse(out).runs.map((r: { params: { learning_rate: number } }) => r.params.learning_rate), [0.2, 0.3]);
});

test('verify --json writes every key in snake_case, as every JSON of dlsweep, each field of the check under its documented name', () => {
  const runsDir = tempRunsDir();
  const dir = writeSweep(runsDir, 'exp', '20260101-000000-abcd', [{ params: { learning_rate: 0.1 } }, { params: { learning_rate: 0.2 } }, { params: { learning_rate: 0.3 }, status: 'failed' }]);
  const [first, second, third] = readdirSync(dir).filter((n) => /^\d{4}-/.test(n)).sort();
  writeFileSync(join(dir, second, 'metrics.json'), '{');
  writeFileSync(join(dir, '0009-deadbeef'), 'a file, not a run folder');
  let out = '';
  const io = { cwd: runsDir, env: {}, stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true } } as never;
  assert.equal(verifyCommand('exp', { runsDir, json: true }, io), 1);
  const json = JSON.parse(out);
  const keys = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap(keys) : v !== null && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : []);
  for (const k of keys(json)) assert.match(k, /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, `key ${k}`);
  const [sweep] = json.sweeps;
  assert.deepEqual(Object.keys(sweep), ['dir', 'sweep_problems', 'runs', 'grid_size', 'search_method', 'kept', 'damaged', 'not_folders', 'strangers', 'failed', 'interrupted', 'pending', 'pending_at_most', 'landscape_problems', 'damaged_files']);
  assert.deepEqual(sweep.sweep_problems, ['experiment.yaml is missing']);
  assert.equal(sweep.runs, 3);
  assert.equal(sweep.grid_size, 3);
  assert.equal(sweep.search_method, null);
  assert.equal(sweep.pending_at_most, false);
  // The fixture's runs have no model.json: the first is damaged for that, the second for its metrics.json.
  assert.equal(sweep.kept, 0);
  assert.deepEqual(sweep.damaged.map((d: { folder: string }) => d.folder), [first, second]);
  assert.deepEqual(sweep.damaged[0].problems, ['model.json is missing']);
  assert.match(sweep.damaged[1].problems[0], /^metrics\.json is not valid JSON/);
  assert.deepEqual(sweep.not_folders, ['0009-deadbeef']);
  assert.deepEqual(sweep.strangers, []);
  assert.deepEqual(sweep.failed, [third]);
  assert.equal(sweep.pending, 0);
  assert.deepEqual(sweep.landscape_problems, []);
  assert.equal(sweep.damaged_files, true);
  // Every field the check has is written (one more: damaged_files); a new one fails here until it is named.
  assert.equal(Object.keys(sweep).length, Object.keys(verifySweep(dir)).length + 1);
});

test('verify on a search names the search method, not a grid, and says "at most" for an unfinished asha search\'s count', () => {
  const runsDir = tempRunsDir();
  const run = (lr: number, status?: 'failed') => ({ params: { learning_rate: lr }, ...(status ? { status } : {}) });
  // Four runs recorded (one failed) of a halving search of 26 runs (18 + 6 + 2), and of an asha search of at most 40.
  const runs = [run(0.1), run(0.2), run(0.3), run(0.4, 'failed')];
  const halving = writeSweep(runsDir, 'h', '20260101-000000-aaaa', runs, { status: 'interrupted', grid_size: 26, search: { method: 'halving', trials: 18 } });
  const asha = writeSweep(runsDir, 'a', '20260101-000000-bbbb', runs, { status: 'interrupted', grid_size: 40, search: { method: 'asha', trials: 27 } });
  for (const dir of [halving, asha]) {
    // The fixture's curves have a row every 10 updates (report-fixtures.ts), which verify checks against it.
    writeFileSync(join(dir, 'experiment.yaml'), 'name: x\nrecord:\n  curve_every: 10\n');
    for (const f of readdirSync(dir).filter((n) => /^\d{4}-/.test(n))) writeFileSync(join(dir, f, 'model.json'), JSON.stringify({ dims: [1, 1], W: [[[0.5]]], b: [[0]] }));
  }
  writeFileSync(join(asha, 'search.json'), JSON.stringify({ finished: false }));
  const text = (target: string, json = false) => {
    let out = '';
    const io = { cwd: runsDir, env: {}, stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true } } as never;
    verifyCommand(target, { runsDir, json }, io);
    return out;
  };
  // 26 - 3 sound - 1 failed = 22 pending; resume trains those and the failed run: 23.
  const h = text('h');
  assert.match(h, /^h\/20260101-000000-aaaa: 4 run folders checked \(halving search of 26 runs\), 3 sound$/m);
  assert.match(h, /^ {2}resume would train 23 runs of the halving search \(1 failed, 22 pending\): dlsweep run EXPERIMENT_FILE --resume h\/20260101-000000-aaaa$/m);
  assert.doesNotMatch(h, /grid/);
  // asha: 40 is the most it may train; what a resume trains depends on its promotions: at most 36 pending, 37 in all.
  const a = text('a');
  assert.match(a, /^a\/20260101-000000-bbbb: 4 run folders checked \(asha search of at most 40 runs\), 3 sound$/m);
  assert.match(a, /^ {2}resume would train at most 37 runs of the asha search \(1 failed, at most 36 pending\): /m);
  assert.doesNotMatch(a, /grid/);
  const [json] = JSON.parse(text('a', true)).sweeps;
  assert.deepEqual([json.search_method, json.grid_size, json.pending, json.pending_at_most], ['asha', 40, 36, true]);
  // Once finished, asha's sweep.json holds the runs it trained: the counts are exact again.
  writeFileSync(join(asha, 'search.json'), JSON.stringify({ finished: true }));
  assert.match(text('a'), /\(asha search of 40 runs\)/);
});

test('compare --columns ...,status shows the status column once', () => {
  const rows = [row(1, { learning_rate: 0.1 }, { 'validation.accuracy': 0.9 }), row(2, { learning_rate: 0.2 }, {}, { status: 'failed', note: 'boom' })];
  const view = runsView('t', rows, { columns: 'learning_rate,validation.accuracy,status' });
  assert.deepEqual(view.columns.map((c) => c.key), ['best', 'run', 'learning_rate', 'status', 'validation.accuracy']);
});

test('compare --columns shows every column once: +NAME of a column already shown, a name given twice or by an alias, a run fact placed automatically', () => {
  const rows = [
    row(1, { learning_rate: 0.1, threshold: 0.5 }, { 'validation.accuracy': 0.9 }, { userNote: 'first', tags: ['a'], sweep: 'x/1' }),
    row(2, { learning_rate: 0.2, threshold: 0.7 }, {}, { status: 'failed', note: 'boom', tags: ['b'], sweep: 'y/1' }),
  ];
  const keys = (columns: string) => {
    const view = runsView('t', rows, { columns });
    const all = view.columns.map((c) => c.key);
    assert.deepEqual(all, [...new Set(all)], `--columns ${columns}: ${all.join(', ')}`);
    // Every row has a cell for every column.
    for (const r of view.rows) assert.equal(r.cells.length, all.length);
    return all;
  };
  // threshold varies (a column already), the notes and tags differ (columns already): each once, where it was.
  assert.deepEqual(keys('+threshold,+note,+tags,+tags'), ['best', 'sweep', 'run', 'learning_rate', 'threshold', 'tags', 'note', ...DEFAULT_METRIC_KEYS, 'status']);
  assert.deepEqual(keys('+val.acc,+validation.accuracy,+run,+sweep,+status'), ['best', 'run', 'learning_rate', 'threshold', 'tags', 'note', ...DEFAULT_METRIC_KEYS, 'sweep', 'status']);
  assert.deepEqual(keys('learning_rate,learning_rate,val.acc,validation.accuracy'), ['best', 'sweep', 'run', 'learning_rate', 'validation.accuracy', 'status']);
  // The same in every output built from the view: CSV's header names each column once.
  const csv = renderView(runsView('t', rows, { columns: '+note,+tags,+tags' }), 'csv').split('\n')[0].split(',');
  assert.deepEqual(csv, [...new Set(csv)]);
});

test('--group-by shows the metric its groups are ordered by', () => {
  const rows = [
    row(1, { learning_rate: 0.1, seed: 1 }, { 'validation.accuracy': 0.8, 'validation.loss': 0.5, 'validation.recall': 0.99 }),
    row(2, { learning_rate: 0.2, seed: 1 }, { 'validation.accuracy': 0.9, 'validation.loss': 0.4, 'validation.recall': 0.5 }),
  ];
  const view = groupsView('t', rows, { groupBy: ['learning_rate'], columns: 'validation.recall' });
  assert.ok(view.columns.some((c) => c.key === 'validation.accuracy'), 'the default order (validation accuracy) is shown');
  assert.equal(view.rows[0].cells[1].text, '0.2');
  assert.match(view.footnotes.join('\n'), /validation\.accuracy, validation\.loss: shown because the groups are ordered by them/);
  const sorted = groupsView('t', rows, { groupBy: ['learning_rate'], columns: 'validation.loss', sort: 'validation.recall' });
  assert.ok(sorted.columns.some((c) => c.key === 'validation.recall'));
  assert.equal(sorted.rows[0].cells[1].text, '0.1');
});

test('comparing sweeps on different data: a dataset column, a warning, and a best run per dataset', () => {
  const a = row(1, { learning_rate: 0.1 }, { 'validation.accuracy': 0.99, 'validation.loss': 0.1 }, { sweep: 'x/1', dataset: 'blobs@11111111' });
  const b = row(2, { learning_rate: 0.1 }, { 'validation.accuracy': 0.9, 'validation.loss': 0.2 }, { sweep: 'y/1', dataset: 'wisconsin@22222222' });
  const c = row(3, { learning_rate: 0.2 }, { 'validation.accuracy': 0.8, 'validation.loss': 0.2 }, { sweep: 'y/1', dataset: 'wisconsin@22222222' });
  const view = runsView('t', [a, b, c]);
  assert.ok(view.columns.some((col) => col.key === 'dataset'));
  assert.match(view.notes.join('\n'), /warning: these sweeps use different data \(blobs@11111111, wisconsin@22222222\); the best run is marked per dataset/);
  assert.deepEqual(view.rows.filter((r) => r.best).length, 2);
  const groups = compareView('t', [a, b, c], { groupBy: ['learning_rate'] });
  assert.match(groups.notes[0], /^warning: these sweeps use different data/);
});

test('log-scale curves: a loss of 0 is drawn at a floor with a note (report and show --log), never dropped', async () => {
  const runsDir = tempRunsDir();
  const dir = writeSweep(runsDir, 'z', '20260101-000000-abcd', [
    { params: { learning_rate: 0.1 }, curve: [[0, 0.7, 0.7], [10, 0.2, 0.25], [20, 0.05, 0.1]] },
    { params: { learning_rate: 10000 }, confusion: { tn: 30, fp: 20, fn: 20, tp: 30 }, curve: [[0, 0.7, 0.7], [10, 0, 5], [20, 0, 6]] },
  ]);
  const html = await renderReport(sweepTitle(dir), readSweepFile(dir), sweepRows(dir));
  const log = /<div id="curves-log"[^>]*data-floor="([^"]+)"[^>]*>(.*?)<\/div>/s.exec(html)!;
  assert.equal(Number(log[1]), 0.005); // a decade under the smallest positive loss, 0.05
  assert.match(log[2], /a run reaches a loss of 0 \(0002 \(10000\)\); those points are drawn at 0\.005000, the bottom of the axis/);
  // Both runs are on both log charts.
  assert.deepEqual([...log[2].matchAll(/data-series="(\d+)"/g)].map((m) => m[1]), ['2', '2']);
  // show --log: the floor is a decade under that run's smallest positive loss (0.7).
  const text = curveLines(join(dir, '0002-' + sweepRows(dir)[1].hash), { log: true }).join('\n');
  assert.match(text, /losses of 0 drawn at 0\.07000, the bottom of the axis/);
  assert.match(text, /^ {2}0\.07000 ┤╰─/m);
});

test('the report draws runs sharing a curve once, labelled by the best of them, and the best run on top', async () => {
  const runsDir = tempRunsDir();
  const shared: [number, number, number][] = [[0, 0.7, 0.7], [10, 0.3, 0.35], [20, 0.2, 0.3]];
  const dir = writeSweep(runsDir, 's', '20260101-000000-abcd', [
    { params: { threshold: 0.5 }, confusion: { tn: 40, fp: 10, fn: 10, tp: 40 }, curve: shared },
    { params: { threshold: 0.7 }, confusion: { tn: 48, fp: 2, fn: 2, tp: 48 }, curve: shared },
    { params: { threshold: 0.9 }, confusion: { tn: 45, fp: 5, fn: 5, tp: 45 }, curve: [[0, 0.7, 0.7], [10, 0.4, 0.45], [20, 0.3, 0.4]] },
  ]);
  const html = await renderReport(sweepTitle(dir), readSweepFile(dir), sweepRows(dir));
  const chart = /<figure class="curve" data-split="train" data-series="(\d+)">(.*?)<\/figure>/s.exec(html)!;
  assert.equal(chart[1], '2'); // three runs, two distinct curves
  const order = [...chart[2].matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
  // Lines in drawing order: the worse curve first, the best run's (threshold 0.7, sharing with 0.5) last, on top.
  assert.deepEqual(order, ['0003 (0.9)', '0002 (0.7) +1 sharing its curve']);
});

test('k-fold runs: test counts worded one way above and below, and no [95% interval] promised for test figures that have none', () => {
  const k = 3;
  // Two k-fold runs: test counts summed over the 3 folds' models (each of 137 test rows counted 3 times).
  const kfoldRow = (i: number, acc: number) =>
    row(i, { learning_rate: 0.1 * i }, { 'validation.accuracy': acc, 'validation.loss': 0.2, 'test.accuracy': acc, 'test.loss': 0.2, 'test.tn': 264, 'test.fp': 3, 'test.fn': 10, 'test.tp': 134, 'validation.fp': 15 }, {
      std: { 'validation.accuracy': 0.01, 'validation.loss': 0.01, 'test.accuracy': 0.004, 'test.loss': 0.004 },
      n: { 'validation.loss': k, 'test.loss': k },
    });
  const view = runsView('exp/20260101-000000-abcd', [kfoldRow(1, 0.96), kfoldRow(2, 0.94)], { columns: 'run,test.accuracy,test.tn,validation.fp' });
  const text = [...view.notes, ...view.footnotes].join('\n');
  const said = `summed over the ${k} folds' models: each test row counted ${k} times`;
  // Under the best run's figures and in the footnote on the test TN column: the same words.
  assert.ok(view.footnotes.some((l) => /TN 264 FP 3 FN 10 TP 134/.test(l) && l.includes(`(${said})`)), text);
  assert.ok(view.footnotes.some((l) => l.includes(`test TN: confusion counts ${said}`)), text);
  assert.doesNotMatch(text, /summed over the folds(?!:)/);
  // Validation counts: each row once, out of fold.
  assert.match(text, /val(idation)? FP: confusion counts summed over the folds: each row once, scored out of fold/);
  assert.doesNotMatch(text, /95% interval/);

  // A run of one split keeps its promise of intervals, and they are there.
  const fixed = row(3, { learning_rate: 0.3 }, { 'validation.accuracy': 0.95, 'validation.loss': 0.2, 'test.accuracy': 0.95, 'test.loss': 0.2, 'test.accuracy_ci_low': 0.9, 'test.accuracy_ci_high': 0.98 });
  const one = runsView('exp/20260101-000000-abcd', [fixed]).footnotes.join('\n');
  assert.match(one, /\[95% interval\]\):/);
  assert.match(one, /accuracy 0\.9500 \[0\.9000, 0\.9800\]/);
});
