/**
 * Experiment files that other tools read differently or that cannot run: YAML 1.1 forms, merge keys, networks
 * too large to allocate, thresholds that decide nothing, huge grids, names that are not portable folder names,
 * byte-order marks. Inputs are in test/fixtures/inputs/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadExperiment, parseExperiment } from '../../src/experiment/load.js';
import { safeName, unsafeNameReasons, utf8Bytes } from '../../src/experiment/names.js';
import type { Experiment } from '../../src/experiment/types.js';
import { planSweep, summarizePlan, type DataShape } from '../../src/sweep/plan.js';
import { resolveSweep } from '../../src/store/sweep-folders.js';
import { REPO } from '../helpers/cli.js';
import { refused } from '../helpers/experiments.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'inputs');
const SHAPE: DataShape = { fingerprint: 'f', features: 9, trainSamples: 500, folds: 1 };

const diagnose = refused;
const fixture = (name: string) => () => loadExperiment(name, { cwd: FIXTURES });
const text = (t: string) => () => parseExperiment(t, 'exp.yaml', { cwd: FIXTURES });
const parse = (t: string): Experiment => parseExperiment(t, 'exp.yaml', { cwd: FIXTURES });

test('a %YAML 1.1 directive is refused at the directive: values are never read under 1.1 rules', () => {
  const [d, ...rest] = diagnose(fixture('yaml-1.1.yaml'));
  assert.equal(rest.length, 0);
  assert.equal(d.severity, 'error');
  assert.equal(d.message, 'the file declares YAML 1.1: dlsweep reads experiment files as YAML 1.2 only');
  assert.deepEqual([d.line, d.column, d.length], [1, 1, 9]);
  assert.match(d.hint ?? '', /^remove the `%YAML 1\.1` line\. Under YAML 1\.2, 0010 is 10 \(YAML 1\.1: octal 8\)/);
  // Any other version too; 1.2 itself is fine.
  assert.match(diagnose(text('%YAML 1.3\n---\nname: t\ndataset: wisconsin\n'))[0].message, /declares YAML 1\.3/);
  assert.equal(parse('%YAML 1.2\n---\nname: t\ndataset: wisconsin\n').name, 't');
});

test('integers written with leading zeros are read as decimal (YAML 1.2) with a warning at each', () => {
  const e = parse('name: t\ndataset: wisconsin\ngrid:\n  iterations: [0010, 0100]\n  learning_rate: [0.01]\n');
  assert.deepEqual(e.axes[0].values, [10, 100]);
  const w = e.warnings.filter((x) => /leading zeros/.test(x.message));
  assert.deepEqual(
    w.map((x) => [x.line, x.column, x.message, x.hint]),
    [
      [4, 16, 'number written with leading zeros: `0010` is read as 10 (YAML 1.2; YAML 1.1 tools read 0-prefixed integers as octal)', 'write 10'],
      [4, 22, 'number written with leading zeros: `0100` is read as 100 (YAML 1.2; YAML 1.1 tools read 0-prefixed integers as octal)', 'write 100'],
    ],
  );
  // 0, 0.5 and 10 are plain numbers: no warning.
  assert.equal(parse('name: t\ndataset: wisconsin\nfixed: {seed: 0, learning_rate: 0.5, iterations: 10}\n').warnings.length, 0);
});

test('a merge key gets one message at the `<<`, with the mapping written out in full', () => {
  const ds = diagnose(fixture('merge-key.yaml'));
  assert.equal(ds.length, 1, ds.map((d) => d.message).join('\n'));
  const [d] = ds;
  assert.equal(d.message, 'merge keys (`<<: *anchor`) are not supported: dlsweep reads YAML 1.2, which has none');
  assert.deepEqual([d.line, d.column, d.path], [8, 8, 'grid.lr_schedule[1]["<<"]']);
  assert.equal(d.hint, 'write the mapping out in full: {kind: step, drop: 0.25, every: 100}');
  // Several sources: the first one's keys win, the mapping's own keys over all.
  const two = diagnose(text('name: t\ndataset: wisconsin\nx: &a {p: 1, q: 2}\ny: &b {q: 3, r: 4}\nfixed:\n  lr_schedule: {<<: [*a, *b], kind: constant}\n'));
  const m = two.find((x) => x.message.startsWith('merge keys'))!;
  assert.equal(m.hint, 'write the mapping out in full: {p: 1, q: 2, r: 4, kind: constant}');
  // A quoted "<<" is an ordinary key (reported as unknown), not a merge key.
  assert.ok(diagnose(text('name: t\ndataset: wisconsin\nfixed:\n  "<<": 1\n')).every((x) => !x.message.startsWith('merge keys')));
});

test('an alias with no anchor before it is one error at the alias, with its path and a hint; an anchor set before is fine', () => {
  const ds = diagnose(text('name: t\ndataset: wisconsin\ngrid:\n  learning_rate: *lr\n  iterations: [100, *n]\n'));
  assert.deepEqual(
    ds.map((d) => [d.line, d.column, d.path, d.message]),
    [
      [4, 18, 'grid.learning_rate', 'alias `*lr` names no anchor: `&lr` is not set before it'],
      [5, 21, 'grid.iterations[1]', 'alias `*n` names no anchor: `&n` is not set before it'],
    ],
  );
  assert.match(ds[0].hint ?? '', /^put `&lr` on a value above this line/);
  // The anchor after its alias does not count (YAML resolves aliases backwards only).
  assert.equal(diagnose(text('name: t\ndataset: wisconsin\nfixed:\n  learning_rate: *lr\ngrid:\n  l2: &lr [0.1]\n'))[0].line, 4);
  assert.deepEqual(parse('name: t\ndataset: wisconsin\ngrid:\n  learning_rate: &lr [0.1]\n  l2: *lr\n').axes.map((a) => a.values), [[0.1], [0.1]]);
});

test('an alias inside the value its own anchor names (a cycle) is one error at the alias, not a stack overflow', () => {
  // [text, line and column of the alias (1-based), its path, the line of its anchor], counted by hand.
  const cases: [string, number, number, string, number][] = [
    ['name: t\ndataset: wisconsin\ntags: &t [a, *t]\n', 3, 14, 'tags[1]', 3],
    ['name: t\ndataset: wisconsin\nfixed: &f {learning_rate: *f}\n', 3, 27, 'fixed.learning_rate', 3],
    // Nested two levels below its anchor, which is on the line before the mapping's first key.
    ['name: t\ndataset: wisconsin\ngrid: &g\n  learning_rate: [0.01]\n  hidden_sizes:\n    - [4]\n    - - 3\n      - *g\n', 8, 9, 'grid.hidden_sizes[1][1]', 3],
  ];
  for (const [t, line, column, path, anchorLine] of cases) {
    const ds = diagnose(text(t));
    assert.equal(ds.length, 1, ds.map((d) => d.message).join('\n'));
    const name = /&(\w)/.exec(t)![1];
    assert.deepEqual([ds[0].line, ds[0].column, ds[0].path], [line, column, path], t);
    assert.equal(ds[0].message, `alias \`*${name}\` refers to a value that contains it (\`&${name}\` on line ${anchorLine}): a cycle, the value would hold itself without end`);
    assert.match(ds[0].hint ?? '', new RegExp(`^write the value out here instead of \`\\*${name}\``));
  }
  // An alias of an earlier value, even inside another anchored value, is no cycle.
  assert.deepEqual(parse('name: t\ndataset: wisconsin\ngrid: &g\n  l2: &a [0.1]\n  learning_rate: *a\n').axes.map((a) => a.values), [[0.1], [0.1]]);
});

test('a number too large for a float64 (1e400) is one error naming it as written, not as `.inf`', () => {
  const ds = diagnose(text('name: t\ndataset: wisconsin\ngrid:\n  learning_rate: [0.1, 1e400]\n'));
  assert.deepEqual(
    ds.map((d) => [d.line, d.column, d.message]),
    [[4, 24, 'must be a number, not 1e400: beyond the largest float64 (about 1.8e308), it reads as infinity']],
  );
  // `.inf` itself is named so.
  assert.match(diagnose(text('name: t\ndataset: wisconsin\ngrid:\n  learning_rate: [-.inf]\n'))[0].message, /not infinity \(\.inf\)$/);
});

test('a hidden layer above its limit gets one message, not also the network-size one', () => {
  const ds = diagnose(text('name: t\ndataset: wisconsin\ngrid:\n  hidden_sizes: [[1e9]]\n'));
  assert.deepEqual(
    ds.map((d) => [d.path, d.message]),
    [['grid.hidden_sizes[0][0]', 'out of range: must be ≤ 100000']],
  );
});

test('aliases of aliases past the loader\'s limit (a "billion laughs" file) are one error at the first alias that multiplies', () => {
  const lines = ['name: t', 'dataset: wisconsin', 'a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]', 'one: *a'];
  for (let i = 0; i < 6; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(i === 0 ? '*a' : `*l${i - 1}`).join(', ')}]`);
  const ds = diagnose(text(lines.join('\n') + '\n'));
  assert.equal(ds.length, 1);
  // Line 5 holds l0: [*a, ...]; `one: *a` on line 4 repeats a plain list and is fine.
  assert.deepEqual([ds[0].line, ds[0].column, ds[0].path], [6, 10, 'l1[0]']);
  assert.match(ds[0].message, /^aliases expand to too many values: `\*l0` repeats a value that itself holds aliases/);
  assert.match(ds[0].hint ?? '', /write the values out/);
});

test('a network too large to allocate is refused at validation with its weight count and the limit', () => {
  const [d, ...rest] = diagnose(fixture('big-net.yaml'));
  assert.equal(rest.length, 0);
  // wisconsin has 9 features: 9*1e5 + 1e5 + 1e5*1e5 + 1e5 + 1e5*1 + 1 = 10,001,200,001 weights and biases.
  assert.equal(
    d.message,
    'network too large: the network [9, 100000, 100000, 1] has 10,001,200,001 weights and biases, more than the limit of 10,000,000',
  );
  assert.deepEqual([d.path, d.line, d.column], ['grid.hidden_sizes[0]', 5, 18]);
  // A CSV of unknown width: counted with one input feature, and said so.
  const csv = diagnose(text('name: t\ndataset: {path: x.csv, label: y, positive: [1]}\nfixed:\n  hidden_sizes: [4000, 2500]\n'));
  // 1*4000 + 4000 + 4000*2500 + 2500 + 2500 + 1 = 10,013,001.
  assert.match(csv[0].message, /\[1, 4000, 2500, 1\] has 10,013,001 weights and biases, more than the limit of 10,000,000 \(counting one input feature/);
  // The planner checks again with the real feature count: [10000] passes validation but not with 1000 features.
  const wide = parse('name: t\ndataset: wisconsin\nfixed: {hidden_sizes: [10000]}\n');
  assert.throws(
    () => planSweep(wide, { ...SHAPE, features: 1000 }),
    // 1000*10000 + 10000 + 10000 + 1 = 10,020,001.
    /network too large: hidden_sizes \[10000\]: the network \[1000, 10000, 1\] has 10,020,001 weights and biases, more than the limit of 10,000,000/,
  );
  assert.equal(planSweep(wide, SHAPE).runs.length, 1);
});

test('threshold 1 and 0 are warned (they decide nothing); outside [0, 1] is refused', () => {
  const e = loadExperiment('threshold-one.yaml', { cwd: FIXTURES });
  const w = e.warnings.filter((x) => x.path.startsWith('grid.threshold'));
  assert.deepEqual(w.map((x) => [x.path, x.line, x.message]), [
    ['grid.threshold[1]', 5, 'threshold 1 predicts nothing positive: a sample is positive when its probability p > threshold, and p ≤ 1 always'],
  ]);
  const zero = parse('name: t\ndataset: wisconsin\nfixed: {threshold: 0}\n').warnings;
  assert.match(zero[0].message, /^threshold 0 predicts every sample positive/);
  const [over] = diagnose(text('name: t\ndataset: wisconsin\ngrid: {threshold: [0.5, 1.5]}\n'));
  assert.equal(over.path, 'grid.threshold[1]');
  assert.equal(over.message, 'out of range: must be ≤ 1');
});

test('plan counts a 10^10-point grid arithmetically, equal to planSweep on grids it can list', () => {
  const huge = loadExperiment('plan-huge.yaml', { cwd: FIXTURES });
  const s = summarizePlan(huge, SHAPE);
  // 5 training axes of 100 values; iterations fixed at the default 1000: one training per point.
  assert.deepEqual(s, { gridSize: 1e10, trainings: 1e10, naiveIterations: 1e13, plannedIterations: 1e13, shared: true });
  // Schedules that depend on the length, early stopping and other axes mixed: the same counts as the planner.
  const mixed = parse(
    'name: t\ndataset: wisconsin\ngrid:\n  iterations: [100, 300]\n  seed: [1, 2, 3]\n  threshold: [0.4, 0.6]\n' +
      '  lr_schedule: [{kind: constant}, {kind: cosine}, {kind: step, every: 50}]\n  early_stopping: [null, {patience: 5}]\n',
  );
  for (const share of [true, false]) {
    const plan = planSweep(mixed, { ...SHAPE, folds: 2 }, { share });
    assert.deepEqual(summarizePlan(mixed, { ...SHAPE, folds: 2 }, { share }), {
      gridSize: plan.gridSize,
      trainings: plan.trainings.length,
      naiveIterations: plan.naiveIterations,
      plannedIterations: plan.plannedIterations,
      shared: share,
    });
  }
  // run refuses to plan such a grid in memory whatever --max-runs allows.
  assert.throws(() => planSweep(huge, SHAPE, { maxRuns: 1e14 }), /the grid has 10,000,000,000 points: a sweep holds at most 100,000/);
});

test('experiment names must be portable folder names (Windows, macOS, Linux), limits in bytes', () => {
  const reasons = (n: string) => unsafeNameReasons(n).join('; ');
  assert.match(reasons('a?b*'), /contains `\?`, `\*` \(not allowed in folder names on Windows\)/);
  for (const bad of ['a<b', 'a>b', 'a"b', 'a|b', 'a:b', 'a/b', 'a\\b']) assert.notEqual(reasons(bad), '', bad);
  assert.match(reasons('con'), /`con` is a reserved device name on Windows/);
  assert.match(reasons('LPT1.txt'), /`LPT1` is a reserved device name/);
  assert.match(reasons('results.'), /ends with a dot/);
  assert.match(reasons('results '), /ends with a space/);
  assert.equal(reasons('console'), '');
  assert.equal(reasons('café-study'), '');
  // The limit is in bytes, and the message says bytes.
  assert.equal(reasons('a'.repeat(101)), 'it takes 101 bytes, more than the limit of 100 bytes');
  assert.equal(reasons('é'.repeat(60)), 'it takes 120 bytes, more than the limit of 100 bytes (60 characters: a non-ASCII character takes 2 to 4 bytes in UTF-8)');
  // Suggestions are themselves valid, within the byte limit, cut at a character boundary.
  for (const bad of ['é'.repeat(60), '日本語'.repeat(30), 'a?b*', 'con', 'nul.txt', '..', ' .x. ', `${'a'.repeat(99)}é`]) {
    const s = safeName(bad);
    assert.deepEqual(unsafeNameReasons(s), [], `${bad} -> ${s}`);
    assert.ok(utf8Bytes(s) <= 100, s);
  }
  assert.equal(safeName('é'.repeat(60)), 'é'.repeat(50));
  assert.equal(safeName('a?b*'), 'a-b');
  // In an experiment file: a positioned error with the suggestion.
  const [d] = diagnose(text("name: 'a?b*'\ndataset: wisconsin\n"));
  assert.equal(d.path, 'name');
  assert.match(d.message, /^experiment name cannot be used as a folder under runs\/ and in addresses: it contains `\?`, `\*`/);
  assert.equal(d.hint, 'the name is the folder under runs/; use e.g. name: a-b');
});

test('a name typed decomposed (NFD) is the same experiment as composed (NFC)', () => {
  const nfd = 'cafe\u0301';
  const nfc = 'caf\u00e9';
  assert.equal(parse(`name: ${nfd}\ndataset: wisconsin\n`).name, nfc);
  // A sweep folder made under the composed name is found by the decomposed one.
  const runs = mkdtempSync(join(tmpdir(), 'dlsweep-names-'));
  const sweep = join(runs, nfc, '20260101-000000-abcd');
  mkdirSync(sweep, { recursive: true });
  writeFileSync(join(sweep, 'sweep.json'), '{}');
  assert.equal(resolveSweep(runs, nfd), sweep);
});

test('diagnostics on line 1 of a file with a byte-order mark point at the right column', () => {
  const d = diagnose(text('\uFEFFnmae: t\ndataset: wisconsin\n')).find((x) => x.path === 'nmae')!;
  assert.deepEqual([d.line, d.column, d.sourceLine], [1, 1, 'nmae: t']);
  const [v] = diagnose(text('\uFEFFname: 42\ndataset: wisconsin\n'));
  assert.deepEqual([v.line, v.column], [1, 7]);
});

test('the hint for a list item of the wrong type keeps the list: positive: ["true"]', () => {
  const [d] = diagnose(text('name: t\ndataset: {path: x.csv, label: y, positive: [true]}\n'));
  assert.equal(d.path, 'dataset.positive[0]');
  assert.equal(d.hint, 'quote it to make it a string: positive: ["true"]');
  const [n] = diagnose(text('name: t\ndataset: wisconsin\ngrid: {learning_rate: [0.1, "0.2"]}\n'));
  assert.equal(n.hint, 'remove the quotes: learning_rate: [0.1, 0.2]');
});

test('overriding how wisconsin cleans its rows without giving a split is refused at the override', () => {
  const [d, ...rest] = diagnose(fixture('impute-wisconsin.yaml'));
  assert.equal(rest.length, 0);
  assert.equal(d.path, 'dataset.missing_strategy');
  assert.match(d.message, /^missing_strategy: median changes which rows wisconsin keeps, but its fixed split \(train \[0, 499\], validation \[501, 682\]\) counts the rows of its own cleaning \(missing_strategy: drop\)/);
  assert.match(d.hint ?? '', /split: \{kind: holdout, validation_fraction: 0\.25\}/);
  // With a split of its own, or with the preset's strategy spelled out, it is accepted.
  assert.equal(parse('name: t\ndataset: {name: wisconsin, missing_strategy: median, split: {kind: kfold, k: 5}}\n').dataset.kind, 'csv');
  assert.equal(parse('name: t\ndataset: {name: wisconsin, missing_strategy: drop}\n').name, 't');
});
