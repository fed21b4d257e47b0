import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWhere, ExpressionError } from '../../src/report/where.js';
import { knownColumns } from '../../src/report/columns.js';
import { row } from './report-fixtures.js';

const rows = [
  row(1, { learning_rate: 0.01, hidden_sizes: [15], init: 'lecun_normal', seed: 1 }, { 'validation.recall': 0.99, 'validation.precision': 0.9, 'train.loss': 0.2 }),
  row(2, { learning_rate: 0.07, hidden_sizes: [15], init: 'he_normal', seed: 1 }, { 'validation.recall': 0.97, 'validation.precision': null, 'train.loss': 0.1 }),
  row(3, { learning_rate: 0.03, hidden_sizes: [8, 4], init: 'he_normal', seed: 2 }, { 'validation.recall': 0.985, 'validation.precision': 0.95, 'train.loss': 0.1 + 0.2 }),
  row(4, { learning_rate: 0.5, hidden_sizes: [5], init: 'zeros', seed: 2 }, {}, { status: 'diverged' }),
];
const defs = knownColumns(rows);

function matching(expr: string): number[] {
  const test = compileWhere(expr, defs);
  return rows.filter(test).map((r) => r.index);
}

function error(expr: string): ExpressionError {
  try {
    compileWhere(expr, defs);
  } catch (e) {
    assert.ok(e instanceof ExpressionError, `expected an ExpressionError, got ${e}`);
    return e;
  }
  assert.fail(`"${expr}" compiled`);
}

test('comparisons over numbers, strings and lists, with and/or/not and parentheses', () => {
  assert.deepEqual(matching('learning_rate < 0.05 and validation.recall >= 0.98'), [1, 3]);
  assert.deepEqual(matching('learning_rate < 0.05 && validation.recall >= 0.98'), [1, 3]);
  assert.deepEqual(matching('init == "he_normal"'), [2, 3]);
  assert.deepEqual(matching("init != 'he_normal'"), [1, 4]);
  assert.deepEqual(matching('hidden_sizes == [15]'), [1, 2]);
  assert.deepEqual(matching('hidden_sizes == [8, 4] or seed == 1'), [1, 2, 3]);
  assert.deepEqual(matching('not (seed == 1)'), [3, 4]);
  assert.deepEqual(matching('!(seed == 1) and init in ["zeros", "he_normal"]'), [3, 4]);
  assert.deepEqual(matching('init not in ["zeros", "he_normal"]'), [1]);
  assert.deepEqual(matching('hidden_sizes in [[5], [8, 4]]'), [3, 4]);
  assert.deepEqual(matching('0.01 < learning_rate <= 0.07'), [2, 3]);
  assert.deepEqual(matching('status == "diverged"'), [4]);
  assert.deepEqual(matching('index >= 3'), [3, 4]);
  // Lists order element by element: [5] < [8, 4] < [15].
  assert.deepEqual(matching('hidden_sizes < [15]'), [3, 4]);
  // "and" binds tighter than "or".
  assert.deepEqual(matching('seed == 2 or seed == 1 and init == "he_normal"'), [2, 3, 4]);
  // Keywords are case-insensitive; 1e-2 is a number.
  assert.deepEqual(matching('learning_rate == 1e-2 OR learning_rate == .5'), [1, 4]);
  // Aliases of metric names.
  assert.deepEqual(matching('val.recall > 0.98'), [1, 3]);
});

test('numbers compare after rounding to 12 significant digits, so 0.1 + 0.2 == 0.3', () => {
  assert.equal(rows[2].metrics['train.loss'], 0.30000000000000004);
  assert.deepEqual(matching('train.loss == 0.3'), [3]);
  assert.deepEqual(matching('train.loss <= 0.3 and train.loss >= 0.3'), [3]);
});

test('n/a and missing values: every comparison is false except == null and != null', () => {
  // Row 2 has precision n/a; row 4 (diverged) has no metrics at all.
  assert.deepEqual(matching('validation.precision < 2'), [1, 3]);
  assert.deepEqual(matching('validation.precision >= 0'), [1, 3]);
  assert.deepEqual(matching('validation.precision != 0.9'), [3]);
  assert.deepEqual(matching('validation.precision == null'), [2, 4]);
  assert.deepEqual(matching('validation.precision != null'), [1, 3]);
  assert.deepEqual(matching('not (validation.precision < 2)'), [2, 4]);
});

test('an unknown column is named with its 1-based position, a caret and a did-you-mean', () => {
  const e = error('learning_rate < 0.05 and validaton.recall >= 0.98');
  assert.equal(e.column, 26);
  assert.match(e.message, /^--where: unknown column "validaton\.recall" at column 26\n/);
  const [, shown, caret] = e.message.split('\n');
  assert.equal(shown, '  learning_rate < 0.05 and validaton.recall >= 0.98');
  assert.equal(caret, '  ' + ' '.repeat(25) + '^'.repeat('validaton.recall'.length));
  assert.match(e.hint!, /^did you mean validation\.recall\?/);
  assert.match(e.hint!, /parameters: learning_rate, iterations|parameters: learning_rate, hidden_sizes/);

  const bare = error('recall >= 0.9');
  assert.equal(bare.column, 1);
  assert.match(bare.hint!, /did you mean validation\.recall\?/);

  const typo = error('learnig_rate < 1');
  assert.match(typo.hint!, /did you mean learning_rate\?/);
});

test('type errors, syntax errors and typos get a clear message at the right column', () => {
  const list = error('hidden_sizes == 15');
  assert.equal(list.column, 17);
  assert.match(list.message, /hidden_sizes is a list, but 15 is a number at column 17/);
  assert.match(list.hint!, /hidden_sizes == \[15\]/);

  const quotes = error('init == he_normal');
  assert.equal(quotes.column, 9);
  assert.match(quotes.hint!, /strings need quotes: init == "he_normal"/);

  const single = error('learning_rate = 0.1');
  assert.equal(single.column, 15);
  assert.match(single.message, /"=" is not an operator/);
  assert.match(single.hint!, /learning_rate == 0\.1/);

  const open = error('(seed == 1 or seed == 2');
  assert.match(open.message, /expected "\)" but found the end of the expression at column 24/);
  assert.match(open.hint!, /"\(" at column 1 is not closed/);

  assert.match(error('seed ==').message, /expected a column name or a value but found the end of the expression at column 8/);
  assert.match(error('seed 1').message, /expected a comparison operator after "seed" but found "1" at column 6/);
  assert.match(error('seed == 1 seed == 2').message, /unexpected "seed" at column 11/);
  assert.match(error('seed == 1 # x').message, /unexpected character "#" at column 11/);
  assert.match(error('init == "he').message, /unterminated string at column 9/);
  assert.match(error('seed == 1x').message, /"1x" is not a number at column 9/);
  assert.match(error('status == "finished"').message, /status "finished" does not exist/);
  assert.match(error('seed < null').message, /null can only be compared with == or !=/);
  assert.match(error('').message, /empty expression/);
  assert.match(error('init in "zeros"').message, /"in" needs a list at column 9/);
  assert.match(error('learning_rate < "fast"').message, /learning_rate is a number, but "fast" is a string at column 17/);
});

test('"a = = 1" suggests "a == 1"; a number beyond the float64 range is refused at its column, not read as Infinity', () => {
  const spaced = error('learning_rate = = 1');
  assert.equal(spaced.column, 15);
  assert.equal(spaced.hint, 'compare with ==: learning_rate == 1');
  // 1e999 and -1e999 exceed the largest float64 (about 1.8e308); 1e300 does not.
  const big = error('learning_rate > 1e999');
  assert.equal(big.column, 17);
  assert.match(big.message, /^--where: 1e999 is out of the float64 range/);
  assert.equal(error('seed == 1 and learning_rate > -1e999').column, 31);
  assert.deepEqual(matching('learning_rate < 1e300'), [1, 2, 3, 4]);
});
