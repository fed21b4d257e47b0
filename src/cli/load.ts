/**
 * Reading an experiment and its data for the commands that train (`run`, `plan`, `lr-find`): validate the
 * whole file, print its warnings, fetch a managed dataset that is missing, load and preprocess the data.
 * Nothing is written under runs/ before this succeeds.
 */
import { DiagnosticError, formatDiagnostics } from '../errors.js';
import { loadExperiment } from '../experiment/load.js';
import { parseYaml } from '../experiment/read.js';
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
 * experiment's dataset.path (file:line:column), like every other problem of the file.
 * Throws: as loadDataset, with that DiagnosticError in place of the DatasetFileError.
 */
export function loadExperimentData(exp: Experiment): PreparedDataset {
  try {
    return loadDataset(exp.dataset);
  } catch (e) {
    if (!(e instanceof DatasetFileError)) throw e;
    const { src } = parseYaml(exp.text, exp.file);
    const node = src.nodeAt(['dataset', 'path']) ?? src.keyNodeAt(['dataset']);
    throw new DiagnosticError([{ severity: 'error', file: exp.file, path: 'dataset.path', message: e.problem, hint: e.hint, ...src.at(node) }]);
  }
}
