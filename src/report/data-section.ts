/**
 * The data a sweep trained on, as HTML: rows read, used and dropped, the class balance per split, the
 * per-feature statistics of `dlsweep data describe`, and each scaled feature's histogram by class. The same
 * section opens report.html's "Data" part and makes the page of `dlsweep data describe --html`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeDataset, featureHistograms, type DatasetDescription, type FeatureHistogram } from '../datasets/describe.js';
import type { PreparedDataset } from '../datasets/types.js';
import { SWEEP_FILES } from '../store/paths.js';
import { describeWriteError, isWriteError } from '../write-errors.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { classBalanceSpec, histogramSpec } from '../ui/static/charts/data-specs.js';
import { predraw, renderSvg } from './charts.js';
import type { Spec } from 'vega';
import { escapeHtml, htmlPage } from './render.js';

/** What describes a dataset: the statistics and the histograms (JSON-safe: the sweep keeps it as data.json). */
export interface DataSummary {
  description: DatasetDescription;
  histograms: FeatureHistogram[];
}

/** The summary of a prepared dataset (describeDataset and featureHistograms). Throws: nothing. */
export function summarizeData(data: PreparedDataset): DataSummary {
  return { description: describeDataset(data), histograms: featureHistograms(data) };
}

/**
 * Keep the summary of the data a sweep trains on (data.json) for its report; a failure to write it is only
 * reported through `warn` (the report then goes without it). Throws: nothing.
 */
export async function recordDataSummary(sweepDir: string, data: PreparedDataset, warn: (line: string) => void): Promise<void> {
  try {
    await writeDataSummary(sweepDir, summarizeData(data));
  } catch (e) {
    warn(`warning: ${isWriteError(e) ? describeWriteError(e) : `cannot write ${SWEEP_FILES.data}: ${(e as Error).message}`}; the report goes without the data summary`);
  }
}

/** A number for the tables: 4 significant digits, integers as they are; null as `-`. */
function num(x: number | null): string {
  if (x === null) return '-';
  return Number.isInteger(x) ? String(x) : String(+x.toPrecision(4));
}

/** The section's HTML (a `<section id="data">`). Throws: nothing. */
export async function dataSection(s: DataSummary): Promise<string> {
  const d = s.description;
  const facts: [string, string][] = [
    ['source', d.source],
    ['rows', `${d.rows_read} read, ${d.rows_used} used, ${d.rows_read - d.rows_used} dropped`],
    ...d.dropped.map((x): [string, string] => ['dropped', `${x.count}: ${x.reason} (first lines ${x.first_rows.join(', ')})`]),
    ...(d.imputed_cells ? [['imputed', `${d.imputed_cells} missing cells`] as [string, string]] : []),
    ['label', `${d.label}: positive ${d.positive.join(', ')}, negative ${d.negative.join(', ')}`],
    [d.described_split, `${d.training_rows} rows, ${d.distinct_rows} distinct, ${d.duplicate_rows} duplicates (same features)`],
  ];
  const head = ['feature', 'min', 'max', 'mean', 'std', 'missing', 'distinct', 'corr(label)'];
  const table =
    `<div class="table-wrap"><table id="data-features"><thead><tr>${head.map((h, i) => `<th${i ? ' class="num"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>` +
    d.features
      .map((f) => `<tr><td>${escapeHtml(f.name)}</td>${[f.min, f.max, f.mean, f.std, f.missing, f.distinct, f.label_correlation].map((v) => `<td class="num">${num(v)}</td>`).join('')}</tr>`)
      .join('') +
    `</tbody></table></div>`;
  const [balance, ...histograms] = await Promise.all(
    dataCharts(s).map(async (spec, i) => (i === 0 ? renderSvg(spec) : `<figure class="histogram" data-feature="${escapeHtml(s.histograms[i - 1].name)}">${await renderSvg(spec)}</figure>`)),
  );
  return (
    `<section id="data"><h2>Data</h2><dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>` +
    `<figure id="data-balance">${balance}</figure>` +
    `<p class="note">Features over the ${escapeHtml(d.described_split)} rows, in the file's units; corr(label) is the point-biserial correlation with the positive class.</p>${table}` +
    `<h3>Scaled features by class</h3><p class="note">The ${escapeHtml(d.described_split)} rows as the network sees them (after the fitted scaling): one bar per value for features with few values, equal-width bins otherwise.</p>` +
    `<div class="charts" id="data-histograms">${histograms.join('')}</div></section>`
  );
}

/** The section's charts: the class balance, then each feature's histogram. */
function dataCharts(s: DataSummary): Spec[] {
  const d = s.description;
  const classes: [string, string] = [`negative (${d.negative.join(', ')})`, `positive (${d.positive.join(', ')})`];
  return [classBalanceSpec(d.splits, classes), ...s.histograms.map((h) => histogramSpec(h.name, h.kind, h.bins, classes))];
}

/**
 * Draw the charts of a sweep's data section (from its data.json, as the report reads it) ahead of its
 * report, where the chart renderer draws (see predraw): they do not depend on the runs. Throws: nothing.
 */
export function predrawDataCharts(sweepDir: string): void {
  const s = readDataSummary(sweepDir);
  if (s) predraw(dataCharts(s));
}

/** A page of its own (`dlsweep data describe --html`). Throws: nothing. */
export async function dataPage(title: string, s: DataSummary): Promise<string> {
  return htmlPage(`${title} · dlsweep data`, `<header><h1>${escapeHtml(title)}</h1></header>\n${await dataSection(s)}`);
}

/** Keep the summary of the data a sweep trains on (data.json), for its report. Throws: the file system's error. */
export async function writeDataSummary(sweepDir: string, s: DataSummary): Promise<void> {
  await writeJsonAtomic(join(sweepDir, SWEEP_FILES.data), s);
}

/** The sweep's data.json, or undefined when absent or damaged (sweeps recorded before it). Throws: nothing. */
export function readDataSummary(sweepDir: string): DataSummary | undefined {
  try {
    const v = JSON.parse(readFileSync(join(sweepDir, SWEEP_FILES.data), 'utf8')) as DataSummary;
    return v && Array.isArray(v.histograms) && Array.isArray(v.description?.features) ? v : undefined;
  } catch {
    return undefined;
  }
}
