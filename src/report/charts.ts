/**
 * The report's charts: Vega specifications rendered to SVG strings by vega in Node (headless view, no
 * canvas, no browser). The SVGs are static, self-contained markup for inlining. The specifications are
 * written in Vega itself rather than compiled from Vega-Lite: compiling costs more than drawing for charts
 * this small, and Vega-Lite would be a second library to load at the end of every sweep. vega is imported
 * on first use, so commands that draw nothing do not pay for loading it. The specifications themselves live in
 * src/ui/static/charts/, shared with the browser pages of `dlsweep ui`.
 */
import type { Spec } from 'vega';

let engine: Promise<typeof import('vega')> | undefined;

function load() {
  engine ??= import('vega');
  return engine;
}

/**
 * Start loading the chart library now (about a fifth of a second of module loading), so that the report
 * written at the end of a sweep does not wait for it. Called while trainings run; errors surface at render
 * time.
 */
export function warmChartEngine(): void {
  load().catch(() => undefined);
}

let svgCount = 0;

/**
 * Render a Vega spec to an SVG string. Ids inside the SVG (clip paths, gradients) are made unique per
 * call, because several SVGs share one HTML page; line marks' descriptions become <title> tooltips.
 * Throws: vega's error for an invalid spec (a bug).
 */
export async function renderSvg(spec: Spec): Promise<string> {
  const vega = await load();
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const prefix = `s${++svgCount}-`;
    return svg
      .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}${id}"`)
      .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}${id})`)
      .replace(/(<path [^>]*?aria-label="([^"]*)"[^>]*?aria-roledescription="line mark"[^>]*?)\/>/g, (_, open: string, label: string) => `${open}><title>${label}</title></path>`);
  } finally {
    view.finalize();
  }
}
