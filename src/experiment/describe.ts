/** Plain-English descriptions of JSON Schema fragments and values, and "did you mean" suggestions. */
import { distance } from 'fastest-levenshtein';
import { isObject } from '../guards.js';

type Schema = Record<string, unknown>;

const isSchema = (x: unknown): x is Schema => isObject(x);

/** A literal for messages: strings bare, everything else as JSON. */
export function literal(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function fmtNumber(n: unknown): string {
  return typeof n === 'number' ? String(n) : literal(n);
}

/** " ≥ 1", " in [0, 1]", " > 0 and < 1"; "" without bounds. */
export function boundsText(s: Schema): string {
  const min = s.minimum as number | undefined;
  const max = s.maximum as number | undefined;
  const xmin = s.exclusiveMinimum as number | undefined;
  const xmax = s.exclusiveMaximum as number | undefined;
  if (min !== undefined && max !== undefined) return ` in [${fmtNumber(min)}, ${fmtNumber(max)}]`;
  if (xmin !== undefined && xmax !== undefined) return ` strictly between ${fmtNumber(xmin)} and ${fmtNumber(xmax)}`;
  const lo = min !== undefined ? `≥ ${fmtNumber(min)}` : xmin !== undefined ? `> ${fmtNumber(xmin)}` : undefined;
  const hi = max !== undefined ? `≤ ${fmtNumber(max)}` : xmax !== undefined ? `< ${fmtNumber(xmax)}` : undefined;
  return [lo, hi].filter((x) => x !== undefined).length ? ` ${[lo, hi].filter((x) => x !== undefined).join(' and ')}` : '';
}

const NOUNS: Record<string, [string, string]> = {
  number: ['a number', 'numbers'],
  integer: ['an integer', 'integers'],
  string: ['a string', 'strings'],
  boolean: ['true or false', 'true/false values'],
  array: ['a list', 'lists'],
  object: ['a mapping', 'mappings'],
  null: ['empty', 'empty values'],
};

function typesOf(s: Schema): string[] {
  return Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
}

/** The type part only: "a number", "a string or an integer", "a list". */
export function typeNoun(s: Schema, plural = false): string {
  const types = typesOf(s);
  if (types.length === 0) {
    if (Array.isArray(s.anyOf)) return joinOr(unique((s.anyOf as Schema[]).map((b) => typeNoun(b, plural))));
    if (Array.isArray(s.enum)) return joinOr(unique((s.enum as unknown[]).map((v) => kindOf(v))));
    return plural ? 'values' : 'a value';
  }
  return joinOr(types.map((t) => (NOUNS[t] ?? [t, t])[plural ? 1 : 0]));
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function joinOr(xs: string[]): string {
  if (xs.length <= 1) return xs[0] ?? '';
  return `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}

/** A full description: "a number > 0", "one of: a, b", "a non-empty list of lists of integers ≥ 1". */
export function describe(s: unknown, plural = false): string {
  if (!isSchema(s)) return plural ? 'values' : 'a value';
  if ('const' in s) return `\`${literal(s.const)}\``;
  if (Array.isArray(s.enum)) return `${plural ? 'values among' : 'one of'}: ${(s.enum as unknown[]).map(literal).join(', ')}`;
  if (Array.isArray(s.anyOf)) {
    return (s.anyOf as Schema[]).map((b) => (typeof b.title === 'string' ? b.title : describe(b, plural))).join('; or ');
  }
  const types = typesOf(s);
  if (types.length === 0) return plural ? 'values' : 'a value';
  const parts = types.map((t) => {
    const [one, many] = NOUNS[t] ?? [t, t];
    const noun = plural ? many : one;
    if (t === 'number' || t === 'integer') return `${noun}${boundsText(s)}`;
    if (t === 'string') {
      const min = s.minLength as number | undefined;
      const max = s.maxLength as number | undefined;
      if (max !== undefined) return `${noun} of ${min ?? 0}-${max} characters`;
      if (min === 1) return plural ? 'non-empty strings' : 'a non-empty string';
      return noun;
    }
    if (t === 'array') {
      const min = s.minItems as number | undefined;
      const max = s.maxItems as number | undefined;
      const items = isSchema(s.items) ? ` of ${describe(s.items, true)}` : '';
      if (min !== undefined && min === max) return `${plural ? 'lists' : 'a list'} of ${min} ${isSchema(s.items) ? describe(s.items, true) : 'items'}`;
      const ne = min !== undefined && min >= 1 ? 'non-empty ' : '';
      return `${plural ? `${ne}lists` : `a ${ne}list`}${items}`;
    }
    return noun;
  });
  return joinOr(parts);
}

/** What a parsed value is: "a string", "an integer", "a number", "a list", "a mapping", "true/false", "an empty value". */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'not-a-number (.nan)' : 'infinity (.inf)';
    return Number.isInteger(v) ? 'an integer' : 'a number';
  }
  if (typeof v === 'boolean') return 'true/false';
  if (typeof v === 'string') return 'a string';
  return 'a mapping';
}

function norm(s: string): string {
  return s.toLowerCase().replace(/[-\s.]/g, '_');
}

/** Whether a and b differ only by one swap of neighbouring characters (`gird` and `grid`). */
function oneSwapApart(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/**
 * Names other tools use for the keys of an experiment file (normalized: lower case, `_` for `-`, `.` and spaces):
 * too far from the real name to read as a typo (`lr` is one edit from `l2`), so suggested by name. A word may
 * name keys of several places (`eta`: the search's reduction_factor, a parameter's learning_rate); the first
 * among the candidates wins.
 */
const ALIASES: Record<string, readonly string[]> = {
  lr: ['learning_rate'],
  eta: ['reduction_factor', 'learning_rate'],
  lr_scheduler: ['lr_schedule'],
  lr_decay: ['lr_schedule'],
  lr_sched: ['lr_schedule'],
  schedule: ['lr_schedule'],
  scheduler: ['lr_schedule'],
  epochs: ['iterations'],
  n_epochs: ['iterations'],
  steps: ['iterations'],
  iters: ['iterations'],
  n_iter: ['iterations'],
  max_iter: ['iterations'],
  num_iterations: ['iterations'],
  layers: ['hidden_sizes'],
  hidden_layers: ['hidden_sizes'],
  hidden_units: ['hidden_sizes'],
  layer_sizes: ['hidden_sizes'],
  weight_decay: ['l2'],
  wd: ['l2'],
  lambda: ['l2'],
  bs: ['batch_size'],
  batch: ['batch_size'],
  opt: ['optimizer'],
  optim: ['optimizer'],
  mom: ['momentum'],
  act: ['activation'],
  activation_function: ['activation'],
  initializer: ['init'],
  initialization: ['init'],
  weight_init: ['init'],
  eps: ['epsilon'],
  dropout_rate: ['dropout'],
  drop_rate: ['dropout'],
  thresh: ['threshold'],
  decision_threshold: ['threshold'],
  patience: ['early_stopping'],
  early_stop: ['early_stopping'],
  n_trials: ['trials'],
  num_trials: ['trials'],
  min_resource: ['min_iterations'],
  direction: ['goal'],
  random_state: ['seed'],
};

/**
 * The candidate `word` names under another tool's name (`lr` → `learning_rate`), else the candidate closest to
 * `word` (case-insensitive Levenshtein, `-` and `_` alike, a swap of neighbouring characters counting as one
 * edit) when close enough to be a likely typo, else a candidate that `word` is a prefix of (`hidden` →
 * `hidden_sizes`), else undefined.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = norm(word);
  const named = ALIASES[w]?.find((c) => candidates.includes(c) && c !== word);
  if (named !== undefined) return named;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const n = norm(c);
    const d = oneSwapApart(w, n) ? 1 : distance(w, n);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best !== undefined && best !== word) {
    const limit = Math.max(1, Math.floor(Math.max(w.length, best.length) / 3));
    if (bestD <= limit) return best;
  }
  if (w.length >= 3) {
    const prefixed = candidates.filter((c) => norm(c).startsWith(w) && c !== word);
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

/** The first sentence of a description. */
export function firstSentence(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  // Abbreviations end no sentence: "e.g. 0.5", "Srivastava et al. 2014".
  const t = s.replace(/\b(e\.g|i\.e|et al|cf|vs)\./g, '$1\u0000');
  const m = /^(.*?[.:])(\s|$)/.exec(t);
  return (m ? m[1] : t).replace(/:$/, '.').replace(/\u0000/g, '.');
}
