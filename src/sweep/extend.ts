/**
 * Whether a changed experiment widens the grid of a sweep (`dlsweep run FILE --extend SWEEP`): each
 * parameter keeps every value it had and may gain more (a fixed value may become an axis that keeps it),
 * nothing else that decides a run changes. Pure.
 */
import { canonicalJson } from '../canonical-json.js';
import type { Experiment, ParamValue } from '../experiment/types.js';
import { describeChanges, experimentChanges } from '../store/changes.js';
import { gridSize } from './grid.js';

/** What an extension adds: the values each parameter gains (as written in the file) and the new grid points. */
export interface Widening {
  /** Parameter -> the values it gains, spelled as in the file; only parameters that gain some. */
  added: Record<string, string[]>;
  /** Points of the new grid that the old one lacks. */
  points: number;
}

/** Keys of the file an extension may change: the grid and fixed values (checked value by value) and the labels. */
const FREE_KEYS = ['grid', 'fixed', 'description', 'tags'];

/** A parameter's values in a grid: its axis values, or its fixed value; with their spelling. */
function valuesOf(exp: Experiment, name: string): { values: ParamValue[]; spellings: string[]; fixed: boolean } {
  const axis = exp.axes.find((a) => a.name === name);
  if (axis) return { values: axis.values, spellings: axis.spellings, fixed: false };
  if (!Object.prototype.hasOwnProperty.call(exp.fixed, name)) return { values: [], spellings: [], fixed: true };
  const v = exp.fixed[name];
  return { values: [v], spellings: [exp.fixedSpellings[name] ?? JSON.stringify(v)], fixed: true };
}

/**
 * Compare the experiment a sweep last ran (`before`, with its file's text) with the one given to extend it.
 * Returns the widening, or the changes that are not widenings, each named (a removed value, a changed fixed
 * value, a different dataset or any other key, a search instead of a grid). Throws: nothing.
 */
export function wideningOf(before: Experiment, after: Experiment): { widening: Widening; refusals: string[] } {
  const refusals: string[] = [];
  if (after.search) refusals.push(`the file now has a search: block (method ${after.search.settings.method}) instead of a grid`);
  for (const c of experimentChanges(before.text, after.text)) {
    const top = c.key.split('.')[0];
    if (FREE_KEYS.includes(top)) continue;
    if (top === 'search') continue; // said above
    const [shown] = describeChanges([c]);
    refusals.push(top === 'dataset' ? `the dataset changed (${shown})` : top === 'record' ? `what is recorded changed (${shown})` : `${shown}`);
  }
  const names = new Set([...before.axes.map((a) => a.name), ...Object.keys(before.fixed), ...after.axes.map((a) => a.name), ...Object.keys(after.fixed)]);
  const added: Record<string, string[]> = {};
  for (const name of names) {
    const b = valuesOf(before, name);
    const a = valuesOf(after, name);
    const have = new Set(a.values.map((v) => canonicalJson(v)));
    const had = new Set(b.values.map((v) => canonicalJson(v)));
    const gone = b.values.map((v, i) => ({ v, s: b.spellings[i] })).filter((x) => !have.has(canonicalJson(x.v)));
    if (gone.length) {
      if (b.fixed && a.fixed) refusals.push(`fixed ${name} changed: ${b.spellings[0] ?? '(default)'} -> ${a.spellings[0] ?? '(default)'}`);
      else refusals.push(`${name}: ${gone.length === 1 ? 'value' : 'values'} ${gone.map((x) => x.s).join(', ')} removed`);
      continue;
    }
    const gained = a.values.map((v, i) => ({ v, s: a.spellings[i] })).filter((x) => !had.has(canonicalJson(x.v)));
    if (gained.length) added[name] = gained.map((x) => x.s);
  }
  return { widening: { added, points: refusals.length ? 0 : gridSize(after) - gridSize(before) }, refusals };
}

/** "learning_rate +0.3, +1; hidden_sizes +[30]": what an extension adds, for messages. */
export function describeWidening(added: Record<string, string[]>): string {
  return Object.entries(added)
    .map(([name, values]) => `${name} ${values.map((v) => `+${v}`).join(', ')}`)
    .join('; ');
}
