/** Test fixtures for the report tests: rows in memory and sweep folders written by hand (no training). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ParamValue } from '../../src/experiment/types.js';
import type { ClassificationMetrics } from '../../src/train/types.js';
import type { RunMetricsFile, RunStatus, SweepFile } from '../../src/store/records.js';
import { METRIC_KEYS } from '../../src/report/columns.js';
import type { Row } from '../../src/report/rows.js';

/** A row in memory: every metric null unless given. */
export function row(index: number, params: Record<string, ParamValue>, metrics: Record<string, number | null> = {}, extra: Partial<Row> = {}): Row {
  const all: Record<string, number | null> = {};
  for (const k of METRIC_KEYS) all[k] = null;
  const hash = createHash('sha256').update(JSON.stringify({ index, params, sweep: extra.sweep })).digest('hex');
  return {
    sweep: 'exp/20260101-000000-abcd',
    folder: `${String(index).padStart(4, '0')}-${hash.slice(0, 8)}`,
    index,
    hash: hash.slice(0, 8),
    run_id: hash,
    status: 'done',
    params,
    spellings: {},
    metrics: { ...all, ...metrics },
    std: {},
    ...extra,
  };
}

/** Classification metrics consistent with a confusion matrix (precision null without positive predictions...). */
export function metricsFrom(c: { tn: number; fp: number; fn: number; tp: number }, loss: number, threshold = 0.5): ClassificationMetrics {
  const n = c.tn + c.fp + c.fn + c.tp;
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : null;
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : null;
  const specificity = c.tn + c.fp ? c.tn / (c.tn + c.fp) : null;
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
  const pos = c.tp + c.fn;
  return { threshold, loss, accuracy: (c.tn + c.tp) / n, precision, recall, specificity, f1, roc_auc: 0.9, baseline_accuracy: Math.max(pos, n - pos) / n, confusion: c, samples: n };
}

export interface FixtureRun {
  params: Record<string, ParamValue>;
  spellings?: Record<string, string>;
  status?: RunStatus;
  /** Validation confusion matrix and loss (train gets the same). */
  confusion?: { tn: number; fp: number; fn: number; tp: number };
  loss?: number;
  /** Curve points: [iteration, train_loss, validation_loss]. */
  curve?: [number, number, number][];
  /** Folder hash (8 hex) to force, e.g. to make prefixes collide. */
  hash?: string;
  /** Validation rows' labels and probabilities (predictions.csv), for the paired tests against the best. */
  predictions?: { label: number[]; probability: number[] };
}

export function tempRunsDir(): string {
  return mkdtempSync(join(tmpdir(), 'dlsweep-report-'));
}

/** Write a sweep folder with these runs; returns its path. */
export function writeSweep(runsDir: string, experiment: string, id: string, runs: FixtureRun[], extra: Partial<SweepFile> = {}): string {
  const dir = join(runsDir, experiment, id);
  mkdirSync(dir, { recursive: true });
  const counts = { done: 0, diverged: 0, failed: 0, interrupted: 0, pending: 0 };
  runs.forEach((r, i) => {
    const status = r.status ?? 'done';
    counts[status]++;
    const runId = createHash('sha256').update(`${experiment}/${id}/${i}`).digest('hex');
    const hash = r.hash ?? runId.slice(0, 8);
    const fullId = hash + runId.slice(8);
    const folder = `${String(i + 1).padStart(4, '0')}-${hash}`;
    const rdir = join(dir, folder);
    mkdirSync(rdir);
    writeFileSync(join(rdir, 'params.json'), JSON.stringify({ run_id: fullId, index: i, folder, training_key: 'k', params: r.params, spellings: r.spellings ?? {} }));
    const m: RunMetricsFile = { status, run_id: fullId, iterations: Number(r.params.iterations ?? 100), threshold: Number(r.params.threshold ?? 0.5) };
    if (status === 'done') {
      const c = r.confusion ?? { tn: 40, fp: 5, fn: 5, tp: 50 };
      m.train = metricsFrom(c, r.loss ?? 0.3);
      m.validation = metricsFrom(c, r.loss ?? 0.3);
    } else if (status === 'diverged') {
      m.diverged = { iteration: 12, last_finite_loss: 3.5 };
    } else {
      m.error = 'boom';
    }
    writeFileSync(join(rdir, 'metrics.json'), JSON.stringify(m));
    writeFileSync(join(rdir, 'timing.json'), JSON.stringify({ training_ms: 10 + i, shared_by: 1, finished_at: '2026-01-01T00:00:01.000Z' }));
    const curve = r.curve ?? (status === 'failed' ? [] : Array.from({ length: 11 }, (_, k) => [k * 10, 0.7 * Math.exp(-k / (3 + i)) + 0.05, 0.72 * Math.exp(-k / (3 + i)) + 0.06] as [number, number, number]));
    if (curve.length) writeFileSync(join(rdir, 'curve.csv'), 'iteration,train_loss,validation_loss\n' + curve.map((p) => p.join(',')).join('\n') + '\n');
    const pr = r.predictions;
    if (pr) {
      const lines = pr.label.map((y, k) => `validation,0,${k},${y},${pr.probability[k]}`);
      writeFileSync(join(rdir, 'predictions.csv'), ['split,fold,row,label,probability', ...lines].join('\n') + '\n');
    }
  });
  const sweep: SweepFile = {
    id,
    experiment,
    status: 'done',
    started_at: '2026-01-01T00:00:00.000Z',
    ended_at: '2026-01-01T00:00:05.000Z',
    dlsweep_version: '0.1.0',
    engine_version: '1',
    node_version: process.version,
    git_commit: null,
    dataset: { name: null, sha256: 'a'.repeat(64), fingerprint: 'b'.repeat(64) },
    grid_size: runs.length,
    trainings: runs.length,
    shared: false,
    plan_hash: 'c'.repeat(64),
    counts,
    resumed_at: [],
    ...extra,
  };
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify(sweep, null, 2));
  return dir;
}
