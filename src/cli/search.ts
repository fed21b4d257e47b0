/**
 * Searches at the command line: what `plan` says of a search (trials, rungs, the most updates), and the check
 * that refuses a search over the run limit like a big grid.
 */
import { UserError } from '../errors.js';
import type { Experiment } from '../experiment/types.js';
import { summarizeSearch, type SearchSummary } from '../search/method.js';

/** A whole number with thousands separators. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The longest training a trial of a search without rungs can have: the largest value iterations may take. */
export function longestTrial(exp: Experiment): number {
  const axis = exp.search?.axes.find((a) => a.name === 'iterations');
  if (!axis) return exp.fixed.iterations as number;
  const d = axis.distribution;
  return d.kind === 'categorical' ? Math.max(...(d.choices as number[])) : d.high;
}

/** The search's summary for an experiment with a search. Throws: nothing (the experiment was checked). */
export function searchSummary(exp: Experiment): SearchSummary {
  return summarizeSearch(exp.search!.settings, longestTrial(exp));
}

/** `plan` for a search: the method, the searched parameters, trials, rungs and brackets, the most updates. */
export function describeSearchPlan(exp: Experiment, folds: number, workers: number): string {
  const search = exp.search!;
  const s = search.settings;
  const sum = searchSummary(exp);
  const space = search.axes
    .map((a) => (a.distribution.kind === 'categorical' ? `${a.name} (${a.distribution.choices.length} choices)` : `${a.name} ${search.spellings[a.name] ?? a.distribution.kind}`))
    .join(', ');
  const lines: string[] = [];
  const how = s.method === 'halving' || s.method === 'hyperband' ? ` (sampler ${s.sampler}, reduction factor ${s.reductionFactor}, seed ${s.seed})` : ` (seed ${s.seed})`;
  lines.push(`${exp.name}: ${s.method} search${how} over ${space || 'no parameters'}`);
  const per = folds > 1 ? ` x ${folds} folds` : '';
  if (sum.brackets.length === 0) {
    lines.push(`plan: ${thousands(sum.trials)} trial${sum.trials === 1 ? '' : 's'}, at most ${thousands(sum.mostUpdates * folds)} updates${per ? ` (${thousands(sum.mostUpdates)}${per})` : ''}`);
  } else {
    lines.push(`plan: ${thousands(sum.trials)} trials; rungs ${sum.rungs.map(thousands).join(', ')} updates`);
    sum.brackets.forEach((b, i) => {
      const label = sum.brackets.length > 1 ? `  bracket ${i + 1}: ` : '  ';
      lines.push(`${label}${b.rungs.map((r, k) => `${thousands(b.kept[k])} at ${thousands(r)}`).join(', ')}`);
    });
    lines.push(
      `  at most ${thousands(sum.mostUpdates * folds)} updates${per ? ` (${thousands(sum.mostUpdates)}${per})` : ''}: a promoted configuration is trained again from the start to its next rung`,
    );
  }
  lines.push(`workers: ${workers}`);
  return lines.join('\n');
}

/** Refuse a search that draws more configurations than the run limit. Throws: UserError. */
export function checkSearchLimit(file: string, exp: Experiment, maxRuns: number): void {
  const { trials } = searchSummary(exp);
  if (trials > maxRuns) {
    throw new UserError(`${file}: the search draws ${thousands(trials)} configurations, more than the limit of ${thousands(maxRuns)}`, 'raise the limit with --max-runs N, or lower search.trials');
  }
}
