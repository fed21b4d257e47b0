/**
 * `dlsweep ls [EXPERIMENT...]`: every experiment and its sweeps, newest first, with status, run counts,
 * the best value of a metric and the duration.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { lastActivity, liveSize, liveStatus, sizeIsUpperBound } from '../store/live-status.js';
import { activeMs } from '../store/active.js';
import { RUN_FOLDER_PATTERN, sweepIdTime } from '../store/paths.js';
import type { SweepFile } from '../store/records.js';
import { checkInsideRunsDir, experimentOf, experimentsWithRecords, isInsideRunsDir, leavingWarning, linksLeaving, lrFindsUnder, normalizeReference, resolveSweep, sweepsOf, sweepsUnder } from '../store/sweep-folders.js';
import { readRunFolder, readSweepFile, recordStandsForRuns } from '../store/read-runs.js';
import { runAddressed } from '../report/run-address.js';
import { rowOf, sweepRows, sweepTags, sweepTitle, type Row } from '../report/rows.js';
import { recordedObjective } from '../sweep/objective.js';
import { countRows } from '../report/sweep-files.js';
import { checkTag, readAnnotations } from '../store/annotations.js';
import { absentColumn, knownColumns, resolveColumn, sortRows, type ColumnDef } from '../report/columns.js';
import { formatMetric, formatMs, metricLabel, pendingText } from '../report/format.js';
import { renderView, type OutputFormat, type TableView, type ViewRow } from '../report/render.js';
import { emit, outputFormat } from './compare.js';
import { formatBytes, useColor, type CliIO } from './io.js';
import { damagedWarnings, searchRecordWarnings } from './damage.js';
import { counted } from '../text.js';
import { DEFAULT_METRIC } from '../report/compare/shared.js';
import { folderSize } from '../store/remove.js';

function sizeCell(dir: string): { text: string; value: number } {
  const bytes = folderSize(dir);
  return { text: formatBytes(bytes), value: bytes };
}

/** Options of `dlsweep ls`. */
export interface LsOptions {
  runsDir: string;
  metric?: string;
  format?: OutputFormat;
  output?: string;
  /** Only sweeps carrying every one of these tags. */
  tags?: string[];
  /** Add each sweep's disk space. */
  size?: boolean;
}

function shortDate(iso: string): string {
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z');
}

/** One line of at most `max` characters (an ellipsis when cut). */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** Tags added to a sweep's runs (dlsweep tag), each once; a run whose annotations.json is damaged adds none. */
function runTags(sweepDir: string): string[] {
  const out = new Set<string>();
  for (const name of readdirSync(sweepDir)) {
    if (!RUN_FOLDER_PATTERN.test(name)) continue;
    try {
      for (const t of readAnnotations(join(sweepDir, name)).tags) out.add(t);
    } catch {
      // compare and show warn about it
    }
  }
  return [...out];
}

/** What a row of `ls` shows of a sweep's runs: its counts, its best run and the metric shown of it. */
interface SweepSummary {
  counts: SweepFile['counts'];
  /** The best run by the sweep's objective, as compare stars it (first in the default order), if any. */
  best: Row | undefined;
  metric: { key: string };
  /** The metric asked for is a test metric and the runs have no test split. */
  missing?: { def: ColumnDef; defs: ColumnDef[] };
}

/**
 * The summary from every run folder (damaged runs warned of through `warn`). The column shows the best run's
 * value of the metric asked for, else of the objective's first metric (a search minimizing validation loss
 * shows its loss). Throws: UserError for a `metricName` that names no metric.
 */
function summaryOfRuns(dir: string, sweep: SweepFile, metricName: string | undefined, warn: (line: string) => void): SweepSummary {
  const runs = sweepRows(dir, warn);
  damagedWarnings(runs).forEach(warn);
  const defs = knownColumns(runs);
  // A test metric is refused only when no sweep listed has a test split (sweepsView): the others show n/a.
  const metric = metricName !== undefined ? resolveColumn(metricName, defs.map((d) => ({ ...d, absent: undefined })), '--metric', ['metric']) : { key: recordedObjective(sweep).keys[0].metric };
  const missing = defs.find((d) => d.key === metric.key && d.absent);
  return { counts: countRows(runs, liveSize(dir, sweep)), best: sortRows(runs)[0], metric, ...(missing ? { missing: { def: missing, defs } } : {}) };
}

/**
 * The summary summaryOfRuns gives, from the sweep's record (its counts and best run, read/runs.ts
 * recordStandsForRuns) and the best run's folder alone; undefined when the runs must be read: the record does
 * not stand for them, no run finished, or the metric asked for is a test metric (whether the runs have a test
 * split is told by all of them) or not one a sweep's runs leave undecided (the reading of every run says what).
 */
function recordedSummary(dir: string, sweep: SweepFile, metricName: string | undefined): SweepSummary | undefined {
  if (!sweep.best || !recordStandsForRuns(dir, sweep)) return undefined;
  let metric: { key: string } = { key: recordedObjective(sweep).keys[0].metric };
  if (metricName !== undefined) {
    // Metric columns are the same for every set of runs: resolved without them (a name that is none is
    // refused by summaryOfRuns, with the runs' columns in its suggestions).
    try {
      metric = resolveColumn(metricName, knownColumns([]), '--metric', ['metric']);
    } catch (e) {
      if (e instanceof UserError) return undefined;
      throw e;
    }
    if (metric.key.startsWith('test.')) return undefined;
  }
  const run = readRunFolder(dir, sweep.best.run);
  const best = rowOf(sweepTitle(dir), run);
  if (best.status !== 'done') return undefined;
  return { counts: sweep.counts, best, metric };
}

/** lr-find results named in full in ls's note of an experiment; the others are counted. */
const LR_FINDS_NAMED = 3;

/**
 * ls's note of an experiment's lr-find results (not sweeps, so not rows of the table), newest first, with their
 * disk space when `size`, and how to remove them; undefined when it has none.
 */
function lrFindNote(runsDir: string, experiment: string, size: boolean): { note: string; count: number } | undefined {
  const dirs = lrFindsUnder(runsDir, experiment).reverse();
  if (dirs.length === 0) return undefined;
  const names = dirs.slice(0, LR_FINDS_NAMED).map((d) => basename(d));
  const more = dirs.length > names.length ? `, ... (${dirs.length} in all)` : '';
  const bytes = size ? ` (${formatBytes(dirs.reduce((n, d) => n + folderSize(d), 0))})` : '';
  return {
    count: dirs.length,
    note:
      `${experiment}: ${counted(dirs.length, 'lr-find result')}${bytes}, newest first: ${names.join(', ')}${more}; ` +
      `remove one with dlsweep rm ${experiment}/${names[0]}, old ones with dlsweep gc`,
  };
}

/** Cells of a row of `ls` (without size): experiment ... note, best_metric, as sweepsView's columns. */
const LS_COLUMNS = 16;

/**
 * The table of sweeps: experiments with the newest sweep first, each experiment's sweeps newest first;
 * with `tags`, only the sweeps carrying all of them, on the sweep or on some of its runs. The best column
 * shows `metricName` of each sweep's best run, or without it the first metric of that sweep's own objective
 * (named in each cell when the sweeps listed have different ones).
 */
export function sweepsView(
  runsDir: string,
  experiments: string[],
  metricName: string | undefined = undefined,
  now = Date.now(),
  tags: string[] = [],
  warn: (line: string) => void = () => undefined,
  size = false,
): TableView {
  // A sweep whose sweep.json is damaged carries no tags it can show.
  const tagsOf = (dir: string) => {
    try {
      return sweepTags(dir);
    } catch {
      return [];
    }
  };
  // A tag matches a sweep that carries it or has a run that does.
  const carries = (dir: string) => {
    const own = tagsOf(dir);
    const missing = tags.filter((t) => !own.includes(t));
    if (missing.length === 0) return true;
    const onRuns = new Set(runTags(dir));
    return missing.every((t) => onRuns.has(t));
  };
  const entries = experiments
    .map((e) => ({
      experiment: e,
      sweeps: sweepsUnder(runsDir, e)
        .reverse()
        .filter((dir) => tags.length === 0 || carries(dir)),
    }))
    .filter((e) => e.sweeps.length > 0 || tags.length === 0);
  entries.sort((a, b) => (basename(a.sweeps[0] ?? '') < basename(b.sweeps[0] ?? '') ? 1 : -1));
  const rows: ViewRow[] = [];
  const metricKeys = new Set<string>();
  let metricFound = false;
  // Some sweep's size is an upper bound (an unfinished asha search): the footnotes say what ≤ means.
  let bounded = false;
  let absent: { def: ColumnDef; defs: ColumnDef[] } | undefined;
  for (const { experiment, sweeps } of entries) {
    sweeps.forEach((dir, i) => {
      let sweep: SweepFile;
      try {
        sweep = readSweepFile(dir);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        // One damaged sweep.json does not hide the other sweeps: this one is listed as damaged.
        warn(`warning: ${e.message}; ${experiment}/${basename(dir)} is listed as damaged (dlsweep verify ${experiment}/${basename(dir)})`);
        const cells: { text: string; value: string | number | null }[] = Array.from({ length: LS_COLUMNS }, () => ({ text: '', value: null }));
        if (size) cells.push(sizeCell(dir));
        cells[0] = { text: i === 0 ? experiment : '', value: experiment };
        cells[1] = { text: basename(dir), value: basename(dir) };
        // The start time its id holds; the status in the status column.
        const started = sweepIdTime(basename(dir));
        if (started) cells[3] = { text: shortDate(started), value: started };
        cells[4] = { text: 'damaged', value: 'damaged' };
        rows.push({ status: 'damaged', cells });
        return;
      }
      searchRecordWarnings(dir, `${experiment}/${basename(dir)}`, sweep).forEach(warn);
      // The counts and the best run: from the record when it still stands for the runs (a finished sweep not
      // changed since), reading the best run's folder only; else from every run folder.
      const summary = recordedSummary(dir, sweep, metricName) ?? summaryOfRuns(dir, sweep, metricName, warn);
      const { metric, counts } = summary;
      if (summary.missing) absent = summary.missing;
      else metricFound = true;
      metricKeys.add(metric.key);
      const best = summary.best;
      const bestValue = best && best.status === 'done' ? best.metrics[metric.key] : undefined;
      const status = liveStatus(dir, sweep, now, counts);
      // An unfinished asha search's grid_size is the most runs it may train: said as a bound (≤, at most).
      const atMost = sizeIsUpperBound(dir, sweep);
      if (atMost) bounded = true;
      // The time worked on it, without the idle time before a resume or extension; a sweep that died without
      // recording its end worked until it was last seen working, not until now.
      const ms = activeMs(sweep, status === 'running' ? now : lastActivity(dir));
      const other = [
        counts.interrupted ? `${counts.interrupted} interrupted` : '',
        counts.damaged ? `${counts.damaged} damaged` : '',
        counts.pending ? pendingText(counts.pending, atMost) : '',
      ]
        .filter(Boolean)
        .join(', ');
      const tagList = sweepTags(dir, sweep);
      const note = readAnnotations(dir).note;
      rows.push({
        status: status === 'done' ? 'done' : status === 'running' ? 'pending' : 'failed',
        cells: [
          { text: i === 0 ? experiment : '', value: experiment },
          { text: sweep.id, value: sweep.id },
          { text: sweep.search?.method ?? 'grid', value: sweep.search?.method ?? 'grid' },
          { text: shortDate(sweep.started_at), value: sweep.started_at },
          { text: status, value: status },
          { text: `${counts.done}/${atMost ? '≤' : ''}${liveSize(dir, sweep)}`, value: counts.done },
          { text: String(counts.failed), value: counts.failed },
          { text: String(counts.diverged), value: counts.diverged },
          { text: other, value: other },
          { text: bestValue === undefined ? '-' : formatMetric(metric.key, bestValue), value: bestValue ?? null },
          { text: bestValue === undefined ? '-' : best!.folder, value: bestValue === undefined ? null : best!.folder },
          { text: Number.isFinite(ms) ? formatMs(ms) + (status === 'running' ? ' so far' : '') : '?', value: Number.isFinite(ms) ? ms : null },
          { text: tagList.join(', '), value: tagList },
          { text: sweep.description ? oneLine(sweep.description, 40) : '', value: sweep.description ?? null },
          { text: note ? oneLine(note, 40) : '', value: note ?? null },
          { text: metric.key, value: metric.key },
          ...(size ? [sizeCell(dir)] : []),
        ],
      });
    });
  }
  const n = entries.reduce((s, e) => s + e.sweeps.length, 0);
  // lr-find results are listed beside the sweeps, not filtered by tags (they carry none).
  const lrFinds = tags.length ? [] : entries.flatMap((e) => lrFindNote(runsDir, e.experiment, size) ?? []);
  const lrFindCount = lrFinds.reduce((k, f) => k + f.count, 0);
  if (absent && !metricFound) throw absentColumn(absent.def, '--metric', absent.defs.filter((d) => d.kind === 'metric'));
  // Sweeps of different objectives listed together: each best cell says which metric it is.
  const bestIdx = 9;
  const metricIdx = 15;
  const mixed = metricKeys.size > 1;
  if (mixed) for (const r of rows) if (r.cells[bestIdx].value !== null) r.cells[bestIdx].text = `${metricLabel(String(r.cells[metricIdx].value))} ${r.cells[bestIdx].text}`;
  const bestLabel = mixed ? 'best (objective)' : `best ${metricLabel([...metricKeys][0] ?? metricName ?? DEFAULT_METRIC)}`;
  // The "other" column (interrupted, damaged, pending) only when some sweep has such runs.
  const otherIdx = 8;
  const showOther = rows.some((r) => r.cells[otherIdx].text !== '');
  // Tags, description and note: in the table only when some sweep has them; always in machine formats.
  const shown = (i: number) => (rows.some((r) => r.cells[i].text !== '') ? undefined : ('machine' as const));
  return {
    kind: 'sweeps',
    title: runsDir,
    summary: `${counted(entries.length, 'experiment')}, ${counted(n, 'sweep')}${tags.length ? ` tagged ${tags.join(' and ')}` : ''}${lrFindCount ? `, ${counted(lrFindCount, 'lr-find result')}` : ''}`,
    notes: lrFinds.map((f) => f.note),
    footnotes: n
      ? [
          `best: the ${metricName ?? "first metric of its objective"} of each sweep's best finished run by its objective (default: validation accuracy, then validation loss; for a search, validation loss); compare a sweep with: dlsweep compare EXPERIMENT/SWEEP_ID`,
          ...(bounded ? ['done ≤N: an unfinished asha search trains at most N runs (its promotions decide how many), so its pending count is at most the rest'] : []),
        ]
      : [],
    columns: [
      { key: 'experiment', label: 'experiment' },
      { key: 'sweep', label: 'sweep' },
      { key: 'method', label: 'method' },
      { key: 'started', label: 'started (UTC)' },
      { key: 'status', label: 'status' },
      { key: 'done', label: 'done', align: 'right' },
      { key: 'failed', label: 'failed', align: 'right' },
      { key: 'diverged', label: 'diverged', align: 'right' },
      { key: 'other', label: 'other', only: showOther ? undefined : 'machine' },
      { key: 'best', label: bestLabel, align: 'right' },
      { key: 'best_run', label: 'best run' },
      { key: 'duration_ms', label: 'duration', align: 'right' },
      { key: 'tags', label: 'tags', only: shown(12) },
      { key: 'description', label: 'description', only: shown(13) },
      { key: 'note', label: 'note', only: shown(14) },
      { key: 'best_metric', label: 'best metric', only: 'machine' },
      ...(size ? [{ key: 'size_bytes', label: 'size', align: 'right' as const }] : []),
    ],
    rows,
  };
}

/**
 * The refusal of a sweep's or a run's address given to ls, which lists experiments: says which it names, with the
 * ls of its experiment and the command that shows it; undefined when `typed` names neither.
 */
function sweepOrRunGiven(runsDir: string, typed: string): UserError | undefined {
  const run = runAddressed(runsDir, typed);
  let dir = run?.sweepDir;
  if (!run) {
    try {
      dir = resolveSweep(runsDir, typed);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
    }
  }
  if (dir === undefined) return undefined;
  const experiment = basename(dirname(dir));
  const what = run ? `a run (${run.name})` : `a sweep (${experiment}/${basename(dir)})`;
  return new UserError(
    `"${typed}" names ${what}, not an experiment: ls lists experiments and their sweeps`,
    `list its experiment: dlsweep ls ${experiment}; show the ${run ? 'run' : 'sweep'}: dlsweep show ${typed}`,
  );
}

/** `dlsweep ls`: returns the exit code. Throws: UserError for an unknown experiment or metric. */
export async function lsCommand(typed: string[], options: LsOptions, io: CliIO): Promise<number> {
  const runsDir = resolve(io.cwd, options.runsDir);
  // An experiment holding only lr-find results is listed too: its folder is not empty.
  const known = experimentsWithRecords(runsDir);
  // runs/quick, ./runs/quick/ and other/../quick name the experiment quick, as everywhere a sweep is named.
  // A link to an experiment folder of the runs folder lists that experiment (ls alias is ls quick).
  const experiments = [...new Set(typed.map((e) => experimentOf(runsDir, normalizeReference(runsDir, e))))];
  for (const t of typed) {
    const e = experimentOf(runsDir, normalizeReference(runsDir, t));
    if (!known.includes(e)) {
      // An experiment folder that is a link leading out: refused as a sweep reached through it is.
      const linked = sweepsOf(join(runsDir, e)).at(-1);
      if (linked !== undefined && !isInsideRunsDir(runsDir, linked)) checkInsideRunsDir(runsDir, linked, e);
      const other = sweepOrRunGiven(runsDir, t);
      if (other) throw other;
      throw new UserError(`no experiment "${e}" under ${runsDir}`, known.length ? `experiments there: ${known.join(', ')}` : 'run a sweep first: dlsweep run experiments/quick.yaml');
    }
  }
  for (const t of options.tags ?? []) checkTag(t);
  // Links leading out of the runs folder are left out of the listing, each with one warning.
  for (const link of linksLeaving(runsDir)) if (experiments.length === 0 || experiments.includes(link.experiment)) io.stderr.write(leavingWarning(runsDir, link) + '\n');
  const view = sweepsView(runsDir, experiments.length ? experiments : known, options.metric, Date.now(), options.tags, (line) => io.stderr.write(line + '\n'), options.size);
  const format = outputFormat(options.format, options.output);
  if (known.length === 0 && format === 'table') {
    await emit(`no sweeps under ${runsDir} yet; run one: dlsweep run experiments/quick.yaml\n`, options.output, io);
    return 0;
  }
  await emit(renderView(view, format, { color: options.output === undefined && useColor(io, io.stdout) }), options.output, io);
  return 0;
}
