/**
 * Asynchronous successive halving (ASHA: L. Li, K. Jamieson, A. Rostamizadeh, E. Gonina, J. Ben-tzur,
 * M. Hardt, B. Recht & A. Talwalkar 2020, "A System for Massively Parallel Hyperparameter Tuning", MLSys,
 * algorithm 2, with early-stopping rate s = 0): the rungs of successive halving, but a configuration is
 * promoted from rung k as soon as it is in the top floor(|rung k| / eta) of the results rung k has so far and
 * was not promoted yet; get_job looks for such a configuration from the highest rung down, and only when there
 * is none grows the bottom rung with a new configuration.
 *
 * Here the jobs are handed out in fixed batches (src/search/method.ts), so this state changes only between
 * batches: `job()` marks a promotion at once (a batch never promotes the same configuration twice), `record()`
 * adds the results of a finished batch. Pure: no I/O.
 *
 * Few trials: algorithm 2 runs until a time budget ends; here `trials` configurations are drawn and the search
 * ends when no job is left. So that a search with few trials still reaches the largest rung (as halving keeps
 * at least one configuration per rung), once nothing is in flight, no configuration is promotable and none is
 * left to draw, the best result of the highest rung that has results and promoted none continues.
 *
 * Ranking within a rung is halving's (halving.ts rank: by the objective's keys in order, each key's better end
 * first, ties to the lower trial number). A failed or non-finite result is never promoted (halving's synchronous rule may promote one
 * when too few runs finished; here a later configuration can always take the place).
 */
import { rank, type Goal, type RungOutcome } from './halving.js';

/** A job: promote `trial` to `rung` (rung > 0), or draw a new configuration for rung 0 (trial undefined). */
export interface AshaJob {
  rung: number;
  trial?: number;
  /** For a promotion: the candidates of the rung it leaves at the time (its top 1/eta, best first). */
  candidates?: RungOutcome[];
}

/** The rungs' results and promotions of an ASHA search. */
export class AshaState {
  /** results[k]: the results at rung k, in the order they were recorded. */
  readonly results: RungOutcome[][];
  /** promoted[k]: the trials promoted from rung k. */
  readonly promoted: Set<number>[];

  /** `rungs`: how many rungs (at least 1); `eta`: the reduction factor (>= 2); `goals`: each objective key's goal, in order. */
  constructor(
    readonly rungs: number,
    readonly eta: number,
    readonly goals: Goal | readonly Goal[],
  ) {
    this.results = Array.from({ length: rungs }, () => []);
    this.promoted = Array.from({ length: rungs }, () => new Set<number>());
  }

  /**
   * get_job of algorithm 2: the first promotable configuration from the highest rung below the last down to
   * rung 0 (marked promoted), else a new configuration for rung 0 when `canDraw`, else (nothing `inFlight`)
   * the few-trials rule of the header, else null.
   * Throws: nothing.
   */
  job(canDraw: boolean, inFlight: boolean): AshaJob | null {
    for (let k = this.rungs - 2; k >= 0; k--) {
      const top = rank(this.results[k], this.goals)
        .slice(0, Math.floor(this.results[k].length / this.eta))
        .filter((o) => Number.isFinite(o.value));
      const next = top.find((o) => !this.promoted[k].has(o.trial));
      if (next) {
        this.promoted[k].add(next.trial);
        return { rung: k + 1, trial: next.trial, candidates: top };
      }
    }
    if (canDraw) return { rung: 0 };
    if (inFlight) return null;
    // The rungs are final: the few-trials rule of the header.
    for (let k = this.rungs - 2; k >= 0; k--) {
      if (this.promoted[k].size > 0) continue;
      const top = rank(this.results[k], this.goals).filter((o) => Number.isFinite(o.value)).slice(0, 1);
      if (top.length === 0) continue;
      this.promoted[k].add(top[0].trial);
      return { rung: k + 1, trial: top[0].trial, candidates: top };
    }
    return null;
  }

  /** Record a finished result of `trial` at `rung` (`rest`: the objective's later keys). Throws: nothing. */
  record(trial: number, rung: number, value: number, rest?: readonly number[]): void {
    this.results[rung].push(rest ? { trial, value, rest } : { trial, value });
  }
}

/**
 * Bounds of the configurations an ASHA search of n trials trains at each rung: at least max(1, floor(n_k / eta))
 * of rung k reach rung k + 1 (once every result is in, get_job promotes the whole top 1/eta; the few-trials
 * rule one), as synchronous halving keeps; at most max(1, n_k - eta + 1) (the eta - 1 worst results of a rung
 * are never in its top 1/eta while they are there, so never promoted), reached only when early promotions
 * keep being overtaken. Failed runs can only lower the counts. Throws: nothing.
 */
export function ashaRungBounds(trials: number, rungs: number, eta: number): { least: number[]; most: number[] } {
  const least = [trials];
  const most = [trials];
  for (let k = 1; k < rungs; k++) {
    least.push(least[k - 1] > 0 ? Math.max(1, Math.floor(least[k - 1] / eta)) : 0);
    most.push(most[k - 1] > 0 ? Math.max(1, most[k - 1] - eta + 1) : 0);
  }
  return { least, most };
}
