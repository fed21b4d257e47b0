/**
 * `dlsweep predict RUN --input rows.csv [--output out.csv]`: a recorded run's preprocessing and network
 * applied to new rows; one output row per input row with its probability, predicted class, or error.
 * `dlsweep export RUN --format onnx|json -o FILE`: the run's model as an ONNX graph or as plain JSON.
 */
import { readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { toCsv } from '../csv-write.js';
import { UserError } from '../errors.js';
import { outputWriteFailure } from './write-errors.js';
import { counted } from '../text.js';
import { otherDelimiterIn, readCsvFile, shownDelimiter } from '../datasets/csv.js';
import { RUN_FILES } from '../store/paths.js';
import type { RunModelFile } from '../store/records.js';
import type { RunRef } from '../store/read-runs.js';
import { resolveRun } from '../report/run-address.js';
import { sweepTitle } from '../report/rows.js';
import { formatMetric } from '../report/format.js';
import { checkModel, predictRows } from '../predict/apply.js';
import { writeBytesAtomic } from '../store/atomic.js';
import { toolVersion } from '../store/provenance.js';
import { checkOutputPath, emit } from './compare.js';
import type { CliIO } from './io.js';

/** The run's model.json, checked to be able to predict. Throws: UserError when absent or incomplete. */
export function readModelFile(ref: RunRef): RunModelFile {
  const path = join(ref.run.dir, RUN_FILES.model);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    const status = ref.run.metrics?.status ?? 'pending';
    throw new UserError(`${sweepTitle(ref.sweepDir)}/${ref.run.folder} has no model (status ${status})`, 'only finished runs (status done) have one; pick another, e.g. EXPERIMENT/best');
  }
  let parsed: Partial<RunModelFile>;
  try {
    parsed = JSON.parse(text) as Partial<RunModelFile>;
  } catch {
    throw new UserError(`${path} is not valid JSON`, 'the file was edited or damaged; resume the sweep after removing the run folder to retrain it');
  }
  return checkModel(parsed, path);
}

/** Options of `dlsweep predict`. */
export interface PredictOptions {
  runsDir: string;
  input: string;
  output?: string;
  /** Write the metrics over the labelled rows here, as JSON (the shape of metrics.json's validation). */
  metrics?: string;
  /** The input's field separator (default: the training file's, recorded in model.json; else a comma). */
  delimiter?: string;
}

/** `dlsweep predict`: returns 0, or 1 when some rows could not be predicted. */
export async function predictCommand(ref: string, options: PredictOptions, io: CliIO): Promise<number> {
  const runsDir = resolve(io.cwd, options.runsDir);
  const run = resolveRun(runsDir, ref);
  const model = readModelFile(run);
  // Where the results go is checked first: nothing is printed for a write that would fail.
  if (options.output !== undefined && options.output !== '-') checkOutputPath(resolve(io.cwd, options.output), '--output');
  if (options.metrics !== undefined && options.metrics !== '-') checkOutputPath(resolve(io.cwd, options.metrics), '--metrics');
  const inputPath = resolve(io.cwd, options.input);
  // The training file's separator unless --delimiter says otherwise.
  const delimiter = options.delimiter ?? model.preprocessing.delimiter ?? ',';
  const csv = readCsvFile(inputPath, undefined, delimiter, '--input');
  if (model.preprocessing.features.length > 1 && csv.records.length > 0 && csv.records.every((r) => r.fields.length === 1)) {
    const other = otherDelimiterIn(csv.records[0].fields[0], delimiter);
    throw new UserError(
      `--input ${options.input}: every line holds one field when split at ${shownDelimiter(delimiter)}${other ? `; the lines are separated by ${shownDelimiter(other)}` : ''}, but the model takes ${model.preprocessing.features.length} features`,
      other ? `pass --delimiter ${other === '\t' ? "$'\\t'" : `'${other}'`}` : 'separate the fields as the training file did, or name the separator with --delimiter',
    );
  }
  const result = predictRows(model, csv.records, options.input);
  const pre = model.preprocessing;
  const label = (p: number) => (p > model.threshold ? (pre.label.positive[0] ?? '1') : (pre.label.negative[0] ?? '0'));
  const header = [...result.columns, 'probability', 'predicted_class', 'predicted_label', 'imputed', 'error'];
  const body = result.rows.map((r) => {
    const fields = result.columns.map((_, j) => r.fields[j] ?? '');
    if (r.probability === undefined) return [...fields, '', '', '', r.imputed.join(' '), r.error ?? ''];
    return [...fields, String(r.probability), r.probability > model.threshold ? '1' : '0', label(r.probability), r.imputed.join(' '), ''];
  });
  await emit(toCsv([header, ...body]), options.output, io);

  const failed = result.rows.filter((r) => r.error !== undefined);
  const title = `${sweepTitle(run.sweepDir)}/${run.run.folder}`;
  const separated = delimiter === ',' ? '' : `, fields separated by ${shownDelimiter(delimiter)}`;
  io.stderr.write(`${title}: ${result.rows.length - failed.length} of ${result.rows.length} rows predicted (threshold ${model.threshold}; input read as ${result.layout}${separated})\n`);
  if (failed.length) {
    const first = failed.slice(0, 3).map((r) => `line ${r.line}: ${r.error}`);
    io.stderr.write(`${counted(failed.length, 'row')} not predicted, see the error column: ${first.join('; ')}${failed.length > 3 ? '; ...' : ''}\n`);
  }
  const m = result.metrics;
  if (options.metrics !== undefined) {
    if (!m) throw new UserError(`--metrics: ${options.input} has no rows with a known label (column "${pre.label.column}")`, 'include the label column to measure the model on these rows');
    await emit(JSON.stringify(m, null, 2) + '\n', options.metrics, io);
  }
  if (m) {
    const f = (k: string, v: number | null) => formatMetric(k, v);
    io.stderr.write(
      `on the ${m.samples} labelled rows: accuracy ${f('validation.accuracy', m.accuracy)}, loss ${f('validation.loss', m.loss)}, recall ${f('validation.recall', m.recall)}, ` +
        `precision ${f('validation.precision', m.precision)}; TN ${m.confusion.tn} FP ${m.confusion.fp} FN ${m.confusion.fn} TP ${m.confusion.tp}\n`,
    );
  }
  return failed.length ? 1 : 0;
}

/** Formats of `dlsweep export`. */
export const EXPORT_FORMATS = ['onnx', 'json'] as const;

/**
 * `dlsweep export RUN --format onnx|json -o FILE`: onnx, the graph of src/predict/onnx.ts; json, model.json
 * as recorded (network, threshold, fitted preprocessing). Returns 0.
 * Throws: UserError for a run without a complete model, or a file that cannot be written.
 */
/**
 * The export format an output file's extension names (.onnx, .json) when --format is not given.
 * Throws: UserError when the extension names neither.
 */
export function exportFormatOf(output: string): (typeof EXPORT_FORMATS)[number] {
  const ext = extname(output).toLowerCase().slice(1);
  const format = EXPORT_FORMATS.find((f) => f === ext);
  if (format) return format;
  throw new UserError(
    `export: no --format, and the output ${output} does not end in ${EXPORT_FORMATS.map((f) => `.${f}`).join(' or ')}`,
    `give --format ${EXPORT_FORMATS.join(' or --format ')}, e.g. dlsweep export RUN --format onnx -o model.onnx`,
  );
}

export async function exportCommand(ref: string, options: { runsDir: string; format?: (typeof EXPORT_FORMATS)[number]; output: string }, io: CliIO): Promise<number> {
  const format = options.format ?? exportFormatOf(options.output);
  const run = resolveRun(resolve(io.cwd, options.runsDir), ref);
  const model = readModelFile(run);
  const path = resolve(io.cwd, options.output);
  checkOutputPath(path, '--output');
  // protobufjs (onnx-proto) is loaded only here: every other command starts without it.
  const bytes = format === 'onnx' ? (await import('../predict/onnx.js')).onnxModel(model, toolVersion()) : new TextEncoder().encode(JSON.stringify(model, null, 2) + '\n');
  try {
    await writeBytesAtomic(path, bytes);
  } catch (e) {
    throw outputWriteFailure(e, path, '--output');
  }
  io.stderr.write(`wrote ${path} (${format}, ${sweepTitle(run.sweepDir)}/${run.run.folder}, ${model.preprocessing.features.length} features, threshold ${model.threshold})\n`);
  return 0;
}
