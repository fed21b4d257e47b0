import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExperiment } from '../../src/experiment/load.js';
import type { Diagnostic } from '../../src/errors.js';
import type { Experiment } from '../../src/experiment/types.js';
import { only, refused } from '../helpers/experiments.js';
import { experimentSchema } from '../../src/experiment/schema.js';
import { describeSearchPlan, checkSearchLimit } from '../../src/cli/search.js';

const parse = (text: string): Experiment => parseExperiment(text, 'exp.yaml', { cwd: '/tmp/dlsweep-test' });

const diagnose = (text: string): Diagnostic[] => refused(() => parse(text));

const HEAD = 'name: t\ndataset: wisconsin\n';
const HALVING = `${HEAD}search:
  method: halving
  trials: 81
  seed: 7
  sampler: tpe
  min_iterations: 100
grid:
  learning_rate: {log_uniform: [1.0e-4, 1.0]}
  l2: {uniform: [0.0, 0.01]}
  hidden_sizes: [[5], [15], [30]]
  iterations: [8100]
`;

test('search block and distributions load into the typed search, axes in file order', () => {
  const e = parse(HALVING);
  assert.ok(e.search);
  assert.deepEqual(e.search.settings, {
    method: 'halving',
    trials: 81,
    seed: 7,
    sampler: 'tpe',
    minIterations: 100,
    maxIterations: 8100,
    reductionFactor: 3,
    goal: 'minimize',
  });
  assert.deepEqual(e.search.axes, [
    { name: 'learning_rate', distribution: { kind: 'log_uniform', low: 1e-4, high: 1 } },
    { name: 'l2', distribution: { kind: 'uniform', low: 0, high: 0.01 } },
    { name: 'hidden_sizes', distribution: { kind: 'categorical', choices: [[5], [15], [30]] } },
  ]);
  assert.equal(e.search.spellings.learning_rate, '{log_uniform: [1.0e-4, 1.0]}');
  // A grid experiment has no search.
  assert.equal(parse(`${HEAD}grid:\n  learning_rate: [0.1]\n`).search, undefined);
});

test('a distribution under method grid is an error naming the methods that accept it', () => {
  const d = only(diagnose(`${HEAD}grid:\n  learning_rate: {log_uniform: [1.0e-4, 1.0]}\n`), 'grid.learning_rate');
  assert.equal(d.line, 4);
  assert.match(d.message, /`log_uniform` is a distribution/);
  assert.match(d.hint ?? '', /random, quasirandom, halving, asha, hyperband, tpe/);
});

test('distribution bounds: reversed, log of 0, outside the parameter, integers for integer parameters', () => {
  const s = `${HEAD}search: {method: random, trials: 5}\ngrid:\n`;
  assert.match(only(diagnose(`${s}  l2: {uniform: [0.5, 0.1]}\n`), 'grid.l2.uniform').message, /must not be above/);
  assert.match(only(diagnose(`${s}  learning_rate: {log_uniform: [0, 1]}\n`), 'grid.learning_rate.log_uniform').message, /low > 0/);
  assert.match(only(diagnose(`${s}  dropout: {uniform: [0, 1]}\n`), 'grid.dropout.uniform').message, /^the high bound 1 is outside the values dropout may take/);
  const seed = only(diagnose(`${s}  seed: {uniform: [1, 3]}\n`), 'grid.seed.uniform');
  assert.match(seed.message, /unknown field `uniform`/);
  const typo = only(diagnose(`${s}  l2: {loguniform: [1e-5, 1]}\n`), 'grid.l2.loguniform');
  assert.match(typo.hint ?? '', /did you mean `log_uniform`/);
});

test('a distribution with two kinds, or none, is one error naming the kinds, with a hint (not the validator\'s wording)', () => {
  const s = `${HEAD}search: {method: random, trials: 5}\ngrid:\n`;
  const ds = diagnose(`${s}  learning_rate: {uniform: [0.1, 0.2], log_uniform: [0.1, 0.2]}\n`);
  assert.equal(ds.length, 1);
  const two = only(ds, 'grid.learning_rate');
  assert.equal(two.message, 'a distribution takes one kind, not 2: `uniform`, `log_uniform`');
  assert.equal(two.expected, 'one of: uniform, log_uniform, int_uniform, log_int_uniform, with [low, high]');
  assert.equal(two.hint, 'keep one, e.g. learning_rate: {uniform: [low, high]}, or give a list of candidates, e.g. learning_rate: [0.01]');
  assert.equal([two.line, two.column].join(':'), '5:18');
  const none = only(diagnose(`${s}  learning_rate: {}\n`), 'grid.learning_rate');
  assert.equal(none.message, 'a distribution needs one kind, none is given');
  assert.match(none.hint ?? '', /^give one, e.g. learning_rate: \{uniform: \[low, high\]\}/);
  assert.doesNotMatch(`${two.message} ${none.message}`, /properties/);
});

test('search settings that do not fit the method are errors', () => {
  assert.match(only(diagnose(`${HEAD}search: {method: random}\n`), 'search').message, /needs `trials`/);
  assert.match(only(diagnose(`${HEAD}search: {trials: 5}\n`), 'search.trials').message, /does not apply to method grid/);
  assert.match(only(diagnose(`${HEAD}search: {method: tpe, trials: 5, sampler: tpe}\n`), 'search.sampler').message, /halving, asha and hyperband only/);
  assert.match(only(diagnose(`${HEAD}search: {method: asha, trials: 5}\n`), 'search').message, /method asha needs `min_iterations`/);
  assert.match(only(diagnose(`${HEAD}search: {method: halving, trials: 5}\n`), 'search').message, /needs `min_iterations`/);
  assert.match(only(diagnose(`${HEAD}search: {method: hyperband, trials: 5, min_iterations: 10}\n`), 'search.trials').message, /brackets/);
  const many = only(diagnose(`${HEAD}search: {method: halving, trials: 5, min_iterations: 10}\ngrid:\n  iterations: [100, 200]\n`), 'grid.iterations');
  assert.match(many.message, /largest rung, one value/);
  const above = only(diagnose(`${HEAD}search: {method: halving, trials: 5, min_iterations: 500}\nfixed:\n  iterations: 100\n`), 'search.min_iterations');
  assert.match(above.message, /above the largest/);
  assert.match(only(diagnose(`${HEAD}search: {method: annealing}\n`), 'search.method').message, /unknown value `annealing`/);
});

test('non-integer bounds of an integer parameter are one error, at the distribution\'s bounds', () => {
  const ds = diagnose(`${HEAD}search: {method: random, trials: 5}\ngrid:\n  iterations: {int_uniform: [1.5, 100]}\n`);
  // Line 5 is the iterations line; the bounds start at column 29 ("  iterations: {int_uniform: " is 28 characters).
  assert.deepEqual(ds.map((d) => [d.path, d.line, d.column]), [['grid.iterations.int_uniform', 5, 29]]);
  assert.equal(ds[0].hint, 'write iterations: {int_uniform: [2, 100]} (the integers in [1.5, 100])');
  // A number parameter's int_uniform with a fractional bound is refused once too, by the search checks.
  const lr = diagnose(`${HEAD}search: {method: random, trials: 5}\ngrid:\n  learning_rate: {int_uniform: [1.5, 3]}\n`);
  assert.deepEqual(lr.map((d) => d.path), ['grid.learning_rate.int_uniform']);
  assert.match(lr[0].message, /draws integers: its bounds must be integers/);
});

test('an unknown search method is one error, at the method: nothing about what it would need', () => {
  const ds = diagnose(`${HEAD}search: {method: annealing}\ngrid:\n  learning_rate: {log_uniform: [0.001, 0.1]}\n`);
  assert.deepEqual(ds.map((d) => [d.path, d.line, d.column]), [['search.method', 3, 18]]);
  assert.match(ds[0].message, /unknown value `annealing`/);
});

test('the schema describes the search block and the distributions', () => {
  const s = experimentSchema() as { properties: Record<string, { properties: Record<string, { description?: string; properties?: Record<string, { description: string }> }> }> };
  for (const k of ['method', 'trials', 'seed', 'sampler', 'min_iterations', 'reduction_factor']) assert.ok(s.properties.search.properties[k].description, k);
  const lr = s.properties.grid.properties.learning_rate;
  assert.deepEqual(Object.keys(lr.properties!), ['uniform', 'log_uniform', 'int_uniform', 'log_int_uniform']);
  assert.match(lr.properties!.log_uniform.description, /log scale/);
  assert.deepEqual(Object.keys(s.properties.grid.properties.batch_size.properties!), ['int_uniform', 'log_int_uniform']);
  assert.equal(s.properties.grid.properties.init.properties, undefined);
});

test('plan says trials, rungs and the most updates; a search over the run limit is refused', () => {
  const text = describeSearchPlan(parse(HALVING), 1, 2);
  assert.match(text, /halving search \(sampler tpe, reduction factor 3, seed 7\)/);
  assert.match(text, /81 trials; rungs 100, 300, 900, 2,700, 8,100 updates/);
  assert.match(text, /81 at 100, 27 at 300, 9 at 900, 3 at 2,700, 1 at 8,100/);
  // Promotions continue: 81*100 + 27*(300-100) + 9*(900-300) + 3*(2700-900) + 1*(8100-2700) = 29,700
  assert.match(text, /at most 29,700 updates: a promoted configuration continues from its saved state/);
  const random = describeSearchPlan(parse(`${HEAD}search: {method: random, trials: 20}\nfixed:\n  iterations: 300\n`), 5, 2);
  assert.match(random, /20 trials, at most 30,000 updates \(6,000 x 5 folds\)/);
  // A list of one choice is counted in the singular, three in the plural.
  assert.match(text, /, hidden_sizes \(3 choices\)/);
  const one = describeSearchPlan(parse(`${HEAD}search: {method: random, trials: 4}\ngrid:\n  init: [he_normal]\n  seed: [1, 2]\n`), 1, 2);
  assert.match(one, /over init \(1 choice\), seed \(2 choices\)\n/);
  // 81 trials over 5 rungs record 81 + 27 + 9 + 3 + 1 = 121 runs: the limit counts those, not the trials.
  assert.throws(() => checkSearchLimit('exp.yaml', parse(HALVING), 120), /plans 121 runs \(81 trials, 5 rungs\), more than the limit of 120 runs/);
  checkSearchLimit('exp.yaml', parse(HALVING), 121);
  // Past what a sweep holds, --max-runs does not help: refused as a grid of that size is.
  const huge = parse(`${HEAD}search: {method: random, trials: 150000}\ngrid:\n  learning_rate: {log_uniform: [1.0e-4, 1.0]}\n`);
  assert.throws(() => checkSearchLimit('exp.yaml', huge, 200_000), /draws 150,000 configurations: a sweep holds at most 100,000 .*whatever --max-runs says/);
  checkSearchLimit('exp.yaml', parse(`${HEAD}search: {method: random, trials: 100000}\ngrid:\n  learning_rate: {log_uniform: [1.0e-4, 1.0]}\n`), 100_000);
  // One trial is counted in the singular.
  const single = describeSearchPlan(parse(HALVING.replace('trials: 81', 'trials: 1')), 1, 2);
  assert.match(single, /plan: 1 trial; rungs /);
});

test('plan for asha: trials, rungs with the least and most configurations each, the least and most updates', () => {
  const text = describeSearchPlan(parse(HALVING.replace('method: halving', 'method: asha')), 1, 2);
  assert.match(text, /asha search \(sampler tpe, reduction factor 3, seed 7\)/);
  assert.match(text, /81 trials; rungs 100, 300, 900, 2,700, 8,100 updates/);
  // At least synchronous halving's 81, 27, 9, 3, 1; at most n - eta + 1 of the rung below: 79, 77, 75, 73.
  assert.match(text, /81 at 100, 27 to 79 at 300, 9 to 77 at 900, 3 to 75 at 2,700, 1 to 73 at 8,100/);
  assert.match(text, /batches of 4 trainings/);
  // 29,700 as halving; 81*100 + 79*200 + 77*600 + 75*1800 + 73*5400 = 599,300.
  assert.match(text, /at least 29,700 updates, at most 599,300 when early promotions keep being overtaken/);
});

test('bad bounds get one message each, its reason fitting the value: .nan once (at the bound), log of 0 and of a negative number', () => {
  const s = `${HEAD}search: {method: random, trials: 5}\ngrid:\n`;
  const nan = diagnose(`${s}  learning_rate: {uniform: [.nan, 1]}\n`);
  assert.equal(nan.length, 1, nan.map((d) => d.message).join('\n'));
  assert.match(nan[0].message, /not-a-number/);
  const inf = diagnose(`${s}  learning_rate: {uniform: [0, .inf]}\n`);
  assert.equal(inf.length, 1, inf.map((d) => d.message).join('\n'));
  assert.match(inf[0].message, /not infinity/);
  const zero = only(diagnose(`${s}  learning_rate: {log_uniform: [0, 0.1]}\n`), 'grid.learning_rate.log_uniform').message;
  assert.match(zero, /the logarithm of 0 is -infinity/);
  const negative = only(diagnose(`${s}  learning_rate: {log_uniform: [-1, 0.1]}\n`), 'grid.learning_rate.log_uniform').message;
  assert.match(negative, /low > 0 \(the logarithm of a negative number \(-1\) is undefined\)/);
  assert.doesNotMatch(negative, /logarithm of 0/);
});

test('a search over what a sweep holds is refused at the trials line (file:line:column), whatever --max-runs says', () => {
  const huge = parse(`${HEAD}search:\n  method: random\n  trials: 100000000\ngrid:\n  learning_rate: {log_uniform: [1.0e-4, 1.0]}\n`);
  // HEAD is two lines: search: on line 3, trials on line 5 from column 11.
  assert.throws(() => checkSearchLimit('exp.yaml', huge, 1e9), (e: Error) => {
    assert.match(e.message, /^exp\.yaml:5:11: error: search\.trials: the search draws 100,000,000 configurations: a sweep holds at most 100,000/);
    return true;
  });
});

/** Runs of synchronous halving starting n over `rungs` rungs: max(1, floor(n / eta^i)) at rung i (Jamieson & Talwalkar). */
const halvingRuns = (n: number, rungs: number, eta = 3): number => Array.from({ length: rungs }, (_, i) => Math.max(1, Math.floor(n / eta ** i))).reduce((a, b) => a + b, 0);

/** Runs of Hyperband over `rungs` rungs (Li et al. 2018): bracket s starts ceil((s_max + 1) eta^s / (s + 1)) and halves s times. */
const hyperbandRuns = (rungs: number, eta = 3): number => {
  let total = 0;
  for (let s = rungs - 1; s >= 0; s--) total += halvingRuns(Math.ceil((rungs * eta ** s) / (s + 1)), s + 1, eta);
  return total;
};

const limitError = (exp: Experiment, maxRuns: number): Error => {
  try {
    checkSearchLimit('exp.yaml', exp, maxRuns);
  } catch (e) {
    return e as Error;
  }
  assert.fail('the search was accepted');
};

test('a halving search over 100,000 runs is refused though its trials are fewer: the limit counts the runs of every rung', () => {
  const halving = (trials: number) => parse(`${HEAD}search:\n  method: halving\n  trials: ${trials}\n  min_iterations: 1\ngrid:\n  learning_rate: {log_uniform: [1.0e-3, 1.0]}\n  iterations: [27]\n`);
  // Rungs 1, 3, 9, 27: 90,000 + 30,000 + 10,000 + 3,333 runs.
  assert.equal(halvingRuns(90_000, 4), 133_333);
  const e = limitError(halving(90_000), 100_000);
  assert.match(e.message, /^exp\.yaml:5:11: error: search\.trials: the search plans 133,333 runs \(90,000 trials, 4 rungs\): a sweep holds at most 100,000 runs/);
  // The hint's trial count is the most that fits.
  const most = Number(/lower search\.trials to ([\d,]+) or fewer/.exec(e.message)![1].replace(/,/g, ''));
  assert.ok(halvingRuns(most, 4) <= 100_000 && halvingRuns(most + 1, 4) > 100_000, `${most}`);
  checkSearchLimit('exp.yaml', halving(most), 100_000);
  // Under the default limit the count that fits it, and the one --max-runs 100000 allows.
  const soft = limitError(halving(20_000), 10_000);
  assert.match(soft.message, /more than the limit of 10,000 runs/);
  assert.match(soft.message, /raise the limit with --max-runs N/);
});

test('an asha search is held to the most runs it can record', () => {
  const asha = parse(`${HEAD}search:\n  method: asha\n  trials: 30000\n  min_iterations: 1\ngrid:\n  learning_rate: {log_uniform: [1.0e-3, 1.0]}\n  iterations: [27]\n`);
  // At most n - eta + 1 of a rung's n at the next: 30,000 + 29,998 + 29,996 + 29,994.
  assert.match(limitError(asha, 100_000).message, /^exp\.yaml:5:11: error: search\.trials: the search can record up to 119,988 runs \(30,000 trials, 4 rungs\)/);
});

test('an oversized hyperband is refused at min_iterations (file:line:column), never told to lower trials', () => {
  const hyperband = (min: number, limitText = '') => parse(`${HEAD}search:\n  method: hyperband\n  min_iterations: ${min}\n${limitText}grid:\n  learning_rate: {log_uniform: [1.0e-3, 1.0]}\n  iterations: [59049]\n`);
  // Rungs 1 to 59,049 by 3: 11 rungs.
  const runs = hyperbandRuns(11);
  assert.ok(runs > 100_000);
  for (const maxRuns of [10_000, 100_000]) {
    const e = limitError(hyperband(1), maxRuns);
    assert.match(e.message, new RegExp(`^exp\\.yaml:5:19: error: search\\.min_iterations: the search plans ${runs.toLocaleString('en-US')} runs`));
    assert.doesNotMatch(e.message, /trials to|lower search\.trials/);
    // The first rung the hint names fits; a third of it does not.
    const first = Number(/raise search\.min_iterations to (\d+) or more/.exec(e.message)![1]);
    checkSearchLimit('exp.yaml', hyperband(first), maxRuns);
    assert.ok(hyperbandRuns(Math.round(Math.log(59049 / first) / Math.log(3)) + 1) <= maxRuns);
    assert.ok(hyperbandRuns(Math.round(Math.log(59049 / (first / 3)) / Math.log(3)) + 1) > maxRuns);
  }
  // Between the limits: refused under the default, with the way to raise it.
  const mid = parse(`${HEAD}search:\n  method: hyperband\n  min_iterations: 1\ngrid:\n  learning_rate: {log_uniform: [1.0e-3, 1.0]}\n  iterations: [6561]\n`);
  const midRuns = hyperbandRuns(9);
  assert.ok(midRuns > 10_000 && midRuns <= 100_000, `${midRuns}`);
  assert.match(limitError(mid, 10_000).message, /^exp\.yaml:5:19: error: search\.min_iterations: .*more than the limit of 10,000 runs[^]*raise the limit with --max-runs N/);
  checkSearchLimit('exp.yaml', mid, 100_000);
});

test('a search over --max-runs is refused at the trials line (file:line:column), as one over what a sweep holds', () => {
  const random = parse(`${HEAD}search:\n  method: random\n  trials: 20000\ngrid:\n  learning_rate: {log_uniform: [1.0e-4, 1.0]}\n`);
  assert.match(limitError(random, 10_000).message, /^exp\.yaml:5:11: error: search\.trials: the search draws 20,000 configurations, more than the limit of 10,000 runs/);
});

test('a largest rung that is not min_iterations x reduction_factor^k is warned of at iterations, with the settings that make the rungs even', () => {
  const halving = (min: number, largest: number, eta?: number) =>
    parse(`${HEAD}search:\n  method: halving\n  trials: 9\n  min_iterations: ${min}\n${eta ? `  reduction_factor: ${eta}\n` : ''}grid:\n  learning_rate: {log_uniform: [1.0e-3, 1.0]}\n  iterations: [${largest}]\n`);
  const uneven = halving(10, 100);
  assert.equal(uneven.warnings.length, 1);
  const w = uneven.warnings[0];
  assert.deepEqual([w.path, w.line, w.column], ['grid.iterations', 9, 15]);
  // 10, 30, 90, then 100: 100 / 90 = 1.11.
  assert.match(w.message, /the rungs are 10, 30, 90, 100 updates, the last 1\.11x the one before, not 3x/);
  // 10 x 3^2 and 10 x 3^3 are even; no first rung divides 100 by a power of 3.
  assert.equal(w.hint, 'for rungs 3x apart set iterations: [90] or [270]');
  // With eta 2: 100 / 4 = 25 is the first rung nearest 10 whose rungs reach 100 by doubling.
  assert.equal(halving(10, 100, 2).warnings[0].hint, 'for rungs 2x apart set iterations: [80] or [160], or search.min_iterations: 25');
  for (const [min, largest] of [[10, 90], [10, 10], [20, 180]]) assert.deepEqual(halving(min, largest).warnings, [], `${min} ${largest}`);
  // Which rungs are planned is the documented rule: unchanged.
  assert.match(describeSearchPlan(uneven, 1, 2), /rungs 10, 30, 90, 100 updates\n  9 at 10, 3 at 30, 1 at 90, 1 at 100/);
});
