/**
 * The runs table of a sweep: sortable columns (click a header; again to reverse), a column chooser, the
 * best run (★) and the runs statistically tied with it (≈) marked, runs ticked for comparison, and a
 * grouped view (mean, standard deviation and n of every numeric column per value of a parameter).
 */
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { fmt, fmtMean, meanStd, paramText } from '../format.js';
import { runUrl } from '../links.js';

const MAX_ROWS = 500;

function compareValues(a, b) {
  const na = a === null || a === undefined || a === '';
  const nb = b === null || b === undefined || b === '';
  if (na || nb) return Number(na) - Number(nb); // empty cells last either way
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/**
 * Sort rows by a column key (null: keep the server's order); `dir` 1 ascending, -1 descending. Full ties go
 * to the lower run number, as compare --sort breaks them (run 10 after run 9).
 */
export function sortRows(rows, key, dir) {
  if (!key) return rows;
  const get = key === '__run' ? (r) => r.folder : (r) => r.values[key];
  return [...rows].sort((a, b) => {
    const va = get(a);
    const vb = get(b);
    const empty = (v) => v === null || v === undefined || v === '';
    const c = empty(va) || empty(vb) ? compareValues(va, vb) : dir * compareValues(va, vb);
    return c || a.run - b.run;
  });
}

/** Groups of rows by the value of `param`: { key, label, n, mean: {col: x}, std: {col: x} } over numeric columns. */
export function groupRows(rows, param, columns) {
  const by = new Map();
  for (const r of rows) {
    const v = r.values[param];
    const k = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    if (!by.has(k)) by.set(k, { key: k, value: v, label: paramText(r, param), rows: [] });
    by.get(k).rows.push(r);
  }
  return [...by.values()]
    .sort((a, b) => compareValues(a.value, b.value))
    .map((g) => {
      const mean = {};
      const std = {};
      const n = {};
      for (const c of columns) {
        if (c.key === param || (c.kind !== 'metric' && c.kind !== 'param')) continue;
        const vals = g.rows.map((r) => r.values[c.key]);
        if (!vals.some((v) => typeof v === 'number')) continue;
        const s = meanStd(vals);
        mean[c.key] = s.mean;
        std[c.key] = s.std;
        n[c.key] = s.n;
      }
      return { key: g.key, label: g.label, n: g.rows.length, mean, std, counts: n };
    });
}

function Marker({ row }) {
  if (row.damaged) return html`<span class="marker damaged" title=${row.damaged}>!</span>`;
  if (row.best) return html`<span class="marker best" title="best run">★</span>`;
  if (row.tied_with_best) return html`<span class="marker tied" title="statistically tied with the best (McNemar's exact test, p ≥ 0.05)">≈</span>`;
  return null;
}

/** The column chooser: a checkbox per column, grouped by kind. */
function Chooser({ columns, shown, setShown }) {
  const kinds = [
    ['param', 'parameters'],
    ['metric', 'metrics'],
    ['ci', 'intervals'],
    ['marker', 'other'],
  ];
  return html`<details class="chooser"><summary>Columns (${shown.size} of ${columns.length})</summary><div class="chooser-body">
    ${kinds.map(([kind, title]) => {
      const cols = columns.filter((c) => c.kind === kind);
      return cols.length
        ? html`<fieldset><legend>${title}</legend>${cols.map(
            (c) => html`<label><input type="checkbox" checked=${shown.has(c.key)} onChange=${(e) => {
              const next = new Set(shown);
              if (e.currentTarget.checked) next.add(c.key);
              else next.delete(c.key);
              setShown(next);
            }} /> ${c.label}</label>`,
          )}</fieldset>`
        : null;
    })}
  </div></details>`;
}

const MAIN_METRICS = ['loss', 'accuracy', 'precision', 'recall', 'specificity', 'f1', 'roc_auc'];

/**
 * Columns shown at first: the parameters that vary, the main metrics of each split (test figures
 * included where a test split exists), the status; the rest through the chooser.
 */
export function defaultColumns(columns, params) {
  const main = new Set([...['train.loss', 'train.accuracy'], ...['validation', 'test'].flatMap((s) => MAIN_METRICS.map((m) => `${s}.${m}`)), 'status']);
  return new Set(columns.filter((c) => (c.kind === 'param' ? params.includes(c.key) : main.has(c.key))).map((c) => c.key));
}

export function RunsTable({ sweepId, columns, params, rows, groupBy, picked, onPick }) {
  const [sort, setSort] = useState({ key: null, dir: 1 });
  const [shown, setShown] = useState(() => defaultColumns(columns, params));
  const [limit, setLimit] = useState(MAX_ROWS);
  const visible = columns.filter((c) => shown.has(c.key));
  const sorted = useMemo(() => sortRows(rows, sort.key, sort.dir), [rows, sort]);
  const groups = useMemo(() => (groupBy ? groupRows(rows, groupBy, columns) : null), [rows, groupBy, columns]);
  const onSort = (key) => setSort((s) => (s.key === key ? { key, dir: -s.dir } : { key, dir: 1 }));
  const arrow = (key) => (sort.key === key ? (sort.dir > 0 ? ' ▲' : ' ▼') : '');
  const chooser = html`<${Chooser} columns=${columns} shown=${shown} setShown=${setShown} />`;
  if (groups) {
    const numeric = visible.filter((c) => c.key !== groupBy && groups.some((g) => g.mean[c.key] !== undefined));
    return html`<div class="table-tools">${chooser}</div><div class="table-wrap"><table class="runs grouped" id="groups-table">
      <thead><tr><th>${groupBy}</th><th>n</th>${numeric.map((c) => html`<th>${c.label} (mean ± std)</th>`)}</tr></thead>
      <tbody>${groups.map(
        (g) => html`<tr data-group=${g.key}><td>${g.label}</td><td class="num">${g.n}</td>${numeric.map(
          (c) => html`<td class="num" data-v=${g.mean[c.key] ?? ''}>${g.mean[c.key] === undefined || g.mean[c.key] === null ? '' : fmtMean(c.key, g.mean[c.key])}${g.std[c.key] !== null && g.std[c.key] !== undefined ? html` <span class="muted">± ${fmtMean(c.key, g.std[c.key])}</span>` : null}</td>`,
        )}</tr>`,
      )}</tbody></table></div>`;
  }
  return html`<div class="table-tools">${chooser}<span class="muted">${rows.length} runs${rows.length > limit ? `, first ${limit} shown` : ''}</span></div>
    <div class="table-wrap"><table class="runs" id="runs-table">
      <thead><tr><th></th><th></th><th class="sortable" onClick=${() => onSort('__run')}>run</th>${visible.map(
        (c) => html`<th class=${`sortable kind-${c.kind}`} data-key=${c.key} onClick=${() => onSort(c.key)}>${c.label}${arrow(c.key)}</th>`,
      )}</tr></thead>
      <tbody>${sorted.slice(0, limit).map(
        (r) => html`<tr key=${r.folder} data-run=${r.folder} class=${[r.best ? 'best' : '', r.tied_with_best ? 'tied' : '', r.damaged ? 'damaged' : ''].join(' ').trim()}>
          <td><input type="checkbox" aria-label=${`compare ${r.folder}`} checked=${picked.has(r.folder)} onChange=${(e) => onPick(r.folder, e.currentTarget.checked)} /></td>
          <td><${Marker} row=${r} /></td>
          <td><a href=${runUrl(sweepId, r.folder)}>${r.folder}</a></td>
          ${visible.map((c) => html`<td class=${typeof r.values[c.key] === 'number' ? 'num' : ''} data-v=${r.values[c.key] ?? ''}>${paramText(r, c.key)}</td>`)}
        </tr>`,
      )}</tbody>
    </table></div>
    ${rows.length > limit ? html`<button onClick=${() => setLimit((l) => l + MAX_ROWS)}>Show ${Math.min(MAX_ROWS, rows.length - limit)} more</button>` : null}`;
}
