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
import { boundsText, suggest } from './describe.js';
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
        description: 'Configurations to draw (random, quasirandom, tpe, halving, asha; hyperband takes its counts from its brackets). Refused like a big grid when the runs the search can record (one per trial and rung reached; asha: the most) exceed the run limit (--max-runs).',
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
        description: 'halving, asha and hyperband: updates of the first rung (required for them). Rungs are min_iterations x reduction_factor^i below iterations, then iterations (a warning when iterations is not min_iterations x reduction_factor^k: the last step is then shorter).',
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

/** The keys of the search block. */
const SEARCH_KEYS = Object.keys(searchSchema().properties as Schema);

/**
 * The warning for a largest rung that is not min_iterations x eta^k (the rule of src/search/halving.ts rungs()
 * then ends on a short step: 10, 30, 90, 100), with the iterations and min_iterations that make every step
 * eta; undefined when the rungs are even. Throws: nothing.
 */
export function unevenLastRung(min: number, largest: number, eta: number): { message: string; hint: string } | undefined {
  let top = min;
  while (top < largest) top *= eta;
  if (top === largest) return undefined;
  const below = top / eta; // the last rung before the largest: min x eta^k < largest < min x eta^(k+1)
  const list: number[] = [];
  for (let r = min; r < largest; r *= eta) list.push(r);
  list.push(largest);
  const step = Math.round((largest / below) * 100) / 100;
  const iterations = below > min ? `iterations: [${below}] or [${top}]` : `iterations: [${top}]`;
  // A first rung that divides the largest by a power of eta: the one nearest the given min_iterations.
  let firstRung: number | undefined;
  for (let p = eta; largest % p === 0; p *= eta) {
    const m = largest / p;
    if (firstRung === undefined || Math.abs(Math.log(m / min)) < Math.abs(Math.log(firstRung / min))) firstRung = m;
  }
  const shown = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return {
    message:
      `the largest rung (iterations: ${largest}) is not min_iterations (${min}) x ${eta}^k: the rungs are ${list.map(shown).join(', ')} updates, ` +
      `the last ${step}x the one before, not ${eta}x (a promotion to it adds ${shown(largest - below)} updates)`,
    hint: `for rungs ${eta}x apart set ${iterations}${firstRung !== undefined ? `, or search.min_iterations: ${firstRung}` : ''}`,
  };
}

/** The reduction factor of a search block when usable (an integer ≥ 2), else the default. */
function etaOf(search: Obj): number {
  const eta = search.reduction_factor;
  return typeof eta === 'number' && Number.isInteger(eta) && eta >= 2 ? eta : (SEARCH_DEFAULTS.reduction_factor as number);
}

/**
 * A first rung that fits a largest rung `top`: top / eta^k for the largest k ≤ 2 that divides it evenly into at
 * least one update (so the rungs come eta x apart), else top / eta rounded down; 100 when top is unknown.
 */
function firstRungFor(top: number | undefined, search: Obj): number {
  if (top === undefined || !Number.isInteger(top) || top < 1) return 100;
  const eta = etaOf(search);
  for (const k of [2, 1]) if (top % eta ** k === 0) return top / eta ** k;
  return Math.max(1, Math.floor(top / eta));
}

/**
 * The hint for iterations given as a distribution under a method with rungs: one largest rung that is the
 * file's own min_iterations x eta^k (the largest such not above the distribution's high bound, at least one
 * step above min_iterations), or 8100 with min_iterations: 100 when the file gives no usable min_iterations.
 */
function largestRungHint(search: Obj, high: number): string {
  const min = search.min_iterations;
  const max = (paramSpec('iterations')!.schema as { maximum?: number }).maximum ?? Infinity;
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 1) return 'e.g. iterations: [8100] with search.min_iterations: 100';
  const eta = etaOf(search);
  let top = min * eta;
  while (top * eta <= Math.min(high, max)) top *= eta;
  return top <= max ? `e.g. iterations: [${top}] (min_iterations ${min} x ${eta}^${Math.round(Math.log(top / min) / Math.log(eta))})` : `set search.min_iterations to at most ${Math.floor(max / eta)}`;
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

/** Two significant digits: a suggested bound reads as one a person would write. */
const round2 = (x: number): number => Number(x.toPrecision(2));

/**
 * The value of a number schema's range (a parameter's) nearest to x when x is outside it: the bound itself when
 * inclusive, else a tenth of the way from the bound towards `toward` (a value inside; integers step by 1). x
 * itself when inside. Throws: nothing.
 */
export function nearestInside(schema: Schema, x: number, integer: boolean, toward?: number): number {
  const s = schema as { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number };
  if (s.minimum !== undefined && x < s.minimum) return s.minimum;
  if (s.maximum !== undefined && x > s.maximum) return s.maximum;
  if (s.exclusiveMinimum !== undefined && x <= s.exclusiveMinimum) {
    const b = s.exclusiveMinimum;
    return integer ? b + 1 : round2(b + ((toward ?? s.exclusiveMaximum ?? s.maximum ?? b + 1) - b) / 10);
  }
  if (s.exclusiveMaximum !== undefined && x >= s.exclusiveMaximum) {
    const b = s.exclusiveMaximum;
    return integer ? b - 1 : round2(b - (b - (toward ?? s.minimum ?? s.exclusiveMinimum ?? b - 1)) / 10);
  }
  return x;
}

/**
 * Bounds of a distribution moved inside the parameter's range (the ones inside kept), or undefined when that
 * leaves no interval (both bounds beyond one end of an unbounded range).
 */
function boundsInside(spec: ParamSpec, d: NumericDistribution): [number, number] | undefined {
  const integer = d.kind === 'int_uniform' || d.kind === 'log_int_uniform';
  const inLow = withinParam(spec, d.low);
  const inHigh = withinParam(spec, d.high);
  let low = nearestInside(spec.schema, d.low, integer, inHigh ? d.high : undefined);
  let high = nearestInside(spec.schema, d.high, integer, inLow ? d.low : undefined);
  if (!(low < high)) {
    // Both beyond one end: the whole range, when it has two ends.
    low = nearestInside(spec.schema, -Infinity, integer);
    high = nearestInside(spec.schema, Infinity, integer);
  }
  const logFloor = d.kind === 'log_uniform' ? 0 : d.kind === 'log_int_uniform' ? 0.5 : -Infinity;
  return Number.isFinite(low) && Number.isFinite(high) && low < high && low > logFloor ? [low, high] : undefined;
}

/** What is expected of a distribution's bounds that boundsProblem refuses, and the bounds to write instead. */
function boundsFix(name: string, spec: ParamSpec, d: NumericDistribution): { expected: string; hint: string } {
  const write = (low: number, high: number, kind: string = d.kind): string => `${name}: {${kind}: [${low}, ${high}]}`;
  if (d.low > d.high) return { expected: '[low, high] with low ≤ high', hint: `write the low bound first: ${write(d.high, d.low)}` };
  if (d.kind === 'log_uniform') {
    return {
      expected: 'bounds > 0: a log scale has no 0 nor negative numbers',
      hint: d.high > 0
        ? `write a low bound above 0, e.g. ${write(round2(d.high / 1000), d.high)}${withinParam(spec, d.low) ? `, or ${write(d.low, d.high, 'uniform')} to draw on a linear scale` : ''}`
        : `write bounds above 0, e.g. ${write(1e-4, 1)}`,
    };
  }
  // log_int_uniform with low < 1.
  return {
    expected: 'integer bounds ≥ 1: a log scale has no 0 nor negative numbers',
    hint: d.high >= 1
      ? `write ${write(1, d.high)}${withinParam(spec, d.low) ? `, or ${write(d.low, d.high, 'int_uniform')} to draw ${d.low} too, on a linear scale` : ''}`
      : `write bounds ≥ 1, e.g. ${write(1, 64)}`,
  };
}

/** Checks of the search block and the distributions that the schema cannot express: errors, and the warning of an uneven last rung (unevenLastRung). Throws: nothing. */
export function searchChecks(data: Obj, src: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (segs: Segments, fields: Partial<Diagnostic> & { message: string }, key = false): void => {
    out.push({ severity: 'error', file: src.file, path: formatPath(segs), ...src.at(key ? src.keyNodeAt(segs) : src.nodeAt(segs)), ...fields });
  };
  // A search block that is not a mapping, or a method that is not a known name, is the schema's one error: what
  // the method would need or refuse is unknowable, and checking against the default (grid) would blame keys for
  // a method the file never names.
  if (data.search !== undefined && data.search !== null && !isObj(data.search)) return out;
  const search = isObj(data.search) ? data.search : {};
  if ('method' in search && !(SEARCH_METHODS as readonly string[]).includes(search.method as string)) return out;
  // A key spelled wrong (`trails:`) is the unknown key's error, with its did-you-mean: not also missing.
  const given = (k: string): boolean => k in search || Object.keys(search).some((u) => !SEARCH_KEYS.includes(u) && suggest(u, SEARCH_KEYS) === k);
  // `mehtod: random` names a method the checks cannot take as grid, the default.
  if (!('method' in search) && given('method')) return out;
  const method = typeof search.method === 'string' ? search.method : SEARCH_DEFAULTS.method;
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
    } else if (problem) err([...segs, d.kind], { message: problem, ...boundsFix(name, spec, d), found: src.found(src.nodeAt([...segs, d.kind])) });
    else if (!nonInteger && finite && (!withinParam(spec, d.low) || !withinParam(spec, d.high))) {
      const range = boundsText(spec.schema);
      const outside = [['low', d.low], ['high', d.high]].filter(([, x]) => !withinParam(spec, x as number));
      const fixed = boundsInside(spec, d);
      err([...segs, d.kind], {
        message:
          outside.length === 2
            ? `both bounds, ${d.low} and ${d.high}, are outside the values ${name} may take: ${name} must be${range}`
            : `the ${outside[0][0]} bound ${outside[0][1]} is outside the values ${name} may take: ${name} must be${range}`,
        expected: `low and high${range}`,
        found: src.found(src.nodeAt([...segs, d.kind])),
        hint: fixed ? `write ${name}: {${d.kind}: [${fixed[0]}, ${fixed[1]}]}` : `write low and high${range}`,
      });
    }
    if (name === 'iterations' && HALVING.has(method)) {
      err(segs, {
        message: `${method} sets the iterations of each rung itself: iterations is its largest rung, one value`,
        hint: largestRungHint(search, d.high),
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
  if (needsTrials && !given('trials')) {
    err(['search'], { message: `method ${method} needs \`trials\`: how many configurations to draw`, hint: 'e.g. trials: 27' }, true);
  }
  if (!needsTrials && 'trials' in search) {
    err(['search', 'trials'], { message: 'hyperband draws the configurations of its brackets (Li et al. 2018): trials does not apply', hint: '`dlsweep plan` shows the brackets; remove trials, or use method: halving to choose the count' }, true);
  }
  if (HALVING.has(method)) {
    const it = grid.iterations;
    const fixed = isObj(data.fixed) ? data.fixed.iterations : undefined;
    const largest = Array.isArray(it) ? (it.length === 1 ? it[0] : undefined) : it === undefined ? (fixed ?? paramSpec('iterations')!.default) : undefined;
    if (!given('min_iterations')) {
      // The largest rung the file gives (or the one its own error suggests, the largest of a list) sets the example.
      const listed = Array.isArray(it) ? it.filter((x): x is number => typeof x === 'number') : [];
      const top = typeof largest === 'number' ? largest : listed.length > 0 ? Math.max(...listed) : undefined;
      err(['search'], { message: `method ${method} needs \`min_iterations\`: the updates of the first rung`, hint: `e.g. min_iterations: ${firstRungFor(top, search)}` }, true);
    }
    if (Array.isArray(it) && it.length !== 1) {
      err(['grid', 'iterations'], { message: `${method} trains each rung itself: iterations gives its largest rung, one value`, hint: `e.g. iterations: [${Math.max(...(it as number[]).filter((x) => typeof x === 'number'))}]` });
    } else if (typeof largest === 'number' && typeof search.min_iterations === 'number' && search.min_iterations > largest) {
      err(['search', 'min_iterations'], { message: `the first rung (${search.min_iterations} updates) is above the largest (iterations: ${largest})`, hint: `set min_iterations to at most ${largest}` });
    } else if (typeof largest === 'number' && typeof search.min_iterations === 'number') {
      const eta = search.reduction_factor ?? SEARCH_DEFAULTS.reduction_factor;
      if (Number.isInteger(eta) && (eta as number) >= 2 && Number.isInteger(largest) && Number.isInteger(search.min_iterations)) {
        const uneven = unevenLastRung(search.min_iterations, largest, eta as number);
        if (uneven) {
          const segs: Segments = src.nodeAt(['grid', 'iterations']) ? ['grid', 'iterations'] : src.nodeAt(['fixed', 'iterations']) ? ['fixed', 'iterations'] : ['search', 'min_iterations'];
          out.push({ severity: 'warning', file: src.file, path: formatPath(segs), ...src.at(src.nodeAt(segs)), ...uneven });
        }
      }
    }
  } else {
    for (const k of ['sampler', 'min_iterations', 'reduction_factor']) {
      if (k in search) err(['search', k], { message: `\`${k}\` applies to halving, asha and hyperband only, not ${method}`, hint: `remove ${k}, or use method: halving or asha` }, true);
    }
  }
  return out;
}

/**
 * The number of distinct configurations a search can draw, or undefined when some axis is continuous (a uniform
 * or log_uniform with low < high): choices count their values, integer ranges their integers.
 */
export function distinctConfigurations(axes: readonly SearchAxis[]): number | undefined {
  let n = 1;
  for (const { distribution: d } of axes) {
    if (d.kind === 'categorical') n *= d.choices.length;
    else if (d.kind === 'int_uniform' || d.kind === 'log_int_uniform') n *= d.high - d.low + 1;
    else if (d.low === d.high) continue;
    else return undefined;
  }
  return n;
}

/**
 * A warning at `trials` when the search space is finite and smaller than the trials: some configurations are
 * then drawn more than once, and train the same run again. Undefined otherwise, and for a search without axes
 * (the grid's own warning says every trial is the same). What is drawn is not changed. Throws: nothing.
 */
export function repeatedDrawsWarning(search: SearchConfig): Diagnostic | undefined {
  const { trials } = search.settings;
  const n = distinctConfigurations(search.axes);
  if (search.axes.length === 0 || n === undefined || !search.trialsAt || trials <= n) return undefined;
  return {
    severity: 'warning',
    path: 'search.trials',
    ...search.trialsAt,
    message: `the search space holds ${n} distinct ${n === 1 ? 'configuration' : 'configurations'}, fewer than its ${trials} trials: at least ${trials - n} trials repeat a configuration already drawn, and train it again`,
    hint: `lower trials to ${n}, or widen the space: more choices, wider integer ranges, or a distribution such as {uniform: [low, high]}${!HALVING.has(search.settings.method) && search.axes.every((a) => a.distribution.kind === 'categorical') ? `; method: grid trains each of the ${n} once` : ''}`,
  };
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
    ...(halving ? { sizeAt: sizePositions(src) } : {}),
  };
}

/** Where min_iterations, reduction_factor and iterations are written, for refusals of a search's size. */
function sizePositions(src: Source): NonNullable<SearchConfig['sizeAt']> {
  const out: NonNullable<SearchConfig['sizeAt']> = {};
  const places: [keyof NonNullable<SearchConfig['sizeAt']>, Segments][] = [
    ['min_iterations', ['search', 'min_iterations']],
    ['reduction_factor', ['search', 'reduction_factor']],
    ['iterations', ['grid', 'iterations']],
    ['iterations', ['fixed', 'iterations']],
  ];
  for (const [key, segs] of places) {
    const node = src.nodeAt(segs);
    if (node && !out[key]) out[key] = { file: src.file, path: formatPath(segs), ...src.at(node) };
  }
  return out;
}
