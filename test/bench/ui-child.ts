/**
 * Child process of the ui benchmark: makes synthetic run records (test/helpers/synthetic-runs.ts) in a
 * temporary folder, then times `dlsweep ui` over them: cold, from starting the command to the first
 * /api/home answer (Node's start, the index built from the sweeps' records, the JSON); read, from the start
 * until the index has read every run's metrics.json (polling /api/home); warm, a later /api/home of the
 * same server. Prints one JSON line. The folder is removed at the end.
 * Usage: node dist/test/bench/ui-child.js EXPERIMENTS SWEEPS_PER_EXPERIMENT RUNS_PER_SWEEP REPS
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSyntheticRuns } from '../helpers/synthetic-runs.js';
import { getJson, startUi } from '../helpers/ui.js';

// Under `node --test dist/test/` (which runs every file of a test/ folder) this is not a test: do nothing.
if (process.env.NODE_TEST_CONTEXT) process.exit(0);

const [experiments, sweeps, runs, reps] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'dlsweep-bench-ui-'));
try {
  const t0 = performance.now();
  const made = makeSyntheticRuns(join(dir, 'runs'), { experiments, sweepsPerExperiment: sweeps, runsPerSweep: runs, failEvery: 97, divergeEvery: 89 });
  const makeSeconds = (performance.now() - t0) / 1000;
  const cold: number[] = [];
  const warm: number[] = [];
  const read: number[] = [];
  let checked = 0;
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    const ui = await startUi(dir);
    try {
      const home = await getJson(ui.port, '/api/home');
      cold.push((performance.now() - start) / 1000);
      // The answer must be the full one: every sweep with its best run.
      const all = home.experiments.flatMap((e: { sweeps: { id: string; best: { run: string } | null }[] }) => e.sweeps);
      if (all.length !== made.length) throw new Error(`home lists ${all.length} sweeps, ${made.length} were made`);
      for (const m of made) if (all.find((s: { id: string }) => s.id === m.id)?.best?.run !== m.best.run) throw new Error(`wrong best for ${m.id}`);
      checked = all.length;
      let status = home.index;
      while (status.sweeps_read < status.sweeps) {
        await new Promise((r) => setTimeout(r, 20));
        status = (await getJson(ui.port, '/api/home')).index;
      }
      read.push((performance.now() - start) / 1000);
      const after = (await getJson(ui.port, '/api/home')).experiments.flatMap((e: { sweeps: { id: string; best: { run: string } | null }[] }) => e.sweeps);
      for (const m of made) if (after.find((s: { id: string }) => s.id === m.id)?.best?.run !== m.best.run) throw new Error(`wrong best for ${m.id} after reading the runs`);
      for (let i = 0; i < 5; i++) {
        const w0 = performance.now();
        await getJson(ui.port, '/api/home');
        warm.push((performance.now() - w0) / 1000);
      }
    } finally {
      await ui.stop();
    }
  }
  process.stdout.write(JSON.stringify({ runs: experiments * sweeps * runs, sweeps: checked, make_seconds: makeSeconds, cold, read, warm }) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
