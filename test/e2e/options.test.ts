/**
 * End to end: training options through the CLI. An optimizer x lr_schedule grid with k-fold validation
 * (metrics.json holds means, sample standard deviations (n - 1) and each fold's numbers), early stopping
 * recorded per fold, `dlsweep lr-find`, and the study's figures reproduced with every new option at its default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, WISCONSIN, onlySweep, readJson, runCli, runFolders, tempDir, writeExperiment } from '../helpers/cli.js';
import { GET_WISCONSIN, skipUnlessPresent } from '../helpers/requirements.js';

const METRICS = ['loss', 'accuracy', 'precision', 'recall', 'specificity', 'f1', 'roc_auc', 'baseline_accuracy'] as const;

const KFOLD = `name: kopt
dataset:
  synthetic: {kind: blobs, samples: 150, features: 3, noise: 0.8, seed: 5}
  split: {kind: kfold, k: 3, seed: 2}
  normalize: {kind: zscore, fit: train}
fixed:
  hidden_sizes: [4]
  learning_rate: 0.05
grid:
  optimizer: [gd, adam]
  lr_schedule: [{kind: constant}, {kind: cosine}, {kind: step, every: 20}]
  iterations: [40, 80]
record:
  curve_every: 20
`;

test('k-fold sweep over optimizer x lr_schedule: sharing as planned; metrics.json has mean, std and every fold', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'kopt.yaml', KFOLD);
  const r = runCli(['run', file, '--workers', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  // 2 x 3 x 2 = 12 points. constant and step share a training across both lengths (2 optimizers x 2
  // schedules = 4 trainings); cosine depends on the length: 2 optimizers x 2 lengths = 4 more.
  assert.match(r.stderr, /12 grid points = optimizer \(2\) x lr_schedule \(3\) x iterations \(2\)/);
  const sweep = onlySweep(join(dir, 'runs'), 'kopt');
  const meta = readJson(join(sweep, 'sweep.json'));
  assert.equal(meta.grid_size, 12);
  assert.equal(meta.trainings, 8);
  assert.deepEqual(meta.counts, { done: 12, diverged: 0, failed: 0, interrupted: 0, pending: 0 });

  const folders = runFolders(sweep);
  assert.equal(folders.length, 12);
  const byKey = new Map<string, any>();
  for (const f of folders) {
    const params = readJson(join(sweep, f, 'params.json'));
    const m = readJson(join(sweep, f, 'metrics.json'));
    byKey.set(`${params.params.optimizer} ${params.params.lr_schedule.kind} ${params.params.iterations}`, m);
    // The schedule is stored with its defaults filled in; the user's compact spelling is kept for display.
    if (params.params.lr_schedule.kind === 'cosine') {
      assert.deepEqual(params.params.lr_schedule, { kind: 'cosine', min_learning_rate: 0 });
      assert.equal(params.spellings.lr_schedule, '{kind: cosine}');
    }
    assert.equal(m.status, 'done');
    assert.equal(m.folds.length, 3);
    for (const split of ['train', 'validation'] as const) {
      for (const k of METRICS) {
        const vals: number[] = m.folds.map((fold: any) => fold[split][k]);
        const mean = vals.reduce((s, v) => s + v, 0) / 3;
        const std = Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / 2); // sample std (n - 1) over 3 folds
        assert.ok(Math.abs(m[split][k] - mean) < 1e-12, `${f} ${split}.${k}: mean ${m[split][k]} vs ${mean}`);
        assert.ok(Math.abs(m.std[split][k] - std) < 1e-12, `${f} std ${split}.${k}: ${m.std[split][k]} vs ${std}`);
        assert.equal(m.n[split][k], 3);
      }
    }
    // Every row is in exactly one validation fold: the summed confusion counts cover the 150 rows.
    const c = m.validation.confusion;
    assert.equal(c.tn + c.fp + c.fn + c.tp, 150);
    assert.equal(m.validation.samples, 150);
    assert.deepEqual(m.folds.map((fold: any) => fold.validation.samples), [50, 50, 50]);
    // The folds differ, so the spread is real.
    assert.ok(m.std.validation.loss > 0);
    // No early stopping: no stop fields.
    assert.equal(m.stopped_at, undefined);
    // Out-of-fold predictions: every row once, fold by fold.
    const pred = readFileSync(join(sweep, f, 'predictions.csv'), 'utf8').trim().split('\n').slice(1);
    assert.equal(pred.length, 150);
    assert.deepEqual([...new Set(pred.map((l) => l.split(',')[1]))], ['0', '1', '2']);
  }
  // The optimizer and the schedule change the numbers; a length-free schedule's shorter run is a prefix.
  assert.notEqual(byKey.get('gd constant 80').validation.loss, byKey.get('adam constant 80').validation.loss);
  assert.notEqual(byKey.get('adam constant 80').validation.loss, byKey.get('adam cosine 80').validation.loss);
  assert.notEqual(byKey.get('adam constant 80').validation.loss, byKey.get('adam step 80').validation.loss);
  // The table shows the schedule as written.
  assert.match(r.stdout, /\{kind: step, every: 20\}/);
});

test('k-fold with every kind of option: --engine fast records what --engine ts records, fold by fold, to 1e-9', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'kall.yaml', `name: kall
dataset:
  synthetic: {kind: blobs, samples: 150, features: 3, noise: 0.8, seed: 5}
  split: {kind: kfold, k: 3, seed: 2}
  normalize: {kind: zscore, fit: train}
fixed:
  hidden_sizes: [5, 3]
  learning_rate: 0.02
  iterations: 90
  l2: 0.001
grid:
  optimizer: [nesterov, rmsprop, adam]
  activation: [tanh, leaky_relu]
  batch_size: [null, 32]
  dropout: [0, 0.2]
  early_stopping: [null, {patience: 3}]
record:
  curve_every: 30
`);
  const byEngine: Record<string, Map<string, any>> = {};
  for (const engine of ['ts', 'fast']) {
    const r = runCli(['--runs-dir', `runs-${engine}`, 'run', file, '--engine', engine, '--workers', '2', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    const sweep = onlySweep(join(dir, `runs-${engine}`), 'kall');
    // Folder names carry the run id, which names the engine: match runs by their grid index.
    byEngine[engine] = new Map(runFolders(sweep).map((f) => [f.split('-')[0], readJson(join(sweep, f, 'metrics.json'))]));
  }
  assert.equal(byEngine.ts.size, 48);
  const close = (a: unknown, b: unknown, where: string): void => {
    if (typeof a === 'number' && typeof b === 'number') {
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${where}: ${a} vs ${b}`);
    } else if (a !== null && typeof a === 'object') {
      assert.deepEqual(Object.keys(a).sort(), Object.keys(b as object).sort(), where);
      for (const [k, v] of Object.entries(a)) close(v, (b as Record<string, unknown>)[k], `${where}.${k}`);
    } else {
      assert.equal(a, b, where);
    }
  };
  for (const [folder, ts] of byEngine.ts) {
    const { run_id: _a, ...fast } = byEngine.fast.get(folder);
    const { run_id: _b, ...ref } = ts;
    close(fast, ref, folder);
  }
});

test('early stopping through the CLI: each fold records where and why it stopped', () => {
  const dir = tempDir();
  // A tiny rate improves the validation loss by far less than min_delta at every check, so every fold
  // stops after 1 + patience = 4 updates and restores the weights of the first check.
  const file = writeExperiment(
    dir,
    'es.yaml',
    `name: es
dataset:
  synthetic: {kind: blobs, samples: 90, features: 3, noise: 0.5, seed: 1}
  split: {kind: kfold, k: 3}
fixed:
  learning_rate: 1e-6
  iterations: 100
  early_stopping: {patience: 3, min_delta: 0.001}
grid:
  seed: [1, 2]
`,
  );
  const r = runCli(['run', file, '--workers', '1', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'es');
  for (const f of runFolders(sweep)) {
    const m = readJson(join(sweep, f, 'metrics.json'));
    const params = readJson(join(sweep, f, 'params.json'));
    assert.deepEqual(params.params.early_stopping, { patience: 3, min_delta: 0.001, restore_best: true });
    assert.equal(m.iterations, 100);
    assert.equal(m.stopped_at, 4);
    assert.equal(m.stop_reason, 'no_improvement');
    for (const fold of m.folds) assert.deepEqual([fold.stopped_at, fold.stop_reason, fold.restored_from], [4, 'no_improvement', 1]);
    // The curve ends where the training stopped.
    const curve = readFileSync(join(sweep, f, 'curve.csv'), 'utf8').trim().split('\n');
    assert.equal(Number(curve.at(-1)!.split(',')[0]), 4);
  }
});

test('lr-find: prints the curve and the suggestion, and records them in runs/<experiment>/lr-find-<time>/', () => {
  const dir = tempDir();
  const file = writeExperiment(
    dir,
    'lr.yaml',
    `name: lr
dataset:
  synthetic: {kind: blobs, samples: 120, features: 3, noise: 0.5, seed: 4}
fixed:
  batch_size: 32
grid:
  optimizer: [momentum, adam]
`,
  );
  const r = runCli(['lr-find', file, '--min', '1e-5', '--max', '100', '--steps', '80'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /settings of the first grid point \(1 of 2\): optimizer=momentum/);
  assert.match(r.stdout, /suggested learning rate: /);
  assert.match(r.stdout, /learning rate \(log scale\)/);
  const folders = readdirSync(join(dir, 'runs', 'lr')).filter((n) => n.startsWith('lr-find-'));
  assert.equal(folders.length, 1);
  assert.match(folders[0], /^lr-find-\d{8}-\d{6}-[0-9a-f]{4}$/);
  const out = join(dir, 'runs', 'lr', folders[0]);
  const csv = readFileSync(join(out, 'curve.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'learning_rate,loss,smoothed_loss');
  assert.ok(csv.length >= 3 && csv.length <= 81);
  assert.equal(Number(csv[1].split(',')[0]), 1e-5);
  const rec = readJson(join(out, 'lr-find.json'));
  assert.equal(rec.experiment, 'lr');
  assert.equal(rec.grid_point.index, 0);
  assert.equal(rec.grid_point.params.optimizer, 'momentum');
  assert.equal(rec.grid_point.params.batch_size, 32);
  assert.deepEqual([rec.settings.min_learning_rate, rec.settings.max_learning_rate, rec.settings.steps], [1e-5, 100, 80]);
  assert.equal(rec.points, csv.length - 1);
  assert.ok(['max_learning_rate', 'exploded', 'non_finite'].includes(rec.stop_reason));
  assert.equal(typeof rec.suggestion.learning_rate, 'number');
  assert.ok(rec.suggestion.learning_rate >= 1e-5 && rec.suggestion.learning_rate <= 100);
  assert.match(rec.suggestion.method, /steepest/);
  assert.match(readFileSync(join(out, 'lr-find.svg'), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  // An lr-find folder is not a sweep: compare still finds no sweep of this experiment.
  assert.notEqual(runCli(['compare', 'lr'], dir).code, 0);
});

test('lr-find: bad options and files are usage errors (exit 2) and write nothing', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'x.yaml', 'name: x\ndataset:\n  synthetic: {kind: blobs, samples: 50, features: 2}\n');
  for (const args of [
    ['--min', '1', '--max', '0.1'],
    ['--min', '-1'],
    ['--max', 'abc'],
    ['--steps', '1'],
  ]) {
    const r = runCli(['lr-find', file, ...args], dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
  const missing = runCli(['lr-find', join(dir, 'nope.yaml')], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /experiment file not found/);
  assert.equal(existsSync(join(dir, 'runs')), false);
});

interface Oracle {
  loss_every_500: Record<string, number>;
  after_15000_updates: Record<string, { train_accuracy: number; validation_accuracy: number }>;
}
const ORACLE = join(REPO, 'test', 'fixtures', 'oracle', 'wisconsin-9-15-1-lr0.01.json');
const noOracle = skipUnlessPresent([WISCONSIN, ORACLE], GET_WISCONSIN);

test('the study\'s figures reproduce through the CLI with every new option at its default', { skip: noOracle, timeout: 120_000 }, () => {
  const oracle = readJson<Oracle>(ORACLE);
  const dir = tempDir();
  const file = writeExperiment(
    dir,
    'study.yaml',
    `name: study
dataset: wisconsin
fixed:
  learning_rate: 0.01
  iterations: 15000
grid:
  threshold: [0.5, 0.7, 0.8, 0.9]
record:
  curve_every: 500
`,
  );
  // DLSWEEP_ENGINE=ts: the TypeScript engine, the reference of every option.
  const r = runCli(['run', file, '--data-dir', join(REPO, 'data'), '--quiet'], dir, { DLSWEEP_ENGINE: 'ts' });
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'study');
  for (const f of runFolders(sweep)) {
    const params = readJson(join(sweep, f, 'params.json')).params;
    assert.deepEqual(
      [params.activation, params.optimizer, params.lr_schedule, params.l2, params.dropout, params.batch_size, params.early_stopping],
      ['relu', 'gd', { kind: 'constant' }, 0, 0, null, null],
    );
    const m = readJson(join(sweep, f, 'metrics.json'));
    const ref = oracle.after_15000_updates[String(params.threshold)];
    assert.equal(m.train.accuracy, ref.train_accuracy, `train accuracy at ${params.threshold}`);
    assert.equal(m.validation.accuracy, ref.validation_accuracy, `validation accuracy at ${params.threshold}`);
    const curve = new Map(
      readFileSync(join(sweep, f, 'curve.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',').map(Number) as [number, number, number])
        .map(([k, loss]) => [k, loss]),
    );
    for (const [k, loss] of Object.entries(oracle.loss_every_500)) {
      assert.ok(Math.abs(curve.get(Number(k))! - loss) < 1e-9, `loss at ${k}: ${curve.get(Number(k))} vs ${loss}`);
    }
  }
});
