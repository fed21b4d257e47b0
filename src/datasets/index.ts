/**
 * The datasets stage: read a CSV file (or generate data), clean it, split it, scale it, and hand back
 * train/validation matrices X: [features x samples] on SharedArrayBuffers, with a report and a fingerprint.
 *
 * Order (it matters; the Wisconsin preset reproduces the study's numbers exactly):
 *   parse -> header -> columns -> labels to 0/1 -> drop rows with a missing label (and, strategy drop,
 *   a missing feature) -> split the cleaned rows -> per fold: impute (training rows' mean/median) ->
 *   scale (statistics over the fit rows) -> pack.
 */
import { basename } from 'node:path';
import type { CsvDatasetConfig, DatasetConfig, SplitConfig, SyntheticDatasetConfig } from './config.js';
import { DiagnosticError, UserError } from '../errors.js';
import { readCsvFile, requireTwoColumns } from './csv.js';
import { cleanCsv } from './clean.js';
import { canonicalJson } from '../canonical-json.js';
import { datasetFingerprint, sha256Hex } from './fingerprint.js';
import { buildFold } from './normalize.js';
import { checkClasses, splitRows } from './split.js';
import { generateSynthetic, syntheticSettings } from './synthetic.js';
import type { CleanTable, DatasetReport, FittedPreprocessing, ImputedReport, PreparedDataset, PreparedFold } from './types.js';
import { knownDataset } from './registry.js';
import { plural } from '../text.js';

export type { DatasetReport, DroppedRows, FittedPreprocessing, ImputedReport, PreparedDataset, PreparedFold } from './types.js';
export { sharedFloat64 } from './normalize.js';
export { WISCONSIN } from './registry.js';

/**
 * Load a dataset and prepare its folds.
 * Returns one fold for fixed and holdout splits, k folds for kfold; in every fold, X is [features x samples]
 * (row-major, feature-major: X.data[f * samples + s]) and y is [samples] of 0/1, all Float64Arrays on
 * SharedArrayBuffers. Values are in the file's units, scaled by config.normalize (minmax: dimensionless [0, 1]
 * on the fit rows; zscore: standard deviations).
 * Synchronous: files are small and this runs once per sweep, before any training.
 * Throws: UserError (missing or unreadable file, invalid settings); DiagnosticError (file, 1-based line, 1-based
 * CSV field number as column) for bad data: empty or non-text file, malformed CSV, wrong field count,
 * non-numeric feature, undeclared label value, no rows left, an empty split or a split with one class.
 */
export function loadDataset(config: DatasetConfig): PreparedDataset {
  return config.kind === 'synthetic' ? loadSynthetic(config) : loadCsv(config);
}

function loadCsv(config: CsvDatasetConfig): PreparedDataset {
  const csv = readCsvFile(config.path, config.name, config.delimiter);
  requireTwoColumns(config.path, csv.records, config.delimiter);
  const source = config.name === undefined ? undefined : knownDataset(config.name)?.source;
  const notTheFile =
    source && csv.sha256 !== source.sha256
      ? `this is not the UCI ${source.originalName} file (sha256 ${csv.sha256.slice(0, 12)}..., expected ${source.sha256.slice(0, 12)}...)`
      : undefined;
  let cleaned: ReturnType<typeof cleanCsv>;
  let prepared: ReturnType<typeof prepare>;
  try {
    cleaned = cleanCsv(csv, config);
    prepared = prepare(cleaned.table, config.split, config.normalize, config.missing_strategy);
  } catch (e) {
    // A damaged or truncated managed file fails here first: the checksum says why.
    throw notTheFile ? withNote(e, config, `${notTheFile}: it may be truncated or altered; \`dlsweep data fetch ${config.name} --force\` restores it`) : e;
  }
  const warnings = [...csv.warnings, ...cleaned.warnings];
  if (notTheFile) warnings.push(`${notTheFile}: results will not match the study`);
  warnings.push(...prepared.warnings);

  let imputed: ImputedReport | undefined;
  const cells = cleaned.missing.reduce((s, m) => s + m.count, 0);
  if (config.missing_strategy !== 'drop' && cells > 0) {
    imputed = {
      strategy: config.missing_strategy,
      cells,
      per_feature: cleaned.missing
        .map((m, f) => ({ feature: cleaned.table.featureNames[f], count: m.count, first_rows: m.first_rows, values: prepared.imputed.map((v) => v[f]) }))
        .filter((p) => p.count > 0),
    };
  }
  const report: DatasetReport = {
    source: basename(config.path),
    header: cleaned.header,
    rows_read: cleaned.rowsRead,
    rows_used: cleaned.table.rows,
    dropped: cleaned.dropped,
    ...(imputed ? { imputed } : {}),
    features: cleaned.table.featureNames,
    label: cleaned.columnNames[cleaned.labelIndex],
    positive: cleaned.positive,
    negative: cleaned.negative,
    splits: prepared.splits,
    ...(prepared.unsplit ? { unsplit: prepared.unsplit } : {}),
    warnings: dedupe(warnings),
  };
  return {
    file_sha256: csv.sha256,
    fingerprint: datasetFingerprint(csv.sha256, {
      kind: 'csv',
      ...cleaned.settings,
      normalize: canonicalNormalize(config.normalize),
      split: canonicalSplit(config.split),
    }),
    feature_names: cleaned.table.featureNames,
    folds: prepared.folds,
    preprocessing: prepared.fitted.map((fit) => ({
      header: cleaned.header,
      columns: cleaned.columnNames,
      feature_columns: cleaned.featureIndices,
      features: cleaned.table.featureNames,
      dropped_columns: cleaned.columnNames.filter((_, j) => j !== cleaned.labelIndex && !cleaned.featureIndices.includes(j)),
      label: { column: cleaned.columnNames[cleaned.labelIndex], index: cleaned.labelIndex, positive: cleaned.positive, negative: cleaned.negative },
      missing: { values: config.missing_values, strategy: config.missing_strategy, imputed: fit.imputed },
      scaling: { kind: config.normalize.kind, fit: config.normalize.fit, shift: fit.shift, scale: fit.scale },
      ...(config.delimiter !== ',' ? { delimiter: config.delimiter } : {}),
    })),
    report,
  };
}

function loadSynthetic(config: SyntheticDatasetConfig): PreparedDataset {
  const table = generateSynthetic(config);
  const fileSha = sha256Hex(canonicalJson(syntheticSettings(config)));
  const prepared = prepare(table, config.split, config.normalize, 'drop');
  const report: DatasetReport = {
    source: `synthetic ${config.generator} (${config.samples} samples, ${config.features} features, noise ${config.noise}, seed ${config.seed})`,
    rows_read: table.rows,
    rows_used: table.rows,
    dropped: [],
    features: table.featureNames,
    label: 'y',
    positive: ['1'],
    negative: ['0'],
    splits: prepared.splits,
    ...(prepared.unsplit ? { unsplit: prepared.unsplit } : {}),
    warnings: dedupe(prepared.warnings),
  };
  return {
    file_sha256: fileSha,
    fingerprint: datasetFingerprint(fileSha, {
      kind: 'synthetic',
      normalize: canonicalNormalize(config.normalize),
      split: canonicalSplit(config.split),
    }),
    feature_names: table.featureNames,
    folds: prepared.folds,
    preprocessing: prepared.fitted.map((fit) => ({
      header: true,
      columns: [...table.featureNames, 'y'],
      feature_columns: table.featureNames.map((_, j) => j),
      features: table.featureNames,
      dropped_columns: [],
      label: { column: 'y', index: table.featureNames.length, positive: ['1'], negative: ['0'] },
      missing: { values: [], strategy: 'drop', imputed: fit.imputed },
      scaling: { kind: config.normalize.kind, fit: config.normalize.fit, shift: fit.shift, scale: fit.scale },
    })),
    report,
  };
}

/** Split, check classes, and build every fold. */
function prepare(
  table: CleanTable,
  split: SplitConfig,
  normalize: CsvDatasetConfig['normalize'],
  strategy: CsvDatasetConfig['missing_strategy'],
): { folds: PreparedFold[]; splits: DatasetReport['splits']; warnings: string[]; imputed: number[][]; fitted: Fitted[]; unsplit?: DatasetReport['unsplit'] } {
  const indices = splitRows(table.y, split, table.file);
  const unsplit = rowsInNoSplit(table, indices[0]);
  checkClasses(table.y, indices, table.file, split);
  const many = indices.length > 1;
  const folds: PreparedFold[] = [];
  const splits: DatasetReport['splits'] = [];
  const warnings: string[] = [];
  const imputed: number[][] = [];
  const fitted: Fitted[] = [];
  indices.forEach((idx, i) => {
    const built = buildFold(table, idx, normalize, strategy, many ? ` of fold ${i + 1}` : '');
    folds.push(built.fold);
    warnings.push(...built.warnings);
    imputed.push(built.imputed);
    fitted.push({ imputed: built.imputed.map((v) => (Number.isNaN(v) ? null : v)), shift: built.shift, scale: built.scale });
    for (const name of ['train', 'validation'] as const) splits.push(classCounts(table, idx[name], many ? `fold${i + 1}/${name}` : name));
  });
  // The test rows are the same in every fold: listed once, last.
  if (indices[0].test) splits.push(classCounts(table, indices[0].test, 'test'));
  return { folds, splits, warnings, imputed, fitted, ...(unsplit ? { unsplit } : {}) };
}

/** The class balance of one split's rows. */
function classCounts(table: CleanTable, rows: Int32Array, name: string): DatasetReport['splits'][number] {
  let positives = 0;
  for (let r = 0; r < rows.length; r++) positives += table.y[rows[r]];
  return { name, rows: rows.length, positives, negatives: rows.length - positives };
}

/** Cleaned rows that a fold leaves out of every split (fixed ranges with a gap or a tail), or undefined. */
function rowsInNoSplit(table: CleanTable, fold: { train: Int32Array; validation: Int32Array; test?: Int32Array }): DatasetReport['unsplit'] {
  const used = new Uint8Array(table.rows);
  for (const r of fold.train) used[r] = 1;
  for (const r of fold.validation) used[r] = 1;
  for (const r of fold.test ?? []) used[r] = 1;
  const first: number[] = [];
  let rows = 0;
  for (let r = 0; r < table.rows; r++) {
    if (used[r]) continue;
    rows++;
    if (first.length < 10) first.push(table.lines[r]);
  }
  return rows > 0 ? { rows, first_rows: first } : undefined;
}

/** What a fold's preprocessing fitted: imputed values (null: none) and scaling, per feature. */
type Fitted = Pick<FittedPreprocessing['missing'], 'imputed'> & Pick<FittedPreprocessing['scaling'], 'shift' | 'scale'>;

/**
 * Only the fields that matter for the kind (e.g. no seed for fixed ranges), so equal splits hash equal.
 * The discriminator is hashed under the key `method`, the name it had when the first fingerprints were made:
 * renaming it would change the identity of every recorded run.
 */
function canonicalSplit(s: SplitConfig): Record<string, unknown> {
  switch (s.kind) {
    // A test split is hashed only when there is one, so the fingerprints of splits without one stay as they were.
    case 'fixed':
      return { method: 'fixed', train: [s.train[0], s.train[1]], validation: [s.validation[0], s.validation[1]], ...(s.test ? { test: [s.test[0], s.test[1]] } : {}) };
    case 'holdout':
      return { method: 'holdout', validation_fraction: s.validation_fraction, stratify: s.stratify, seed: s.seed, ...(s.test_fraction !== undefined ? { test_fraction: s.test_fraction } : {}) };
    case 'kfold':
      return { method: 'kfold', k: s.k, stratify: s.stratify, seed: s.seed, ...(s.test_fraction !== undefined ? { test_fraction: s.test_fraction } : {}) };
  }
}

function canonicalNormalize(n: CsvDatasetConfig['normalize']): Record<string, unknown> {
  // fit does not matter when nothing is scaled.
  // Hashed under `method`, as canonicalSplit.
  return n.kind === 'none' ? { method: 'none' } : { method: n.kind, fit: n.fit };
}

function dedupe(a: string[]): string[] {
  return [...new Set(a)];
}

/** The line for cleaned rows in no split (DatasetReport.unsplit), as run and data describe print it. */
export function unsplitText(u: NonNullable<DatasetReport['unsplit']>): string {
  return `in no split: ${u.rows} ${plural(u.rows, 'row')} (line ${u.first_rows.join(', ')}${u.rows > u.first_rows.length ? ', ...' : ''}), trained and validated on by no run`;
}

/**
 * A few human lines: source, rows read / used, rows dropped and why, features, label classes,
 * class counts per split, warnings.
 */
export function formatDatasetReport(r: DatasetReport): string {
  const lines: string[] = [];
  const droppedTotal = r.dropped.reduce((s, d) => s + d.count, 0);
  lines.push(`${r.source}: ${r.rows_read} rows read, ${r.rows_used} used${droppedTotal > 0 ? `, ${droppedTotal} dropped` : ''}`);
  for (const d of r.dropped) {
    lines.push(`  dropped ${d.count}: ${d.reason} (line ${d.first_rows.join(', ')}${d.count > d.first_rows.length ? ', ...' : ''})`);
  }
  if (r.imputed) {
    const per = r.imputed.per_feature.map((p) => `${p.feature} ${p.count}`).join(', ');
    lines.push(`  imputed ${r.imputed.cells} missing cells with the training rows' ${r.imputed.strategy}: ${per}`);
  }
  const feats = r.features.length > 12 ? `${r.features.slice(0, 12).join(', ')}, ...` : r.features.join(', ');
  lines.push(`  features (${r.features.length}): ${feats}`);
  lines.push(`  label ${r.label}: positive (1) = ${r.positive.join(', ')}; negative (0) = ${r.negative.join(', ') || '(none)'}`);
  const width = Math.max(...r.splits.map((s) => s.name.length));
  for (const s of r.splits) {
    lines.push(`  ${s.name.padEnd(width)}  ${String(s.rows).padStart(6)} rows: ${s.positives} positive, ${s.negatives} negative`);
  }
  if (r.unsplit) lines.push(`  ${unsplitText(r.unsplit)}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

/**
 * The error `e` with a note added: the first diagnostic of a DiagnosticError (the likely cause, said before the
 * problems it explains), or a line of a UserError's hint.
 */
function withNote(e: unknown, config: CsvDatasetConfig, note: string): unknown {
  if (e instanceof DiagnosticError) return new DiagnosticError([{ severity: 'warning', file: config.path, path: '', message: note }, ...e.diagnostics]);
  if (e instanceof UserError) return new UserError(e.message, [e.hint, `note: ${note}`].filter((x) => x).join('\n'));
  return e;
}
