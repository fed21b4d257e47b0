/**
 * A hint's example fits the file it is for: written in place of the mistake, the file loads. The first rung fits
 * the largest, the largest rung the file's own min_iterations, a distribution's missing bound is a number beside
 * the one given; an unknown key with no name near it is to be removed (not renamed to a guess); a core tag that
 * does not fit its value is named as such, not as "a string"; and a foreign tag leaves the file's other errors
 * reported with it.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { formatDiagnostic, type Diagnostic } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/load.js';
import type { Experiment } from '../../src/experiment/types.js';
import { only, refused } from '../helpers/experiments.js';

const HEAD = 'name: msg\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 2, seed: 3}\n';
const parse = (text: string): Experiment => parseExperiment(text, 'exp.yaml', { cwd: tmpdir() });
const diagnose = (text: string): Diagnostic[] => refused(() => parse(text));
const shown = (ds: Diagnostic[]): string => ds.map(formatDiagnostic).join('\n\n');

test('the missing-min_iterations hint gives a first rung at or below the largest, which loads', () => {
  // iterations 90, reduction factor 3 (the default): 90 / 3^2 = 10 gives rungs 10, 30, 90.
  const hint = only(diagnose(`${HEAD}search: {method: asha, trials: 9}\ngrid:\n  iterations: [90]\n`), 'search').hint;
  assert.equal(hint, 'e.g. min_iterations: 10');
  const e = parse(`${HEAD}search: {method: asha, trials: 9, min_iterations: 10}\ngrid:\n  iterations: [90]\n`);
  assert.equal(e.search?.settings.minIterations, 10);
  // With reduction_factor 2 and iterations 80: 80 / 2^2 = 20.
  const two = only(diagnose(`${HEAD}search: {method: halving, trials: 8, reduction_factor: 2}\ngrid:\n  iterations: [80]\n`), 'search').hint;
  assert.equal(two, 'e.g. min_iterations: 20');
});

test('the largest-rung hint for iterations given as a distribution keeps the file\'s own min_iterations', () => {
  const head = `${HEAD}search: {method: asha, trials: 9, min_iterations: 10}\ngrid:\n`;
  const hint = only(diagnose(`${head}  iterations: {int_uniform: [100, 1000]}\n`), 'grid.iterations').hint ?? '';
  // 10 x 3^4 = 810 is the largest 10 x 3^k not above the high bound 1000.
  assert.match(hint, /^e\.g\. iterations: \[810\]/);
  assert.doesNotMatch(hint, /min_iterations: 100\b/);
  assert.ok(parse(`${head}  iterations: [810]\n`).search);
});

test('a distribution with one bound gets a hint of two real bounds, the given one kept, that load', () => {
  const head = `${HEAD}search: {method: random, trials: 4}\ngrid:\n`;
  const cases: [string, string, number][] = [
    ['learning_rate', 'log_uniform', 1e-4],
    ['momentum', 'uniform', 0.5],
    ['batch_size', 'int_uniform', 8],
    ['threshold', 'uniform', 1],
  ];
  for (const [name, kind, bound] of cases) {
    const hint = only(diagnose(`${head}  ${name}: {${kind}: [${bound}]}\n`), `grid.${name}.${kind}`).hint ?? '';
    assert.doesNotMatch(hint, /low|high/, hint);
    const m = new RegExp(`e\\.g\\. (${name}: \\{${kind}: \\[([^,]+), ([^\\]]+)\\]\\})$`).exec(hint);
    assert.ok(m, hint);
    assert.ok(Number(m[2]) === bound || Number(m[3]) === bound, `${hint} keeps ${bound}`);
    assert.ok(parse(`${head}  ${m[1]}\n`).search, `${m[1]} loads`);
  }
});

test('an unknown search key with no near name is to be removed, not renamed to an unrelated key', () => {
  const ds = diagnose(`${HEAD}search: {method: halving, trials: 9, min_iterations: 10, n_startup_trials: 5, pruner: median}\ngrid:\n  iterations: [90]\n`);
  assert.equal(ds.length, 2, shown(ds));
  assert.equal(only(ds, 'search.n_startup_trials').hint, 'remove `n_startup_trials`');
  assert.equal(only(ds, 'search.pruner').hint, 'remove `pruner`');
  // Optuna's max_resource is the largest rung: grid.iterations here.
  const given = only(diagnose(`${HEAD}search: {method: hyperband, min_iterations: 10, max_resource: 100}\ngrid:\n  iterations: [90]\n`), 'search.max_resource');
  assert.equal(given.hint, 'remove `max_resource`: the largest rung is grid.iterations (here [90])');
  const none = only(diagnose(`${HEAD}search: {method: hyperband, min_iterations: 10, max_resource: 270}\n`), 'search.max_resource');
  assert.equal(none.hint, 'remove `max_resource`: the largest rung is grid.iterations; write it under grid:, e.g. iterations: [270]');
  assert.ok(parse(`${HEAD}search: {method: hyperband, min_iterations: 10}\ngrid:\n  iterations: [270]\n`).search);
  // A near name is still suggested.
  assert.equal(only(diagnose(`${HEAD}search: {method: halving, trials: 9, min_resource: 10}\ngrid:\n  iterations: [90]\n`), 'search.min_resource').hint, 'did you mean `min_iterations`?');
});

test('a !!float tag on a whole number is named in the message, not called a string', () => {
  const ds = diagnose(`${HEAD}search: {method: random, trials: 3, seed: !!float 3}\ngrid:\n  learning_rate: {log_uniform: [0.001, 1]}\n  iterations: [!!float 100]\n`);
  assert.equal(ds.length, 2, shown(ds));
  const seed = only(ds, 'search.seed');
  assert.doesNotMatch(seed.message, /string/);
  assert.match(seed.message, /`!!float 3`/);
  assert.equal(seed.hint, 'remove the `!!float` tag: seed: 3');
  assert.match(only(ds, 'grid.iterations[0]').message, /`!!float 100`/);
});

test('a foreign tag is reported with the file\'s other errors, not instead of them', () => {
  for (const tagged of ['!mytag lecun_normal', '!!binary AAAA', '!!timestamp 2001-12-14']) {
    const ds = diagnose(`${HEAD}search: {method: random, trials: !!str 9}\ngrid:\n  learning_rate: {log_uniform: [0.001, 1]}\n  init: [${tagged}]\n`);
    assert.equal(ds.length, 2, shown(ds));
    assert.match(only(ds, 'search.trials').message, /must be an integer/);
    assert.match(only(ds, 'grid.init[0]').message, /the YAML tag `!/);
  }
  const set = diagnose(`${HEAD}tags: !!set {a, b}\nsearch: {method: random, trials: 0}\ngrid:\n  learning_rate: {log_uniform: [0.001, 1]}\n`);
  assert.equal(set.length, 2, shown(set));
  assert.match(only(set, 'tags').message, /`!!set`/);
  assert.ok(only(set, 'search.trials'));
});
