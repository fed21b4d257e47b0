/**
 * Experiment names that run addresses would read as something else: a name shaped like a sweep id would make
 * `SWEEP_ID/3` address the experiment's latest sweep instead of that sweep, silently.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/load.js';
import { safeName, unsafeNameReasons } from '../../src/experiment/names.js';

test('an experiment name shaped like a sweep id is refused at the name, with a suggestion that passes', () => {
  const yaml = 'name: 20261129-111502-3fa2\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 2, seed: 3}\n';
  let caught: unknown;
  try {
    parseExperiment(yaml, 'exp.yaml', { cwd: process.cwd() });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DiagnosticError, `expected a DiagnosticError, got ${String(caught)}`);
  const errors = caught.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1);
  assert.deepEqual([errors[0].path, errors[0].line, errors[0].column], ['name', 1, 7]);
  assert.match(errors[0].message, /it has the form of a sweep id/);
  assert.match(errors[0].hint ?? '', /name: 20261129-111502-3fa2-experiment$/);
  assert.deepEqual(unsafeNameReasons('20261129-111502-3fa2-experiment'), []);
  assert.equal(safeName('20261129-111502-3fa2'), '20261129-111502-3fa2-experiment');
});

test('names that only resemble a sweep id stay valid: a date, a date and time, other hex digits', () => {
  for (const name of ['20261129', '20261129-111502', '20261129-111502-3fa', '20261129-111502-3fa2x', 'run-20261129-111502-3fa2', '20261129-111502-3FA2z']) {
    assert.deepEqual(unsafeNameReasons(name), [], name);
  }
});

test('latest, best (any case) and names starting with - are refused at the name, each with a suggestion that passes', () => {
  const cases: [string, RegExp, string][] = [
    ['latest', /`latest` is a word of run addresses/, 'latest-experiment'],
    ['Best', /`Best` is a word of run addresses/, 'Best-experiment'],
    ['-x', /it starts with `-`, so commands would read it as an option/, 'x'],
    ['--latest', /it starts with `-`/, 'latest-experiment'],
  ];
  for (const [name, reason, suggestion] of cases) {
    const yaml = `name: "${name}"\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 2, seed: 3}\n`;
    let caught: unknown;
    try {
      parseExperiment(yaml, 'exp.yaml', { cwd: process.cwd() });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof DiagnosticError, `${name}: expected a DiagnosticError, got ${String(caught)}`);
    const errors = caught.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, name);
    assert.deepEqual([errors[0].path, errors[0].line, errors[0].column], ['name', 1, 7], name);
    assert.match(errors[0].message, reason, name);
    assert.equal(errors[0].hint, `the name is the folder under runs/; use e.g. name: ${suggestion}`, name);
    assert.deepEqual(unsafeNameReasons(suggestion), [], suggestion);
  }
  // Words that only contain them stay valid.
  for (const name of ['latest-model', 'best2', 'my-best', 'x-']) assert.deepEqual(unsafeNameReasons(name), [], name);
});
