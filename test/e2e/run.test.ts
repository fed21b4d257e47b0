import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO, WISCONSIN, onlySweep, readJson, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { GET_WISCONSIN, skipUnlessPresent } from '../helpers/requirements.js';

test('a Wisconsin sweep records every grid point and prints the table', { skip: skipUnlessPresent([WISCONSIN], GET_WISCONSIN) }, () => {
  const dir = tempDir();
  const file = writeExperiment(
    dir,
    'small.yaml',
    `name: small
dataset: wisconsin
grid:
  learning_rate: [0.01, 0.07]
  iterations: [300, 600]
  threshold: [0.5, 0.9]
record:
  curve_every: 100
`,
  );
  const r = runCli(['run', file, '--data-dir', join(REPO, 'data'), '--workers', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'small');
  const folders = runFolders(sweep);
  assert.equal(folders.length, 8);
  assert.match(folders[0], /^0001-[0-9a-f]{8}$/);

  const meta = readJson(join(sweep, 'sweep.json'));
  assert.equal(meta.status, 'done');
  assert.equal(meta.grid_size, 8);
  assert.equal(meta.trainings, 2);
  assert.deepEqual(meta.counts, { done: 8, diverged: 0, failed: 0, interrupted: 0, pending: 0 });
  assert.equal(meta.dataset.sha256, '402c585309c399237740f635ef9919dc512cca12cbeb20de5e563a4593f22b64');
  assert.equal(meta.node_version, process.version);
  assert.equal(readFileSync(join(sweep, 'experiment.yaml'), 'utf8'), readFileSync(file, 'utf8'));

  for (const f of folders) {
    const params = readJson(join(sweep, f, 'params.json'));
    const metrics = readJson(join(sweep, f, 'metrics.json'));
    assert.equal(metrics.status, 'done');
    assert.equal(metrics.run_id, params.run_id);
    assert.equal(f.slice(5), params.run_id.slice(0, 8));
    assert.equal(metrics.validation.samples, 182);
    assert.equal(metrics.train.samples, 500);
    const c = metrics.validation.confusion;
    assert.equal(c.tn + c.fp + c.fn + c.tp, 182);
    assert.equal(metrics.validation.accuracy, (c.tn + c.tp) / 182);
    const curve = readFileSync(join(sweep, f, 'curve.csv'), 'utf8').trim().split('\n');
    assert.equal(curve[0], 'iteration,train_loss,validation_loss');
    assert.equal(Number(curve.at(-1)!.split(',')[0]), params.params.iterations);
    // The curve's last training loss is the recorded training loss.
    assert.equal(Number(curve.at(-1)!.split(',')[1]), metrics.train.loss);
    const model = readJson(join(sweep, f, 'model.json'));
    assert.deepEqual(model.dims, [9, 15, 1]);
    assert.equal(model.W[0].length, 15);
    assert.equal(model.W[0][0].length, 9);
  }
  // Runs that differ only in threshold share the training: equal losses, their own confusion matrices.
  const byParams = new Map<string, any>(folders.map((f) => [JSON.stringify(readJson(join(sweep, f, 'params.json')).params), readJson(join(sweep, f, 'metrics.json'))]));
  const at = (lr: number, it: number, th: number) =>
    byParams.get(JSON.stringify({ ...readJson(join(sweep, folders[0], 'params.json')).params, learning_rate: lr, iterations: it, threshold: th }));
  assert.equal(at(0.07, 600, 0.5).validation.loss, at(0.07, 600, 0.9).validation.loss);

  const csv = readFileSync(join(sweep, 'results.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 9);
  assert.match(csv[0], /^run,run_id,status,learning_rate,iterations,hidden_sizes,init,seed,threshold,activation,leaky_relu_slope,optimizer,momentum,beta1,beta2,rho,epsilon,lr_schedule,l2,dropout,batch_size,early_stopping,train_loss,/);
  const table = readFileSync(join(sweep, 'table.md'), 'utf8');
  assert.match(table, /^# small\/\d{8}-\d{6}-[0-9a-f]{4}/);
  assert.equal(table.split('\n').filter((l) => /^\| .*\| \d{4}-[0-9a-f]{8}|\*\*\d{4}-/.test(l)).length, 8);
  // The terminal table lists the 8 runs, the varying parameters as columns and the fixed ones above.
  assert.match(r.stdout, /fixed: hidden_sizes=\[15\], init=lecun_normal, seed=1/);
  assert.equal((r.stdout.match(/\d{4}-[0-9a-f]{8}/g) ?? []).length, 8);
  assert.match(r.stderr, /8 grid points = learning_rate \(2\) x iterations \(2\) x threshold \(2\)/);
  assert.match(r.stderr, /plan: 2 trainings/);

  // compare reads the same sweep back.
  const c2 = runCli(['compare'], dir);
  assert.equal(c2.code, 0, c2.stderr);
  assert.equal(c2.stdout, r.stdout);
});

test('workers 1 and 2, and sharing on or off, give byte-identical metrics.json', () => {
  const dir = tempDir();
  const file = writeExperiment(
    dir,
    'det.yaml',
    syntheticExperiment('det', '  learning_rate: [0.05, 0.2]\n  iterations: [40, 100, 150]\n  threshold: [0.3, 0.5, 0.7, 0.9]\n  seed: [1, 2]'),
  );
  const outputs: Record<string, Map<string, string>> = {};
  for (const [label, args] of [
    ['w1', ['--workers', '1']],
    ['w2', ['--workers', '2']],
    ['noshare', ['--workers', '2', '--no-share']],
  ] as const) {
    const runs = join(dir, label);
    const r = runCli(['run', file, '--runs-dir', runs, ...args, '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    const sweep = onlySweep(runs, 'det');
    const files = new Map<string, string>();
    for (const f of runFolders(sweep)) {
      files.set(`${f}/metrics.json`, readFileSync(join(sweep, f, 'metrics.json'), 'utf8'));
      files.set(`${f}/curve.csv`, readFileSync(join(sweep, f, 'curve.csv'), 'utf8'));
      files.set(`${f}/model.json`, readFileSync(join(sweep, f, 'model.json'), 'utf8'));
    }
    outputs[label] = files;
    const meta = readJson(join(sweep, 'sweep.json'));
    assert.equal(meta.trainings, label === 'noshare' ? 48 : 4);
  }
  assert.equal(outputs.w1.size, 48 * 3);
  for (const [k, v] of outputs.w1) {
    assert.equal(outputs.w2.get(k), v, `${k} differs between --workers 1 and 2`);
    assert.equal(outputs.noshare.get(k), v, `${k} differs between shared and separate trainings`);
  }
});

test('a run sharing a longer training has the curve.csv of a separate training: its own last point, off the curve_every grid too', () => {
  const dir = tempDir();
  // curve_every 10; 15 and 47 are off the grid. With early stopping and restore_best, a checkpoint is scored
  // with the best weights while its curve point holds the current weights' losses.
  const files = [
    writeExperiment(dir, 'plain.yaml', syntheticExperiment('plain', '  learning_rate: [0.05]\n  iterations: [15, 47, 100]')),
    writeExperiment(dir, 'es.yaml', syntheticExperiment('es', '  learning_rate: [0.3]\n  iterations: [15, 47, 100]', 'fixed:\n  early_stopping: {patience: 1000}\n  batch_size: 64\n')),
  ];
  for (const file of files) {
    const name = file.endsWith('plain.yaml') ? 'plain' : 'es';
    const curves: Record<string, Map<number, string>> = {};
    for (const mode of ['share', 'noshare']) {
      const runs = join(dir, `${name}-${mode}`);
      const r = runCli(['run', file, '--runs-dir', runs, '--quiet', ...(mode === 'noshare' ? ['--no-share'] : [])], dir);
      assert.equal(r.code, 0, r.stderr);
      const sweep = onlySweep(runs, name);
      curves[mode] = new Map(runFolders(sweep).map((f) => [readJson(join(sweep, f, 'metrics.json')).iterations as number, readFileSync(join(sweep, f, 'curve.csv'), 'utf8')]));
    }
    assert.deepEqual([...curves.share.keys()].sort((a, b) => a - b), [15, 47, 100]);
    for (const [iterations, csv] of curves.noshare) {
      const last = csv.trim().split('\n').at(-1)!.split(',')[0];
      assert.equal(last, String(iterations), `${name}: a separate training of ${iterations} ends its curve at ${iterations}`);
      assert.equal(curves.share.get(iterations), csv, `${name}: curve.csv of the ${iterations}-update run, shared vs separate`);
    }
  }
});

test('bad input: one clear message, exit 2, no stack, nothing under runs/', () => {
  const dir = tempDir();
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['run', 'nope.yaml'], /experiment file not found: nope\.yaml/],
    ['YAML syntax', ['run', writeExperiment(dir, 'syntax.yaml', 'name: x\ngrid: [1, 2\n')], /syntax\.yaml:\d+:\d+/],
    ['typo', ['run', writeExperiment(dir, 'typo.yaml', 'name: x\ndataset: wisconsin\ngrid:\n  learnig_rate: [0.1]\n')], /typo\.yaml:4:3: error: .*did you mean `learning_rate`/s],
    ['missing dataset', ['run', writeExperiment(dir, 'nodata.yaml', 'name: x\ndataset: wisconsin\n'), '--data-dir', join(dir, 'empty')], /breast-cancer-wisconsin\.data/],
    ['bad option', ['run', 'x.yaml', '--workers', 'two'], /--workers takes a whole number/],
    ['unknown command', ['frobnicate'], /unknown command/],
  ];
  for (const [label, args, pattern] of cases) {
    const r = runCli(args, dir, { DLSWEEP_NO_FETCH: '1' });
    assert.equal(r.code, 2, `${label}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, pattern, label);
    assert.doesNotMatch(r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, `${label} printed a stack`);
    assert.equal(existsSync(join(dir, 'runs')), false, `${label} created runs/`);
  }
});

test('a grid over the limit is refused unless --max-runs raises it', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'big.yaml', syntheticExperiment('big', '  seed: [1, 2, 3, 4, 5]\n  threshold: [0.1, 0.2, 0.3]', 'fixed:\n  iterations: 5\n'));
  const r = runCli(['run', file, '--max-runs', '10'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /15 points, more than the limit of 10/);
  assert.match(r.stderr, /--max-runs/);
  assert.equal(existsSync(join(dir, 'runs')), false);
  const ok = runCli(['run', file, '--max-runs', '15', '--quiet'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(runFolders(onlySweep(join(dir, 'runs'), 'big')).length, 15);
});

test('--quiet prints only the table; plan trains nothing', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'q.yaml', syntheticExperiment('q', '  iterations: [10, 20]\n  threshold: [0.4, 0.6]'));
  const p = runCli(['plan', file], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /4 grid points/);
  assert.match(p.stdout, /1 training/);
  assert.equal(existsSync(join(dir, 'runs')), false);
  const r = runCli(['run', file, '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^q\/\d{8}-\d{6}-[0-9a-f]{4}: 4 runs/);
  assert.equal(readdirSync(join(dir, 'runs', 'q')).length, 1);
});

test('regression: bad paths and out-of-range sizes are input errors (exit 2), not internal errors', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'ok.yaml', syntheticExperiment('ok', '  iterations: [5]'));
  writeFileSync(join(dir, 'afile'), 'x');
  const cases: [string, string[], RegExp][] = [
    ['runs-dir is a file', ['run', file, '--runs-dir', join(dir, 'afile')], /--runs-dir \S*afile is a file, not a folder of sweeps/],
    ['empty runs-dir', ['run', file, '--runs-dir', ''], /--runs-dir takes a folder/],
    ['name too long in bytes', ['run', writeExperiment(dir, 'long.yaml', syntheticExperiment('日'.repeat(100), '  iterations: [5]'))], /takes 300 bytes, more than the limit of 100 bytes \(100 characters/],
    ['synthetic data too large', ['run', writeExperiment(dir, 'huge.yaml', 'name: huge\ndataset:\n  synthetic: {kind: blobs, samples: 100000000000, features: 2}\n')], /huge\.yaml:3:\d+: error: .*samples/],
    ['absurd iteration count', ['run', writeExperiment(dir, 'it.yaml', syntheticExperiment('it', '  iterations: [1e15]'))], /it\.yaml:\d+:\d+: error: .*iterations/],
    ['absurd hidden size', ['run', writeExperiment(dir, 'hs.yaml', syntheticExperiment('hs', '  hidden_sizes: [[1000000000]]'))], /hs\.yaml:\d+:\d+: error: .*hidden_sizes/],
  ];
  for (const [label, args, pattern] of cases) {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, `${label}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, pattern, label);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, label);
  }
});

test('regression: a closed output pipe does not stop a sweep; resuming a finished sweep keeps its end time', async () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'p.yaml', syntheticExperiment('p', '  seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  threshold: [0.3, 0.5, 0.7]'));
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" run p.yaml 2>&1 | head -1`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'p');
  const meta = readJson(join(sweep, 'sweep.json'));
  assert.equal(meta.status, 'done');
  assert.equal(meta.counts.done, 30);
  const again = runCli(['run', file, '--resume', '--quiet'], dir);
  assert.equal(again.code, 0, again.stderr);
  const after = readJson(join(sweep, 'sweep.json'));
  assert.equal(after.ended_at, meta.ended_at);
  assert.deepEqual(after.resumed_at, meta.resumed_at);
});

test('the duration run prints is the one ls, show and the report give: the span of work up to sweep.json\'s ended_at, the writing of the outputs left out by all', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'd.yaml', syntheticExperiment('d', '  learning_rate: [0.1, 0.5]\n  iterations: [30, 50]'));
  const r = runCli(['run', file, '--workers', '1'], dir);
  assert.equal(r.code, 0, r.stderr);
  const printed = /^recorded 4 done, 0 diverged, 0 failed in (\S+(?: ms)?); /m.exec(r.stderr)?.[1];
  assert.ok(printed, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'd');
  const record = readJson(join(sweep, 'sweep.json'));
  // One span of work, from the start to ended_at, which comes after the last run was recorded.
  assert.deepEqual(record.active, [{ started_at: record.started_at, ended_at: record.ended_at }]);
  const lastRun = Math.max(...runFolders(sweep).map((f) => Date.parse(readJson(join(sweep, f, 'timing.json')).finished_at)));
  assert.ok(Date.parse(record.ended_at) >= lastRun);
  const ls = JSON.parse(runCli(['ls', '--format', 'json'], dir).stdout).rows[0];
  assert.equal(ls.duration_ms, Date.parse(record.ended_at) - Date.parse(record.started_at));
  const table = runCli(['ls'], dir).stdout;
  assert.match(table, new RegExp(`│ +${printed.replace('.', '\\.')} │`), `ls says what run printed (${printed})`);
  assert.match(runCli(['show', 'd/latest'], dir).stdout, new RegExp(`ended ${record.ended_at} \\(${printed.replace('.', '\\.')}\\)`), 'show');
  assert.match(readFileSync(join(sweep, 'report.html'), 'utf8'), new RegExp(`ended ${record.ended_at} \\(${printed.replace('.', '\\.')}\\)`), 'the report');
});

test("a grid's last line says the updates trained of at most the planned, and on a resume those this process trained, as sweep.json counts them", () => {
  const dir = tempDir();
  // 2 learning rates x iterations 30 and 50: one training of 50 updates per learning rate, 100 planned.
  const file = writeExperiment(dir, 'u.yaml', syntheticExperiment('u', '  learning_rate: [0.1, 0.5]\n  iterations: [30, 50]'));
  const r = runCli(['run', file, '--workers', '1'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^recorded 4 done, 0 diverged, 0 failed in [^;]+; 100 updates trained of at most 100; table: /m);
  const sweep = onlySweep(join(dir, 'runs'), 'u');
  assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, 100);
  // One run of 50 updates lost: its training runs again to 50, the other runs are kept.
  const lost = runFolders(sweep).find((f) => readJson(join(sweep, f, 'params.json')).params.iterations === 50)!;
  rmSync(join(sweep, lost), { recursive: true });
  const again = runCli(['run', file, '--resume', '--workers', '1'], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /^recorded 4 done, 0 diverged, 0 failed in [^;]+; 100 updates trained of at most 100 \(50 by this run\); table: /m);
  assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, 100);
});
