/**
 * The options of `dlsweep run` and `dlsweep plan`, the grid limit, and the command that resumes a sweep:
 * shared by the grid runner (run.ts) and the search runner (search.ts).
 */
import type { EngineMode } from '../train/types.js';
import { redactUrl } from '../execute/queue/url.js';
import { shellWord } from '../text.js';

export interface RunOptions {
  runsDir: string;
  dataDir?: string;
  workers?: number;
  maxRuns: number;
  share: boolean;
  quiet: boolean;
  /** A sweep id, `latest`, or true for latest. */
  resume?: string | boolean;
  /** With resume: rebuild a damaged sweep.json from the run folders and the experiment file (the damaged file is kept as sweep.json.damaged). */
  repair?: boolean;
  /** run: widen this sweep (a sweep id, EXPERIMENT/SWEEP_ID or latest) with the grid points the file adds. */
  extend?: string;
  /** Copy runs recorded with the same identity in other sweeps of the experiment instead of training them (default true; --no-reuse). */
  reuse?: boolean;
  /** Rows of the table printed at the end (default DEFAULT_TOP; Infinity for all). */
  top?: number;
  /** The training engine, resolved once from --engine or DLSWEEP_ENGINE (see resolveEngine in main.ts). */
  engine: EngineMode;
  /** run: a redis:// or rediss:// URL: train on the queue's workers (--workers then counts this process's threads, default 0). */
  queue?: string;
}

/** Default grid limit: a larger grid needs --max-runs. */
export const DEFAULT_MAX_RUNS = 10_000;

/** The command that resumes this sweep, with the runs and data folders when they are not the defaults. */
export function resumeCommand(file: string, sweepId: string, options: Pick<RunOptions, 'runsDir' | 'dataDir' | 'queue'>): string {
  const runsDir = options.runsDir === 'runs' ? '' : ` --runs-dir ${shellWord(options.runsDir)}`;
  const dataDir = options.dataDir === undefined ? '' : ` --data-dir ${shellWord(options.dataDir)}`;
  // The queue's password is shown as ***: never printed.
  const queue = options.queue === undefined ? '' : ` --queue ${shellWord(redactUrl(options.queue))}`;
  return `dlsweep${runsDir} run ${shellWord(file)} --resume ${sweepId}${dataDir}${queue}`;
}
