/** `dlsweep compare --marginals`: a metric averaged over the runs with each value of each parameter. */
import { summarize } from '../../train/statistics.js';
import { equalValues } from '../columns.js';
import { aggregateKind, formatMetric } from '../format.js';
import { rowsObjective, type Row } from '../rows.js';
import { counted } from '../../text.js';
import type { TableView, ViewColumn, ViewRow } from '../render.js';
import { distinctValues } from './pivot.js';
import { better, metricValues, prepare, resolveMetric, splitParams, type QueryOptions } from './shared.js';

/**
 * --marginals: for each parameter (those that vary, or all with onlyChanged false) and each of its values,
 * the mean, sample std, min and max of a metric over the finished runs with that value; the best value of
 * each parameter marked. Throws: UserError for an unknown metric.
 */
export function marginalsView(title: string, allRows: Row[], options: QueryOptions): TableView {
  const { defs, rows } = prepare(allRows, options);
  // The metric: the one named, else the objective's (never the display sort's); better by the objective's
  // goal when it is the objective's metric.
  const { objective } = rowsObjective(rows);
  const named = typeof options.marginals === 'string' ? options.marginals : objective.keys[0].metric;
  const metric = resolveMetric(named, defs, '--marginals');
  const key = objective.keys.find((k) => k.metric === metric.key);
  const direction = key ? (key.goal === 'maximize' ? 'high' : 'low') : better(metric);
  const params = options.onlyChanged === false ? defs.filter((d) => d.kind === 'param') : splitParams(rows, defs).varying;
  const kind = aggregateKind(metric.key);
  const fmt = (v: number | null) => formatMetric(metric.key, v, kind);
  const columns: ViewColumn[] = [
    { key: 'best', label: '' },
    { key: 'parameter', label: 'parameter' },
    { key: 'value', label: 'value' },
    { key: 'runs', label: 'runs', align: 'right' },
    { key: 'mean', label: `${metric.label} mean`, align: 'right' },
    { key: 'std', label: 'std', align: 'right' },
    { key: 'min', label: 'min', align: 'right' },
    { key: 'max', label: 'max', align: 'right' },
  ];
  const viewRows: ViewRow[] = [];
  for (const p of params) {
    const values = distinctValues(rows, p).map((v) => ({ ...v, s: summarize(metricValues(rows.filter((r) => equalValues(p.get(r), v.value)), metric.key)) }));
    const means = values.map((v) => v.s.mean).filter((m): m is number => m !== null);
    const target = means.length ? (direction === 'low' ? Math.min(...means) : Math.max(...means)) : undefined;
    values.forEach((v, i) => {
      // A value whose runs all diverged or failed has no mean, and does not stop the others' best being marked.
      const best = values.length > 1 && v.s.mean !== null && v.s.mean === target;
      viewRows.push({
        best,
        cells: [
          { text: best ? '*' : '', value: best },
          { text: i === 0 ? p.key : '', value: p.key },
          { text: v.text, value: v.value },
          { text: String(v.s.n), value: v.s.n },
          { text: fmt(v.s.mean), value: v.s.mean },
          { text: fmt(v.s.std), value: v.s.std },
          { text: fmt(v.s.min), value: v.s.min },
          { text: fmt(v.s.max), value: v.s.max },
        ],
      });
    });
  }
  const notes = [`${metric.key} averaged over the finished runs with each value of each parameter (std: sample, n-1)`];
  if (options.where !== undefined) notes.push(`where: ${options.where} (${rows.length} of ${counted(allRows.length, 'run')})`);
  const footnotes = viewRows.some((r) => r.best) ? [`* best value of each parameter (${direction === 'high' ? 'highest' : 'lowest'} mean)`] : [];
  const unfinished = rows.filter((r) => r.status !== 'done').length;
  if (unfinished) footnotes.push(`${counted(unfinished, 'run')} did not finish (diverged, failed or pending): not in the means; runs counts the finished ones`);
  if (params.length === 0) footnotes.push('no parameter varies between these runs');
  return { kind: 'marginals', title, summary: `${metric.label} per parameter value`, notes, footnotes, columns, rows: viewRows };
}

