/**
 * The report's charts: Vega specifications rendered to SVG strings by vega in Node (headless view, no
 * canvas, no browser). The SVGs are static, self-contained markup for inlining. The specifications are
 * written in Vega itself rather than compiled from Vega-Lite: compiling costs more than drawing for charts
 * this small, and Vega-Lite would be a second library to load at the end of every sweep. vega is imported
 * on first use, so commands that draw nothing do not pay for loading it. The specifications themselves live in
 * src/ui/static/charts/, shared with the browser pages of `dlsweep ui`.
 *
 * Where the drawing happens is pluggable (useChartRenderer): in this thread by default; `run` hands it to
 * its worker threads, idle once the trainings are done, so that the report's charts are drawn in parallel
 * while this thread reads the runs and writes the other outputs. The SVG is the same either way (the same
 * vega code on the same specification).
 */
import type { Spec } from 'vega';
import { loadVega } from './vega-load.js';

let engine: Promise<typeof import('vega')> | undefined;

function load() {
  engine ??= loadVega();
  return engine;
}

/** Draws charts somewhere else than this thread (see useChartRenderer). */
export interface ChartRenderer {
  /** The SVG of a spec as drawSvg returns it. Throws (rejects): as drawSvg. */
  draw(spec: Spec): Promise<string>;
  /** Prepare to draw soon (load the chart library), without waiting for it. */
  warm?(): void;
  /**
   * Draw when a thread would otherwise be idle (charts wanted later); `now` starts it at once if it has not
   * started, `drop` forgets it if it has not (its svg then rejects). Without it, predraw draws one at a time.
   */
  drawWhenIdle?(spec: Spec): Ahead;
}

/** A chart drawn ahead (predraw, drawWhenIdle): its SVG, and how to start it at once or forget it before it starts. */
export interface Ahead {
  svg: Promise<string>;
  now(): void;
  drop(): void;
}

let renderer: ChartRenderer | undefined;

/** Charts that predraw asked the renderer for, by their spec's JSON, each for one later renderSvg of that spec. */
let ahead = new Map<string, Ahead[]>();

/**
 * Draw the charts of renderSvg with `r` until the returned function is called (which restores the
 * previous renderer).
 */
export function useChartRenderer(r: ChartRenderer): () => void {
  const previous = renderer;
  renderer = r;
  ahead = new Map();
  return () => {
    renderer = previous;
    ahead = new Map();
  };
}

/**
 * Have the renderer draw these specs ahead, for renderSvg to take when it is asked for the same spec (charts
 * of a report that do not depend on the runs, or that a search expects): when its threads are idle where the
 * renderer can tell (drawWhenIdle), else now, one at a time (a chart waiting in the pool's queue would hold up
 * a training submitted after it). Nothing happens without a renderer (drawing in this thread ahead of time
 * would only delay it). Returns a function that forgets those of these charts not started yet (a guess that
 * no longer holds). Throws: nothing (a failed drawing is drawn again when asked for).
 */
export function predraw(specs: Spec[]): () => void {
  const r = renderer;
  if (!r) return () => undefined;
  const queue = ahead;
  const entries: Ahead[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  for (const spec of specs) {
    let entry: Ahead;
    if (r.drawWhenIdle) {
      entry = r.drawWhenIdle(spec);
    } else {
      const svg = previous.then(() => r.draw(spec));
      previous = svg.catch(() => undefined);
      entry = { svg, now: () => undefined, drop: () => undefined };
    }
    entry.svg.catch(() => undefined);
    entries.push(entry);
    const key = JSON.stringify(spec);
    queue.set(key, [...(queue.get(key) ?? []), entry]);
  }
  return () => {
    for (const e of entries) e.drop();
  };
}

/** The SVG of a spec: drawn ahead by predraw (or again, if that failed or was dropped), else by the renderer or here. */
function draw(spec: Spec): Promise<string> {
  const fresh = () => (renderer ? renderer.draw(spec) : drawSvg(spec));
  if (ahead.size === 0) return fresh();
  const key = JSON.stringify(spec);
  const early = ahead.get(key)?.shift();
  if (ahead.get(key)?.length === 0) ahead.delete(key);
  if (!early) return fresh();
  early.now();
  return early.svg.catch(fresh);
}

/**
 * Start loading the chart library now (about a tenth of a second of module loading), so that the report
 * written at the end of a sweep does not wait for it: in this thread, or where the renderer draws. Called
 * while trainings run; resolves once loaded here (at once with a renderer); errors surface at render time.
 */
export async function warmChartEngine(): Promise<void> {
  if (renderer) return renderer.warm?.();
  await load().then(
    () => undefined,
    () => undefined,
  );
}

/**
 * Draw a Vega spec as SVG markup, in this thread: vega's own output, ids as vega writes them.
 * Throws: vega's error for an invalid spec (a bug).
 */
export async function drawSvg(spec: Spec): Promise<string> {
  const vega = await load();
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let svgCount = 0;

/**
 * Render a Vega spec to an SVG string. Ids inside the SVG (clip paths, gradients) are made unique per
 * call, because several SVGs share one HTML page: `s<call number>-`, then vega's name for the id numbered
 * within this SVG (vega numbers them over everything its thread drew before: clip37 may be this chart's
 * first clip path), so that a chart's markup depends on its spec and call order only, not on which thread
 * drew it. Line marks' descriptions become <title> tooltips.
 * Throws: vega's error for an invalid spec (a bug).
 */
export async function renderSvg(spec: Spec): Promise<string> {
  const prefix = `s${++svgCount}-`;
  const svg = await draw(spec);
  const ids = new Map<string, string>();
  const perStem = new Map<string, number>();
  const local = (id: string) => {
    let name = ids.get(id);
    if (name === undefined) {
      const stem = id.replace(/\d+$/, '');
      const n = (perStem.get(stem) ?? 0) + 1;
      perStem.set(stem, n);
      name = `${prefix}${stem}${n}`;
      ids.set(id, name);
    }
    return name;
  };
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${local(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${local(id)})`)
    .replace(/(<path [^>]*?aria-label="([^"]*)"[^>]*?aria-roledescription="line mark"[^>]*?)\/>/g, (_, open: string, label: string) => `${open}><title>${label}</title></path>`);
}
