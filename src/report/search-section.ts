/**
 * The report's search section, for sweeps whose runs belong to a search (params.json `search`):
 * - the objective (the sweep's, by default the validation loss) of each trial at the furthest rung it reached, against the trial number,
 *   with the best-so-far line: the best run of the trials so far, at any rung;
 * - for halving, asha and Hyperband, the rung plot: the objective at each rung, a line joining the rungs of each
 *   promoted configuration;
 * - a parallel-coordinates chart of the searched parameters and the objective, one line per trial, coloured
 *   by the quintile of its objective among the trials, choices labelled as the tables write them, in the
 *   file's order from the top.
 * Built from the rows alone (src/report/rows.ts), so it reads nothing more than `compare` does.
 */
import { counted } from '../text.js';
import { escapeHtml } from './render.js';
import { renderSvg } from './charts.js';
import { formatMetric, formatParam, runHorizonText, searchPlaceText } from './format.js';
import { bestOf, compareRows, rowsObjective, type Row } from './rows.js';
import { metricWords } from '../sweep/objective.js';
import type { ParamValue } from '../experiment/types.js';
import { OBJECTIVE, objectiveSpec, parallelSpec, rungSpec, type ChartObjective, type TrialRuns } from '../ui/static/charts/search-specs.js';

/** The trials of a search's rows, in trial order, each with its runs by rung. Throws: nothing. */
export function trialsOf(rows: Row[], key: ChartObjective = OBJECTIVE): TrialRuns[] {
  const by = new Map<number, TrialRuns>();
  for (const r of rows) {
    if (!r.search) continue;
    let t = by.get(r.search.trial);
    if (!t) {
      // Values other than numbers as the tables write them (a schedule as the experiment spells it, `{kind: cosine}`).
      const texts = Object.fromEntries(Object.keys(r.spellings).filter((k) => typeof r.params[k] !== 'number').map((k) => [k, formatParam(r.params[k], r.spellings[k])]));
      t = { trial: r.search.trial, runs: [], final: null, params: r.params, texts };
      by.set(r.search.trial, t);
    }
    const v = r.status === 'done' ? (r.metrics[key.metric] ?? null) : null;
    t.runs.push({ rung: r.search.rung, iterations: r.params.iterations as number, value: v });
  }
  const out = [...by.values()].sort((a, b) => a.trial - b.trial);
  for (const t of out) {
    t.runs.sort((a, b) => a.rung - b.rung);
    const last = t.runs[t.runs.length - 1];
    t.final = last.value;
    t.params = { ...t.params, iterations: last.iterations };
  }
  return out;
}

/**
 * Each trial's furthest run (the run at the highest rung it reached, finished or not), in row order; rows of
 * no search kept. The run whose objective the search charts plot for the trial: a mean over a trial's runs
 * at rungs of different lengths would say little. Throws: nothing.
 */
export function furthestRuns(rows: Row[]): Row[] {
  const furthest = new Map<number, Row>();
  for (const r of rows) {
    if (!r.search) continue;
    const f = furthest.get(r.search.trial);
    if (!f || r.search.rung > f.search!.rung) furthest.set(r.search.trial, r);
  }
  const kept = new Set(furthest.values());
  return rows.filter((r) => !r.search || kept.has(r));
}

/** How a run was trained when it stopped at a rung of a longer training (copying its parameters alone is another training), in parentheses; '' otherwise. */
function horizonOf(r: Row): string {
  const text = r.search ? runHorizonText(r.search, r.params) : undefined;
  return text ? ` (${escapeHtml(text)})` : '';
}

/**
 * The search section's HTML, or '' when no run belongs to a search. `searched`: the parameters that vary
 * between the runs (the grid axes shown elsewhere in the report); `method`: the search's (sweep.json), which
 * decides whether the best run's bracket is told; `choiceOrders`: each choice parameter's values in the
 * file's order, the order of its axis in the parallel coordinates.
 * Throws: vega's error for an invalid spec (a bug).
 */
export async function searchSection(rows: Row[], searched: string[], method?: string, choiceOrders: Record<string, ParamValue[]> = {}): Promise<string> {
  const key = rowsObjective(rows).objective.keys[0];
  const trials = trialsOf(rows, key);
  if (trials.length === 0) return '';
  const finished = trials.filter((t) => t.final !== null);
  if (finished.length === 0) return '<section id="search"><h2>Search</h2><p class="note">No trial has finished yet.</p></section>';
  const rungs = new Set(rows.filter((r) => r.search).map((r) => r.search!.rung));
  const params = searched.filter((n) => n !== 'iterations' || rungs.size <= 1);
  const figs = await Promise.all([
    renderSvg(objectiveSpec(trials, key)),
    ...(rungs.size > 1 ? [renderSvg(rungSpec(trials, key))] : []),
    ...(params.length > 0 ? [renderSvg(parallelSpec(trials, params, key, choiceOrders))] : []),
  ]);
  // The best run by the objective over every rung: the run the table stars and EXPERIMENT/best names.
  const searchRows = rows.filter((r) => r.search);
  const stars = bestOf(searchRows);
  const best = [...stars].sort((a, b) => compareRows(a, b, [key]))[0];
  const bestText = best
    ? `best run: ${escapeHtml(best.folder)}, ${searchPlaceText(best.search!, method)} at ${typeof best.params.iterations === 'number' ? counted(best.params.iterations, 'update') : `${best.params.iterations} updates`}${horizonOf(best)}, ${escapeHtml(metricWords(key.metric))} ${escapeHtml(formatMetric(key.metric, best.metrics[key.metric]))}, the run the table stars. `
    : '';
  return (
    `<section id="search"><h2>Search</h2><p class="note">${counted(trials.length, 'trial')}${rungs.size > 1 ? ` over ${rungs.size} rungs` : ''}; ` +
    bestText +
    `The objective is the ${escapeHtml(metricWords(key.metric))} (${key.goal}); a trial's point is taken at the furthest rung it reached, the best-so-far line over every run.</p>` +
    `<div class="charts">${figs.map((s) => `<figure>${s}</figure>`).join('')}</div></section>`
  );
}
