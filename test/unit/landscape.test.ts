import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getActivation } from '../../src/train/activations.js';
import { initializeParams } from '../../src/train/init.js';
import { Rng } from '../../src/train/rng.js';
import { directionBetween, filterNormalizedDirection, landscapeGrid, linspace, trajectoryPca } from '../../src/train/landscape.js';
import { initialNetwork } from '../../src/train/init.js';
import { fromModelJson } from '../../src/train/network.js';
import { flattenParams } from '../../src/train/state.js';
import { resolveOptions } from '../../src/train/options.js';
import { train } from '../../src/train/train.js';
import { learnable } from '../helpers/random-data.js';

const relu = getActivation('relu');

test('filter normalization: each neuron\'s row of the direction has the norm of its incoming weights; biases are zero', () => {
  const net = initializeParams([9, 15, 4, 1], 'he_normal', new Rng(3));
  net.W[1].fill(0, 0, 15); // a neuron whose weights are all zero keeps a zero direction
  const d = filterNormalizedDirection(net, new Rng(7));
  for (let l = 0; l < 3; l++) {
    const nIn = net.dims[l];
    for (let i = 0; i < net.dims[l + 1]; i++) {
      const norm = (a: Float64Array) => Math.hypot(...a.subarray(i * nIn, (i + 1) * nIn));
      const w = norm(net.W[l]);
      assert.ok(Math.abs(norm(d.W[l]) - w) <= 1e-12 * Math.max(1, w), `layer ${l + 1} neuron ${i}`);
    }
    assert.ok(d.b[l].every((v) => v === 0));
  }
  assert.equal(Math.hypot(...d.W[1].subarray(0, 15)), 0);
  // Not merely the weights themselves: the direction's row is not parallel to theta*'s.
  assert.notDeepEqual(Array.from(d.W[0]), Array.from(net.W[0]));
});

test('the same seed gives the same directions, another seed others', () => {
  const net = initializeParams([9, 15, 1], 'lecun_normal', new Rng(1));
  const a = filterNormalizedDirection(net, new Rng(5));
  const b = filterNormalizedDirection(net, new Rng(5));
  const c = filterNormalizedDirection(net, new Rng(6));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.W[0], c.W[0]);
});

test('logistic regression (no hidden layer): the 1-D slice is convex, and its centre is the loss at theta*', () => {
  const data = learnable(200, 4);
  const net = initializeParams([data.X.rows, 1], 'lecun_normal', new Rng(2));
  net.b[0][0] = 0.3;
  for (const seed of [1, 2, 3]) {
    const d = filterNormalizedDirection(net, new Rng(seed));
    const alphas = linspace(-3, 3, 41);
    const pts = landscapeGrid({ net, hidden: relu, data, d1: d, alphas, threshold: 0.5 });
    assert.equal(pts.length, 41);
    // Mean BCE of a sigmoid is convex in the weights, so along a line its second differences are >= 0.
    for (let i = 1; i < pts.length - 1; i++) {
      assert.ok(pts[i - 1].loss + pts[i + 1].loss - 2 * pts[i].loss >= -1e-12, `seed ${seed} at a = ${pts[i].a}`);
    }
    assert.equal(pts[20].a, 0);
    // The centre, computed by hand: mean of log(1 + e^z) - y z over the rows.
    let loss = 0;
    for (let j = 0; j < data.y.length; j++) {
      let z = net.b[0][0];
      for (let f = 0; f < data.X.rows; f++) z += net.W[0][f] * data.X.data[f * data.y.length + j];
      loss += Math.log1p(Math.exp(z)) - data.y[j] * z;
    }
    assert.ok(Math.abs(pts[20].loss - loss / data.y.length) < 1e-12);
  }
});

test('the interpolation from the initialization reaches theta* at a = 1; the 2-D grid is b-major', () => {
  const data = learnable(50, 1);
  const init = initializeParams([data.X.rows, 3, 1], 'he_normal', new Rng(1));
  const trained = initializeParams([data.X.rows, 3, 1], 'he_normal', new Rng(2));
  const line = landscapeGrid({ net: init, hidden: relu, data, d1: directionBetween(init, trained), alphas: [0, 1], threshold: 0.5 });
  const at = (net: typeof init) => landscapeGrid({ net, hidden: relu, data, d1: directionBetween(net, net), alphas: [0], threshold: 0.5 })[0];
  assert.deepEqual(line[0], { ...at(init), a: 0 });
  assert.ok(Math.abs(line[1].loss - at(trained).loss) < 1e-12);
  const d = filterNormalizedDirection(trained, new Rng(1));
  const grid = landscapeGrid({ net: trained, hidden: relu, data, d1: d, d2: d, alphas: [-1, 0, 1], betas: [0, 1], threshold: 0.5 });
  assert.deepEqual(grid.map((p) => [p.a, p.b]), [[-1, 0], [0, 0], [1, 0], [-1, 1], [0, 1], [1, 1]]);
  // d1 = d2: the point (a, b) is theta* + (a + b) d, so (0, 1) equals (1, 0).
  assert.equal(grid[4].loss, grid[2].loss);
});

test('PCA of a trajectory, against a hand-computed case: directions, explained variance, signs and the projected path', () => {
  // dims [2, 1]: theta = (w11, w12, b1). Rows theta_i - theta*: 2u + c, -2u + c, v + c, -v + c with
  // u = (3/5, 4/5, 0), v = (0, 0, 1), c = (1, 1, 1). Centred (the mean is c): +-2u, +-v, so the covariance is
  // (8 u u' + 2 v v') / 3: PC1 = u (variance share 8/10), PC2 = v (2/10). Signs: the first point, 2u + c,
  // has u.(2u + c) = 2 + 7/5 > 0 and v.(2u + c) = 1 > 0, so +u and +v.
  const star = { dims: [2, 1], W: [Float64Array.from([0.5, -0.25])], b: [Float64Array.from([2])] };
  const s = [0.5, -0.25, 2];
  const u = [0.6, 0.8, 0];
  const v = [0, 0, 1];
  const rows = [u.map((x) => 2 * x), u.map((x) => -2 * x), v, v.map((x) => -x)].map((r) => r.map((x, k) => x + 1 + s[k]));
  const pca = trajectoryPca(star, rows);
  const flat = (d: { W: Float64Array[]; b: Float64Array[] }) => [...d.W[0], ...d.b[0]];
  flat(pca.d1).forEach((x, k) => assert.ok(Math.abs(x - u[k]) < 1e-12, `d1[${k}] = ${x}`));
  flat(pca.d2).forEach((x, k) => assert.ok(Math.abs(x - v[k]) < 1e-12, `d2[${k}] = ${x}`));
  assert.ok(Math.abs(pca.explained[0] - 0.8) < 1e-12 && Math.abs(pca.explained[1] - 0.2) < 1e-12);
  // theta* was appended: five points; coordinates (theta_i - theta*).u and .v, by hand.
  const expected = [[2 + 1.4, 1], [-2 + 1.4, 1], [1.4, 2], [1.4, 0], [0, 0]];
  assert.equal(pca.path.length, 5);
  pca.path.forEach((p, i) => assert.ok(Math.abs(p.a - expected[i][0]) < 1e-12 && Math.abs(p.b - expected[i][1]) < 1e-12, `point ${i}: ${p.a}, ${p.b}`));
  assert.throws(() => trajectoryPca(star, [rows[0], rows[1]]), /single direction|at least 2/);
  assert.throws(() => trajectoryPca(star, [[1, 2]]), /2 parameters, the network 3/);
});

for (const engine of ['ts', 'fast'] as const) {
  test(`recording the trajectory (${engine} engine) changes nothing else; its projection starts at the initialization and ends at the origin`, () => {
    const data = learnable(120, 3);
    const validation = learnable(40, 4);
    const base = { config: { hidden_sizes: [4], init: 'he_normal' as const, learning_rate: 0.2, seed: 3 }, engine, checkpoints: [60, 95], thresholds: [0.5], curve_every: 20, train: data, validation };
    const plain = train(base);
    const recorded = train({ ...base, trajectory_every: 10 });
    const { trajectory, ...rest } = recorded;
    assert.deepEqual(rest, plain);
    // k = 0, 10, ..., 90: the last update run is 95, not a multiple of 10.
    assert.deepEqual(trajectory!.map((p) => p.iteration), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const init = initialNetwork(resolveOptions(base.config), 3).net;
    assert.deepEqual(trajectory![0].params, Array.from(flattenParams(init)));
    // The point at 60 is the network of the checkpoint at 60 (model.json), bit for bit.
    assert.deepEqual(trajectory![6].params, Array.from(flattenParams(fromModelJson(plain.checkpoints[0].model!))));
    const star = fromModelJson(plain.checkpoints[1].model!);
    const pca = trajectoryPca(star, trajectory!.map((p) => p.params));
    assert.equal(pca.path.length, 11); // theta* appended after the ten recorded points
    assert.deepEqual(pca.path[10], { a: 0, b: 0 });
    assert.ok(pca.path[0].a >= 0 && pca.path[0].b >= 0);
    // The coordinates are the projection on unit vectors: the distance from theta* bounds them.
    const starFlat = flattenParams(star);
    const dist = Math.hypot(...trajectory![0].params.map((x, k) => x - starFlat[k]));
    assert.ok(Math.hypot(pca.path[0].a, pca.path[0].b) <= dist + 1e-12);
    assert.ok(pca.explained[0] >= pca.explained[1] && pca.explained[0] + pca.explained[1] <= 1 + 1e-12);
  });
}

test('the fast engine\'s forward passes agree with the TypeScript ones to 1e-9 on every point; the origin is the TypeScript pass itself', () => {
  const data = learnable(203, 5); // not a multiple of 8: the kernels' padded columns are masked
  for (const activation of ['relu', 'tanh', 'leaky_relu'] as const) {
    const net = { ...initializeParams([data.X.rows, 6, 3, 1], 'he_normal', new Rng(4)), hidden_activation: activation };
    const hidden = getActivation(activation);
    const rng = new Rng(9);
    const d1 = filterNormalizedDirection(net, rng);
    const d2 = filterNormalizedDirection(net, rng);
    const alphas = linspace(-2, 2, 9);
    const grid = (engine: 'fast' | 'ts') => landscapeGrid({ net, hidden, data, d1, d2, alphas, betas: alphas, threshold: 0.5, engine });
    const fast = grid('fast');
    const ts = grid('ts');
    fast.forEach((p, i) => {
      assert.ok(Math.abs(p.loss - ts[i].loss) <= 1e-9 * Math.max(1, ts[i].loss), `${activation} point ${i}: ${p.loss} vs ${ts[i].loss}`);
      assert.equal(p.accuracy, ts[i].accuracy);
    });
    assert.deepEqual(fast[40], ts[40]);
    assert.deepEqual([fast[40].a, fast[40].b], [0, 0]);
  }
});
