/** The CLI on inputs that used to hang or crash late: a 10^10-point grid for plan and for run. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, hasWisconsin, runCli, tempDir } from '../helpers/cli.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'inputs');
const skip = !hasWisconsin() && 'data/wisconsin-cancer-dataset.csv is absent';

test('plan answers at once for a 10^10-point grid; run refuses it whatever --max-runs says', { skip }, () => {
  const runs = tempDir();
  const dataDir = join(REPO, 'data');
  // It used to run for many minutes at full CPU; a generous bound still tells the two apart on a loaded machine.
  const started = Date.now();
  const plan = runCli(['plan', 'plan-huge.yaml', '--data-dir', dataDir, '--runs-dir', runs], FIXTURES);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /plan-huge: 10,000,000,000 grid points = learning_rate \(100\) x seed \(100\) x l2 \(100\) x dropout \(100\) x momentum \(100\)/);
  assert.ok(seconds < 60, `plan took ${seconds} s`);
  // The largest limit --max-runs takes: the grid is still refused, by what a sweep holds.
  const run = runCli(['run', 'plan-huge.yaml', '--data-dir', dataDir, '--runs-dir', runs, '--max-runs', '100000'], FIXTURES);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /the grid has 10,000,000,000 points: a sweep holds at most 100,000/);
  assert.doesNotMatch(run.stderr, /at .*\.js:\d+/);
});

test('an experiment file with a cyclic alias is refused with exit 2 and one message at the alias, no stack trace', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'exp.yaml'), 'name: t\ndataset: wisconsin\ntags: &t [a, *t]\n');
  for (const command of ['plan', 'run']) {
    const r = runCli([command, 'exp.yaml', '--runs-dir', join(dir, 'runs')], dir);
    assert.equal(r.code, 2, r.stderr);
    // `*t` is the 14th character of line 3.
    assert.match(r.stderr, /^exp\.yaml:3:14: error: tags\[1\]: alias `\*t` refers to a value that contains it/);
    assert.doesNotMatch(r.stderr, /internal error|Maximum call stack|at .*\.js:\d+/);
  }
});

test('no signal handler is installed before a sweep is locked: reading and planning stop at once on Ctrl-C or SIGTERM', () => {
  // A listener on SIGINT/SIGTERM replaces the default exit with a callback that waits for the event loop,
  // which a long synchronous step (planning a large grid) does not give back. Checked in a fresh process.
  const main = join(REPO, 'dist', 'src', 'cli', 'main.js');
  const script = `await import(${JSON.stringify(main)}); console.log(process.listenerCount('SIGINT'), process.listenerCount('SIGTERM'));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '0 0');
});

test('a dataset file that is missing is reported at the experiment\'s dataset.path, with a hint, by run and data describe', () => {
  const dir = tempDir();
  const text = 'name: t\ndataset:\n  label: 0\n  path: nope.csv\n  positive: [1]\n  negative: [0]\n  split: {kind: holdout, validation_fraction: 0.2}\n';
  writeFileSync(join(dir, 'exp.yaml'), text);
  // `path: nope.csv` is line 4; its value starts at column 9 ("  path: " is 8 characters).
  const expected = [
    `exp.yaml:4:9: error: dataset.path: file not found: ${join(dir, 'nope.csv')}`,
    '  4 |   path: nope.csv',
    '    |         ^^^^^^^^',
    '  hint: put the CSV file at that path, or set dataset.path in the experiment file to where it is',
    '',
  ].join('\n');
  for (const args of [['run', 'exp.yaml', '--runs-dir', join(dir, 'runs')], ['data', 'describe', 'exp.yaml']]) {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, expected, args[0]);
  }
});

test('a huge value on the command line is never echoed whole: every line of the message is shortened, the exit code kept', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'exp.yaml'), 'name: t\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 2, seed: 3}\ngrid:\n  iterations: [5]\n');
  const huge = 'x'.repeat(4000);
  // commander's own message, the file system's (a name too long), and one of dlsweep's own quoting the value.
  for (const args of [[`--${huge}`], ['run', `${huge}.yaml`], ['run', 'exp.yaml', '--resume', huge]]) {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.split('\n');
    assert.ok(lines.every((l) => l.length <= 500), lines.map((l) => l.length).join(' '));
    assert.match(r.stderr, /characters left out/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('--data-dir is taken before the command, as --runs-dir is, and refused before a command that reads no dataset', { skip }, () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'dd.yaml'), 'name: dd\ndataset: wisconsin\nfixed:\n  iterations: 5\n');
  const env = { DLSWEEP_NO_FETCH: '1' };
  for (const args of [['--data-dir', join(REPO, 'data'), 'plan', 'dd.yaml'], ['plan', 'dd.yaml', '--data-dir', join(REPO, 'data')]]) {
    const r = runCli(args, dir, env);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /^dd: 1 grid point/m, r.stdout);
  }
  // Without it, ./data of the folder (which has none) is where the dataset is looked for.
  assert.equal(runCli(['plan', 'dd.yaml'], dir, env).code, 2);
  const compare = runCli(['--data-dir', join(REPO, 'data'), 'compare'], dir, env);
  assert.equal(compare.code, 2, compare.stderr);
  assert.match(compare.stderr, /--data-dir does not apply to dlsweep compare/);
  assert.doesNotMatch(compare.stderr, /unknown option|at .*\.js:\d+/);
});
