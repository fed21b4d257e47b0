/**
 * `run FILE --resume SWEEP` and `run FILE --extend SWEEP` of a grid sweep: the target sweep's grids read
 * back (its experiment file as launched, then each extension's), the plan that numbers runs grid by grid
 * (planStages), and the check that an extension only widens the grid (src/sweep/extend.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { parseExperiment } from '../experiment/index.js';
import type { Experiment } from '../experiment/types.js';
import type { PreparedDataset } from '../datasets/index.js';
import { planStages, planSweep, type DataShape, type Plan } from '../sweep/plan.js';
import { wideningOf } from '../sweep/extend.js';
import { ENGINE_VERSION } from '../train/version.js';
import type { EngineMode } from '../train/types.js';
import { extensionFileName, stageFiles } from '../store/paths.js';
import type { SweepExtension, SweepFile } from '../store/records.js';
import { DamagedSweepRecord, readSweepFile } from '../store/read-runs.js';
import { resolveSweepTarget } from '../store/sweeps.js';

/** The sweep a --resume or --extend names: its folder, record, and the grids it was run with, oldest first. */
export interface SweepBase {
  dir: string;
  sweep: SweepFile;
  stages: Experiment[];
  /** --repair: the sweep's sweep.json is damaged; `sweep` then stands in for it, holding only the extensions' count. */
  damaged?: DamagedSweepRecord;
}

/** Extension files kept in a sweep folder, counted from the disk (experiment.extend-1.yaml, -2, ... without a gap). */
function keptExtensions(dir: string): number {
  let n = 0;
  while (existsSync(join(dir, extensionFileName(n + 1)))) n++;
  return n;
}

/** `experiment/sweep-id` of a sweep folder. */
function title(dir: string): string {
  return `${basename(dirname(dir))}/${basename(dir)}`;
}

/**
 * Read the sweep `target` names (see resolveSweepTarget) and, when `withStages` or the sweep was extended,
 * the grids it was run with (parsed from the files kept in its folder).
 * Throws: UserError when there is no such sweep, it belongs to another experiment, or a kept file is
 * missing or no longer valid.
 */
export function readSweepBase(runsDir: string, exp: Experiment, target: string | true, options: { withStages: boolean; dataDir?: string; repair?: boolean }): SweepBase {
  const dir = resolveSweepTarget(runsDir, exp.name, target, options.withStages ? '--extend' : '--resume');
  let sweep: SweepFile;
  let damaged: DamagedSweepRecord | undefined;
  try {
    sweep = readSweepFile(dir);
  } catch (e) {
    if (!(e instanceof DamagedSweepRecord && options.repair && !options.withStages)) throw e;
    // The record cannot say how often the grid was widened: the files kept for each widening can.
    damaged = e;
    sweep = { experiment: exp.name, extensions: Array.from({ length: keptExtensions(dir) }) } as SweepFile;
  }
  if (sweep.experiment !== exp.name) throw new UserError(`sweep ${dir} belongs to experiment "${sweep.experiment}", not "${exp.name}"`);
  if (!options.withStages && !sweep.extensions?.length) return { dir, sweep, stages: [], ...(damaged ? { damaged } : {}) };
  const stages = stageFiles(sweep).map((name) => {
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new UserError(`${path} is missing, so the grid sweep ${title(dir)} was run with cannot be read back`, `run the experiment as a new sweep: dlsweep run ${exp.file}`);
    }
    try {
      return parseExperiment(text, path, { cwd: dir, dataDir: options.dataDir });
    } catch {
      throw new UserError(`${path} is no longer a valid experiment (kept from an older dlsweep?), so the grid of ${title(dir)} cannot be read back`, `run the experiment as a new sweep: dlsweep run ${exp.file}`);
    }
  });
  return { dir, sweep, stages, ...(damaged ? { damaged } : {}) };
}

/**
 * The widenings of a sweep whose record is damaged, read back from its grids (base.stages): what each added
 * (wideningOf), its runs (planStages of the grids up to it) and, for its time, when its file was written.
 */
export function rebuiltExtensions(base: SweepBase, shape: DataShape, options: { share: boolean; engine: EngineMode }): SweepExtension[] {
  const out: SweepExtension[] = [];
  let size = base.stages.length ? planStages(base.stages.slice(0, 1), shape, options).gridSize : 0;
  for (let k = 1; k < base.stages.length; k++) {
    const next = planStages(base.stages.slice(0, k + 1), shape, options).gridSize;
    const file = extensionFileName(k);
    out.push({ at: statSync(join(base.dir, file)).mtime.toISOString(), file, added: wideningOf(base.stages[k - 1], base.stages[k]).widening.added, first_run: size + 1, runs: next - size });
    size = next;
  }
  return out;
}

/**
 * The run folders of a grid sweep's plan, read back without its data (for verify): its grids from the files
 * kept in its folder, its data fingerprint, engine and sharing from its record. Undefined for a search, or
 * when the plan read back is not the recorded one (another plan_hash: an older engine version, a kept file
 * edited or gone). Throws: nothing.
 */
export function plannedRunFolders(dir: string, sweep: SweepFile): Set<string> | undefined {
  if (sweep.search) return undefined;
  try {
    const stages = stageFiles(sweep).map((name) => parseExperiment(readFileSync(join(dir, name), 'utf8'), join(dir, name), { cwd: dir }));
    // A run's identity holds the data's fingerprint only; the data's sizes weigh trainings and bound networks.
    const plan = planStages(stages, { fingerprint: sweep.dataset.fingerprint, features: 1, trainSamples: 1, folds: 1 }, { share: sweep.shared, engine: sweep.engine ?? 'auto' });
    return plan.planHash === sweep.plan_hash ? new Set(plan.runs.map((r) => r.folder)) : undefined;
  } catch {
    return undefined;
  }
}

/** What --extend adds, for openSweep: the plan_hash checked against and the values each parameter gains. */
export interface Extension {
  basePlanHash: string;
  added: Record<string, string[]>;
  points: number;
}

/**
 * The plan of a resumed or extended grid sweep. A sweep never extended resumes with planSweep's plan;
 * an extended one numbers its runs grid by grid (planStages), the file given standing for its last grid.
 * With `extend`, the file must widen the sweep's last grid (else UserError naming every change that is not
 * a widening, the data, engine and engine version included); `extension` is absent when it adds nothing
 * (then the command completes the sweep as a resume would).
 * Throws: UserError (see above); what planSweep throws.
 */
export function planForSweep(
  exp: Experiment,
  data: Pick<PreparedDataset, 'file_sha256' | 'fingerprint'>,
  shape: DataShape,
  base: SweepBase,
  options: { share: boolean; maxRuns: number; engine: EngineMode; extend: boolean },
): { plan: Plan; extension?: Extension } {
  const planOptions = { share: options.share, maxRuns: options.maxRuns, engine: options.engine };
  if (!options.extend) {
    if (!base.sweep.extensions?.length) return { plan: planSweep(exp, shape, planOptions) };
    return { plan: planStages([...base.stages.slice(0, -1), exp], shape, planOptions) };
  }
  const { sweep } = base;
  // A search has no grid to widen, whatever the file says now: say only that (the file's other changes,
  // measured against the search it ran, would read as edits that were never made).
  if (sweep.search) {
    const method = sweep.search.method;
    throw new UserError(
      `cannot extend sweep ${title(base.dir)}: --extend adds values to a grid; ${title(base.dir)} is ${/^[aeiou]/.test(method) ? 'an' : 'a'} ${method} search`,
      `run the file without --extend to start a new sweep of it: dlsweep run ${exp.file}`,
    );
  }
  const last = base.stages[base.stages.length - 1];
  const refusals: string[] = [];
  const hints: string[] = [];
  const { widening, refusals: changes } = wideningOf(last, exp);
  refusals.push(...changes);
  const short = (h: string) => `${h.slice(0, 12)}…`;
  // A changed dataset key says enough; otherwise the data file or its preparation may have changed alone.
  const datasetKey = changes.some((c) => c.startsWith('the dataset'));
  if (datasetKey) {
    // named above
  } else if (sweep.dataset.sha256 !== data.file_sha256) refusals.push(`the data file changed (sha256 ${short(sweep.dataset.sha256)}, now ${short(data.file_sha256)})`);
  else if (sweep.dataset.fingerprint !== data.fingerprint) {
    refusals.push(`the prepared data changed (fingerprint ${short(sweep.dataset.fingerprint)}, now ${short(data.fingerprint)})`);
  }
  const engine = sweep.engine ?? 'auto';
  if (engine !== options.engine) {
    refusals.push(`the engine (${engine}, now ${options.engine})`);
    hints.push(`extend with --engine ${engine}`);
  }
  if (sweep.engine_version !== ENGINE_VERSION) refusals.push(`the engine version (${sweep.engine_version}, now ${ENGINE_VERSION}): runs trained now would not be comparable with the recorded ones`);
  if (refusals.length) {
    throw new UserError(
      `cannot extend sweep ${title(base.dir)}: ${refusals.join('; ')}`,
      [...hints, `--extend only adds values to the grid (an axis gains values, or a fixed value becomes an axis that keeps it); for anything else run the experiment as a new sweep: dlsweep run ${exp.file}`].join(', or '),
    );
  }
  const plan = planStages([...base.stages, exp], shape, planOptions);
  if (widening.points === 0) return { plan };
  return { plan, extension: { basePlanHash: sweep.plan_hash, added: widening.added, points: widening.points } };
}
