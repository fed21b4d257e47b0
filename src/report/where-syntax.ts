/**
 * The --where language's syntax (see where.ts for its meaning): a hand-written tokenizer and
 * recursive-descent parser producing the tree that where.ts checks and evaluates (no eval).
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
 */
import { UserError } from '../errors.js';
import { OUT_OF_RANGE } from '../datasets/columns.js';
import type { ParamValue } from '../experiment/types.js';
import type { ColumnDef } from './columns.js';

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
export function tokenize(text: string, fail: (msg: string, pos: number, len: number, hint?: string) => never): Token[] {
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
      // 1e999 would compare as Infinity: refused, as the CSV loader refuses such a cell.
      if (!Number.isFinite(Number(num[0]))) fail(`${num[0]} is ${OUT_OF_RANGE}`, i, num[0].length, 'write a finite number, e.g. 1e300');
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
      // `a = = 1` meant `a == 1`: the suggestion drops every = and space after the first =.
      if (t === '=') fail('"=" is not an operator', i, 1, `compare with ==: ${text.slice(0, i).trimEnd()} == ${text.slice(i + 1).replace(/^[=\s]+/, '')}`);
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

/** An operand: a column name (resolved by where.ts) or a literal value. */
export type Operand = { type: 'ident'; name: string; pos: number; len: number; def?: ColumnDef } | { type: 'literal'; value: ParamValue; pos: number; len: number };

/** A node of the expression tree. */
export type Node =
  | { type: 'and' | 'or'; left: Node; right: Node }
  | { type: 'not'; expr: Node }
  | { type: 'cmp'; op: string; left: Operand; right: Operand; pos: number }
  | { type: 'in'; left: Operand; list: Operand & { type: 'literal' }; negated: boolean; pos: number }
  | { type: 'has'; left: Operand; item: Operand & { type: 'literal' }; pos: number };

/** The recursive-descent parser of the grammar above. Throws (through `fail`) at the first syntax error. */
export class Parser {
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
