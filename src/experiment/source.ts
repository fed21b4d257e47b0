/**
 * The parsed YAML source of an experiment file: node lookup by path, positions, spellings,
 * and diagnostics pointing into the text.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { Diagnostic } from '../errors.js';
import { clip } from '../text.js';

/** A path inside the document: keys (strings) and list indices (numbers). */
export type Segments = (string | number)[];

/** `grid.learning_rate[1]` from ['grid', 'learning_rate', 1]; a key longer than 60 characters is cut (clip). */
export function formatPath(segs: Segments): string {
  let out = '';
  for (const key of segs) {
    const s = typeof key === 'string' ? clip(key) : key;
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

const MAX_FOUND = 60;

export class Source {
  readonly lines: string[];
  constructor(
    readonly text: string,
    readonly file: string,
    readonly doc: Document,
    readonly lineCounter: LineCounter,
  ) {
    // A byte-order mark is not part of line 1's text: it would shift every column of line 1 by one.
    this.bom = text.startsWith('\uFEFF') ? 1 : 0;
    this.lines = text.slice(this.bom).split(/\r?\n/);
  }

  /** 1 when the text starts with a byte-order mark (U+FEFF), else 0. */
  private readonly bom: number;

  private deref(n: unknown): unknown {
    return isAlias(n) ? n.resolve(this.doc) : n;
  }

  /** The node at a path, or undefined when it does not exist. A key with no value gives its (null) value node. */
  nodeAt(segs: Segments): Node | undefined {
    let cur: unknown = this.deref(this.doc.contents);
    for (const s of segs) {
      if (isMap(cur)) {
        const pair = cur.items.find((p) => keyText(p.key) === String(s));
        if (!pair) return undefined;
        cur = this.deref(pair.value ?? pair.key);
      } else if (isSeq(cur)) {
        cur = this.deref(cur.items[Number(s)]);
      } else {
        return undefined;
      }
      if (cur === undefined || cur === null) return undefined;
    }
    return (cur ?? undefined) as Node | undefined;
  }

  /** The key node of the last segment (a mapping key), or undefined. */
  keyNodeAt(segs: Segments): Node | undefined {
    if (segs.length === 0) return undefined;
    const parent = this.nodeAt(segs.slice(0, -1));
    if (!isMap(parent)) return undefined;
    const last = String(segs[segs.length - 1]);
    const pair = parent.items.find((p) => keyText(p.key) === last);
    return pair && isPair(pair) ? ((pair.key as Node | null) ?? undefined) : undefined;
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    const p = this.lineCounter.linePos(offset);
    return { line: p.line, column: p.line === 1 ? Math.max(1, p.col - this.bom) : p.col };
  }

  /**
   * The user's spelling of a value node: the source text of scalars (`1e-3`), string values unquoted,
   * and a compact flow form for collections (`[32, 16]`).
   */
  spelling(node: unknown): string {
    const n = this.deref(node);
    if (isScalar(n)) {
      if (typeof n.value === 'string') return n.value;
      if (n.range) {
        const src = this.text.slice(n.range[0], n.range[1]).trim();
        if (src !== '') return src;
      }
      return n.value === null ? 'null' : String(n.value);
    }
    if (isSeq(n)) return `[${n.items.map((i) => this.spelling(i)).join(', ')}]`;
    if (isMap(n)) {
      return `{${n.items.map((p) => `${this.spelling(p.key)}: ${p.value == null ? '' : this.spelling(p.value)}`.trimEnd()).join(', ')}}`;
    }
    return '';
  }

  /** A value as written, for `found:` lines: scalars as in the source (quotes kept), collections compacted. */
  found(node: unknown): string {
    const n = this.deref(node);
    let s: string;
    if (isScalar(n)) {
      s = n.range ? this.text.slice(n.range[0], n.range[1]).trim() : String(n.value);
      if (s === '' && n.value === null) return 'nothing (an empty value)';
      s = s.replace(/\s*\n\s*/g, ' ');
    } else {
      s = this.spelling(n);
    }
    return clip(s, MAX_FOUND);
  }

  /** Position fields of a diagnostic pointing at a node (its first character; length for a single-line span). */
  at(node: Node | undefined | null): Pick<Diagnostic, 'line' | 'column' | 'sourceLine' | 'length'> {
    if (!node || !node.range) return {};
    return this.atOffset(node.range[0], node.range[1]);
  }

  atOffset(start: number, end?: number): Pick<Diagnostic, 'line' | 'column' | 'sourceLine' | 'length'> {
    const { line, column } = this.position(start);
    const sourceLine = this.lines[line - 1];
    let length: number | undefined;
    if (end !== undefined && end > start) {
      const span = this.text.slice(start, end);
      if (!span.includes('\n')) length = span.length;
      else length = Math.max(1, (sourceLine ?? '').length - (column - 1));
    }
    return { line, column, sourceLine, ...(length !== undefined ? { length } : {}) };
  }
}
