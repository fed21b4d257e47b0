/**
 * Reading an experiment and its data for the commands that train (`run`, `plan`, `lr-find`): validate the
 * whole file, print its warnings, fetch a managed dataset that is missing, load and preprocess the data.
 * Nothing is written under runs/ before this succeeds.
 */
import { DiagnosticError, formatDiagnostics } from '../errors.js';
import { loadExperiment } from '../experiment/load.js';
import { parseYaml, sortDiagnostics } from '../experiment/read.js';
import type { Source } from '../experiment/source.js';
import type { Node } from 'yaml';
import { DatasetSettingsError } from '../datasets/problems.js';
import { DatasetFileError } from '../datasets/csv.js';
import type { Experiment } from '../experiment/types.js';
import { loadDataset, type PreparedDataset } from '../datasets/index.js';
import { ensureDataset } from '../datasets/install.js';
import type { DataShape } from '../sweep/plan.js';
import type { CliIO } from './io.js';

/**
 * Load and validate the experiment and its data; prints warnings on stderr. Returns the experiment, the
 * prepared data and its shape for the planner. `checked`, when given, is called with the valid experiment
 * before its data is read (to start what the experiment will need meanwhile).
 * Throws: UserError / DiagnosticError for an invalid file or data, before anything is written.
 */
export async function loadInputs(
  file: string,
  options: { dataDir?: string },
  io: CliIO,
  checked?: (exp: Experiment) => void,
): Promise<{ exp: Experiment; data: PreparedDataset; shape: DataShape }> {
  const exp = loadExperiment(file, { dataDir: options.dataDir, cwd: io.cwd });
  checked?.(exp);
  if (exp.warnings.length > 0) io.stderr.write(formatDiagnostics(exp.warnings, '\n') + '\n');
  // A managed dataset that is missing is downloaded (and checked) on first use, saying so.
  await ensureDataset(exp.dataset, { log: (line) => io.stderr.write(line + '\n'), env: io.env, cwd: io.cwd });
  const data = loadExperimentData(exp);
  const shape: DataShape = {
    fingerprint: data.fingerprint,
    features: data.feature_names.length,
    trainSamples: data.folds[0].train.y.length,
    folds: data.folds.length,
  };
  return { exp, data, shape };
}

/**
 * The experiment's data (see loadDataset); a dataset file that is missing or a folder is reported at the
 * experiment's dataset.path (file:line:column), like every other problem of the file, and so is each problem of
 * a column setting (dataset.label, drop_columns, features) at the value that names the column.
 * Throws: as loadDataset, with such DiagnosticErrors in place of the DatasetFileError and DatasetSettingsError.
 */
export function loadExperimentData(exp: Experiment): PreparedDataset {
  try {
    return loadDataset(exp.dataset);
  } catch (e) {
    if (e instanceof DatasetSettingsError) {
      const { src } = parseYaml(exp.text, exp.file);
      throw new DiagnosticError(sortDiagnostics(e.problems.map((p) => ({ ...p.diagnostic, file: exp.file, ...src.at(settingNode(src, p.setting)) }))));
    }
    if (!(e instanceof DatasetFileError)) throw e;
    const { src } = parseYaml(exp.text, exp.file);
    const node = src.nodeAt(['dataset', 'path']) ?? src.keyNodeAt(['dataset']);
    throw new DiagnosticError([{ severity: 'error', file: exp.file, path: 'dataset.path', message: e.problem, hint: e.hint, ...src.at(node) }]);
  }
}

/** The node of a dataset setting in the experiment file, or of its nearest written parent (a preset's value is not written). */
function settingNode(src: Source, setting: (string | number)[]): Node | undefined {
  for (let n = setting.length; n > 0; n--) {
    const node = src.nodeAt(['dataset', ...setting.slice(0, n)]);
    if (node) return node;
  }
  return src.keyNodeAt(['dataset']);
}
