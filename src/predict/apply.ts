/**
 * Predicting with a recorded run: new rows of the training file's layout go through the preprocessing
 * fitted at training (model.json's `preprocessing`) and the network, exactly as the validation rows did.
 * Pure: records in, matrices and per-row outcomes out; no I/O.
 *
 * Per row, in the training's order: fields -> features by column -> missing cells (error under the drop
 * policy, the recorded imputed value under mean/median) -> numbers -> scaling x' = (x - shift) / scale
 * (0 where scale is 0) -> X: [features x rows] -> forward pass -> p, positive when p > threshold.
 * A row that cannot be turned into numbers gets an error and no prediction: nothing is guessed.
 */
import { DiagnosticError, UserError } from '../errors.js';
import { dataDiagnostic, listFirst, q } from '../datasets/problems.js';
import type { CsvRecord } from '../datasets/csv.js';
import { OUT_OF_RANGE, isNumeric, isOutOfRange, looksLikeHeader } from '../datasets/columns.js';
import type { RunModelFile } from '../store/records.js';
import { getActivation } from '../train/activations.js';
import { allocateForward, forward, forwardLoss, fromModelJson } from '../train/network.js';
import { scoreThresholds } from '../train/metrics.js';
import type { ClassificationMetrics, Matrix } from '../train/types.js';

/** One input row and what became of it. */
export interface RowOutcome {
  /** 1-based line of the input file. */
  line: number;
  fields: string[];
  /** Why no prediction was made (missing value under the drop policy, non-numeric value, wrong field count). */
  error?: string;
  /** Features whose missing cell got the recorded imputed value, e.g. `bare_nuclei=3.5`. */
  imputed: string[];
  /** The row's class when the input has the label column and the value is one of the classes. */
  label?: 0 | 1;
  /** Set for rows without error. */
  probability?: number;
}

/** The input's layout: which field holds each feature and the label. */
interface Layout {
  header: string[] | undefined;
  fields: number;
  features: number[];
  label?: number;
  description: string;
}

/** How a class value compares: trimmed strings equal, or equal numbers when both are numeric ("4.0" is 4). */
function inClass(cell: string, values: readonly string[]): boolean {
  return values.some((v) => v === cell || (isNumeric(v) && isNumeric(cell) && Number(v) === Number(cell)));
}

/**
 * Find the input's layout: a header naming every feature (other columns, such as an id, are ignored; the
 * label column is used when present), or no header and the training file's columns in order, or no header
 * and the features only, in the model's order.
 * Throws: UserError naming what was expected (for a header of other names, each name that differs).
 */
function layoutOf(model: RunModelFile, first: CsvRecord, file: string): Layout {
  const pre = model.preprocessing;
  const cells = first.fields.map((f) => f.trim());
  if (pre.features.every((name) => cells.includes(name))) {
    const label = cells.indexOf(pre.label.column);
    return {
      header: cells,
      fields: cells.length,
      features: pre.features.map((name) => cells.indexOf(name)),
      ...(label >= 0 ? { label } : {}),
      description: 'a header naming the features',
    };
  }
  // A row of names only, of the training file's or the features' width, is a header with other names: read as
  // data it would fail on the first cell, far from the cause (a renamed column).
  const expected = cells.length === pre.columns.length ? pre.columns : cells.length === pre.features.length ? pre.features : undefined;
  if (expected && looksLikeHeader(cells, new Set(pre.missing.values.map((v) => v.trim())))) {
    const differ = expected.map((name, j) => ({ name, j, found: cells[j] })).filter((c) => c.name !== c.found);
    const shown = differ.slice(0, 5).map((c) => `column ${c.j + 1}: expected ${q(c.name)}, found ${q(c.found)}`);
    throw new UserError(
      `${file}:${first.line}: the first row is a header whose names differ from the model's: ${shown.join('; ')}${differ.length > 5 ? `; ... (${differ.length} columns)` : ''}`,
      `name the columns as at training in the header line (${expected.join(', ')}); a header may also hold other columns, in any order, as long as it names every feature`,
    );
  }
  if (cells.length === pre.columns.length) {
    return { header: undefined, fields: cells.length, features: pre.feature_columns, label: pre.label.index, description: `the training file's ${pre.columns.length} columns, no header` };
  }
  if (cells.length === pre.features.length) {
    return { header: undefined, fields: cells.length, features: pre.features.map((_, i) => i), description: `the ${pre.features.length} features only, no header` };
  }
  const missing = pre.features.filter((name) => !cells.includes(name));
  throw new UserError(
    `${file}:${first.line}: the first row has ${cells.length} fields and is not a header naming the model's features (missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''})`,
    `give a header row naming the features (${pre.features.slice(0, 4).join(', ')}${pre.features.length > 4 ? ', ...' : ''}), ` +
      `or rows of the training file's ${pre.columns.length} columns (${pre.columns.slice(0, 4).join(', ')}${pre.columns.length > 4 ? ', ...' : ''}), or of the ${pre.features.length} features only`,
  );
}

/** What predictRows returns. */
export interface Prediction {
  /** Column names of the input (its header, or the training file's or the features' names). */
  columns: string[];
  rows: RowOutcome[];
  /** How the input was read. */
  layout: string;
  /**
   * Metrics over the rows with a prediction and a known label, at the model's threshold (loss: mean binary
   * cross-entropy from the logits, as training computes it); undefined when there are none.
   */
  metrics?: ClassificationMetrics;
}

/**
 * Check that a parsed model.json can predict. Throws: UserError for a model recorded without preprocessing
 * (older dlsweep) or whose network does not match its preprocessing.
 */
export function checkModel(model: Partial<RunModelFile>, path: string): RunModelFile {
  if (model.format !== 'dlsweep-model' || !model.preprocessing) {
    throw new UserError(
      `${path} holds the network only (recorded by an older dlsweep), not the preprocessing needed to predict`,
      'train the run again in a new sweep (dlsweep run FILE) to record a complete model.json',
    );
  }
  if (!Array.isArray(model.dims) || model.dims[0] !== model.preprocessing.features.length) {
    throw new UserError(`${path}: the network takes ${model.dims?.[0]} inputs but the preprocessing gives ${model.preprocessing.features.length} features`, 'the file was edited or damaged');
  }
  return model as RunModelFile;
}

/**
 * Apply a run's preprocessing and network to CSV records.
 * records: the input's non-blank records (see readCsvFile); file: its name, for messages.
 * Returns every data row with its probability of the positive class, or its error.
 * Throws: UserError when the layout cannot be recognised or there are no data rows; DiagnosticError (line,
 * column of the label) for a label cell that is neither of the model's classes nor empty or a missing-value
 * marker, which would otherwise be left out of the metrics silently.
 */
export function predictRows(model: RunModelFile, records: CsvRecord[], file: string): Prediction {
  const pre = model.preprocessing;
  if (records.length === 0) throw new UserError(`${file} has no rows`);
  const layout = layoutOf(model, records[0], file);
  const data = layout.header ? records.slice(1) : records;
  if (data.length === 0) throw new UserError(`${file} has a header but no data rows`);
  const missing = new Set(pre.missing.values.map((v) => v.trim()));
  const F = pre.features.length;

  const rows: RowOutcome[] = [];
  const values: number[][] = [];
  const badLabels = new Map<string, { lines: number[]; count: number }>();
  for (const rec of data) {
    const out: RowOutcome = { line: rec.line, fields: rec.fields, imputed: [] };
    rows.push(out);
    if (rec.fields.length !== layout.fields) {
      out.error = `${rec.fields.length} fields, expected ${layout.fields} (${layout.description})`;
      continue;
    }
    const x: number[] = [];
    for (let f = 0; f < F && out.error === undefined; f++) {
      const cell = rec.fields[layout.features[f]].trim();
      const name = pre.features[f];
      if (missing.has(cell) || cell === '') {
        const fill = pre.missing.imputed[f];
        if (pre.missing.strategy === 'drop' || fill === null || fill === undefined) {
          out.error = `missing value in ${name}` + (pre.missing.strategy === 'drop' ? ' (the model was trained on complete rows only)' : ' (training imputed none for it)');
        } else {
          x.push(fill);
          out.imputed.push(`${name}=${fill}`);
        }
      } else if (isNumeric(cell) && Number.isFinite(Number(cell))) {
        x.push(Number(cell));
      } else {
        out.error = isOutOfRange(cell) ? `value "${cell}" in ${name} is ${OUT_OF_RANGE}` : `non-numeric value "${cell}" in ${name}`;
      }
    }
    if (layout.label !== undefined) {
      const cell = rec.fields[layout.label]?.trim() ?? '';
      if (inClass(cell, pre.label.positive)) out.label = 1;
      else if (inClass(cell, pre.label.negative)) out.label = 0;
      else if (cell !== '' && !missing.has(cell)) {
        let b = badLabels.get(cell);
        if (!b) badLabels.set(cell, (b = { lines: [], count: 0 }));
        b.count++;
        if (b.lines.length < 10) b.lines.push(rec.line);
      }
    }
    if (out.error === undefined) values.push(x);
  }
  if (badLabels.size > 0) throw unknownLabels(file, pre.label, layout.label!, badLabels);

  // X: [features x rows], scaled exactly as training packed it: (x - shift) / scale, 0 where scale is 0.
  const ok = rows.filter((r) => r.error === undefined);
  const m = ok.length;
  const X: Matrix = { rows: F, cols: m, data: new Float64Array(F * m) };
  const { shift, scale } = pre.scaling;
  for (let f = 0; f < F; f++) {
    const sc = scale[f];
    const sh = shift[f];
    if (sc === 0) continue;
    for (let s = 0; s < m; s++) X.data[f * m + s] = (values[s][f] - sh) / sc;
  }
  let metrics: ClassificationMetrics | undefined;
  if (m > 0) {
    const net = fromModelJson(model);
    const hidden = getActivation(net.hidden_activation, net.leaky_relu_slope);
    const buf = allocateForward(net.dims, m);
    const p = forward(net, X, buf, hidden);
    ok.forEach((r, s) => (r.probability = p[s]));
    // Metrics over the labelled rows, from a pass over those rows only (the loss reads the logits).
    const labelled = ok.filter((r) => r.label !== undefined);
    if (labelled.length > 0) {
      const idx = ok.map((r, s) => (r.label !== undefined ? s : -1)).filter((s) => s >= 0);
      const n = idx.length;
      const XL: Matrix = { rows: F, cols: n, data: new Float64Array(F * n) };
      for (let f = 0; f < F; f++) for (let k = 0; k < n; k++) XL.data[f * n + k] = X.data[f * m + idx[k]];
      const y = Float64Array.from(labelled, (r) => r.label!);
      const lbuf = allocateForward(net.dims, n);
      const pl = forward(net, XL, lbuf, hidden);
      metrics = scoreThresholds(pl, y, [model.threshold], forwardLoss(lbuf, y))[0];
    }
  }
  const columns = layout.header ?? (layout.fields === pre.columns.length ? pre.columns : pre.features);
  return { columns, rows, layout: layout.description, ...(metrics ? { metrics } : {}) };
}

/** The error for label cells of a predict input that are neither class of the model (see predictRows). */
function unknownLabels(
  file: string,
  label: RunModelFile['preprocessing']['label'],
  field: number,
  bad: Map<string, { lines: number[]; count: number }>,
): DiagnosticError {
  const classes = `positive ${label.positive.map(q).join(', ')} or negative ${label.negative.map(q).join(', ')}`;
  return new DiagnosticError(
    [...bad].map(([cell, b]) =>
      dataDiagnostic(file, `label value ${q(cell)} in column "${label.column}" is neither of the model's classes (${classes}): ${b.count} row(s), first at line ${listFirst(b.lines, b.count)}`, {
        line: b.lines[0],
        column: field + 1,
        expected: `a label the model was trained on (${classes}), or an empty cell for a row without a known label`,
        found: q(cell),
        hint: 'correct these labels, or empty their cells to predict the rows without measuring the model on them',
      }),
    ),
  );
}
