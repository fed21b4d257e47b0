/** `dlsweep compare --pivot ROW_PARAM COL_PARAM METRIC` (and the report's heatmap): a metric over two parameters. */
import { counted } from '../../text.js';
import { UserError } from '../../errors.js';
import type { ParamValue } from '../../experiment/types.js';
import { mean } from '../../train/statistics.js';
import { compareValues, equalValues, resolveColumn, type ColumnDef } from '../columns.js';
import { aggregateKind, formatMetric } from '../format.js';
import { hasParams, type Row } from '../rows.js';
import type { TableView, ViewColumn, ViewRow } from '../render.js';
import { better, cellText, drawnDigits, metricValues, prepare, resolveMetric, splitList, splitParams, type QueryOptions } from './shared.js';

/**
 * Distinct values of a column over rows, each with the user's spelling: in value order, or in `order` (a
 * search's choices as its file lists them) with values it does not list after them in value order.
 */
export function distinctValues(rows: Row[], def: ColumnDef, order?: ParamValue[]): { value: ParamValue | undefined; text: string }[] {
  const out: { value: ParamValue | undefined; text: string }[] = [];
  const digits = drawnDigits([def], rows);
  for (const r of rows) {
    if (def.kind === 'param' && !hasParams(r)) continue;
    const v = def.get(r);
    if (!out.some((o) => equalValues(o.value, v))) out.push({ value: v, text: cellText(def, r, digits) });
  }
  out.sort((a, b) => (a.value === undefined ? 1 : b.value === undefined ? -1 : compareValues(a.value, b.value)));
  if (!order) return out;
  const place = (v: ParamValue | undefined) => {
    const i = order.findIndex((o) => equalValues(o, v));
    return i < 0 ? order.length : i;
  };
  // A stable sort: values the order does not list keep their value order after the listed ones.
  return out.sort((a, b) => place(a.value) - place(b.value));
}

/** One cell of a two-way table: the mean of a metric over the finished runs with both values, and their count. */
export interface PivotCell {
  mean: number | null;
  n: number;
}

/**
 * The numbers of a two-way table: for each value of `rowDef` and `colDef`, the mean of `metric` over the
 * finished runs that have both values (null and n 0 when none). Values in value order, or in `orders`'
 * (see distinctValues).
 */
export function pivotTable(rows: Row[], rowDef: ColumnDef, colDef: ColumnDef, metric: string, orders: { row?: ParamValue[]; col?: ParamValue[] } = {}) {
  const rowValues = distinctValues(rows, rowDef, orders.row);
  const colValues = distinctValues(rows, colDef, orders.col);
  // Each run into its cell once, in run order (a search's hundreds of distinct values make a filter per cell
  // quadratic): every cell's runs, and so its mean, are those a filter would select.
  const members: Row[][][] = rowValues.map(() => colValues.map(() => []));
  for (const r of rows) {
    const i = rowValues.findIndex((rv) => equalValues(rowDef.get(r), rv.value));
    const j = colValues.findIndex((cv) => equalValues(colDef.get(r), cv.value));
    if (i >= 0 && j >= 0) members[i][j].push(r);
  }
  const cells: PivotCell[][] = members.map((line) =>
    line.map((cellRows) => {
      const vals = metricValues(cellRows, metric);
      return { mean: vals.length ? mean(vals) : null, n: vals.length };
    }),
  );
  return { rowValues, colValues, cells };
}

/**
 * The two-way table of --pivot ROW_PARAM COL_PARAM METRIC: rows are the values of one parameter, columns
 * those of another, cells the mean of the metric over the finished runs with both values; the best cell
 * marked with *. Throws: UserError for unknown names or a wrong number of names.
 */
export function pivotView(title: string, allRows: Row[], options: QueryOptions): TableView {
  const names = splitList(options.pivot);
  if (names.length !== 3) {
    throw new UserError(`--pivot takes 3 names (ROW_PARAM COL_PARAM METRIC), got ${names.length}`, 'e.g. --pivot learning_rate hidden_sizes validation.accuracy');
  }
  const { defs, rows } = prepare(allRows, options);
  const rowDef = resolveColumn(names[0], defs, '--pivot', ['param', 'meta']);
  const colDef = resolveColumn(names[1], defs, '--pivot', ['param', 'meta']);
  const metric = resolveMetric(names[2], defs, '--pivot');
  const { rowValues, colValues, cells } = pivotTable(rows, rowDef, colDef, metric.key);
  const means = cells.flat().map((c) => c.mean).filter((v): v is number => v !== null);
  const target = means.length ? (better(metric) === 'low' ? Math.min(...means) : Math.max(...means)) : undefined;
  const kind = aggregateKind(metric.key);
  const columns: ViewColumn[] = [
    { key: rowDef.key, label: `${rowDef.key} \\ ${colDef.key}` },
    ...colValues.map((c) => ({ key: c.text, label: c.text, align: 'right' as const })),
  ];
  const viewRows: ViewRow[] = rowValues.map((rv, i) => ({
    cells: [
      { text: rv.text, value: rv.value },
      ...cells[i].map((c) => ({
        text: c.mean === null ? '-' : `${formatMetric(metric.key, c.mean, kind)}${c.mean === target ? ' *' : ''}`,
        value: c.mean,
      })),
    ],
  }));
  const counts = cells.flat().map((c) => c.n).filter((n) => n > 0);
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  const others = splitParams(rows, defs).varying.filter((d) => d !== rowDef && d !== colDef).map((d) => d.key);
  const notes = [`${metric.key} by ${rowDef.key} (rows) and ${colDef.key} (columns)`];
  if (options.where !== undefined) notes.push(`where: ${options.where} (${rows.length} of ${counted(allRows.length, 'run')})`);
  const footnotes: string[] = [];
  if (counts.length && hi > 1) footnotes.push(`each cell: mean over ${lo === hi ? hi : `${lo}-${hi}`} finished runs${others.length ? ` (also varying: ${others.join(', ')})` : ''}`);
  if (target !== undefined) footnotes.push(`* best (${better(metric) === 'high' ? 'highest' : 'lowest'}) ${metric.key}; - no finished run`);
  return { kind: 'pivot', title, summary: `${metric.label} by ${rowDef.key} x ${colDef.key}`, notes, footnotes, columns, rows: viewRows };
}

