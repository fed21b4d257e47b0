/**
 * Synthetic run records for the ui server's index: a runs folder of E experiments x S sweeps x R runs in the
 * store's layout (sweep.json; per run params.json, metrics.json, timing.json), made with plain file writes
 * in a temporary folder, never committed. Metrics come from the confusion counts drawn for each run, so the
 * expected counts and best of each sweep are known without reading the files back (`expected`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** What a made sweep should show: done/failed/diverged counts and its best run by validation accuracy then loss. */
export interface ExpectedSweep {
  experiment: string;
  id: string;
  dir: string;
  runs: number;
  done: number;
  failed: number;
  diverged: number;
  best: { run: string; accuracy: number; loss: number; runId: string };
}

/** Options: sizes, and every `failEvery`-th run failed, every `divergeEvery`-th diverged (0: none). */
export interface SyntheticOptions {
  experiments: number;
  sweepsPerExperiment: number;
  runsPerSweep: number;
  failEvery?: number;
  divergeEvery?: number;
}

function split(tn: number, fp: number, fn: number, tp: number, loss: number) {
  const n = tn + fp + fn + tp;
  const precision = tp + fp ? tp / (tp + fp) : null;
  const recall = tp + fn ? tp / (tp + fn) : null;
  return {
    threshold: 0.5,
    loss,
    accuracy: (tp + tn) / n,
    precision,
    recall,
    specificity: tn + fp ? tn / (tn + fp) : null,
    f1: precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null,
    roc_auc: 0.9,
    baseline_accuracy: Math.max(tn + fp, fn + tp) / n,
    confusion: { tn, fp, fn, tp },
    samples: n,
  };
}

/** Write the runs folder; returns what each sweep should show. */
export function makeSyntheticRuns(runsDir: string, o: SyntheticOptions): ExpectedSweep[] {
  const out: ExpectedSweep[] = [];
  let seq = 0;
  for (let e = 0; e < o.experiments; e++) {
    const experiment = `synthetic-${String(e).padStart(3, '0')}`;
    for (let s = 0; s < o.sweepsPerExperiment; s++) {
      const id = `2026010${1 + (s % 9)}-${String(100000 + e).slice(1)}${s % 10}-${(e * 16 + s).toString(16).padStart(4, '0').slice(-4)}`;
      const dir = join(runsDir, experiment, id);
      mkdirSync(dir, { recursive: true });
      const started = new Date(Date.UTC(2026, 0, 1 + (s % 9), 10, e % 60, s % 60)).toISOString();
      const expected: ExpectedSweep = { experiment, id, dir, runs: o.runsPerSweep, done: 0, failed: 0, diverged: 0, best: { run: '', accuracy: -1, loss: Infinity, runId: '' } };
      for (let r = 0; r < o.runsPerSweep; r++) {
        seq++;
        const runId = createHash('sha256').update(`${experiment}/${id}/${r}`).digest('hex');
        const folder = `${String(r + 1).padStart(4, '0')}-${runId.slice(0, 8)}`;
        const rdir = join(dir, folder);
        mkdirSync(rdir);
        const lr = [0.001, 0.01, 0.1, 1][r % 4];
        const params = { learning_rate: lr, iterations: 1000, hidden_sizes: [r % 50], threshold: 0.5, seed: Math.floor(r / 200), init: 'lecun_normal' };
        writeFileSync(join(rdir, 'params.json'), JSON.stringify({ run_id: runId, index: r, folder, training_key: runId.slice(8, 24), params, spellings: {} }, null, 2) + '\n');
        let metrics: Record<string, unknown>;
        if (o.failEvery && seq % o.failEvery === 0) {
          metrics = { status: 'failed', run_id: runId, iterations: 1000, threshold: 0.5, error: 'synthetic failure' };
          expected.failed++;
        } else if (o.divergeEvery && seq % o.divergeEvery === 0) {
          metrics = { status: 'diverged', run_id: runId, iterations: 1000, threshold: 0.5, diverged: { iteration: 17, last_finite_loss: 3.2 } };
          expected.diverged++;
        } else {
          // Validation counts over 182 rows: wrong answers 1 to 20, drawn from the run's position.
          const wrong = 1 + ((seq * 7919) % 20);
          const fn = wrong >> 1;
          const fp = wrong - fn;
          const loss = 0.05 + ((seq * 104729) % 1000) / 10000;
          const validation = split(141 - fp, fp, fn, 41 - fn, loss);
          metrics = { status: 'done', run_id: runId, iterations: 1000, threshold: 0.5, train: split(286, 17, 11, 186, loss * 0.9), validation };
          expected.done++;
          const b = expected.best;
          const acc = validation.accuracy;
          if (acc > b.accuracy || (acc === b.accuracy && (loss < b.loss || (loss === b.loss && runId < b.runId)))) expected.best = { run: folder, accuracy: acc, loss, runId };
        }
        writeFileSync(join(rdir, 'timing.json'), JSON.stringify({ training_ms: 10 + (r % 50), shared_by: 1, finished_at: started }) + '\n');
        writeFileSync(join(rdir, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
      }
      const counts = { done: expected.done, diverged: expected.diverged, failed: expected.failed, interrupted: 0, pending: 0 };
      const sweep = {
        id,
        experiment,
        status: 'done',
        started_at: started,
        ended_at: new Date(Date.parse(started) + 60_000 + s * 1000).toISOString(),
        dlsweep_version: '0.1.0',
        engine_version: '6',
        engine: 'auto',
        node_version: process.version,
        git_commit: null,
        dataset: { name: 'wisconsin', sha256: 'a'.repeat(64), fingerprint: 'b'.repeat(64) },
        grid_size: o.runsPerSweep,
        trainings: o.runsPerSweep,
        shared: true,
        plan_hash: 'c'.repeat(64),
        counts,
        best: expected.done ? { run: expected.best.run, metrics: { 'validation.accuracy': expected.best.accuracy, 'validation.loss': expected.best.loss } } : null,
        resumed_at: [],
      };
      writeFileSync(join(dir, 'sweep.json'), JSON.stringify(sweep, null, 2) + '\n');
      out.push(expected);
    }
  }
  return out;
}
