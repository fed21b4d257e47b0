/**
 * The experiment file's `search:` block and the distributions a grid key may hold instead of a list:
 * their schema fragments (with descriptions), the checks the schema cannot express, and the typed form.
 *
 *   search:
 *     method: halving        # grid (default) | random | quasirandom | halving | asha | hyperband | tpe
 *     trials: 81
 *     seed: 7                # the sampler's seed, separate from the runs' `seed`
 *     sampler: tpe           # halving/asha/hyperband: random (default) | quasirandom | tpe
 *     min_iterations: 100    # halving/asha/hyperband: the first rung
 *     reduction_factor: 3    # halving/asha/hyperband: eta
 *   grid:
 *     learning_rate: {log_uniform: [1.0e-4, 1.0]}
 *     hidden_sizes: [[5], [15], [30]]     # a list is a set of choices
 *     iterations: [8100]                  # halving/asha/hyperband: the largest rung
 */
import type { Diagnostic } from '../errors.js';
import { boundsProblem, DISTRIBUTION_KINDS, type NumericDistribution, type NumericKind, type SearchAxis } from '../search/distributions.js';
import { SAMPLERS, SEARCH_METHODS, type SearchSettings } from '../search/method.js';
import { boundsText, firstSentence } from './describe.js';
import { paramSpec, type ParamSpec } from './params.js';
import { formatPath, type Segments, type Source } from './source.js';
import type { Axis, ParamValue, SearchConfig } from './types.js';

type Schema = Record<string, unknown>;
type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Methods that draw from distributions (all but grid). */
export const DISTRIBUTION_METHODS = SEARCH_METHODS.filter((m) => m !== 'grid');

/** Defaults of the search block. */
export const SEARCH_DEFAULTS = { method: 'grid', seed: 0, sampler: 'random', reduction_factor: 3 } as const;

const KIND_TEXT: Record<NumericKind, string> = {
  uniform: 'every value in [low, high] equally likely',
  log_uniform: 'uniform on a log scale over [low, high] (low > 0): each decade equally likely, for rates and decays',
  int_uniform: 'every integer in [low, high] equally likely',
  log_int_uniform: 'integers in [low, high] (low >= 1), uniform on a log scale: small values as likely per decade as large ones',
};

/** Whether a parameter may take a numeric distribution, and which kinds (integers only for integer parameters). */
export function distributionKinds(p: ParamSpec): NumericKind[] {
  const t = p.schema.type;
  const types = Array.isArray(t) ? t : [t];
  if (types.includes('integer')) return ['int_uniform', 'log_int_uniform'];
  if (types.includes('number')) return [...DISTRIBUTION_KINDS];
  return [];
}

/**
 * The object form of a grid key under a search: exactly one of {uniform: [low, high]}, {log_uniform: ...}, ...
 * Merged into the grid key's schema by schema.ts (type array or object: a list of candidates or a distribution).
 */
export function distributionProperties(p: ParamSpec): Schema | undefined {
  const kinds = distributionKinds(p);
  if (kinds.length === 0) return undefined;
  const itemType = kinds[0] === 'int_uniform' ? 'integer' : 'number';
  const properties: Record<string, Schema> = {};
  for (const k of kinds) {
    properties[k] = {
      type: 'array',
      items: { type: itemType },
      minItems: 2,
      maxItems: 2,
      description: `${k}: [low, high], both inclusive: ${KIND_TEXT[k]}. Only with search.method other than grid.`,
    };
  }
  return { additionalProperties: false, minProperties: 1, maxProperties: 1, properties };
}

/** The schema of the top-level `search:` block. */
export function searchSchema(): Schema {
  return {
    type: ['object', 'null'],
    additionalProperties: false,
    description:
      'How the grid is explored. method grid (the default) trains every combination of the lists; the other methods draw `trials` configurations, each grid key a list of choices or a distribution ({uniform: [low, high]}, {log_uniform: ...}, {int_uniform: ...}, {log_int_uniform: ...}).',
    properties: {
      method: {
        type: 'string',
        enum: [...SEARCH_METHODS],
        default: SEARCH_DEFAULTS.method,
        description:
          'grid: every combination. random: independent draws. quasirandom: a scrambled Sobol\' sequence (Joe & Kuo 2008 direction numbers). halving: synchronous successive halving (Jamieson & Talwalkar 2016): trials configurations at min_iterations, the best 1/reduction_factor continue to reduction_factor times more updates, up to iterations; its tpe sampler draws every configuration from first-rung outcomes only. asha: asynchronous successive halving (Li et al. 2020) in fixed batches of 4 trainings: a configuration in the top 1/reduction_factor of the results of its rung so far continues at once (highest rung first), else a new one is drawn, until trials are drawn; suits the tpe sampler, which then sees configurations that went further. hyperband: brackets of successive halving with different first rungs (Li et al. 2018). tpe: the Tree-structured Parzen Estimator (Bergstra et al. 2011) with Optuna\'s defaults, in fixed batches whatever --workers is: its 10 start-up draws, then 8 proposals at a time from the model fitted to every earlier batch.',
      },
      trials: {
        type: 'integer',
        minimum: 1,
        description: 'Configurations to draw (random, quasirandom, tpe, halving, asha; hyperband takes its counts from its brackets). Refused above the run limit like a big grid (--max-runs).',
      },
      seed: {
        type: 'integer',
        minimum: 0,
        maximum: 4294967295,
        default: SEARCH_DEFAULTS.seed,
        description: "Seed of the sampler's stream (MT19937), separate from the runs' `seed` parameter: the same seed draws the same configurations.",
      },
      sampler: {
        type: 'string',
        enum: [...SAMPLERS],
        default: SEARCH_DEFAULTS.sampler,
        description: 'halving, asha and hyperband: how configurations are drawn: random (default), quasirandom or tpe (fitted to the outcomes of earlier batches; under halving only first-rung outcomes exist when it draws).',
      },
      min_iterations: {
        type: 'integer',
        minimum: 1,
        description: 'halving, asha and hyperband: updates of the first rung (required for them). Rungs are min_iterations x reduction_factor^i below iterations, then iterations.',
      },
      reduction_factor: {
        type: 'integer',
        minimum: 2,
        default: SEARCH_DEFAULTS.reduction_factor,
        description: 'halving, asha and hyperband: eta, the best 1/eta of a rung continue to eta times more updates (default 3).',
      },
    },
  };
}


/**
 * The one problem of an int_uniform or log_int_uniform whose bounds are not both integers: what it draws, and
 * the integer bounds that hold the same values (low rounded up, high down), or the nearest when none lies
 * between. Used for integer parameters (where the schema finds it, at each bound) and number parameters alike.
 */
export function integerBoundsProblem(name: string, kind: 'int_uniform' | 'log_int_uniform', low: number, high: number): { message: string; hint: string } {
  const [a, b] = low <= high ? [low, high] : [high, low];
  const floor = kind === 'log_int_uniform' ? 1 : -Infinity;
  const lo = Math.max(floor, Math.ceil(a));
  const hi = Math.floor(b);
  return {
    message: `${kind} draws integers: its bounds must be integers${low > high ? ', low first' : ''}`,
    hint:
      lo <= hi
        ? `write ${name}: {${kind}: [${lo}, ${hi}]} (the integers in [${a}, ${b}])`
        : `no integer lies in [${a}, ${b}]: write integer bounds, e.g. ${name}: {${kind}: [${Math.max(floor, Math.floor(a))}, ${Math.max(floor, Math.ceil(b))}]}`,
  };
}

/** Methods with rungs (min_iterations, reduction_factor, sampler). */
const HALVING = new Set(['halving', 'asha', 'hyperband']);

/** The numeric distribution a grid value holds, or undefined when it is a list. Throws: nothing. */
export function distributionOf(v: unknown): NumericDistribution | undefined {
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1 || !(DISTRIBUTION_KINDS as readonly string[]).includes(keys[0])) return undefined;
  const r = v[keys[0]];
  if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number') return undefined;
  return { kind: keys[0] as NumericKind, low: r[0], high: r[1] };
}

/** Whether a value satisfies a parameter's numeric bounds (minimum, exclusiveMinimum, ...). */
function withinParam(spec: ParamSpec, x: number): boolean {
  const s = spec.schema as { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number };
  return !(
    (s.minimum !== undefined && x < s.minimum) ||
    (s.maximum !== undefined && x > s.maximum) ||
    (s.exclusiveMinimum !== undefined && x <= s.exclusiveMinimum) ||
    (s.exclusiveMaximum !== undefined && x >= s.exclusiveMaximum)
  );
}

/** Checks of the search block and the distributions that the schema cannot express. Throws: nothing. */
export function searchChecks(data: Obj, src: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (segs: Segments, fields: Partial<Diagnostic> & { message: string }, key = false): void => {
    out.push({ severity: 'error', file: src.file, path: formatPath(segs), ...src.at(key ? src.keyNodeAt(segs) : src.nodeAt(segs)), ...fields });
  };
  const search = isObj(data.search) ? data.search : {};
  const method = typeof search.method === 'string' ? search.method : SEARCH_DEFAULTS.method;
  // An unknown method is the schema's one error (with the known ones): what it would need is unknowable.
  if (!(SEARCH_METHODS as readonly string[]).includes(method)) return out;
  const grid = isObj(data.grid) ? data.grid : {};
  const methods = DISTRIBUTION_METHODS.join(', ');

  for (const [name, v] of Object.entries(grid)) {
    const spec = paramSpec(name);
    const d = distributionOf(v);
    if (!spec || !d) continue;
    const segs: Segments = ['grid', name];
    if (method === 'grid') {
      err(segs, {
        message: `\`${d.kind}\` is a distribution: only a search draws from it, and the method is grid (which needs a list of values)`,
        hint: `set search: {method: random, trials: 20} (methods that accept distributions: ${methods}), or give a list, e.g. ${name}: [${spec.example}]`,
      });
      continue;
    }
    // A non-integer bound of an int_uniform is one error for the distribution: for an integer parameter the
    // schema finds it (at each bound; validate.ts merges them into this message), for a number parameter here.
    const integerParam = distributionKinds(spec)[0] === 'int_uniform';
    const finite = [d.low, d.high].every(Number.isFinite);
    const nonInteger = finite && (d.kind === 'int_uniform' || d.kind === 'log_int_uniform') && ![d.low, d.high].every(Number.isInteger);
    // A non-finite bound (.nan, .inf) is the number check's error, at that bound: not said twice either.
    const problem = nonInteger || !finite ? undefined : boundsProblem(d);
    if (nonInteger && !integerParam) {
      const ints = integerBoundsProblem(name, d.kind as 'int_uniform', d.low, d.high);
      err([...segs, d.kind], {
        ...ints,
        hint: `${ints.hint}, or ${name}: {${d.kind === 'int_uniform' ? 'uniform' : 'log_uniform'}: [${d.low}, ${d.high}]} to draw any number between them`,
        found: src.found(src.nodeAt([...segs, d.kind])),
      });
    } else if (problem) err([...segs, d.kind], { message: problem, found: src.found(src.nodeAt([...segs, d.kind])) });
    else if (!nonInteger && finite && (!withinParam(spec, d.low) || !withinParam(spec, d.high))) {
      err([...segs, d.kind], {
        message: `the bounds [${d.low}, ${d.high}] leave the values ${name} may take`,
        expected: `bounds within ${name}'s range:${boundsText(spec.schema)}`,
        found: src.found(src.nodeAt([...segs, d.kind])),
        hint: firstSentence(spec.description),
      });
    }
    if (name === 'iterations' && HALVING.has(method)) {
      err(segs, {
        message: `${method} sets the iterations of each rung itself: iterations is its largest rung, one value`,
        hint: 'e.g. iterations: [8100] with search.min_iterations: 100',
      });
    }
  }

  if (method === 'grid') {
    for (const k of ['trials', 'sampler', 'min_iterations', 'reduction_factor']) {
      if (k in search) err(['search', k], { message: `\`${k}\` does not apply to method grid`, hint: `choose a method that draws configurations (${methods}), or remove ${k}` }, true);
    }
    return out;
  }
  const needsTrials = method !== 'hyperband';
  if (needsTrials && !('trials' in search)) {
    err(['search'], { message: `method ${method} needs \`trials\`: how many configurations to draw`, hint: 'e.g. trials: 27' }, true);
  }
  if (!needsTrials && 'trials' in search) {
    err(['search', 'trials'], { message: 'hyperband draws the configurations of its brackets (Li et al. 2018): trials does not apply', hint: '`dlsweep plan` shows the brackets; remove trials, or use method: halving to choose the count' }, true);
  }
  if (HALVING.has(method)) {
    if (!('min_iterations' in search)) err(['search'], { message: `method ${method} needs \`min_iterations\`: the updates of the first rung`, hint: 'e.g. min_iterations: 100' }, true);
    const it = grid.iterations;
    const fixed = isObj(data.fixed) ? data.fixed.iterations : undefined;
    const largest = Array.isArray(it) ? (it.length === 1 ? it[0] : undefined) : it === undefined ? (fixed ?? paramSpec('iterations')!.default) : undefined;
    if (Array.isArray(it) && it.length !== 1) {
      err(['grid', 'iterations'], { message: `${method} trains each rung itself: iterations gives its largest rung, one value`, hint: `e.g. iterations: [${Math.max(...(it as number[]).filter((x) => typeof x === 'number'))}]` });
    } else if (typeof largest === 'number' && typeof search.min_iterations === 'number' && search.min_iterations > largest) {
      err(['search', 'min_iterations'], { message: `the first rung (${search.min_iterations} updates) is above the largest (iterations: ${largest})`, hint: `set min_iterations to at most ${largest}` });
    }
  } else {
    for (const k of ['sampler', 'min_iterations', 'reduction_factor']) {
      if (k in search) err(['search', k], { message: `\`${k}\` applies to halving, asha and hyperband only, not ${method}`, hint: `remove ${k}, or use method: halving or asha` }, true);
    }
  }
  return out;
}

/**
 * The typed search of a checked experiment, or undefined for method grid. The searched axes are the grid keys
 * in file order: a distribution, or a list as a categorical choice (halving/asha/hyperband leave iterations out:
 * it is their largest rung). `goal` is the objective's direction.
 * Throws: nothing (the document was checked).
 */
export function resolveSearch(data: Obj, src: Source, axes: Axis[], fixed: Record<string, ParamValue>, goal: 'minimize' | 'maximize'): SearchConfig | undefined {
  const search = isObj(data.search) ? data.search : {};
  const method = (search.method as SearchSettings['method'] | 'grid' | undefined) ?? 'grid';
  if (method === 'grid') return undefined;
  const grid = isObj(data.grid) ? data.grid : {};
  const halving = HALVING.has(method);
  const out: SearchAxis[] = [];
  const spellings: Record<string, string> = {};
  const node = src.nodeAt(['grid']);
  const order = node && 'items' in node ? (node as { items: { key: { value?: unknown } }[] }).items.map((p) => String(p.key?.value)) : Object.keys(grid);
  for (const name of order) {
    if (!(name in grid) || (halving && name === 'iterations')) continue;
    const d = distributionOf(grid[name]);
    if (d) {
      out.push({ name, distribution: d });
      spellings[name] = src.spelling(src.nodeAt(['grid', name]));
    } else {
      const axis = axes.find((a) => a.name === name);
      if (axis) out.push({ name, distribution: { kind: 'categorical', choices: axis.values } });
    }
  }
  const iterations = halving && axes.find((a) => a.name === 'iterations') ? (axes.find((a) => a.name === 'iterations')!.values[0] as number) : (fixed.iterations as number);
  return {
    settings: {
      method,
      trials: (search.trials as number | undefined) ?? 0,
      seed: (search.seed as number | undefined) ?? SEARCH_DEFAULTS.seed,
      sampler: (search.sampler as SearchSettings['sampler'] | undefined) ?? SEARCH_DEFAULTS.sampler,
      minIterations: (search.min_iterations as number | undefined) ?? iterations,
      maxIterations: iterations,
      reductionFactor: (search.reduction_factor as number | undefined) ?? SEARCH_DEFAULTS.reduction_factor,
      goal,
    },
    axes: out,
    spellings,
    ...(src.nodeAt(['search', 'trials']) ? { trialsAt: { file: src.file, ...src.at(src.nodeAt(['search', 'trials'])) } } : {}),
  };
}
