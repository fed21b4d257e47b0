/**
 * Search benchmarks, end to end (the CLI): successive halving with the TPE sampler against Optuna's TPE
 * sampler with its successive-halving pruner (optuna_asha.py, numpy objective, 2 jobs), on the same space
 * (learning_rate log-uniform [1e-3, 1], hidden units in {5, 15, 30}), 81 trials, rungs 100 to 8,100 updates,
 * the study's data and split; medians over 3 sampler seeds. And halving against a full random search of the
 * same 81 configurations (halving with the random sampler draws the configurations `method: random` draws
 * with the same seed). Optuna's wall_seconds covers its optimize() only, without Python's start-up.
 *
 * What each side does: the same problem (9-H-1 ReLU network, lecun_normal weights of numpy seed 1, full-batch
 * gradient descent, the study's rows 0-499 / 501-682 after min-max over all rows; Optuna's loss clips the
 * probabilities at 1e-15, ours is computed from the logits: equal to many digits at these losses) and the same
 * rungs (100 x 3^k up to 8,100; Optuna's SuccessiveHalvingPruner with min_resource 100, reduction factor 3).
 * Ours is synchronous successive halving: 81 configurations at 100 updates, 27, 9, 3 continued, 1 trained to
 * 8,100 (29,700 updates); its TPE sampler (Optuna's defaults) draws all 81 from outcomes at 100 updates, the
 * only ones that exist before the first promotion. Optuna's pruner is asynchronous: each trial is compared
 * with the trials that reported before it, so several run to 8,100 and its TPE ranks trials by how far they
 * went. The best loss is what each tool hands its user: ours the sweep's best run by the objective over every
 * run of every rung (search.json's best, checked equal to sweep.json's, the run EXPERIMENT/best names; its
 * updates are stated), Optuna's its best_value (its best completed trial, at 8,100 updates). On this problem the short rungs rank learning rates near 1 first, while at 8,100 updates
 * those overfit (the best of a full random search is near 0.2): the TPE sampler, fitted to the 100-update
 * losses only, concentrates its draws there, which is why the loss ratio is shown beside halving with the
 * quasirandom sampler (the same halving over evenly spread draws).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CLI, PYTHON, REFS, WISCONSIN, cliEnv, median, run } from './measure.js';
import type { BenchRow } from './report.js';
import type { Scratch } from './sweeps.js';

const DATA_DIR = path.dirname(WISCONSIN);

function experiment(method: string, seed: number, sampler?: string): string {
  const halving = method === 'halving';
  return `name: bench-search
dataset: wisconsin
search:
  method: ${method}
  trials: 81
  seed: ${seed}
${halving ? `  sampler: ${sampler}\n  min_iterations: 100\n  reduction_factor: 3\n` : ''}fixed:
  init: lecun_normal
  seed: 1
grid:
  learning_rate: {log_uniform: [1.0e-3, 1.0]}
  hidden_sizes: [[5], [15], [30]]
  iterations: [8100]
record:
  curve_every: 900
`;
}

interface SearchFacts {
  seconds: number;
  /** The validation loss of the tool's best run (search.json best = sweep.json best). */
  best: number;
  /** The updates of that run (its rung). */
  bestAt: number;
  updates: number;
}

/** Runs `dlsweep run` on a search; returns the wall time, the best validation loss and the updates trained. */
function runSearch(s: Scratch, yaml: string): SearchFacts {
  const file = s.experiment(yaml);
  const runsDir = s.runsDir();
  const { seconds } = run(process.execPath, [CLI, '--runs-dir', runsDir, 'run', file, '--quiet', '--workers', '2', '--data-dir', DATA_DIR], { env: cliEnv() });
  const expDir = path.join(runsDir, 'bench-search');
  const sweep = path.join(expDir, readdirSync(expDir).filter((d) => !d.startsWith('.'))[0]);
  const search = JSON.parse(readFileSync(path.join(sweep, 'search.json'), 'utf8')) as { best: { value: number; folder: string } | null; batches: { runs: { folder: string; iterations: number }[] }[] };
  const meta = JSON.parse(readFileSync(path.join(sweep, 'sweep.json'), 'utf8')) as { updates_trained: number; best: { run: string } | null };
  rmSync(runsDir, { recursive: true, force: true });
  if (search.best?.folder !== meta.best?.run) throw new Error(`search.json's best (${search.best?.folder}) is not sweep.json's (${meta.best?.run})`);
  const bestAt = search.batches.flatMap((b) => b.runs).find((r) => r.folder === search.best?.folder)?.iterations ?? NaN;
  return { seconds, best: search.best?.value ?? NaN, bestAt, updates: meta.updates_trained };
}

/** Whether Debian's Python has Optuna (python3-optuna). */
export function optunaStatus(): { ok: boolean; detail: string } {
  const r = spawnSync(PYTHON, ['-c', 'import optuna, numpy; print("optuna", optuna.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true, detail: r.stdout.trim() } : { ok: false, detail: `${PYTHON} lacks optuna (Debian: apt-get install python3-optuna)` };
}

/** The two search rows (see the header). */
export function searchCases(s: Scratch, seeds: number[]): BenchRow[] {
  const optuna = optunaStatus();
  const ours: SearchFacts[] = [];
  const ref: { wall_seconds: number; best_value: number; updates: number; n_trials: number; n_pruned: number }[] = [];
  const random: SearchFacts[] = [];
  const halvingRandom: SearchFacts[] = [];
  const halvingQuasi: SearchFacts[] = [];
  // Alternating ours and Optuna's, seed by seed, so that slower and faster spells of the machine fall on both.
  for (const seed of seeds) {
    ours.push(runSearch(s, experiment('halving', seed, 'tpe')));
    if (optuna.ok) {
      const out = run(PYTHON, [path.join(REFS, 'optuna_asha.py'), WISCONSIN, '81', 'tpe', String(seed), '8100']);
      ref.push(JSON.parse(out.stdout));
    }
    halvingRandom.push(runSearch(s, experiment('halving', seed, 'random')));
    halvingQuasi.push(runSearch(s, experiment('halving', seed, 'quasirandom')));
    random.push(runSearch(s, experiment('random', seed)));
  }
  const completed = ref.map((r) => r.n_trials - r.n_pruned);
  const lossRatio = optuna.ok ? median(ours.map((o) => o.best)) / median(ref.map((r) => r.best_value)) : null;
  const rows: BenchRow[] = [
    {
      id: 'search-halving-tpe-optuna',
      case:
        `halving, TPE sampler, 81 trials, rungs 100-8,100 updates (promotions continue from saved states), 2 workers, end to end (start-up, recording, report) against Optuna's optimize() alone, medians over sampler seeds ${seeds.join(', ')}: ` +
        `validation loss of the best run (ours: the sweep's best run, any rung, at ${ours.map((o) => o.bestAt).join(', ')} updates; Optuna: its best completed trial, 8,100) ${median(ours.map((o) => o.best)).toFixed(4)}${optuna.ok ? ` vs Optuna's ${median(ref.map((r) => r.best_value)).toFixed(4)} (${lossRatio!.toFixed(3)}x)` : ''}` +
        ` (halving with the quasirandom sampler: ${median(halvingQuasi.map((o) => o.best)).toFixed(4)}); ` +
        `work: ours 81 configurations, 1 trained to 8,100, ${median(ours.map((o) => o.updates))} updates${optuna.ok ? `; Optuna ${median(completed)} trained to 8,100, ${median(ref.map((r) => r.updates))} updates` : ''}`,
      ours: median(ours.map((o) => o.seconds)),
      ours_samples: ours.map((o) => o.seconds),
      unit: 's',
      reference: optuna.ok ? median(ref.map((r) => r.wall_seconds)) : null,
      reference_samples: ref.map((r) => r.wall_seconds),
      reference_name: optuna.ok ? `Optuna TPE + successive-halving pruner, 2 jobs (${optuna.detail})` : `n/a: ${optuna.detail}`,
      goal: '>= 5x Optuna, best loss <= 1.1x',
      goal_ratio: 5,
      extra: {
        best_ours: ours.map((o) => o.best),
        best_optuna: ref.map((r) => r.best_value),
        best_halving_quasirandom: halvingQuasi.map((o) => o.best),
        completed_optuna: completed,
        updates_ours: ours.map((o) => o.updates),
        updates_optuna: ref.map((r) => r.updates),
        loss_ratio: lossRatio,
        ...(lossRatio !== null && lossRatio > 1.1 ? { goal_met: false } : {}),
      },
    },
  ];
  // Halving (random sampler) against the full random search of the same configurations, seed by seed.
  const within = halvingRandom.map((h, i) => h.best <= random[i].best * 1.02);
  const share = halvingRandom.map((h, i) => h.updates / random[i].updates);
  rows.push({
    id: 'search-halving-vs-random',
    case: `halving (random sampler) vs a full random search of the same 81 configurations to 8,100 updates, per seed: best within 2%: ${within.join(', ')}; updates ${share.map((x) => `${(100 * x).toFixed(1)}%`).join(', ')} of the random search's`,
    ours: median(halvingRandom.map((h) => h.seconds)),
    ours_samples: halvingRandom.map((h) => h.seconds),
    unit: 's',
    reference: median(random.map((r) => r.seconds)),
    reference_samples: random.map((r) => r.seconds),
    reference_name: 'dlsweep, method random, 81 trials',
    goal: 'best within 2% at <= 25% of the updates',
    goal_ratio: null,
    extra: { best_halving: halvingRandom.map((h) => h.best), best_random: random.map((r) => r.best), updates_share: share, goal_met: within.every(Boolean) && share.every((x) => x <= 0.25) },
  });
  return rows;
}
