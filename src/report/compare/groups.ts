/** `dlsweep compare --group-by`: runs with equal values of some parameters aggregated (repeats over seeds...). */
import { UserError } from '../../errors.js';
import type { ParamValue } from '../../experiment/types.js';
import { objectiveSortSpec } from '../../sweep/objective.js';
import { summarize, tInterval } from '../../train/statistics.js';
import { counted } from '../../text.js';
import { compareByKeys, compareValues, describeSort, parseSortKeys, resolveColumn, type ColumnDef } from '../columns.js';
import { aggregateKind, formatMetric, metricKind } from '../format.js';
import { rowsObjective, type Row } from '../rows.js';
import type { TableView, ViewCell, ViewColumn, ViewRow } from '../render.js';
import { DEFAULT_GROUP_METRIC_KEYS, cellText, chosenColumns, drawnDigits, metricValues, prepare, splitList, splitParams, type QueryOptions } from './shared.js';

function groupKey(values: (ParamValue | undefined)[]): string {
  return JSON.stringify(values.map((v) => (v === undefined ? '\u0000missing' : v)));
}

function rangeText(key: string, s: { min: number | null; max: number | null; n: number }): string {
  if (s.n === 0) return 'n/a';
  const kind = metricKind(key) === 'count' ? 'count' : undefined;
  return `${formatMetric(key, s.min, kind)}–${formatMetric(key, s.max, kind)}`;
}

/**
 * The values a metric can take: [0, 1] for proportions (accuracy, recall, ROC AUC...), [0, ∞) for counts,
 * milliseconds and losses (BCE >= 0); other metrics unbounded. A t-interval of the mean is clipped to it:
 * the normal approximation behind Student's t can reach past a bound the mean itself never crosses.
 */
function possibleRange(key: string): [number, number] {
  const kind = metricKind(key);
  if (kind === 'ratio') return [0, 1];
  if (kind === 'count' || /(^|\.)loss$/.test(key)) return [0, Infinity];
  return [-Infinity, Infinity];
}

/** The 95% t-interval of a metric's values (tInterval) clipped to what the metric can be (possibleRange). */
function clippedTInterval(key: string, values: readonly number[]): { low: number; high: number } | null {
  const t = tInterval(values);
  if (t === null) return null;
  const [lo, hi] = possibleRange(key);
  return { low: Math.min(hi, Math.max(lo, t.low)), high: Math.min(hi, Math.max(lo, t.high)) };
}

/**
 * Groups of runs with equal values of the given parameters (repeats over seeds, thresholds...): per metric
 * the mean ± sample std and the range over the finished runs of each group, and their count.
 * Throws: UserError for unknown names.
 */
export function groupsView(title: string, allRows: Row[], options: QueryOptions): TableView {
  const { defs, rows } = prepare(allRows, options);
  const by = splitList(options.groupBy).map((n) => resolveColumn(n, defs, '--group-by', ['param', 'meta']));
  if (by.length === 0) throw new UserError('--group-by needs at least one parameter', 'e.g. --group-by learning_rate,hidden_sizes (the runs of each combination are aggregated)');
  const picked = chosenColumns(options.columns, defs, DEFAULT_GROUP_METRIC_KEYS);
  // Groups aggregate metrics: a parameter or run fact in --columns would be dropped or averaged into n/a.
  const other = [...(picked.params ?? []), ...picked.metrics.filter((d) => d.kind !== 'metric')];
  if (other.length) {
    throw new UserError(
      `--group-by: --columns ${other.map((d) => d.key).join(', ')}: ${other.length === 1 ? 'not a metric' : 'not metrics'}, and groups show metrics only (mean ± std per group)`,
      `to see a parameter per group, group by it too: --group-by ${[...by, ...other.filter((d) => d.kind === 'param')].map((d) => d.key).join(',')}; metrics to show, e.g. --columns validation.accuracy,validation.recall`,
    );
  }
  const chosen = picked.metrics;
  if (chosen.length === 0) throw new UserError('--group-by: --columns names no metric to aggregate', 'e.g. --columns validation.accuracy,validation.recall');
  // Order: by the sort keys (metrics by their mean, group parameters by value), default by the objective
  // of the sweeps over the means (default: validation accuracy then loss); groups without finished runs last; ties by the group's values.
  const keys = options.sort
    ? parseSortKeys(options.sort, defs).map((k) => {
        if (k.column.kind !== 'metric' && !by.includes(k.column)) {
          throw new UserError(`--sort: "${k.column.key}" is not a metric or a --group-by parameter`, `groups can be sorted by ${by.map((d) => d.key).join(', ')} or a metric`);
        }
        return k;
      })
    : parseSortKeys(objectiveSortSpec(rowsObjective(rows).objective.keys), defs);
  // A metric the groups are ordered by is always shown: an order by a hidden column cannot be checked.
  const ordering = keys.filter((k) => k.column.kind === 'metric' && !chosen.includes(k.column)).map((k) => k.column);
  const metrics = [...chosen, ...ordering];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = groupKey(by.map((d) => d.get(r)));
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  interface Group {
    rows: Row[];
    done: number;
    stats: Map<string, ReturnType<typeof summarize>>;
  }
  const list: Group[] = [...groups.values()].map((g) => ({
    rows: g,
    done: g.filter((r) => r.status === 'done').length,
    stats: new Map(metrics.map((m) => [m.key, summarize(metricValues(g, m.key))])),
  }));
  const valueOf = (g: Group, def: ColumnDef): ParamValue | undefined =>
    def.kind === 'metric' ? (g.stats.get(def.key) ?? summarize(metricValues(g.rows, def.key))).mean : def.get(g.rows[0]);
  list.sort((a, b) => {
    if ((a.done === 0) !== (b.done === 0)) return a.done === 0 ? 1 : -1;
    const byKeys = compareByKeys(a, b, keys, valueOf);
    if (byKeys !== 0) return byKeys;
    for (const d of by) {
      const c = compareValues(d.get(a.rows[0]) ?? null, d.get(b.rows[0]) ?? null);
      if (c !== 0) return c;
    }
    return 0;
  });
  const first = list[0];
  const isBest = (g: Group) =>
    first !== undefined && first.done > 0 && keys[0].column.kind === 'metric' && keys.filter((k) => k.column.kind === 'metric').every((k) => valueOf(g, k.column) === valueOf(first, k.column));
  const shown = options.top !== undefined ? list.slice(0, options.top) : list;
  const showOther = shown.some((g) => g.done < g.rows.length);
  const columns: ViewColumn[] = [
    { key: 'best', label: '' },
    ...by.map((d) => ({ key: d.key, label: d.label })),
    { key: 'runs', label: 'runs', align: 'right' },
    ...(showOther ? [{ key: 'not_done', label: 'not done' }] : []),
    ...metrics.flatMap((m): ViewColumn[] => [
      { key: m.key, label: `${m.label} mean ± std`, align: 'right' },
      { key: `${m.key}.range`, label: 'min–max', align: 'right', only: 'text' },
      { key: `${m.key}.t_interval`, label: '95% t-interval', align: 'right', only: 'text' },
    ]),
  ];
  const digits = drawnDigits(by, shown.map((g) => g.rows[0]));
  const viewRows: ViewRow[] = shown.map((g) => {
    const rep = g.rows[0];
    const other = new Map<string, number>();
    for (const r of g.rows) if (r.status !== 'done') other.set(r.status, (other.get(r.status) ?? 0) + 1);
    const best = isBest(g);
    return {
      best,
      status: g.done === 0 ? g.rows[0].status : 'done',
      cells: [
        { text: best ? '*' : '', value: best },
        ...by.map((d) => ({ text: cellText(d, rep, digits), value: d.get(rep) })),
        { text: String(g.done), value: g.done },
        ...(showOther ? [{ text: [...other].map(([s, n]) => `${n} ${s}`).join(', '), value: [...other].map(([s, n]) => `${n} ${s}`).join(', ') }] : []),
        ...metrics.flatMap((m): ViewCell[] => {
          const s = g.stats.get(m.key)!;
          const kind = aggregateKind(m.key);
          const text = s.n === 0 ? 'n/a' : `${formatMetric(m.key, s.mean, kind)} ± ${s.std === null ? 'n/a' : formatMetric(m.key, s.std, kind)}`;
          const t = clippedTInterval(m.key, metricValues(g.rows, m.key));
          return [
            { text, value: { mean: s.mean, std: s.std, min: s.min, max: s.max, n: s.n, t_low: t?.low ?? null, t_high: t?.high ?? null } },
            { text: rangeText(m.key, s), value: undefined },
            { text: t ? `[${formatMetric(m.key, t.low, kind)}, ${formatMetric(m.key, t.high, kind)}]` : 'n/a', value: undefined },
          ];
        }),
      ],
    };
  });
  const varyingWithin = splitParams(rows, defs).varying.filter((d) => !by.includes(d)).map((d) => d.key);
  const notes = [
    `runs grouped by ${by.map((d) => d.key).join(', ')}; per metric the mean ± sample standard deviation (n-1), range and 95% t-interval of the mean (Student, n - 1 degrees of freedom) over each group's finished runs, clipped to what the metric can be ([0, 1] for proportions, >= 0 for counts and losses)`,
  ];
  if (varyingWithin.length) notes.push(`varying within groups: ${varyingWithin.join(', ')}`);
  if (options.where !== undefined) notes.push(`where: ${options.where} (${rows.length} of ${counted(allRows.length, 'run')})`);
  const footnotes: string[] = [];
  if (viewRows.some((r) => r.best)) footnotes.push(`* best by ${describeSort(keys.filter((k) => k.column.kind === 'metric'))} (means)`);
  if (ordering.length) footnotes.push(`${ordering.map((d) => d.key).join(', ')}: shown because the groups are ordered by ${ordering.length === 1 ? 'it' : 'them'} (${describeSort(keys.filter((k) => k.column.kind === 'metric'))}, means)`);
  if (shown.length < list.length) footnotes.push(`top ${shown.length} of ${list.length} groups`);
  return { kind: 'groups', title, summary: `${counted(list.length, 'group')} of ${counted(rows.length, 'run')}`, notes, footnotes, columns, rows: viewRows };
}

