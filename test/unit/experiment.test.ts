import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadExperiment, parseExperiment } from '../../src/experiment/load.js';
import { INIT_NAMES, PARAMS } from '../../src/experiment/params.js';
import { DiagnosticError, UserError, formatDiagnostic, type Diagnostic } from '../../src/errors.js';
import type { Experiment } from '../../src/experiment/types.js';
import { only, refused } from '../helpers/experiments.js';
import { planSweep } from '../../src/sweep/plan.js';

const CWD = '/tmp/dlsweep-test';

function parse(text: string): Experiment {
  return parseExperiment(text, 'exp.yaml', { cwd: CWD });
}

const diagnose = (text: string): Diagnostic[] => refused(() => parse(text));

const HEAD = 'name: t\ndataset: wisconsin\n';

test('seed-article.yaml loads with the study\'s axes, preset and recording', () => {
  const e = loadExperiment('experiments/seed-article.yaml');
  assert.equal(e.name, 'seed-article');
  assert.equal(e.file, 'experiments/seed-article.yaml');
  assert.equal(e.absoluteFile, path.resolve('experiments/seed-article.yaml'));
  assert.match(e.text, /^# yaml-language-server: \$schema=\.\.\/schema\/experiment\.schema\.json/);
  assert.deepEqual(
    e.axes.map((a) => [a.name, a.values]),
    [
      ['learning_rate', [0.01, 0.07]],
      ['iterations', [15000, 65000]],
      ['hidden_sizes', [[15]]],
      ['init', ['lecun_normal']],
      ['threshold', [0.5, 0.7, 0.8, 0.9]],
      ['seed', [1]],
    ],
  );
  assert.deepEqual(e.axes[2].spellings, ['[15]']);
  // Every parameter of the study is an axis; the training options added since take their defaults, which
  // are the study's (relu, plain full-batch gradient descent at a constant rate, no regularization).
  const axisNames = new Set(e.axes.map((a) => a.name));
  assert.deepEqual(e.fixed, Object.fromEntries(PARAMS.filter((p) => !axisNames.has(p.name)).map((p) => [p.name, p.default])));
  assert.deepEqual(
    [e.fixed.activation, e.fixed.optimizer, e.fixed.lr_schedule, e.fixed.l2, e.fixed.dropout, e.fixed.batch_size, e.fixed.early_stopping],
    ['relu', 'gd', { kind: 'constant' }, 0, 0, null, null],
  );
  assert.deepEqual(e.record, { curve_every: 500 });
  assert.deepEqual(e.warnings, []);
  assert.deepEqual(e.dataset, {
    kind: 'csv',
    name: 'wisconsin',
    path: path.resolve('data/wisconsin-cancer-dataset.csv'),
    header: false,
    delimiter: ',',
    label: 10,
    positive: [4],
    negative: [2],
    drop_columns: [0],
    missing_values: ['?', ''],
    missing_strategy: 'drop',
    normalize: { kind: 'minmax', fit: 'all' },
    split: { kind: 'fixed', train: [0, 499], validation: [501, 682] },
  });
});

test('init-study.yaml and quick.yaml load', () => {
  const init = loadExperiment('experiments/init-study.yaml');
  assert.deepEqual(init.axes.find((a) => a.name === 'init')?.values, [
    'lecun_normal',
    'he_normal',
    'glorot_normal',
    'glorot_uniform',
    'small_normal',
  ]);
  assert.deepEqual(init.axes.find((a) => a.name === 'hidden_sizes')?.values, [[5], [15], [30]]);
  assert.deepEqual(init.axes.find((a) => a.name === 'seed')?.values, [1, 2, 3]);
  assert.equal(init.fixed.learning_rate, 0.07);
  assert.equal(init.fixed.iterations, 5000);
  assert.equal(init.fixed.threshold, 0.5);
  const quick = loadExperiment('experiments/quick.yaml');
  const points = quick.axes.reduce((n, a) => n * a.values.length, 1);
  assert.equal(points, 8);
});

test('fixed holds every non-axis parameter with its default; no grid means one run', () => {
  const e = parse(HEAD);
  assert.deepEqual(e.axes, []);
  for (const p of PARAMS) assert.deepEqual(e.fixed[p.name], p.default, p.name);
  assert.deepEqual(e.fixedSpellings, {});
  assert.deepEqual(e.record, { curve_every: 100 });
  const empty = parse(`${HEAD}grid:\nfixed:\n`);
  assert.deepEqual(empty.axes, []);
});

test('1e-3 is the number 0.001 and keeps its spelling', () => {
  const e = parse(`${HEAD}fixed:\n  threshold: 5e-1\ngrid:\n  learning_rate: [1e-3, 0.1]\n  iterations: [1e4]\n`);
  const lr = e.axes.find((a) => a.name === 'learning_rate')!;
  assert.deepEqual(lr.values, [0.001, 0.1]);
  assert.deepEqual(lr.spellings, ['1e-3', '0.1']);
  assert.deepEqual(e.axes.find((a) => a.name === 'iterations')!.values, [10000]);
  assert.equal(e.fixed.threshold, 0.5);
  assert.equal(e.fixedSpellings.threshold, '5e-1');
});

test('a swap of neighbouring letters is one edit: gird suggests grid, treshold threshold', () => {
  const ds = diagnose(`${HEAD}gird:\n  iterations: [100]\n`);
  assert.equal(ds.length, 1);
  assert.equal(ds[0].hint, 'did you mean `grid`?');
  const swapped = diagnose(`${HEAD}fixed:\n  treshold: 0.5\n`);
  assert.equal(only(swapped, 'fixed.treshold').hint, 'did you mean `threshold`?');
  // Two swaps are not a typo of one word for a short one.
  assert.doesNotMatch(diagnose(`${HEAD}gdri:\n  iterations: [100]\n`)[0].hint ?? '', /did you mean/);
});

test('unknown grid key learnig_rate: error at the key with a suggestion', () => {
  const ds = diagnose(`${HEAD}grid:\n  iterations: [100]\n  learnig_rate: [0.01, 0.07]\n`);
  assert.equal(ds.length, 1);
  const d = only(ds, 'grid.learnig_rate');
  assert.equal(d.severity, 'error');
  assert.equal(d.file, 'exp.yaml');
  assert.equal(d.line, 5);
  assert.equal(d.column, 3);
  assert.equal(d.message, 'unknown parameter `learnig_rate`');
  assert.equal(d.hint, 'did you mean `learning_rate`?');
  const text = formatDiagnostic(d);
  assert.match(text, /^exp\.yaml:5:3: error: grid\.learnig_rate: unknown parameter `learnig_rate`/);
  assert.match(text, /\n {2}5 \| {3}learnig_rate: \[0\.01, 0\.07\]\n {4}\| {3}\^{12}\n/);
});

test('unknown keys are errors in every section', () => {
  const ds = diagnose(
    [
      'name: t',
      'descripton: x', // 2
      'dataset:',
      '  path: d.csv',
      '  label: 9',
      '  positive: [4]',
      '  normalise: {kind: zscore}', // 7
      '  split: {kind: holdout, validaton_fraction: 0.3}', // 8
      'fixed:',
      '  thresold: 0.5', // 10
      'record:',
      '  curve_evrey: 10', // 12
    ].join('\n'),
  );
  assert.deepEqual(
    ds.map((d) => [d.path, d.line, d.column, d.hint]),
    [
      ['descripton', 2, 1, 'did you mean `description`?'],
      ['dataset.normalise', 7, 3, 'did you mean `normalize`?'],
      ['dataset.split.validaton_fraction', 8, 26, 'did you mean `validation_fraction`?'],
      ['fixed.thresold', 10, 3, 'did you mean `threshold`?'],
      ['record.curve_evrey', 12, 3, 'did you mean `curve_every`?'],
    ],
  );
});

test('a parameter at the top level is pointed to fixed: or grid:', () => {
  const d = only(diagnose(`${HEAD}learning_rate: 0.01\n`), 'learning_rate');
  assert.equal(d.line, 3);
  assert.match(d.hint ?? '', /`fixed:`.*`grid:`/);
});

test('wrong type: a string learning rate gives expected and found', () => {
  const d = only(diagnose(`${HEAD}fixed:\n  learning_rate: "0.01"\n`), 'fixed.learning_rate');
  assert.equal(d.line, 4);
  assert.equal(d.column, 18);
  assert.equal(d.message, 'must be a number, not a string');
  assert.equal(d.expected, 'a number > 0');
  assert.equal(d.found, '"0.01"');
  assert.equal(d.hint, 'remove the quotes: learning_rate: 0.01');
  const d2 = only(diagnose(`${HEAD}grid:\n  learning_rate: [0.01, fast]\n`), 'grid.learning_rate[1]');
  assert.equal(d2.line, 4);
  assert.equal(d2.column, 25);
  assert.equal(d2.found, 'fast');
});

test('negative iterations: out of range with the bound', () => {
  const d = only(diagnose(`${HEAD}grid:\n  iterations: [100, -5]\n`), 'grid.iterations[1]');
  assert.equal(d.line, 4);
  assert.equal(d.column, 21);
  assert.equal(d.message, 'out of range: must be ≥ 1');
  assert.equal(d.expected, 'an integer in [1, 1000000000]');
  assert.equal(d.found, '-5');
  const frac = only(diagnose(`${HEAD}fixed:\n  iterations: 1.5\n`), 'fixed.iterations');
  assert.equal(frac.message, 'must be an integer, not a number');
});

test('bad init name lists the valid ones', () => {
  const d = only(diagnose(`${HEAD}grid:\n  init: [lecun_normal, xavier]\n`), 'grid.init[1]');
  assert.equal(d.line, 4);
  assert.equal(d.column, 24);
  assert.equal(d.message, 'unknown value `xavier`');
  assert.equal(d.expected, `one of: ${INIT_NAMES.join(', ')}`);
  const near = only(diagnose(`${HEAD}fixed:\n  init: glorot_unifrom\n`), 'fixed.init');
  assert.equal(near.hint, 'did you mean `glorot_uniform`?');
});

test('a parameter both fixed and on the grid: error at the grid key naming the fixed one', () => {
  const d = only(diagnose(`${HEAD}fixed:\n  seed: 1\ngrid:\n  seed: [1, 2]\n`), 'grid.seed');
  assert.equal(d.line, 6);
  assert.equal(d.column, 3);
  assert.match(d.message, /both a grid axis and fixed \(fixed\.seed on line 4\)/);
});

test('hidden_sizes written without inner lists gets a rewriting hint', () => {
  const ds = diagnose(`${HEAD}grid:\n  hidden_sizes: [15, 30]\n`);
  assert.equal(ds.length, 1);
  const d = only(ds, 'grid.hidden_sizes');
  assert.equal(d.line, 4);
  assert.equal(d.column, 17);
  assert.match(d.hint ?? '', /^write \[\[15\], \[30\]\]/);
  const f = only(diagnose(`${HEAD}fixed:\n  hidden_sizes: 15\n`), 'fixed.hidden_sizes');
  assert.equal(f.hint, 'write `hidden_sizes: [15]`');
  assert.deepEqual(parse(`${HEAD}grid:\n  hidden_sizes: [[15], [32, 16], []]\n`).axes[0].spellings, ['[15]', '[32, 16]', '[]']);
});

test('a grid value that is not a list: error with an example', () => {
  const d = only(diagnose(`${HEAD}grid:\n  learning_rate: 0.05\n`), 'grid.learning_rate');
  assert.equal(d.line, 4);
  assert.equal(d.column, 18);
  assert.match(d.hint ?? '', /`learning_rate: \[0\.05\]`/);
  const empty = only(diagnose(`${HEAD}grid:\n  threshold: []\n`), 'grid.threshold');
  assert.match(empty.message, /empty grid axis/);
});

test('YAML syntax error with its position', () => {
  const ds = diagnose('name: t\ndataset: wisconsin\ngrid:\n  learning_rate: [0.01, 0.07\n  iterations: [10]\n');
  assert.ok(ds.length >= 1);
  assert.match(ds[0].message, /^YAML syntax error: /);
  // At the `[` left open, not where the parser noticed it (the next line).
  assert.equal(ds[0].line, 4);
  assert.equal(ds[0].column, '  learning_rate: ['.length);
  assert.match(ds[0].message, /not closed/);
  const tab = diagnose('name: t\ndataset: wisconsin\ngrid:\n\tseed: [1]\n');
  assert.equal(tab[0].line, 4);
  assert.match(tab[0].hint ?? '', /spaces, not tabs/);
});

test('duplicate keys are errors naming the first', () => {
  const d = only(diagnose(`${HEAD}grid:\n  seed: [1]\n  seed: [2]\n`), 'grid.seed');
  assert.equal(d.line, 5);
  assert.equal(d.column, 3);
  assert.equal(d.message, 'duplicate key `seed` (first given on line 4)');
});

test('empty file and non-mapping documents are errors', () => {
  assert.match(diagnose('')[0].message, /empty/);
  assert.match(diagnose('# just a comment\n')[0].message, /empty/);
  const list = diagnose('- name: t\n');
  assert.match(list[0].message, /mapping/);
  assert.equal(list[0].line, 1);
});

test('duplicate axis values warn and are removed (by value: 0.1, 1e-1, 0.10)', () => {
  const e = parse(`${HEAD}grid:\n  learning_rate: [0.1, 0.01, 1e-1, 0.10]\n  hidden_sizes: [[15], [15]]\n`);
  const lr = e.axes.find((a) => a.name === 'learning_rate')!;
  assert.deepEqual(lr.values, [0.1, 0.01]);
  assert.deepEqual(lr.spellings, ['0.1', '0.01']);
  assert.deepEqual(e.axes.find((a) => a.name === 'hidden_sizes')!.values, [[15]]);
  assert.deepEqual(
    e.warnings.map((w) => [w.severity, w.path, w.line, w.column]),
    [
      ['warning', 'grid.learning_rate[2]', 4, 30],
      ['warning', 'grid.learning_rate[3]', 4, 36],
      ['warning', 'grid.hidden_sizes[1]', 5, 24],
    ],
  );
  assert.match(e.warnings[0].message, /duplicate value `1e-1`.*equal to `0\.1`/);
});

test('unsafe names are rejected with a safe suggestion', () => {
  const cases: [string, RegExp, string][] = [
    ['../evil', /contains `\/`.*starts with `\.`/, 'evil'],
    ['a/b', /contains `\/`/, 'a-b'],
    ['a\\\\b', /contains `\\`/, 'a-b'],
    ['c:x', /contains `:`/, 'c-x'],
    ['.hidden', /starts with `\.`/, 'hidden'],
    ['.', /not a folder name/, 'my-experiment'],
    ['..', /not a folder name/, 'my-experiment'],
    ['a\\tb', /control characters/, 'a-b'],
    ['x'.repeat(101), /it takes 101 bytes, more than the limit of 100 bytes/, 'x'.repeat(100)],
  ];
  for (const [name, why, safe] of cases) {
    const d = only(diagnose(`name: "${name}"\ndataset: wisconsin\n`), 'name');
    assert.equal(d.line, 1);
    assert.equal(d.column, 7);
    assert.match(d.message, why, name);
    assert.ok(d.hint?.endsWith(`name: ${safe}`), `${name}: ${d.hint}`);
  }
  assert.match(only(diagnose('name: ""\ndataset: wisconsin\n'), 'name').message, /empty/);
  assert.match(only(diagnose('name: 2024\ndataset: wisconsin\n'), 'name').hint ?? '', /"2024"/);
  assert.equal(parse('name: my run 2 (final)\ndataset: wisconsin\n').name, 'my run 2 (final)');
});

test('all errors are reported at once, sorted by line', () => {
  const text = [
    'name: a/b', // 1
    'dataset: wisconsin',
    'fixed:',
    '  init: xavier', // 4
    'grid:',
    '  learnig_rate: [0.1]', // 6
    '  iterations: [0]', // 7
    'record: {curve_every: 0}', // 8
  ].join('\n');
  const ds = diagnose(text);
  assert.deepEqual(
    ds.map((d) => [d.line, d.path]),
    [
      [1, 'name'],
      [4, 'fixed.init'],
      [6, 'grid.learnig_rate'],
      [7, 'grid.iterations[0]'],
      [8, 'record.curve_every'],
    ],
  );
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof UserError);
    assert.equal((e as Error).message.split('\n\n').length, 5);
  }
});

test('missing file: UserError with a hint', () => {
  assert.throws(
    () => loadExperiment('experiments/no-such-file.yaml'),
    (e: unknown) =>
      e instanceof UserError &&
      !(e instanceof DiagnosticError) &&
      e.message === 'experiment file not found: experiments/no-such-file.yaml' &&
      typeof e.hint === 'string',
  );
});

test('required keys: name and dataset', () => {
  const ds = diagnose('description: x\n');
  const d = only(ds, '');
  assert.equal(d.message, 'missing required keys `name`, `dataset`');
  assert.equal(d.line, 1);
});

test('dataset forms: custom CSV with defaults, relative path resolved', () => {
  const e = parseExperiment('name: t\ndataset: {path: ../d/x.csv, label: class, positive: [M]}\n', 'sub/exp.yaml', {
    cwd: CWD,
  });
  assert.deepEqual(e.dataset, {
    kind: 'csv',
    path: path.resolve(CWD, 'd/x.csv'),
    header: 'auto',
    delimiter: ',',
    label: 'class',
    positive: ['M'],
    drop_columns: [],
    missing_values: ['?', ''],
    missing_strategy: 'drop',
    normalize: { kind: 'minmax', fit: 'train' },
    split: { kind: 'holdout', validation_fraction: 0.2, stratify: true, seed: 0 },
  });
});

test('dataset forms: known dataset with overrides, dataDir option', () => {
  const e = parseExperiment(
    'name: t\ndataset:\n  name: wisconsin\n  normalize: {kind: zscore}\n  split: {kind: kfold, k: 5}\n',
    'exp.yaml',
    { cwd: CWD, dataDir: 'elsewhere' },
  );
  assert.equal(e.dataset.kind, 'csv');
  if (e.dataset.kind !== 'csv') return;
  assert.equal(e.dataset.path, path.resolve(CWD, 'elsewhere/wisconsin-cancer-dataset.csv'));
  assert.deepEqual(e.dataset.normalize, { kind: 'zscore', fit: 'all' });
  assert.deepEqual(e.dataset.split, { kind: 'kfold', k: 5, stratify: true, seed: 0 });
  assert.deepEqual(e.dataset.positive, [4]);
});

test('dataset forms: synthetic with defaults', () => {
  const e = parse('name: t\ndataset: {synthetic: {kind: xor, samples: 200, features: 2}}\n');
  assert.deepEqual(e.dataset, {
    kind: 'synthetic',
    generator: 'xor',
    samples: 200,
    features: 2,
    noise: 0.1,
    seed: 0,
    normalize: { kind: 'minmax', fit: 'train' },
    split: { kind: 'holdout', validation_fraction: 0.2, stratify: true, seed: 0 },
  });
  const d = only(diagnose('name: t\ndataset: {synthetic: {kind: circles, samples: 20, features: 1}}\n'), 'dataset.synthetic.features');
  assert.equal(d.line, 2);
  assert.equal(d.column, 61);
});

test('dataset errors: unknown name, missing fields, bad split', () => {
  const unknown = only(diagnose('name: t\ndataset: wiscosin\n'), 'dataset');
  assert.equal(unknown.message, 'unknown dataset `wiscosin`');
  assert.equal(unknown.expected, 'a known dataset: wisconsin');
  assert.equal(unknown.hint, 'did you mean `wisconsin`?');
  const missing = only(diagnose('name: t\ndataset:\n  path: x.csv\n  label: 3\n'), 'dataset');
  assert.equal(missing.message, 'missing required key `positive`');
  assert.equal(missing.line, 3);
  const kind = only(diagnose('name: t\ndataset: {name: wisconsin, split: {kind: random}}\n'), 'dataset.split.kind');
  assert.equal(kind.expected, 'one of: fixed, holdout, kfold');
  const reversed = only(
    diagnose('name: t\ndataset:\n  name: wisconsin\n  split: {kind: fixed, train: [499, 0], validation: [501, 682]}\n'),
    'dataset.split.train',
  );
  assert.equal(reversed.line, 4);
  assert.equal(reversed.column, 31);
  assert.equal(reversed.hint, 'write train: [0, 499] (both ends are inclusive)');
  const frac = only(diagnose('name: t\ndataset: {name: wisconsin, split: {kind: holdout, validation_fraction: 1}}\n'), 'dataset.split.validation_fraction');
  assert.equal(frac.expected, 'a number strictly between 0 and 1');
  const type = only(diagnose('name: t\ndataset: 42\n'), 'dataset');
  assert.equal(type.message, 'must be a string or a mapping, not an integer');
});

test('fixed split ranges that overlap are one positioned error (not a warning), naming the shared rows', () => {
  const ds = diagnose('name: t\ndataset:\n  name: wisconsin\n  split: {kind: fixed, train: [0, 499], validation: [400, 682]}\n');
  const d = only(ds, 'dataset.split.validation');
  assert.equal(d.severity, 'error');
  assert.equal(d.message, 'validation rows [400, 682] overlap the training rows [0, 499] on rows 400..499');
  assert.equal(d.line, 4);
  assert.equal(d.column, 53);
  assert.equal(d.hint, 'a row used for training cannot validate: make the ranges disjoint');
});

test('the discriminator is `kind` everywhere: `method` gets one did-you-mean error at its key, the rest still checked', () => {
  const cases: [string, string, number, number, string][] = [
    ['dataset: {name: wisconsin, split: {method: kfold, k: 5}}', 'dataset.split.method', 2, 36, 'write `kind: kfold`'],
    ['dataset: {name: wisconsin, normalize: {method: zscore}}', 'dataset.normalize.method', 2, 40, 'write `kind: zscore`'],
    ['dataset: {synthetic: {method: xor, samples: 40, features: 2}}', 'dataset.synthetic.method', 2, 23, 'write `kind: xor`'],
    ['dataset: wisconsin\nfixed:\n  lr_schedule: {method: cosine}', 'fixed.lr_schedule.method', 4, 17, 'write `kind: cosine`'],
    ['dataset: wisconsin\ngrid:\n  lr_schedule: [{kind: constant}, {method: step, every: 10}]', 'grid.lr_schedule[1].method', 4, 36, 'write `kind: step`'],
  ];
  for (const [body, path, line, column, fix] of cases) {
    const ds = diagnose(`name: t\n${body}\n`);
    const d = only(ds, path);
    assert.equal(ds.length, 1, `${body}: ${ds.map((x) => x.message).join('; ')}`);
    assert.match(d.message, /^unknown key `method`: the form of \w+ is named by `kind`$/);
    assert.equal(d.line, line, body);
    assert.equal(d.column, column, body);
    assert.ok(d.hint?.includes('did you mean `kind`?') && d.hint.includes(fix), d.hint);
  }
  // Other problems of the same object are still found.
  const both = diagnose('name: t\ndataset: {name: wisconsin, split: {method: kfold, k: 1}}\n');
  assert.deepEqual(both.map((d) => d.path).sort(), ['dataset.split.k', 'dataset.split.method']);
});

test('every experiment file the README names exists, loads and plans, the threshold-selection example among them', () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  const named = [...new Set([...readme.matchAll(/experiments\/[\w-]+\.yaml/g)].map((m) => m[0]))];
  assert.ok(named.includes('experiments/threshold-selection.yaml'), 'the README links the threshold-selection example');
  for (const file of named) {
    const e = loadExperiment(file);
    const plan = planSweep(e, { fingerprint: 'f'.repeat(64), features: 9, trainSamples: 300, folds: 1 });
    assert.ok(plan.runs.length >= 1, file);
  }
  // The README's figures: 300 training rows, 190 validation rows, 19 thresholds from one training; the
  // rows after them are a test split, so `thresholds` reports the chosen threshold on held-out rows.
  const e = loadExperiment('experiments/threshold-selection.yaml');
  assert.equal(e.name, 'threshold-selection');
  const split = e.dataset.split as { kind: string; train: [number, number]; validation: [number, number]; test?: [number, number] };
  assert.equal(split.kind, 'fixed');
  assert.equal(split.train[1] - split.train[0] + 1, 300);
  assert.equal(split.validation[1] - split.validation[0] + 1, 190);
  assert.ok(split.test && split.test[0] > split.validation[1], 'a test split after the validation rows');
  assert.deepEqual(e.axes.find((a) => a.name === 'threshold')?.values, Array.from({ length: 19 }, (_, i) => (i + 1) / 20));
  const plan = planSweep(e, { fingerprint: 'f'.repeat(64), features: 9, trainSamples: 300, folds: 1 });
  assert.equal(plan.runs.length, 19);
  assert.equal(plan.trainings.length, 1);
});

test('a UTF-16 file (byte-order mark FF FE or FE FF) is one error saying it is not UTF-8 and how to convert it', () => {
  const dir = fs.mkdtempSync(path.join(CWD + '-utf16-'));
  const text = 'name: t\ndataset: wisconsin\n';
  const le = Buffer.from('\uFEFF' + text, 'utf16le');
  const be = Buffer.from(le).swap16();
  assert.deepEqual([...le.subarray(0, 2)], [0xff, 0xfe]);
  for (const [name, bytes, endian] of [['le.yaml', le, 'little'], ['be.yaml', be, 'big']] as const) {
    fs.writeFileSync(path.join(dir, name), bytes);
    const ds = refused(() => loadExperiment(name, { cwd: dir }));
    assert.equal(ds.length, 1, ds.map(formatDiagnostic).join('\n'));
    assert.deepEqual([ds[0].file, ds[0].line, ds[0].column], [name, 1, 1]);
    assert.equal(ds[0].message, `the file is not UTF-8: it starts with a UTF-16 byte-order mark (${endian}-endian)`);
    assert.match(ds[0].hint ?? '', new RegExp(`iconv -f UTF-16 -t UTF-8 ${name.replace('.', '\\.')}`));
  }
});

test('a UTF-16 file without a byte-order mark is one error naming UTF-16 and its byte order, no NUL bytes echoed', () => {
  const dir = fs.mkdtempSync(path.join(CWD + '-utf16-nobom-'));
  const le = Buffer.from('name: x\ndataset: wisconsin\n', 'utf16le');
  const be = Buffer.from(le).swap16();
  assert.deepEqual([...be.subarray(0, 4)], [0x00, 0x6e, 0x00, 0x61]);
  for (const [name, bytes, endian, tag] of [['le.yaml', le, 'little', 'LE'], ['be.yaml', be, 'big', 'BE']] as const) {
    fs.writeFileSync(path.join(dir, name), bytes);
    const ds = refused(() => loadExperiment(name, { cwd: dir }));
    assert.equal(ds.length, 1, ds.map(formatDiagnostic).join('\n'));
    assert.deepEqual([ds[0].file, ds[0].line, ds[0].column], [name, 1, 1]);
    assert.match(ds[0].message, new RegExp(`^the file is not UTF-8: .*UTF-16 \\(${endian}-endian\\) without a byte-order mark`));
    assert.equal(ds[0].hint, `save it as UTF-8 in your editor, or convert it: iconv -f UTF-16${tag} -t UTF-8 ${name} > converted.yaml`);
    assert.doesNotMatch(formatDiagnostic(ds[0]), /\u0000/);
  }
  // A stray NUL in UTF-8 text is refused at its line and column.
  fs.writeFileSync(path.join(dir, 'nul.yaml'), Buffer.concat([Buffer.from('name: t\ndataset: wis'), Buffer.from([0]), Buffer.from('consin\n')]));
  const [d] = refused(() => loadExperiment('nul.yaml', { cwd: dir }));
  assert.deepEqual([d.line, d.column], [2, 13]);
  assert.match(d.message, /NUL byte/);
  assert.doesNotMatch(formatDiagnostic(d), /\u0000/);
});

test('bytes that are not UTF-8 (a Latin-1 file) are one error at their line and column, not a wrong value later', () => {
  const dir = fs.mkdtempSync(path.join(CWD + '-latin1-'));
  // `é` in Latin-1 is the single byte 0xe9, not a UTF-8 character.
  const bytes = Buffer.concat([Buffer.from('name: t\ndataset: wisconsin\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
  fs.writeFileSync(path.join(dir, 'latin1.yaml'), bytes);
  const ds = refused(() => loadExperiment('latin1.yaml', { cwd: dir }));
  assert.equal(ds.length, 1, ds.map(formatDiagnostic).join('\n'));
  assert.deepEqual([ds[0].line, ds[0].column], [3, 17]);
  assert.match(ds[0].message, /^the file is not UTF-8/);
  assert.match(ds[0].hint ?? '', /iconv -f LATIN1 -t UTF-8 latin1\.yaml/);
  // A folder given as the file is said to be one.
  assert.throws(() => loadExperiment('.', { cwd: dir }), /experiment file \. is a folder, not a file/);
});

test('a grid: with no axes (axes that lost their indentation) is one warning at the key; the sweep is one run of the defaults', () => {
  for (const grid of ['grid:\n', 'grid: {}\n']) {
    const text = HEAD + grid;
    const e = parse(text);
    assert.equal(e.warnings.length, 1, grid);
    assert.deepEqual([e.warnings[0].line, e.warnings[0].column], [3, 1]);
    assert.equal(e.warnings[0].message, 'no axes: the sweep is one run, every parameter at its default (or its fixed: value)');
    assert.match(e.warnings[0].hint ?? '', /indented under grid:/);
  }
  assert.deepEqual(parse(HEAD + 'grid:\n  learning_rate: [0.1]\n').warnings, []);
  // A search over an empty grid draws the same configuration every trial: said so.
  const search = parse(HEAD + 'search: {method: random, trials: 3}\ngrid: {}\n');
  assert.deepEqual(search.warnings.map((w) => w.message), ['no axes: the search has no parameter to draw, so every trial trains the same configuration']);
});
