/**
 * What a prepared dataset holds, for `dlsweep data describe`: rows read, used and dropped (and why), class
 * balance per split, and per feature over the training rows (the first fold's with k-fold): min, max, mean,
 * standard deviation, missing cells in the file, distinct values and the correlation with the label; and
 * the duplicate rows of the training split. Pure: a PreparedDataset in, numbers out.
 */
import type { DatasetReport, PreparedDataset } from './types.js';

/** Statistics of one feature over the training rows, in the file's units (the fitted scaling undone). */
export interface FeatureSummary {
  name: string;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n - 1); null below two rows. */
  std: number | null;
  /** Cells of this feature missing in the file (over all its rows: dropped or imputed). */
  missing: number;
  /** Distinct values over the training rows. */
  distinct: number;
  /**
   * Pearson correlation with the 0/1 label over the training rows (the point-biserial correlation,
   * e.g. Tate 1954, Ann. Math. Statist. 25(3)); null when the feature or the label is constant.
   */
  label_correlation: number | null;
}

/** What describeDataset returns. */
export interface DatasetDescription {
  source: string;
  rows_read: number;
  rows_used: number;
  dropped: DatasetReport['dropped'];
  imputed_cells: number;
  label: string;
  positive: string[];
  negative: string[];
  splits: DatasetReport['splits'];
  /** Cleaned rows in no split (fixed ranges that leave rows out); absent when none. */
  unsplit?: DatasetReport['unsplit'];
  /** Rows of the split the features are described on (`train`, or `fold1/train`). */
  described_split: string;
  training_rows: number;
  /** Distinct feature vectors among the training rows; duplicate_rows = training_rows - distinct_rows. */
  distinct_rows: number;
  duplicate_rows: number;
  features: FeatureSummary[];
}

/**
 * Describe a prepared dataset. X: [features x samples] of the first fold's training split; values are turned
 * back into the file's units with the fold's fitted scaling (x = x' scale + shift; a constant feature, scaled
 * to 0, gives its shift), so min, max, mean and std read as in the file (to rounding).
 * Throws: nothing.
 */
export function describeDataset(data: PreparedDataset): DatasetDescription {
  const r = data.report;
  const { X, y } = data.folds[0].train;
  const m = y.length;
  const scaling = data.preprocessing[0].scaling;
  const missingOf = (name: string): number =>
    r.dropped.filter((d) => d.reason === `missing value in ${name}`).reduce((s, d) => s + d.count, 0) +
    (r.imputed?.per_feature.find((f) => f.feature === name)?.count ?? 0);
  let yMean = 0;
  for (let j = 0; j < m; j++) yMean += y[j];
  yMean /= m;
  let syy = 0;
  for (let j = 0; j < m; j++) syy += (y[j] - yMean) ** 2;

  const features = data.feature_names.map((name, f): FeatureSummary => {
    const row = X.data.subarray(f * m, (f + 1) * m);
    const scale = scaling.kind === 'none' ? 1 : scaling.scale[f] || 0;
    const shift = scaling.kind === 'none' ? 0 : scaling.shift[f];
    const v = Array.from(row, (x) => x * scale + shift);
    let min = Infinity, max = -Infinity, mean = 0;
    for (const x of v) {
      if (x < min) min = x;
      if (x > max) max = x;
      mean += x;
    }
    mean /= m;
    let sxx = 0, sxy = 0;
    for (let j = 0; j < m; j++) {
      sxx += (v[j] - mean) ** 2;
      sxy += (v[j] - mean) * (y[j] - yMean);
    }
    return {
      name,
      min,
      max,
      mean,
      std: m > 1 ? Math.sqrt(sxx / (m - 1)) : null,
      missing: missingOf(name),
      // Distinct scaled values are distinct file values: the scaling is one increasing map per feature.
      distinct: new Set(row).size,
      label_correlation: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null,
    };
  });

  const rows = new Set<string>();
  const cells = new Array<number>(data.feature_names.length);
  for (let j = 0; j < m; j++) {
    for (let f = 0; f < cells.length; f++) cells[f] = X.data[f * m + j];
    rows.add(cells.join(','));
  }
  return {
    source: r.source,
    rows_read: r.rows_read,
    rows_used: r.rows_used,
    dropped: r.dropped,
    imputed_cells: r.imputed?.cells ?? 0,
    label: r.label,
    positive: r.positive,
    negative: r.negative,
    splits: r.splits,
    ...(r.unsplit ? { unsplit: r.unsplit } : {}),
    described_split: data.folds.length > 1 ? 'fold1/train' : 'train',
    training_rows: m,
    distinct_rows: rows.size,
    duplicate_rows: m - rows.size,
    features,
  };
}

/** One bar of a feature's histogram: the scaled values in [lo, hi) (the last bin includes hi), counted by class. */
export interface HistogramBin {
  lo: number;
  hi: number;
  negative: number;
  positive: number;
}

/** A feature's histogram over the training rows, on the scale the network sees (after the fitted scaling). */
export interface FeatureHistogram {
  name: string;
  /** `values`: one bar per distinct value (lo = hi = the value); `bins`: equal-width bins from the minimum to the maximum. */
  kind: 'values' | 'bins';
  bins: HistogramBin[];
}

/** Features with at most this many distinct values get one bar per value (the study's bar plots); others bins. */
export const MAX_BAR_VALUES = 20;
/** Equal-width bins of a feature with more distinct values. */
export const HISTOGRAM_BINS = 20;

/**
 * Histograms of each scaled feature by class over the first fold's training rows (X: [features x samples],
 * y: 0/1), as the study plots them: one bar per distinct value when there are at most MAX_BAR_VALUES of them
 * (Wisconsin's 1-10 scores), else HISTOGRAM_BINS equal-width bins over [min, max] (the last bin closed).
 * Each bin counts the negative and positive rows. Throws: nothing.
 */
export function featureHistograms(data: PreparedDataset): FeatureHistogram[] {
  const { X, y } = data.folds[0].train;
  const m = y.length;
  return data.feature_names.map((name, f) => {
    const row = X.data.subarray(f * m, (f + 1) * m);
    const distinct = [...new Set(row)].sort((a, b) => a - b);
    if (distinct.length <= MAX_BAR_VALUES) {
      const at = new Map(distinct.map((v, i) => [v, i]));
      const bins = distinct.map((v) => ({ lo: v, hi: v, negative: 0, positive: 0 }));
      for (let j = 0; j < m; j++) bins[at.get(row[j])!][y[j] === 1 ? 'positive' : 'negative']++;
      return { name, kind: 'values' as const, bins };
    }
    const lo = distinct[0];
    const hi = distinct[distinct.length - 1];
    const width = (hi - lo) / HISTOGRAM_BINS;
    const bins = Array.from({ length: HISTOGRAM_BINS }, (_, i) => ({ lo: lo + i * width, hi: i === HISTOGRAM_BINS - 1 ? hi : lo + (i + 1) * width, negative: 0, positive: 0 }));
    for (let j = 0; j < m; j++) {
      const i = Math.min(HISTOGRAM_BINS - 1, Math.floor((row[j] - lo) / width));
      bins[i][y[j] === 1 ? 'positive' : 'negative']++;
    }
    return { name, kind: 'bins' as const, bins };
  });
}
