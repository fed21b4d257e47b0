/**
 * The ui server's home page over 100,000 recorded runs (20 experiments x 5 sweeps x 1,000 runs of
 * synthetic records, ui-child.ts): cold (from starting `dlsweep ui` to the first /api/home answer, from
 * the sweeps' records), every run read (until the index has read each run's metrics.json in the
 * background and confirmed or corrected those answers) and warm (/api/home again). The OS file cache is
 * warm: the records were just written. Goal: under 2 s cold and warm.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { BenchRow } from './report.js';
import { REPO, median } from './measure.js';

export function uiCases(reps: number, quick: boolean): BenchRow[] {
  const [experiments, sweeps, runs] = quick ? [10, 5, 200] : [20, 5, 1000];
  const child = spawnSync(process.execPath, [path.join(REPO, 'dist/test/bench/ui-child.js'), String(experiments), String(sweeps), String(runs), String(reps)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`ui benchmark failed: ${child.stderr}`);
  const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { runs: number; sweeps: number; make_seconds: number; cold: number[]; read: number[]; warm: number[] };
  const n = r.runs.toLocaleString('en-US');
  // The three rows differ only in what they time and their goal; the rest of a row is "ours only".
  const row = (id: string, text: string, samples: number[], goal: Pick<BenchRow, 'goal' | 'goal_max'>, extra?: BenchRow['extra']): BenchRow => ({
    id,
    case: text,
    ours: median(samples),
    ours_samples: samples,
    unit: 's',
    reference: null,
    reference_samples: [],
    reference_name: null,
    goal_ratio: null,
    ...goal,
    ...(extra ? { extra } : {}),
  });
  const underTwo = { goal: '< 2 s', goal_max: 2 };
  return [
    row(
      'ui-home-cold',
      `dlsweep ui home page over ${n} runs in ${r.sweeps} sweeps, cold: start of the command to the first /api/home answer (from the sweeps' records; OS file cache warm)`,
      r.cold,
      underTwo,
      { records_made_in_s: r.make_seconds },
    ),
    row(
      'ui-home-read',
      `dlsweep ui over ${n} runs: start of the command until every run's metrics.json is read and the answers confirmed (pages answered meanwhile)`,
      r.read,
      { goal: 'none (stated)' },
    ),
    row('ui-home-warm', `dlsweep ui home page over ${n} runs, warm: /api/home again from the index`, r.warm, underTwo),
  ];
}
