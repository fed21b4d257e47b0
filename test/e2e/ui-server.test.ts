/**
 * `dlsweep ui`, the server: the real command in a child process, real HTTP requests. The page shell, the
 * static and vendor files, the home page's JSON checked against the run folders' own metrics.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, onlySweep, recordedSweep as recordedSweepOf, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { getJson, rawRequest, startUi } from '../helpers/ui.js';

/** One small recorded sweep (synthetic data: no dataset file needed). */
function recordedSweep(): { dir: string; sweep: string } {
  const dir = tempDir('dlsweep-ui-');
  const file = writeExperiment(
    dir,
    'u.yaml',
    syntheticExperiment('ui-basic', '  learning_rate: [0.05, 0.5]\n  threshold: [0.3, 0.6]', 'description: "<b>bold</b> & <script>alert(1)</script>"\ntags: [baseline]\nfixed:\n  iterations: 40\n'),
  );
  const r = runCli(['run', file, '--workers', '1', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  return { dir, sweep: onlySweep(join(dir, 'runs'), 'ui-basic') };
}

test('dlsweep ui serves the page shell, its static and vendor files, and /api/home from the run folders', { timeout: 120_000 }, async () => {
  const { dir, sweep } = recordedSweep();
  const ui = await startUi(dir);
  try {
    assert.match(ui.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const page of ['/', `/sweep/x`, '/run/a/b', '/compare?runs=a/b']) {
      const r = await rawRequest(ui.port, page);
      assert.equal(r.status, 200, page);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.match(r.body, /<script type="importmap">/);
    }
    const js = await rawRequest(ui.port, '/static/app.js');
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    const preact = await rawRequest(ui.port, '/vendor/preact.mjs');
    assert.equal(preact.status, 200);
    assert.match(preact.body, /export\s*\{/);
    assert.equal((await rawRequest(ui.port, '/vendor/package.json')).status, 404);
    assert.equal((await rawRequest(ui.port, '/static/nothing.js')).status, 404);

    const home = await getJson(ui.port, '/api/home');
    assert.equal(home.runs_dir, join(dir, 'runs'));
    assert.equal(home.experiments.length, 1);
    const e = home.experiments[0];
    assert.equal(e.name, 'ui-basic');
    assert.deepEqual(e.tags, ['baseline']);
    assert.equal(e.description, '<b>bold</b> & <script>alert(1)</script>', 'user text is sent as data, unaltered (the pages escape it)');
    const s = e.sweeps[0];
    // Expected figures straight from the run folders.
    const runs = runFolders(sweep).map((f) => ({ folder: f, m: readJson(join(sweep, f, 'metrics.json')) }));
    const done = runs.filter((r) => r.m.status === 'done');
    done.sort((a, b) => b.m.validation.accuracy - a.m.validation.accuracy || a.m.validation.loss - b.m.validation.loss || (a.folder < b.folder ? -1 : 1));
    assert.equal(s.status, 'done');
    assert.equal(s.method, 'grid');
    assert.equal(s.runs_planned, 4);
    assert.equal(s.runs_done, done.length);
    assert.equal(s.runs_failed, runs.filter((r) => r.m.status === 'failed').length);
    assert.equal(s.best.run, done[0].folder);
    assert.equal(s.best.value, done[0].m.validation.accuracy);
    assert.equal(s.objective.metric, 'validation.accuracy');
    const record = readJson(join(sweep, 'sweep.json'));
    // The sweep's record keeps its best run (what the home page answers from before reading the runs).
    assert.deepEqual(record.best, { run: done[0].folder, metrics: { 'validation.accuracy': done[0].m.validation.accuracy, 'validation.loss': done[0].m.validation.loss } });
    assert.equal(s.id, record.id);
    assert.equal(s.started_at, record.started_at);
    assert.equal(s.duration_s, (Date.parse(record.ended_at) - Date.parse(record.started_at)) / 1000);
  } finally {
    assert.equal(await ui.stop(), 0, 'SIGTERM stops the server with exit code 0');
  }
});

test('the sweep API filters with the --where language, sorts, groups, and answers a bad expression with 400', { timeout: 120_000 }, async () => {
  const { dir, sweep } = recordedSweep();
  const id = sweep.slice(sweep.lastIndexOf('/') + 1);
  const files = runFolders(sweep).map((f) => ({ folder: f, p: readJson(join(sweep, f, 'params.json')), m: readJson(join(sweep, f, 'metrics.json')) }));
  const ui = await startUi(dir);
  try {
    const all = await getJson(ui.port, `/api/sweeps/${id}`);
    assert.equal(all.rows.length, 4);
    assert.deepEqual(all.params, ['learning_rate', 'threshold']);
    assert.ok(all.columns.some((c: any) => c.key === 'validation.accuracy_ci_low' && c.kind === 'ci'));
    assert.ok(all.columns.some((c: any) => c.key === 'learning_rate' && c.kind === 'param'));
    // The default order is the objective's: validation accuracy (high first), then loss (low first).
    // Full ties: the lower run number (the folders' numbers have one width here).
    const expected = [...files].sort((a, b) => b.m.validation.accuracy - a.m.validation.accuracy || a.m.validation.loss - b.m.validation.loss || (a.folder < b.folder ? -1 : 1));
    assert.deepEqual(all.rows.map((r: any) => r.folder), expected.map((f) => f.folder));
    assert.equal(all.rows[0].best, true);
    assert.equal(all.rows[0].values['validation.accuracy'], expected[0].m.validation.accuracy);
    assert.equal(all.rows[0].tied_with_best, true, 'the best is tied with itself');

    const where = encodeURIComponent('learning_rate < 0.1 and threshold > 0.4');
    const kept = await getJson(ui.port, `/api/sweeps/${id}?where=${where}`);
    assert.deepEqual(kept.rows.map((r: any) => r.folder), files.filter((f) => f.p.params.learning_rate < 0.1 && f.p.params.threshold > 0.4).map((f) => f.folder));

    const byLoss = await getJson(ui.port, `/api/sweeps/${id}?sort=${encodeURIComponent('validation.loss:asc')}`);
    const losses = byLoss.rows.map((r: any) => r.values['validation.loss']);
    assert.deepEqual(losses, [...losses].sort((a, b) => a - b));

    const grouped = await getJson(ui.port, `/api/sweeps/${id}?group=learning_rate`);
    assert.equal(grouped.groups.length, 2);
    for (const g of grouped.groups) {
      const members = files.filter((f) => f.p.params.learning_rate === g.key);
      assert.equal(g.n, members.length);
      const mean = members.reduce((s, f) => s + f.m.validation.accuracy, 0) / members.length;
      assert.ok(Math.abs(g.mean['validation.accuracy'] - mean) < 1e-12, `${g.mean['validation.accuracy']} vs ${mean}`);
    }

    const bad = await rawRequest(ui.port, `/api/sweeps/${id}?where=${encodeURIComponent('learning_rate <<< 2')}`);
    assert.equal(bad.status, 400);
    const err = JSON.parse(bad.body);
    assert.match(err.error, /./);
    const unknown = await rawRequest(ui.port, `/api/sweeps/${id}?sort=nonsense`);
    assert.equal(unknown.status, 400);
    assert.match(JSON.parse(unknown.body).error, /nonsense/);
    assert.equal((await rawRequest(ui.port, '/api/sweeps/20200101-000000-0000')).status, 404);
  } finally {
    await ui.stop();
  }
});

test('the curves and run API read the run folders: one series per training, the run detail with ROC points and files', { timeout: 120_000 }, async () => {
  const { dir, sweep } = recordedSweep();
  const id = sweep.slice(sweep.lastIndexOf('/') + 1);
  const folders = runFolders(sweep);
  const ui = await startUi(dir);
  try {
    const curves = await getJson(ui.port, `/api/sweeps/${id}/curves`);
    // Two learning rates, thresholds share a training: two series of two runs each.
    assert.equal(curves.series.length, 2);
    assert.deepEqual(curves.series.flatMap((s: any) => s.runs).sort(), folders);
    const first = readJson(join(sweep, curves.series[0].runs[0], 'params.json'));
    const csv = readFileSync(join(sweep, curves.series[0].runs[0], 'curve.csv'), 'utf8').trim().split('\n').slice(1);
    assert.deepEqual(curves.series[0].points.iteration, csv.map((l) => Number(l.split(',')[0])));
    assert.deepEqual(curves.series[0].points.train_loss, csv.map((l) => Number(l.split(',')[1])));
    assert.ok(first.training_key);
    // Each series carries the sweep's varying parameters as its best run (the first of the objective's order) has them.
    for (const series of curves.series) {
      const best = readJson(join(sweep, series.best_run, 'params.json')).params;
      assert.deepEqual(series.params, { learning_rate: best.learning_rate, threshold: best.threshold });
      assert.ok(series.runs.includes(series.best_run));
    }

    const folder = folders[0];
    const run = await getJson(ui.port, `/api/runs/${id}/${folder}`);
    const m = readJson(join(sweep, folder, 'metrics.json'));
    assert.deepEqual(run.confusion.validation, m.validation.confusion);
    assert.equal(run.metrics['validation.accuracy'], m.validation.accuracy);
    assert.ok(run.metrics['validation.accuracy_ci_low'] < m.validation.accuracy);
    assert.equal(run.damaged, null);
    assert.ok(run.files.some((f: any) => f.name === 'metrics.json' && f.bytes === statSync(join(sweep, folder, 'metrics.json')).size));
    // ROC from the validation predictions: ends at (1, 1) (threshold 0: everything positive).
    assert.equal(run.roc.validation.at(-1).fpr, 1);
    assert.equal(run.roc.validation.at(-1).tpr, 1);
    // Positive when p > t: at the run's threshold the counts are those of the first point at or below it.
    const atThreshold = run.roc.validation.find((p: any) => p.threshold <= m.threshold);
    assert.deepEqual({ tn: atThreshold.tn, fp: atThreshold.fp, fn: atThreshold.fn, tp: atThreshold.tp }, m.validation.confusion);
    assert.equal(atThreshold.tpr, m.validation.recall);
    assert.deepEqual(run.grid_thresholds, [0.3, 0.6]);
    assert.equal((await rawRequest(ui.port, `/api/runs/${id}/9999-00000000`)).status, 404);
    assert.equal((await rawRequest(ui.port, `/api/runs/${id}/metrics.json`)).status, 404);
  } finally {
    await ui.stop();
  }
});

/** The numbers of a CSV file's rows (header left out), read here independently of the store's reader. */
function csvNumbers(path: string): (number | null)[][] {
  return readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map((v) => (v === '' ? null : Number(v))));
}

test('the run API carries the test confusion matrix and the recorded landscapes (record.landscape with its trajectory, and a 1-D slice)', { timeout: 120_000 }, async () => {
  const yaml =
    'name: ui-land\ndataset:\n  synthetic: {kind: blobs, samples: 200, features: 4, noise: 0.5, seed: 3}\n' +
    '  split: {kind: fixed, train: [0, 119], validation: [120, 159], test: [160, 199]}\n' +
    'fixed:\n  iterations: 40\n  hidden_sizes: [3]\ngrid:\n  learning_rate: [0.1, 0.3]\n' +
    'record:\n  curve_every: 10\n  checkpoints_every: 4\n  landscape: {directions: pca, best: 1, steps: 5}\n';
  const { dir, sweep, id } = recordedSweepOf('dlsweep-ui-land-', 'l.yaml', 'ui-land', yaml);
  const [entry] = readJson(join(sweep, 'landscapes.json')).landscapes;
  const one = runCli(['landscape', `ui-land/latest/${entry.folder}`, '--steps', '5'], dir);
  assert.equal(one.code, 0, one.stderr);
  const ui = await startUi(dir);
  try {
    const run = await getJson(ui.port, `/api/runs/${id}/${entry.folder}`);
    const m = readJson(join(sweep, entry.folder, 'metrics.json'));
    assert.deepEqual(run.confusion.test, m.test.confusion);
    assert.deepEqual(run.confusion.validation, m.validation.confusion);
    assert.deepEqual(run.landscapes.map((l: any) => [l.name, l.role]), [['1d-random-seed0-train', null], [entry.name, entry.role]]);
    const [slice, pca] = run.landscapes;
    const rows = csvNumbers(join(sweep, entry.folder, `landscape-${entry.name}.csv`));
    assert.equal(rows.length, 25);
    assert.deepEqual(pca.points.map((p: any) => [p.a, p.b, p.loss, p.accuracy]), rows);
    // The centre is the trained network: its recorded final training loss.
    assert.equal(pca.points.find((p: any) => p.a === 0 && p.b === 0).loss, m.train.loss);
    assert.equal(pca.alphas.length, 5);
    assert.equal(pca.betas.length, 5);
    const path = csvNumbers(join(sweep, entry.folder, `landscape-${entry.name}-trajectory.csv`));
    assert.deepEqual(pca.path.map((p: any) => [p.iteration, p.a, p.b]), path);
    assert.deepEqual([pca.path.at(-1).a, pca.path.at(-1).b], [0, 0], 'the trajectory ends at the trained network');
    assert.deepEqual(slice.points.map((p: any) => [p.a, p.b, p.loss, p.accuracy]), csvNumbers(join(sweep, entry.folder, 'landscape-1d-random-seed0-train.csv')));
    assert.deepEqual(slice.betas, [0]);
    assert.equal(slice.path, undefined);
    // A run without landscapes has none; its sibling also has the test split's matrix.
    const other = runFolders(sweep).find((f) => f !== entry.folder)!;
    const plain = await getJson(ui.port, `/api/runs/${id}/${other}`);
    assert.deepEqual(plain.landscapes, []);
    assert.deepEqual(plain.confusion.test, readJson(join(sweep, other, 'metrics.json')).test.confusion);
    // A landscape name never comes from the URL.
    assert.equal((await rawRequest(ui.port, `/api/runs/${id}/${entry.folder}/landscape-${entry.name}.csv`)).status, 404);
  } finally {
    await ui.stop();
  }
});
