/**
 * The report's loss-landscape section (record.landscape): the contour plots (or lines) of the landscapes a
 * sweep computed at its end, side by side, on one colour scale: the best runs, then one per initialization
 * for an initialization study. Reads nothing itself: readReportLandscapes gathers the files.
 */
import { readLandscape, readSweepLandscapes } from '../store/landscape.js';
import { join } from 'node:path';
import type { Landscape } from '../train/landscape.js';
import { renderSvg } from './charts.js';
import { contourSpec, lossScale, sliceSpec } from '../ui/static/charts/landscape-specs.js';
import { escapeHtml } from './render.js';
import { formatMetric } from './format.js';
import type { Row } from './rows.js';

/** The landscapes of a sweep, read back: what they are and, per run, why it was chosen. */
export interface ReportLandscapes {
  description: string;
  entries: { folder: string; role: string; landscape: Landscape }[];
}

/** The sweep's landscapes.json and the files it names (a missing or damaged file is left out), or undefined. Throws: nothing. */
export function readReportLandscapes(sweepDir: string): ReportLandscapes | undefined {
  const list = readSweepLandscapes(sweepDir);
  if (!list) return undefined;
  const entries: ReportLandscapes['entries'] = [];
  for (const e of list.landscapes) {
    const landscape = readLandscape(join(sweepDir, e.folder), e.name);
    if (landscape) entries.push({ folder: e.folder, role: e.role, landscape });
  }
  return { description: list.description, entries };
}

/**
 * The section's HTML: a row of the best runs' plots and, when some runs were chosen for their
 * initialization, a row of those; every 2-D plot on the colour scale of all of them (lossScale).
 * `varying`: the grid's varying parameters, shown under each plot, each value written by `text` (as the
 * report's table writes it). Throws: nothing.
 */
export async function landscapeSection(l: ReportLandscapes, rows: readonly Row[], varying: readonly string[], text: (r: Row, param: string) => string): Promise<string> {
  if (!l.entries.length) return '<section id="landscapes"><h2>Loss landscapes</h2><p class="note">No landscape could be computed.</p></section>';
  const scale = lossScale(l.entries.map((e) => e.landscape));
  const byFolder = new Map(rows.map((r) => [r.folder, r]));
  const plot = async (e: ReportLandscapes['entries'][number], role: string) => {
    const L = e.landscape;
    const twoD = L.betas.length > 1;
    const pca = Boolean(L.path);
    const svg = await renderSvg(
      twoD
        ? contourSpec(L, { title: e.folder, subtitle: role, scale, size: 200, axisTitles: pca ? ['PC1', 'PC2'] : undefined })
        : sliceSpec(L, { title: e.folder, subtitle: role }),
    );
    const r = byFolder.get(e.folder);
    const params = r ? varying.map((k) => `${k}=${text(r, k)}`).join(', ') : '';
    return `<figure class="landscape" data-folder="${escapeHtml(e.folder)}" data-role="${escapeHtml(role)}">${svg}<figcaption class="note">${escapeHtml(params || 'no varying parameter')}</figcaption></figure>`;
  };
  const best = l.entries.filter((e) => e.role.split(', ').some((x) => x.startsWith('best ')));
  const inits = l.entries.flatMap((e) => e.role.split(', ').filter((x) => x.startsWith('init=')).map((role) => ({ e, role })));
  const bestHtml = await Promise.all(best.map((e) => plot(e, e.role.split(', ').find((x) => x.startsWith('best '))!)));
  const initHtml = await Promise.all(inits.map(({ e, role }) => plot(e, role)));
  return (
    `<section id="landscapes"><h2>Loss landscapes</h2>` +
    `<p class="note">${escapeHtml(l.description)}. Every plot shares one colour scale (loss from ${formatMetric('loss', scale.lo)} to ${formatMetric('loss', scale.hi)}, log scale); + marks the trained network. ` +
    `One run: <code>dlsweep landscape RUN</code>.</p>` +
    `<h3>Best runs</h3><div class="charts" id="landscapes-best">${bestHtml.join('')}</div>` +
    (initHtml.length ? `<h3>One per initialization (the best run of each)</h3><div class="charts" id="landscapes-init">${initHtml.join('')}</div>` : '') +
    `</section>`
  );
}
