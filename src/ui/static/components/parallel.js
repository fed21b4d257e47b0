/**
 * Parallel coordinates of a sweep: one vertical axis per varying parameter and the objective last, one
 * line per run, coloured by the objective. Dragging along an axis brushes a range of it; the runs whose
 * lines pass through every brush are reported with onBrush (the table then shows only those); a click on
 * an axis without dragging clears its brush. Numbers are on a linear axis, or a log axis when positive
 * and spanning a factor 100 or more; other values are evenly spaced categories.
 */
import { html } from 'htm/preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { colorScale } from '../colors.js';
import { fmt, paramText } from '../format.js';

const H = 260;
const TOP = 28;
const BOTTOM = 16;

/**
 * One axis: position(value) in [0, 1] (0 at the bottom), and tick labels, each value written by `text`
 * (default fmt).
 */
export function axisOf(values, text = (v) => fmt('', v)) {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length && present.every((v) => typeof v === 'number')) {
    const lo = Math.min(...present);
    const hi = Math.max(...present);
    const log = lo > 0 && hi / lo >= 100;
    const f = (x) => (log ? Math.log(x) : x);
    const span = f(hi) - f(lo);
    const pos = (v) => (typeof v !== 'number' ? null : span ? (f(v) - f(lo)) / span : 0.5);
    const ticks = lo === hi ? [{ at: 0.5, text: text(lo) }] : [{ at: 0, text: text(lo) }, { at: 1, text: text(hi) + (log ? ' (log)' : '') }];
    return { pos, ticks };
  }
  const key = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
  const byKey = new Map(present.map((v) => [key(v), v]));
  const cats = [...byKey.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const pos = (v) => (v === null || v === undefined ? null : cats.length === 1 ? 0.5 : cats.indexOf(key(v)) / (cats.length - 1));
  return { pos, ticks: cats.slice(0, 20).map((c, i) => ({ at: cats.length === 1 ? 0.5 : i / (cats.length - 1), text: text(byKey.get(c)) })) };
}

export function ParallelCoordinates({ rows, params, objective, onBrush }) {
  const dims = [...params, objective.metric];
  const drawn = useMemo(() => rows.filter((r) => typeof r.values[objective.metric] === 'number'), [rows, objective.metric]);
  // Tick labels as the table writes the values (a parameter's spelling, a search's drawn numbers shortened).
  const axes = useMemo(
    () =>
      dims.map((d) => {
        const texts = new Map(drawn.map((r) => [JSON.stringify(r.values[d]), paramText(r, d)]));
        return axisOf(drawn.map((r) => r.values[d]), (v) => texts.get(JSON.stringify(v)) ?? fmt(d, v));
      }),
    [drawn, dims.join('\u0000')],
  );
  const [brushes, setBrushes] = useState({}); // dim -> [lo, hi] in [0, 1]
  const [drag, setDrag] = useState(null);
  const svgRef = useRef(null);
  // Room on both sides for the axis titles (centred on the first and last axes) and the tick labels.
  const width = Math.max(560, Math.min(1340, 190 * dims.length));
  const gap = (width - 180) / Math.max(1, dims.length - 1);
  const x = (i) => 80 + i * (dims.length === 1 ? 0 : gap);
  const y = (p) => TOP + (1 - p) * (H - TOP - BOTTOM);
  const unY = (py) => Math.min(1, Math.max(0, 1 - (py - TOP) / (H - TOP - BOTTOM)));
  const scale = useMemo(() => colorScale(drawn.map((r) => r.values[objective.metric]), { darkIsLow: objective.goal !== 'maximize' }), [drawn, objective]);
  // A brush takes in values within a few pixels of its ends: a drag started at an axis end reaches it.
  const slack = 6 / (H - TOP - BOTTOM);
  const passes = (r, bs) =>
    dims.every((d, i) => {
      const b = bs[d];
      if (!b) return true;
      const p = axes[i].pos(r.values[d]);
      return p !== null && p >= b[0] - slack && p <= b[1] + slack;
    });
  const inside = (r) => passes(r, brushes);
  const active = Object.keys(brushes).length > 0;
  const setBrush = (d, range) => {
    const next = { ...brushes };
    if (range) next[d] = range;
    else delete next[d];
    setBrushes(next);
    const keys = Object.keys(next);
    if (!keys.length) onBrush(null);
    else {
      const sel = drawn.filter((r) => passes(r, next));
      onBrush(new Set(sel.map((r) => r.folder)));
    }
  };
  const local = (e) => {
    const box = svgRef.current.getBoundingClientRect();
    return e.clientY - box.top;
  };
  const onDown = (d) => (e) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture?.(e.pointerId);
    const p = unY(local(e));
    setDrag({ d, from: p, to: p });
  };
  const onMove = (e) => {
    if (drag) setDrag({ ...drag, to: unY(local(e)) });
  };
  const onUp = () => {
    if (!drag) return;
    const lo = Math.min(drag.from, drag.to);
    const hi = Math.max(drag.from, drag.to);
    setDrag(null);
    setBrush(drag.d, hi - lo < 0.01 ? null : [lo, hi]);
  };
  const path = (r) => dims.map((d, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(axes[i].pos(r.values[d]) ?? 0).toFixed(1)}`).join('');
  // The best lines last, on top; brushed-out lines first, in grey.
  const ordered = useMemo(() => {
    const higher = objective.goal === 'maximize';
    return [...drawn].sort((a, b) => (higher ? 1 : -1) * (a.values[objective.metric] - b.values[objective.metric]));
  }, [drawn, objective]);
  const sel = ordered.map((r) => ({ r, on: inside(r) }));
  return html`<div class="parallel" data-lines=${drawn.length}>
    <svg ref=${svgRef} width=${width} height=${H} viewBox=${`0 0 ${width} ${H}`} onPointerMove=${onMove} onPointerUp=${onUp} onPointerLeave=${onUp} role="img" aria-label="parallel coordinates">
      <g class="lines">
        ${sel.filter((s) => !s.on).map(({ r }) => html`<path key=${r.folder} class="pc-line out" data-run=${r.folder} d=${path(r)} />`)}
        ${sel.filter((s) => s.on).map(({ r }) => html`<path key=${r.folder} class=${`pc-line${active ? ' selected' : ''}`} data-run=${r.folder} d=${path(r)} stroke=${scale.color(r.values[objective.metric])}><title>${r.folder}</title></path>`)}
      </g>
      ${dims.map((d, i) => {
        const b = drag && drag.d === d ? [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)] : brushes[d];
        return html`<g class="axis" data-dim=${d}>
          <line x1=${x(i)} x2=${x(i)} y1=${y(0)} y2=${y(1)} />
          <text class="axis-title" x=${x(i)} y=${12} text-anchor="middle">${d}</text>
          ${axes[i].ticks.map((t) => html`<text class="tick" x=${x(i) + 5} y=${y(t.at)} dominant-baseline="middle">${t.text}</text>`)}
          ${b ? html`<rect class="brush" x=${x(i) - 8} width="16" y=${y(b[1])} height=${Math.max(1, y(b[0]) - y(b[1]))} />` : null}
          <rect class="axis-hit" data-dim=${d} x=${x(i) - 12} width="24" y=${y(1)} height=${y(0) - y(1)} onPointerDown=${onDown(d)} />
        </g>`;
      })}
    </svg>
    <p class="muted">${drawn.length} runs. Drag along an axis to select a range (the table keeps the runs inside every range); click an axis to clear its range.${
      active ? html` <button onClick=${() => { setBrushes({}); onBrush(null); }}>Clear all ranges</button>` : null
    }</p>
  </div>`;
}
