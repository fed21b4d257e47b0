import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, hasWisconsin, onlySweep, readJson, runCli, recordedSweep, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

const noData = !hasWisconsin() && 'data/wisconsin-cancer-dataset.csv is absent';

function readCsv(path: string): number[][] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  assert.equal(header, 'a,b,loss,accuracy');
  return rows.map((r) => r.split(',').map(Number));
}

test('landscape: the origin is the recorded final loss and accuracy exactly (train and validation, 1-D and 2-D), from-init starts at the recorded initial loss', { skip: noData }, () => {
  const dir = tempDir('dlsweep-landscape-');
  const file = writeExperiment(dir, 'l.yaml', 'name: l\ndataset: wisconsin\nfixed:\n  hidden_sizes: [15]\n  iterations: 300\n  learning_rate: 0.07\nrecord:\n  curve_every: 100\n');
  const r = runCli(['run', file, '--data-dir', join(REPO, 'data'), '--workers', '1', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'l');
  const data = ['--data-dir', join(REPO, 'data')];
  const [folder] = runFolders(sweep);
  const metrics = readJson(join(sweep, folder, 'metrics.json'));
  const ref = 'l/latest/1';
  const one = runCli(['landscape', ref, '--steps', '5', '--range', '0.5', ...data], dir);
  assert.equal(one.code, 0, one.stderr);
  // The path written is absolute, as every command prints it, never relative to the current folder.
  assert.ok(one.stdout.includes(`; written to ${join(sweep, folder, 'landscape-1d-random-seed0-train.csv')}`), one.stdout);
  const rows = readCsv(join(sweep, folder, 'landscape-1d-random-seed0-train.csv'));
  assert.deepEqual(rows.map((p) => p[0]), [-0.5, -0.25, 0, 0.25, 0.5]);
  assert.deepEqual(rows[2], [0, 0, metrics.train.loss, metrics.train.accuracy]);

  // 2-D on the validation rows: 3 x 3 points, the centre the trained network; the heatmap marks it.
  const two = runCli(['landscape', ref, '--dims', '2', '--steps', '3', '--seed', '4', '--split', 'validation', ...data], dir);
  assert.equal(two.code, 0, two.stderr);
  assert.match(two.stdout, /O/);
  const grid = readCsv(join(sweep, folder, 'landscape-2d-random-seed4-validation.csv'));
  assert.deepEqual(grid.map((p) => [p[0], p[1]]), [[-1, -1], [0, -1], [1, -1], [-1, 0], [0, 0], [1, 0], [-1, 1], [0, 1], [1, 1]]);
  assert.deepEqual(grid[4], [0, 0, metrics.validation.loss, metrics.validation.accuracy]);

  // From the initialization: a = 0 is the network before its first update, whose loss curve.csv records
  // at iteration 0; a = 1 is the trained network (up to rounding of theta_0 + (theta* - theta_0)).
  const init = runCli(['landscape', ref, '--from-init', '--steps', '3', ...data], dir);
  assert.equal(init.code, 0, init.stderr);
  const line = readCsv(join(sweep, folder, 'landscape-from-init-train.csv'));
  const curve0 = readFileSync(join(sweep, folder, 'curve.csv'), 'utf8').split('\n')[1].split(',');
  assert.equal(curve0[0], '0');
  assert.equal(line[0][2], Number(curve0[1]));
  assert.ok(Math.abs(line[2][2] - metrics.train.loss) < 1e-12);

  // Bad input: one clear message, exit 2.
  const bad = runCli(['landscape', 'l/latest/1', '--steps', '1', ...data], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--steps takes a whole number/);
  const both = runCli(['landscape', 'l/latest/1', '--from-init', '--dims', '2', ...data], dir);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--from-init draws a 1-D interpolation/);
  assert.doesNotMatch(both.stderr, /at .*\.js/);
});

test('landscape --range and lr-find --min/--max: a bad value is refused with an example of that option, exit 2', () => {
  const dir = tempDir('dlsweep-landscape-args-');
  const cases: [string[], RegExp][] = [
    [['landscape', 'x/latest/1', '--range', '-1'], /--range takes a number > 0, e\.g\. --range 0\.5\b/],
    [['lr-find', 'x.yaml', '--min', '0'], /--min takes a number > 0, e\.g\. --min 1e-6\b/],
    [['lr-find', 'x.yaml', '--max', 'abc'], /--max takes a number > 0, e\.g\. --max 10\b/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('record.checkpoints_every: metrics.json is byte-identical with and without it on both engines; pca directions draw the trajectory, ending at theta*', { skip: noData }, () => {
  const dir = tempDir('dlsweep-landscape-pca-');
  const data = ['--data-dir', join(REPO, 'data')];
  const body = 'dataset: wisconsin\nfixed:\n  hidden_sizes: [15]\n  iterations: 250\n  learning_rate: 0.07\nrecord:\n  curve_every: 50\n';
  const metricsOf = (name: string, yaml: string, engine: string) => {
    const file = writeExperiment(dir, `${name}.yaml`, yaml);
    const r = runCli(['run', file, ...data, '--workers', '1', '--quiet', '--engine', engine], dir);
    assert.equal(r.code, 0, r.stderr);
    const sweep = onlySweep(join(dir, 'runs'), name);
    const [folder] = runFolders(sweep);
    return { folder: join(sweep, folder), metrics: readFileSync(join(sweep, folder, 'metrics.json'), 'utf8'), model: readFileSync(join(sweep, folder, 'model.json'), 'utf8') };
  };
  let recorded: { folder: string; metrics: string } | undefined;
  for (const engine of ['ts', 'fast']) {
    const plain = metricsOf(`plain-${engine}`, `name: plain-${engine}\n${body}`, engine);
    const rec = metricsOf(`rec-${engine}`, `name: rec-${engine}\n${body}  checkpoints_every: 25\n`, engine);
    assert.equal(rec.metrics, plain.metrics, engine);
    assert.equal(rec.model, plain.model, engine);
    assert.throws(() => readFileSync(join(plain.folder, 'trajectory.csv')));
    const rows = readFileSync(join(rec.folder, 'trajectory.csv'), 'utf8').trim().split('\n');
    assert.equal(rows.length, 1 + 11); // header, then k = 0, 25, ..., 250
    assert.equal(rows[0].split(',').length, 1 + 9 * 15 + 15 + 15 + 1);
    if (engine === 'fast') recorded = rec;
  }

  // pca: the origin is the recorded final loss exactly; the projected path ends at (0, 0) and is drawn on the chart.
  const r = runCli(['landscape', 'rec-fast/latest/1', '--directions', 'pca', '--steps', '5', ...data], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /principal directions of the training trajectory/);
  const grid = readCsv(join(recorded!.folder, 'landscape-2d-pca-train.csv'));
  assert.equal(grid.length, 25);
  const metrics = JSON.parse(recorded!.metrics);
  assert.deepEqual(grid[12].slice(2), [metrics.train.loss, metrics.train.accuracy]);
  assert.deepEqual([grid[12][0], grid[12][1]], [0, 0]);
  const path = readFileSync(join(recorded!.folder, 'landscape-2d-pca-train-trajectory.csv'), 'utf8').trim().split('\n');
  assert.equal(path[0], 'iteration,a,b');
  assert.equal(path.length, 1 + 11);
  assert.equal(path.at(-1), '250,0,0');
  const svg = readFileSync(join(recorded!.folder, 'landscape-2d-pca-train.svg'), 'utf8');
  assert.match(svg, /^<svg/);
  assert.match(svg, /training trajectory/);
  assert.match(svg, /PC1 \(\d+\.\d%\)/);

  // A run without a recorded trajectory: one clear message, exit 2.
  const none = runCli(['landscape', 'plain-ts/latest/1', '--directions', 'pca', ...data], dir);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /has no recorded trajectory \(trajectory\.csv\)/);
  assert.match(none.stderr, /checkpoints_every/);
  assert.doesNotMatch(none.stderr, /at .*\.js/);

  // 1-D random: a line chart beside the CSV.
  const one = runCli(['landscape', 'plain-ts/latest/1', '--steps', '5', ...data], dir);
  assert.equal(one.code, 0, one.stderr);
  assert.match(readFileSync(join(onlySweep(join(dir, 'runs'), 'plain-ts'), runFolders(onlySweep(join(dir, 'runs'), 'plain-ts'))[0], 'landscape-1d-random-seed0-train.svg'), 'utf8'), /^<svg[\s\S]*loss \(log scale\)/);
});

test('record.landscape: at the end of a sweep, the best runs and the best run of each initialization get a landscape, listed in landscapes.json and centred on their recorded loss', () => {
  const study = syntheticExperiment('study', '  init: [he_normal, lecun_normal, glorot_uniform]\n  learning_rate: [0.05, 0.3]', 'fixed:\n  iterations: 60\n  hidden_sizes: [5]\n');
  const { dir, sweep } = recordedSweep('dlsweep-landscape-sweep-', 'study.yaml', 'study', study + '  checkpoints_every: 6\n  landscape: {directions: pca, best: 2, steps: 7}\n');
  const runs = runFolders(sweep).map((folder) => ({ folder, metrics: readJson(join(sweep, folder, 'metrics.json')), params: readJson(join(sweep, folder, 'params.json')).params }));
  // The best, by the default objective: validation accuracy, then validation loss, then grid order.
  const ranked = [...runs].sort((x, y) => y.metrics.validation.accuracy - x.metrics.validation.accuracy || x.metrics.validation.loss - y.metrics.validation.loss || x.folder.localeCompare(y.folder));
  const expected = new Map<string, string[]>();
  const add = (folder: string, role: string) => expected.set(folder, [...(expected.get(folder) ?? []), role]);
  ranked.slice(0, 2).forEach((x, i) => add(x.folder, `best ${i + 1}`));
  for (const init of ['he_normal', 'lecun_normal', 'glorot_uniform']) add(ranked.find((x) => x.params.init === init)!.folder, `init=${init}`);
  const listed = readJson(join(sweep, 'landscapes.json'));
  assert.deepEqual(
    new Map(listed.landscapes.map((e: { folder: string; role: string }) => [e.folder, e.role.split(', ')])),
    expected,
  );
  for (const e of listed.landscapes) {
    assert.equal(e.name, '2d-pca-train');
    const grid = readCsv(join(sweep, e.folder, 'landscape-2d-pca-train.csv'));
    assert.equal(grid.length, 49);
    const metrics = runs.find((x) => x.folder === e.folder)!.metrics;
    assert.deepEqual(grid[24], [0, 0, metrics.train.loss, metrics.train.accuracy]);
    const path = readFileSync(join(sweep, e.folder, 'landscape-2d-pca-train-trajectory.csv'), 'utf8').trim().split('\n');
    assert.equal(path.at(-1), '60,0,0');
  }
  const report = readFileSync(join(sweep, 'report.html'), 'utf8');
  assert.match(report, /<section id="landscapes">/);
  assert.equal((report.match(/<figure class="landscape"/g) ?? []).length, 2 + 3);

  // pca without a recorded trajectory is refused when the experiment is read, at the key.
  const bad = writeExperiment(dir, 'bad.yaml', syntheticExperiment('bad', '  seed: [1]') + '  landscape: {directions: pca}\n');
  const refused = runCli(['run', bad, '--quiet'], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /bad\.yaml:\d+:\d+.*pca directions come from the training trajectory/);
  assert.match(refused.stderr, /checkpoints_every/);
});
