/** `dlsweep compare --marginals`: a metric averaged over the runs with each value of each parameter. */
import { summarize } from '../../train/statistics.js';
import { equalValues } from '../columns.js';
import { aggregateKind, formatMetric } from '../format.js';
import type { Row } from '../rows.js';
import type { TableView, ViewColumn, ViewRow } from '../render.js';
import { distinctValues } from './pivot.js';
import { better, metricValues, prepare, resolveMetric, splitParams, type QueryOptions } from './shared.js';

/**
 * --marginals: for each parameter (those that vary, or all with onlyChanged false) and each of its values,
 * the mean, sample std, min and max of a metric over the finished runs with that value; the best value of
 * each parameter marked. Throws: UserError for an unknown metric.
 */
export function marginalsView(title: string, allRows: Row[], options: QueryOptions): TableView {
  const { defs, rows, keys } = prepare(allRows, options);
  const named = typeof options.marginals === 'string' ? options.marginals : keys.find((k) => k.column.kind === 'metric')?.column.key;
  const metric = resolveMetric(named, defs, '--marginals');
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
    const target = means.length ? (better(metric) === 'low' ? Math.min(...means) : Math.max(...means)) : undefined;
    values.forEach((v, i) => {
      const best = means.length > 1 && v.s.mean === target;
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
  if (options.where !== undefined) notes.push(`where: ${options.where} (${rows.length} of ${allRows.length} runs)`);
  const footnotes = viewRows.some((r) => r.best) ? [`* best value of each parameter (${better(metric) === 'high' ? 'highest' : 'lowest'} mean)`] : [];
  if (params.length === 0) footnotes.push('no parameter varies between these runs');
  return { kind: 'marginals', title, summary: `${metric.label} per parameter value`, notes, footnotes, columns, rows: viewRows };
}

