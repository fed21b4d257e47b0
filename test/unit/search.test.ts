import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundsProblem, fromUnit, type Distribution, type SearchAxis } from '../../src/search/distributions.js';
import { Sobol, SOBOL_MAX_DIMENSIONS } from '../../src/search/sobol.js';
import { hyperbandBrackets, keptAt, promote, rank, rungs } from '../../src/search/halving.js';
import { defaultGamma, defaultWeights, erfc, parzenEstimator, parzenLogPdf, splitObservations } from '../../src/search/tpe.js';
import { ASHA_BATCH, nextBatch, runSearch, startSearch, summarizeSearch, SearchHistoryError, type SearchSettings, type TrialRequest } from '../../src/search/method.js';
import { ashaRungBounds } from '../../src/search/asha.js';
import { Rng } from '../../src/train/rng.js';

const settings = (over: Partial<SearchSettings>): SearchSettings => ({
  method: 'random',
  trials: 10,
  seed: 7,
  sampler: 'random',
  minIterations: 1,
  maxIterations: 9,
  reductionFactor: 3,
  goal: 'minimize',
  ...over,
});

// ---------------------------------------------------------------------------------------------------------
// Distributions

test('fromUnit: values at known points of the unit interval, by the formulas', () => {
  assert.equal(fromUnit({ kind: 'uniform', low: 2, high: 4 }, 0.25), 2.5);
  // ln 1e-4 + (ln 1 - ln 1e-4) / 2 = ln 1e-2.
  assert.ok(Math.abs((fromUnit({ kind: 'log_uniform', low: 1e-4, high: 1 }, 0.5) as number) - 1e-2) < 1e-15);
  assert.equal(fromUnit({ kind: 'int_uniform', low: 1, high: 3 }, 0.34), 2);
  assert.equal(fromUnit({ kind: 'int_uniform', low: 1, high: 3 }, 1 - 2 ** -53), 3);
  assert.equal(fromUnit({ kind: 'log_int_uniform', low: 1, high: 100 }, 0), 1);
  assert.equal(fromUnit({ kind: 'log_int_uniform', low: 1, high: 100 }, 1 - 2 ** -53), 100);
  assert.deepEqual(fromUnit({ kind: 'categorical', choices: [[5], [15], [30]] }, 0.5), [15]);
  assert.throws(() => fromUnit({ kind: 'uniform', low: 0, high: 1 }, 1), RangeError);
});

test('boundsProblem: rejects reversed, non-positive log and non-integer int bounds', () => {
  assert.equal(boundsProblem({ kind: 'uniform', low: 0, high: 1 }), undefined);
  assert.match(boundsProblem({ kind: 'uniform', low: 2, high: 1 })!, /must not be above/);
  assert.match(boundsProblem({ kind: 'log_uniform', low: 0, high: 1 })!, /low > 0/);
  assert.match(boundsProblem({ kind: 'int_uniform', low: 0.5, high: 3 })!, /integer bounds/);
  assert.match(boundsProblem({ kind: 'log_int_uniform', low: 0, high: 3 })!, /low >= 1/);
});

function draws(d: Distribution, n: number, seed = 3): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => fromUnit(d, rng.randomDouble()) as number);
}

test('log_uniform draws stay in bounds and fall below the geometric midpoint about half the time', () => {
  const xs = draws({ kind: 'log_uniform', low: 1e-4, high: 1 }, 20000);
  assert.ok(xs.every((x) => x >= 1e-4 && x <= 1));
  const below = xs.filter((x) => x < 1e-2).length / xs.length;
  // Binomial(20000, 1/2): standard deviation 0.0035; 0.02 is over five of them.
  assert.ok(Math.abs(below - 0.5) < 0.02, `fraction below the geometric midpoint ${below}`);
  // and a tenth of the draws in each decade of the four: P(x < 1e-3) = 1/4.
  const firstDecade = xs.filter((x) => x < 1e-3).length / xs.length;
  assert.ok(Math.abs(firstDecade - 0.25) < 0.02, `fraction in [1e-4, 1e-3): ${firstDecade}`);
});

test('uniform, int_uniform and log_int_uniform draws have the right shape', () => {
  const u = draws({ kind: 'uniform', low: -1, high: 3 }, 20000);
  assert.ok(u.every((x) => x >= -1 && x <= 3));
  assert.ok(Math.abs(u.reduce((s, x) => s + x, 0) / u.length - 1) < 0.05, 'mean of uniform [-1, 3] is 1');
  const ints = draws({ kind: 'int_uniform', low: 1, high: 4 }, 20000);
  for (const k of [1, 2, 3, 4]) assert.ok(Math.abs(ints.filter((x) => x === k).length / ints.length - 0.25) < 0.02, `int ${k}`);
  // log_int_uniform [1, 4]: P(k) = ln((k + 1/2)/(k - 1/2)) / ln(4.5 / 0.5): 0.5, 0.2325, 0.1531, 0.1144.
  const logInts = draws({ kind: 'log_int_uniform', low: 1, high: 4 }, 20000);
  const expected = [0.5, Math.log(5 / 3) / Math.log(9), Math.log(7 / 5) / Math.log(9), Math.log(9 / 7) / Math.log(9)];
  expected.forEach((p, i) => {
    const f = logInts.filter((x) => x === i + 1).length / logInts.length;
    assert.ok(Math.abs(f - p) < 0.015, `log int ${i + 1}: ${f} vs ${p}`);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Random sampler

const unitAxis: SearchAxis = { name: 'x', distribution: { kind: 'uniform', low: 0, high: 1 } };

test('random: trial values are the MT19937 stream of the search seed (numpy seed 7 random_sample)', () => {
  const { batches } = runSearch([unitAxis], settings({ trials: 6 }), () => 0);
  assert.equal(batches.length, 1);
  // np.random.seed(7); np.random.random_sample(6)
  assert.deepEqual(
    batches[0].requests.map((r) => r.params.x),
    [0.07630828937395717, 0.7799187922401146, 0.4384092314408935, 0.7234651778309412, 0.9779895119966027, 0.5384958704104337],
  );
});

test('random: the same seed gives the same configurations, another seed others', () => {
  const axes: SearchAxis[] = [
    { name: 'learning_rate', distribution: { kind: 'log_uniform', low: 1e-4, high: 1 } },
    { name: 'hidden_sizes', distribution: { kind: 'categorical', choices: [[5], [15], [30]] } },
  ];
  const params = (seed: number, method: 'random' | 'quasirandom') =>
    runSearch(axes, settings({ method, trials: 20, seed }), () => 0).batches[0].requests.map((r) => r.params);
  for (const m of ['random', 'quasirandom'] as const) {
    assert.deepEqual(params(7, m), params(7, m));
    assert.notDeepEqual(params(7, m), params(8, m));
  }
});

// ---------------------------------------------------------------------------------------------------------
// Sobol'

test("Sobol': unscrambled points equal SciPy's qmc.Sobol(scramble=False) (Joe & Kuo direction numbers)", () => {
  const s = new Sobol(SOBOL_MAX_DIMENSIONS);
  // First eight points, three dimensions: the textbook values.
  const first = [
    [0, 0, 0], [0.5, 0.5, 0.5], [0.75, 0.25, 0.25], [0.25, 0.75, 0.75],
    [0.375, 0.375, 0.625], [0.875, 0.875, 0.125], [0.625, 0.125, 0.875], [0.125, 0.625, 0.375],
  ];
  first.forEach((p, n) => assert.deepEqual(s.point(n).slice(0, 3), p));
  // Points 1000 and 123456 in all 21 dimensions exercise every direction number's recurrence
  // (scipy.stats.qmc.Sobol(d=21, scramble=False, bits=32) after fast_forward).
  assert.deepEqual(s.point(1000), [
    0.2197265625, 0.0966796875, 0.5185546875, 0.6767578125, 0.2802734375, 0.9072265625, 0.0458984375, 0.8994140625,
    0.5009765625, 0.0693359375, 0.0849609375, 0.2548828125, 0.1611328125, 0.3837890625, 0.1435546875, 0.3701171875,
    0.7197265625, 0.3447265625, 0.9912109375, 0.7255859375, 0.5224609375,
  ]);
  assert.deepEqual(s.point(123456), [
    0.02649688720703125, 0.18274688720703125, 0.30725860595703125, 0.45030975341796875, 0.16918182373046875,
    0.20325469970703125, 0.7158279418945312, 0.46405792236328125, 0.7064590454101562, 0.24906158447265625,
    0.49910736083984375, 0.7811813354492188, 0.5519790649414062, 0.28044891357421875, 0.7633438110351562,
    0.6613693237304688, 0.5713119506835938, 0.37165069580078125, 0.8820114135742188, 0.15715789794921875,
    0.11809539794921875,
  ]);
});

test("Sobol': scrambled points keep the net property (one point per elementary box) and depend on the seed", () => {
  const m = 6;
  const n = 2 ** m;
  const s = new Sobol(5, 11);
  const pts = Array.from({ length: n }, (_, i) => s.point(i));
  // Every coordinate: each interval [i/64, (i+1)/64) holds exactly one of the first 64 points.
  for (let j = 0; j < 5; j++) {
    const cells = new Set(pts.map((p) => Math.floor(p[j] * n)));
    assert.equal(cells.size, n, `dimension ${j}`);
  }
  // The first two dimensions form a (0, m, 2)-net: each box 2^-a x 2^-(m-a) holds exactly one point.
  for (let a = 0; a <= m; a++) {
    const boxes = new Set(pts.map((p) => `${Math.floor(p[0] * 2 ** a)},${Math.floor(p[1] * 2 ** (m - a))}`));
    assert.equal(boxes.size, n, `boxes of 2^-${a} x 2^-${m - a}`);
  }
  assert.notDeepEqual(new Sobol(5, 12).point(3), s.point(3));
  assert.ok(pts.every((p) => p.every((x) => x >= 0 && x < 1)));
});

// ---------------------------------------------------------------------------------------------------------
// Successive halving and Hyperband

test('rungs and Hyperband brackets: the values of Li et al. (2018), table 1 (R = 81, eta = 3)', () => {
  assert.deepEqual(rungs(100, 8100, 3), [100, 300, 900, 2700, 8100]);
  assert.deepEqual(rungs(100, 1000, 3), [100, 300, 900, 1000]);
  assert.deepEqual(rungs(5, 5, 3), [5]);
  assert.throws(() => rungs(200, 100, 3), RangeError);
  const b = hyperbandBrackets(rungs(1, 81, 3), 3);
  assert.deepEqual(b.map((x) => x.trials), [81, 34, 15, 8, 5]);
  assert.deepEqual(b.map((x) => x.firstRung), [0, 1, 2, 3, 4]);
  // Kept per rung: bracket s = 3 keeps 34, 11, 3, 1.
  assert.deepEqual([0, 1, 2, 3].map((i) => keptAt(34, 3, i)), [34, 11, 3, 1]);
  const sum = summarizeSearch(settings({ method: 'hyperband', minIterations: 1, maxIterations: 81 }), 81);
  assert.equal(sum.trials, 81 + 34 + 15 + 8 + 5);
  assert.deepEqual(sum.brackets[1].kept, [34, 11, 3, 1]);
  // Most updates, bracket by bracket, a promotion continuing from the previous rung:
  // 81*1+27*2+9*6+3*18+1*54 = 297; 34*3+11*6+3*18+1*54 = 276; 15*9+5*18+1*54 = 279; 8*27+2*54 = 324; 5*81 = 405.
  assert.equal(sum.mostUpdates, 297 + 276 + 279 + 324 + 405);
});

test('rank: the better end first, failed last, ties by trial number', () => {
  const o = [
    { trial: 0, value: 0.5 },
    { trial: 1, value: NaN },
    { trial: 2, value: 0.2 },
    { trial: 3, value: 0.5 },
    { trial: 4, value: Infinity },
  ];
  assert.deepEqual(rank(o, 'minimize').map((x) => x.trial), [2, 0, 3, 1, 4]);
  assert.deepEqual(rank(o, 'maximize').map((x) => x.trial), [0, 3, 2, 1, 4]);
  assert.deepEqual(promote(o, 2, 'minimize'), [2, 0]);
});

test('halving: the promoted sets are the top 1/eta computed by hand on a stub objective', () => {
  // Nine trials, rungs 1, 3, 9 updates, eta 3. The stub objective reads a table by (rung, trial).
  const table: Record<number, number[]> = {
    0: [5, 3, 8, 1, 9, 2, 7, 4, 6], // best three: trial 3 (1), trial 5 (2), trial 1 (3)
    1: [0, 4, 0, 10, 0, 0.5, 0, 0, 0], // among 1, 3, 5: trial 5 (0.5) is the best
    2: [0, 0, 0, 0, 0, 0.25, 0, 0, 0],
  };
  const objective = (r: TrialRequest) => table[r.rung][r.trial];
  const { batches } = runSearch([unitAxis], settings({ method: 'halving', trials: 9 }), objective);
  assert.deepEqual(batches.map((b) => b.requests.map((r) => r.trial)), [[0, 1, 2, 3, 4, 5, 6, 7, 8], [3, 5, 1], [5]]);
  assert.deepEqual(batches.map((b) => b.requests.map((r) => r.iterations)), [Array(9).fill(1), [3, 3, 3], [9]]);
  assert.deepEqual(batches[1].decisions[0].promoted, [3, 5, 1]);
  assert.deepEqual(batches[1].decisions[0].stopped, [0, 2, 4, 6, 7, 8]);
  assert.deepEqual(batches[2].decisions[0].promoted, [5]);
  // A promoted trial keeps its configuration.
  assert.deepEqual(batches[2].requests[0].params, batches[0].requests[5].params);
  // maximize reverses the choice: trials 4 (9), 2 (8), 6 (7).
  const max = runSearch([unitAxis], settings({ method: 'halving', trials: 9, goal: 'maximize' }), objective);
  assert.deepEqual(max.batches[1].requests.map((r) => r.trial), [4, 2, 6]);
});

test('halving with few trials still reaches the largest rung with one configuration', () => {
  const { batches } = runSearch([unitAxis], settings({ method: 'halving', trials: 4, minIterations: 1, maxIterations: 27 }), (r) => r.trial);
  assert.deepEqual(batches.map((b) => b.requests.length), [4, 1, 1, 1]);
  assert.deepEqual(batches.map((b) => b.requests[0].iterations), [1, 3, 9, 27]);
});

test('hyperband runs its brackets one after another with their own first rungs', () => {
  const { batches } = runSearch([unitAxis], settings({ method: 'hyperband', minIterations: 1, maxIterations: 9 }), (r) => r.trial % 5);
  // R/r = 9, eta 3: brackets of 9 (rungs 1, 3, 9), 5 (rungs 3, 9) and 3 (rung 9) configurations.
  assert.deepEqual(batches.map((b) => [b.requests.length, b.requests[0].iterations, b.requests[0].bracket]), [
    [9, 1, 0], [3, 3, 0], [1, 9, 0], [5, 3, 1], [1, 9, 1], [3, 9, 2],
  ]);
  const trials = new Set(batches.flatMap((b) => b.requests.map((r) => r.trial)));
  assert.equal(trials.size, 17);
});

test('nextBatch replays recorded outcomes to the same next batch, in any order within a batch', () => {
  const s = settings({ method: 'halving', trials: 9, sampler: 'tpe' });
  const objective = (r: TrialRequest) => Math.abs((r.params.x as number) - 0.3) + 1 / (r.iterations ?? 1);
  const full = runSearch([unitAxis], s, objective);
  for (let k = 0; k < full.batches.length; k++) {
    const history = full.outcomes.slice(0, k).map((o) => [...o].reverse());
    assert.deepEqual(nextBatch([unitAxis], s, history), full.batches[k]);
  }
  assert.equal(nextBatch([unitAxis], s, full.outcomes), null);
  assert.throws(() => nextBatch([unitAxis], s, [full.outcomes[0].slice(1)]), SearchHistoryError);
});

test('startSearch, kept running, proposes the batches a replay proposes, then finishes', () => {
  const s = settings({ method: 'halving', trials: 9, sampler: 'tpe' });
  const objective = (r: TrialRequest) => Math.abs((r.params.x as number) - 0.3) + 1 / (r.iterations ?? 1);
  const full = runSearch([unitAxis], s, objective);
  const search = startSearch([unitAxis], s);
  full.batches.forEach((b, k) => {
    assert.deepEqual(search.current, b, `batch ${k}`);
    search.answer([...full.outcomes[k]].reverse());
  });
  assert.equal(search.current, null);
  assert.throws(() => search.answer([]), SearchHistoryError);
});

// ---------------------------------------------------------------------------------------------------------
// TPE

// Reference values: the kernels (mus, sigmas) and the int and categorical densities from Optuna 3.1's
// _ParzenEstimator (consider_prior, prior_weight 1, magic clip, no endpoints; Debian's python3-optuna). The
// continuous densities from SciPy's truncnorm mixture with those kernels: Optuna 3.1's continuous log_pdf leaves
// out each kernel's 1/sigma, which later versions of Optuna add.
test("TPE: Parzen estimators equal Optuna's on float, log, int and categorical parameters", () => {
  const close = (a: number, b: number, tol = 2e-6) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);
  const f = parzenEstimator({ kind: 'uniform', low: 0, high: 1 }, [0.2, 0.5]);
  assert.equal(f.kind, 'numeric');
  if (f.kind === 'numeric') assert.deepEqual(f.sigmas, [0.3, 0.3, 1]);
  [0.3, 0.9, 0].forEach((x, i) => close(parzenLogPdf(f, x), [0.25981696144615446, -0.5775956721102486, -0.09875845891630909][i]));

  const lg = parzenEstimator({ kind: 'log_uniform', low: 1e-4, high: 1 }, [1e-3, 0.1, 0.02].map(Math.log));
  if (lg.kind === 'numeric') lg.sigmas.forEach((s, i) => close(s, [2.30258509, 1.84206807, 1.84206807, 9.21034037][i]));
  [0.01, 0.5].forEach((x, i) => close(parzenLogPdf(lg, Math.log(x)), [-1.9755385776189545, -2.519332867361971][i]));

  const int = parzenEstimator({ kind: 'int_uniform', low: 1, high: 10 }, [2, 5, 5, 9]);
  if (int.kind === 'numeric') {
    assert.deepEqual(int.mus, [2, 5, 5, 9, 5.5]);
    int.sigmas.forEach((s, i) => close(s, [3, 3, 10 / 6, 3.5, 10][i]));
  }
  [5, 1, 10].forEach((x, i) => close(parzenLogPdf(int, x), [-1.97311516, -2.61943788, -2.79478271][i]));

  const cat = parzenEstimator({ kind: 'categorical', choices: [5, 15, 30] }, [0, 2, 2]);
  if (cat.kind === 'categorical') close(cat.probabilities[0][0], 0.71428571);
  [0, 1, 2].forEach((x, i) => close(parzenLogPdf(cat, x), [-1.09861229, -1.65822808, -0.74193734][i]));
});

test("TPE: Optuna's default gamma and weights; the split ranks further rungs first", () => {
  assert.deepEqual([1, 10, 11, 81, 300].map(defaultGamma), [1, 1, 2, 9, 25]);
  const w = defaultWeights(30);
  assert.equal(w.length, 30);
  // numpy.linspace(1/30, 1, 5) then 25 ones.
  [0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1].forEach((x, i) => assert.ok(Math.abs(w[i] - x) < 1e-15));
  assert.ok(w.slice(4).every((x) => x === 1));
  const obs = [
    { params: {}, step: 0, loss: 0.1 },
    { params: {}, step: 1, loss: 0.9 },
    { params: {}, step: 0, loss: NaN },
    { params: {}, step: 1, loss: 0.5 },
  ];
  assert.deepEqual(splitObservations(obs, 2), { below: [1, 3], above: [0, 2] });
  // erfc against known values (Abramowitz & Stegun table 7.1): erfc(0.5) = 0.4795001222, erfc(2) = 0.004677734981.
  assert.ok(Math.abs(erfc(0.5) - 0.4795001222) < 1e-7);
  assert.ok(Math.abs(erfc(2) / 0.004677734981 - 1) < 2e-7);
});

test('TPE proposes better points than random on a known 1-D function, on average over seeds', () => {
  const axes: SearchAxis[] = [{ name: 'x', distribution: { kind: 'uniform', low: -5, high: 5 } }];
  const f = (r: TrialRequest) => ((r.params.x as number) - 1.3) ** 2;
  const best = (method: 'tpe' | 'random', seed: number) => {
    const { batches } = runSearch(axes, settings({ method, trials: 40, seed }), f);
    return Math.min(...batches.flatMap((b) => b.requests.map(f)));
  };
  let tpe = 0;
  let random = 0;
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  for (const seed of seeds) {
    tpe += best('tpe', seed) / seeds.length;
    random += best('random', seed) / seeds.length;
  }
  // Random's expected best of 40 uniform draws of (x - 1.3)^2 on [-5, 5] is about (10 / 41 / 2)^2 ~ 0.015.
  assert.ok(tpe < random / 2, `mean best: tpe ${tpe}, random ${random}`);
});

test('TPE batches: ten start-up draws in one batch, then batches of eight', () => {
  const { batches } = runSearch([unitAxis], settings({ method: 'tpe', trials: 27 }), (r) => r.params.x as number);
  assert.deepEqual(batches.map((b) => b.requests.length), [10, 8, 8, 1]);
});

test('the goal decides: maximizing f takes the same configurations and promotions as minimizing -f (halving, hyperband, TPE)', () => {
  // A bumpy objective so that TPE's model and halving's ranking have something to separate.
  const f = (r: TrialRequest) => Math.sin(9 * (r.params.x as number)) + (r.iterations ?? 1) / 1000;
  for (const over of [
    { method: 'halving', trials: 27, sampler: 'tpe' },
    { method: 'hyperband', sampler: 'random' },
    { method: 'tpe', trials: 30 },
  ] as Partial<SearchSettings>[]) {
    const up = runSearch([unitAxis], settings({ ...over, goal: 'maximize' }), f);
    const down = runSearch([unitAxis], settings({ ...over, goal: 'minimize' }), (r) => -f(r));
    assert.deepEqual(up.batches, down.batches.map((b) => ({ ...b, decisions: b.decisions.map((d) => ({ ...d, ranked: d.ranked.map((x) => ({ ...x, value: -x.value })) })) })), `${over.method}`);
    // And the goal matters: minimizing f itself goes elsewhere.
    const wrong = runSearch([unitAxis], settings({ ...over, goal: 'minimize' }), f);
    assert.notDeepEqual(wrong.batches.map((b) => b.requests), up.batches.map((b) => b.requests), `${over.method}: the goal is read`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Asynchronous successive halving (asha)

test('asha: promotions on a stub objective, batch by batch as computed by hand (Li et al. 2020, algorithm 2, batches of 4)', () => {
  // Nine trials, rungs 1, 3, 9, eta 3. Values by (rung, trial).
  const table: Record<number, Record<number, number>> = {
    0: { 0: 2, 1: 6, 2: 7, 3: 8, 4: 1, 5: 0.5, 6: 3, 7: 0.1, 8: 9 },
    1: { 0: 3, 4: 2, 5: 1, 7: 0.2 },
    2: { 5: 0.9, 7: 0.05 },
  };
  const { batches } = runSearch([unitAxis], settings({ method: 'asha', trials: 9 }), (r) => table[r.rung][r.trial]);
  // Batch 0: rung 0 is empty: draw trials 0-3.
  // Batch 1: rung 0 holds 0, 1, 2, 3: its top floor(4/3) = 1 is trial 0 (2): promoted; then draws 4, 5, 6.
  // Batch 2: rung 1 holds one result (top 0); rung 0 holds seven: top 2 = 5 (0.5), 4 (1), neither promoted:
  //          both, best first; then draws 7, 8 (the last two).
  // Batch 3: rung 1 holds 0 (3), 4 (2), 5 (1): top 1 = trial 5, promoted to rung 2 (the highest rung first);
  //          rung 0 holds nine: top 3 = 7 (0.1), 5, 4: trial 7 promoted. Nothing left: the batch ends at two.
  // Batch 4: rung 1 holds four, top 1 = 7 (0.2): promoted to rung 2. Batch 5: nothing promotable, nothing to draw.
  assert.deepEqual(
    batches.map((b) => b.requests.map((r) => [r.trial, r.rung])),
    [
      [[0, 0], [1, 0], [2, 0], [3, 0]],
      [[0, 1], [4, 0], [5, 0], [6, 0]],
      [[5, 1], [4, 1], [7, 0], [8, 0]],
      [[5, 2], [7, 1]],
      [[7, 2]],
    ],
  );
  assert.deepEqual(batches.map((b) => b.requests.map((r) => r.iterations)), [[1, 1, 1, 1], [3, 1, 1, 1], [3, 3, 1, 1], [9, 3], [9]]);
  assert.deepEqual(batches[1].decisions, [{ bracket: 0, rung: 0, ranked: [{ trial: 0, value: 2 }], promoted: [0], stopped: [] }]);
  assert.deepEqual(batches[2].decisions[0].promoted, [5, 4]);
  assert.deepEqual(batches[3].decisions.map((d) => [d.rung, d.ranked.map((x) => x.trial), d.promoted]), [[1, [5], [5]], [0, [7, 5, 4], [7]]]);
  // Trial 0, promoted early on four results, is not in rung 0's final top three: asha's early promotion,
  // which synchronous halving (top three of nine: 7, 5, 4) would not make.
  const halving = runSearch([unitAxis], settings({ method: 'halving', trials: 9 }), (r) => table[r.rung][r.trial] ?? 5);
  assert.deepEqual(halving.batches[1].requests.map((r) => r.trial), [7, 5, 4]);
  // A promoted configuration keeps its parameters.
  assert.deepEqual(batches[4].requests[0].params, batches[2].requests[2].params);
});

test('asha with fewer trials than eta still reaches the largest rung with its best configuration', () => {
  const { batches } = runSearch([unitAxis], settings({ method: 'asha', trials: 2 }), (r) => [0.5, 0.2][r.trial] + r.rung);
  assert.deepEqual(batches.map((b) => b.requests.map((r) => [r.trial, r.rung])), [[[0, 0], [1, 0]], [[1, 1]], [[1, 2]]]);
});

test('asha: rung bounds (least as synchronous halving, most when early promotions are overtaken) and the plan summary', () => {
  assert.deepEqual(ashaRungBounds(81, 5, 3), { least: [81, 27, 9, 3, 1], most: [81, 79, 77, 75, 73] });
  assert.deepEqual(ashaRungBounds(2, 3, 3), { least: [2, 1, 1], most: [2, 1, 1] });
  const sum = summarizeSearch(settings({ method: 'asha', trials: 81, minIterations: 100, maxIterations: 8100 }), 8100);
  assert.deepEqual(sum.rungs, [100, 300, 900, 2700, 8100]);
  // 81*100 + 79*200 + 77*600 + 75*1800 + 73*5400.
  assert.equal(sum.mostUpdates, 8100 + 15800 + 46200 + 135000 + 394200);
  // Worst case by brute force on nine trials: results arriving worst first get every early promotion overtaken.
  const { batches } = runSearch([unitAxis], settings({ method: 'asha', trials: 9 }), (r) => 100 - r.trial - 10 * r.rung);
  const counts = [0, 1, 2].map((k) => batches.flatMap((b) => b.requests).filter((r) => r.rung === k).length);
  const bounds = ashaRungBounds(9, 3, 3);
  counts.forEach((c, k) => assert.ok(c >= bounds.least[k] && c <= bounds.most[k], `rung ${k}: ${c} outside ${bounds.least[k]}..${bounds.most[k]}`));
  assert.ok(counts[1] > bounds.least[1], 'early promotions overtaken: more than synchronous halving at rung 1');
});

test('asha: the same seed gives the same configurations and promotions, another seed others; a replay in any order agrees (random, quasirandom, tpe)', () => {
  const f = (r: TrialRequest) => Math.sin(9 * (r.params.x as number)) + 1 / (r.iterations ?? 1);
  for (const sampler of ['random', 'quasirandom', 'tpe'] as const) {
    const s = settings({ method: 'asha', trials: 30, sampler, minIterations: 1, maxIterations: 27 });
    const a = runSearch([unitAxis], s, f);
    assert.deepEqual(runSearch([unitAxis], s, f), a, sampler);
    assert.notDeepEqual(runSearch([unitAxis], { ...s, seed: 8 }, f).batches, a.batches, sampler);
    assert.ok(a.batches.every((b) => b.requests.length <= ASHA_BATCH));
    assert.equal(new Set(a.batches.flatMap((b) => b.requests.map((r) => r.trial))).size, 30);
    for (const k of [0, 5, a.batches.length - 1]) {
      const history = a.outcomes.slice(0, k).map((o) => [...o].reverse());
      assert.deepEqual(nextBatch([unitAxis], s, history), a.batches[k], `${sampler}: batch ${k}`);
    }
    assert.equal(nextBatch([unitAxis], s, a.outcomes), null);
  }
});

test('asha with the random sampler draws the configurations method random draws with the same seed', () => {
  const s = settings({ method: 'asha', trials: 12, sampler: 'random', minIterations: 1, maxIterations: 9 });
  const asha = runSearch([unitAxis], s, (r) => r.params.x as number).batches.flatMap((b) => b.requests.filter((r) => r.rung === 0));
  const random = runSearch([unitAxis], settings({ method: 'random', trials: 12 }), () => 0).batches[0].requests;
  assert.deepEqual(asha.map((r) => [r.trial, r.params]), random.map((r) => [r.trial, r.params]));
});

// ---------------------------------------------------------------------------------------------------------
// Objectives of several keys (the tables' default: validation accuracy, maximized, then validation loss)

const ACC_LOSS = ['maximize', 'minimize'] as const;

test('rank by several keys: the first decides, the second breaks its ties (its own goal), non-finite last on each key, then the trial', () => {
  const o = [
    { trial: 0, value: 0.9, rest: [0.3] },
    { trial: 1, value: 0.95, rest: [0.4] },
    { trial: 2, value: 0.95, rest: [0.2] },
    { trial: 3, value: 0.95, rest: [NaN] },
    { trial: 4, value: NaN, rest: [0.01] },
    { trial: 5, value: 0.95, rest: [0.2] },
  ];
  // 0.95: 2 and 5 (loss 0.2, tied: lower trial first), 1 (0.4), 3 (no loss); then 0.9; then no accuracy.
  assert.deepEqual(rank(o, ACC_LOSS).map((x) => x.trial), [2, 5, 1, 3, 0, 4]);
  assert.deepEqual(promote(o, 2, ACC_LOSS), [2, 5]);
  // The first key alone: ties go to the lower trial.
  assert.deepEqual(promote(o, 2, 'maximize'), [1, 2]);
  assert.deepEqual(rank(o, ['maximize', 'maximize']).map((x) => x.trial), [1, 2, 5, 3, 0, 4]);
});

test('halving and hyperband with a two-key objective: the first key ties, the second decides the promotions (by hand)', () => {
  // Nine trials, rungs 1, 3, 9, eta 3. Values [accuracy, loss] by (rung, trial).
  const acc0 = [0.9, 0.95, 0.95, 0.9, 0.95, 0.8, 0.95, 0.7, 0.9];
  const loss0 = [0.1, 0.3, 0.25, 0.05, 0.4, 0.01, 0.2, 0.5, 0.3];
  const loss1: Record<number, number> = { 6: 0.3, 2: 0.1, 1: 0.2 };
  const objective = (r: TrialRequest) => (r.rung === 0 ? [acc0[r.trial], loss0[r.trial]] : r.rung === 1 ? [0.96, loss1[r.trial]] : [0.97, 0.1]);
  const { batches } = runSearch([unitAxis], settings({ method: 'halving', trials: 9, goal: 'maximize' }), objective, ACC_LOSS);
  // Rung 0: accuracy 0.95 for trials 1, 2, 4, 6 (four for three places); by loss 6 (0.20), 2 (0.25), 1 (0.30),
  // 4 (0.40). Then 0.9: 3 (0.05), 0 (0.1), 8 (0.3); then 5 (0.8), 7 (0.7).
  assert.deepEqual(batches[1].decisions[0].ranked.map((x) => x.trial), [6, 2, 1, 4, 3, 0, 8, 5, 7]);
  assert.deepEqual(batches[1].decisions[0].promoted, [6, 2, 1]);
  assert.deepEqual(batches[1].decisions[0].stopped, [0, 3, 4, 5, 7, 8]);
  // Rung 1: accuracy 0.96 for all three; loss 2 (0.1), 1 (0.2), 6 (0.3).
  assert.deepEqual(batches[2].requests.map((r) => r.trial), [2]);
  // By the first key alone the tie on 0.95 would go to the lower trials, 1, 2 and 4.
  const first = runSearch([unitAxis], settings({ method: 'halving', trials: 9, goal: 'maximize' }), (r) => objective(r)[0]);
  assert.deepEqual(first.batches[1].decisions[0].promoted, [1, 2, 4]);
  // Hyperband's brackets are halvings: its first bracket (9 trials at rungs 1, 3, 9) decides alike.
  const hb = runSearch([unitAxis], settings({ method: 'hyperband', goal: 'maximize' }), objective, ACC_LOSS);
  assert.deepEqual(hb.batches[1].decisions[0].promoted, [6, 2, 1]);
  // The goals must start with the search's goal.
  assert.throws(() => runSearch([unitAxis], settings({ method: 'halving', trials: 9, goal: 'minimize' }), objective, ACC_LOSS), RangeError);
});

test('asha with a two-key objective: an early promotion goes to the best second key among first-key ties (by hand)', () => {
  // Rung 0's first four results all have accuracy 0.9; losses 0.4, 0.3, 0.1, 0.2: top floor(4/3) = 1 is trial 2.
  const loss = [0.4, 0.3, 0.1, 0.2, 0.5, 0.6, 0.7, 0.8, 0.9];
  const objective = (r: TrialRequest) => [0.9, r.rung === 0 ? loss[r.trial] : 0.05];
  const { batches } = runSearch([unitAxis], settings({ method: 'asha', trials: 9, goal: 'maximize' }), objective, ACC_LOSS);
  assert.deepEqual(batches[1].requests.map((r) => [r.trial, r.rung]), [[2, 1], [4, 0], [5, 0], [6, 0]]);
  assert.deepEqual(batches[1].decisions, [{ bracket: 0, rung: 0, ranked: [{ trial: 2, value: 0.9 }], promoted: [2], stopped: [] }]);
  // By the first key alone: trial 0.
  const first = runSearch([unitAxis], settings({ method: 'asha', trials: 9, goal: 'maximize' }), (r) => objective(r)[0]);
  assert.deepEqual(first.batches[1].requests[0], { ...first.batches[1].requests[0], trial: 0, rung: 1 });
});

test('TPE models the first key alone: a second key changes none of its proposals (method tpe, and halving with the tpe sampler)', () => {
  const f = (r: TrialRequest) => Math.sin(9 * (r.params.x as number)) + (r.iterations ?? 1) / 1000;
  const tpe = settings({ method: 'tpe', trials: 22 });
  const one = runSearch([unitAxis], tpe, f);
  const two = runSearch([unitAxis], tpe, (r) => [f(r), (r.params.x as number) * 7], ['minimize', 'maximize']);
  assert.deepEqual(two.batches, one.batches);
  // Halving with the tpe sampler: draws alike; first-key values distinct, so the promotions too.
  const h = settings({ method: 'halving', trials: 27, sampler: 'tpe' });
  assert.deepEqual(runSearch([unitAxis], h, (r) => [f(r), -f(r)], ['minimize', 'maximize']).batches, runSearch([unitAxis], h, f).batches);
});
