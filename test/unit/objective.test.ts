/**
 * The declared objective: read and checked from the experiment file, recorded in sweep.json, and followed by
 * every "best" (the table's star, the tie test against the best, marginals, EXPERIMENT/best, a search's
 * objective) whatever the display sort. Values are known by construction, not computed by the code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { parseExperiment } from '../../src/experiment/load.js';
import { formatDiagnostic } from '../../src/errors.js';
import { marginalsView, runsView } from '../../src/report/compare/index.js';
import { sortRows } from '../../src/report/columns.js';
import { sweepRows } from '../../src/report/rows.js';
import { buildComparison, renderTerminal } from '../../src/report/sweep-files.js';
import { metricLabel } from '../../src/report/format.js';
import { readRuns } from '../../src/store/read-runs.js';
import { resolveRun } from '../../src/report/run-address.js';
import { objectiveOf } from '../../src/cli/search.js';
import { sweepsView } from '../../src/cli/ls.js';
import { objectiveStatement, type ObjectiveSetting } from '../../src/sweep/objective.js';
import { only, refused } from '../helpers/experiments.js';
import { row, tempRunsDir, writeSweep, type FixtureRun } from './report-fixtures.js';

const HEAD = 'name: t\ndataset: wisconsin\n';
const parse = (text: string) => parseExperiment(text, 'exp.yaml', { cwd: '/tmp/dlsweep-test' });

test('objective: declared metric and goal; the goal defaults to the metric\'s direction; absent: the default, stated', () => {
  assert.deepEqual(parse(`${HEAD}objective: {metric: validation.loss, goal: minimize}\n`).objective, { keys: [{ metric: 'validation.loss', goal: 'minimize' }], declared: true });
  assert.deepEqual(parse(`${HEAD}objective: {metric: validation.recall}\n`).objective.keys, [{ metric: 'validation.recall', goal: 'maximize' }]);
  assert.deepEqual(parse(`${HEAD}objective: {metric: validation.fn}\n`).objective.keys, [{ metric: 'validation.fn', goal: 'minimize' }]);
  const none = parse(HEAD).objective;
  assert.deepEqual(none, { keys: [{ metric: 'validation.accuracy', goal: 'maximize' }, { metric: 'validation.loss', goal: 'minimize' }], declared: false });
  assert.match(objectiveStatement(none), /^objective: validation accuracy, maximized, then validation loss, minimized \(the default; declare another with objective:/);
  // A search ranks trials on one number: its default is the validation loss; a declared goal reaches its settings.
  const search = `${HEAD}search: {method: random, trials: 3}\ngrid:\n  learning_rate: {log_uniform: [0.001, 0.1]}\n`;
  assert.deepEqual(parse(search).objective.keys, [{ metric: 'validation.loss', goal: 'minimize' }]);
  const s = parse(`${search}objective: {metric: validation.accuracy, goal: maximize}\n`);
  assert.equal(s.search!.settings.goal, 'maximize');
});

test('objective: an unknown metric is refused with a did-you-mean and the valid ones; a test metric is refused', () => {
  const typo = only(refused(() => parse(`${HEAD}objective:\n  metric: validation.acuracy\n`)), 'objective.metric');
  assert.equal(typo.message, 'unknown metric `validation.acuracy`');
  assert.equal(typo.hint, 'did you mean `validation.accuracy`?');
  assert.match(typo.expected!, /validation\.loss, validation\.accuracy, .*train\.loss/);
  assert.deepEqual([typo.line, typo.column], [4, 11]);
  const bare = only(refused(() => parse(`${HEAD}objective: {metric: loss}\n`)), 'objective.metric');
  assert.equal(bare.hint, 'did you mean `validation.loss`?');
  const t = only(refused(() => parse(`${HEAD}objective: {metric: test.accuracy, goal: maximize}\n`)), 'objective.metric');
  assert.match(formatDiagnostic(t), /^exp\.yaml:3:21: error: objective\.metric: `test\.accuracy` is a test metric: test figures never choose the best run/);
  assert.match(t.hint!, /use metric: validation\.accuracy/);
  const goal = only(refused(() => parse(`${HEAD}objective: {metric: validation.loss, goal: lowest}\n`)), 'objective.goal');
  assert.match(goal.message, /unknown value `lowest`/);
  const missing = refused(() => parse(`${HEAD}objective: {goal: minimize}\n`));
  assert.match(missing.map(formatDiagnostic).join('\n'), /missing required key `metric`/);
});

// 20 validation rows, labels alternating 0, 1. A run is wrong on the rows listed; its probability is 0.9 for
// the class it predicts. By hand: A 19/20 right (loss 0.40), B 13/20 (loss 0.20), C 18/20 (loss 0.35):
// accuracy ranks A, C, B; loss ranks B, C, A.
const LABELS = Array.from({ length: 20 }, (_, i) => i % 2);
function run(lr: number, wrong: number[], loss: number): FixtureRun {
  const probability = LABELS.map((y, i) => ((wrong.includes(i) ? 1 - y : y) === 1 ? 0.9 : 0.1));
  const c = { tn: 0, fp: 0, fn: 0, tp: 0 };
  LABELS.forEach((y, i) => {
    const p = probability[i] > 0.5 ? 1 : 0;
    if (y === 1) c[p ? 'tp' : 'fn']++;
    else c[p ? 'fp' : 'tn']++;
  });
  return { params: { learning_rate: lr, threshold: 0.5 }, confusion: c, loss, predictions: { label: LABELS, probability } };
}
const A = run(0.1, [0], 0.4);
const B = run(0.2, [0, 1, 2, 3, 4, 5, 6], 0.2);
const C = run(0.3, [0, 1], 0.35);
const LOSS: ObjectiveSetting = { keys: [{ metric: 'validation.loss', goal: 'minimize' }], declared: true };

function starred(view: ReturnType<typeof runsView>): number[] {
  const lr = view.columns.findIndex((c) => c.key === 'learning_rate');
  return view.rows.filter((r) => r.best).map((r) => r.cells[lr].value as number);
}

test('a sweep whose loss order and accuracy order disagree: the star, the ties and EXPERIMENT/best follow its objective', () => {
  const runs = tempRunsDir();
  try {
    const byDefault = writeSweep(runs, 'acc', '20260101-000000-aaaa', [A, B, C]);
    const byLoss = writeSweep(runs, 'loss', '20260101-000000-bbbb', [A, B, C], { objective: LOSS });
    const d = sweepRows(byDefault);
    const l = sweepRows(byLoss);
    // The default objective (no objective in sweep.json): A, the highest accuracy.
    assert.deepEqual(starred(runsView('acc', d)), [0.1]);
    assert.equal(runsView('acc', d).footnotes[0], '* best by validation accuracy, then validation loss (the default objective)');
    // McNemar against A: B differs on rows 1-6 only (b = 6, c = 0: p = 2/64 = 0.03125), C on row 1 (p = 1).
    assert.deepEqual(d.map((r) => [r.params.learning_rate, r.tie?.tied, r.tie?.p]), [[0.1, true, 1], [0.2, false, 0.03125], [0.3, true, 1]]);
    // Declared validation.loss: B; against B, A differs on rows 1-6 (p = 0.03125), C on rows 2-6 (b = 0, c = 5: p = 0.0625).
    assert.deepEqual(starred(runsView('loss', l)), [0.2]);
    assert.equal(runsView('loss', l).footnotes[0], "* best by validation loss (the experiment's objective)");
    assert.deepEqual(l.map((r) => [r.params.learning_rate, r.tie?.tied, r.tie?.p]), [[0.1, false, 0.03125], [0.2, true, 1], [0.3, true, 0.0625]]);
    // A display sort never moves the star: sorted by loss, highest first, B is listed last and still starred.
    const sorted = runsView('loss', l, { sort: 'validation.loss:desc' });
    const lr = sorted.columns.findIndex((c) => c.key === 'learning_rate');
    assert.deepEqual(sorted.rows.map((r) => [r.cells[lr].value, Boolean(r.best)]), [[0.1, false], [0.3, false], [0.2, true]]);
    assert.deepEqual(starred(runsView('acc', d, { sort: 'validation.accuracy:asc' })), [0.1]);
    // The default order is the objective's; EXPERIMENT/best is its best.
    assert.deepEqual(sortRows(l).map((r) => r.params.learning_rate), [0.2, 0.3, 0.1]);
    assert.equal(resolveRun(runs, 'loss/best').run.params.params.learning_rate, 0.2);
    assert.equal(resolveRun(runs, 'acc/best').run.params.params.learning_rate, 0.1);
    // ls: each sweep's best run by its own objective (B is the second run folder), with the value of that
    // objective's metric: A's validation accuracy 19/20, B's validation loss 0.2; each cell names its metric.
    const ls = sweepsView(runs, ['acc', 'loss']);
    const at = (key: string) => ls.columns.findIndex((c) => c.key === key);
    const best = Object.fromEntries(ls.rows.map((r) => [r.cells[0].value, [String(r.cells[at('best_run')].value).slice(0, 4), r.cells[at('best')].value, r.cells[at('best')].text, r.cells[at('best_metric')].value]]));
    assert.deepEqual(best, { acc: ['0001', 19 / 20, 'val acc 0.9500', 'validation.accuracy'], loss: ['0002', 0.2, 'val loss 0.2000', 'validation.loss'] });
    assert.equal(ls.columns[at('best')].label, 'best (objective)');
    // The loss sweep alone: its column is headed by its objective's metric; --metric still picks another.
    const alone = sweepsView(runs, ['loss']);
    assert.equal(alone.columns[at('best')].label, 'best val loss');
    assert.deepEqual([alone.rows[0].cells[at('best')].value, alone.rows[0].cells[at('best')].text], [0.2, '0.2000']);
    const asked = sweepsView(runs, ['loss'], 'validation.accuracy');
    assert.equal(asked.columns[at('best')].label, 'best val acc');
    assert.equal(asked.rows[0].cells[at('best')].value, 13 / 20);
    // Sweeps with different objectives compared together: each keeps its own best.
    assert.deepEqual(starred(runsView('both', [...d, ...l])).sort(), [0.1, 0.2]);
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});

test('a search reads its objective\'s metric from a recorded run: NaN when not done', () => {
  const runs = tempRunsDir();
  try {
    const dir = writeSweep(runs, 's', '20260101-000000-cccc', [A, { params: { learning_rate: 9 }, status: 'diverged' }]);
    const [a, diverged] = readRuns(dir);
    assert.equal(objectiveOf(a, { metric: 'validation.accuracy', goal: 'maximize' }), 19 / 20);
    assert.equal(objectiveOf(a, { metric: 'validation.loss', goal: 'minimize' }), 0.4);
    assert.equal(objectiveOf(a, { metric: 'validation.fp', goal: 'minimize' }), 1);
    assert.ok(Number.isNaN(objectiveOf(diverged, { metric: 'validation.loss', goal: 'minimize' })));
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});

test('--marginals marks the best value even when runs diverged, by the objective\'s metric and goal', () => {
  const rows = [
    row(1, { learning_rate: 0.1, seed: 1 }, { 'validation.accuracy': 0.9, 'validation.loss': 0.3 }),
    row(2, { learning_rate: 0.1, seed: 2 }, { 'validation.accuracy': 0.8, 'validation.loss': 0.1 }),
    row(3, { learning_rate: 10, seed: 1 }, {}, { status: 'diverged' }),
    row(4, { learning_rate: 10, seed: 2 }, {}, { status: 'diverged' }),
  ];
  const view = marginalsView('m', rows, { marginals: true });
  const cells = view.rows.map((r) => [r.cells[1].value, r.cells[2].value, r.cells[3].value, Boolean(r.best)]);
  // learning_rate 0.1: 2 finished runs, mean accuracy 0.85, marked; 10: none finished. seed 1 (0.9) beats seed 2 (0.8).
  assert.deepEqual(cells, [['learning_rate', 0.1, 2, true], ['learning_rate', 10, 0, false], ['seed', 1, 1, true], ['seed', 2, 1, false]]);
  assert.match(view.footnotes.join('\n'), /2 runs did not finish/);
  // Under a declared validation.loss objective the metric is the loss, lower mean best: seed 2 (0.1).
  const byLoss = marginalsView('m', rows.map((r) => ({ ...r, objective: LOSS })), { marginals: true });
  assert.equal(byLoss.summary, 'val loss per parameter value');
  assert.deepEqual(byLoss.rows.filter((r) => r.best).map((r) => [r.cells[1].value, r.cells[2].value]), [['learning_rate', 0.1], ['seed', 2]]);
});

test('the table shows the objective\'s metric as a column when it is not a default one (validation.recall), once', () => {
  const runs = tempRunsDir();
  try {
    const RECALL: ObjectiveSetting = { keys: [{ metric: 'validation.recall', goal: 'maximize' }], declared: true };
    const rows = sweepRows(writeSweep(runs, 'rec', '20260101-000000-dddd', [A, B, C], { objective: RECALL }));
    // Recall = tp / (tp + fn) over the 10 rows labelled 1 (odd rows): A misses none (10/10), B rows 1, 3, 5
    // (7/10), C row 1 (9/10). The star is A, and the column the star is judged by is shown.
    const view = runsView('rec', rows);
    const lr = view.columns.findIndex((c) => c.key === 'learning_rate');
    const recall = view.columns.findIndex((c) => c.key === 'validation.recall');
    assert.ok(recall > 0, view.columns.map((c) => c.key).join(','));
    assert.deepEqual(view.rows.map((r) => [r.cells[lr].value, r.cells[recall].value, Boolean(r.best)]), [[0.1, 1, true], [0.3, 0.9, false], [0.2, 0.7, false]]);
    // The terminal's table (run's) has it too; --columns still decides alone.
    const terminal = renderTerminal(buildComparison('rec', rows), {});
    assert.match(terminal.split('\n').find((l) => l.includes('│ run') || l.includes(' run '))!, new RegExp(metricLabel('validation.recall')));
    assert.ok(!runsView('rec', rows, { columns: 'learning_rate,validation.loss' }).columns.some((c) => c.key === 'validation.recall'));
    // An objective among the default columns adds none.
    const loss = runsView('loss', sweepRows(writeSweep(runs, 'loss', '20260101-000000-eeee', [A, B, C], { objective: LOSS })));
    assert.equal(loss.columns.filter((c) => c.key === 'validation.loss').length, 1);
    assert.deepEqual(loss.columns.map((c) => c.key), runsView('acc', sweepRows(writeSweep(runs, 'acc', '20260101-000000-ffff', [A, B, C]))).columns.map((c) => c.key));
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});
