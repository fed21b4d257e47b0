/**
 * One mistake, one message, and a hint that is whole: search distributions with bounds outside a parameter's
 * range, an unknown key beside the kind, non-integer bounds of an integer distribution.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { firstSentence } from '../../src/experiment/describe.js';
import { parseExperiment } from '../../src/experiment/load.js';
import { refused } from '../helpers/experiments.js';

const head = 'name: msg\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 2, seed: 3}\nsearch: {method: random, trials: 4}\ngrid:\n';
const diagnose = (grid: string) => refused(() => parseExperiment(head + grid, 'exp.yaml', { cwd: tmpdir() }));

test('bounds outside a parameter\'s range: one message naming the bound and the range, its hint the bounds to write; a description\'s first sentence runs past "et al."', () => {
  const ds = diagnose('  dropout: {uniform: [0, 1.5]}\n');
  assert.equal(ds.length, 1);
  const [d] = ds;
  assert.equal(d.message, 'the high bound 1.5 is outside the values dropout may take: dropout must be ≥ 0 and < 1');
  assert.equal(d.expected, 'low and high ≥ 0 and < 1');
  assert.equal(d.found, '[0, 1.5]');
  // Below the exclusive bound 1 by a tenth of the way to the low bound 0.
  assert.equal(d.hint, 'write dropout: {uniform: [0, 0.9]}');
  // A sentence runs past abbreviations.
  assert.equal(firstSentence('Inverted dropout (Srivastava et al. 2014) scales the kept outputs. Default 0.'), 'Inverted dropout (Srivastava et al. 2014) scales the kept outputs.');
  assert.equal(firstSentence('A rate, e.g. 0.1, or a list. More.'), 'A rate, e.g. 0.1, or a list.');
});

test('an unknown key beside a distribution\'s kind is one message, at the key, saying to remove it', () => {
  const ds = diagnose('  learning_rate: {uniform: [0, 1], foo: 1}\n');
  assert.equal(ds.length, 1, ds.map((d) => d.message).join('\n'));
  const [d] = ds;
  assert.deepEqual([d.path, d.line, d.column], ['grid.learning_rate.foo', 6, 36]);
  assert.equal(d.message, 'unknown field `foo` in learning_rate');
  assert.equal(d.hint, 'a distribution is one kind with its [low, high]: remove `foo`, e.g. learning_rate: {uniform: [low, high]}');
  // Two known kinds are still the count's message.
  assert.match(diagnose('  learning_rate: {uniform: [0, 1], log_uniform: [0.1, 1]}\n')[0].message, /^a distribution takes one kind, not 2/);
});

test('int_uniform with non-integer bounds: one message for the distribution, with the integer bounds to write', () => {
  for (const [grid, hint] of [
    // An integer parameter (the schema's error at each bound, merged).
    ['  iterations: {int_uniform: [10.5, 100.2]}\n', 'write iterations: {int_uniform: [11, 100]} (the integers in [10.5, 100.2])'],
    ['  iterations: {int_uniform: [100, 10.5]}\n', 'write iterations: {int_uniform: [11, 100]} (the integers in [10.5, 100])'],
    ['  seed: {log_int_uniform: [0.5, 0.7]}\n', 'no integer lies in [0.5, 0.7]: write integer bounds, e.g. seed: {log_int_uniform: [1, 1]}'],
    // A number parameter (found by the search's checks), which may also take any number between.
    ['  learning_rate: {int_uniform: [0.5, 2.5]}\n', 'write learning_rate: {int_uniform: [1, 2]} (the integers in [0.5, 2.5]), or learning_rate: {uniform: [0.5, 2.5]} to draw any number between them'],
  ]) {
    const ds = diagnose(grid);
    assert.equal(ds.length, 1, `${grid}: ${ds.map((d) => d.message).join(' | ')}`);
    assert.match(ds[0].message, /^(log_)?int_uniform draws integers: its bounds must be integers(, low first)?$/);
    assert.equal(ds[0].hint, hint);
    assert.equal(ds[0].column, grid.indexOf('[') + 1);
  }
  // A bound that is no number at all stays the type error at that bound.
  const ds = diagnose('  iterations: {int_uniform: [10, "x"]}\n');
  assert.deepEqual(ds.map((d) => [d.path, d.message]), [['grid.iterations.int_uniform[1]', 'must be an integer, not a string']]);
});

test('a YAML tag outside the core schema (!!binary, !!set, !!timestamp, a local !tag) is one error at its value, naming the tag', () => {
  const text = 'name: !!binary aGVsbG8=\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 2, seed: 3}\ngrid:\n  learning_rate: !!set {a, b}\n  seed: [1, !!timestamp 2001-12-14, !mine 4]\n';
  const ds = refused(() => parseExperiment(text, 'exp.yaml', { cwd: tmpdir() }));
  assert.deepEqual(
    ds.map((d) => [d.path, d.line, d.column, d.message.split(':')[0]]),
    [
      ['name', 1, 16, 'the YAML tag `!!binary` is not read'],
      ['grid.learning_rate', 5, 24, 'the YAML tag `!!set` is not read'],
      ['grid.seed[1]', 6, 25, 'the YAML tag `!!timestamp` is not read'],
      ['grid.seed[2]', 6, 43, 'the YAML tag `!mine` is not read'],
    ],
  );
  assert.match(ds[0].hint ?? '', /^remove `!!binary` and write the value itself/);
  // Core tags read as the plain value.
  assert.equal(parseExperiment('name: !!str tagged\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 2, seed: 3}\n', 'exp.yaml', { cwd: tmpdir() }).name, 'tagged');
});
