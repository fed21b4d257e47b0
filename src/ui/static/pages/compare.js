/**
 * Compare: runs (`?runs=SWEEP/RUN,...`) or sweeps (`?sweeps=ID,...`) side by side, showing only the rows
 * whose values differ (a toggle shows all). Sweeps, or runs of sweeps, on different datasets are labelled
 * so: their metrics are not measured on the same rows.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { duration, fmt, paramText, when } from '../format.js';
import { runApi, runUrl, sweepApi, sweepUrl } from '../links.js';
import { ErrorBox, objectiveText } from '../components/common.js';

const text = (v) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? fmt('', v) : JSON.stringify(v));

/** Split `SWEEP/RUN` at its last slash. */
function splitRun(s) {
  const i = s.lastIndexOf('/');
  return i < 0 ? null : { sweep: s.slice(0, i), run: s.slice(i + 1) };
}

/** Rows of a comparison: [{ section, key, values: [..] , differs }]. */
function table(items, sections) {
  const out = [];
  for (const [section, get] of sections) {
    const keys = [...new Set(items.flatMap((it) => Object.keys(get(it) ?? {})))];
    for (const key of keys) {
      const values = items.map((it) => (get(it) ?? {})[key]);
      const shown = values.map((v) => (typeof v === 'number' ? fmt(key, v) : text(v)));
      out.push({ section, key, values: shown, differs: new Set(shown).size > 1 });
    }
  }
  return out;
}

function DiffTable({ heads, rows, all }) {
  const shown = all ? rows : rows.filter((r) => r.differs);
  let last = null;
  return html`<div class="table-wrap"><table class="diff" id="diff-table">
    <thead><tr><th></th>${heads.map((h) => html`<th>${h}</th>`)}</tr></thead>
    <tbody>${shown.flatMap((r) => {
      const head = r.section !== last ? html`<tr class="section"><th colspan=${heads.length + 1}>${r.section}</th></tr>` : null;
      last = r.section;
      return [head, html`<tr class=${r.differs ? 'differs' : ''} data-key=${r.key}><th>${r.key}</th>${r.values.map((v) => html`<td>${v}</td>`)}</tr>`];
    })}</tbody>
  </table></div>
  ${shown.length === 0 ? html`<p class="muted">Nothing differs.</p>` : null}`;
}

function datasetNote(datasets) {
  const distinct = [...new Set(datasets.filter(Boolean))];
  return distinct.length > 1
    ? html`<div class="warning" id="datasets-differ" role="note"><strong>Different datasets:</strong> ${distinct.join(' · ')}. Their metrics are measured on different rows and are not directly comparable.</div>`
    : null;
}

export function Compare({ query }) {
  const runs = (query.get('runs') ?? '').split(',').filter(Boolean).map(splitRun).filter(Boolean);
  const sweeps = (query.get('sweeps') ?? '').split(',').filter(Boolean);
  const [state, setState] = useState({ runs: null, sweeps: null, error: null });
  const [all, setAll] = useState(false);
  const key = `${query.get('runs')}|${query.get('sweeps')}`;
  useEffect(() => {
    document.title = 'compare · dlsweep';
    let live = true;
    Promise.all([Promise.all(runs.map((r) => getJson(runApi(r.sweep, r.run)))), Promise.all(sweeps.map((s) => getJson(sweepApi(s))))]).then(
      ([rs, ss]) => live && setState({ runs: rs, sweeps: ss, error: null }),
      (error) => live && setState({ runs: null, sweeps: null, error }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (!state.runs) return html`<p class="loading">Loading…</p>`;
  if (!runs.length && !sweeps.length) return html`<p class="muted">Nothing to compare: tick runs on a sweep page, or sweeps on the home page.</p>`;
  const toggle = html`<label class="toggle"><input type="checkbox" id="show-all" checked=${all} onChange=${(e) => setAll(e.currentTarget.checked)} /> show rows that are the same too</label>`;
  const parts = [];
  if (state.runs.length) {
    const items = state.runs;
    const heads = runs.map((r) => html`<a href=${runUrl(r.sweep, r.run)}>${r.sweep}/${r.run}</a>`);
    const rows = table(items, [
      ['sweep', (it, i) => ({ sweep: it.sweep?.id, dataset: it.sweep?.dataset, status: it.status })],
      // As diff writes them (each run's spelling), so two drawn values never read alike.
      ['parameters', (it) => it.texts ?? it.params],
      ['metrics', (it) => Object.fromEntries(Object.entries(it.metrics ?? {}).filter(([k]) => !/_ci_(low|high)$/.test(k)))],
    ]);
    parts.push(html`<section id="compare-runs"><h2>${items.length} runs</h2>${datasetNote(items.map((it) => it.sweep?.dataset))}<${DiffTable} heads=${heads} rows=${rows} all=${all} /></section>`);
  }
  if (state.sweeps.length) {
    const items = state.sweeps;
    const heads = items.map((it) => html`<a href=${sweepUrl(it.sweep.id)}>${it.sweep.experiment}/${it.sweep.id}</a>`);
    const rows = table(items, [
      [
        'sweep',
        (it) => ({
          status: it.sweep.status,
          method: it.sweep.method,
          dataset: it.sweep.dataset,
          objective: objectiveText(it.sweep.objective),
          best: it.sweep.best ? `${fmt(it.sweep.objective?.metric ?? '', it.sweep.best.value)} (${it.sweep.best.run})` : '',
          runs: `${it.sweep.runs_done} done, ${it.sweep.runs_failed} failed, ${it.sweep.runs_diverged} diverged of ${it.sweep.runs_planned}`,
          started: when(it.sweep.started_at),
          duration: duration(it.sweep.duration_s),
          description: it.sweep.description ?? '',
          tags: (it.sweep.tags ?? []).join(', '),
        }),
      ],
      ['parameters that vary', (it) => Object.fromEntries((it.params ?? []).map((p) => [p, [...new Set(it.rows.map((r) => paramText(r, p)))].join(', ')]))],
    ]);
    parts.push(html`<section id="compare-sweeps"><h2>${items.length} sweeps</h2>${datasetNote(items.map((it) => it.sweep.dataset))}<${DiffTable} heads=${heads} rows=${rows} all=${all} /></section>`);
  }
  return html`<section class="compare"><div class="page-head"><h1>Compare</h1>${toggle}</div>${parts}</section>`;
}
