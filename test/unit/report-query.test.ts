import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { UserError } from '../../src/errors.js';
import { compareValues, knownColumns, parseSortKeys, resolveColumn, sortRows } from '../../src/report/columns.js';
import { compareView, groupsView, marginalsView, pivotView, runsView } from '../../src/report/compare/index.js';
import { summarize } from '../../src/train/statistics.js';
import { renderCsvView, renderHtmlView, renderJsonView, renderMarkdownView, renderTerminalView } from '../../src/report/render.js';
import { row } from './report-fixtures.js';
import type { Row } from '../../src/report/rows.js';

// A 2 x 2 grid (learning_rate x hidden_sizes) with 3 seeds each; accuracy known per run.
const LR = [0.01, 0.1];
const HS = [[5], [15]];
const grid: Row[] = [];
let n = 0;
for (const lr of LR) {
  for (const hs of HS) {
    for (const seed of [1, 2, 3]) {
      n++;
      const acc = 0.8 + (lr === 0.1 ? 0.1 : 0) + (hs[0] === 15 ? 0.05 : 0) + seed / 1000;
      grid.push(
        row(n, { learning_rate: lr, hidden_sizes: hs, seed, init: 'lecun_normal' }, { 'validation.accuracy': acc, 'validation.loss': 1 - acc, 'validation.fn': seed, 'validation.recall': seed === 2 ? null : acc }, {
          spellings: { learning_rate: lr === 0.01 ? '1e-2' : '0.1' },
        }),
      );
    }
  }
}

function column(view: ReturnType<typeof runsView>, key: string): string[] {
  const i = view.columns.findIndex((c) => c.key === key);
  assert.ok(i >= 0, `no column ${key}`);
  return view.rows.map((r) => r.cells[i].text);
}

test('--sort: a run fact no run compared has, or an empty name between commas, is refused; a metric sorted by is shown', () => {
  const refused = (sort: string, message: RegExp, hint: RegExp) =>
    assert.throws(
      () => compareView('t', grid, { sort }),
      (e: unknown) => e instanceof UserError && message.test(e.message) && hint.test(e.hint ?? ''),
    );
  // A grid has no search brackets and no early stopping: these keys would leave the rows in run order.
  refused('bracket', /^--sort: no run compared has a bracket, so it orders nothing$/, /Hyperband/);
  refused('validation.loss,stopped_at:desc', /^--sort: no run compared has a stopped_at/, /early_stopping/);
  refused('validation.loss,', /^--sort "validation\.loss," has an empty name between commas$/, /--sort validation\.loss$/);
  refused('validation.loss,,seed', /empty name between commas/, /--sort validation\.loss,seed$/);
  // A run fact some runs have still sorts (the others last).
  const stopped = grid.map((r, i) => ({ ...r, stop: { stopped_at: i === 4 ? 40 : null, stop_reason: null, restored_from: null } }));
  assert.equal(compareView('t', stopped, { sort: 'stopped_at' }).rows[0].run, 5);
  // Sorted by a metric the default columns leave out: its column is added, so the order can be checked.
  // (recall = accuracy = 0.8 + 0.1 at lr 0.1 + 0.05 at [15] + seed / 1000; none for seed 2, listed last.)
  const view = compareView('t', grid, { sort: 'validation.recall' });
  assert.deepEqual(column(view, 'validation.recall'), ['0.9530', '0.9510', '0.9030', '0.9010', '0.8530', '0.8510', '0.8030', '0.8010', 'n/a', 'n/a', 'n/a', 'n/a']);
  const picked = compareView('t', grid, { sort: 'validation.recall', columns: 'run,validation.loss' });
  assert.deepEqual(picked.columns.map((c) => c.key), ['best', 'run', 'validation.loss', 'validation.recall']);
});

test('--where: a run fact no run compared has is refused, as --sort refuses it ("trial > 1" on a grid gave no rows in silence)', () => {
  const refused = (where: string, message: RegExp, hint: RegExp) =>
    assert.throws(
      () => compareView('t', grid, { where }),
      (e: unknown) => e instanceof UserError && message.test(e.message) && hint.test(e.hint ?? ''),
    );
  refused('trial > 1', /^--where: no run compared has a trial, so this keeps no run at column 1\n/, /search/);
  refused('learning_rate > 0.05 and not (bracket == 2)', /^--where: no run compared has a bracket, so this keeps no run at column 31\n/, /Hyperband/);
  refused('rung in [0, 1]', /no run compared has a rung/, /halving/);
  // Asking whether runs have it is an answer: every grid run lacks a trial.
  assert.equal(compareView('t', grid, { where: 'trial == null' }).rows.length, grid.length);
  assert.equal(compareView('t', grid, { where: 'trial != null' }).rows.length, 0);
  // A run fact some runs have still filters (the others fail the comparison).
  const stopped = grid.map((r, i) => ({ ...r, stop: { stopped_at: i === 4 ? 40 : null, stop_reason: null, restored_from: null } }));
  assert.deepEqual(compareView('t', stopped, { where: 'stopped_at < 50' }).rows.map((r) => r.run), [5]);
});

test('typed values order: numbers as numbers, lists element by element, strings by code point', () => {
  assert.ok(compareValues(9, 10) < 0);
  assert.ok(compareValues('10', '9') < 0);
  assert.ok(compareValues([5], [15]) < 0);
  assert.ok(compareValues([15], [15, 1]) < 0);
  assert.ok(compareValues([8, 4], [15]) < 0);
  assert.equal(compareValues([15], [15]), 0);
});

test('--sort: numbers sort as numbers, either direction; n/a last; ties by the lower run number; unfinished runs last', () => {
  const rows = [
    row(1, { learning_rate: 9 }, { 'validation.accuracy': 0.5 }),
    // Run ids in the opposite order of the run numbers: the tie of runs 2 and 3 must not follow them.
    row(2, { learning_rate: 10 }, { 'validation.accuracy': 0.7 }, { run_id: 'f'.repeat(64) }),
    row(3, { learning_rate: 100 }, { 'validation.accuracy': 0.7 }, { run_id: '0'.repeat(64) }),
    row(4, { learning_rate: 2 }, { 'validation.accuracy': null }),
    row(5, { learning_rate: 1 }, {}, { status: 'failed', note: 'boom' }),
    row(6, { learning_rate: 0.5 }, {}, { status: 'diverged', note: 'diverged at update 3' }),
  ];
  const defs = knownColumns(rows);
  const byLr = sortRows(rows, parseSortKeys('learning_rate', defs)).map((r) => r.index);
  assert.deepEqual(byLr, [4, 1, 2, 3, 6, 5]);
  const byLrDesc = sortRows(rows, parseSortKeys('learning_rate:desc', defs)).map((r) => r.index);
  assert.deepEqual(byLrDesc, [3, 2, 1, 4, 6, 5]);
  // Accuracy: high first by default; 2 and 3 tie, broken by the lower run number (not by input order or run id); n/a last.
  const tied = [2, 3];
  const byAcc = sortRows(rows, parseSortKeys('validation.accuracy', defs)).map((r) => r.index);
  assert.deepEqual(byAcc, [...tied, 1, 4, 6, 5]);
  const reversed = sortRows([...rows].reverse(), parseSortKeys('validation.accuracy', defs)).map((r) => r.index);
  assert.deepEqual(reversed, byAcc);
  const byAccAsc = sortRows(rows, parseSortKeys('validation.accuracy:asc', defs)).map((r) => r.index);
  assert.deepEqual(byAccAsc, [1, ...tied, 4, 6, 5]);
  // Loss sorts low first by default.
  assert.equal(parseSortKeys('validation.loss', defs)[0].descending, false);
  assert.throws(() => parseSortKeys('validation.acuracy', defs), (e: unknown) => e instanceof UserError && /unknown column "validation\.acuracy" \(did you mean validation\.accuracy\?\)/.test(e.message));
  assert.throws(() => parseSortKeys('learning_rate:up', defs), /unknown direction/);
});

test('an unknown metric given to an option lists the metrics, without an empty list of run facts', () => {
  const defs = knownColumns([row(1, { learning_rate: 0.1 }, { 'validation.accuracy': 0.5 })]);
  assert.throws(
    () => resolveColumn('bogus', defs, '--metric', ['metric']),
    (e: unknown) => e instanceof UserError && /^metrics: /.test(e.hint ?? '') && !/run facts/.test(e.hint ?? ''),
  );
  // Where run facts are names the option takes, they are listed.
  assert.throws(() => resolveColumn('bogus', defs, '--sort'), (e: unknown) => e instanceof UserError && /\nrun facts: run, /.test(e.hint ?? ''));
});

test('runs view: varying parameters as columns, fixed ones above, spellings kept, best marked, unfinished last with status', () => {
  const rows = [...grid.slice(0, 3), row(99, { learning_rate: 0.5, hidden_sizes: [5], seed: 1, init: 'lecun_normal' }, {}, { status: 'failed', note: 'worker died' })];
  const view = runsView('exp/s', rows);
  assert.deepEqual(
    view.columns.map((c) => c.key),
    ['best', 'run', 'learning_rate', 'seed', 'train.loss', 'train.accuracy', 'validation.loss', 'validation.accuracy', 'validation.fn', 'validation.fp', 'status'],
  );
  assert.deepEqual(view.notes, ['fixed: hidden_sizes=[5], init=lecun_normal']);
  assert.deepEqual(column(view, 'learning_rate'), ['1e-2', '1e-2', '1e-2', '0.5']);
  assert.deepEqual(column(view, 'seed'), ['3', '2', '1', '1']);
  assert.deepEqual(column(view, 'validation.accuracy'), ['0.8030', '0.8020', '0.8010', '-']);
  // n/a for undefined metrics, never NaN or 0.
  assert.deepEqual(column(view, 'train.loss'), ['n/a', 'n/a', 'n/a', '-']);
  assert.deepEqual(column(view, 'status'), ['done', 'done', 'done', 'failed: worker died']);
  assert.deepEqual(view.rows.map((r) => Boolean(r.best)), [true, false, false, false]);
  assert.equal(view.footnotes[0], '* best by validation accuracy, then validation loss (the default objective)');
  // --no-only-changed shows every parameter; --columns replaces the metric columns.
  const all = runsView('exp/s', rows, { onlyChanged: false, columns: 'validation.recall' });
  assert.deepEqual(all.columns.map((c) => c.key), ['best', 'run', 'learning_rate', 'hidden_sizes', 'init', 'seed', 'validation.recall', 'status']);
  assert.deepEqual(column(all, 'validation.recall'), ['0.8030', 'n/a', '0.8010', '-']);
  const added = runsView('exp/s', rows, { columns: '+validation.recall' });
  assert.equal(added.columns.at(-2)!.key, 'validation.recall');
  const picked = runsView('exp/s', rows, { columns: 'seed,validation.accuracy' });
  assert.deepEqual(picked.columns.map((c) => c.key), ['best', 'run', 'seed', 'validation.accuracy', 'status']);
  assert.throws(() => runsView('exp/s', rows, { columns: 'seed,+validation.recall' }), /either list the columns/);
});

test('--where and --top filter; --sort does not move the best marker', () => {
  const view = runsView('exp/s', grid, { where: 'hidden_sizes == [15] and seed != 2', sort: 'validation.accuracy:asc', top: 3 });
  assert.deepEqual(column(view, 'run').length, 3);
  assert.deepEqual(column(view, 'validation.accuracy'), ['0.8510', '0.8530', '0.9510']);
  assert.match(view.notes.join('\n'), /where: hidden_sizes == \[15\] and seed != 2 \(4 of 12 runs\)/);
  assert.deepEqual(view.footnotes.slice(2), ['sorted by validation.accuracy (low first); unfinished runs last', 'top 3 of 4 runs']);
  // Chosen among 4 finished runs on their validation rows, with no test split: said under the table.
  assert.match(view.footnotes[1], /optimistic: it was chosen among 4 runs on the same validation rows/);
  // The best is the objective's (the highest validation accuracy, 0.9530), which this sort puts beyond --top 3.
  assert.deepEqual(view.rows.map((r) => Boolean(r.best)), [false, false, false]);
  assert.equal(view.footnotes[0], '* best by validation accuracy, then validation loss (the default objective)');
});

test('several sweeps: columns are the union of parameters; a missing one shows -, never 0 or blank', () => {
  const a = [row(1, { learning_rate: 0.1, seed: 1 }, { 'validation.accuracy': 0.9 }, { sweep: 'a/20260101-000000-aaaa' })];
  const b = [row(1, { learning_rate: 0.1, seed: 1, momentum: 0.9 }, { 'validation.accuracy': 0.8 }, { sweep: 'b/20260102-000000-bbbb' })];
  const view = runsView('a + b', [...a, ...b]);
  assert.deepEqual(view.columns.slice(0, 4).map((c) => c.key), ['best', 'sweep', 'run', 'momentum']);
  assert.deepEqual(column(view, 'momentum'), ['-', '0.9']);
  assert.deepEqual(column(view, 'sweep'), ['a/20260101-000000-aaaa', 'b/20260102-000000-bbbb']);
  assert.deepEqual(view.notes, ['fixed: learning_rate=0.1, seed=1']);
  const csv = parse(renderCsvView(view), { columns: true }) as Record<string, string>[];
  assert.deepEqual(csv.map((r) => r.momentum), ['', '0.9']);
  const json = JSON.parse(renderJsonView(view));
  assert.equal('momentum' in json.rows[0], false);
  assert.equal(json.rows[1].momentum, 0.9);
});

test('--group-by: mean, sample std, min, max and count per group, checked against the runs', () => {
  const view = groupsView('exp/s', grid, { groupBy: ['learning_rate', 'hidden_sizes'], columns: 'validation.accuracy,validation.recall' });
  assert.equal(view.rows.length, 4);
  const json = JSON.parse(renderJsonView(view));
  // Best group first: lr 0.1, hidden [15].
  assert.deepEqual([json.rows[0].learning_rate, json.rows[0].hidden_sizes], [0.1, [15]]);
  for (const g of json.rows) {
    const members = grid.filter((r) => r.params.learning_rate === g.learning_rate && JSON.stringify(r.params.hidden_sizes) === JSON.stringify(g.hidden_sizes));
    const accs = members.map((r) => r.metrics['validation.accuracy'] as number);
    const mean = accs.reduce((s, v) => s + v, 0) / accs.length;
    const std = Math.sqrt(accs.reduce((s, v) => s + (v - mean) ** 2, 0) / (accs.length - 1));
    assert.equal(g.runs, 3);
    assert.ok(Math.abs(g['validation.accuracy'].mean - mean) < 1e-12);
    assert.ok(Math.abs(g['validation.accuracy'].std - std) < 1e-12);
    // JSON numbers are written to 12 significant digits.
    assert.ok(Math.abs(g['validation.accuracy'].min - Math.min(...accs)) < 1e-12);
    assert.ok(Math.abs(g['validation.accuracy'].max - Math.max(...accs)) < 1e-12);
    assert.equal(g['validation.accuracy'].n, 3);
    // Recall is n/a for seed 2: aggregated over the 2 defined values.
    assert.equal(g['validation.recall'].n, 2);
  }
  const csv = parse(renderCsvView(view), { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(csv[0]).slice(0, 9), ['best', 'learning_rate', 'hidden_sizes', 'runs', 'validation.accuracy.mean', 'validation.accuracy.std', 'validation.accuracy.min', 'validation.accuracy.max', 'validation.accuracy.n']);
  assert.equal(csv[0].best, 'true');
  const text = renderTerminalView(view);
  assert.match(text, /4 groups of 12 runs/);
  assert.match(text, /0\.9520 ± 0\.0010/);
  assert.match(text, /0\.9510–0\.9530/);
  assert.match(text, /varying within groups: seed/);
  assert.throws(() => groupsView('exp/s', grid, { groupBy: ['validation.accuracy'] }), /is a metric, not a/);
  assert.throws(() => groupsView('exp/s', grid, { groupBy: ['lerning_rate'] }), /unknown .*"lerning_rate" \(did you mean learning_rate\?\)/);
});

test('--pivot: cells are means computed from the runs; best cell marked; rows and columns in value order', () => {
  const view = pivotView('exp/s', grid, { pivot: ['learning_rate', 'hidden_sizes', 'validation.accuracy'] });
  assert.deepEqual(view.columns.map((c) => c.label), ['learning_rate \\ hidden_sizes', '[5]', '[15]']);
  assert.deepEqual(view.rows.map((r) => r.cells[0].text), ['1e-2', '0.1']);
  for (const [i, lr] of LR.entries()) {
    for (const [j, hs] of HS.entries()) {
      const accs = grid.filter((r) => r.params.learning_rate === lr && (r.params.hidden_sizes as number[])[0] === hs[0]).map((r) => r.metrics['validation.accuracy'] as number);
      const mean = accs.reduce((s, v) => s + v, 0) / accs.length;
      assert.ok(Math.abs((view.rows[i].cells[j + 1].value as number) - mean) < 1e-12);
    }
  }
  assert.equal(view.rows[1].cells[2].text, '0.9520 *');
  assert.equal(view.rows[0].cells[1].text, '0.8020');
  assert.match(view.footnotes[0], /each cell: mean over 3 finished runs \(also varying: seed\)/);
  const csv = renderCsvView(view).trim().split('\n');
  assert.equal(csv[0], 'learning_rate,[5],[15]');
  assert.throws(() => pivotView('exp/s', grid, { pivot: ['learning_rate', 'hidden_sizes'] }), /--pivot takes 3 names/);
  assert.throws(() => pivotView('exp/s', grid, { pivot: ['learning_rate', 'hidden_sizes', 'accuracy'] }), /did you mean validation\.accuracy/);
});

test('--marginals: the metric averaged per value of each parameter', () => {
  const view = marginalsView('exp/s', grid, { marginals: 'validation.fn' });
  const json = JSON.parse(renderJsonView(view));
  const seeds = json.rows.filter((r: any) => r.parameter === 'seed');
  assert.deepEqual(seeds.map((r: any) => [r.value, r.mean, r.runs]), [
    [1, 1, 4],
    [2, 2, 4],
    [3, 3, 4],
  ]);
  // Fewer false negatives are better: seed 1 marked.
  assert.deepEqual(seeds.map((r: any) => r.best), [true, false, false]);
  const lr = json.rows.filter((r: any) => r.parameter === 'learning_rate');
  assert.deepEqual(lr.map((r: any) => r.value), [0.01, 0.1]);
  const acc = marginalsView('exp/s', grid, { marginals: true });
  const text = renderTerminalView(acc);
  assert.match(text, /val acc mean/);
  // lr 0.1: mean of 0.9+{0,0.05}+seed/1000 = 0.927
  assert.match(text, /│ 0\.1 +│ +6 │ +0\.9270 │/);
});

test('compareView refuses combined views; summarize uses the sample std', () => {
  assert.throws(() => compareView('x', grid, { groupBy: ['seed'], marginals: true }), /--group-by and --marginals cannot be combined/);
  assert.throws(() => compareView('x', grid, { pivot: ['seed', 'learning_rate', 'validation.accuracy'], top: 2 }), /--top applies to runs/);
  assert.deepEqual(summarize([1, 2, 3]), { mean: 2, std: 1, min: 1, max: 3, n: 3 });
  assert.deepEqual(summarize([4]), { mean: 4, std: null, min: 4, max: 4, n: 1 });
  assert.deepEqual(summarize([]), { mean: null, std: null, min: null, max: null, n: 0 });
});

test('every format renders the same rows: markdown bolds the best run, html sorts, csv and json are typed', () => {
  const view = runsView('exp/s', grid.slice(0, 3));
  const md = renderMarkdownView(view);
  assert.match(md, /^# exp\/s\n/);
  assert.match(md, new RegExp(`\\| \\* \\| \\*\\*${view.rows[0].cells[1].text}\\*\\* \\|`));
  const html = renderHtmlView(view);
  assert.match(html, /<table class="sortable"/);
  assert.match(html, /data-v="0.803"/);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/);
  const rows = parse(renderCsvView(view), { columns: true }) as Record<string, string>[];
  assert.deepEqual(rows.map((r) => r['validation.accuracy']), ['0.803', '0.802', '0.801']);
  assert.deepEqual(rows.map((r) => r.seed), ['3', '2', '1']);
  const json = JSON.parse(renderJsonView(view));
  assert.equal(json.kind, 'runs');
  assert.deepEqual(json.rows[0].seed, 3);
  assert.deepEqual(json.notes, ['fixed: learning_rate=1e-2, hidden_sizes=[5], init=lecun_normal']);
  // Colour (bold best row) only when asked for, i.e. on a terminal without NO_COLOR.
  assert.match(renderTerminalView(view, { color: true }), /\u001b\[1m\*\u001b\[22m/);
  assert.doesNotMatch(renderTerminalView(view, { color: false }), /\u001b\[/);
  // Float noise never reaches an output: 0.1 + 0.2 is written 0.3.
  const noisy = runsView('x', [row(1, { learning_rate: 0.1 + 0.2 }, { 'validation.accuracy': 0.1 + 0.2, 'validation.loss': 0.1 + 0.2 })], { onlyChanged: false });
  const out = renderCsvView(noisy) + renderJsonView(noisy) + renderTerminalView(noisy);
  assert.doesNotMatch(out, /30000000000000004/);
  assert.match(renderCsvView(noisy), /,0\.3,/);
});

test('an option given an empty value, or a column of a split the runs lack (test.* without a test split), is refused with the columns there', () => {
  const refused = (options: Parameters<typeof compareView>[2], message: RegExp, rows: Row[] = grid) =>
    assert.throws(
      () => compareView('t', rows, options),
      (e: unknown) => {
        assert.ok(e instanceof UserError, String(e));
        assert.match(e.message, message);
        // The hint names the columns that are there (the parameters too where the option takes them), and no test split.
        assert.match(e.hint ?? '', /(^|\n)metrics: train\.\* or validation\.\* with loss, /);
        if (!/^--(marginals|pivot): test/.test(e.message)) assert.match(e.hint ?? '', /parameters: learning_rate, hidden_sizes, init, seed\n/);
        return true;
      },
    );
  refused({ sort: '' }, /^--sort needs a column name$/);
  refused({ sort: ' , ' }, /^--sort needs a column name$/);
  refused({ columns: '' }, /^--columns names no column: its value is empty$/);
  refused({ columns: ',' }, /^--columns names no column: its value is empty$/);
  refused({ groupBy: [''] }, /^--group-by names no column: its value is empty$/);
  refused({ pivot: [' '] }, /^--pivot names no column: its value is empty$/);
  refused({ marginals: '' }, /^--marginals names no metric: its value is empty$/);
  const noTest = /: test\.(loss|accuracy): the runs compared have no test split, so no test\.(loss|accuracy)/;
  refused({ sort: 'test.loss' }, /^--sort: test\.loss: the runs compared have no test split, so no test\.loss$/);
  refused({ sort: 'validation.loss,test.acc:desc' }, noTest);
  refused({ columns: '+test.accuracy' }, /^--columns: test\.accuracy: /);
  refused({ columns: 'learning_rate,test.loss' }, noTest);
  refused({ where: 'learning_rate < 1 and test.loss < 1' }, /^--where: test\.loss: the runs compared have no test split, so no test\.loss at column 23\n/);
  refused({ marginals: 'test.loss' }, /^--marginals: test\.loss: /);
  refused({ pivot: ['learning_rate', 'seed', 'test.accuracy'] }, /^--pivot: test\.accuracy: /);
  refused({ groupBy: ['seed'], columns: 'test.loss' }, /^--columns: test\.loss: /);
  // One run with test figures: the test columns are there for every run (n/a where a run has none).
  const tested = [...grid.slice(0, 2), row(50, { learning_rate: 0.5, hidden_sizes: [5], seed: 1, init: 'lecun_normal' }, { 'validation.accuracy': 0.9, 'test.loss': 0.25, 'test.accuracy': 0.75 })];
  const view = compareView('t', tested, { sort: 'test.loss', columns: '+test.loss' });
  assert.deepEqual(column(view, 'test.loss'), ['0.2500', 'n/a', 'n/a']);
  // Runs not finished yet tell nothing about the split: not refused.
  assert.doesNotThrow(() => compareView('t', [row(1, { learning_rate: 0.1 }, {}, { status: 'pending' })], { sort: 'test.loss' }));
});

test('--group-by with --columns naming a parameter or run fact is refused (groups show metrics only), not dropped or averaged into n/a', () => {
  for (const [columns, named] of [['seed,validation.loss', 'seed'], ['+note', 'note'], ['validation.loss,init,tags', 'init, tags']]) {
    assert.throws(
      () => groupsView('exp/s', grid, { groupBy: ['learning_rate'], columns }),
      (e: unknown) => {
        assert.ok(e instanceof UserError, String(e));
        assert.equal(e.message, `--group-by: --columns ${named}: ${named.includes(',') ? 'not metrics' : 'not a metric'}, and groups show metrics only (mean ± std per group)`);
        return true;
      },
    );
  }
  assert.throws(() => groupsView('exp/s', grid, { groupBy: ['learning_rate'], columns: 'seed' }), (e: UserError) => /group by it too: --group-by learning_rate,seed;/.test(e.hint ?? ''));
});
