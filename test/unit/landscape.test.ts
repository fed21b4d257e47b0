import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getActivation } from '../../src/train/activations.js';
import { initializeParams } from '../../src/train/init.js';
import { Rng } from '../../src/train/rng.js';
import { directionBetween, filterNormalizedDirection, landscapeGrid, linspace } from '../../src/train/landscape.js';
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
