/**
 * What `dlsweep compare` computes, as TableViews: the runs table (filtered, sorted, columns chosen),
 * groups of repeats (--group-by), a two-way table (--pivot) and per-value averages (--marginals), one file
 * per view. Pure: rows in, views out.
 */
import { UserError } from '../../errors.js';
import { differentDataWarning, type Row } from '../rows.js';
import { describeColumns, knownColumns } from '../columns.js';
import type { TableView } from '../render.js';
import { groupsView } from './groups.js';
import { marginalsView } from './marginals.js';
import { pivotView } from './pivot.js';
import { runsView } from './runs.js';
import { splitList, type QueryOptions } from './shared.js';

export { DEFAULT_GROUP_METRIC_KEYS, DEFAULT_METRIC, DEFAULT_METRIC_KEYS, cellText, splitList, splitParams, type QueryOptions } from './shared.js';
export { runsTable, runsView } from './runs.js';
export { groupsView } from './groups.js';
export { distinctValues, pivotTable, pivotView, type PivotCell } from './pivot.js';
export { marginalsView } from './marginals.js';

/**
 * The view `dlsweep compare` prints for these options: --pivot, --group-by or --marginals (one at most),
 * else the runs table. Throws: UserError for conflicting or bad options.
 */
export function compareView(title: string, rows: Row[], options: QueryOptions = {}): TableView {
  // An option given an empty value (--sort "", --group-by "") is a mistake, never "use the default".
  const empty = (['groupBy', 'pivot'] as const).find((k) => options[k] !== undefined && splitList(options[k]).length === 0);
  if (empty || options.marginals === '') {
    const option = empty === 'groupBy' ? '--group-by' : empty === 'pivot' ? '--pivot' : '--marginals';
    const example = { '--group-by': 'e.g. --group-by learning_rate,hidden_sizes', '--pivot': 'e.g. --pivot learning_rate hidden_sizes validation.accuracy', '--marginals': "e.g. --marginals validation.loss, or --marginals alone for the objective's metric" }[option];
    throw new UserError(`${option} names no ${option === '--marginals' ? 'metric' : 'column'}: its value is empty`, `${example}; the columns there:\n${describeColumns(knownColumns(rows))}`);
  }
  const modes = [options.pivot && splitList(options.pivot).length ? '--pivot' : '', splitList(options.groupBy).length ? '--group-by' : '', options.marginals ? '--marginals' : ''].filter(Boolean);
  if (modes.length > 1) throw new UserError(`${modes.join(' and ')} cannot be combined`, 'pick one view per command');
  if (options.top !== undefined && (modes[0] === '--pivot' || modes[0] === '--marginals')) {
    throw new UserError(`--top applies to runs and --group-by groups, not to ${modes[0]}`);
  }
  if (!modes[0]) return runsView(title, rows, options);
  const view = modes[0] === '--pivot' ? pivotView(title, rows, options) : modes[0] === '--group-by' ? groupsView(title, rows, options) : marginalsView(title, rows, options);
  // Aggregates over sweeps on different data mix unlike figures: say so above the table.
  const warning = differentDataWarning(rows, `${modes[0]} mixes their runs (add dataset to --group-by, or compare one dataset at a time)`);
  if (warning) view.notes.unshift(warning);
  return view;
}

