/**
 * The ui server's index of a runs folder: per sweep its record (sweep.json), tags, and per run folder the
 * status and the objective's metrics read from metrics.json, so that the home page's facts (status, counts,
 * best, duration) come from memory.
 *
 * Cold start in two steps, so that the home page of a large folder answers at once: first every sweep from
 * its own record (a finished sweep's sweep.json holds its counts and best run as of its end: one file per
 * sweep); then, in slices between requests (verify), every run's metrics.json, which corrects any summary
 * whose runs changed since (a run damaged later, an old record without a best) and reports it as a change.
 * Running sweeps, and sweeps whose record changes while the server runs, are read from their runs at once.
 * After that refresh() re-reads only what changed: a sweep whose sweep.json or annotations.json changed is
 * read again in full; a running sweep's run folders without a final result are looked at again (one stat
 * each); finished runs of a sweep whose record did not change are never read again.
 *
 * Reads through the store's layout (store/paths.ts) and integrity checks (store/integrity.ts); writes
 * nothing. A damaged metrics.json (or one whose run_id is not the folder's) counts its run as damaged; a
 * damaged sweep.json lists the sweep as damaged. The sweep and run pages read the full records with the
 * store's readers (report/rows.ts), not this index.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isNotAFolder, readJsonFile, checkMetrics, checkSweepRecord } from '../../store/integrity.js';
import { RUN_FILES, RUN_FOLDER_PATTERN, SWEEP_FILES, SWEEP_ID_PATTERN, compareRunFolders } from '../../store/paths.js';
import type { RunMetricsFile, SweepFile } from '../../store/records.js';
import { readAnnotations, mergeTags } from '../../store/annotations.js';
import { lastActivity, liveStatus } from '../../store/live-status.js';
import { activeMs } from '../../store/active.js';
import { datasetLabel } from '../../report/rows.js';
import { isInsideRunsDir, isListedElsewhere } from '../../store/sweep-folders.js';
import { compareByObjective, describeObjective, recordedObjective, type Goal, type Objective } from '../../sweep/objective.js';

/** A sweep as the home page lists it (the facts of `dlsweep ls`). */
export interface SweepSummary {
  id: string;
  experiment: string;
  /** sweep.json's status as ls shows it (stopped: died without recording its end; incomplete: done with runs missing); damaged: sweep.json unreadable. */
  status: string;
  /** grid, or the search method. */
  method: string;
  runs_planned: number | null;
  runs_done: number;
  runs_failed: number;
  runs_diverged: number;
  runs_interrupted: number;
  runs_damaged: number;
  started_at: string | null;
  finished_at: string | null;
  /** Seconds from start to end (so far, while running; to the last sign of life for a stopped sweep). */
  duration_s: number | null;
  objective: { metric: string; goal: Goal; text: string };
  /** The best finished run by the objective and its value of the objective's first metric. */
  best: { run: string; value: number | null } | null;
  description: string | null;
  tags: string[];
  /** The dataset's name (or custom) @ the first 8 hex digits of its fingerprint. */
  dataset: string | null;
  /** Why the sweep is damaged (sweep.json unreadable), when it is. */
  problem?: string;
}

/** A run folder as the index knows it. */
interface RunFacts {
  /** metrics.json's mtime (ms) when read; -1: no metrics.json yet. */
  stamp: number;
  status: RunMetricsFile['status'] | 'damaged' | 'pending';
  /** The objective's metrics, flat (validation.accuracy -> value). */
  metrics: Record<string, number | null>;
}

/** A sweep as the index knows it. */
interface SweepEntry {
  experiment: string;
  id: string;
  dir: string;
  /** sweep.json's and annotations.json's mtime and size: a change means read the sweep again. */
  stamp: string;
  record?: SweepFile;
  problem?: string;
  tags: string[];
  runs: Map<string, RunFacts>;
  /** Whether `runs` holds every run folder (false: the summary is the record's, see the header). */
  verified: boolean;
  summary: SweepSummary;
}

/** What one refresh found: summaries that changed or appeared, runs that got a final result, sweeps gone. */
export interface IndexChanges {
  sweeps: SweepSummary[];
  runs: { sweep: string; experiment: string; run: string; status: string }[];
  removed: string[];
}

/**
 * The objective of a sweep: the one its sweep.json records (declared in the experiment, or the default),
 * the default when the record is unreadable (recordedObjective).
 */
export function sweepObjective(record?: SweepFile): Objective {
  return recordedObjective(record).keys;
}

function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return '-';
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** The hash part of a run folder's name (0007-69ee89a6 -> 69ee89a6). */
function hashOf(folder: string): string {
  return folder.slice(folder.indexOf('-') + 1);
}

/** A summary's facts apart from the running clock: what makes a change worth sending. */
function signature(s: SweepSummary): string {
  return JSON.stringify({ ...s, duration_s: s.status === 'running' ? null : s.duration_s });
}

const FINAL = new Set(['done', 'diverged', 'failed', 'interrupted', 'damaged']);

/** Read one run folder's metrics.json into facts (never throws). */
function readFacts(runPath: string, folder: string, objective: Objective): RunFacts {
  const stamp = mtimeOf(join(runPath, RUN_FILES.metrics));
  const metrics: Record<string, number | null> = {};
  // A file named like a run folder is no pending run (see integrity.ts NOT_A_RUN_FOLDER).
  if (stamp < 0) return { stamp, status: isNotAFolder(runPath) ? 'damaged' : 'pending', metrics };
  const read = readJsonFile<RunMetricsFile>(join(runPath, RUN_FILES.metrics), RUN_FILES.metrics);
  if (!('value' in read)) return { stamp, status: 'missing' in read ? 'pending' : 'damaged', metrics };
  const m = read.value;
  if (checkMetrics(m).length > 0 || !m.run_id.startsWith(hashOf(folder))) return { stamp, status: 'damaged', metrics };
  for (const k of objective) {
    const [split, name] = k.metric.split('.');
    const part = (m as unknown as Record<string, Record<string, unknown> | undefined>)[split];
    // Confusion counts (an objective may minimize validation.fn) sit under `confusion`.
    const v = part?.[name] ?? (part?.confusion as Record<string, unknown> | undefined)?.[name];
    metrics[k.metric] = typeof v === 'number' ? v : null;
  }
  return { stamp, status: m.status, metrics };
}

/** Summaries of a runs folder, kept current. Never throws for what it finds on disk. */
export class StoreIndex {
  private readonly sweeps = new Map<string, SweepEntry>();
  private built = false;

  constructor(readonly runsDir: string) {}

  /** Every sweep's summary: running sweeps first, then by experiment name, newest sweep first. */
  home(): { runs_dir: string; index: { sweeps: number; sweeps_read: number }; experiments: { name: string; description: string | null; tags: string[]; sweeps: SweepSummary[] }[] } {
    if (!this.built) this.refresh();
    const byExperiment = new Map<string, SweepSummary[]>();
    for (const e of this.sweeps.values()) {
      const list = byExperiment.get(e.experiment) ?? [];
      list.push(e.summary);
      byExperiment.set(e.experiment, list);
    }
    const running = (s: SweepSummary) => s.status === 'running';
    const experiments = [...byExperiment].map(([name, sweeps]) => {
      sweeps.sort((a, b) => Number(running(b)) - Number(running(a)) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      // The experiment's description and tags: those of its newest sweep that has a record.
      const newest = sweeps.find((s) => s.status !== 'damaged') ?? sweeps[0];
      return { name, description: newest.description, tags: newest.tags, sweeps };
    });
    experiments.sort((a, b) => Number(a.sweeps.some(running) ? 0 : 1) - Number(b.sweeps.some(running) ? 0 : 1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let read = 0;
    for (const e of this.sweeps.values()) if (e.verified) read++;
    return { runs_dir: this.runsDir, index: { sweeps: this.sweeps.size, sweeps_read: read }, experiments };
  }

  /** The folder of a sweep by id (ids are unique across experiments but for a 1 in 64 draw in one millisecond: the first experiment by name wins). */
  sweepDir(id: string): { dir: string; experiment: string } | undefined {
    if (!SWEEP_ID_PATTERN.test(id)) return undefined;
    if (!this.built) this.refresh();
    let hit: SweepEntry | undefined;
    for (const e of this.sweeps.values()) if (e.id === id && (!hit || e.experiment < hit.experiment)) hit = e;
    return hit && { dir: hit.dir, experiment: hit.experiment };
  }

  /** A sweep's summary by id. */
  summary(id: string): SweepSummary | undefined {
    const found = this.sweepDir(id);
    return found && this.sweeps.get(`${found.experiment}/${id}`)?.summary;
  }

  /**
   * Look at the runs folder again and bring the index up to date (see the header). Returns what changed.
   * now: the clock for running/stopped and durations (tests pass one).
   */
  refresh(now = Date.now()): IndexChanges {
    const changes: IndexChanges = { sweeps: [], runs: [], removed: [] };
    const seen = new Set<string>();
    for (const experiment of listDir(this.runsDir).sort()) {
      if (experiment.startsWith('.')) continue;
      const expDir = join(this.runsDir, experiment);
      for (const id of listDir(expDir)) {
        if (!SWEEP_ID_PATTERN.test(id)) continue;
        const dir = join(expDir, id);
        const stamp = `${stampOf(join(dir, SWEEP_FILES.sweep))}|${stampOf(join(dir, SWEEP_FILES.annotations))}`;
        // A sweep folder without sweep.json is not a sweep (the store creates it with one).
        if (stamp.startsWith('-|')) continue;
        // A link leading out of the runs folder (the experiment folder or this one) is not served; a link to a
        // sweep listed under its own name is that sweep, listed once.
        if (!isInsideRunsDir(this.runsDir, dir) || isListedElsewhere(this.runsDir, dir)) continue;
        const key = `${experiment}/${id}`;
        seen.add(key);
        const entry = this.sweeps.get(key);
        const before = entry ? signature(entry.summary) : '';
        let next: SweepEntry;
        if (!entry || entry.stamp !== stamp) next = this.readSweep(experiment, id, dir, stamp, entry, changes);
        else {
          next = entry;
          if (entry.record?.status === 'running') this.readNewRuns(entry, changes);
        }
        next.summary = this.summarize(next, now);
        this.sweeps.set(key, next);
        if (signature(next.summary) !== before) changes.sweeps.push(next.summary);
      }
    }
    for (const key of [...this.sweeps.keys()]) {
      if (!seen.has(key)) {
        this.sweeps.delete(key);
        changes.removed.push(key);
      }
    }
    this.built = true;
    return changes;
  }

  /** Sweeps whose runs are still to be read (their summaries are their records'). */
  get unverified(): number {
    let n = 0;
    for (const e of this.sweeps.values()) if (!e.verified) n++;
    return n;
  }

  /**
   * Read the runs of sweeps summarised from their records, for about `budgetMs` (at least one sweep), and
   * correct their summaries. Returns what changed (summaries that differ from the record's) and how many
   * sweeps are left. now: as for refresh().
   */
  verify(budgetMs: number, now = Date.now()): IndexChanges & { left: number } {
    const changes: IndexChanges = { sweeps: [], runs: [], removed: [] };
    const until = performance.now() + budgetMs;
    for (const e of this.sweeps.values()) {
      if (e.verified) continue;
      if (performance.now() > until) break;
      const before = signature(e.summary);
      // Runs read here were recorded before the server started: not announced as new runs.
      this.readNewRuns(e, { sweeps: [], runs: [], removed: [] }, true);
      e.verified = true;
      e.summary = this.summarize(e, now);
      if (signature(e.summary) !== before) changes.sweeps.push(e.summary);
    }
    return { ...changes, left: this.unverified };
  }

  private readSweep(experiment: string, id: string, dir: string, stamp: string, old: SweepEntry | undefined, changes: IndexChanges): SweepEntry {
    const read = readJsonFile<SweepFile>(join(dir, SWEEP_FILES.sweep), SWEEP_FILES.sweep);
    let record: SweepFile | undefined;
    let problem: string | undefined;
    const found = 'value' in read ? checkSweepRecord(read.value) : [];
    if ('value' in read && found.length === 0) record = read.value;
    else problem = 'value' in read ? found.join('; ') : 'problem' in read ? read.problem : `${SWEEP_FILES.sweep} is missing`;
    let own: string[] = [];
    try {
      own = readAnnotations(dir).tags;
    } catch {
      // A damaged annotations.json hides the added tags only.
    }
    const entry: SweepEntry = { experiment, id, dir, stamp, record, problem, tags: mergeTags(record?.tags, own), runs: old?.runs ?? new Map(), verified: false, summary: undefined as unknown as SweepSummary };
    // First sight of a finished sweep whose record has its counts and best: that is its summary until
    // verify() reads its runs. Otherwise (running, an older record, a record that changed: resumed,
    // finished) every run folder is looked at now.
    const fromRecord = !old && record !== undefined && record.status !== 'running' && record.best !== undefined && typeof record.counts === 'object';
    if (!fromRecord) {
      this.readNewRuns(entry, changes, true);
      entry.verified = true;
    }
    return entry;
  }

  /** Read run folders that are new or had no final result (all = look at every folder's metrics.json stamp). */
  private readNewRuns(entry: SweepEntry, changes: IndexChanges, all = false): void {
    const objective = sweepObjective(entry.record);
    const folders = listDir(entry.dir).filter((n) => RUN_FOLDER_PATTERN.test(n));
    const present = new Set(folders);
    for (const folder of folders) {
      const known = entry.runs.get(folder);
      if (known && FINAL.has(known.status) && !all) continue;
      const runPath = join(entry.dir, folder);
      if (known && mtimeOf(join(runPath, RUN_FILES.metrics)) === known.stamp) continue;
      const facts = readFacts(runPath, folder, objective);
      entry.runs.set(folder, facts);
      if (FINAL.has(facts.status) && known?.status !== facts.status) changes.runs.push({ sweep: entry.id, experiment: entry.experiment, run: folder, status: facts.status });
    }
    for (const folder of [...entry.runs.keys()]) if (!present.has(folder)) entry.runs.delete(folder);
  }

  private summarize(e: SweepEntry, now: number): SweepSummary {
    const objective = sweepObjective(e.record);
    const counts = { done: 0, diverged: 0, failed: 0, interrupted: 0, damaged: 0, pending: 0 };
    let best: { run: string; metrics: Record<string, number | null> } | undefined;
    for (const [folder, r] of [...e.runs].sort((a, b) => compareRunFolders(a[0], b[0]))) {
      counts[r.status]++;
      if (r.status !== 'done') continue;
      // In run order: full ties go to the lower run number, as every best (compareRunNumber).
      const c = best ? compareByObjective(r.metrics, best.metrics, objective) : -1;
      if (c < 0) best = { run: folder, metrics: r.metrics };
    }
    const rec = e.record;
    if (!e.verified && rec) {
      // Summarised from the record (see the header): its counts and best as of the sweep's end.
      const c = rec.counts;
      Object.assign(counts, { done: c.done, diverged: c.diverged, failed: c.failed, interrupted: c.interrupted, damaged: c.damaged ?? 0 });
      best = rec.best ? { run: rec.best.run, metrics: rec.best.metrics } : undefined;
    }
    const first = { metric: objective[0].metric, goal: objective[0].goal, text: describeObjective(objective) };
    const base = {
      id: e.id,
      experiment: e.experiment,
      runs_done: counts.done,
      runs_failed: counts.failed,
      runs_diverged: counts.diverged,
      runs_interrupted: counts.interrupted,
      runs_damaged: counts.damaged,
      objective: first,
      best: best ? { run: best.run, value: best.metrics[objective[0].metric] ?? null } : null,
      tags: e.tags,
    };
    if (!rec) {
      return { ...base, status: 'damaged', method: 'grid', runs_planned: null, started_at: null, finished_at: null, duration_s: null, description: null, dataset: null, problem: e.problem };
    }
    const pending = Math.max(0, rec.grid_size - counts.done - counts.diverged - counts.failed - counts.interrupted - counts.damaged);
    const status = liveStatus(e.dir, rec, now, { done: counts.done, diverged: counts.diverged, failed: counts.failed, interrupted: counts.interrupted, pending, damaged: counts.damaged });
    // The time worked on it, as ls counts it (without the idle time before a resume or extension).
    const ms = activeMs(rec, status === 'running' ? now : lastActivity(e.dir));
    return {
      ...base,
      status,
      method: rec.search?.method ?? 'grid',
      runs_planned: rec.grid_size,
      started_at: rec.started_at,
      finished_at: rec.ended_at,
      duration_s: Number.isFinite(ms) ? ms / 1000 : null,
      description: rec.description ?? null,
      dataset: rec.dataset?.fingerprint ? datasetLabel(rec.dataset) : null,
    };
  }
}
