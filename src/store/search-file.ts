/**
 * A search's search.json settings as written (snake_case, only those that apply to the method) and read back
 * (a record written before, in camelCase, read alike).
 */
import type { SearchSettings } from '../search/method.js';

/** The methods that train rungs: theirs are the sampler, the rungs' bounds and the reduction factor. */
const WITH_RUNGS = new Set(['halving', 'asha', 'hyperband']);

/** The camelCase keys of settings in records written before they were snake_case, with the key read instead. */
const OLD_SPELLINGS: Record<string, string> = { minIterations: 'min_iterations', maxIterations: 'max_iterations', reductionFactor: 'reduction_factor' };

/**
 * search.json's `settings`: the search's settings in snake_case, only those that apply to its method (trials
 * for every method but hyperband, whose brackets decide it; the sampler, the first and largest rungs and the
 * reduction factor for halving, asha and hyperband), in a fixed order.
 */
export function recordedSettings(s: SearchSettings): Record<string, unknown> {
  const rungs = WITH_RUNGS.has(s.method);
  return {
    method: s.method,
    ...(s.method !== 'hyperband' ? { trials: s.trials } : {}),
    seed: s.seed,
    ...(rungs ? { sampler: s.sampler, min_iterations: s.minIterations, max_iterations: s.maxIterations, reduction_factor: s.reductionFactor } : {}),
    goal: s.goal,
  };
}

/**
 * Settings read from a search.json in snake_case, whichever spelling it was written in: a camelCase key of an
 * earlier record (reductionFactor) is read as its snake_case one, unless that is there too.
 */
export function readSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) {
    const key = OLD_SPELLINGS[k] ?? k;
    if (!(key in out) || key === k) out[key] = v;
  }
  return out;
}
