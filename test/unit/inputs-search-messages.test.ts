/**
 * One mistake in an experiment file, one message that says how to fix it: a search block or method that is
 * itself invalid blames nothing for a method the file never names, a misspelled key is not also missing, a
 * `!!str` tag is named as what to remove, out-of-range and wrong-type values get a hint with a valid example,
 * other tools' names for a key are suggested by name, and a finite search space smaller than its trials is warned.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { formatDiagnostic, type Diagnostic } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/load.js';
import { PARAMS } from '../../src/experiment/params.js';
import type { Experiment } from '../../src/experiment/types.js';
import { only, refused } from '../helpers/experiments.js';

const HEAD = 'name: msg\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 2, seed: 3}\n';
const parse = (text: string): Experiment => parseExperiment(text, 'exp.yaml', { cwd: tmpdir() });
const diagnose = (text: string): Diagnostic[] => refused(() => parse(text));
const shown = (ds: Diagnostic[]): string => ds.map(formatDiagnostic).join('\n\n');

test('a search block that is not a mapping is its one error: a distribution is not also refused under method grid', () => {
  const ds = diagnose(`${HEAD}search: [random]\ngrid:\n  learning_rate: {log_uniform: [0.001, 1]}\n`);
  assert.equal(ds.length, 1, shown(ds));
  const d = only(ds, 'search');
  assert.equal(d.message, 'must be a mapping or empty, not a list');
  assert.equal(d.hint, 'write a mapping, e.g. search: {method: random, trials: 20}');
});

test('a misspelled required key of the search is the unknown key\'s error only, not also "needs trials"', () => {
  const ds = diagnose(`${HEAD}search:\n  method: random\n  trails: 3\ngrid:\n  learning_rate: {log_uniform: [0.001, 1]}\n`);
  assert.equal(ds.length, 1, shown(ds));
  assert.equal(only(ds, 'search.trails').hint, 'did you mean `trials`?');
  const halving = diagnose(`${HEAD}search:\n  method: halving\n  trials: 9\n  min_iteration: 10\ngrid:\n  learning_rate: [0.1, 0.2]\n  iterations: [90]\n`);
  assert.equal(halving.length, 1, shown(halving));
  assert.equal(only(halving, 'search.min_iteration').hint, 'did you mean `min_iterations`?');
  // A misspelled method leaves the method unknown: nothing is blamed on grid, the default.
  const method = diagnose(`${HEAD}search:\n  mehtod: random\n  trials: 3\ngrid:\n  learning_rate: {log_uniform: [0.001, 1]}\n`);
  assert.equal(method.length, 1, shown(method));
  assert.equal(only(method, 'search.mehtod').hint, 'did you mean `method`?');
  // A key that is truly missing is still said.
  assert.match(only(diagnose(`${HEAD}search:\n  method: random\ngrid:\n  learning_rate: [0.1]\n`), 'search').message, /needs `trials`/);
});

test('an invalid search method is its one error: trials and distributions are not blamed on method grid', () => {
  for (const [method, hint] of [
    ['[random]', 'write `method: random`'],
    ['~', 'give a value, e.g. method: random'],
  ]) {
    const ds = diagnose(`${HEAD}search:\n  method: ${method}\n  trials: 3\ngrid:\n  learning_rate: {log_uniform: [0.001, 1]}\n`);
    assert.equal(ds.length, 1, shown(ds));
    assert.equal(only(ds, 'search.method').hint, hint);
    assert.doesNotMatch(shown(ds), /method grid/);
  }
});

test('a number made a string by a !!str tag: the hint says to remove the tag, not quotes that are not there', () => {
  const at = (trials: string) => only(diagnose(`${HEAD}search:\n  method: random\n  trials: ${trials}\ngrid:\n  learning_rate: [0.1, 0.2]\n`), 'search.trials');
  const tagged = at('!!str 3');
  assert.equal(tagged.message, 'must be an integer, not a string');
  assert.equal(tagged.found, '!!str 3');
  assert.equal(tagged.hint, 'remove the `!!str` tag: trials: 3');
  assert.equal(at('!!str "3"').hint, 'remove the `!!str` tag and the quotes: trials: 3');
  assert.equal(at('"3"').hint, 'remove the quotes: trials: 3');
});

/** The bounds of a number schema as a predicate. */
function within(s: { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number }, x: number): boolean {
  return !((s.minimum !== undefined && x < s.minimum) || (s.maximum !== undefined && x > s.maximum) ||
    (s.exclusiveMinimum !== undefined && x <= s.exclusiveMinimum) || (s.exclusiveMaximum !== undefined && x >= s.exclusiveMaximum));
}

test('an out-of-range value of every bounded parameter gets a hint with the range and an example inside it, which loads', () => {
  let checked = 0;
  for (const p of PARAMS) {
    const s = p.schema as { type?: unknown; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number };
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.includes('number') && !types.includes('integer')) continue;
    const below = s.minimum ?? s.exclusiveMinimum;
    const above = s.maximum ?? s.exclusiveMaximum;
    for (const bad of [below === undefined ? undefined : below - 1, above === undefined ? undefined : above + 1]) {
      if (bad === undefined) continue;
      for (const [where, value] of [['fixed', String(bad)], ['grid', `[${bad}]`]]) {
        const d = only(diagnose(`${HEAD}${where}:\n  ${p.name}: ${value}\n`), where === 'fixed' ? `fixed.${p.name}` : `grid.${p.name}[0]`);
        assert.match(d.message, /^out of range/);
        const m = /^write an? (number|integer) (.+), e\.g\. (\S+): \[?([^\]]+)\]?$/.exec(d.hint ?? '');
        assert.ok(m, `${p.name}: ${d.hint}`);
        assert.equal(m[3], p.name);
        assert.ok(within(s, Number(m[4])), `${p.name}: the example ${m[4]} is outside its range`);
        // The example, written in place of the value, is accepted.
        assert.equal(parse(`${HEAD}${where}:\n  ${d.hint!.split('e.g. ')[1]}\n`).name, 'msg');
        checked++;
      }
    }
  }
  assert.ok(checked >= 20, `only ${checked} cases`);
  assert.equal(only(diagnose(`${HEAD}grid:\n  threshold: [1.5]\n`), 'grid.threshold[0]').hint, 'write a number in [0, 1], e.g. threshold: [0.5]');
  assert.equal(only(diagnose(`${HEAD}fixed:\n  momentum: 1.2\n`), 'fixed.momentum').hint, 'write a number ≥ 0 and < 1, e.g. momentum: 0.9');
  // The number is to be brought in range: an empty value (the full batch) is no fix for it.
  assert.equal(only(diagnose(`${HEAD}fixed:\n  batch_size: 0\n`), 'fixed.batch_size').hint, 'write an integer ≥ 1, e.g. batch_size: 32');
});

test('a missing required key: what it is, and an example of it to add', () => {
  assert.equal(only(diagnose('name: msg\n'), '').hint, '`dataset`: The data. Add it, e.g. dataset: wisconsin');
  assert.equal(
    only(diagnose(`${HEAD}fixed:\n  early_stopping: {}\n`), 'fixed.early_stopping').hint,
    '`patience`: Checks (one per epoch) without improvement before stopping (required). Add it, e.g. patience: 20',
  );
});

test('a value of the wrong type for any parameter, fixed or a grid candidate, gets a hint', () => {
  for (const p of PARAMS) {
    for (const [where, value] of [['fixed', '[[1]]'], ['grid', '[[[[1]]]]'], ['fixed', 'true']]) {
      const ds = diagnose(`${HEAD}${where}:\n  ${p.name}: ${value}\n`);
      for (const d of ds) assert.ok(d.hint, `${where}.${p.name}: ${value}: no hint:\n${formatDiagnostic(d)}`);
    }
  }
  // A value outside a list of names, none of them near: the first of them, as an example.
  assert.equal(only(diagnose(`${HEAD}grid:\n  optimizer: [xyzzy]\n`), 'grid.optimizer[0]').hint, 'write one of the listed values, e.g. optimizer: [gd]');
  const xor = only(diagnose('name: msg\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 1}\n'), 'dataset.synthetic.features');
  assert.equal(xor.hint, 'write features: 2 (xor reads the first two), or use kind: blobs for one feature');
  // A list of the wrong length, an unknown key no name is near.
  const head = `${HEAD}search: {method: random, trials: 3}\ngrid:\n`;
  assert.equal(only(diagnose(`${head}  learning_rate: {uniform: [0.1, 0.2, 0.3]}\n`), 'grid.learning_rate.uniform').hint, 'write the low and high bounds only, e.g. learning_rate: {uniform: [0.1, 0.3]}');
  assert.equal(only(diagnose('name: msg\ndataset: {path: x.csv, label: 1, positive: []}\n'), 'dataset.positive').hint, 'give at least 1 value, e.g. positive: [4]');
  assert.equal(only(diagnose(`${HEAD}fixed:\n  lr_schedule: {kind: constant, foo: 1}\n`), 'fixed.lr_schedule.foo').hint, 'remove `foo`');
  assert.equal(only(diagnose(`${HEAD}fixed:\n  early_stopping: {patience: 3, zzzzzz: 1}\n`), 'fixed.early_stopping.zzzzzz').hint, 'remove `zzzzzz`');
  // A fraction where an integer is wanted: the nearest integer.
  assert.equal(only(diagnose(`${HEAD}fixed:\n  iterations: 10.4\n`), 'fixed.iterations').hint, 'write a whole number, e.g. iterations: 10');
});

test('search distribution bounds outside the parameter: which bound, the range, and bounds inside it that load', () => {
  const head = `${HEAD}search: {method: random, trials: 4}\ngrid:\n`;
  const cases: [string, string, string, string][] = [
    ['threshold', '{uniform: [0.5, 1.5]}', 'the high bound 1.5 is outside the values threshold may take: threshold must be in [0, 1]', 'write threshold: {uniform: [0.5, 1]}'],
    // The exclusive bound 1 is not reachable: a tenth of the way back from it towards the low bound, 1 - 0.05.
    ['momentum', '{uniform: [0.5, 1.2]}', 'the high bound 1.2 is outside the values momentum may take: momentum must be ≥ 0 and < 1', 'write momentum: {uniform: [0.5, 0.95]}'],
    ['threshold', '{uniform: [2, 3]}', 'both bounds, 2 and 3, are outside the values threshold may take: threshold must be in [0, 1]', 'write threshold: {uniform: [0, 1]}'],
  ];
  for (const [name, dist, message, hint] of cases) {
    const ds = diagnose(`${head}  ${name}: ${dist}\n`);
    assert.equal(ds.length, 1, shown(ds));
    assert.equal(ds[0].message, message);
    assert.equal(ds[0].hint, hint);
    assert.equal(parse(`${head}  ${hint.slice('write '.length)}\n`).name, 'msg');
  }
  const log = only(diagnose(`${head}  iterations: {log_int_uniform: [0, 64]}\n`), 'grid.iterations.log_int_uniform');
  assert.equal(log.expected, 'integer bounds ≥ 1: a log scale has no 0 nor negative numbers');
  assert.equal(log.hint, 'write iterations: {log_int_uniform: [1, 64]}');
  const lr = only(diagnose(`${head}  learning_rate: {log_uniform: [0, 1]}\n`), 'grid.learning_rate.log_uniform');
  assert.equal(lr.hint, 'write a low bound above 0, e.g. learning_rate: {log_uniform: [0.001, 1]}');
  const reversed = only(diagnose(`${head}  l2: {uniform: [0.5, 0.1]}\n`), 'grid.l2.uniform');
  assert.equal(reversed.hint, 'write the low bound first: l2: {uniform: [0.1, 0.5]}');
});

test('other tools\' names for a key suggest the real one: lr is learning_rate, not l2', () => {
  assert.equal(only(diagnose(`${HEAD}grid:\n  lr: [0.1]\n`), 'grid.lr').hint, 'did you mean `learning_rate`?');
  assert.equal(only(diagnose(`${HEAD}fixed:\n  weight_decay: 0.1\n`), 'fixed.weight_decay').hint, 'did you mean `l2`?');
  assert.equal(only(diagnose(`${HEAD}fixed:\n  epochs: 10\n`), 'fixed.epochs').hint, 'did you mean `iterations`?');
  assert.equal(only(diagnose(`${HEAD}search:\n  method: halving\n  trials: 9\n  min_iterations: 10\n  eta: 3\ngrid:\n  iterations: [90]\n`), 'search.eta').hint, 'did you mean `reduction_factor`?');
  // A typo still finds its nearest name.
  assert.equal(only(diagnose(`${HEAD}grid:\n  learnig_rate: [0.1]\n`), 'grid.learnig_rate').hint, 'did you mean `learning_rate`?');
});

test('a finite search space with fewer configurations than trials is warned at trials, with the count; what is drawn is unchanged', () => {
  const text = `${HEAD}search:\n  method: random\n  trials: 6\n  seed: 1\ngrid:\n  learning_rate: [0.1]\n  hidden_sizes: [[5], [15]]\n  iterations: [200]\n`;
  const e = parse(text);
  const ws = e.warnings.filter((w) => w.path === 'search.trials');
  assert.equal(ws.length, 1, shown(e.warnings));
  // 1 x 2 x 1 configurations; trials on line 6, its value at column 11.
  assert.deepEqual([ws[0].line, ws[0].column], [6, 11]);
  assert.match(ws[0].message, /^the search space holds 2 distinct configurations, fewer than its 6 trials: at least 4 trials repeat/);
  assert.match(ws[0].hint ?? '', /^lower trials to 2/);
  assert.equal(e.search?.settings.trials, 6);
  // Choices and integer ranges multiply: 2 x 2 = 4 under TPE's 14 trials.
  const tpe = parse(`${HEAD}search:\n  method: tpe\n  trials: 14\ngrid:\n  learning_rate: [0.1, 0.2]\n  iterations: {int_uniform: [10, 11]}\n`);
  assert.match(tpe.warnings.find((w) => w.path === 'search.trials')?.message ?? '', /holds 4 distinct configurations, fewer than its 14 trials/);
  // No warning for a continuous axis, nor when the trials fit.
  for (const grid of ['  learning_rate: {uniform: [0.1, 0.2]}\n  seed: [1, 2]\n', '  learning_rate: [0.1, 0.2, 0.3]\n  seed: [1, 2]\n']) {
    const w = parse(`${HEAD}search: {method: random, trials: 6}\ngrid:\n${grid}`).warnings;
    assert.equal(w.filter((x) => x.path === 'search.trials').length, 0, shown(w));
  }
});
