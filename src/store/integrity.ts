/**
 * Checking the files of a run folder: what a reader needs to trust a run, and what `dlsweep verify` and
 * resume look at. A file can be damaged outside dlsweep (a partial copy, a sync conflict, an editor): every
 * check returns the problems it finds, as short phrases naming the file, and never throws.
 *
 *   params.json   an object whose folder, index and run_id agree with the folder's name
 *   metrics.json  a known status, the run's run_id, its iterations and threshold; done: train and
 *                 validation metrics (loss, accuracy, confusion counts); diverged: where it diverged
 *   timing.json   (when present) a training time in ms
 *   model.json    done runs: dims, and W and b of the shapes those dims give, all finite
 *   curve.csv     done and diverged runs: the header, then rows of an increasing iteration and two losses;
 *                 with the sweep's record.curve_every, exactly the rows the run records (checkCurveRows)
 *   predictions.csv  done runs recorded with their model's preprocessing (every run since model.json holds it):
 *                 the header, then split,fold,row,label,probability rows as written, as many validation (and
 *                 test) rows and positives as the run's confusion counts say
 *   roc.csv       beside predictions.csv: the very curves predictions.csv gives (predictions.ts rocCsv)
 *   trajectory.csv  (when present) the header naming model.json's parameters, rows of an increasing iteration
 *                 and one finite number per parameter
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isObject } from '../guards.js';
import { RUN_FILES, RUN_FOLDER_PATTERN } from './paths.js';
import { rocCsv, type Predictions } from './predictions.js';
import { parameterNames, trajectoryCsv } from './trajectory.js';
import type { TrajectoryPoint } from '../train/types.js';
import type { RunMetricsFile, RunParamsFile, RunTimingFile } from './records.js';

const STATUSES = new Set(['done', 'diverged', 'failed', 'interrupted']);
const CONFUSION = ['tn', 'fp', 'fn', 'tp'] as const;

/** A file read back: its parsed value, or why it could not be (absent, unreadable, not JSON). */
export type JsonRead<T> = { value: T } | { missing: true } | { problem: string };

/** Read and parse a JSON file. Never throws. */
export function readJsonFile<T>(path: string, name: string): JsonRead<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { problem: `${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (text.trim() === '') return { problem: `${name} is empty` };
  try {
    return { value: JSON.parse(text) as T };
  } catch {
    return { problem: `${name} is not valid JSON (${text.length} bytes${text.trimEnd().endsWith('}') ? '' : ', cut short'})` };
  }
}

/** Problems of a parsed params.json for run folder `folder` (NNNN-hash8). */
export function checkParams(p: unknown, folder: string): string[] {
  const name = RUN_FILES.params;
  if (!isObject(p)) return [`${name} is not an object`];
  const problems: string[] = [];
  const dash = folder.indexOf('-');
  if (p.folder !== folder) problems.push(`${name}: folder is ${JSON.stringify(p.folder)}, not ${folder}`);
  if (typeof p.run_id !== 'string' || !p.run_id.startsWith(folder.slice(dash + 1))) problems.push(`${name}: run_id ${JSON.stringify(p.run_id)} does not match the folder's hash`);
  if (p.index !== Number(folder.slice(0, dash)) - 1) problems.push(`${name}: index ${JSON.stringify(p.index)} does not match the folder's number`);
  if (!isObject(p.params)) problems.push(`${name}: no params`);
  return problems;
}

function checkSplitMetrics(m: unknown, where: string): string[] {
  if (!isObject(m)) return [`${where} metrics are missing`];
  const problems: string[] = [];
  for (const k of ['loss', 'accuracy'] as const) {
    // A value of the wrong type is present, not missing: say what it is.
    if (m[k] === undefined) problems.push(`${where}.${k} is missing`);
    else if (typeof m[k] !== 'number') problems.push(`${where}.${k} is ${JSON.stringify(m[k])}, not a number`);
  }
  if (!isObject(m.confusion) || !CONFUSION.every((k) => Number.isInteger((m.confusion as Record<string, unknown>)[k]))) problems.push(`${where} confusion counts are missing`);
  return problems;
}

/** Problems of a parsed metrics.json, given the run's params.json when it is sound. */
export function checkMetrics(m: unknown, params?: RunParamsFile): string[] {
  const name = RUN_FILES.metrics;
  if (!isObject(m)) return [`${name} is not an object`];
  if (typeof m.status !== 'string' || !STATUSES.has(m.status)) return [`${name}: unknown status ${JSON.stringify(m.status)}`];
  // The first problem says enough: the file is not what dlsweep wrote.
  if (m.status === 'done' && m.train === undefined && m.validation === undefined) return [`${name}: status done without any metrics`];
  if (m.status === 'done') {
    const split = [...checkSplitMetrics(m.train, 'train'), ...checkSplitMetrics(m.validation, 'validation')];
    if (split.length) return [`${name}: status done but ${split[0]}`];
  }
  if (m.status === 'diverged' && (!isObject(m.diverged) || typeof m.diverged.iteration !== 'number')) return [`${name}: status diverged without the update it diverged at`];
  if (typeof m.run_id !== 'string') return [`${name}: no run_id`];
  if (params && m.run_id !== params.run_id) return [`${name}: run_id ${m.run_id.slice(0, 12)}... is not the run's (${params.run_id.slice(0, 12)}...)`];
  if (typeof m.iterations !== 'number' || typeof m.threshold !== 'number') return [`${name}: iterations or threshold missing`];
  return [];
}

/** Problems of a parsed timing.json. */
export function checkTiming(t: unknown): string[] {
  if (!isObject(t) || typeof t.training_ms !== 'number') return [`${RUN_FILES.timing}: no training_ms`];
  return [];
}

/** Problems of model.json's text. */
export function checkModel(text: string): string[] {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return [`${RUN_FILES.model} is not valid JSON (${text.length} bytes)`];
  }
  return checkModelValue(m);
}

/** Problems of a parsed model.json (see checkModel). */
function checkModelValue(m: unknown): string[] {
  const name = RUN_FILES.model;
  if (!isObject(m) || !Array.isArray(m.dims) || m.dims.length < 2 || !m.dims.every((d) => Number.isInteger(d) && d > 0)) return [`${name}: no valid dims`];
  const dims = m.dims as number[];
  if (!Array.isArray(m.W) || !Array.isArray(m.b) || m.W.length !== dims.length - 1 || m.b.length !== dims.length - 1) return [`${name}: ${dims.length - 1} layers expected in W and b`];
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  for (let l = 0; l < dims.length - 1; l++) {
    const W = m.W[l] as unknown;
    const b = m.b[l] as unknown;
    const wOk = Array.isArray(W) && W.length === dims[l + 1] && W.every((row) => Array.isArray(row) && row.length === dims[l] && row.every(finite));
    if (!wOk) return [`${name}: W[${l}] is not ${dims[l + 1]} x ${dims[l]} finite numbers`];
    if (!(Array.isArray(b) && b.length === dims[l + 1] && b.every(finite))) return [`${name}: b[${l}] is not ${dims[l + 1]} finite numbers`];
  }
  return [];
}

/** Problems of curve.csv's text (see curveCsv in write-run.ts); iterations: the run's update count. */
export function checkCurve(text: string, iterations?: number): string[] {
  const name = RUN_FILES.curve;
  if (!text.endsWith('\n')) return [`${name} is cut short (no final newline)`];
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== 'iteration,train_loss,validation_loss') return [`${name}: unexpected header ${JSON.stringify(lines[0].slice(0, 60))}`];
  let last = -1;
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    const numeric = (s: string) => s !== '' && (s === 'NaN' || !Number.isNaN(Number(s)));
    if (f.length !== 3 || !/^\d+$/.test(f[0]) || !numeric(f[1]) || !numeric(f[2])) return [`${name}: line ${i + 1} is not iteration,train_loss,validation_loss`];
    const it = Number(f[0]);
    if (it <= last) return [`${name}: line ${i + 1}: iteration ${it} does not follow ${last}`];
    last = it;
  }
  if (iterations !== undefined && last > iterations) return [`${name}: goes to update ${last}, past the run's ${iterations}`];
  return [];
}

/**
 * Problems of the rows of a sound curve.csv (checkCurve) of a finished run, given its metrics.json and the
 * sweep's record.curve_every: the recorder writes exactly the points a plain training of the run's length
 * records (assemble.ts curveFor, the first fold's): updates 0, curveEvery, 2 curveEvery, ... up to where the
 * run's training ended (its length, or the first fold's early stop), and that last update. A continued
 * training of a search carries the curve its earlier part recorded, so the same rows hold. A diverged run's
 * rows are those multiples from 0, up to the last one before the divergence, or (k-fold: the first fold went
 * on) past it, ending at the run's length or, with early stopping, anywhere up to it. A missing or extra row
 * is damage. Throws: nothing.
 */
export function checkCurveRows(text: string, metrics: RunMetricsFile, earlyStopping: boolean, curveEvery: number): string[] {
  const name = RUN_FILES.curve;
  const rows = text.slice(0, -1).split('\n').slice(1).map((line) => Number(line.slice(0, line.indexOf(','))));
  const rule = `the run records one every ${curveEvery} updates (record.curve_every) from 0, and one at its last update`;
  const missing = (it: number) => [`${name}: no row for update ${it}: ${rule}`];
  const extra = (it: number) => [`${name}: a row for update ${it}, which is not one of the run's: ${rule}`];
  if (metrics.status === 'done') {
    const end = metrics.folds?.[0]?.stopped_at ?? metrics.stopped_at ?? metrics.iterations;
    const expected: number[] = [];
    for (let it = 0; it < end; it += curveEvery) expected.push(it);
    expected.push(end);
    for (let i = 0; i < Math.max(rows.length, expected.length); i++) {
      if (rows[i] === expected[i]) continue;
      return i >= rows.length || expected.includes(rows[i]) ? missing(expected[i]) : extra(rows[i]);
    }
    return [];
  }
  // Diverged: the multiples of curveEvery from 0, none left out, the last row maybe between two of them.
  for (let i = 0; i < rows.length - 1; i++) {
    if (rows[i] !== i * curveEvery) return rows[i] % curveEvery === 0 ? missing(i * curveEvery) : extra(rows[i]);
  }
  const n = rows.length;
  if (n === 0) return missing(0);
  const last = rows[n - 1];
  const next = (n - 1) * curveEvery;
  if (last !== next && !(last > next - curveEvery && last < next)) return last > next ? missing(next) : extra(last);
  if (!earlyStopping) {
    const at = Math.min(metrics.diverged?.iteration ?? metrics.iterations, metrics.iterations + 1);
    const before = Math.floor((at - 1) / curveEvery) * curveEvery;
    if (last !== before && last !== metrics.iterations) return last < before ? missing((Math.floor(last / curveEvery) + 1) * curveEvery) : extra(last);
  }
  return [];
}

/**
 * The predictions of predictions.csv's text and its problems (see predictions.ts; the file's rows as
 * predictionsCsv writes them), checked against the confusion counts of the run's metrics.json: as many rows of
 * each split, and as many of label 1, as the counts say. A damaged file gives no predictions.
 */
export function checkPredictions(text: string, metrics: RunMetricsFile): { predictions?: Predictions; problems: string[] } {
  const name = RUN_FILES.predictions;
  const bad = (problem: string) => ({ problems: [`${name}${problem}`] });
  if (!text.endsWith('\n')) return bad(' is cut short (no final newline)');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== 'split,fold,row,label,probability') return bad(`: unexpected header ${JSON.stringify(lines[0].slice(0, 60))}`);
  const p: Predictions = { split: [], fold: [], row: [], label: [], probability: [] };
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    const fold = Number(f[1]);
    const row = Number(f[2]);
    const prob = Number(f[4]);
    // Numbers as predictionsCsv writes them (String of each), so that the file reads back to what was written.
    const asWritten = String(fold) === f[1] && String(row) === f[2] && String(prob) === f[4];
    if (f.length !== 5 || (f[0] !== 'validation' && f[0] !== 'test') || !asWritten || !(Number.isInteger(fold) && fold >= 0 && Number.isInteger(row) && row >= 0) || (f[3] !== '0' && f[3] !== '1') || !(prob >= 0 && prob <= 1)) {
      return bad(`: line ${i + 1} is not split,fold,row,label,probability (a probability in [0, 1])`);
    }
    p.split.push(f[0]);
    p.fold.push(fold);
    p.row.push(row);
    p.label.push(f[3] === '1' ? 1 : 0);
    p.probability.push(prob);
  }
  for (const split of ['validation', 'test'] as const) {
    const c = (metrics as unknown as Record<string, { confusion?: Record<string, number> } | undefined>)[split]?.confusion;
    let rows = 0;
    let positives = 0;
    for (let i = 0; i < p.split.length; i++) {
      if (p.split[i] !== split) continue;
      rows++;
      positives += p.label[i];
    }
    if (!c) {
      if (rows > 0) return bad(`: ${rows} ${split} rows, but ${RUN_FILES.metrics} has no ${split} metrics`);
      continue;
    }
    const expected = c.tn + c.fp + c.fn + c.tp;
    if (rows !== expected) return bad(`: ${rows} ${split} rows, not the ${expected} of the run's ${split} metrics`);
    if (positives !== c.fn + c.tp) return bad(`: ${positives} ${split} rows of label 1, not the ${c.fn + c.tp} of the run's ${split} metrics`);
  }
  return { predictions: p, problems: [] };
}

/** Problems of roc.csv's text, given the run's sound predictions: it must hold the curves they give. */
export function checkRoc(text: string, predictions: Predictions): string[] {
  const name = RUN_FILES.roc;
  if (!text.endsWith('\n')) return [`${name} is cut short (no final newline)`];
  return text === rocCsv(predictions) ? [] : [`${name} does not hold the curves of ${RUN_FILES.predictions} (one of them was edited or damaged)`];
}

/**
 * Whether a done run's model.json says the run was recorded with its predictions: every dlsweep that writes
 * the model's preprocessing into model.json (format dlsweep-model) writes predictions.csv and roc.csv beside it.
 */
export function recordsPredictions(modelText: string): boolean {
  try {
    return isDlsweepModel(JSON.parse(modelText) as unknown);
  } catch {
    return false;
  }
}

function isDlsweepModel(m: unknown): boolean {
  return isObject(m) && m.format === 'dlsweep-model';
}

/**
 * Problems of trajectory.csv's text (trajectory.ts), for a run whose sound model.json has `dims` and whose
 * metrics.json says `iterations`: the header naming the network's parameters, then rows of an increasing
 * iteration, at most the run's, and one finite number per parameter, as written.
 */
export function checkTrajectory(text: string, dims: readonly number[], iterations: number): string[] {
  const name = RUN_FILES.trajectory;
  if (!text.endsWith('\n')) return [`${name} is cut short (no final newline)`];
  const lines = text.slice(0, -1).split('\n');
  const header = ['iteration', ...parameterNames(dims)].join(',');
  if (lines[0] !== header) return [`${name}: its header does not name the parameters of model.json's network (${dims.join('-')})`];
  const width = dims.slice(1).reduce((n, d, l) => n + d * (dims[l] + 1), 0) + 1;
  const points: TrajectoryPoint[] = [];
  let last = -1;
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    const values = f.map((x) => (x === '' ? NaN : Number(x)));
    if (f.length !== width || !/^\d+$/.test(f[0]) || !values.every(Number.isFinite)) return [`${name}: line ${i + 1} is not an iteration and ${width - 1} finite numbers`];
    if (values[0] <= last) return [`${name}: line ${i + 1}: iteration ${values[0]} does not follow ${last}`];
    last = values[0];
    points.push({ iteration: values[0], params: values.slice(1) });
  }
  if (last > iterations) return [`${name}: goes to update ${last}, past the run's ${iterations}`];
  if (trajectoryCsv(dims, points) !== text) return [`${name}: its numbers are not as dlsweep writes them`];
  return [];
}

/**
 * The one problem of an entry of a sweep folder that is named like a run folder (0003-3fa2c1d0) but is not a
 * folder: a plain file (a copy gone wrong, a file saved in the wrong place). It holds no run, and dlsweep never
 * writes such a file, so it is reported once as what it is, not as each run file it cannot hold.
 */
export const NOT_A_RUN_FOLDER =
  'a file, not a run folder: dlsweep records each run in a folder of this name and never writes such a file; move it out of the sweep folder (or delete it)';

/**
 * The one problem of a run folder that holds a whole record of another run: its params.json is sound for the
 * folder `named`, not for its own name (a copy or a move: cp -r 0001-... 0009-...). Its files are that run's,
 * so it is not the run its name says and training again would not make it one: it is reported once as what it
 * is, to be moved out of the sweep folder (see setAsideHint), not as each field that disagrees with its name.
 */
export function otherRunsFiles(named: string): string {
  return `${OTHER_RUNS_FILES}${named}: its params.json names that folder (a copy or a move of that run), so it is not the run this folder's name says, and training cannot make it one: move it out of the sweep folder`;
}

const OTHER_RUNS_FILES = 'holds the files of run ';

/**
 * Whether a run folder's problems say it holds no run of its own (NOT_A_RUN_FOLDER, otherRunsFiles): resume
 * has nothing to train again there; the entry is to be moved out of the sweep folder.
 */
export function holdsNoRunOfItsOwn(problems: readonly string[] | undefined): boolean {
  const first = problems?.[0];
  return first !== undefined && (first === NOT_A_RUN_FOLDER || first.startsWith(OTHER_RUNS_FILES));
}

/**
 * How to move entries of a sweep folder that are no run of its plan out of it (names: run folder names), to a
 * folder beside it that no command reads as a sweep: `mkdir -p SWEEP.set-aside && mv SWEEP/0009-... SWEEP.set-aside/`.
 */
export function setAsideHint(sweepDir: string, names: readonly string[]): string {
  const aside = `${sweepDir}.set-aside`;
  return `move ${names.length === 1 ? 'it' : 'them'} out of the sweep folder, e.g. to a folder beside it that no command reads: mkdir -p ${aside} && mv ${names.map((n) => join(sweepDir, n)).join(' ')} ${aside}/`;
}

/** Whether `dir` exists and is not a folder (a plain file where a run folder's name is). Never throws. */
export function isNotAFolder(dir: string): boolean {
  try {
    return !statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** A run folder's files, read and checked. */
export interface CheckedRun {
  params?: RunParamsFile;
  metrics?: RunMetricsFile;
  timing?: RunTimingFile;
  /** What is wrong with the run's files; empty when sound. A damaged run's metrics are not to be used. */
  problems: string[];
}

/**
 * The shallow checks of checkRunFolder on a run's params.json, metrics.json and timing.json once read (from
 * its folder, or as a recorder holds them before writing them: recorder.ts recordedRun), for run folder
 * `folder`. Throws: nothing.
 */
export function checkRunFiles(folder: string, p: JsonRead<RunParamsFile>, m: JsonRead<RunMetricsFile>, t: JsonRead<RunTimingFile>): CheckedRun {
  const problems: string[] = [];
  const out: CheckedRun = { problems };
  if ('value' in p) {
    const named = isObject(p.value) ? p.value.folder : undefined;
    // A whole record of another run (sound for the folder it names): that, not each field, is the problem.
    if (typeof named === 'string' && named !== folder && RUN_FOLDER_PATTERN.test(named) && checkParams(p.value, named).length === 0) return { problems: [otherRunsFiles(named)] };
    const found = checkParams(p.value, folder);
    problems.push(...found);
    if (found.length === 0) out.params = p.value;
  } else problems.push('problem' in p ? p.problem : `${RUN_FILES.params} is missing`);
  if ('value' in m) {
    const found = checkMetrics(m.value, out.params);
    problems.push(...found);
    if (found.length === 0) out.metrics = m.value;
  } else if ('problem' in m) problems.push(m.problem);
  if ('value' in t) {
    const found = checkTiming(t.value);
    problems.push(...found);
    if (found.length === 0) out.timing = t.value;
  } else if ('problem' in t) problems.push(t.problem);
  if (problems.length > 0) out.metrics = undefined;
  return out;
}

/**
 * Read and check a run folder. Shallow (readers: compare, ls, show): params.json, metrics.json and
 * timing.json. Deep (resume, verify): also model.json and curve.csv of finished runs, and predictions.csv and
 * roc.csv of done runs, and their trajectory.csv when there; with `curveEvery` (the sweep's record.curve_every,
 * sweepCurveEvery), also that curve.csv holds the rows the run records (checkCurveRows).
 * A folder with a sound params.json and no metrics.json is a run not finished yet (pending), not damaged;
 * a folder without params.json is damaged (the recorder writes it first).
 */
export function checkRunFolder(dir: string, folder: string, deep = false, curveEvery?: number): CheckedRun {
  const p = readJsonFile<RunParamsFile>(join(dir, RUN_FILES.params), RUN_FILES.params);
  // Looked at only when params.json cannot be read: sound runs cost no extra stat.
  if ('problem' in p && isNotAFolder(dir)) return { problems: [NOT_A_RUN_FOLDER] };
  const m = readJsonFile<RunMetricsFile>(join(dir, RUN_FILES.metrics), RUN_FILES.metrics);
  const t = readJsonFile<RunTimingFile>(join(dir, RUN_FILES.timing), RUN_FILES.timing);
  const out = checkRunFiles(folder, p, m, t);
  const problems = out.problems;
  const status = out.metrics?.status;
  if (deep && (status === 'done' || status === 'diverged')) {
    const read = (name: string): string | undefined => {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch (e) {
        problems.push((e as NodeJS.ErrnoException).code === 'ENOENT' ? `${name} is missing` : `${name} cannot be read`);
        return undefined;
      }
    };
    if (status === 'done') {
      const model = read(RUN_FILES.model);
      let parsed: unknown;
      if (model !== undefined) {
        try {
          parsed = JSON.parse(model);
        } catch {
          problems.push(`${RUN_FILES.model} is not valid JSON (${model.length} bytes)`);
        }
      }
      const modelProblems = parsed === undefined ? [] : checkModelValue(parsed);
      problems.push(...modelProblems);
      // Readers (thresholds, the report, the ROC AUC's interval) take them as the run's: checked as resume
      // would write them. Older records without them are not damaged.
      const expected = isDlsweepModel(parsed);
      const present = (name: string) => expected || existsSync(join(dir, name));
      const text = present(RUN_FILES.predictions) ? read(RUN_FILES.predictions) : undefined;
      const checked = text !== undefined ? checkPredictions(text, out.metrics!) : undefined;
      if (checked) problems.push(...checked.problems);
      if (present(RUN_FILES.roc)) {
        const roc = read(RUN_FILES.roc);
        if (roc !== undefined && checked?.predictions) problems.push(...checkRoc(roc, checked.predictions));
      }
      // Recorded only with record.checkpoints_every, which is no part of a run's identity: checked when there.
      if (modelProblems.length === 0 && parsed !== undefined && existsSync(join(dir, RUN_FILES.trajectory))) {
        const trajectory = read(RUN_FILES.trajectory);
        if (trajectory !== undefined) problems.push(...checkTrajectory(trajectory, (parsed as { dims: number[] }).dims, out.metrics!.iterations));
      }
    }
    const curve = read(RUN_FILES.curve);
    const curveProblems = curve === undefined ? [] : checkCurve(curve, out.metrics!.iterations);
    problems.push(...curveProblems);
    // A run copied from another sweep (reused_from) keeps the curve of the sweep it was trained in.
    if (curve !== undefined && curveProblems.length === 0 && curveEvery !== undefined && !out.params?.reused_from) {
      problems.push(...checkCurveRows(curve, out.metrics!, isObject(out.params?.params) && out.params.params.early_stopping != null, curveEvery));
    }
  }
  if (problems.length > 0) out.metrics = undefined;
  return out;
}

const SWEEP_STATUSES = new Set(['running', 'done', 'failed', 'interrupted']);

/**
 * Problems of a parsed sweep.json (see SweepFile in records.ts): each field dlsweep reads, of the type it
 * writes; fields added in later versions may be absent. Returns phrases naming the field, what it holds and
 * what was expected (`started_at is 12, not a time`). Never throws.
 */
export function checkSweepRecord(s: unknown): string[] {
  const name = 'sweep.json';
  if (!isObject(s)) return [`${name} is not an object (it holds ${Array.isArray(s) ? 'a list' : JSON.stringify(s)})`];
  const problems: string[] = [];
  const shown = (v: unknown): string => {
    const t = JSON.stringify(v);
    return t === undefined ? String(v) : t.length > 40 ? `${t.slice(0, 37)}...` : t;
  };
  const bad = (field: string, v: unknown, expected: string) => problems.push(`${field} is ${v === undefined ? 'missing' : shown(v)}, not ${expected}`);
  const isTime = (v: unknown) => typeof v === 'string' && Number.isFinite(Date.parse(v));
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const isStringList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  for (const f of ['id', 'experiment', 'dlsweep_version', 'engine_version', 'node_version', 'plan_hash'] as const) if (typeof s[f] !== 'string') bad(f, s[f], 'a string');
  if (typeof s.status !== 'string' || !SWEEP_STATUSES.has(s.status)) bad('status', s.status, `one of ${[...SWEEP_STATUSES].join(', ')}`);
  if (!isTime(s.started_at)) bad('started_at', s.started_at, 'a time (ISO 8601)');
  if (s.ended_at !== null && !isTime(s.ended_at)) bad('ended_at', s.ended_at, 'a time (ISO 8601) or null');
  if (s.git_commit !== null && typeof s.git_commit !== 'string') bad('git_commit', s.git_commit, 'a string or null');
  const d = s.dataset;
  if (!isObject(d) || (d.name !== null && typeof d.name !== 'string') || typeof d.sha256 !== 'string' || typeof d.fingerprint !== 'string') bad('dataset', d, '{name, sha256, fingerprint}');
  for (const f of ['grid_size', 'trainings'] as const) if (!isCount(s[f])) bad(f, s[f], 'a whole number');
  if (typeof s.shared !== 'boolean') bad('shared', s.shared, 'true or false');
  const c = s.counts;
  if (!isObject(c) || !['done', 'diverged', 'failed', 'interrupted', 'pending'].every((k) => isCount(c[k])) || (c.damaged !== undefined && !isCount(c.damaged))) bad('counts', c, 'run counts {done, diverged, failed, interrupted, pending}');
  if (!Array.isArray(s.resumed_at) || !s.resumed_at.every(isTime)) bad('resumed_at', s.resumed_at, 'a list of times');
  // Optional fields.
  if (s.description !== undefined && typeof s.description !== 'string') bad('description', s.description, 'a string');
  if (s.tags !== undefined && !isStringList(s.tags)) bad('tags', s.tags, 'a list of strings');
  if (s.engine !== undefined && typeof s.engine !== 'string') bad('engine', s.engine, 'a string');
  if (s.error !== undefined && typeof s.error !== 'string') bad('error', s.error, 'a string');
  for (const f of ['planned_updates', 'updates_trained'] as const) if (s[f] !== undefined && !isCount(s[f])) bad(f, s[f], 'a whole number');
  if (s.search !== undefined && (!isObject(s.search) || typeof s.search.method !== 'string')) bad('search', s.search, '{method, trials}');
  const b = s.best;
  if (b !== undefined && b !== null && (!isObject(b) || typeof b.run !== 'string' || !isObject(b.metrics))) bad('best', b, '{run, metrics} or null');
  if (s.objective !== undefined) {
    const o = s.objective;
    const keysOk = isObject(o) && Array.isArray(o.keys) && o.keys.length > 0 && o.keys.every((k) => isObject(k) && typeof k.metric === 'string' && (k.goal === 'maximize' || k.goal === 'minimize'));
    if (!keysOk) bad('objective', o, '{keys: [{metric, goal}], declared}');
  }
  if (s.extensions !== undefined) {
    const e = s.extensions;
    const ok = Array.isArray(e) && e.every((x) => isObject(x) && isTime(x.at) && typeof x.file === 'string' && isObject(x.added) && isCount(x.first_run) && isCount(x.runs));
    if (!ok) bad('extensions', e, 'a list of {at, file, added, first_run, runs}');
  }
  if (s.active !== undefined) {
    const a = s.active;
    const ok = Array.isArray(a) && a.every((x) => isObject(x) && isTime(x.started_at) && (x.ended_at === null || isTime(x.ended_at)));
    if (!ok) bad('active', a, 'a list of {started_at, ended_at}');
  }
  return problems.map((p) => `${name}: ${p}`);
}
