/**
 * Schema validation of an experiment document: ajv (compiled once) against experimentSchema(), then each
 * ajv error mapped to one Diagnostic pointing into the YAML source, with ajv's noise collapsed
 * (anyOf branches resolved to the branch the user meant, one message per location).
 */
import { validateExperimentSchema } from './compile-validator.js';
import type { Diagnostic } from '../errors.js';
import { PARAMS, paramSpec } from './params.js';
import { experimentSchema } from './schema.js';
import { describe, firstSentence, kindOf, literal, suggest, typeNoun } from './describe.js';
import { collapse, resolveCombinators, type Problem } from './ajv-problems.js';
import { integerBoundsProblem, nearestInside } from './search.js';
import { SEARCH_METHODS } from '../search/method.js';
import { formatPath, type Segments, type Source } from './source.js';
import { clip, plural } from '../text.js';

type Schema = Record<string, unknown>;

const SCHEMA = experimentSchema();
const validateFn = validateExperimentSchema;

const TOP_KEYS = Object.keys(SCHEMA.properties as Schema);
const PARAM_NAMES = PARAMS.map((p) => p.name);

function isGridAxis(segs: Segments): boolean {
  return segs.length === 2 && segs[0] === 'grid' && typeof segs[1] === 'string' && paramSpec(segs[1]) !== undefined;
}

function isListParam(name: unknown): boolean {
  return typeof name === 'string' && paramSpec(name)?.schema.type === 'array';
}

function lastKey(segs: Segments): string {
  for (let i = segs.length - 1; i >= 0; i--) if (typeof segs[i] === 'string') return segs[i] as string;
  return '';
}

function isNumericString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v.trim()));
}

/** A number literal too large for a float64 (1e400): the parser reads it as infinity, though it is not `.inf`. */
function overflows(v: unknown, spelled: string): boolean {
  return typeof v === 'number' && (v === Infinity || v === -Infinity) && !/^[-+]?\.inf$/i.test(spelled.trim());
}

function codes(xs: string[]): string {
  return xs.map((x) => `\`${x}\``).join(', ');
}

/** Render one problem. */
function render(p: Problem, src: Source): Diagnostic {
  const path = formatPath(p.segs);
  const node = src.nodeAt(p.segs);
  const d: Diagnostic = { severity: 'error', file: src.file, path, message: '', ...src.at(node) };
  const key = lastKey(p.segs);
  const inParams = (p.segs[0] === 'fixed' || p.segs[0] === 'grid') && p.segs.length >= 2;

  switch (p.keyword) {
    case 'type':
    case '$anyType': {
      const expectedNoun = p.alternatives ? typeNoun({ anyOf: p.alternatives }) : typeNoun(p.schema);
      d.message = `must be ${expectedNoun}, not ${kindOf(p.data)}`;
      const coreTag = tagOf(node);
      if (coreTag !== undefined && coreTag !== '!!str' && typeof p.data === 'string') {
        // `!!float 3`: the tag does not fit the text (YAML 1.2 wants 3.0 for a float), so the value reads as a
        // string the user never wrote: name the tag, not "a string".
        const spelledValue = src.spelling(node);
        const fit = coreTag === '!!float' ? ` (YAML 1.2 reads \`!!float\` only on a number with a point or an exponent${/^[-+]?\d+$/.test(spelledValue) ? `, e.g. ${spelledValue}.0` : ''})` : '';
        d.message = `must be ${expectedNoun}, not \`${coreTag} ${spelledValue}\`: the \`${coreTag}\` tag does not fit the value, so it is read as text${fit}`;
      }
      d.expected = p.alternatives ? describe({ anyOf: p.alternatives }) : describe(p.schema);
      d.found = tagOf(node) ? `${tagOf(node)} ${src.found(node)}` : src.found(node);
      const types = p.alternatives ? [] : Array.isArray(p.schema.type) ? p.schema.type : [p.schema.type];
      const spelled = src.spelling(node);
      if (overflows(p.data, spelled)) {
        // 1e400 is not `.inf` to the one who wrote it: say why it reads as infinity.
        d.message = `must be ${expectedNoun}, not ${spelled}: beyond the largest float64 (about 1.8e308), it reads as infinity`;
        d.hint = 'write a finite number in the expected range';
        return d;
      }
      if (isGridAxis(p.segs) && !Array.isArray(p.data)) {
        const spec = paramSpec(key)!;
        const scalar = p.data !== null && typeof p.data !== 'object';
        // A mapping (a schedule, early stopping) is one candidate as the user wrote it; only an empty value has none.
        const candidate = scalar ? (isListParam(key) ? `[${spelled}]` : spelled) : p.data !== null && acceptsMapping(spec.schema as Schema) ? src.found(node) : spec.example;
        d.message = `a grid axis must be a list of candidate values, not ${kindOf(p.data)}`;
        d.hint = `write \`${key}: [${candidate}]\`${isListParam(key) ? ` (each candidate of ${key} is itself a list)` : ''}, or move it to \`fixed:\` to hold it constant`;
      } else if (p.data !== null && typeof p.data !== 'object' && (types.includes('array') || p.alternatives?.some(allowsList))) {
        // Any list-valued setting given one value: the same value in brackets (as written, quotes kept) is what was
        // meant; a list of fixed length (a range's [low, high]) needs the others too.
        const min = typeof p.schema.minItems === 'number' ? p.schema.minItems : 0;
        // A number in quotes where the list holds numbers goes in unquoted: else the hint is refused in turn.
        const itemTypes = listItemTypes(p.schema);
        const value = isNumericString(p.data) && !itemTypes.includes('string') && (itemTypes.includes('integer') || itemTypes.includes('number')) ? p.data.trim() : src.found(node);
        d.hint = min > 1
          ? `write a list of ${min} values${p.schema.maxItems === min ? '' : ' or more'}, e.g. \`${written(p.segs, `[${value}, ...]`, src)}\``
          : `write \`${written(p.segs, `[${value}]`, src)}\``;
      } else if (Array.isArray(p.data) && p.data.length === 1 && typeof p.data[0] === 'string' && types.includes('string') && !types.includes('array')) {
        // One string in brackets where a string is wanted (`method: [random]`): the string itself.
        d.hint = `write \`${written(p.segs, src.spelling((node as { items?: unknown[] } | undefined)?.items?.[0]), src)}\``;
      } else if (Array.isArray(p.data) && p.data.length > 0 && !p.alternatives && (types.includes('number') || types.includes('integer'))) {
        // One number in brackets where a number is wanted: the number itself, as written (quotes off a number).
        const first = (node as { items?: unknown[] } | undefined)?.items?.[0];
        const value = isNumericString(p.data[0]) ? p.data[0].trim() : src.found(first);
        d.hint = p.data.length === 1 ? `write \`${written(p.segs, value, src)}\`` : `give one value, not a list, e.g. \`${written(p.segs, value, src)}\``;
      } else if ((types.includes('number') || types.includes('integer')) && isNumericString(p.data)) {
        // What made the number a string is what to remove: the quotes, a `!!str` tag, or both.
        const tag = tagOf(node);
        const quoted = (node as { type?: string } | undefined)?.type?.startsWith('QUOTE') === true;
        const what = tag ? (quoted ? `the \`${tag}\` tag and the quotes` : `the \`${tag}\` tag`) : 'the quotes';
        d.hint = `remove ${what}: ${written(p.segs, p.data.trim(), src)}`;
      } else if (
        types.includes('string') &&
        p.data !== null &&
        typeof p.data !== 'object' &&
        (!Array.isArray(p.schema.enum) || p.schema.enum.includes(spelled))
      ) {
        d.hint = `quote it to make it a string: ${written(p.segs, `"${spelled}"`, src)}`;
      } else if (p.data === null && p.alternatives && p.segs.length === 1) {
        d.hint = `give a value, e.g. ${key}: ${firstExample(p.alternatives)}`;
      } else if (p.data === null && p.segs.length === 2 && p.segs[0] === 'fixed' && paramSpec(key)) {
        d.hint = `give a value, e.g. ${key}: ${paramSpec(key)!.example}`;
      } else if (typeof p.data === 'number' && Number.isFinite(p.data) && types.includes('integer')) {
        // A fraction where an integer is wanted: the nearest integer the schema allows.
        const n = nearestInside(p.schema, Math.round(p.data), true);
        d.hint = `write a whole number, e.g. ${written(p.segs, String(n), src)}`;
      } else {
        const example = exampleOf(p, key, inParams);
        // "write a mapping", not "write a mapping or empty": the empty value is no fix for a wrong one.
        const noun = p.alternatives || types.length < 2 ? expectedNoun : typeNoun({ type: types.filter((t) => t !== 'null') });
        d.hint = example === undefined
          ? `write ${d.expected}`
          : `${p.data === null ? 'give a value' : `write ${noun}`}, e.g. ${written(p.segs, example, src)}`;
      }
      break;
    }
    case 'enum': {
      const allowed = (p.schema.enum as unknown[]) ?? [];
      const isDataset = p.segs[0] === 'dataset' && (p.segs.length === 1 || (p.segs.length === 2 && p.segs[1] === 'name'));
      d.message = isDataset
        ? `unknown dataset \`${literal(p.data)}\``
        : typeof p.data === 'string'
          ? `unknown value \`${clip(p.data)}\``
          : `must be one of the listed values`;
      d.expected = `${isDataset ? 'a known dataset: ' : 'one of: '}${allowed.map(literal).join(', ')}`;
      d.found = src.found(node);
      const s = typeof p.data === 'string' ? suggest(p.data, allowed.filter((x): x is string => typeof x === 'string')) : undefined;
      if (s) d.hint = `did you mean \`${s}\`?`;
      else if (isDataset) d.hint = 'for a CSV file of your own, use dataset: {path: FILE.csv, label: COLUMN, positive: [VALUE]}';
      else if (allowed.length > 0) d.hint = `write one of the listed values, e.g. ${written(p.segs, literal(allowed[0]), src)}`;
      break;
    }
    case 'const':
      d.message = `must be \`${literal(p.schema.const)}\``;
      d.found = src.found(node);
      break;
    case 'required':
    case '$missingOneOf': {
      const missing = p.missing ?? [];
      if (p.keyword === '$missingOneOf') {
        d.message = `needs one of ${codes(missing)}`;
        d.expected = (p.alternatives ?? []).map((a) => (typeof a.title === 'string' ? a.title : describe(a))).join('; or ');
      } else {
        d.message = `missing required ${plural(missing.length, 'key')} ${codes(missing)}`;
        const props = (p.schema.properties ?? {}) as Record<string, Schema>;
        // What the key is (its description), then how to write it: the description alone says no value.
        const hints = missing
          .map((m) => {
            const what = firstSentence(props[m]?.description);
            const add = REQUIRED_EXAMPLES[m] !== undefined ? `add it, e.g. ${m}: ${REQUIRED_EXAMPLES[m]}` : undefined;
            return what || add ? `\`${m}\`: ${[what, add && what ? add[0].toUpperCase() + add.slice(1) : add].filter(Boolean).join(' ')}` : undefined;
          })
          .filter((x) => x !== undefined);
        if (hints.length) d.hint = hints.join('\n');
      }
      break;
    }
    case 'additionalProperties': {
      const prop = p.prop ?? '';
      const shown = clip(prop);
      const keyNode = src.keyNodeAt([...p.segs, prop]);
      Object.assign(d, src.at(keyNode));
      d.path = formatPath([...p.segs, prop]);
      const allowed = Object.keys((p.schema.properties ?? {}) as Schema);
      // Inside a parameter's value (an lr_schedule or early_stopping object) the key is a field of that value.
      const paramName = typeof p.segs[1] === 'string' ? p.segs[1] : '';
      d.message = inParams && paramSpec(paramName)
        ? `unknown field \`${shown}\` in ${paramName}`
        : inParams || (p.segs.length === 1 && (p.segs[0] === 'fixed' || p.segs[0] === 'grid'))
          ? `unknown parameter \`${shown}\``
          : `unknown key \`${shown}\``;
      if (allowed.length) d.expected = `${allowed.length > 1 ? 'one of' : 'only'}: ${allowed.join(', ')}`;
      const s = suggest(prop, allowed);
      const top = p.segs.length === 0;
      const paramLike = PARAM_NAMES.includes(prop) && !inParams && p.segs[0] !== 'fixed' && p.segs[0] !== 'grid'
        ? prop
        : top
          ? suggest(prop, PARAM_NAMES)
          : undefined;
      const distribution = p.segs.length === 2 && p.segs[0] === 'grid' && (allowed.includes('uniform') || allowed.includes('int_uniform'));
      if (s) d.hint = `did you mean \`${s}\`?`;
      else if (distribution) {
        // The one mistake in `{uniform: [0, 1], foo: 1}`: a distribution is its kind and bounds, nothing else.
        d.hint = `a distribution is one kind with its [low, high]: remove \`${shown}\`, e.g. ${paramName}: {${allowed[0]}: [low, high]}`;
      } else if (paramLike) {
        d.hint = `parameters go under the top-level \`fixed:\` (one value) or \`grid:\` (a list of candidates), e.g.\nfixed:\n  ${paramLike}: ${paramSpec(paramLike)!.example}`;
      } else if (!top && TOP_KEYS.includes(prop)) {
        d.hint = `\`${prop}\` is a top-level key: check its indentation`;
      } else if (p.segs.length === 1 && p.segs[0] === 'search' && prop === 'max_resource') {
        // Optuna's largest rung: here the one value of grid.iterations, outside the search block.
        const it = src.nodeAt(['grid', 'iterations']);
        const value = (p.data as Record<string, unknown>)[prop];
        d.hint = it
          ? `remove \`${shown}\`: the largest rung is grid.iterations (here ${src.spelling(it)})`
          : `remove \`${shown}\`: the largest rung is grid.iterations; write it under grid:, e.g. iterations: [${typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 8100}]`;
      } else {
        // No key near it: the expected list names the keys; renaming to any of them would be a guess.
        d.hint = `remove \`${shown}\``;
      }
      break;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const cmp = String(p.params.comparison).replace('>=', '≥').replace('<=', '≤');
      d.message = `out of range: must be ${cmp} ${literal(p.params.limit)}`;
      d.expected = describe(p.schema);
      d.found = src.found(node);
      // "an integer ≥ 1", not "an integer ≥ 1 or empty": the number is to be brought in range.
      const numberType = [p.schema.type].flat().includes('integer') ? 'integer' : 'number';
      d.hint = `write ${describe({ ...p.schema, type: numberType })}, e.g. ${written(p.segs, inRangeExample(p, key, inParams), src)}`;
      break;
    }
    case 'minItems':
    case 'maxItems': {
      const min = p.schema.minItems as number | undefined;
      const max = p.schema.maxItems as number | undefined;
      d.found = src.found(node);
      d.expected = describe(p.schema);
      if (isGridAxis(p.segs) && Array.isArray(p.data) && p.data.length === 0) {
        const spec = paramSpec(key)!;
        d.message = 'empty grid axis: give at least one value';
        d.hint = `e.g. ${key}: [${spec.example}], or remove the line (${key} then takes its fixed value or its default)`;
      } else if (min !== undefined && min === max) {
        d.message = `must have exactly ${min} ${plural(min, 'item')}`;
        const [g, name, kind] = p.segs;
        const items = Array.isArray(p.data) ? p.data : [];
        if (g === 'grid' && p.segs.length === 3 && typeof kind === 'string' && isDistributionKind(kind)) {
          // A distribution's bounds: its low and high, the written list's ends when it has two or more.
          d.hint = items.length >= 2
            ? `write the low and high bounds only, e.g. ${name}: {${kind}: [${literal(items[0])}, ${literal(items[items.length - 1])}]}`
            : `write both bounds, e.g. ${name}: {${kind}: [${bothBounds(String(name), kind, items[0]).join(', ')}]}`;
        } else if (min === 2) d.hint = `write ${key}: [first, last]`;
      } else if (p.keyword === 'minItems') {
        d.message = `must have at least ${min} ${plural(min ?? 0, 'item')}`;
        const example = REQUIRED_EXAMPLES[key] ?? TOP_EXAMPLES[key];
        d.hint = `give at least ${min} ${plural(min ?? 0, 'value')}${example ? `, e.g. ${written(p.segs, example, src)}` : ''}`;
      } else {
        d.message = `must have at most ${max} ${plural(max ?? 0, 'item')}`;
        d.hint = `keep at most ${max} ${plural(max ?? 0, 'value')}`;
      }
      break;
    }
    case 'minProperties':
    case 'maxProperties': {
      // The only mappings limited by their count of keys are a search's distributions: exactly one kind.
      const kinds = Object.keys((p.schema.properties ?? {}) as Schema);
      const given = p.data !== null && typeof p.data === 'object' ? Object.keys(p.data) : [];
      d.message = given.length === 0
        ? 'a distribution needs one kind, none is given'
        : `a distribution takes one kind, not ${given.length}: ${codes(given)}`;
      if (kinds.length) d.expected = `one of: ${kinds.join(', ')}, with [low, high]`;
      d.found = src.found(node);
      d.hint = `${given.length === 0 ? 'give' : 'keep'} one, e.g. ${key}: {${kinds[0] ?? 'uniform'}: [low, high]}, or give a list of candidates, e.g. ${key}: [${paramSpec(key)?.example ?? 'VALUE'}]`;
      break;
    }
    case 'minLength':
    case 'maxLength':
    case 'pattern':
      d.message = p.keyword === 'minLength' && p.schema.minLength === 1 ? 'must not be empty' : `invalid value: ${p.ajvMessage}`;
      d.expected = describe(p.schema);
      d.found = src.found(node);
      if (p.segs[0] === 'tags' && p.keyword === 'pattern') {
        d.message = 'not a valid tag';
        d.expected = '1 to 64 letters, digits or . _ - : / + = @, starting with a letter or digit (no spaces)';
        d.hint = 'e.g. tags: [baseline, lr-sweep]';
      }
      break;
    default:
      d.message = p.ajvMessage ?? `fails ${p.keyword}`;
      d.found = node ? src.found(node) : undefined;
      if (d.found === undefined) delete d.found;
  }
  return d;
}

/**
 * Two bounds of a distribution of parameter `name` that load: the one given (`given`, when a usable bound) kept
 * as the low bound, or as the high one when nothing lies above it, the other a step away on the kind's scale
 * (x1000 on a log scale, x10 or +10 on a linear one) inside the parameter's range; from the parameter's example
 * when the given bound is unusable. Throws: nothing.
 */
function bothBounds(name: string, kind: string, given: unknown): [number, number] {
  const spec = paramSpec(name);
  const schema = (spec?.schema ?? {}) as Schema;
  const integer = kind === 'int_uniform' || kind === 'log_int_uniform';
  const log = kind === 'log_uniform' || kind === 'log_int_uniform';
  const floor = kind === 'log_int_uniform' ? 1 : log ? Number.MIN_VALUE : -Infinity;
  const usable = (x: unknown): x is number =>
    typeof x === 'number' && Number.isFinite(x) && x >= floor && (!integer || Number.isInteger(x)) && nearestInside(schema, x, integer) === x;
  const example = Number(spec?.example);
  const x = usable(given) ? given : usable(example) ? example : log ? 1 : 0;
  const round = (v: number): number => (integer ? Math.round(v) : Number(v.toPrecision(2)));
  const up = round(log ? x * 1000 : x > 0 ? x * 10 : x + 10);
  const high = nearestInside(schema, up, integer, x);
  if (high > x) return [x, high];
  const down = round(log ? x / 1000 : x > 0 ? x / 10 : x - 10);
  return [Math.max(nearestInside(schema, down, integer, x), integer && log ? 1 : -Infinity), x];
}

/** The explicit tag written on a value (`!!str` of `!!str 3`), as written; undefined when it has none. */
function tagOf(node: unknown): string | undefined {
  const tag = (node as { tag?: unknown } | undefined)?.tag;
  if (typeof tag !== 'string') return undefined;
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/** Examples of the top-level keys, for hints where their value has the wrong type. */
const TOP_EXAMPLES: Record<string, string> = {
  name: 'my-sweep',
  description: '"what this sweep compares"',
  tags: '[baseline]',
  dataset: 'wisconsin',
  fixed: '{learning_rate: 0.01}',
  grid: '{learning_rate: [0.01, 0.1]}',
  search: '{method: random, trials: 20}',
  objective: '{metric: validation.loss, goal: minimize}',
  record: '{curve_every: 500}',
};

/** Whether a grid key's mapping key is a distribution's kind (uniform, log_uniform, ...). */
function isDistributionKind(k: string): boolean {
  return k === 'uniform' || k === 'log_uniform' || k === 'int_uniform' || k === 'log_int_uniform';
}

/** Examples of the keys the schema requires somewhere, for the hint of a missing one. */
const REQUIRED_EXAMPLES: Record<string, string> = {
  name: 'my-sweep',
  dataset: 'wisconsin',
  path: 'data.csv',
  label: 'class',
  positive: '[4]',
  train: '[0, 499]',
  validation: '[500, 682]',
  k: '5',
  synthetic: '{kind: blobs, samples: 200, features: 2}',
  samples: '200',
  features: '2',
  every: '1000',
  decay_rate: '0.001',
  period: '500',
  max_learning_rate: '0.5',
  patience: '20',
  metric: 'validation.loss',
};

/** Whether x satisfies a number schema's bounds. */
function inRange(s: Schema, x: number): boolean {
  return !(
    (typeof s.minimum === 'number' && x < s.minimum) ||
    (typeof s.maximum === 'number' && x > s.maximum) ||
    (typeof s.exclusiveMinimum === 'number' && x <= s.exclusiveMinimum) ||
    (typeof s.exclusiveMaximum === 'number' && x >= s.exclusiveMaximum)
  );
}

/** Whether a problem is at a parameter's value itself: fixed.NAME or one candidate grid.NAME[i]. */
function atParamValue(p: Problem, inParams: boolean): boolean {
  return inParams && (p.segs.length === 2 ? p.segs[0] === 'fixed' : p.segs.length === 3 && p.segs[0] === 'grid' && typeof p.segs[2] === 'number');
}

/**
 * A value inside an out-of-range number's bounds, for its hint: the parameter's example or the schema's default
 * when in range, else the allowed value nearest to the one written.
 */
function inRangeExample(p: Problem, key: string, inParams: boolean): string {
  const integer = [p.schema.type].flat().includes('integer');
  const candidates = [atParamValue(p, inParams) ? Number(paramSpec(key)?.example) : NaN, typeof p.schema.default === 'number' ? p.schema.default : NaN];
  for (const c of candidates) if (Number.isFinite(c) && inRange(p.schema, c) && (!integer || Number.isInteger(c))) return String(c);
  return String(nearestInside(p.schema, p.data as number, integer));
}

/**
 * An example of a valid value at a problem's place, as it would be written: a parameter's example, a top-level
 * key's, the schema's default, the first allowed value; undefined when none is known.
 */
function exampleOf(p: Problem, key: string, inParams: boolean): string | undefined {
  if (atParamValue(p, inParams)) return paramSpec(key)!.example;
  if (p.segs.length === 1 && key === 'search') {
    // `search: random` or `search: [random]`: the method named, in the block it belongs in.
    const named = [p.data, Array.isArray(p.data) ? p.data[0] : undefined].find((x) => (SEARCH_METHODS as readonly unknown[]).includes(x));
    if (typeof named === 'string') return `{method: ${named}, ${named === 'hyperband' ? 'min_iterations: 100' : 'trials: 20'}}`;
  }
  if (p.segs.length === 1 && TOP_EXAMPLES[key]) return TOP_EXAMPLES[key];
  // A search block names a method to draw with: grid, its default, would refuse the block's other keys.
  if (p.segs.length === 2 && p.segs[0] === 'search' && key === 'method') return 'random';
  const s = p.schema;
  if (s.default !== undefined && s.default !== null && typeof s.default !== 'object') return literal(s.default);
  if (Array.isArray(s.enum) && s.enum.length > 0) return literal(s.enum[0]);
  if (p.alternatives) return p.alternatives.map((a) => (Array.isArray(a.enum) && a.enum.length > 0 ? literal(a.enum[0]) : undefined)).find((x) => x !== undefined);
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('boolean')) return 'true';
  if (types.includes('number') || types.includes('integer')) return String(nearestInside(s, 0, types.includes('integer')));
  return undefined;
}

/** Whether a value of this schema may be a mapping (directly or in one of its alternatives). */
function acceptsMapping(s: Schema): boolean {
  if (s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'))) return true;
  return [s.anyOf, s.oneOf].some((alts) => Array.isArray(alts) && (alts as Schema[]).some(acceptsMapping));
}

/** The types a list's items may take, per the schema's `items` (none when it says nothing). */
function listItemTypes(s: Schema): string[] {
  const items = s.items as Schema | undefined;
  if (!items || typeof items !== 'object') return [];
  const t = items.type;
  return Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
}

function allowsList(s: Schema): boolean {
  return s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'));
}

/**
 * `key: value` as the user should write it with `value` in place of the node at `segs`: for an item of a list,
 * the whole list with that item replaced (`positive: ["true"]`, not `positive: "true"`).
 */
function written(segs: Segments, value: string, src: Source): string {
  const last = segs[segs.length - 1];
  if (typeof last !== 'number') return `${lastKey(segs)}: ${value}`;
  const list = src.nodeAt(segs.slice(0, -1));
  const items = list && 'items' in list && Array.isArray(list.items) ? (list.items as unknown[]) : [];
  return `${lastKey(segs)}: [${items.map((it, i) => (i === last ? value : src.spelling(it))).join(', ')}]`;
}

function firstExample(alts: Schema[]): string {
  for (const a of alts) if (Array.isArray(a.enum) && a.enum.length) return literal(a.enum[0]);
  return '...';
}

/**
 * Grid axes of list-valued parameters written with bare items (`hidden_sizes: [15, 30]`):
 * one diagnostic for the axis, hinting `write [[15], [30]]`, instead of one per item.
 */
function mergeListAxisItems(problems: Problem[], src: Source): { rest: Problem[]; merged: Diagnostic[] } {
  const groups = new Map<string, Problem[]>();
  const rest: Problem[] = [];
  for (const p of problems) {
    const [g, name, i] = p.segs;
    if (p.keyword === 'type' && p.segs.length === 3 && g === 'grid' && isListParam(name) && typeof i === 'number' && !Array.isArray(p.data)) {
      const k = String(name);
      groups.set(k, [...(groups.get(k) ?? []), p]);
    } else {
      rest.push(p);
    }
  }
  const merged: Diagnostic[] = [];
  for (const [name, ps] of groups) {
    const segs: Segments = ['grid', name];
    const axis = src.nodeAt(segs);
    const items = (axis && 'items' in axis ? (axis.items as unknown[]) : []) ?? [];
    const fixedUp = `[${items.map((it) => {
      const s = src.spelling(it);
      return s.startsWith('[') ? s : `[${s}]`;
    }).join(', ')}]`;
    const gridSchema = ((SCHEMA.properties as Schema).grid as Schema).properties as Record<string, Schema>;
    merged.push({
      severity: 'error',
      file: src.file,
      path: formatPath(segs),
      message: `each candidate of ${name} must be a list (${name} is itself a list); ${ps.length} ${plural(ps.length, 'candidate is', 'candidates are')} not`,
      expected: describe(gridSchema[name]),
      found: src.found(axis),
      hint: `write ${fixedUp} (a list of candidates, each one a list)`,
      ...src.at(axis),
    });
  }
  return { rest, merged };
}

/**
 * A search distribution of an integer parameter with non-integer bounds (`iterations: {int_uniform: [10.5,
 * 100.2]}`): one diagnostic for the distribution, with the integer bounds to write, instead of one per bound.
 */
function mergeIntegerBounds(problems: Problem[], data: unknown, src: Source): { rest: Problem[]; merged: Diagnostic[] } {
  const groups = new Map<string, { segs: Segments; problems: Problem[] }>();
  const rest: Problem[] = [];
  for (const p of problems) {
    const [g, , kind, i] = p.segs;
    if (p.keyword === 'type' && p.segs.length === 4 && g === 'grid' && (kind === 'int_uniform' || kind === 'log_int_uniform') && typeof i === 'number' && typeof p.data === 'number') {
      const key = JSON.stringify(p.segs.slice(0, 3));
      if (!groups.has(key)) groups.set(key, { segs: p.segs.slice(0, 3), problems: [] });
      groups.get(key)!.problems.push(p);
    } else {
      rest.push(p);
    }
  }
  const merged: Diagnostic[] = [];
  for (const { segs, problems: group } of groups.values()) {
    const [, name, kind] = segs as [string, string, 'int_uniform' | 'log_int_uniform'];
    const bounds = ((data as Record<string, Record<string, Record<string, unknown>>>).grid[name][kind] as unknown[]) ?? [];
    // Only when both bounds are numbers: a string bound is a type error of its own.
    if (bounds.length !== 2 || !bounds.every((b) => typeof b === 'number' && Number.isFinite(b))) {
      rest.push(...group);
      continue;
    }
    const node = src.nodeAt(segs);
    merged.push({
      severity: 'error',
      file: src.file,
      path: formatPath(segs),
      ...integerBoundsProblem(name, kind, bounds[0] as number, bounds[1] as number),
      found: src.found(node),
      ...src.at(node),
    });
  }
  return { rest, merged };
}

/**
 * A distribution with an unknown key beside its kind (`{uniform: [0, 1], foo: 1}`) is one mistake: the unknown
 * key's error says it; the count of keys (a distribution takes one kind) is dropped when the unknown keys
 * account for the excess.
 */
function withoutCountsOfUnknownKeys(problems: Problem[]): Problem[] {
  const unknown = new Map<string, number>();
  for (const p of problems) if (p.keyword === 'additionalProperties') unknown.set(JSON.stringify(p.segs), (unknown.get(JSON.stringify(p.segs)) ?? 0) + 1);
  return problems.filter((p) => {
    if (p.keyword !== 'maxProperties' || p.data === null || typeof p.data !== 'object') return true;
    return Object.keys(p.data).length - (unknown.get(JSON.stringify(p.segs)) ?? 0) > 1;
  });
}

/** Keys checked by code (load.ts) with better messages than the schema's: their ajv errors are dropped. */
const CHECKED_IN_CODE: { segs: Segments; keywords: string[] }[] = [
  { segs: ['name'], keywords: ['minLength', 'maxLength', 'pattern'] },
];

/** Validate the document's data against the schema; [] when valid. */
export function schemaDiagnostics(data: unknown, src: Source): Diagnostic[] {
  if (validateFn(data)) return [];
  const problems = collapse(resolveCombinators(validateFn.errors ?? [], data)).filter(
    (p) => !CHECKED_IN_CODE.some((c) => JSON.stringify(c.segs) === JSON.stringify(p.segs) && c.keywords.includes(p.keyword)),
  );
  const lists = mergeListAxisItems(withoutCountsOfUnknownKeys(problems), src);
  const bounds = mergeIntegerBounds(lists.rest, data, src);
  return [...bounds.rest.map((p) => render(p, src)), ...lists.merged, ...bounds.merged];
}

