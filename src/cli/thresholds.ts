/** `dlsweep thresholds RUN --recall-at-least R | --cost-fn A --cost-fp B | --youden`: choose a threshold for a run. */
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { sweepTitle } from '../report/rows.js';
import { chooseThreshold, parseRule, thresholdText } from '../report/thresholds.js';
import type { CliIO } from './io.js';
import { resolveModelRun } from './predict.js';

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
  // EXPERIMENT/best: the best run by the sweep's objective, as for predict.
  const { sweepDir, run } = resolveModelRun(runsDir, ref);
  const title = `${sweepTitle(sweepDir)}/${run.folder}`;
  if (run.metrics?.status !== 'done') throw new UserError(`${title} is ${run.metrics?.status ?? 'not finished'}: it has no predictions`, 'choose a finished run (dlsweep compare lists them)');
  if (!run.predictions) throw new UserError(`${title} has no predictions.csv`, 'runs recorded by an older dlsweep lack it: run the sweep again');
  const choice = chooseThreshold(run.predictions, rule);
  if (options.json) io.stdout.write(JSON.stringify({ run: title, ...choice }, null, 2) + '\n');
  else io.stdout.write(thresholdText(title, choice, run.metrics.threshold));
  return 0;
}
