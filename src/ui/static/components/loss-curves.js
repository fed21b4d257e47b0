/**
 * Loss curves of a sweep with uPlot (canvas; thousands of series stay fast): one line per distinct
 * training, train and validation side by side, the best drawn last (on top), coloured by the objective or
 * by a chosen parameter, linear or log axis, exponential-moving-average smoothing, hover to identify a
 * line, click to open its run.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { colorScale } from '../colors.js';
import { fmt, paramText } from '../format.js';
import { navigate, runUrl } from '../links.js';

/**
 * Smoothing as TensorBoard's: an exponential moving average with weight w, debiased at the start
 * (divided by 1 - w^k), gaps (null) skipped. w = 0 leaves the series unchanged.
 */
export function smooth(ys, w) {
  if (!w) return ys;
  let acc = 0;
  let k = 0;
  return ys.map((y) => {
    if (y === null || !Number.isFinite(y)) return null;
    acc = acc * w + (1 - w) * y;
    k++;
    return acc / (1 - w ** k);
  });
}

/** Align series on the union of their iterations (uPlot's data shape: [xs, ys0, ys1, ...]). */
export function align(series, field) {
  const xs = [...new Set(series.flatMap((s) => s.points.iteration))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const out = new Array(xs.length).fill(null);
    const it = s.points.iteration;
    const v = s.points[field] ?? [];
    for (let i = 0; i < it.length; i++) out[at.get(it[i])] = Number.isFinite(v[i]) ? v[i] : null;
    return out;
  });
  return [xs, ys];
}

function Chart({ title, data, colors, labels, log, onHover, onPick, width }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!ref.current || !data) return undefined;
    const [xs, ys] = data;
    let focused = null;
    const opts = {
      title,
      width,
      height: 300,
      legend: { show: false },
      cursor: { focus: { prox: 24 }, points: { show: false }, drag: { x: true, y: false } },
      focus: { alpha: 0.25 },
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      axes: [{ label: 'iteration (updates)' }, { label: log ? 'loss (log scale)' : 'loss', size: 60 }],
      series: [{}, ...ys.map((_, i) => ({ label: labels[i], stroke: colors[i], width: 1.4, spanGaps: true, points: { show: false } }))],
      hooks: {
        setSeries: [
          (u, i) => {
            focused = i === null || i === 0 ? null : i - 1;
            onHover(focused);
          },
        ],
      },
    };
    const clean = log ? ys.map((y) => y.map((v) => (v !== null && v > 0 ? v : null))) : ys;
    const plot = new uPlot(opts, [xs, ...clean], ref.current);
    // A click on the plotting area opens the run of the focused line.
    const over = plot.over;
    const click = () => {
      if (focused !== null) onPick(focused);
    };
    over.addEventListener('click', click);
    return () => {
      over.removeEventListener('click', click);
      plot.destroy();
    };
  }, [data, colors, log, width]);
  return html`<div class="uplot-host" ref=${ref}></div>`;
}

/** The run that stands for a training: the best of the runs sharing it. */
const lead = (s) => s.best_run ?? s.runs[0];

/**
 * `curves`: the curves API answer; `rows`: the table rows (for parameter values and the objective);
 * `objective`: { metric, goal }; `params`: the varying parameters.
 */
export function LossCurves({ sweepId, curves, rows, objective, params }) {
  const [colorBy, setColorBy] = useState('objective');
  const [log, setLog] = useState(false);
  const [weight, setWeight] = useState(0);
  const [hover, setHover] = useState(null);
  const byFolder = useMemo(() => new Map(rows.map((r) => [r.folder, r])), [rows]);
  const higher = objective?.goal === 'maximize';
  // Worst first, best last: uPlot draws in series order, so the best line is on top.
  const series = useMemo(() => {
    const s = [...(curves?.series ?? [])];
    const v = (x) => (typeof x.objective_value === 'number' ? x.objective_value : null);
    s.sort((a, b) => {
      const va = v(a);
      const vb = v(b);
      if (va === null || vb === null) return Number(vb === null) - Number(va === null);
      return higher ? va - vb : vb - va;
    });
    return s;
  }, [curves, higher]);
  const valueOf = (s) => {
    if (colorBy === 'objective') return s.objective_value ?? null;
    const r = byFolder.get(lead(s));
    return s.params?.[colorBy] ?? r?.values[colorBy] ?? null;
  };
  const scale = useMemo(() => colorScale(series.map(valueOf), { darkIsLow: colorBy === 'objective' ? !higher : true }), [series, colorBy]);
  const colors = useMemo(() => series.map((s) => scale.color(valueOf(s))), [series, scale]);
  const labels = useMemo(
    () => series.map((s) => `${lead(s)}${s.runs.length > 1 ? ` +${s.runs.length - 1} sharing this training` : ''}`),
    [series],
  );
  const train = useMemo(() => align(series.map((s) => ({ ...s, points: { ...s.points, train_loss: smooth(s.points.train_loss ?? [], weight) } })), 'train_loss'), [series, weight]);
  const valid = useMemo(() => align(series.map((s) => ({ ...s, points: { ...s.points, validation_loss: smooth(s.points.validation_loss ?? [], weight) } })), 'validation_loss'), [series, weight]);
  if (!series.length) return html`<p class="muted">No run has a loss curve yet.</p>`;
  const h = hover === null ? null : series[hover];
  const hoverRow = h ? byFolder.get(lead(h)) : null;
  const onPick = (i) => navigate(runUrl(sweepId, lead(series[i])));
  const width = 620;
  return html`<div class="curves" data-series=${series.length}>
    <div class="controls">
      <label>colour by <select value=${colorBy} onChange=${(e) => setColorBy(e.currentTarget.value)}>
        <option value="objective">objective (${objective?.metric ?? ''})</option>
        ${params.map((p) => html`<option value=${p}>${p}</option>`)}
      </select></label>
      <label><input type="checkbox" id="curves-log" checked=${log} onChange=${(e) => setLog(e.currentTarget.checked)} /> log scale</label>
      <label>smoothing <input type="range" min="0" max="0.99" step="0.01" value=${weight} onInput=${(e) => setWeight(Number(e.currentTarget.value))} /> ${weight.toFixed(2)}</label>
      <span class="legend">${scale.legend.map((l) => html`<span class="swatch-item"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill=${l.color} /></svg>${l.text}</span>`)}</span>
    </div>
    <div class="hover-readout" aria-live="polite">${
      h
        ? html`<strong>${labels[hover]}</strong> · ${objective?.metric}: ${fmt(objective?.metric ?? '', h.objective_value)}${
            hoverRow ? params.map((p) => ` · ${p}=${paramText(hoverRow, p)}`).join('') : ''
          } <span class="muted">(click to open)</span>`
        : html`<span class="muted">${series.length} distinct trainings; hover a line to identify it, click to open its run; drag to zoom, double-click to reset.</span>`
    }</div>
    <div class="charts">
      <${Chart} title="train loss" data=${train} colors=${colors} labels=${labels} log=${log} onHover=${setHover} onPick=${onPick} width=${width} />
      <${Chart} title="validation loss" data=${valid} colors=${colors} labels=${labels} log=${log} onHover=${setHover} onPick=${onPick} width=${width} />
    </div>
  </div>`;
}
