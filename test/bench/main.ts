/**
 * `npm run bench [-- --quick] [-- --only GROUP,GROUP]`: the performance benchmarks, printed as one table of
 * medians and ratios measured side by side in this run, and written to bench-results/ as JSON.
 *
 * Cases: one training of the oracle job against numpy's reference loop (with and without collapsing
 * duplicate rows); the training options against PyTorch; each option's cost per update against plain gd;
 * the fast engine's scaling with samples, features and hidden units; sweeps end to end (the CLI) against
 * scikit-learn's GridSearchCV; the optimizers example against the TypeScript engine; sharing on/off;
 * --workers 1 vs 2; recording overhead; `dlsweep plan` on a million points; the queue (BullMQ on a local
 * redis-server, two worker processes) against the local pool; the terminal table of 10,000 runs.
 * The Python references run when /usr/bin/python3 has numpy and scikit-learn (Debian: python3-numpy,
 * python3-sklearn), and PyTorch's when it has torch (python3-torch); otherwise their columns say n/a and why. --quick: one repetition of everything,
 * fewer scaling shapes, no 72-point scikit-learn run (about a minute instead of about four). --only runs the
 * named groups: train, torch, costs, kernels, scaling, sklearn, optimizers, sharing, workers, recording, plan, queue, table,
 * search (searches against Optuna's TPE with successive halving, optuna_asha.py, when python3-optuna is installed),
 * ui (the home page of `dlsweep ui` over 100,000 synthetic run records, cold and warm),
 * landscape (a 51 x 51 loss landscape, fast engine against the TypeScript forward pass).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { ENGINE_VERSION } from '../../src/train/version.js';
import { kernelPhases, optionCosts, oracleJob, scaling, torchCases } from './engine.js';
import { REPO, WISCONSIN, machine, pythonStatus, torchStatus } from './measure.js';
import { goalMet, ratioOf, renderTable, writeResults, type BenchRow } from './report.js';
import { queueCases, queueStatus } from './queue.js';
import { tableCases } from './table.js';
import { searchCases } from './search.js';
import { uiCases } from './ui.js';
import { landscapeCases } from './landscape.js';
import { Scratch, optimizersCase, planCase, recordingCase, sharingCase, sklearnCases, workersCase } from './sweeps.js';

// `node --test dist/test/` (npm test) runs every file under a test/ folder, this one included: a benchmark
// is never a test, so under the test runner it does nothing.
if (process.env.NODE_TEST_CONTEXT) process.exit(0);

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
const reps = quick ? 1 : 3;

const py = pythonStatus();
const torch = torchStatus();
const mach = machine();
const log = (s: string) => process.stderr.write(s + '\n');
log(`dlsweep bench${quick ? ' (quick)' : ''}: ${mach.cpu}, ${mach.cores} cores, Node ${mach.node}, engine ${ENGINE_VERSION}`);
log(`Python references: ${py.ok ? py.detail : `not run: ${py.detail}`}; PyTorch: ${torch.ok ? torch.detail : `not run: ${torch.detail}`}`);
if (!existsSync(WISCONSIN)) {
  log(`error: ${WISCONSIN} is missing; fetch it with: node dist/bundle/dlsweep.js data fetch wisconsin`);
  process.exit(2);
}

const rows: BenchRow[] = [];
const want = (group: string) => !only || only.has(group);
// The machine may be shared: the load average (1, 5 and 15 min) before and after each group says how busy it was.
const load = () => loadavg().map((x) => Number(x.toFixed(2)));
const loads: Record<string, { before: number[]; after: number[] }> = {};
const step = (group: string, what: string, fn: () => BenchRow[]) => {
  if (!want(group)) return;
  const before = load();
  log(`- ${what} (load average ${before.join(', ')}) ...`);
  const t0 = performance.now();
  const got = fn();
  rows.push(...got);
  loads[group] = { before, after: load() };
  log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s (load average ${loads[group].after.join(', ')})`);
};

const scratch = new Scratch();
const started = new Date().toISOString();
try {
  step('train', 'one training (ours, TypeScript engine, numpy)', () => oracleJob(quick ? 1 : 5, py.ok));
  step('torch', 'training options (ours vs PyTorch)', () => torchCases(reps, torch.ok));
  step('costs', 'cost per update of each option vs plain gd', () => optionCosts(reps));
  step('kernels', 'where an update\'s time goes, against the SIMD peak', () => kernelPhases(reps));
  step('scaling', 'scaling with samples, features and hidden units', () => scaling(reps, quick));
  step('sklearn', 'sweeps vs scikit-learn GridSearchCV', () => sklearnCases(scratch, reps, py.ok, !quick));
  step('optimizers', 'experiments/optimizers.yaml: default engine vs --engine ts', () => optimizersCase(scratch, Math.min(reps, 2)));
  step('sharing', 'sharing vs --no-share', () => sharingCase(scratch, reps));
  step('workers', '--workers 1 vs 2', () => workersCase(scratch, Math.min(reps, 2)));
  step('recording', 'recording overhead (1,000 tiny runs)', () => recordingCase(scratch, reps));
  step('plan', 'dlsweep plan on 1,000,000 points', () => planCase(scratch, reps));
  const redis = queueStatus();
  if (!redis.ok) log(`queue cases not run: ${redis.detail}`);
  step('queue', 'the queue (Redis, 2 worker processes) vs the local pool', () => queueCases(Math.min(reps, 2), redis.ok));
  step('table', 'terminal tables of 2,000 and 10,000 runs', () => tableCases(reps));
  step('search', 'searches: halving + TPE and asha + TPE vs Optuna, halving vs random search', () => searchCases(scratch, quick ? [7] : [7, 8, 9]));
  step('ui', 'dlsweep ui home page over 100,000 recorded runs, cold and warm', () => uiCases(Math.min(reps, 2), quick));
  step('landscape', 'a 2-D loss landscape, 51 x 51 points', () => landscapeCases(reps));
} finally {
  scratch.cleanup();
}

const table = renderTable(rows);
const header = `${started.slice(0, 10)}, ${mach.cpu} (${mach.cores} cores${mach.mhz ? `, ${mach.mhz} MHz` : ''}), Node ${mach.node}, engine ${ENGINE_VERSION}; references: ${py.ok ? py.detail : `not run (${py.detail})`}, ${torch.ok ? torch.detail : `PyTorch not run (${torch.detail})`}`;
const loadLines = Object.entries(loads).map(([g, l]) => `${g} ${l.before[0]} -> ${l.after[0]}`);
process.stdout.write(`\n${header}\nload average (1 min) before -> after each group: ${loadLines.join('; ')}\n\n${table}\n\n`);
process.stdout.write(
  'ratio = reference / ours (times faster); ✓/✗ = goal met or not in this run. Sweep times are whole `dlsweep run` processes, ' +
    "but searches' (the search as sweep.json records it, against Optuna's optimize(); the whole processes are stated in the row); " +
    "scikit-learn's are its fit only; numpy's, PyTorch's and ours are the training loop only.\n",
);
const file = writeResults(path.join(REPO, 'bench-results'), {
  started_at: started,
  finished_at: new Date().toISOString(),
  quick,
  machine: mach,
  load_average: loads,
  engine_version: ENGINE_VERSION,
  python: py,
  torch,
  rows: rows.map((r) => ({ ...r, ratio: ratioOf(r), goal_met: goalMet(r) })),
});
log(`results: ${path.relative(REPO, file)}`);
