/**
 * Rows for comparison: one per stored run, with typed parameter values, the user's spelling of them, and
 * flat metric names such as `validation.accuracy` or `train.fn`.
 */
import type { ParamValue } from '../experiment/types.js';
import type { ClassificationMetrics } from '../train/types.js';
import { PROPORTION_METRICS, SPLIT_METRICS } from '../train/metric-names.js';
import { mcnemarExact, rocAucDeLong, wilsonInterval } from '../train/statistics.js';
import { basename, dirname, join } from 'node:path';
import { readCurve } from '../store/curve.js';
import type { CurvePoint } from '../train/types.js';
import { readRunAnnotations, readRunFolder, readSweepFile, runFoldersOf, type StoredRun } from '../store/read-runs.js';
import { NOT_A_RUN_FOLDER } from '../store/integrity.js';
import type { RecordedFolder } from '../store/recorder.js';
import { mergeTags, readAnnotations } from '../store/annotations.js';
import { UserError } from '../errors.js';
import { formatMetric, type SearchPlace } from './format.js';
import type { RunParamsFile, RunStatus, SweepFile } from '../store/records.js';
import { DEFAULT_OBJECTIVE, compareByObjective, defaultObjective, recordedObjective, sameObjective, tiedOnObjective, type Objective, type ObjectiveSetting } from '../sweep/objective.js';

/** One run, flattened for comparison. */
export interface Row {
  /** Sweep folder and run folder, e.g. seed-article/20261129-111502-3fa2 and 0001-3fa2c1d0. */
  sweep: string;
  folder: string;
  /** The run folder's path (absent for rows built in memory). */
  dir?: string;
  /** 1-based position in grid order (the folder's number) and the 8 hex digits after it. */
  index: number;
  hash: string;
  run_id: string;
  /** damaged: the run's files cannot be trusted (see store/integrity.ts); its metrics are not used. */
  status: RunStatus | 'pending' | 'damaged';
  params: Record<string, ParamValue>;
  spellings: Record<string, string>;
  /**
   * Flat metrics: `train.loss`, `validation.accuracy`, `validation.fn`, ..., `test.accuracy` (null without a
   * test split), and the 95% Wilson interval of each proportion (`validation.accuracy_ci_low`,
   * `validation.accuracy_ci_high`, ...); null when undefined or not recorded. No choice reads `test.*`.
   */
  metrics: Record<string, number | null>;
  /** k-fold runs: the standard deviation over folds of each metric, by the same flat names; empty otherwise. */
  std: Record<string, number | null>;
  /** k-fold runs: the number of folds each mean is over, by the same flat names; absent otherwise (one measurement). */
  n?: Record<string, number>;
  /** k-fold runs: metrics computed from the confusion counts pooled over folds (undefined in some fold). */
  pooled?: string[];
  /**
   * Finished runs with predictions.csv: for each validation row (k-fold: pooled out-of-fold rows, in file
   * order), 1 when the run's prediction at its threshold is right. Paired tests against the best use it.
   */
  correct?: Uint8Array;
  /** Set by markTies: McNemar's exact p-value against the best run, and whether p >= 0.05 (the best: p = 1). */
  tie?: { p: number; tied: boolean };
  /** When status is diverged or failed: what happened. */
  note?: string;
  /**
   * Early stopping: the updates run (k-fold: the mean over folds), why the training ended
   * (no_improvement, max_iterations, or mixed over folds), and the update whose weights were restored
   * (restore_best); null when not recorded (no early stopping, or not restored).
   */
  stop?: { stopped_at: number | null; stop_reason: string | null; restored_from: number | null };
  /** Tags: the sweep's (experiment file's and dlsweep tag's), then the run's own, each once (absent: none). */
  tags?: string[];
  /** The run's note (dlsweep note), when it has one. */
  userNote?: string;
  /**
   * The sweep's data: the dataset's name (or `custom`) and the first 8 hex digits of its fingerprint (file
   * and preprocessing), e.g. wisconsin@3fa2c1d0; absent for rows built in memory.
   */
  dataset?: string;
  /**
   * Runs of a search: the trial, its Hyperband bracket and the rung of this run (params.json), and the
   * horizon its training was shaped for when longer than the run.
   */
  search?: SearchPlace;
  /**
   * Its sweep's search method (sweep.json), which decides whether its rung and bracket exist (tellsRung,
   * tellsBracket); absent for a grid's run, a damaged sweep.json and rows built in memory.
   */
  method?: string;
  /** A run copied from an earlier sweep instead of trained: EXPERIMENT/SWEEP_ID/RUN_FOLDER of its source. */
  reused_from?: string;
  /** Its sweep's objective (sweep.json); absent for rows built in memory (the default then applies). */
  objective?: ObjectiveSetting;
}

export { INTERVAL_METRICS, PROPORTION_METRICS, SPLIT_METRICS } from '../train/metric-names.js';

/** Successes and trials of a proportion metric in a confusion matrix (k-fold: the counts pooled over folds). */
export function proportionCounts(metric: (typeof PROPORTION_METRICS)[number], c: { tn: number; fp: number; fn: number; tp: number }): [number, number] {
  switch (metric) {
    case 'accuracy':
      return [c.tp + c.tn, c.tp + c.tn + c.fp + c.fn];
    case 'precision':
      return [c.tp, c.tp + c.fp];
    case 'recall':
      return [c.tp, c.tp + c.fn];
    case 'specificity':
      return [c.tn, c.tn + c.fp];
  }
}

/**
 * The flat metrics of one split into `out`. `intervals`: whether its confusion counts are of distinct rows,
 * so that Wilson intervals apply. False for the train and test splits of k-fold runs: their counts add up
 * the folds' models on the same rows (each training row k - 1 times, each test row k times), so an interval
 * over them would be too narrow; theirs are null, the spread is the std over folds. k-fold validation counts
 * are of distinct rows (each once, out of fold): they keep theirs.
 */
function flatten(prefix: string, m: ClassificationMetrics | undefined, out: Record<string, number | null>, intervals = true): void {
  for (const k of SPLIT_METRICS) {
    let v: number | null = null;
    if (m) v = k === 'tn' || k === 'fp' || k === 'fn' || k === 'tp' ? m.confusion[k] : (m[k] ?? null);
    out[`${prefix}.${k}`] = v;
  }
  for (const k of PROPORTION_METRICS) {
    const ci = m && intervals ? wilsonInterval(...proportionCounts(k, m.confusion)) : null;
    out[`${prefix}.${k}_ci_low`] = ci?.low ?? null;
    out[`${prefix}.${k}_ci_high`] = ci?.high ?? null;
  }
}

/** One row from a stored run; `sweepTags` are the tags of its sweep, which every run of it carries. */
export function rowOf(sweep: string, run: StoredRun, sweepTags: readonly string[] = []): Row {
  return withAnnotations(rowBase(sweep, run), run.annotations, sweepTags);
}

/** A row without what its annotations give (tags and note): everything its recorded files decide. */
type RowBase = Omit<Row, 'tags' | 'userNote'>;

/** A run's row with the tags (its sweep's, then its own) and note of its annotations, in rowOf's field order. */
function withAnnotations(base: RowBase, annotations: StoredRun['annotations'] | undefined, sweepTags: readonly string[]): Row {
  const { search, reused_from, ...head } = base;
  return {
    ...head,
    tags: [...new Set([...sweepTags, ...(annotations?.tags ?? [])])],
    ...(annotations?.note ? { userNote: annotations.note } : {}),
    ...(search ? { search } : {}),
    ...(reused_from ? { reused_from } : {}),
  };
}

function rowBase(sweep: string, run: StoredRun): RowBase {
  const metrics: Record<string, number | null> = {};
  const folds = run.metrics?.folds?.length ?? 1;
  flatten('train', run.metrics?.train, metrics, folds === 1);
  flatten('validation', run.metrics?.validation, metrics);
  flatten('test', run.metrics?.test, metrics, folds === 1);
  metrics['training_ms'] = run.timing?.training_ms ?? null;
  let correct: Uint8Array | undefined;
  const pred = run.metrics?.status === 'done' ? run.predictions : undefined;
  for (const split of ['train', 'validation', 'test'] as const) {
    metrics[`${split}.roc_auc_ci_low`] = null;
    metrics[`${split}.roc_auc_ci_high`] = null;
  }
  if (pred) {
    const idx = pred.split.flatMap((s, i) => (s === 'validation' ? [i] : []));
    const threshold = run.metrics!.threshold;
    correct = Uint8Array.from(idx, (i) => ((pred.probability[i] > threshold ? 1 : 0) === pred.label[i] ? 1 : 0));
    const auc = rocAucDeLong(idx.map((i) => pred.probability[i]), idx.map((i) => pred.label[i]));
    metrics['validation.roc_auc_ci_low'] = auc?.low ?? null;
    metrics['validation.roc_auc_ci_high'] = auc?.high ?? null;
    // Test rows: one model's probabilities (a single split; k-fold lists each fold's model on the same rows).
    const testIdx = folds === 1 ? pred.split.flatMap((s, i) => (s === 'test' ? [i] : [])) : [];
    if (testIdx.length) {
      const t = rocAucDeLong(testIdx.map((i) => pred.probability[i]), testIdx.map((i) => pred.label[i]));
      metrics['test.roc_auc_ci_low'] = t?.low ?? null;
      metrics['test.roc_auc_ci_high'] = t?.high ?? null;
    }
  }
  const std: Record<string, number | null> = {};
  const n: Record<string, number> = {};
  const pooled: string[] = [];
  for (const split of ['train', 'validation', 'test'] as const) {
    for (const [k, v] of Object.entries(run.metrics?.std?.[split] ?? {})) std[`${split}.${k}`] = v;
    for (const [k, v] of Object.entries(run.metrics?.n?.[split] ?? {})) n[`${split}.${k}`] = v;
    for (const k of run.metrics?.pooled?.[split] ?? []) pooled.push(`${split}.${k}`);
  }
  const m = run.metrics;
  let note: string | undefined;
  if (m?.status === 'diverged') {
    const last = m.diverged?.last_finite_loss;
    note = `at update ${m.diverged?.iteration ?? '?'}` + (typeof last === 'number' ? ` (last finite loss ${formatMetric('loss', last)})` : '');
  }
  else if (m?.status === 'failed' || m?.status === 'interrupted') note = m.error;
  if (run.damaged) note = run.damaged.join('; ');
  const dash = run.folder.indexOf('-');
  return {
    sweep,
    folder: run.folder,
    dir: run.dir,
    index: Number(run.folder.slice(0, dash)),
    hash: run.folder.slice(dash + 1),
    run_id: run.params.run_id,
    status: run.damaged ? 'damaged' : (m?.status ?? 'pending'),
    params: run.params.params,
    spellings: run.params.spellings ?? {},
    metrics,
    std,
    ...(Object.keys(n).length ? { n } : {}),
    ...(pooled.length ? { pooled } : {}),
    ...(correct ? { correct } : {}),
    note,
    stop: { stopped_at: m?.stopped_at ?? null, stop_reason: m?.stop_reason ?? null, restored_from: m?.restored_from ?? null },
    ...(run.params.search ? { search: run.params.search } : {}),
    ...(reusedFrom(run.params) ? { reused_from: reusedFrom(run.params) } : {}),
  };
}

/** EXPERIMENT/SWEEP_ID/RUN_FOLDER of a reused run's source, or undefined (trained here, or a record not written by dlsweep). */
export function reusedFrom(params: RunParamsFile): string | undefined {
  const r = params.reused_from;
  return r && typeof r.sweep === 'string' && typeof r.run === 'string' ? `${r.sweep}/${r.run}` : undefined;
}

const STATUS_RANK: Record<Row['status'], number> = { done: 0, diverged: 1, failed: 2, interrupted: 3, damaged: 4, pending: 5 };

/**
 * Default order: finished runs by the objective (sweep/objective.ts: validation accuracy, high first, then
 * validation loss, low first; missing values last); then diverged, failed, interrupted, damaged and pending
 * runs; ties by the lower run number (compareRunNumber, the rule of the best), so the order never depends on
 * completion order.
 */
export function compareRows(a: Row, b: Row, objective: Objective = DEFAULT_OBJECTIVE): number {
  const s = STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (s !== 0) return s;
  return compareByObjective(a.metrics, b.metrics, objective) || compareRunNumber(a, b);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rank of a status in every order: done, diverged, failed, interrupted, damaged, pending. */
export function statusRank(status: Row['status']): number {
  return STATUS_RANK[status];
}

/**
 * The best finished row: among the rows tied with the first of `sorted` on every key of the objective, the
 * lower run number (then sweep, then run id), the rule of every best (sweep.json, EXPERIMENT/best, a search's
 * best). `sorted` in that objective's order. Empty when no row finished.
 */
export function bestRows(sorted: Row[], objective: Objective = DEFAULT_OBJECTIVE): Set<Row> {
  const first = sorted[0];
  if (!first || first.status !== 'done') return new Set();
  const tied = sorted.filter((r) => r.status === 'done' && tiedOnObjective(r.metrics, first.metrics, objective));
  return new Set([tied.reduce((a, b) => (compareRunNumber(b, a) < 0 ? b : a))]);
}

/** Full ties, on the objective or on explicit sort keys, go to the lower run number (the earlier trial of a search), then sweep, then run id. */
export function compareRunNumber(a: Row, b: Row): number {
  return a.index - b.index || compareText(a.sweep, b.sweep) || compareText(a.run_id, b.run_id);
}

/** A row's objective: its sweep's, or the default for rows built in memory. */
export function objectiveOfRow(r: Row): ObjectiveSetting {
  return r.objective ?? defaultObjective(r.search !== undefined);
}

/**
 * The objective rows are ordered by when no sort is asked for: their sweeps' objective when they share one;
 * otherwise (sweeps that declare different objectives) the default, and `mixed` says so.
 */
export function rowsObjective(rows: Row[]): { objective: ObjectiveSetting; mixed: boolean } {
  const all = rows.map(objectiveOfRow);
  const first = all[0] ?? defaultObjective(false);
  const mixed = all.some((o) => !sameObjective(o.keys, first.keys));
  return { objective: mixed ? defaultObjective(false) : first, mixed };
}

/**
 * The best rows by the objective, never by a display sort: within each group of rows that share a dataset
 * and an objective (sweeps on other data, or declaring another objective, are judged apart), the finished
 * rows tied with that group's best on every key of its objective.
 */
export function bestOf(rows: Row[]): Set<Row> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.dataset ?? ''}\u0000${JSON.stringify(objectiveOfRow(r).keys)}`;
    // Appended in place: copying the group for each row made 10,000 rows cost 50 million copies.
    const group = groups.get(k);
    if (group) group.push(r);
    else groups.set(k, [r]);
  }
  const out = new Set<Row>();
  for (const g of groups.values()) {
    const keys = objectiveOfRow(g[0]).keys;
    for (const r of bestRows([...g].sort((a, b) => compareRows(a, b, keys)), keys)) out.add(r);
  }
  return out;
}

/**
 * The folder of a sweep's best finished run by its objective (bestOf: the run the table stars and sweep.json's
 * `best` names), or undefined when no run of it finished. Read from the run folders, so a running sweep's best
 * is its best so far.
 */
export function bestRunFolder(sweepDir: string): string | undefined {
  return [...bestOf(sweepRows(sweepDir))][0]?.folder;
}

/** Title of a sweep for tables: experiment/sweep-id. */
export function sweepTitle(sweepDir: string): string {
  return `${basename(dirname(sweepDir))}/${basename(sweepDir)}`;
}

/** A sweep's tags: the experiment file's (sweep.json), then those added with dlsweep tag, each once. */
export function sweepTags(sweepDir: string, sweep: SweepFile = readSweepFile(sweepDir)): string[] {
  return mergeTags(sweep.tags, readAnnotations(sweepDir).tags);
}

/** The label of a sweep's data in tables: name (or `custom`) @ the fingerprint's first 8 hex digits. */
export function datasetLabel(dataset: SweepFile['dataset']): string {
  return `${dataset.name ?? 'custom'}@${dataset.fingerprint.slice(0, 8)}`;
}

/** The distinct data labels (datasetLabel) of these rows, in order of first appearance; rows without one are skipped. */
export function rowDatasets(rows: readonly Row[]): string[] {
  return [...new Set(rows.map((r) => r.dataset).filter((d): d is string => d !== undefined))];
}

/**
 * The warning of every command that sets runs of sweeps on different data side by side (compare, diff):
 * their metrics were measured on different rows, so they are not comparable as they stand. `consequence`
 * says what the command does about it. Undefined when the rows share their data (or one label at most is known).
 */
export function differentDataWarning(rows: readonly Row[], consequence: string): string | undefined {
  const datasets = rowDatasets(rows);
  return datasets.length > 1 ? `warning: these sweeps use different data (${datasets.join(', ')}); ${consequence}` : undefined;
}

/** The data label of a sweep folder's sweep.json, or undefined when it cannot be read (damaged, absent). */
export function sweepDatasetLabel(sweepDir: string): string | undefined {
  try {
    return datasetLabel(readSweepFile(sweepDir).dataset);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return undefined;
  }
}

/**
 * The search method of the sweep in `sweepDir` (sweep.json's search.method): undefined for a grid, or when
 * sweep.json is missing or damaged. Throws: nothing a damaged record causes.
 */
export function sweepSearchMethod(sweepDir: string): string | undefined {
  try {
    return readSweepFile(sweepDir).search?.method;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return undefined;
  }
}

/**
 * A sweep's record for reading its runs, or undefined when sweep.json is damaged: its intact runs are still
 * read (with the tags added with dlsweep tag only), and `warn` says so. Throws what readAnnotations throws.
 */
function readableSweepFile(sweepDir: string, warn: (line: string) => void): SweepFile | undefined {
  try {
    return readSweepFile(sweepDir);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    warn(`warning: ${e.message}; the runs of ${sweepTitle(sweepDir)} are read without the tags it recorded (dlsweep verify ${sweepTitle(sweepDir)})`);
    return undefined;
  }
}

/** A sweep's tags for reading its runs (see readableSweepFile): a damaged sweep.json does not hide them. */
export function readableSweepTags(sweepDir: string, warn: (line: string) => void = () => undefined): string[] {
  const sweep = readableSweepFile(sweepDir, warn);
  return sweep ? sweepTags(sweepDir, sweep) : readAnnotations(sweepDir).tags;
}

/** The warning for a file named like a run folder (integrity.ts NOT_A_RUN_FOLDER): what it is, what to do. */
export function notARunWarning(sweep: string, folder: string): string {
  return `warning: ${sweep}/${folder} is ${NOT_A_RUN_FOLDER}; it is left out of the results`;
}

/**
 * Rows of every run folder of a sweep (each with the sweep's tags and its own, the sweep's dataset and
 * objective), each marked with its paired test against the sweep's best run by that objective (markTies).
 * A file named like a run folder gets no row: `warn` is told of it. `folders`: these run folders instead of
 * the sweep folder's listing (a running search's recorded runs, some of them not written yet: in `cache`).
 */
export function sweepRows(sweepDir: string, warn: (line: string) => void = () => undefined, cache?: RowCache, folders?: readonly string[]): Row[] {
  const title = sweepTitle(sweepDir);
  const sweep = readableSweepFile(sweepDir, warn);
  const tags = sweep ? sweepTags(sweepDir, sweep) : readAnnotations(sweepDir).tags;
  const dataset = sweep ? datasetLabel(sweep.dataset) : undefined;
  const read = (folders ?? runFoldersOf(sweepDir)).flatMap((folder) => {
    const base = cache?.get(folder);
    // A cached row's files do not change; its annotations may have (dlsweep tag, note): read again.
    if (base) return [withAnnotations(base, readRunAnnotations(join(sweepDir, folder)).annotations, tags)];
    const run = readRunFolder(sweepDir, folder);
    // A file named like a run folder holds no run: one warning, no row, so that no count takes it for a run.
    if (run.damaged?.[0] === NOT_A_RUN_FOLDER) {
      warn(notARunWarning(title, folder));
      return [];
    }
    return [rowOf(title, run, tags)];
  });
  // A damaged sweep.json: the objective of a search is told by its runs.
  const objective = recordedObjective(sweep ?? { search: read.some((r) => r.search) ? {} : undefined });
  const method = sweep?.search?.method;
  const rows = read.map((r) => ({ ...r, ...(dataset ? { dataset } : {}), ...(method && r.search ? { method } : {}), objective }));
  markTies(rows, [...bestRows([...rows].sort((a, b) => compareRows(a, b, objective.keys)), objective.keys)][0]);
  return rows;
}

/**
 * What a sweep's outputs read of run folders that no longer change (the recorded batches of a search still
 * running, the runs a grid has recorded), prepared before the outputs are built: their rows (sweepRows takes
 * a cached row as read, but its annotations) and loss curves (the report's). A run recorded by this process
 * is taken from its recorder's memory, as its folder reads once written (recorder.ts recordedFolder,
 * onWritten); others are read from their folders.
 */
export class RowCache {
  private readonly rows = new Map<string, RowBase>();
  private readonly curves = new Map<string, CurvePoint[]>();

  constructor(private readonly sweepDir: string) {}

  /**
   * The rows and curves of these run folders (those not cached yet): from `recorded` when it has the run
   * (recorder.ts recordedFolder), else read from the folder. Only folders whose files are final belong here.
   */
  add(folders: Iterable<string>, recorded: (folder: string) => RecordedFolder | undefined = () => undefined): void {
    const title = sweepTitle(this.sweepDir);
    for (const folder of folders) {
      if (this.rows.has(folder)) continue;
      const held = recorded(folder);
      const run = held?.run ?? readRunFolder(this.sweepDir, folder);
      // Left to sweepRows, which warns of it.
      if (run.damaged?.[0] === NOT_A_RUN_FOLDER) continue;
      this.curves.set(run.dir, held?.curve ?? readCurve(run.dir));
      this.rows.set(folder, rowBase(title, run));
    }
  }

  /** Whether the row of a folder is cached. */
  has(folder: string): boolean {
    return this.rows.has(folder);
  }

  /** The row of a folder read ahead, without its tags and note. */
  get(folder: string): RowBase | undefined {
    return this.rows.get(folder);
  }

  /** The loss curve of a run folder read ahead (by its path, a row's dir), as readCurve reads it. */
  curve(runDir: string): CurvePoint[] | undefined {
    return this.curves.get(runDir);
  }
}

/** Whether a row has its parameters: false only for a damaged run whose params.json is unusable. */
export function hasParams(r: Row): boolean {
  return r.status !== 'damaged' || Object.keys(r.params).length > 0;
}

/** The significance level below which a run differs from the best (two-sided). */
export const TIE_ALPHA = 0.05;

/**
 * Mark every finished run of one sweep with McNemar's exact test against `best` on the validation rows
 * (k-fold: the pooled out-of-fold rows): b = rows only the best gets right, c = rows only the run gets
 * right; tied when p >= TIE_ALPHA. The best is tied with itself (p = 1). Runs without predictions, or
 * scored on other rows, get no mark. Mutates rows' `tie`; returns how many runs are tied (the best included).
 */
export function markTies(rows: Row[], best: Row | undefined): number {
  let tied = 0;
  for (const r of rows) {
    delete r.tie;
    if (!best?.correct || !r.correct || r.status !== 'done' || r.correct.length !== best.correct.length) continue;
    let b = 0;
    let c = 0;
    for (let i = 0; i < r.correct.length; i++) {
      if (best.correct[i] && !r.correct[i]) b++;
      else if (!best.correct[i] && r.correct[i]) c++;
    }
    const p = mcnemarExact(b, c);
    r.tie = { p, tied: p >= TIE_ALPHA };
    if (r.tie.tied) tied++;
  }
  return tied;
}
