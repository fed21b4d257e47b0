/**
 * What changed between the experiment a sweep was started with (the copy in its folder) and the one given
 * now: the keys whose values differ, for the message that refuses a resume. Pure.
 */
import { parse } from 'yaml';
import { isObject } from '../guards.js';

/** One changed key: its dotted path (grid.learning_rate, fixed.hidden_sizes) and the values before and after. */
export interface KeyChange {
  key: string;
  before?: unknown;
  after?: unknown;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function walk(before: unknown, after: unknown, path: string, out: KeyChange[]): void {
  if (equal(before, after)) return;
  if (isObject(before) && isObject(after)) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) walk(before[k], after[k], path ? `${path}.${k}` : k, out);
    return;
  }
  out.push({ key: path || '(the whole file)', before, after });
}

/**
 * The keys whose values differ between two experiment files' texts (YAML), in document order; empty when
 * they describe the same experiment (comments, spacing and key order aside). A text that does not parse
 * counts as a change of the whole file.
 */
export function experimentChanges(beforeText: string, afterText: string): KeyChange[] {
  let before: unknown;
  let after: unknown;
  try {
    before = parse(beforeText);
    after = parse(afterText);
  } catch {
    return beforeText === afterText ? [] : [{ key: '(the whole file)' }];
  }
  const out: KeyChange[] = [];
  walk(before, after, '', out);
  return out;
}

/** A value in a message: compact JSON, cut to 40 characters; `(absent)` for a key that is not there. */
function shown(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
}

/** "grid.iterations: [10,20] -> [10,30]" for each change. */
export function describeChanges(changes: readonly KeyChange[]): string[] {
  return changes.map((c) => (c.before === undefined && c.after === undefined ? c.key : `${c.key}: ${shown(c.before)} -> ${shown(c.after)}`));
}
