/**
 * Home: every experiment of the runs folder and its sweeps (status, method, runs done/failed/diverged,
 * best objective, duration), running sweeps first with live progress from server-sent events. Sweeps can
 * be ticked and compared.
 */
import { html } from 'htm/preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { useEvents, useJson } from '../api.js';
import { duration, fmt, when } from '../format.js';
import { compareUrl, runUrl, sweepUrl } from '../links.js';
import { ErrorBox, Status, Tags, objectiveText } from '../components/common.js';

/** Replace or add a sweep summary in the home data (running sweeps first, then newest first). */
function mergeSweep(home, s) {
  let known = false;
  const experiments = home.experiments.map((e) => {
    if (e.name !== s.experiment) return e;
    known = true;
    const others = e.sweeps.filter((x) => x.id !== s.id);
    return { ...e, sweeps: sortSweeps([...others, s]) };
  });
  if (!known) experiments.unshift({ name: s.experiment, description: null, tags: [], sweeps: [s] });
  return { ...home, experiments: sortExperiments(experiments) };
}

const running = (s) => s.status === 'running';
const sortSweeps = (xs) => [...xs].sort((a, b) => Number(running(b)) - Number(running(a)) || String(b.started_at).localeCompare(String(a.started_at)));
const sortExperiments = (xs) => [...xs].sort((a, b) => Number(b.sweeps.some(running)) - Number(a.sweeps.some(running)));

function Progress({ s }) {
  const finished = (s.runs_done ?? 0) + (s.runs_failed ?? 0);
  const planned = s.runs_planned ?? finished;
  return html`<span class="progress-cell">${s.status === 'running' ? html`<progress max=${planned || 1} value=${finished}></progress>` : null}<span>${finished} / ${planned}</span></span>`;
}

function SweepRow({ s, e, picked, onPick }) {
  return html`<tr class=${running(s) ? 'running' : ''} data-sweep=${s.id}>
    <td><input type="checkbox" aria-label=${`compare ${s.id}`} checked=${picked} onChange=${(e) => onPick(s.id, e.currentTarget.checked)} /></td>
    <td><a href=${sweepUrl(s.id)}>${s.id}</a>${s.description && s.description !== e.description ? html`<div class="desc">${s.description}</div>` : null}<${Tags} tags=${(s.tags ?? []).filter((t) => !e.tags?.includes(t))} /></td>
    <td><${Status} status=${s.status} /></td>
    <td>${s.method}</td>
    <td><${Progress} s=${s} /></td>
    <td class="num">${s.runs_done}</td>
    <td class="num">${s.runs_failed}</td>
    <td class="num">${s.runs_diverged}</td>
    <td class="num" title=${objectiveText(s.objective)}>${s.best ? html`<a href=${runUrl(s.id, s.best.run)}>${fmt(s.objective?.metric ?? '', s.best.value)}</a>` : ''}</td>
    <td>${s.dataset ?? ''}</td>
    <td>${when(s.started_at)}</td>
    <td class="num">${duration(s.duration_s)}</td>
  </tr>`;
}

export function Home() {
  const [version, setVersion] = useState(0);
  const { data, error } = useJson('home', version);
  const [home, setHome] = useState(null);
  const [picked, setPicked] = useState([]);
  useEffect(() => {
    if (data) setHome(data);
  }, [data]);
  useEffect(() => {
    document.title = 'dlsweep';
  }, []);
  const onEvent = useCallback((type, d) => {
    if (type === 'removed') {
      setHome((h) => h && { ...h, experiments: h.experiments.map((e) => ({ ...e, sweeps: e.sweeps.filter((s) => s.id !== d.sweep) })).filter((e) => e.sweeps.length) });
      return;
    }
    if (type !== 'sweep') return;
    setHome((h) => {
      if (!h) return h;
      const known = h.experiments.some((e) => e.name === d.experiment);
      // A new experiment: its description and tags come from a fresh read.
      if (!known) setVersion((v) => v + 1);
      return mergeSweep(h, d);
    });
  }, []);
  useEvents(onEvent);
  const onPick = (id, on) => setPicked((p) => (on ? [...p, id] : p.filter((x) => x !== id)));
  if (!home) return html`<${ErrorBox} error=${error} />${error ? null : html`<p class="loading">Loading…</p>`}`;
  const total = home.experiments.reduce((a, e) => a + e.sweeps.length, 0);
  return html`<section class="home">
    <div class="page-head"><h1>Experiments</h1><span class="muted">${home.runs_dir} · ${home.experiments.length} experiments, ${total} sweeps</span>
      ${picked.length >= 2 ? html`<a class="button" href=${compareUrl([], picked)}>Compare ${picked.length} sweeps</a>` : html`<span class="muted">tick two sweeps or more to compare them</span>`}</div>
    <${ErrorBox} error=${error} />
    ${home.experiments.length === 0 ? html`<p class="muted">No sweeps yet in ${home.runs_dir}: run <code>dlsweep run EXPERIMENT.yaml</code>.</p>` : null}
    ${home.experiments.map(
      (e) => html`<article class="experiment" data-experiment=${e.name}>
        <h2>${e.name} <${Tags} tags=${e.tags} /></h2>
        ${e.description ? html`<p class="desc">${e.description}</p>` : null}
        <div class="table-wrap"><table class="sweeps">
          <thead><tr><th></th><th>sweep</th><th>status</th><th>method</th><th>progress</th><th>done</th><th>failed</th><th>diverged</th><th>best</th><th>dataset</th><th>started (UTC)</th><th>duration</th></tr></thead>
          <tbody>${e.sweeps.map((s) => html`<${SweepRow} key=${s.id} s=${s} e=${e} picked=${picked.includes(s.id)} onPick=${onPick} />`)}</tbody>
        </table></div>
      </article>`,
    )}
  </section>`;
}
