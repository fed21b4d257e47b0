/**
 * Successive halving and Hyperband: the rungs (training lengths), the brackets, and who is promoted.
 * Pure: no I/O.
 *
 * Synchronous successive halving (K. Jamieson & A. Talwalkar 2016, "Non-stochastic best arm identification and
 * hyperparameter optimization", AISTATS, algorithm 1; in the form of L. Li et al. 2018, "Hyperband: a novel
 * bandit-based approach to hyperparameter optimization", JMLR 18, algorithm 1, inner loop): n configurations are
 * trained for r updates; the best floor(n / eta) by the objective continue to eta r updates, and so on.
 * Rung i keeps floor(n / eta^i) configurations, and at least one, so a search of few trials still reaches the
 * largest rung. Rungs are min_iterations * eta^i while below max_iterations, then max_iterations itself
 * (Optuna's SuccessiveHalvingPruner rungs with a final rung at the budget).
 *
 * Hyperband (Li et al. 2018, algorithm 1): s_max = floor(log_eta(R / r)) with R / r the ratio of the largest
 * to the smallest rung; bracket s = s_max .. 0 starts n_s = ceil((s_max + 1) / (s + 1) * eta^s) configurations
 * at rung s_max - s and halves them up to the largest. For R / r = 81, eta = 3 the brackets start 81, 34, 15, 8
 * and 5 configurations (the paper's table 1).
 *
 * Ranking: by the objective's keys in order (lexicographic), each key's better end first, as the tables' best
 * (src/sweep/objective.ts compareByObjective): the first key decides, a tie on it goes to the next key. On each
 * key a non-finite value (a failed or diverged training, an undefined metric) ranks after every finite one and
 * ties with another non-finite one; ties on every key go to the lower trial number, so the decision never
 * depends on the order outcomes arrived in. With a one-key objective this is the first key's order alone.
 */

export type Goal = 'minimize' | 'maximize';

/** The rungs of halving: min * eta^i below max, then max. Throws: RangeError for min > max, eta < 2 or non-integers. */
export function rungs(minIterations: number, maxIterations: number, eta: number): number[] {
  if (!Number.isInteger(minIterations) || !Number.isInteger(maxIterations) || minIterations < 1 || minIterations > maxIterations) {
    throw new RangeError(`rungs: need integers 1 <= min_iterations (${minIterations}) <= max_iterations (${maxIterations})`);
  }
  if (!Number.isInteger(eta) || eta < 2) throw new RangeError(`rungs: reduction_factor must be an integer >= 2, got ${eta}`);
  const out: number[] = [];
  for (let r = minIterations; r < maxIterations; r *= eta) out.push(r);
  out.push(maxIterations);
  return out;
}

/** How many configurations rung i of a halving that starts n keeps: max(1, floor(n / eta^i)). Throws: nothing. */
export function keptAt(n: number, eta: number, i: number): number {
  return Math.max(1, Math.floor(n / Math.pow(eta, i)));
}

/** One Hyperband bracket: it starts `trials` configurations at rungs[firstRung]. */
export interface Bracket {
  /** s in Li et al.: the number of halvings the bracket performs. */
  s: number;
  trials: number;
  /** Index into the rung list of the bracket's first rung. */
  firstRung: number;
}

/**
 * Hyperband's brackets over the given rungs (formulas in the header), most aggressive (s = s_max) first.
 * s_max is the number of rungs minus one, i.e. floor(log_eta(R / r)) rounded up when R is not r eta^k.
 * Throws: RangeError when rungs is empty.
 */
export function hyperbandBrackets(rungList: number[], eta: number): Bracket[] {
  if (rungList.length === 0) throw new RangeError('hyperbandBrackets: no rungs');
  const sMax = rungList.length - 1;
  const out: Bracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    // Integer arithmetic: ceil((sMax + 1) * eta^s / (s + 1)) without a rounding error in the division.
    const num = (sMax + 1) * Math.pow(eta, s);
    out.push({ s, trials: Math.floor((num + s) / (s + 1)), firstRung: sMax - s });
  }
  return out;
}

/** An outcome at one rung: the trial and its objective (NaN or ±Infinity when the training failed or diverged). */
export interface RungOutcome {
  trial: number;
  /** The value of the objective's first key. */
  value: number;
  /** The values of the objective's later keys, in order; absent for a one-key objective. */
  rest?: readonly number[];
}

/**
 * Order two outcomes by the objective (rule in the header) without the trial tie-break: negative when `x` is
 * better, 0 when they tie on every key. `goals`: each key's goal, in order (one Goal: a one-key objective).
 * Throws: nothing.
 */
export function compareOutcomes(x: RungOutcome, y: RungOutcome, goals: Goal | readonly Goal[]): number {
  const keys = typeof goals === 'string' ? [goals] : goals;
  for (let k = 0; k < keys.length; k++) {
    const vx = k === 0 ? x.value : x.rest?.[k - 1];
    const vy = k === 0 ? y.value : y.rest?.[k - 1];
    const fx = Number.isFinite(vx);
    const fy = Number.isFinite(vy);
    if (fx !== fy) return fx ? -1 : 1;
    if (fx && vx !== vy) return (keys[k] === 'minimize' ? 1 : -1) * (vx! - vy!);
  }
  return 0;
}

/**
 * Order outcomes best first (rule in the header); `goals` as compareOutcomes. Returns a new array. Throws: nothing.
 */
export function rank(outcomes: RungOutcome[], goals: Goal | readonly Goal[]): RungOutcome[] {
  return [...outcomes].sort((x, y) => compareOutcomes(x, y, goals) || x.trial - y.trial);
}

/** The trials promoted from a rung: the best `keep` by rank(). Returns trial numbers, best first. Throws: nothing. */
export function promote(outcomes: RungOutcome[], keep: number, goals: Goal | readonly Goal[]): number[] {
  return rank(outcomes, goals)
    .slice(0, keep)
    .map((o) => o.trial);
}
