/**
 * A sweep: its facts, the runs table (filter with the `--where` language of `dlsweep compare`, sort,
 * group by a parameter, choose columns, tick runs to compare), loss curves, parallel coordinates whose
 * brushing filters the table, the objective against each parameter, the heatmap where it is readable, and
 * for searches the best-so-far and rung plots. Live: refetched when the sweep records a run.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useJson, useLiveVersion } from '../api.js';
import { duration, fmt, fmtMean, paramText, when } from '../format.js';
import { compareUrl, navigate, runUrl, sweepApi, sweepUrl } from '../links.js';
import { ErrorBox, Status, Tags, objectiveText } from '../components/common.js';
import { RunsTable } from '../components/runs-table.js';
import { LossCurves } from '../components/loss-curves.js';
import { ParallelCoordinates } from '../components/parallel.js';
import { VegaChart } from '../vega-chart.js';
import { heatmapSpec, objectiveByParamSpec } from '../charts/sweep-specs.js';
import { objectiveSpec, rungSpec } from '../charts/search-specs.js';

/** Most values on a readable heatmap axis; past it, or when most cells would be empty, it is left out. */
const MAX_HEAT_VALUES = 12;

/** The objective that ranks first (the API sends the primary and its tie-breakers). */
const primary = (o) => (Array.isArray(o) ? o[0] : o);

function Facts({ s }) {
  return html`<dl class="facts">
    <dt>status</dt><dd><${Status} status=${s.status} /> ${s.status === 'running' ? html`<progress max=${s.runs_planned || 1} value=${(s.runs_done ?? 0) + (s.runs_failed ?? 0)}></progress>` : null}</dd>
    <dt>runs</dt><dd>${s.runs_done} done, ${s.runs_failed} failed, ${s.runs_diverged} diverged of ${s.runs_planned}</dd>
    <dt>method</dt><dd>${s.method}</dd>
    <dt>objective</dt><dd>${objectiveText(s.objective)}${s.best ? html` · best <a href=${runUrl(s.id, s.best.run)}>${s.best.run}</a> = ${fmt(s.objective?.metric ?? '', s.best.value)}` : null}</dd>
    <dt>dataset</dt><dd>${s.dataset ?? ''}</dd>
    <dt>started (UTC)</dt><dd>${when(s.started_at)}${s.duration_s !== null && s.duration_s !== undefined ? ` · ${duration(s.duration_s)}` : ''}</dd>
    ${s.description ? html`<dt>description</dt><dd class="desc">${s.description}</dd>` : null}
    ${s.tags?.length ? html`<dt>tags</dt><dd><${Tags} tags=${s.tags} /></dd>` : null}
  </dl>`;
}

/** The heatmap spec of the objective's mean over the first two varying parameters (seed last), or a reason. */
function heatmap(rows, params, objective) {
  const axes = [...params.filter((p) => p !== 'seed'), ...params.filter((p) => p === 'seed')];
  if (axes.length < 2) return { note: 'A heatmap needs two parameters that vary.' };
  const [rp, cp] = axes;
  // Values are named as the tables write them (a search's drawn numbers shortened), ordered by value.
  const key = (r, p) => paramText(r, p);
  const order = (p) => [...new Map(rows.map((r) => [key(r, p), r.values[p]])).entries()].sort((a, b) => (typeof a[1] === 'number' && typeof b[1] === 'number' ? a[1] - b[1] : a[0].localeCompare(b[0], undefined, { numeric: true }))).map((e) => e[0]);
  const rowOrder = order(rp);
  const colOrder = order(cp);
  const unreadable = `A heatmap of ${rp} by ${cp} would have ${rowOrder.length} × ${colOrder.length} cells`;
  const elsewhere = 'the parallel coordinates and the charts by parameter show the same runs.';
  if (rowOrder.length > MAX_HEAT_VALUES || colOrder.length > MAX_HEAT_VALUES) return { note: `${unreadable}, too many to read; ${elsewhere}` };
  const cells = new Map();
  for (const r of rows) {
    const v = r.values[objective.metric];
    if (typeof v !== 'number') continue;
    const k = `${key(r, rp)}\u0000${key(r, cp)}`;
    const c = cells.get(k) ?? { sum: 0, n: 0 };
    c.sum += v;
    c.n++;
    cells.set(k, c);
  }
  const data = [];
  for (const rv of rowOrder)
    for (const cv of colOrder) {
      const c = cells.get(`${rv}\u0000${cv}`);
      const mean = c ? c.sum / c.n : null;
      data.push({ row: rv, col: cv, value: mean, n: c?.n ?? 0, text: mean === null ? '-' : fmtMean(objective.metric, mean) });
    }
  const means = data.map((d) => d.value).filter((v) => v !== null);
  if (!means.length) return { note: 'No finished run yet.' };
  // A search samples its space: most cells of its grid stay empty.
  if (means.length < data.length / 2) return { note: `${unreadable}, ${data.length - means.length} of them empty; ${elsewhere}` };
  const others = axes.slice(2);
  return {
    spec: heatmapSpec(data, { rowTitle: rp, colTitle: cp, rowOrder, colOrder, metricTitle: objective.metric, higherIsBetter: objective.goal === 'max', domain: [Math.min(...means), Math.max(...means)] }),
    note: `Mean ${objective.metric} by ${rp} (rows) and ${cp} (columns)${others.length ? `, over ${others.join(', ')}` : ''}.`,
  };
}

const spell = (v) => (typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The points of the objective-by-parameter chart of `param`: one per configuration (the varying parameters
 * but the seed), its objective the mean over its seeds with their lowest and highest (see ParamPoint).
 */
function configurationPoints(rows, params, param, metric) {
  const others = params.filter((p) => p !== 'seed');
  const by = new Map();
  for (const r of rows) {
    const y = r.values[metric];
    const x = r.values[param];
    if (typeof y !== 'number' || x === null || x === undefined) continue;
    const key = param === 'seed' ? r.folder : JSON.stringify(others.map((p) => r.values[p]));
    const c = by.get(key) ?? { x: spell(x), label: paramText(r, param), ys: [], runs: [] };
    c.ys.push(y);
    c.runs.push(r.folder);
    by.set(key, c);
  }
  return [...by.values()].map((c) => {
    const y = c.ys.reduce((a, b) => a + b, 0) / c.ys.length;
    return c.ys.length > 1 ? { run: `${c.runs[0]} and ${c.ys.length - 1} other seeds`, x: c.x, label: c.label, y, lo: Math.min(...c.ys), hi: Math.max(...c.ys), n: c.ys.length } : { run: c.runs[0], x: c.x, label: c.label, y };
  });
}

/**
 * Trials of a search from the rows' trial and rung columns (see search-specs.ts TrialRuns), valued by the
 * sweep's objective (a search's default: the validation loss), as the report's search section.
 */
function trialsOf(rows, objective) {
  const by = new Map();
  for (const r of rows) {
    const trial = r.values.trial ?? r.search?.trial;
    if (typeof trial !== 'number') continue;
    const rung = r.values.rung ?? r.search?.rung ?? 0;
    const t = by.get(trial) ?? { trial, runs: [], final: null, params: r.values };
    const v = r.values[objective.metric];
    t.runs.push({ rung, iterations: r.values.iterations, value: typeof v === 'number' ? v : null });
    by.set(trial, t);
  }
  const out = [...by.values()].sort((a, b) => a.trial - b.trial);
  for (const t of out) {
    t.runs.sort((a, b) => a.rung - b.rung);
    t.final = t.runs[t.runs.length - 1].value;
  }
  return out;
}

export function Sweep({ id, query }) {
  const version = useLiveVersion(id);
  const [where, setWhere] = useState(query.get('where') ?? '');
  const [draft, setDraft] = useState(where);
  const [groupBy, setGroupBy] = useState(query.get('group') ?? '');
  const [brushed, setBrushed] = useState(null);
  const [picked, setPicked] = useState(new Set());
  const path = `${sweepApi(id)}${where ? `?where=${encodeURIComponent(where)}` : ''}`;
  const { data, error } = useJson(path, version);
  const curves = useJson(`${sweepApi(id)}/curves`, version);
  useEffect(() => {
    document.title = `${id} · dlsweep`;
  }, [id]);
  // Keep the filter in the address, so a filtered table can be shared and survives a reload.
  useEffect(() => {
    const q = new URLSearchParams();
    if (where) q.set('where', where);
    if (groupBy) q.set('group', groupBy);
    const next = `${sweepUrl(id)}${q.toString() ? `?${q}` : ''}`;
    if (next !== location.pathname + location.search) navigate(next, true);
  }, [where, groupBy]);
  const rows = data?.rows ?? [];
  const params = data?.params ?? [];
  const objective = primary(data?.objective) ?? data?.sweep?.objective ?? { metric: 'validation.loss', goal: 'minimize' };
  const shownRows = useMemo(() => (brushed ? rows.filter((r) => brushed.has(r.folder)) : rows), [rows, brushed]);
  const byParam = useMemo(() => params.map((p) => ({ p, spec: objectiveByParamSpec(configurationPoints(rows, params, p, objective.metric), { param: p, objective: objective.metric }) })), [rows, params.join(','), objective.metric]);
  const heat = useMemo(() => heatmap(rows, params, objective), [rows, params.join(','), objective.metric]);
  const trials = useMemo(() => trialsOf(rows, objective), [rows, objective.metric]);
  const search = trials.length > 0 && trials.some((t) => t.final !== null);
  const rungs = new Set(trials.flatMap((t) => t.runs.map((r) => r.rung))).size;
  const searchSpecs = useMemo(() => (search ? { best: objectiveSpec(trials, objective), rungs: rungs > 1 ? rungSpec(trials, objective) : null } : null), [trials, objective.goal]);
  if (!data) return html`<${ErrorBox} error=${error} />${error ? null : html`<p class="loading">Loading…</p>`}`;
  const s = data.sweep;
  const onPick = (folder, on) =>
    setPicked((p) => {
      const next = new Set(p);
      if (on) next.add(folder);
      else next.delete(folder);
      return next;
    });
  return html`<section class="sweep">
    <div class="page-head"><h1><span class="muted">${s.experiment} /</span> ${s.id}</h1></div>
    <${Facts} s=${s} />
    <section id="runs"><h2>Runs</h2>
      <form class="filter" onSubmit=${(e) => { e.preventDefault(); setBrushed(null); setWhere(draft.trim()); }}>
        <label>where <input type="text" id="where" size="50" placeholder="e.g. learning_rate >= 0.1 and validation.accuracy > 0.95" value=${draft} onInput=${(e) => setDraft(e.currentTarget.value)} /></label>
        <button type="submit">Filter</button>
        ${where ? html`<button type="button" onClick=${() => { setDraft(''); setWhere(''); }}>Clear</button>` : null}
        <label>group by <select id="group-by" value=${groupBy} onChange=${(e) => setGroupBy(e.currentTarget.value)}>
          <option value="">(none)</option>${params.map((p) => html`<option value=${p}>${p}</option>`)}
        </select></label>
        ${picked.size >= 2 ? html`<a class="button" href=${compareUrl([...picked].map((f) => `${s.id}/${f}`))}>Compare ${picked.size} runs</a>` : null}
        ${brushed ? html`<span class="badge">${shownRows.length} runs selected in the parallel coordinates</span>` : null}
      </form>
      <${ErrorBox} error=${error} />
      <${RunsTable} key=${data.columns.map((c) => c.key).join(',')} sweepId=${s.id} columns=${data.columns} params=${params} rows=${shownRows} groupBy=${groupBy} picked=${picked} onPick=${onPick} />
    </section>
    <section id="curves"><h2>Loss curves</h2>
      ${curves.data ? html`<${LossCurves} sweepId=${s.id} curves=${curves.data} rows=${rows} objective=${objective} params=${params} />` : html`<${ErrorBox} error=${curves.error} />`}
    </section>
    ${params.length ? html`<section id="parallel"><h2>Parallel coordinates</h2><${ParallelCoordinates} key=${where} rows=${rows} params=${params} objective=${objective} onBrush=${setBrushed} /></section>` : null}
    ${params.length ? html`<section id="by-param"><h2>${objective.metric} by parameter</h2><p class="muted">One dot per configuration: where it was repeated over seeds, the mean with a bar from the lowest to the highest seed (a band when each value is one configuration); the line joins the means at each value.</p><div class="charts">${byParam.map((b) => html`<${VegaChart} key=${b.p} spec=${b.spec} className="by-param" />`)}</div></section>` : null}
    <section id="heatmap"><h2>Heatmap</h2><p class="muted">${heat.note}</p>${heat.spec ? html`<${VegaChart} spec=${heat.spec} className="heatmap" />` : null}</section>
    ${search ? html`<section id="search"><h2>Search</h2><div class="charts"><${VegaChart} spec=${searchSpecs.best} className="best-so-far" />${searchSpecs.rungs ? html`<${VegaChart} spec=${searchSpecs.rungs} className="rungs" />` : null}</div></section>` : null}
  </section>`;
}
