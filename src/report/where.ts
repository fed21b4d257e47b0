/**
 * The --where language: a small, safe filter over typed run values (no eval). Its syntax (tokenizer,
 * parser, grammar) is in where-syntax.ts; this file checks the identifiers against the known columns
 * before any row is read, and evaluates.
 *
 * Identifiers are parameter names (learning_rate, hidden_sizes), metric names (validation.recall,
 * train.loss) or run facts (status, run, index, sweep, experiment, tags, note). Strings take single or double quotes.
 * Numbers are compared after rounding to 12 significant digits (so 0.1 + 0.2 == 0.3). A comparison with an
 * undefined metric (n/a) or a parameter the run lacks is false; `x == null` and `x != null` test for them. A
 * run fact no run compared has (`trial` in a grid) is refused, as --sort refuses it (checkHeld).
 */
import type { ParamValue } from '../experiment/types.js';
import { absentColumn, compareValues, describeColumns, heldBy, heldByNone, lookupColumn, suggestColumn, type ColumnDef, type ValueType } from './columns.js';
import { cleanNumber } from './format.js';
import type { Row } from './rows.js';
import { ExpressionError, Parser, tokenize, type Node, type Operand } from './where-syntax.js';

export { ExpressionError } from './where-syntax.js';

function literalType(v: ParamValue): ValueType {
  if (v === null) return 'none';
  if (Array.isArray(v)) return 'list';
  const t = typeof v;
  return t === 'number' || t === 'string' || t === 'boolean' ? t : 'object';
}

const TYPE_WORDS: Record<ValueType, string> = {
  number: 'a number',
  string: 'a string',
  list: 'a list',
  boolean: 'true or false',
  object: 'an object',
  mixed: 'values of several types',
  none: 'no values',
};

const STATUSES = ['done', 'diverged', 'failed', 'interrupted', 'damaged', 'pending'];

/** Known columns resolved and operand types checked, so that a bad filter fails before any row is read. */
function check(node: Node, defs: ColumnDef[], fail: (msg: string, pos: number, len: number, hint?: string) => never): void {
  const typeOfOperand = (o: Operand, other: Operand | undefined): ValueType => {
    if (o.type === 'literal') return literalType(o.value);
    const def = lookupColumn(o.name, defs);
    if (!def) {
      const guess = suggestColumn(o.name, defs);
      const otherDef = other?.type === 'ident' ? lookupColumn(other.name, defs) : undefined;
      const hint =
        otherDef && otherDef.type === 'string' && !guess
          ? `strings need quotes: ${otherDef.key} == "${o.name}"`
          : `${guess ? `did you mean ${guess}?\n` : ''}${describeColumns(defs)}`;
      return fail(`unknown column "${o.name}"`, o.pos, o.len, hint);
    }
    if (def.absent) {
      const error = absentColumn(def, '--where', defs);
      return fail(`${def.key}: ${def.absent}`, o.pos, o.len, error.hint);
    }
    o.def = def;
    return def.type;
  };
  const example = (def: ColumnDef): string => {
    const sample = def.type === 'list' ? '[15]' : def.type === 'string' ? '"he_normal"' : def.type === 'boolean' ? 'true' : '0.5';
    return `${def.key} == ${sample}`;
  };
  const compatible = (a: ValueType, b: ValueType) => a === b || a === 'none' || b === 'none' || a === 'mixed' || b === 'mixed';
  const mismatch = (col: Operand, colType: ValueType, lit: Operand, litType: ValueType) => {
    const def = col.type === 'ident' ? col.def! : undefined;
    fail(
      `${def ? def.key : 'this value'} is ${TYPE_WORDS[colType]}, but ${lit.type === 'ident' ? lit.name : JSON.stringify(lit.value)} is ${TYPE_WORDS[litType]}`,
      lit.pos,
      lit.len,
      def ? `e.g. ${example(def)}${def.type === 'string' ? ' (strings in quotes)' : ''}` : undefined,
    );
  };
  const checkStatus = (col: Operand, lit: Operand) => {
    if (col.type === 'ident' && col.def?.key === 'status' && lit.type === 'literal' && typeof lit.value === 'string' && !STATUSES.includes(lit.value)) {
      fail(`status "${lit.value}" does not exist`, lit.pos, lit.len, `statuses: ${STATUSES.join(', ')}`);
    }
  };
  switch (node.type) {
    case 'and':
    case 'or':
      check(node.left, defs, fail);
      check(node.right, defs, fail);
      return;
    case 'not':
      check(node.expr, defs, fail);
      return;
    case 'cmp': {
      const lt = typeOfOperand(node.left, node.right);
      const rt = typeOfOperand(node.right, node.left);
      const ordering = node.op !== '==' && node.op !== '!=';
      for (const [o, t] of [
        [node.left, lt],
        [node.right, rt],
      ] as const) {
        if (ordering && o.type === 'literal' && (o.value === null || typeof o.value === 'boolean')) {
          fail(`${JSON.stringify(o.value)} can only be compared with == or !=`, o.pos, o.len);
        }
        if (ordering && t === 'object') fail(`${o.type === 'ident' ? o.name : 'this value'} cannot be ordered`, o.pos, o.len);
      }
      if (!compatible(lt, rt)) {
        if (node.right.type === 'literal' || node.left.type !== 'literal') mismatch(node.left, lt, node.right, rt);
        else mismatch(node.right, rt, node.left, lt);
      }
      checkStatus(node.left, node.right);
      checkStatus(node.right, node.left);
      return;
    }
    case 'in': {
      const lt = typeOfOperand(node.left, undefined);
      for (const item of node.list.value as ParamValue[]) {
        const it = literalType(item);
        if (!compatible(lt, it)) mismatch(node.left, lt, { type: 'literal', value: item, pos: node.list.pos, len: node.list.len }, it);
      }
      return;
    }
    case 'has': {
      const lt = typeOfOperand(node.left, undefined);
      if (lt !== 'list' && lt !== 'mixed' && lt !== 'none') {
        const name = node.left.type === 'ident' ? node.left.def!.key : JSON.stringify(node.left.value);
        fail(`"has" looks inside a list, but ${name} is ${TYPE_WORDS[lt]}`, node.left.pos, node.left.len, `compare it with ==, e.g. ${name} == ${JSON.stringify(node.item.value)}`);
      }
      return;
    }
  }
}

function norm(v: ParamValue): ParamValue {
  if (typeof v === 'number') return cleanNumber(v);
  if (Array.isArray(v)) return v.map(norm);
  return v;
}

function isNullLiteral(o: Operand): boolean {
  return o.type === 'literal' && o.value === null;
}

function valueOf(o: Operand, row: Row): ParamValue | undefined {
  return o.type === 'literal' ? o.value : o.def!.get(row);
}

function evaluate(node: Node, row: Row): boolean {
  switch (node.type) {
    case 'and':
      return evaluate(node.left, row) && evaluate(node.right, row);
    case 'or':
      return evaluate(node.left, row) || evaluate(node.right, row);
    case 'not':
      return !evaluate(node.expr, row);
    case 'has': {
      const v = valueOf(node.left, row);
      if (!Array.isArray(v)) return false;
      const item = node.item.value;
      return v.some((x) => x !== null && literalType(x) === literalType(item) && compareValues(norm(x), norm(item)) === 0);
    }
    case 'in': {
      const v = valueOf(node.left, row);
      if (v === undefined || v === null) return false;
      const hit = (node.list.value as ParamValue[]).some((item) => item !== null && literalType(item) === literalType(v) && compareValues(norm(v), norm(item)) === 0);
      return node.negated ? !hit : hit;
    }
    case 'cmp': {
      const a = valueOf(node.left, row);
      const b = valueOf(node.right, row);
      const missingA = a === undefined || a === null;
      const missingB = b === undefined || b === null;
      if (missingA || missingB) {
        // Only == null / != null see missing values; any other comparison with n/a is false.
        if (node.op === '==') return missingA && missingB;
        if (node.op === '!=') return missingA !== missingB && (isNullLiteral(node.left) || isNullLiteral(node.right));
        return false;
      }
      if (literalType(a) !== literalType(b)) return node.op === '!=';
      const c = compareValues(norm(a), norm(b));
      switch (node.op) {
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
        case '==':
          return c === 0;
        default:
          return c !== 0;
      }
    }
  }
}

/**
 * Refuse a run fact that none of `rows` has (`trial` in a grid), as --sort does (checkSortKeys): compared with
 * anything but null it is false for every run, and the empty result would look like an answer. `x == null`
 * and `x != null` ask whether runs have it, so they stay allowed.
 */
function checkHeld(node: Node, rows: readonly Row[], fail: (msg: string, pos: number, len: number, hint?: string) => never): void {
  if (node.type === 'and' || node.type === 'or') {
    checkHeld(node.left, rows, fail);
    checkHeld(node.right, rows, fail);
    return;
  }
  if (node.type === 'not') return checkHeld(node.expr, rows, fail);
  if (node.type === 'cmp' && (node.op === '==' || node.op === '!=') && (isNullLiteral(node.left) || isNullLiteral(node.right))) return;
  const operands = node.type === 'cmp' ? [node.left, node.right] : [node.left];
  for (const o of operands) {
    if (o.type !== 'ident' || !o.def || !heldByNone(o.def, rows)) continue;
    const held = heldBy(o.def.key);
    fail(`no run compared has a ${o.def.key}, so this keeps no run`, o.pos, o.len, `${held ? `${o.def.key} is set for ${held}; ` : ''}filter on another column`);
  }
}

/**
 * Compile a --where expression against the known columns into a row predicate. With `rows`, the runs it
 * will filter, a run fact none of them has is refused too (checkHeld).
 * Throws: ExpressionError (a UserError) for a syntax error, an unknown column (with a did-you-mean),
 * mismatched types or a run fact no run has, naming the 1-based column of the problem and showing it under
 * the expression.
 */
export function compileWhere(text: string, defs: ColumnDef[], option = '--where', rows?: readonly Row[]): (row: Row) => boolean {
  const fail = (msg: string, pos: number, len: number, hint?: string): never => {
    throw new ExpressionError(option, text, msg, pos, len, hint);
  };
  const ast = new Parser(tokenize(text, fail), fail).parse();
  check(ast, defs, fail);
  if (rows) checkHeld(ast, rows, fail);
  return (row) => evaluate(ast, row);
}
