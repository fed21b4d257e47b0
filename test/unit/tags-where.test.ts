import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWhere, ExpressionError } from '../../src/report/where.js';
import { knownColumns } from '../../src/report/columns.js';
import { row } from './report-fixtures.js';

const rows = [
  row(1, { hidden_sizes: [15], seed: 1 }, {}, { tags: ['baseline', 'wisconsin'] }),
  row(2, { hidden_sizes: [8, 4], seed: 1 }, {}, { tags: ['wisconsin'], userNote: 'odd curve' }),
  row(3, { hidden_sizes: [4], seed: 2 }, {}, {}),
];
const defs = knownColumns(rows);
const matching = (expr: string) => rows.filter(compileWhere(expr, defs)).map((r) => r.index);

test('--where: "has" tests list membership (tags and list parameters); tags and note are run facts', () => {
  assert.deepEqual(matching('tags has "baseline"'), [1]);
  assert.deepEqual(matching("tags has 'wisconsin'"), [1, 2]);
  assert.deepEqual(matching('not tags has "baseline"'), [2, 3]);
  assert.deepEqual(matching('tags has "baseline" or tags == []'), [1, 3]);
  assert.deepEqual(matching('hidden_sizes has 4'), [2, 3]);
  assert.deepEqual(matching('hidden_sizes has 15 and seed == 1'), [1]);
  assert.deepEqual(matching('note != null'), [2]);
  assert.deepEqual(matching('note == "odd curve"'), [2]);
});

test('--where: "has" on a value that is not a list, or without a value, is refused at its column', () => {
  const err = (expr: string) => {
    try {
      compileWhere(expr, defs);
    } catch (e) {
      assert.ok(e instanceof ExpressionError);
      return e;
    }
    assert.fail(`${expr} compiled`);
  };
  const a = err('seed has 1');
  assert.match(a.message, /"has" looks inside a list, but seed is a number at column 1/);
  assert.match(a.hint ?? '', /seed == 1/);
  const b = err('tags has ["a"]');
  assert.match(b.message, /"has" needs a value at column 10/);
  assert.match(err('tags hass "a"').message, /unexpected "hass"|expected a comparison operator/);
});
