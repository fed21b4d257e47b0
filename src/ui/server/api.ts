/**
 * The JSON the pages read (docs/ui.md lists the routes): the home page's experiments and sweeps from the
 * index (store-index.ts); a sweep's runs table, its curves and a run's detail through the store's readers
 * and the same code as `dlsweep compare` (report/compare: --where, --sort, --group-by) and `show`.
 * Every path of the file system comes from the index or the store's folder patterns, never from the URL.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { RUN_FOLDER_PATTERN, SWEEP_FILES, runFolderNumber } from '../../store/paths.js';
import { readRun, readRuns, readSweepFile } from '../../store/read-runs.js';
import type { SweepFile } from '../../store/records.js';
import { readCurve } from '../../store/curve.js';
import { readSettings } from '../../store/search-file.js';
import { isObject } from '../../guards.js';
import { readLandscape, readSweepLandscapes } from '../../store/landscape.js';
import { thresholdCurve } from '../../store/predictions.js';
import { knownColumns, type ColumnDef } from '../../report/columns.js';
import { groupsView, runsTable, splitParams } from '../../report/compare/index.js';
import { cellText, drawnDigits } from '../../report/compare/shared.js';
import { readDesign } from '../../report/design.js';
import { formatParam } from '../../report/format.js';
import { rowOf, readableSweepTags, rowsObjective, sweepRows, sweepTitle, type Row } from '../../report/rows.js';
import { compareByObjective } from '../../sweep/objective.js';
import type { CurvePoint } from '../../train/types.js';
import { sweepObjective, type StoreIndex, type SweepSummary } from './store-index.js';

/** An error answered as JSON `{error, hint?}` with an HTTP status (400 bad query, 404 unknown sweep or run). */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** /api/home: `{ runs_dir, experiments: [{ name, description, tags, sweeps: [SweepSummary] }] }`, running sweeps first. */
export function homeJson(index: StoreIndex) {
  return index.home();
}

/** A sweep's folder and summary by id. Throws: ApiError 404. */
/** A sweep's sweep.json, or undefined when it cannot be read (its objective is then the default). */
function readRecord(dir: string): SweepFile | undefined {
  try {
    return readSweepFile(dir);
  } catch {
    return undefined;
  }
}

function sweepOf(index: StoreIndex, id: string): { dir: string; summary: SweepSummary } {
  const found = index.sweepDir(id);
  const summary = found && index.summary(id);
  if (!found || !summary) throw new ApiError(404, `no sweep ${id}`);
  return { dir: found.dir, summary };
}

/** Run a query through compare's code; its UserErrors (a bad --where, an unknown column) are 400s. */
function query<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UserError) throw new ApiError(400, e.message, e.hint);
    throw e;
  }
}

/** The kind of a column for the pages: parameter, metric, interval bound (`_ci_low`/`_ci_high`) or run fact. */
function columnKind(def: ColumnDef): 'param' | 'metric' | 'ci' | 'marker' {
  if (def.kind === 'param') return 'param';
  if (def.kind === 'metric') return /_ci_(low|high)$/.test(def.key) ? 'ci' : 'metric';
  return 'marker';
}

/** Meta columns worth sending (the rest are the row's own fields). */
const META_KEYS = ['status', 'stopped_at', 'stop_reason', 'restored_from', 'tags', 'note', 'dataset', 'trial', 'rung', 'bracket', 'tied_with_best', 'mcnemar_p'];

function jsonValue(v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/** Options of /api/sweeps/:id (the query string). */
export interface SweepQuery {
  where?: string;
  sort?: string;
  group?: string;
}

/**
 * /api/sweeps/:id: every run of the sweep as `{run, folder, best, tied_with_best, damaged, values, texts}` in
 * compare's order (`sort` as --sort, default the objective), kept by `where` (--where), `texts` holding
 * each parameter as compare's table writes it; every column with
 * its kind; the parameters that vary (the sweep's grid axes included); with `group`, compare --group-by's
 * groups (n, mean and sample std per metric); for a search, search.json.
 * Throws: ApiError 404 for an unknown sweep, 400 for a bad expression, sort key or group parameter.
 */
export function sweepJson(index: StoreIndex, id: string, q: SweepQuery) {
  const { dir, summary } = sweepOf(index, id);
  const rows = sweepRows(dir);
  const title = sweepTitle(dir);
  const design = readDesign(dir);
  const { view, shown } = query(() => runsTable(title, rows, { where: q.where, sort: q.sort, design }));
  const defs = knownColumns(rows);
  const varying = view.columns.filter((c) => defs.some((d) => d.key === c.key && d.kind === 'param')).map((c) => c.key);
  const sent = defs.filter((d) => (d.kind === 'param' ? rows.some((r) => r.params[d.key] !== undefined) : d.kind === 'metric' || META_KEYS.includes(d.key)));
  const objective = rowsObjective(rows).objective.keys;
  // Parameters written as compare's table writes them: the user's spelling, a search's drawn numbers with
  // the digits the rows shown need (4 significant, more where two would read alike).
  const paramDefs = sent.filter((d) => d.kind === 'param');
  const digits = drawnDigits(paramDefs, shown);
  const out: Record<string, unknown> = {
    sweep: summary,
    objective: objective.map((k) => ({ metric: k.metric, goal: k.goal })),
    params: varying,
    columns: sent.map((d) => ({ key: d.key, label: d.label, kind: columnKind(d), better: d.better })),
    rows: shown.map((r, i) => ({
      run: r.index,
      folder: r.folder,
      best: view.rows[i]?.best === true,
      tied_with_best: r.tie ? r.tie.tied : null,
      damaged: r.status === 'damaged' ? (r.note ?? 'damaged') : null,
      status: r.status,
      values: Object.fromEntries(sent.map((d) => [d.key, jsonValue(d.kind === 'metric' && r.status !== 'done' ? null : d.get(r))])),
      texts: Object.fromEntries(paramDefs.filter((d) => r.params[d.key] !== undefined).map((d) => [d.key, cellText(d, r, digits)])),
    })),
    total: rows.length,
  };
  if (q.group) {
    const groups = query(() => groupsView(title, rows, { where: q.where, groupBy: [q.group!], ...(q.sort ? { sort: q.sort } : {}) }));
    const by = groups.columns.findIndex((c) => c.key !== 'best');
    const nAt = groups.columns.findIndex((c) => c.key === 'runs');
    const statCols = groups.columns.map((c, i) => ({ c, i })).filter(({ i }) => groups.rows[0] && typeof groups.rows[0].cells[i].value === 'object' && groups.rows[0].cells[i].value !== null && !Array.isArray(groups.rows[0].cells[i].value));
    out.groups = groups.rows.map((g) => {
      const mean: Record<string, number | null> = {};
      const std: Record<string, number | null> = {};
      for (const { c, i } of statCols) {
        const v = g.cells[i].value as Record<string, number | null>;
        mean[c.key] = v.mean;
        std[c.key] = v.std;
      }
      return { key: g.cells[by].value ?? null, label: g.cells[by].text, best: g.best === true, n: g.cells[nAt].value, mean, std };
    });
    out.group = groups.columns[by].key;
  }
  const search = readJsonIfAny(join(dir, SWEEP_FILES.search));
  // Settings in snake_case whichever spelling the record was written in (search-file.ts readSettings).
  if (search !== undefined) out.search = isObject(search) && isObject(search.settings) ? { ...search, settings: readSettings(search.settings) } : search;
  return out;
}

function readJsonIfAny(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function pointsOf(curve: CurvePoint[]) {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return { iteration: curve.map((p) => p.iteration), train_loss: curve.map((p) => finite(p.train_loss)), validation_loss: curve.map((p) => finite(p.validation_loss)) };
}

/**
 * /api/sweeps/:id/curves: one series per distinct training (runs differing only in threshold or iterations
 * share one), best training first (by the objective over its runs' metrics, full ties to the one with the
 * lower run number): the runs it serves, the
 * objective's value of its best run, the sweep's varying parameters as that run has them, and the loss
 * curve of its longest run (the others' are prefixes of it).
 * Throws: ApiError 404 for an unknown sweep.
 */
export function curvesJson(index: StoreIndex, id: string) {
  const { dir } = sweepOf(index, id);
  const objective = sweepObjective(readRecord(dir));
  const tags = readableSweepTags(dir);
  const byTraining = new Map<string, { runs: Row[]; longest: { dir: string; iterations: number } }>();
  for (const run of readRuns(dir)) {
    // A damaged run without its params.json cannot say which training it belongs to: it gets its own.
    const key = run.params.training_key || `run:${run.folder}`;
    const row = rowOf(sweepTitle(dir), run, tags);
    const iterations = Number(run.metrics?.iterations ?? run.params.params.iterations ?? 0);
    const entry = byTraining.get(key);
    if (!entry) byTraining.set(key, { runs: [row], longest: { dir: run.dir, iterations } });
    else {
      entry.runs.push(row);
      if (iterations > entry.longest.iterations) entry.longest = { dir: run.dir, iterations };
    }
  }
  const all = [...byTraining.values()].flatMap((e) => e.runs);
  const varying = splitParams(all, knownColumns(all)).varying.map((d) => d.key);
  const series = [...byTraining].map(([training, e]) => {
    const done = e.runs.filter((r) => r.status === 'done').sort((a, b) => compareByObjective(a.metrics, b.metrics, objective));
    const shown = done[0] ?? e.runs[0];
    return {
      training,
      runs: e.runs.map((r) => r.folder),
      // The parameters that vary in the sweep, as its best run has them (to colour curves by a parameter).
      params: Object.fromEntries(varying.map((k) => [k, shown.params[k] ?? null])),
      best_run: done[0]?.folder ?? null,
      objective_value: done[0] ? (done[0].metrics[objective[0].metric] ?? null) : null,
      metrics: done[0] ? Object.fromEntries(objective.map((k) => [k.metric, done[0].metrics[k.metric] ?? null])) : null,
      points: pointsOf(readCurve(e.longest.dir)),
    };
  });
  // Full ties go to the lower run number, as every order (compareRunNumber): the series of the lower first run.
  const firstRun = (s: { runs: string[] }) => Math.min(...s.runs.map(runFolderNumber));
  series.sort((a, b) => compareByObjective(a.metrics ?? {}, b.metrics ?? {}, objective) || firstRun(a) - firstRun(b) || (a.training < b.training ? -1 : 1));
  return { objective: objective.map((k) => ({ metric: k.metric, goal: k.goal })), series: series.map(({ metrics: _m, ...s }) => s) };
}

/**
 * /api/runs/:sweepId/:runFolder: the run's parameters (their spellings, and `texts` as show RUN writes them), flat metrics with their 95%
 * intervals (as compare names them), confusion matrices, loss curve, the ROC/precision-recall points of
 * its validation predictions (when recorded: `roc.validation`, one point per distinct threshold with its
 * confusion counts, as roc.csv; the pages derive the rates by threshold with the chart code shared with
 * report.html) and the grid's thresholds, its loss landscapes (runLandscapes), its files with their sizes, tags and note, and what is damaged
 * (null when sound).
 * Throws: ApiError 404 for an unknown sweep or run.
 */
export function runJson(index: StoreIndex, sweepId: string, folder: string) {
  const { dir, summary } = sweepOf(index, sweepId);
  if (!RUN_FOLDER_PATTERN.test(folder)) throw new ApiError(404, `no run ${folder} in sweep ${sweepId}`);
  const run = readRun(dir, folder);
  if (!run) throw new ApiError(404, `no run ${folder} in sweep ${sweepId}`);
  const row = rowOf(sweepTitle(dir), run, readableSweepTags(dir));
  const m = run.metrics;
  const files = runFiles(run.dir);
  const out: Record<string, unknown> = {
    sweep: summary,
    run: row.index,
    folder,
    status: row.status,
    params: run.params.params,
    spellings: run.params.spellings ?? {},
    // As show RUN and diff write them: the recorded spelling (a search's drawn numbers in full).
    texts: Object.fromEntries(Object.entries(run.params.params).map(([k, v]) => [k, formatParam(v, run.params.spellings?.[k])])),
    metrics: Object.fromEntries(Object.entries(row.metrics).map(([k, v]) => [k, jsonValue(v)])),
    std: row.std,
    confusion: m?.train && m.validation ? { train: m.train.confusion, validation: m.validation.confusion, ...(m.test ? { test: m.test.confusion } : {}) } : null,
    threshold: m?.threshold ?? run.params.params.threshold ?? null,
    iterations: m?.iterations ?? run.params.params.iterations ?? null,
    stop: row.stop,
    note: row.note ?? null,
    curve: pointsOf(readCurve(run.dir)),
    files,
    landscapes: runLandscapes(dir, folder, run.dir, files),
    annotations: { tags: run.annotations.tags, note: run.annotations.note ?? null },
    tags: row.tags ?? [],
    damaged: run.damaged ?? null,
  };
  const pred = run.predictions;
  if (pred && m?.status === 'done') {
    const idx = pred.split.flatMap((s, i) => (s === 'validation' ? [i] : []));
    const points = thresholdCurve(idx.map((i) => pred.probability[i]), idx.map((i) => pred.label[i]));
    out.roc = { validation: points, auc: row.metrics['validation.roc_auc'] ?? null };
  }
  // The values of the threshold axis as the sweep was started (none when the threshold does not vary).
  const axis = readDesign(dir)?.axes.find((a) => a.name === 'threshold');
  out.grid_thresholds = axis ? axis.values.map((v) => v.value).filter((v): v is number => typeof v === 'number').sort((x, y) => x - y) : [];
  return out;
}

/**
 * The loss landscapes recorded in a run folder: each landscape-NAME.csv of the folder's listing (never a
 * name from the URL) read back by the store's reader, with its trajectory when recorded (pca) and, when the
 * sweep's landscapes.json lists it, why that run was chosen. Points b-major over alphas x betas (1-D: one b).
 * Damaged files are left out. Throws: nothing.
 */
function runLandscapes(sweepDir: string, folder: string, runDir: string, files: readonly { name: string }[]) {
  const roles = new Map((readSweepLandscapes(sweepDir)?.landscapes ?? []).filter((e) => e.folder === folder).map((e) => [e.name, e.role]));
  return files.flatMap(({ name: file }) => {
    const name = /^landscape-(.+)\.csv$/.exec(file)?.[1];
    if (!name || name.endsWith('-trajectory')) return [];
    const l = readLandscape(runDir, name);
    return l ? [{ name, role: roles.get(name) ?? null, ...l }] : [];
  });
}

/** The files of a run folder with their sizes (hidden and temporary files left out). */
function runFiles(dir: string): { name: string; bytes: number }[] {
  const out: { name: string; bytes: number }[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    // write-file-atomic's temporary files (NAME.8hex) are half-written files, not the run's.
    if (name.startsWith('.') || /\.[0-9a-f]{8}$/.test(name)) continue;
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) out.push({ name, bytes: st.size });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
