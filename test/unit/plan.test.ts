import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandGrid, gridSize, pointAt } from '../../src/sweep/grid.js';
import { planSweep, type DataShape } from '../../src/sweep/plan.js';
import { canonicalJson } from '../../src/canonical-json.js';
import { stableHash } from '../../src/sweep/identity.js';
import type { Experiment } from '../../src/experiment/types.js';
import { plannedExperiment } from '../helpers/experiments.js';

const shape: DataShape = { fingerprint: 'f'.repeat(64), features: 9, trainSamples: 500, folds: 1 };

function experiment(axes: Record<string, unknown[]>, fixed: Record<string, unknown> = {}): Experiment {
  return plannedExperiment(axes, { ...{ learning_rate: 0.01, iterations: 1000, hidden_sizes: [15], init: 'lecun_normal', seed: 1, threshold: 0.5 }, ...fixed }, 100);
}

test('grid expands in file order with the last axis fastest', () => {
  const exp = experiment({ learning_rate: [0.01, 0.07], threshold: [0.5, 0.7, 0.9] });
  assert.equal(gridSize(exp), 6);
  const points = [...expandGrid(exp)].map((p) => [p.learning_rate, p.threshold]);
  assert.deepEqual(points, [
    [0.01, 0.5], [0.01, 0.7], [0.01, 0.9],
    [0.07, 0.5], [0.07, 0.7], [0.07, 0.9],
  ]);
  assert.equal(pointAt(exp, 4).init, 'lecun_normal');
  assert.throws(() => pointAt(exp, 6), RangeError);
});

test('an experiment without axes is one point', () => {
  assert.equal(gridSize(experiment({})), 1);
});

test('thresholds and iteration counts share one training; other axes do not', () => {
  const exp = experiment({ learning_rate: [0.01, 0.07], iterations: [15000, 65000], threshold: [0.5, 0.7, 0.8, 0.9] });
  const plan = planSweep(exp, shape);
  assert.equal(plan.gridSize, 16);
  assert.equal(plan.runs.length, 16);
  assert.equal(plan.trainings.length, 2);
  for (const t of plan.trainings) {
    assert.deepEqual(t.checkpoints, [15000, 65000]);
    assert.deepEqual(t.thresholds, [0.5, 0.7, 0.8, 0.9]);
    assert.equal(t.runs.length, 8);
    assert.equal('threshold' in t.config, false);
    assert.equal('iterations' in t.config, false);
  }
  assert.equal(plan.naiveIterations, 8 * (15000 + 65000));
  assert.equal(plan.plannedIterations, 2 * 65000);
  // Every run points at a training that serves its iteration count and threshold.
  for (const r of plan.runs) {
    const t = plan.trainings[r.training];
    assert.ok(t.runs.includes(r.index));
    assert.ok(t.checkpoints.includes(r.params.iterations as number));
  }
});

test('--no-share plans one training per grid point', () => {
  const exp = experiment({ iterations: [100, 200, 300], threshold: [0.5, 0.7, 0.8, 0.9] });
  const plan = planSweep(exp, shape, { share: false });
  assert.equal(plan.trainings.length, 12);
  assert.equal(plan.plannedIterations, plan.naiveIterations);
  const shared = planSweep(exp, shape);
  assert.equal(shared.trainings.length, 1);
  assert.ok(plan.naiveIterations / shared.plannedIterations >= 8);
  // Identities do not depend on sharing.
  assert.deepEqual(plan.runs.map((r) => r.id), shared.runs.map((r) => r.id));
});

test('longest trainings are scheduled first', () => {
  const exp = experiment({ hidden_sizes: [[5], [30], [15]], iterations: [100, 5000] });
  const plan = planSweep(exp, shape, { share: false });
  const costs = plan.trainings.map((t) => t.cost);
  assert.deepEqual(costs, [...costs].sort((a, b) => b - a));
  assert.deepEqual(plan.trainings[0].config.hidden_sizes, [30]);
  assert.deepEqual(plan.trainings[0].checkpoints, [5000]);
});

test('run identities are stable, depend on value not spelling, and on data and parameters', () => {
  const a = planSweep(experiment({ learning_rate: [0.1] }), shape);
  const b = planSweep(experiment({ learning_rate: [1e-1] }), shape);
  assert.equal(a.runs[0].id, b.runs[0].id);
  const c = planSweep(experiment({ learning_rate: [0.1] }), { ...shape, fingerprint: 'e'.repeat(64) });
  assert.notEqual(a.runs[0].id, c.runs[0].id);
  const d = planSweep(experiment({ learning_rate: [0.10000000000000002] }), shape);
  assert.notEqual(a.runs[0].id, d.runs[0].id);
  assert.match(a.runs[0].folder, /^0001-[0-9a-f]{8}$/);
  assert.equal(a.runs[0].folder.slice(5), a.runs[0].id.slice(0, 8));
  assert.equal(a.planHash, b.planHash);
});

test('folder names are zero-padded to the grid size', () => {
  const exp = experiment({ seed: Array.from({ length: 12000 }, (_, i) => i) });
  const plan = planSweep(exp, shape, { maxRuns: 20000 });
  assert.match(plan.runs[0].folder, /^00001-/);
  assert.match(plan.runs[11999].folder, /^12000-/);
  assert.throws(() => planSweep(exp, shape, { maxRuns: 10000 }), /12000 points, more than the limit of 10000/);
});

test('canonical JSON sorts keys and refuses non-finite numbers', () => {
  assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] }), '{"a":[1,{"c":3,"d":2}],"b":1}');
  assert.equal(stableHash({ x: 0.1 }), stableHash({ x: 1e-1 }));
  assert.throws(() => canonicalJson({ x: NaN }));
  assert.throws(() => canonicalJson({ x: Infinity }));
});

test('summarizePlan counts what planSweep plans, without materializing runs', async () => {
  const { summarizePlan } = await import('../../src/sweep/plan.js');
  const cases = [
    experiment({}),
    experiment({ learning_rate: [0.01, 0.07], iterations: [15000, 65000], threshold: [0.5, 0.7, 0.8, 0.9] }),
    experiment({ hidden_sizes: [[5], [15]], seed: [1, 2, 3], iterations: [10, 20, 30] }),
    experiment({ threshold: [0.1, 0.2], init: ['he_normal', 'zeros'] }, { iterations: 77 }),
  ];
  for (const exp of cases) {
    for (const share of [true, false]) {
      const plan = planSweep(exp, { ...shape, folds: 3 }, { share });
      const s = summarizePlan(exp, { ...shape, folds: 3 }, { share });
      assert.deepEqual(s, {
        gridSize: plan.gridSize,
        trainings: plan.trainings.length,
        naiveIterations: plan.naiveIterations,
        plannedIterations: plan.plannedIterations,
        shared: share,
      });
    }
  }
  // A million points: counted, not listed.
  const huge = experiment({ seed: Array.from({ length: 1000 }, (_, i) => i), learning_rate: Array.from({ length: 250 }, (_, i) => (i + 1) / 1000), threshold: [0.2, 0.4, 0.6, 0.8] });
  const s = summarizePlan(huge, shape);
  assert.equal(s.gridSize, 1_000_000);
  assert.equal(s.trainings, 250_000);
  assert.equal(s.plannedIterations, 250_000 * 1000);
  assert.equal(s.naiveIterations, 1_000_000 * 1000);
});
