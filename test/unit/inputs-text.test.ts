/**
 * Free text that ls, show and the tables print on a terminal (an experiment's description, a note): control
 * characters such as ESC would recolour or rewrite the user's terminal, so they are refused where the text
 * comes in, with one message naming the character; line feeds, tabs and any other Unicode stay allowed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticError, UserError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/load.js';
import { checkNote } from '../../src/store/annotations.js';

const head = 'name: text-check\ndataset:\n  synthetic: {kind: xor, samples: 40, features: 2, seed: 3}\n';

test('a description holding an ESC sequence is refused at its line and column, naming the character', () => {
  let caught: unknown;
  try {
    parseExperiment(`${head}description: "red \\e[31mtext"\n`, 'exp.yaml', { cwd: process.cwd() });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DiagnosticError, `expected a DiagnosticError, got ${String(caught)}`);
  const errors = caught.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].path, 'description');
  assert.equal(errors[0].message, 'contains the control character \\u001b');
  // `description:` is on line 4; its value starts after "description: " (13 characters).
  assert.deepEqual([errors[0].line, errors[0].column], [4, 14]);
});

test('a description with line feeds, tabs and accents is accepted as written', () => {
  const e = parseExperiment(`${head}description: "café\\tß\\nsecond line"\n`, 'exp.yaml', { cwd: process.cwd() });
  assert.equal(e.description, 'café\tß\nsecond line');
});

test('a note holding a control character (ESC, BEL, C1 CSI, NUL) is refused naming it; plain text passes', () => {
  for (const [text, shown] of [
    ['a\u001b[2Jb', '\\u001b'],
    ['bell\u0007', '\\u0007'],
    ['csi\u009b31m', '\\u009b'],
    ['nul\u0000', '\\u0000'],
  ] as const) {
    assert.throws(() => checkNote(text), (e: unknown) => e instanceof UserError && e.message === `note: the text contains the control character ${shown}`);
  }
  assert.equal(checkNote('recall 1.0\n\tbut the curve is still falling — ça baisse'), 'recall 1.0\n\tbut the curve is still falling — ça baisse');
});
