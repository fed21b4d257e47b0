/**
 * Experiments for unit tests: the diagnostics of one that is refused, the one diagnostic at a path, and an
 * in-memory Experiment of synthetic data for the planner (no file, no data read).
 */
import assert from 'node:assert/strict';
import { DiagnosticError, formatDiagnostic, type Diagnostic } from '../../src/errors.js';
import type { Experiment } from '../../src/experiment/types.js';
import { defaultObjective } from '../../src/sweep/objective.js';

/** The diagnostics of a load that must be refused (fails the test when it succeeds or throws otherwise). */
export function refused(load: () => unknown): Diagnostic[] {
  try {
    load();
  } catch (e) {
    assert.ok(e instanceof DiagnosticError, `expected a DiagnosticError, got ${String(e)}`);
    return e.diagnostics;
  }
  assert.fail('expected the experiment to be rejected');
}

/** The one diagnostic at JSON path p (fails the test when there are none or several). */
export function only(ds: Diagnostic[], p: string): Diagnostic {
  const found = ds.filter((d) => d.path === p);
  assert.equal(found.length, 1, `expected one diagnostic at ${p}, got:\n${ds.map(formatDiagnostic).join('\n\n')}`);
  return found[0];
}

/**
 * An experiment of synthetic blobs with these grid axes and fixed values (an axis removes its fixed value),
 * a curve point every `curveEvery` updates.
 */
export function plannedExperiment(axes: Record<string, unknown[]>, fixed: Record<string, unknown>, curveEvery: number): Experiment {
  const f: Record<string, unknown> = { ...fixed };
  for (const k of Object.keys(axes)) delete f[k];
  return {
    file: 'x.yaml',
    absoluteFile: '/x.yaml',
    text: '',
    name: 'x',
    dataset: { kind: 'synthetic', generator: 'blobs', samples: 10, features: 2, noise: 0.1, seed: 0, normalize: { kind: 'none', fit: 'train' }, split: { kind: 'holdout', validation_fraction: 0.2, stratify: true, seed: 0 } },
    fixed: f as Experiment['fixed'],
    fixedSpellings: {},
    axes: Object.entries(axes).map(([name, values]) => ({ name, values: values as Experiment['axes'][0]['values'], spellings: values.map((v) => JSON.stringify(v)) })),
    record: { curve_every: curveEvery },
    objective: defaultObjective(false),
    warnings: [],
  };
}
