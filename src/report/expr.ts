/**
 * The --where language: a small, safe filter over typed run values (no eval). A hand-written tokenizer and
 * recursive-descent parser; identifiers are checked against the known columns before any row is read.
 *
 *   expr        := or
 *   or          := and (('or' | '||') and)*
 *   and         := unary (('and' | '&&') unary)*
 *   unary       := ('not' | '!') unary | '(' expr ')' | comparison
 *   comparison  := operand (cmp operand)+          chained: 0.01 <= learning_rate < 0.1
 *                | operand ['not'] 'in' list
 *                | operand 'has' literal             a list holds the value: tags has "baseline"
 *   cmp         := '<' | '<=' | '>' | '>=' | '==' | '!='
 *   operand     := identifier | literal
 *   literal     := number | string | list | 'true' | 'false' | 'null'
 *   list        := '[' [literal (',' literal)*] ']'
 *
 * Identifiers are parameter names (learning_rate, hidden_sizes), metric names (validation.recall,
 * train.loss) or run facts (status, run, index, sweep, experiment, tags, note). Strings take single or double quotes.
 * Numbers are compared after rounding to 12 significant digits (so 0.1 + 0.2 == 0.3). A comparison with an
 * undefined metric (n/a) or a parameter the run lacks is false; `x == null` and `x != null` test for them.
 */
import { UserError } from '../errors.js';
import type { ParamValue } from '../experiment/types.js';
import { compareValues, describeColumns, lookupColumn, suggestColumn, type ColumnDef, type ValueType } from './columns.js';
import { cleanNumber } from './format.js';
import type { Row } from './rows.js';

/** A problem in an expression: a UserError whose message shows the expression with a caret under `column`. */
export class ExpressionError extends UserError {
  /** 1-based position of the problem in the expression. */
  readonly column: number;
  constructor(option: string, text: string, message: string, start: number, length: number, hint?: string) {
    const caret = ' '.repeat(start) + '^'.repeat(Math.max(1, Math.min(length, Math.max(1, text.length - start))));
    super(`${option}: ${message} at column ${start + 1}\n  ${text}\n  ${caret}`, hint);
    this.name = 'ExpressionError';
    this.column = start + 1;
  }
}

type TokenKind = 'number' | 'string' | 'ident' | 'op' | '(' | ')' | '[' | ']' | ',' | 'and' | 'or' | 'not' | 'in' | 'has' | 'true' | 'false' | 'null' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  /** 0-based start and length in the expression. */
  pos: number;
  len: number;
  value?: number | string;
}

const KEYWORDS: Record<string, TokenKind> = { and: 'and', or: 'or', not: 'not', in: 'in', has: 'has', true: 'true', false: 'false', null: 'null' };

/** Split an expression into tokens. Throws: ExpressionError at the first character that starts no token. */
function tokenize(text: string, fail: (msg: string, pos: number, len: number, hint?: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const num = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
    if (num) {
      const after = rest.slice(num[0].length);
      if (/^[A-Za-z_.\d]/.test(after)) {
        const bad = /^[^\s()[\],<>=!&|]+/.exec(rest)![0];
        fail(`"${bad}" is not a number`, i, bad.length, 'write numbers as 0.05, 5e-2 or 100');
      }
      tokens.push({ kind: 'number', text: num[0], pos: i, len: num[0].length, value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (j >= text.length) fail('unterminated string', i, text.length - i, `close it with ${c}`);
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), pos: i, len: j + 1 - i, value });
      i = j + 1;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (ident) {
      const kw = KEYWORDS[ident[0].toLowerCase()];
      tokens.push({ kind: kw ?? 'ident', text: ident[0], pos: i, len: ident[0].length });
      i += ident[0].length;
      continue;
    }
    const op = /^(<=|>=|==|!=|&&|\|\||<|>|=|!)/.exec(rest);
    if (op) {
      const t = op[0];
      if (t === '=') fail('"=" is not an operator', i, 1, `compare with ==: ${text.slice(0, i).trimEnd()} == ${text.slice(i + 1).trimStart()}`);
      if (t === '&&') tokens.push({ kind: 'and', text: t, pos: i, len: 2 });
      else if (t === '||') tokens.push({ kind: 'or', text: t, pos: i, len: 2 });
      else if (t === '!') tokens.push({ kind: 'not', text: t, pos: i, len: 1 });
      else tokens.push({ kind: 'op', text: t, pos: i, len: t.length });
      i += t.length;
      continue;
    }
    if ('()[],'.includes(c)) {
      tokens.push({ kind: c as TokenKind, text: c, pos: i, len: 1 });
      i++;
      continue;
    }
    fail(`unexpected character "${c}"`, i, 1, 'operators: < <= > >= == != and or not in has; strings in quotes; lists like [15]');
  }
  tokens.push({ kind: 'eof', text: '', pos: text.length, len: 1 });
  return tokens;
}

type Operand = { type: 'ident'; name: string; pos: number; len: number; def?: ColumnDef } | { type: 'literal'; value: ParamValue; pos: number; len: number };

type Node =
  | { type: 'and' | 'or'; left: Node; right: Node }
  | { type: 'not'; expr: Node }
  | { type: 'cmp'; op: string; left: Operand; right: Operand; pos: number }
  | { type: 'in'; left: Operand; list: Operand & { type: 'literal' }; negated: boolean; pos: number }
  | { type: 'has'; left: Operand; item: Operand & { type: 'literal' }; pos: number };

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly fail: (msg: string, pos: number, len: number, hint?: string) => never,
  ) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private describe(t: Token): string {
    return t.kind === 'eof' ? 'the end of the expression' : `"${t.text}"`;
  }

  parse(): Node {
    if (this.peek().kind === 'eof') this.fail('empty expression', 0, 1, 'e.g. --where "learning_rate < 0.05 and validation.recall >= 0.98"');
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'eof') {
      this.fail(
        `unexpected ${this.describe(t)}`,
        t.pos,
        t.len,
        t.kind === 'ident' || t.kind === 'number' || t.kind === 'string' ? 'join conditions with and / or' : undefined,
      );
    }
    return node;
  }

  private or(): Node {
    let left = this.and();
    while (this.peek().kind === 'or') {
      this.next();
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.peek().kind === 'and') {
      this.next();
      left = { type: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    const t = this.peek();
    if (t.kind === 'not') {
      this.next();
      return { type: 'not', expr: this.unary() };
    }
    if (t.kind === '(') {
      this.next();
      const inner = this.or();
      const close = this.peek();
      if (close.kind !== ')') this.fail(`expected ")" but found ${this.describe(close)}`, close.pos, close.len, `the "(" at column ${t.pos + 1} is not closed`);
      this.next();
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Node {
    const left = this.operand();
    let t = this.peek();
    if (t.kind === 'in' || (t.kind === 'not' && this.tokens[this.i + 1]?.kind === 'in')) {
      const negated = t.kind === 'not';
      if (negated) this.next();
      const inTok = this.next();
      const list = this.operand();
      if (list.type !== 'literal' || !Array.isArray(list.value)) this.fail('"in" needs a list', list.pos, list.len, 'e.g. init in ["he_normal", "lecun_normal"]');
      return { type: 'in', left, list: list as Operand & { type: 'literal' }, negated, pos: inTok.pos };
    }
    if (t.kind === 'has') {
      const hasTok = this.next();
      const item = this.operand();
      if (item.type !== 'literal' || Array.isArray(item.value) || item.value === null) {
        this.fail('"has" needs a value', item.pos, item.len, 'e.g. tags has "baseline" or hidden_sizes has 15');
      }
      return { type: 'has', left, item: item as Operand & { type: 'literal' }, pos: hasTok.pos };
    }
    if (t.kind !== 'op') {
      this.fail(`expected a comparison operator after "${this.text(left)}" but found ${this.describe(t)}`, t.pos, t.len, 'operators: < <= > >= == != in has');
    }
    let node: Node | undefined;
    let prev = left;
    while (t.kind === 'op') {
      this.next();
      const right = this.operand();
      const cmp: Node = { type: 'cmp', op: t.text, left: prev, right, pos: t.pos };
      node = node ? { type: 'and', left: node, right: cmp } : cmp;
      prev = right;
      t = this.peek();
    }
    return node!;
  }

  private text(o: Operand): string {
    return o.type === 'ident' ? o.name : JSON.stringify(o.value);
  }

  private operand(): Operand {
    const t = this.peek();
    switch (t.kind) {
      case 'ident':
        this.next();
        return { type: 'ident', name: t.text, pos: t.pos, len: t.len };
      case 'number':
      case 'string':
        this.next();
        return { type: 'literal', value: t.value!, pos: t.pos, len: t.len };
      case 'true':
      case 'false':
        this.next();
        return { type: 'literal', value: t.kind === 'true', pos: t.pos, len: t.len };
      case 'null':
        this.next();
        return { type: 'literal', value: null, pos: t.pos, len: t.len };
      case '[':
        return this.list();
      default:
        return this.fail(`expected a column name or a value but found ${this.describe(t)}`, t.pos, t.len);
    }
  }

  private list(): Operand {
    const open = this.next();
    const items: ParamValue[] = [];
    if (this.peek().kind !== ']') {
      for (;;) {
        const item = this.operand();
        if (item.type !== 'literal') this.fail(`lists hold values, not column names ("${item.name}")`, item.pos, item.len, 'put strings in quotes: ["he_normal"]');
        items.push(item.value);
        const sep = this.peek();
        if (sep.kind === ',') {
          this.next();
          continue;
        }
        if (sep.kind === ']') break;
        this.fail(`expected "," or "]" in the list but found ${this.describe(sep)}`, sep.pos, sep.len, `the "[" at column ${open.pos + 1} is not closed`);
      }
    }
    const close = this.next();
    return { type: 'literal', value: items, pos: open.pos, len: close.pos + 1 - open.pos };
  }
}

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
 * Compile a --where expression against the known columns into a row predicate.
 * Throws: ExpressionError (a UserError) for a syntax error, an unknown column (with a did-you-mean) or
 * mismatched types, naming the 1-based column of the problem and showing it under the expression.
 */
export function compileWhere(text: string, defs: ColumnDef[], option = '--where'): (row: Row) => boolean {
  const fail = (msg: string, pos: number, len: number, hint?: string): never => {
    throw new ExpressionError(option, text, msg, pos, len, hint);
  };
  const ast = new Parser(tokenize(text, fail), fail).parse();
  check(ast, defs, fail);
  return (row) => evaluate(ast, row);
}
