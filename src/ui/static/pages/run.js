/**
 * A run: its parameters, metrics with their 95% intervals, confusion matrices, loss curve, the ROC,
 * precision-recall and threshold curves where predictions were recorded, its loss landscapes (contour plot
 * with the trajectory for 2-D, line for 1-D, as report.html draws them) and its files.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { useJson, useLiveVersion } from '../api.js';
import { fmt } from '../format.js';
import { runApi, sweepUrl } from '../links.js';
import { ErrorBox, Status, Tags, withInterval } from '../components/common.js';
import { VegaChart } from '../vega-chart.js';
import { confusionSpec } from '../charts/sweep-specs.js';
import { prSpec, rocSpec, thresholdMetrics, thresholdSpec } from '../charts/threshold-specs.js';
import { contourSpec, sliceSpec } from '../charts/landscape-specs.js';

const SPLITS = ['train', 'validation', 'test'];

/** The curve as arrays, whichever shape the API sent (arrays by column, or a list of points). */
function columns(curve) {
  if (!curve) return null;
  if (Array.isArray(curve)) return { iteration: curve.map((p) => p.iteration), train_loss: curve.map((p) => p.train_loss), validation_loss: curve.map((p) => p.validation_loss) };
  return curve.points ?? curve;
}

function Curve({ curve }) {
  const ref = useRef(null);
  useEffect(() => {
    const c = columns(curve);
    if (!ref.current || !c?.iteration?.length) return undefined;
    const clean = (ys) => (ys ?? []).map((v) => (Number.isFinite(v) ? v : null));
    const plot = new uPlot(
      {
        title: 'loss',
        width: 620,
        height: 280,
        scales: { x: { time: false } },
        axes: [{ label: 'iteration (updates)' }, { label: 'loss', size: 60 }],
        series: [{ label: 'iteration' }, { label: 'train', stroke: '#4c78a8', width: 1.6 }, { label: 'validation', stroke: '#f58518', width: 1.6 }],
      },
      [c.iteration, clean(c.train_loss), clean(c.validation_loss)],
      ref.current,
    );
    return () => plot.destroy();
  }, [curve]);
  return html`<div class="uplot-host run-curve" ref=${ref}></div>`;
}

/**
 * The validation threshold points of a run (roc.csv's, from the API), the rates by threshold and the share
 * of positive rows, or {} when the run has no predictions.
 */
function thresholdData(data) {
  const v = data.roc?.validation;
  if (!Array.isArray(v) || !v.length) return {};
  const last = v[v.length - 1];
  const n = last.tp + last.fn + last.fp + last.tn;
  return { points: v, rates: thresholdMetrics(v), prevalence: n ? (last.tp + last.fn) / n : null };
}

/** Metric names present in a flat metrics object, grouped by split: { split: [name...] }. */
function metricNames(metrics) {
  const out = {};
  for (const k of Object.keys(metrics ?? {})) {
    const m = /^(train|validation|test)\.(.+)$/.exec(k);
    if (!m || /_ci_(low|high)$/.test(m[2]) || /^(tn|fp|fn|tp)$/.test(m[2])) continue;
    (out[m[2]] ??= new Set()).add(m[1]);
  }
  return Object.keys(out);
}

export function Run({ sweep, run }) {
  const version = useLiveVersion(sweep);
  const { data, error } = useJson(runApi(sweep, run), version);
  useEffect(() => {
    document.title = `${run} · ${sweep} · dlsweep`;
  }, [sweep, run]);
  const specs = useMemo(() => {
    if (!data) return null;
    const out = { confusion: [], roc: null, pr: null, rates: null, landscapes: [] };
    for (const l of data.landscapes ?? []) {
      const o = { title: l.name, subtitle: l.role ?? undefined };
      const spec = l.betas.length > 1 ? contourSpec(l, { ...o, axisTitles: l.path ? ['PC1', 'PC2'] : undefined }) : sliceSpec(l, o);
      out.landscapes.push({ name: l.name, spec });
    }
    for (const split of SPLITS) {
      const c = data.confusion?.[split];
      if (c) out.confusion.push({ split, spec: confusionSpec(split, c) });
    }
    const { points, rates, prevalence } = thresholdData(data);
    if (points) {
      const series = [{ label: `${run} (validation)`, points }];
      if (data.roc?.test?.length) series.push({ label: `${run} (test)`, points: data.roc.test });
      out.roc = rocSpec(series, 'ROC curve');
      out.pr = prSpec(series, prevalence, 'Precision-recall curve');
      const own = typeof data.params?.threshold === 'number' ? data.params.threshold : undefined;
      out.rates = thresholdSpec(rates, { title: 'Rates against the threshold (validation)', gridThresholds: data.grid_thresholds ?? [], runThreshold: own });
    }
    return out;
  }, [data]);
  if (!data) return html`<${ErrorBox} error=${error} />${error ? null : html`<p class="loading">Loading…</p>`}`;
  const names = metricNames(data.metrics);
  const splits = SPLITS.filter((s) => names.some((n) => data.metrics[`${s}.${n}`] !== undefined));
  const params = Object.entries(data.params ?? {});
  return html`<section class="run">
    <div class="page-head"><h1><a class="muted" href=${sweepUrl(sweep)}>${sweep}</a> / ${run}</h1>${data.status ? html`<${Status} status=${data.status} />` : null}</div>
    ${data.damaged ? html`<div class="error" role="alert">Damaged: ${data.damaged}</div>` : null}
    ${data.note ? html`<p class="note">${data.note}</p>` : null}
    ${data.annotations?.notes || data.annotations?.tags?.length ? html`<p><${Tags} tags=${data.annotations.tags} /> ${data.annotations.notes ?? ''}</p>` : null}
    <div class="two-cols">
      <section id="params"><h2>Parameters</h2><table class="kv"><tbody>${params.map(([k, v]) => html`<tr><th>${k}</th><td>${data.texts?.[k] ?? (typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`)}</tbody></table></section>
      <section id="metrics"><h2>Metrics</h2><p class="muted">With 95% Wilson intervals where the metric is a proportion.</p>
        <table class="metrics"><thead><tr><th>metric</th>${splits.map((s) => html`<th>${s}</th>`)}</tr></thead>
        <tbody>${names.map((n) => html`<tr><th>${n}</th>${splits.map((s) => {
          const k = `${s}.${n}`;
          return html`<td class="num">${withInterval(k, data.metrics[k], data.metrics[`${k}_ci_low`], data.metrics[`${k}_ci_high`])}</td>`;
        })}</tr>`)}</tbody></table>
      </section>
    </div>
    <section id="confusion"><h2>Confusion matrices</h2>${specs.confusion.length ? html`<div class="charts">${specs.confusion.map((c) => html`<${VegaChart} key=${c.split} spec=${c.spec} className="confusion" />`)}</div>` : html`<p class="muted">Not recorded.</p>`}</section>
    <section id="curve"><h2>Loss curve</h2>${columns(data.curve)?.iteration?.length ? html`<${Curve} curve=${data.curve} />` : html`<p class="muted">No curve recorded.</p>`}</section>
    <section id="roc"><h2>ROC, precision-recall and threshold curves</h2>${
      specs.roc
        ? html`<div class="charts"><${VegaChart} spec=${specs.roc} className="roc" /><${VegaChart} spec=${specs.pr} className="pr" /><${VegaChart} spec=${specs.rates} className="rates" /></div>`
        : html`<p class="muted">No predictions recorded for this run (roc.csv).</p>`
    }</section>
    <section id="landscapes"><h2>Loss landscapes</h2>${
      specs.landscapes.length
        ? html`<div class="charts">${specs.landscapes.map((l) => html`<${VegaChart} key=${l.name} spec=${l.spec} className="landscape" />`)}</div>`
        : html`<p class="muted">None recorded (<code>dlsweep landscape RUN</code>).</p>`
    }</section>
    <section id="files"><h2>Files</h2><table class="kv"><tbody>${(data.files ?? []).map((f) => html`<tr><th>${f.name}</th><td class="num">${fmt('', f.bytes)} bytes</td></tr>`)}</tbody></table></section>
  </section>`;
}
