/**
 * Search methods as pure objects: given the searched axes, the settings and the outcomes of the batches run so
 * far, a method proposes the next batch of trainings and the decisions (promotions) that led to it. No I/O, no
 * clock, no Math.random: the configurations, the promotions and so the results depend only on the experiment.
 *
 * A search is a deterministic procedure written as a generator that yields batches and receives each batch's
 * outcomes; `nextBatch` replays it from the start over the recorded outcomes, so a resumed search takes exactly
 * the decisions an uninterrupted one takes, whatever order the outcomes of a batch arrived in.
 *
 * Methods:
 * - random: `trials` independent draws, each axis one randomDouble of an MT19937 stream of the search seed, in
 *   trial then axis order (src/search/distributions.ts maps the draw to a value); one batch.
 * - quasirandom: point t of a scrambled Sobol' sequence over the axes (src/search/sobol.ts), a categorical axis
 *   taking the choice of the cell its coordinate falls in; one batch.
 * - tpe: src/search/tpe.ts. Batch rule: the first n_startup_trials (10) draws form one batch; after that,
 *   batches of TPE_BATCH (8) proposals, each from the model fitted to the outcomes of every earlier batch.
 * - halving: synchronous successive halving (src/search/halving.ts): the `trials` configurations are drawn by
 *   the sampler and trained at the first rung; each rung is one batch (with the tpe sampler, the first rung is
 *   drawn in the tpe batches above), and the promotions from a rung are decided once all its outcomes are in.
 * - hyperband: the brackets of Li et al. (2018), one after another, each a halving as above.
 * - asha: asynchronous successive halving (src/search/asha.ts) in batches of ASHA_BATCH (4) trainings: each
 *   batch is filled by get_job, which promotes a configuration in the top 1/eta of its rung's results so far
 *   (highest rung first) or else draws a new one, until the batch is full or no job is left; the results of a
 *   batch are recorded when all of it is in, then the next batch is filled. The sampler (random, quasirandom
 *   or tpe) draws from the outcomes of the earlier batches; TPE sees each configuration once, at the furthest
 *   rung it reached (Optuna's view of a pruned trial), and starts from uniform draws until 10 have outcomes.
 *
 * Objectives of several keys: halving, hyperband and asha rank by every key in order (halving.ts rank, the
 * tables' rule); TPE models the first key alone, a scalar, since its split into good and bad trials and its
 * densities need one number per trial (Bergstra et al. 2011); the later keys only break ties of the first.
 */
import { Rng } from '../train/rng.js';
import { fromUnit, type ParamValue, type SearchAxis } from './distributions.js';
import { AshaState, ashaRungBounds } from './asha.js';
import { hyperbandBrackets, keptAt, promote, rungs as rungList, type Goal, type RungOutcome } from './halving.js';
import { Sobol, SOBOL_MAX_DIMENSIONS } from './sobol.js';
import { TPE_DEFAULTS, tpeModel, tpePropose, type TpeModel, type TpeObservation } from './tpe.js';

export const SEARCH_METHODS = ['grid', 'random', 'quasirandom', 'halving', 'asha', 'hyperband', 'tpe'] as const;
export type MethodName = (typeof SEARCH_METHODS)[number];
export const SAMPLERS = ['random', 'quasirandom', 'tpe'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/**
 * Proposals per batch of the TPE sampler after its start-up batch (the fixed batch rule in the header). Each
 * batch costs a round trip (record the outcomes, refit, dispatch) during which the threads wait; 8 keeps up to
 * 8 threads busy per step and halves the round trips of batches of 4, whose best losses it matched within the
 * spread between sampler seeds (README, "Searches").
 */
export const TPE_BATCH = 8;

/** Trainings per batch of asha (the fixed batch rule in the header). */
export const ASHA_BATCH = 4;

/** Methods with rungs, whose promoted configurations continue from a saved training state. */
export const RUNG_METHODS: readonly MethodName[] = ['halving', 'asha', 'hyperband'];

/** Whether a method trains rungs (halving, asha, hyperband). Throws: nothing. */
export function hasRungs(method: MethodName): boolean {
  return RUNG_METHODS.includes(method);
}

/** A search's settings, resolved (defaults filled). */
export interface SearchSettings {
  method: Exclude<MethodName, 'grid'>;
  /** Configurations drawn (halving, asha, random, quasirandom, tpe); hyperband's come from its brackets. */
  trials: number;
  /** Seed of the sampler's stream (not the runs' `seed`). */
  seed: number;
  /** How halving, asha and hyperband draw configurations. */
  sampler: SamplerName;
  /** halving/asha/hyperband: the first rung and the largest (the experiment's iterations). */
  minIterations: number;
  maxIterations: number;
  /** halving/asha/hyperband: eta. */
  reductionFactor: number;
  goal: Goal;
}

/** One training the search asks for. */
export interface TrialRequest {
  /** Trial number, 0-based, in the order configurations were drawn. */
  trial: number;
  /** Hyperband bracket (0 = most aggressive); 0 for the other methods. */
  bracket: number;
  /** Rung index within the search's rung list; 0 for methods without rungs. */
  rung: number;
  /** Updates to train; undefined when the trial's iterations come from its parameters or the fixed value. */
  iterations?: number;
  /** The searched parameters' values. */
  params: Record<string, ParamValue>;
}

/** A promotion decision: which trials continue from one rung to the next, and which stop there. */
export interface Decision {
  bracket: number;
  rung: number;
  /** Trials ranked at this rung, best first, with their objective (asha: the rung's top 1/eta at the time, its candidates). */
  ranked: { trial: number; value: number }[];
  promoted: number[];
  /** Trials stopped at this rung (asha stops none while it runs: a later batch may still promote them). */
  stopped: number[];
}

export interface Batch {
  /** 0-based position in the search. */
  index: number;
  requests: TrialRequest[];
  /** Decisions taken just before this batch (the promotions it carries out). */
  decisions: Decision[];
}

/** The outcome of one request: the objective (NaN when the training failed). */
export interface TrialOutcome {
  trial: number;
  rung: number;
  /** The objective's first key. */
  value: number;
  /** The objective's later keys, in order; absent for a one-key objective. */
  rest?: number[];
}

/** What a search will do, for `plan`: configurations, rungs, brackets and the most updates it can train. */
export interface SearchSummary {
  trials: number;
  rungs: number[];
  /**
   * Configurations trained at each rung of each bracket; asha's are the least (synchronous halving's counts)
   * and `most` the most it can train (asha.ts ashaRungBounds).
   */
  brackets: { trials: number; rungs: number[]; kept: number[]; most?: number[] }[];
  /**
   * Upper bound of the updates trained: a promoted configuration continues from its state at the previous
   * rung, so a promotion costs the difference of the two rungs (more only if a saved state was lost).
   */
  mostUpdates: number;
}

/**
 * Updates trained by `counts[i]` configurations reaching rung i of `rungs` (updates, ascending), when a promoted
 * configuration continues from its state at the previous rung: it trains only the difference of the two.
 * Throws: nothing.
 */
export function continuedUpdates(rungs: number[], counts: number[]): number {
  return rungs.reduce((t, len, i) => t + (len - (i > 0 ? rungs[i - 1] : 0)) * counts[i], 0);
}

/**
 * The summary of a search (see SearchSummary). `maxTrialIterations` is the longest training a non-halving
 * trial can have (the largest value iterations can take). Throws: RangeError for unusable rungs.
 */
export function summarizeSearch(s: SearchSettings, maxTrialIterations: number): SearchSummary {
  if (s.method === 'asha') {
    const r = rungList(s.minIterations, s.maxIterations, s.reductionFactor);
    const { least, most } = ashaRungBounds(s.trials, r.length, s.reductionFactor);
    return { trials: s.trials, rungs: r, brackets: [{ trials: s.trials, rungs: r, kept: least, most }], mostUpdates: continuedUpdates(r, most) };
  }
  if (s.method === 'halving' || s.method === 'hyperband') {
    const r = rungList(s.minIterations, s.maxIterations, s.reductionFactor);
    const starts = s.method === 'halving' ? [{ trials: s.trials, firstRung: 0 }] : hyperbandBrackets(r, s.reductionFactor);
    const brackets = starts.map((b) => {
      const own = r.slice(b.firstRung);
      return { trials: b.trials, rungs: own, kept: own.map((_, i) => Math.min(b.trials, keptAt(b.trials, s.reductionFactor, i))) };
    });
    const most = brackets.reduce((sum, b) => sum + continuedUpdates(b.rungs, b.kept), 0);
    return { trials: brackets.reduce((n, b) => n + b.trials, 0), rungs: r, brackets, mostUpdates: most };
  }
  return { trials: s.trials, rungs: [], brackets: [], mostUpdates: s.trials * maxTrialIterations };
}

type Proc = Generator<Batch, void, TrialOutcome[]>;

/** Draws configurations for trial numbers in order; `observe` feeds outcomes to the model-based sampler. */
interface Sampler {
  /** Whether configurations must be drawn in batches with outcomes in between (tpe). */
  readonly sequential: boolean;
  draw(trial: number): Record<string, ParamValue>;
  /** An outcome of `trial` at rung `step`; with perTrial, it replaces that trial's earlier one. */
  observe(params: Record<string, ParamValue>, step: number, value: number, trial?: number): void;
}

/**
 * The sampler of a search. perTrial: TPE keeps one observation per configuration, at the furthest rung it
 * reached, in draw order (asha; Optuna's view of a pruned trial); otherwise one per outcome (halving,
 * hyperband: their order and counts stay as they were).
 */
function makeSampler(axes: SearchAxis[], name: SamplerName, seed: number, goal: Goal, perTrial = false): Sampler {
  const sign = goal === 'minimize' ? 1 : -1;
  if (name === 'quasirandom') {
    if (axes.length > SOBOL_MAX_DIMENSIONS) throw new RangeError(`quasirandom covers up to ${SOBOL_MAX_DIMENSIONS} searched parameters, got ${axes.length}`);
    const sobol = axes.length > 0 ? new Sobol(axes.length, seed) : undefined;
    return {
      sequential: false,
      draw: (t) => {
        const u = sobol ? sobol.point(t) : [];
        return Object.fromEntries(axes.map((a, j) => [a.name, fromUnit(a.distribution, u[j])]));
      },
      observe: () => undefined,
    };
  }
  const rng = new Rng(seed);
  if (name === 'random') {
    return {
      sequential: false,
      draw: () => Object.fromEntries(axes.map((a) => [a.name, fromUnit(a.distribution, rng.randomDouble())])),
      observe: () => undefined,
    };
  }
  const obs: TpeObservation[] = [];
  const at = new Map<number, number>();
  // The estimators of the observations so far, fitted once for the proposals of a batch (observe drops them).
  let model: TpeModel | null = null;
  return {
    sequential: true,
    draw: () => {
      if (!model && obs.length >= TPE_DEFAULTS.nStartupTrials) model = tpeModel(axes, obs);
      return tpePropose(axes, obs, rng, (a, u) => fromUnit(a.distribution, u), model);
    },
    observe: (params, step, value, trial) => {
      model = null;
      const o = { params, step, loss: Number.isFinite(value) ? sign * value : Infinity };
      const i = perTrial && trial !== undefined ? at.get(trial) : undefined;
      if (i !== undefined) obs[i] = o;
      else {
        if (trial !== undefined) at.set(trial, obs.length);
        obs.push(o);
      }
    },
  };
}

/** Sizes of the tpe batches drawing n configurations when `before` draws came earlier in the search. */
function tpeBatches(n: number, before: number): number[] {
  const out: number[] = [];
  let drawn = before;
  let left = n;
  while (left > 0) {
    const size = drawn < TPE_DEFAULTS.nStartupTrials ? Math.min(left, TPE_DEFAULTS.nStartupTrials - drawn) : Math.min(left, TPE_BATCH);
    out.push(size);
    drawn += size;
    left -= size;
  }
  return out;
}

/** Outcomes of a batch by trial (value and rest), checking that they answer its requests exactly. */
function byTrial(batch: Batch, outcomes: TrialOutcome[]): Map<number, RungOutcome> {
  const m = new Map<number, RungOutcome>();
  for (const o of outcomes) m.set(o.trial, o.rest ? { trial: o.trial, value: o.value, rest: o.rest } : { trial: o.trial, value: o.value });
  const ok = outcomes.length === batch.requests.length && batch.requests.every((r) => m.has(r.trial) && outcomes.find((o) => o.trial === r.trial)!.rung === r.rung);
  if (!ok) throw new SearchHistoryError(`the outcomes recorded for batch ${batch.index + 1} do not answer its requests`);
  return m;
}

/** Recorded outcomes that do not fit the search replayed from the experiment (the file or the engine changed). */
export class SearchHistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchHistoryError';
  }
}

/**
 * asha in batches (header; asha.ts): fill a batch of ASHA_BATCH jobs by get_job, run it, record its results,
 * until no job is left. A batch's decisions: per rung left, the candidates (its top 1/eta) and the trials
 * promoted from it, in the order get_job chose them.
 */
function* asha(axes: SearchAxis[], s: SearchSettings, sampler: Sampler, goals: readonly Goal[]): Proc {
  const r = rungList(s.minIterations, s.maxIterations, s.reductionFactor);
  const state = new AshaState(r.length, s.reductionFactor, goals);
  const params = new Map<number, Record<string, ParamValue>>();
  let drawn = 0;
  for (let index = 0; ; index++) {
    const requests: TrialRequest[] = [];
    const decisions = new Map<number, Decision>();
    while (requests.length < ASHA_BATCH) {
      const job = state.job(drawn < s.trials, requests.length > 0);
      if (!job) break;
      if (job.trial === undefined) {
        const trial = drawn++;
        params.set(trial, sampler.draw(trial));
        requests.push({ trial, bracket: 0, rung: 0, iterations: r[0], params: params.get(trial)! });
        continue;
      }
      const from = job.rung - 1;
      let d = decisions.get(from);
      if (!d) {
        d = { bracket: 0, rung: from, ranked: job.candidates!.map((o) => ({ trial: o.trial, value: o.value })), promoted: [], stopped: [] };
        decisions.set(from, d);
      }
      d.promoted.push(job.trial);
      requests.push({ trial: job.trial, bracket: 0, rung: job.rung, iterations: r[job.rung], params: params.get(job.trial)! });
    }
    if (requests.length === 0) return;
    const batch: Batch = { index, requests, decisions: [...decisions.values()].sort((a, b) => b.rung - a.rung) };
    const got = byTrial(batch, yield batch);
    for (const q of requests) {
      const { value, rest } = got.get(q.trial)!;
      state.record(q.trial, q.rung, value, rest);
      sampler.observe(q.params, q.rung, value, q.trial);
    }
  }
}

/** A configuration still in a halving: its parameters and its outcome at the rung it reached. */
type Alive = RungOutcome & { params: Record<string, ParamValue> };

/** `goals`: each objective key's goal, in order; the first is the settings' goal. Throws: RangeError when they differ. */
function* procedure(axes: SearchAxis[], s: SearchSettings, goals: readonly Goal[] = [s.goal]): Proc {
  if (goals[0] !== s.goal) throw new RangeError(`the objective's first goal (${goals[0]}) is not the search's goal (${s.goal})`);
  let batchIndex = 0;
  let nextTrial = 0;
  const sampler = makeSampler(axes, s.method === 'random' || s.method === 'quasirandom' || s.method === 'tpe' ? s.method : s.sampler, s.seed, s.goal, s.method === 'asha');

  /** Draw n configurations and run them at `rung` (one batch, or tpe batches); returns trials and outcomes. */
  function* start(n: number, bracket: number, rung: number, iterations: number | undefined): Generator<Batch, Alive[], TrialOutcome[]> {
    const sizes = sampler.sequential ? tpeBatches(n, nextTrial) : [n];
    const out: Alive[] = [];
    for (const size of sizes) {
      const requests: TrialRequest[] = [];
      for (let i = 0; i < size; i++) requests.push({ trial: nextTrial++, bracket, rung, iterations, params: sampler.draw(nextTrial - 1) });
      const batch: Batch = { index: batchIndex++, requests, decisions: [] };
      const got = byTrial(batch, yield batch);
      for (const r of requests) {
        const o = got.get(r.trial)!;
        sampler.observe(r.params, rung, o.value);
        out.push({ ...o, params: r.params });
      }
    }
    return out;
  }

  if (s.method === 'random' || s.method === 'quasirandom' || s.method === 'tpe') {
    yield* start(s.trials, 0, 0, undefined);
    return;
  }
  if (s.method === 'asha') {
    yield* asha(axes, s, sampler, goals);
    return;
  }
  const r = rungList(s.minIterations, s.maxIterations, s.reductionFactor);
  const brackets = s.method === 'halving' ? [{ s: r.length - 1, trials: s.trials, firstRung: 0 }] : hyperbandBrackets(r, s.reductionFactor);
  for (let b = 0; b < brackets.length; b++) {
    const { trials: n, firstRung } = brackets[b];
    let alive = yield* start(n, b, firstRung, r[firstRung]);
    for (let i = 1; firstRung + i < r.length; i++) {
      const keep = Math.min(alive.length, keptAt(n, s.reductionFactor, i));
      const promoted = promote(alive, keep, goals);
      const decision: Decision = {
        bracket: b,
        rung: firstRung + i - 1,
        ranked: promote(alive, alive.length, goals).map((t) => ({ trial: t, value: alive.find((x) => x.trial === t)!.value })),
        promoted,
        stopped: alive.map((a) => a.trial).filter((t) => !promoted.includes(t)).sort((x, y) => x - y),
      };
      const next = promoted.map((t) => alive.find((a) => a.trial === t)!);
      const rung = firstRung + i;
      const batch: Batch = {
        index: batchIndex++,
        requests: next.map((a) => ({ trial: a.trial, bracket: b, rung, iterations: r[rung], params: a.params })),
        decisions: [decision],
      };
      const got = byTrial(batch, yield batch);
      alive = next.map((a) => ({ ...got.get(a.trial)!, params: a.params }));
      for (const a of alive) sampler.observe(a.params, rung, a.value);
    }
  }
}

/**
 * The next batch of a search given the outcomes of its earlier batches (history[i] answers batch i, in any
 * order), or null when the search is finished. Pure and deterministic (header).
 * Throws: SearchHistoryError when the history does not answer the batches the search proposes;
 * RangeError for unusable settings (rungs, more axes than quasirandom covers).
 */
export function nextBatch(axes: SearchAxis[], settings: SearchSettings, history: TrialOutcome[][], goals?: readonly Goal[]): Batch | null {
  const search = startSearch(axes, settings, goals);
  for (const outcomes of history) {
    if (!search.current) throw new SearchHistoryError(`the search has ${history.length} recorded batches but finishes after fewer`);
    search.answer(outcomes);
  }
  return search.current;
}

/** A search under way: the batch to run now (null when finished) and a way to give its outcomes. */
export interface SearchInProgress {
  readonly current: Batch | null;
  /**
   * Give the outcomes of the current batch (any order); the next batch becomes current.
   * Throws: SearchHistoryError when they do not answer it, or when the search is finished.
   */
  answer(outcomes: TrialOutcome[]): void;
}

/**
 * Start a search: the same procedure nextBatch replays, kept running, so that a search of B batches proposes
 * each once (replaying from the start for every batch costs B^2 / 2 proposals, TPE's model fits included).
 * `goals`: each key's goal of the objective the outcomes answer (default: the settings' goal, one key).
 * Throws: RangeError for unusable settings, or goals whose first is not the settings' goal.
 */
export function startSearch(axes: SearchAxis[], settings: SearchSettings, goals?: readonly Goal[]): SearchInProgress {
  const proc = procedure(axes, settings, goals);
  let step = proc.next();
  return {
    get current() {
      return step.done ? null : step.value;
    },
    answer(outcomes) {
      if (step.done) throw new SearchHistoryError('the search is finished: no batch to answer');
      step = proc.next(outcomes);
    },
  };
}

/**
 * Run a search to the end with a synchronous objective (tests, and searches whose objective is computed in
 * process): returns every batch, with the outcomes given. `objective` returns the first key's value, or every
 * key's value in order (the goals of each in `goals`). Throws: what nextBatch throws.
 */
export function runSearch(
  axes: SearchAxis[],
  settings: SearchSettings,
  objective: (r: TrialRequest) => number | number[],
  goals?: readonly Goal[],
): { batches: Batch[]; outcomes: TrialOutcome[][] } {
  const batches: Batch[] = [];
  const outcomes: TrialOutcome[][] = [];
  const proc = procedure(axes, settings, goals);
  let step = proc.next();
  while (!step.done) {
    const batch = step.value;
    batches.push(batch);
    const got = batch.requests.map((r): TrialOutcome => {
      const v = objective(r);
      return typeof v === 'number' ? { trial: r.trial, rung: r.rung, value: v } : { trial: r.trial, rung: r.rung, value: v[0], ...(v.length > 1 ? { rest: v.slice(1) } : {}) };
    });
    outcomes.push(got);
    step = proc.next(got);
  }
  return { batches, outcomes };
}
