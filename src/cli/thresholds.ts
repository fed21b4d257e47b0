/** `dlsweep thresholds RUN --recall-at-least R | --cost-fn A --cost-fp B | --youden`: choose a threshold for a run. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { sweepTitle } from '../report/rows.js';
import { chooseThreshold, parseRule, thresholdText } from '../report/thresholds.js';
import type { CliIO } from './io.js';
import { checkPredictions, checkRoc, recordsPredictions } from '../store/integrity.js';
import { RUN_FILES } from '../store/paths.js';
import type { Predictions } from '../store/predictions.js';
import type { StoredRun } from '../store/read-runs.js';
import { resolveRun } from '../report/run-address.js';

/** Options of `dlsweep thresholds` (the rule's options as typed). */
export interface ThresholdsOptions {
  runsDir: string;
  recallAtLeast?: string;
  costFn?: string;
  costFp?: string;
  youden?: boolean;
  json?: boolean;
}

/**
 * `dlsweep thresholds`: returns the exit code.
 * Throws: UserError for a reference that names no run, a missing or double rule, a run without predictions.
 */
export function thresholdsCommand(ref: string, options: ThresholdsOptions, io: CliIO): number {
  const rule = parseRule(options);
  const runsDir = resolve(io.cwd, options.runsDir);
  const { sweepDir, run } = resolveRun(runsDir, ref);
  const title = `${sweepTitle(sweepDir)}/${run.folder}`;
  if (run.metrics?.status !== 'done') throw new UserError(`${title} is ${run.metrics?.status ?? 'not finished'}: it has no predictions`, 'choose a finished run (dlsweep compare lists them)');
  const predictions = checkedPredictions(run, title, sweepTitle(sweepDir));
  const choice = chooseThreshold(predictions, rule);
  if (options.json) io.stdout.write(JSON.stringify({ run: title, ...choice }, null, 2) + '\n');
  else io.stdout.write(thresholdText(title, choice, run.metrics.threshold));
  return 0;
}

/** A file's text, or undefined when it cannot be read. */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The predictions of a done run, checked as verify checks them. Throws: UserError when predictions.csv is
 * missing or damaged: in a run recorded with it (see integrity.ts recordsPredictions), how to repair it (verify,
 * then resume, which trains the run again to the same files); in an older record, that it never had one.
 */
function checkedPredictions(run: StoredRun, title: string, sweep: string): Predictions {
  const text = readText(join(run.dir, RUN_FILES.predictions));
  const repair = `check the sweep with: dlsweep verify ${sweep}; then repair it (the run is trained again, to the same files): dlsweep run EXPERIMENT_FILE --resume ${sweep}`;
  if (text === undefined) {
    const model = readText(join(run.dir, RUN_FILES.model));
    if (model !== undefined && recordsPredictions(model)) throw new UserError(`${title}: ${RUN_FILES.predictions} is missing (deleted or lost outside dlsweep)`, repair);
    throw new UserError(`${title} has no ${RUN_FILES.predictions}`, 'runs recorded by an older dlsweep lack it: run the sweep again');
  }
  const checked = checkPredictions(text, run.metrics!);
  if (!checked.predictions) throw new UserError(`${title}: ${checked.problems[0]} (damaged outside dlsweep)`, repair);
  // An edited probability still parses: roc.csv, written from the same predictions, tells.
  const roc = readText(join(run.dir, RUN_FILES.roc));
  const disagree = roc === undefined ? [] : checkRoc(roc, checked.predictions);
  if (disagree.length) throw new UserError(`${title}: ${disagree[0]}`, repair);
  return checked.predictions;
}
