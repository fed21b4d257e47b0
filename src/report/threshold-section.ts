/**
 * The report's threshold section: the ROC and precision-recall curves of the best runs (one curve per
 * distinct training: runs that differ only in threshold share their predictions) and the best run's
 * accuracy, recall, specificity and F1 against the decision threshold, with the grid's thresholds marked.
 * Read from each run's predictions.csv (validation rows); runs recorded without it are skipped.
 */
import { readPredictions, thresholdCurve } from '../store/predictions.js';
import { prSpec, rocSpec, thresholdMetrics, thresholdSpec, type RocSeries } from '../ui/static/charts/threshold-specs.js';
import { renderSvg } from './charts.js';
import { formatMetric } from './format.js';
import { escapeHtml } from './render.js';
import type { Row } from './rows.js';
import type { Spec } from 'vega';

/** The distinct values of the `threshold` parameter among some rows, ascending ([] when none is a number). */
export function gridThresholds(rows: Row[]): number[] {
  return [...new Set(rows.map((r) => r.params.threshold).filter((t): t is number => typeof t === 'number'))].sort((a, b) => a - b);
}

/** The curves of the best runs that have predictions, one per distinct training (thresholdSection). */
type ThresholdSeries = (RocSeries & { row: Row; prevalence: number | null })[];

function seriesOf(best: Row[], bestSet: Set<Row>): ThresholdSeries {
  const series: ThresholdSeries = [];
  const seen = new Set<string>();
  for (const r of best) {
    const p = r.dir ? readPredictions(r.dir) : undefined;
    if (!p) continue;
    const idx = p.split.flatMap((s, i) => (s === 'validation' ? [i] : []));
    if (!idx.length) continue;
    const prob = idx.map((i) => p.probability[i]);
    const key = prob.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const label = idx.map((i) => p.label[i]);
    const points = thresholdCurve(prob, label);
    const auc = r.metrics['validation.roc_auc'];
    series.push({
      row: r,
      label: `${r.folder}${bestSet.has(r) ? ' (best)' : ''}${typeof auc === 'number' ? `, AUC ${formatMetric('validation.roc_auc', auc)}` : ''}`,
      points,
      prevalence: label.length ? label.filter((y) => y === 1).length / label.length : null,
    });
  }
  return series;
}

/** The ROC, precision-recall and rates charts of these series (the first is the best run's). */
function specsOf(series: ThresholdSeries, allRows: Row[]): [Spec, Spec, Spec] {
  const top = series[0];
  const own = typeof top.row.params.threshold === 'number' ? top.row.params.threshold : undefined;
  return [
    rocSpec(series),
    prSpec(series, top.prevalence),
    thresholdSpec(thresholdMetrics(top.points), { title: `Rates against the threshold: ${top.row.folder}`, gridThresholds: gridThresholds(allRows), runThreshold: own }),
  ];
}

/**
 * The specs of the section's charts (thresholdSection), none when no run among `best` has predictions.
 * Throws: nothing.
 */
export function thresholdSpecs(best: Row[], allRows: Row[], bestSet: Set<Row>): Spec[] {
  const series = seriesOf(best, bestSet);
  return series.length ? specsOf(series, allRows) : [];
}

/**
 * The section's HTML, or a note when no run among `best` (best first, finished) has predictions.
 * `allRows` gives the grid's thresholds. Throws: vega's error for an invalid spec (a bug).
 */
export async function thresholdSection(best: Row[], allRows: Row[], bestSet: Set<Row>): Promise<string> {
  const series = seriesOf(best, bestSet);
  const head = '<section id="thresholds"><h2>ROC, precision-recall and threshold curves</h2>';
  if (!series.length) return `${head}<p class="note">No finished run has stored predictions (predictions.csv).</p></section>`;
  const grid = gridThresholds(allRows);
  const [roc, pr, rates] = await Promise.all(specsOf(series, allRows).map((spec) => renderSvg(spec)));
  const note =
    `Validation rows of the best ${series.length === 1 ? 'run' : `${series.length} distinct trainings`} (runs that differ only in threshold share one curve). ` +
    `The rates chart marks ${grid.length > 1 ? `the grid's thresholds (${grid.join(', ')}) dashed and ` : ''}the run's own threshold solid; each rate holds from its threshold up to the next.`;
  return (
    `${head}<p class="note">${escapeHtml(note)}</p>` +
    `<div class="charts"><figure class="roc">${roc}</figure><figure class="pr">${pr}</figure><figure class="rates">${rates}</figure></div></section>`
  );
}
