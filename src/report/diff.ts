/** `dlsweep diff A B`: two runs side by side, differences marked, metrics with B - A. */
import { plural } from '../text.js';
import { METRIC_KEYS, equalValues, knownColumns, paramOrder } from './columns.js';
import { formatMeanStd, formatMetric, formatParam, horizonText, searchTrainingText, tellsBracket, tellsRung } from './format.js';
import { differentDataWarning, type Row } from './rows.js';
import type { TableView, ViewRow } from './render.js';

function delta(key: string, a: number | null, b: number | null): { text: string; value: number | null } {
  if (a === null || b === null) return { text: '', value: null };
  const d = b - a;
  if (d === 0) return { text: '0', value: 0 };
  return { text: (d > 0 ? '+' : '') + formatMetric(key, d), value: d };
}

/** One run of a diff: its title, its row and, for a search run, its sweep's search method (sweep.json). */
export interface DiffSide {
  title: string;
  row: Row;
  method?: string;
}

/**
 * `dlsweep diff A B`: parameters (union; `-` where a run lacks one) and metrics side by side, differing
 * rows marked ≠, metrics with B - A. `onlyChanged` keeps only the differing rows. Runs of sweeps on
 * different data (their rows' `dataset`) get compare's warning above the table. Search runs add their
 * trial, rung (under a method with rungs), bracket (under hyperband) and the horizon their training was shaped for, with a note when a
 * horizon made it differ from a training of the run's length alone.
 */
export function diffView(a: DiffSide, b: DiffSide, options: { onlyChanged?: boolean } = {}): TableView {
  const rows: ViewRow[] = [];
  const add = (kind: string, name: string, va: Row['params'][string] | undefined, vb: Row['params'][string] | undefined, ta: string, tb: string, d?: { text: string; value: number | null }) => {
    const differs = !equalValues(va ?? null, vb ?? null) || ta !== tb;
    if (options.onlyChanged && !differs) return;
    rows.push({
      best: differs,
      cells: [
        { text: differs ? '≠' : '', value: differs },
        { text: kind, value: kind },
        { text: name, value: name },
        { text: ta, value: va },
        { text: tb, value: vb },
        { text: d?.text ?? '', value: d?.value ?? undefined },
      ],
    });
  };
  add('run', 'status', a.row.status, b.row.status, a.row.status, b.row.status);
  // How a search run was trained: a run stopped at a rung of a longer training is not its parameters alone.
  if (a.row.search || b.row.search) {
    const place = (side: DiffSide, key: 'trial' | 'bracket' | 'rung' | 'horizon') => side.row.search?.[key] ?? null;
    const hyperband = (a.row.search && tellsBracket(a.method)) || (b.row.search && tellsBracket(b.method));
    const rung = (a.row.search && tellsRung(a.method)) || (b.row.search && tellsRung(b.method));
    const fields: ('trial' | 'bracket' | 'rung' | 'horizon')[] = ['trial', ...(hyperband ? (['bracket'] as const) : []), ...(rung ? (['rung'] as const) : [])];
    if (a.row.search?.horizon !== undefined || b.row.search?.horizon !== undefined) fields.push('horizon');
    for (const f of fields) {
      const text = (side: DiffSide) => {
        const v = place(side, f);
        if (v === null) return '-';
        if (f === 'horizon') return `${v} updates`;
        return (f === 'bracket' && !tellsBracket(side.method)) || (f === 'rung' && !tellsRung(side.method)) ? '-' : String(v);
      };
      add('search', f, place(a, f), place(b, f), text(a), text(b));
    }
  }
  for (const p of paramOrder([...Object.keys(a.row.params), ...Object.keys(b.row.params)])) {
    add('param', p, a.row.params[p], b.row.params[p], formatParam(a.row.params[p], a.row.spellings[p]), formatParam(b.row.params[p], b.row.spellings[p]));
  }
  const defs = knownColumns([a.row, b.row]);
  for (const key of METRIC_KEYS) {
    if (!defs.some((d) => d.key === key)) continue;
    const va = a.row.status === 'done' ? a.row.metrics[key] : null;
    const vb = b.row.status === 'done' ? b.row.metrics[key] : null;
    const text = (r: Row, v: number | null) => (r.status !== 'done' ? '-' : formatMeanStd(key, v, r.std[key] ?? undefined));
    add('metric', key, va, vb, text(a.row, va), text(b.row, vb), delta(key, va, vb));
  }
  const changed = rows.filter((r) => r.best).length;
  const dataWarning = differentDataWarning([a.row, b.row], 'their metrics were measured on different rows, so B - A is not a like-for-like difference');
  // A horizon says how the run was trained: the parameters alone, trained to their length, give another training.
  const trained = (name: string, side: DiffSide) =>
    side.row.search && horizonText(side.row.search, side.row.params.iterations, false) ? [`${name}: ${searchTrainingText(side.row.search, side.row.params, side.method)}`] : [];
  return {
    kind: 'diff',
    nameKey: 'name',
    title: `${a.title} vs ${b.title}`,
    summary: `${changed} ${plural(changed, 'difference')}`,
    notes: [`A = ${a.title}`, `B = ${b.title}`, ...trained('A', a), ...trained('B', b), ...(dataWarning ? [dataWarning] : [])],
    footnotes: ['≠ differs; B - A for metrics; n/a = undefined metric, - = not recorded'],
    columns: [
      { key: 'differs', label: '' },
      { key: 'kind', label: 'kind' },
      { key: 'name', label: 'name' },
      { key: 'a', label: 'A', align: 'right' },
      { key: 'b', label: 'B', align: 'right' },
      { key: 'delta', label: 'B - A', align: 'right' },
    ],
    rows,
  };
}
