import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { onlySweep, readJson, runCli, runFiles, runFolders, startCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { mountTmpfsOrSkip, remountTmpfs, unmount } from '../helpers/tmpfs.js';

const HALVING = `search:
  method: halving
  trials: 18
  seed: 5
  min_iterations: 20
  reduction_factor: 3
`;
const GRID = '  learning_rate: {log_uniform: [0.01, 2.0]}\n  hidden_sizes: [[3], [8]]\n  iterations: [180]';

/** A whole number as the run log writes it: thousands separated by commas. */
const thousands = (n: number): string => n.toLocaleString('en-US');

function metricsOf(sweep: string): Map<string, string> {
  return new Map(runFolders(sweep).map((f) => [f, readFileSync(join(sweep, f, 'metrics.json'), 'utf8')]));
}

let reference: { dir: string; sweep: string; file: string; stdout: string; stderr: string } | undefined;
/** One uninterrupted halving search, shared by the tests below. */
function halvingReference() {
  if (reference) return reference;
  const dir = tempDir();
  const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', GRID, HALVING));
  const r = runCli(['run', file, '--workers', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  reference = { dir, sweep: onlySweep(join(dir, 'runs'), 'h'), file, stdout: r.stdout, stderr: r.stderr };
  return reference;
}

test('halving: rungs of 18, 6 and 2 runs; each promotion is the best third of its rung by validation loss', () => {
  const { sweep } = halvingReference();
  const s = readJson(join(sweep, 'search.json'));
  assert.equal(s.finished, true);
  assert.deepEqual(s.rungs, [20, 60, 180]);
  assert.deepEqual(s.batches.map((b: any) => b.runs.length), [18, 6, 2]);
  // Read the objective of each run back from its own metrics.json and redo the ranking by hand.
  const loss = (folder: string) => readJson(join(sweep, folder, 'metrics.json')).validation.loss as number;
  for (let b = 1; b < s.batches.length; b++) {
    const prev = s.batches[b - 1].runs.map((r: any) => ({ trial: r.trial, value: loss(r.folder) }));
    const keep = s.batches[b].runs.length;
    const expected = [...prev].sort((x, y) => x.value - y.value || x.trial - y.trial).slice(0, keep).map((x) => x.trial);
    assert.deepEqual(s.batches[b].decisions[0].promoted, expected, `promotions after rung ${b - 1}`);
    assert.deepEqual(s.batches[b].runs.map((r: any) => r.trial), expected);
    assert.deepEqual(s.batches[b].runs.map((r: any) => r.iterations), Array(keep).fill(s.rungs[b]));
  }
  // Every configuration has a run for each rung it reached.
  assert.equal(runFolders(sweep).length, 26);
  const meta = readJson(join(sweep, 'sweep.json'));
  assert.equal(meta.search.method, 'halving');
  // A promotion continues from the saved state: 18*20 + 6*(60-20) + 2*(180-60) updates, not 18*20 + 6*60 + 2*180.
  assert.equal(meta.updates_trained, 18 * 20 + 6 * 40 + 2 * 120);
  assert.equal(meta.planned_updates, 18 * 20 + 6 * 40 + 2 * 120);
  assert.equal(meta.counts.done, 26);
  // search.json's best is the lowest validation loss over all 26 runs (any rung): sweep.json's best run.
  const every = s.batches.flatMap((b: any) => b.runs).map((r: any) => ({ folder: r.folder, value: loss(r.folder) }));
  const lowest = every.reduce((a: any, b: any) => (b.value < a.value ? b : a));
  assert.deepEqual([s.best.folder, s.best.value], [lowest.folder, lowest.value]);
  assert.equal(meta.best.run, s.best.folder);
  // The saved states go when the search finishes.
  assert.ok(!existsSync(join(sweep, 'states')));
});

test("a search's best under the default objective: search.json, sweep.json, the printed table's star and table.md's name one run", () => {
  const { sweep, stdout } = halvingReference();
  const s = readJson(join(sweep, 'search.json'));
  const meta = readJson(join(sweep, 'sweep.json'));
  // The default objective of a search, one key: the validation loss.
  assert.deepEqual(meta.objective, { keys: [{ metric: 'validation.loss', goal: 'minimize' }], declared: false });
  const starred = (text: string, mark: RegExp) => text.split('\n').filter((l) => mark.test(l)).map((l) => /\d{4}-[0-9a-f]{8}/.exec(l)![0]);
  assert.deepEqual(starred(stdout, /^│ \* │/), [s.best.folder]);
  assert.deepEqual(starred(readFileSync(join(sweep, 'table.md'), 'utf8'), /^\| \* \|/), [s.best.folder]);
  assert.equal(meta.best.run, s.best.folder);
  assert.equal(meta.best.metrics['validation.loss'], s.best.value);
});

/** The files of a run that must not depend on how it was trained. */
const RUN_BYTES = ['metrics.json', 'curve.csv', 'model.json', 'predictions.csv'];

/** Train the configuration of `folder` (a search's run) plainly, to `iterations` updates; returns the plain run's folder. */
function plainRun(dir: string, sweep: string, folder: string, iterations: number, extra: string[], fixed = ''): string {
  const params = readJson(join(sweep, folder, 'params.json')).params;
  const grid = `  learning_rate: [${params.learning_rate}]\n  hidden_sizes: [${JSON.stringify(params.hidden_sizes)}]\n  iterations: [${iterations}]`;
  const name = `plain${Math.floor(Math.random() * 1e9)}`;
  const file = writeExperiment(dir, `${name}.yaml`, syntheticExperiment(name, grid, fixed));
  const r = runCli(['run', file, '--quiet', '--runs-dir', 'plain-runs', ...extra], dir);
  assert.equal(r.code, 0, r.stderr);
  const plain = onlySweep(join(dir, 'plain-runs'), name);
  return join(plain, runFolders(plain)[0]);
}

for (const engine of ['fast', 'ts'] as const) {
  test(`halving (${engine} engine): every promoted run, continued from its saved state, equals a plain training of its length byte for byte`, () => {
    const ref = halvingReference();
    let { dir, sweep } = ref;
    if (engine === 'ts') {
      dir = tempDir();
      const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', GRID, HALVING));
      const r = runCli(['run', file, '--workers', '2', '--quiet', '--engine', 'ts'], dir);
      assert.equal(r.code, 0, r.stderr);
      sweep = onlySweep(join(dir, 'runs'), 'h');
    }
    const s = readJson(join(sweep, 'search.json'));
    const engineArgs = engine === 'ts' ? ['--engine', 'ts'] : [];
    // The survivor at the largest rung and the first configuration promoted to the middle one.
    for (const run of [s.batches[2].runs[0], s.batches[1].runs[0]]) {
      const plain = plainRun(dir, sweep, run.folder, run.iterations, engineArgs);
      for (const f of RUN_BYTES) assert.equal(readFileSync(join(sweep, run.folder, f), 'utf8'), readFileSync(join(plain, f), 'utf8'), `${run.folder}/${f} (rung ${run.rung})`);
    }
    const meta = readJson(join(sweep, 'sweep.json'));
    assert.equal(meta.updates_trained, 18 * 20 + 6 * 40 + 2 * 120, 'the promotions continued rather than retrained');
  });
}

test('halving with a schedule shaped by the length (cosine): each rung is the training towards the largest rung stopped early', () => {
  const dir = tempDir();
  const fixed = 'fixed:\n  lr_schedule: {kind: cosine}\n';
  const file = writeExperiment(dir, 'c.yaml', syntheticExperiment('c', GRID, HALVING + fixed));
  const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'c');
  const s = readJson(join(sweep, 'search.json'));
  const survivor = s.batches[2].runs[0];
  // The survivor is a plain cosine training of 180 updates, byte for byte (its run id included).
  const plain = plainRun(dir, sweep, survivor.folder, 180, [], fixed);
  for (const f of RUN_BYTES) assert.equal(readFileSync(join(sweep, survivor.folder, f), 'utf8'), readFileSync(join(plain, f), 'utf8'), f);
  // Its rung-60 run is the same training stopped at 60: the same curve up to 60 (curve_every 10), not the
  // curve of a cosine training of 60 updates; params.json says which horizon it was shaped for.
  const mid = s.batches[1].runs.find((x: any) => x.trial === survivor.trial);
  const params = readJson(join(sweep, mid.folder, 'params.json'));
  assert.deepEqual(params.search, { trial: survivor.trial, bracket: 0, rung: 1, horizon: 180 });
  const lines = (p: string) => readFileSync(p, 'utf8').trim().split('\n');
  const prefix = lines(join(sweep, survivor.folder, 'curve.csv')).filter((l, i) => i === 0 || Number(l.split(',')[0]) <= 60);
  assert.deepEqual(lines(join(sweep, mid.folder, 'curve.csv')), prefix);
  const short = plainRun(dir, sweep, mid.folder, 60, [], fixed);
  assert.notDeepEqual(lines(join(short, 'curve.csv')), prefix, 'a cosine training of 60 updates follows another schedule');
});

test('halving with early stopping: each rung is stopped early from the one training, and equals a plain training of its length', () => {
  const dir = tempDir();
  const fixed = 'fixed:\n  early_stopping: {patience: 3}\n  batch_size: 32\n';
  const file = writeExperiment(dir, 'e.yaml', syntheticExperiment('e', GRID, HALVING + fixed));
  const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'e');
  const s = readJson(join(sweep, 'search.json'));
  // Early stopping's checks do not depend on the total length, so the rule gives a plain training's numbers
  // at every rung; a rung below the largest differs only in its identity (run_id: its horizon).
  for (const run of [s.batches[2].runs[0], s.batches[1].runs[0], s.batches[1].runs[1]]) {
    const plain = plainRun(dir, sweep, run.folder, run.iterations, [], fixed);
    const strip = (p: string) => JSON.stringify({ ...readJson(join(p, 'metrics.json')), run_id: null });
    assert.equal(strip(join(sweep, run.folder)), strip(plain), `${run.folder} (rung ${run.rung})`);
    for (const f of ['curve.csv', 'model.json']) assert.equal(readFileSync(join(sweep, run.folder, f), 'utf8'), readFileSync(join(plain, f), 'utf8'), `${run.folder}/${f}`);
  }
});

test('run prints the best 20 of a search\'s 26 runs, as for a grid (--top); compare shows trial and rung; ls shows the method', () => {
  const { dir, stdout } = halvingReference();
  assert.match(stdout, /6 more runs not shown \(top 20 of 26\)/);
  assert.equal(stdout.split('\n').filter((l) => /^│ [ *≈] │ \d{4}-/.test(l)).length, 20);
  const c = runCli(['compare', 'h', '--format', 'json'], dir);
  assert.equal(c.code, 0, c.stderr);
  const rows = JSON.parse(c.stdout).rows;
  assert.ok(rows.every((r: any) => Number.isInteger(r.trial) && Number.isInteger(r.rung)));
  assert.equal(rows.filter((r: any) => r.rung === 2).length, 2);
  const ls = runCli(['ls', '--format', 'json'], dir);
  assert.equal(JSON.parse(ls.stdout).rows[0].method, 'halving');
});

test('the run log counts batches and rungs from 0, as search.json and compare\'s rung column do', () => {
  const { dir, sweep, stderr } = halvingReference();
  const s = readJson(join(sweep, 'search.json'));
  const c = runCli(['compare', 'h', '--format', 'json'], dir);
  assert.equal(c.code, 0, c.stderr);
  const rungOf = new Map(JSON.parse(c.stdout).rows.map((r: any) => [r.trial + '/' + r.iterations, r.rung]));
  // Rungs of 20, 60 and 180 updates are rungs 0, 1 and 2 (README: rung i keeps floor(trials / 3^i)).
  const expected = [[0, 18, 20, 0], [1, 6, 60, 1], [2, 2, 180, 2]];
  assert.deepEqual(s.batches.map((b: any) => [b.index, b.runs.length, b.runs[0].iterations, b.runs[0].rung]), expected);
  for (const [index, runs, iterations, rung] of expected) {
    assert.ok(stderr.includes(`batch ${index}: ${runs} runs at ${iterations} updates (rung ${rung} of rungs 0-2)`), stderr);
    for (const r of s.batches[index].runs) assert.equal(rungOf.get(r.trial + '/' + iterations), rung, `compare's rung of trial ${r.trial}`);
  }
});

/**
 * Kill -9 a search a few times and resume it; it must end with the reference's search.json and metrics.
 * Each process is killed once `step` more runs are recorded than when it started; at least `kills` kills.
 * A search that finishes before that many kills landed (a fast or busy machine: folders are written behind
 * the trainings, in bursts) is run again from the start in a new folder, its kills landing one run sooner.
 */
async function killAndResume(ref: { sweep: string }, search: string, grid = GRID, { step = 4, kills: least = 3, updates }: { step?: number; kills?: number; updates?: Updates } = {}): Promise<string> {
  for (let round = 0; ; round++) {
    const sweep = await killAndResumeOnce(ref, search, grid, Math.max(1, step - round), least, round === 2, updates);
    if (sweep) return sweep;
  }
}

/**
 * What a halving search's updates_trained must say: `total` for the whole search (worked out from its rungs
 * and the configurations each keeps), and `rungs`, the rungs' lengths: a run recorded at rung i accounts for
 * rungs[i] - rungs[i - 1] updates (a promotion continues from the rung before).
 */
interface Updates {
  total: number;
  rungs: number[];
}

/** The updates the runs recorded in `sweep` account for (every run done, as in these searches), by Updates' rule. */
/**
 * Run the search `file` (in `dir`) with 2 workers and kill -9 it once `when(sweep folder)` holds (polled every
 * 2 ms; a throw counts as not yet). Returns the sweep folder when the kill landed, undefined when the search
 * ended first.
 */
async function killWhen(dir: string, file: string, when: (sweep: string) => boolean): Promise<string | undefined> {
  const child = startCli(['run', file, '--workers', '2', '--quiet'], dir);
  child.stdout.resume();
  child.stderr.resume();
  const poll = setInterval(() => {
    try {
      if (when(onlySweep(join(dir, 'runs'), 'h'))) child.kill('SIGKILL');
    } catch {
      // no sweep folder or file yet
    }
  }, 2);
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  clearInterval(poll);
  return code === null ? onlySweep(join(dir, 'runs'), 'h') : undefined;
}

function recordedUpdates(sweep: string, rungs: number[]): number {
  let n = 0;
  for (const f of runFolders(sweep)) {
    if (!existsSync(join(sweep, f, 'metrics.json'))) continue;
    const iterations = readJson(join(sweep, f, 'params.json')).params.iterations as number;
    const rung = rungs.indexOf(iterations);
    assert.ok(rung >= 0, `${f}: ${iterations} updates is no rung`);
    n += iterations - (rung > 0 ? rungs[rung - 1] : 0);
  }
  return n;
}

/** One try of killAndResume in a new folder: the resumed sweep, or undefined when too few kills landed (unless `last`). */
async function killAndResumeOnce(ref: { sweep: string }, search: string, grid: string, step: number, least: number, last: boolean, updates?: Updates): Promise<string | undefined> {
  const expectedSearch = readFileSync(join(ref.sweep, 'search.json'), 'utf8');
  const expected = metricsOf(ref.sweep);
  const dir = tempDir();
  const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', grid, search));
  const runs = join(dir, 'runs');
  const recorded = () => {
    if (!existsSync(join(runs, 'h'))) return 0;
    const sweeps = readdirSync(join(runs, 'h')).filter((n) => /^\d{8}-/.test(n));
    if (sweeps.length === 0) return 0;
    const sw = join(runs, 'h', sweeps[0]);
    return runFolders(sw).filter((f) => existsSync(join(sw, f, 'metrics.json'))).length;
  };
  let kills = 0;
  let finished = false;
  // Kill once a few more runs are recorded each time, so kills land in every batch.
  for (let attempt = 0; attempt < 12 && !finished; attempt++) {
    const resume = recorded() > 0 || (existsSync(join(runs, 'h')) && readdirSync(join(runs, 'h')).some((n) => /^\d{8}-/.test(n)));
    const child = startCli(['run', file, '--workers', '2', ...(resume ? ['--resume', 'latest'] : [])], dir);
    let stderr = '';
    const target = recorded() + step;
    const poll = setInterval(() => {
      if (kills < 5 && recorded() >= target) child.kill('SIGKILL');
    }, 5);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    clearInterval(poll);
    if (code === null) {
      kills++;
      // Whenever the process died, search.json names only runs whose folders are complete (metrics.json
      // is written last); the runs of the batch training then may be missing.
      const sw = existsSync(join(runs, 'h')) ? readdirSync(join(runs, 'h')).find((n) => /^\d{8}-/.test(n)) : undefined;
      if (sw && existsSync(join(runs, 'h', sw, 'search.json'))) {
        for (const b of readJson(join(runs, 'h', sw, 'search.json')).batches) {
          for (const r of b.runs) assert.ok(existsSync(join(runs, 'h', sw, r.folder, 'metrics.json')), `search.json names ${r.folder}, which is not recorded`);
        }
      }
      // The count a killed process left lags its run folders at most: it never counts a run not recorded.
      if (updates && sw) {
        const left = readJson(join(runs, 'h', sw, 'sweep.json')).updates_trained;
        if (left !== undefined) assert.ok(left <= recordedUpdates(join(runs, 'h', sw), updates.rungs), `killed with updates_trained ${left}, more than its runs account for`);
      }
    } else {
      assert.equal(code, 0, stderr);
      finished = true;
    }
  }
  assert.ok(finished, 'the search never finished');
  // Every try, however many kills landed, ends with the uninterrupted search's files.
  const sweep = onlySweep(runs, 'h');
  assert.equal(readFileSync(join(sweep, 'search.json'), 'utf8'), expectedSearch);
  const got = metricsOf(sweep);
  assert.deepEqual([...got.keys()], [...expected.keys()]);
  for (const [k, v] of expected) assert.equal(got.get(k), v, `${k} differs from the uninterrupted search`);
  assert.equal(readJson(join(sweep, 'sweep.json')).status, 'done');
  // However many kills landed and wherever, the count an uninterrupted search records.
  if (updates) assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, updates.total, `updates_trained after ${kills} kills`);
  if (kills < least && !last) return undefined;
  assert.ok(kills >= least, `only ${kills} kills happened in three tries`);
  return sweep;
}

test('kill -9 during a search, then --resume: the same configurations, decisions and numbers', async () => {
  await killAndResume(halvingReference(), HALVING, GRID, { updates: { total: 18 * 20 + 6 * 40 + 2 * 120, rungs: [20, 60, 180] } });
});

test('halving down to one configuration: kill -9 while it trains alone and the report is prepared meanwhile, then --resume: the same search, runs and tables', async () => {
  // 9, 3 and 1 configurations at 600, 1,800 and 5,400 updates: with two threads the last training leaves one
  // idle, and the run reads the recorded runs' rows and draws the data charts meanwhile.
  const search = HALVING.replace('trials: 18', 'trials: 9').replace('min_iterations: 20', 'min_iterations: 600');
  const grid = GRID.replace('[180]', '[5400]');
  const dir = tempDir();
  const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', grid, search));
  const r = runCli(['run', file, '--workers', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  const reference = onlySweep(join(dir, 'runs'), 'h');
  assert.deepEqual(readJson(join(reference, 'search.json')).batches.map((b: any) => b.runs.length), [9, 3, 1]);
  // A batch's folders are written while the next trains: the 9 runs of rung 0 appear together while rung 1
  // trains (the first kill), rung 1's 3 once the last training is out (the second kill: while it trains and
  // the report is prepared).
  const resumed = await killAndResume({ sweep: reference }, search, grid, { step: 1, kills: 2 });
  // The tables are built from every run (the rows read ahead and the last one): the sweep's id apart, the same.
  const table = (sweep: string) => readFileSync(join(sweep, 'table.md'), 'utf8').split('\n').slice(1).join('\n');
  assert.equal(table(resumed), table(reference));
  const report = readFileSync(join(resumed, 'report.html'), 'utf8');
  assert.equal((report.match(/<figure class="histogram"/g) ?? []).length, 4, 'a histogram per feature');
});

test('kill -9 between rungs, then --resume: the promoted configurations continue from the states read back from disk, to the same search and numbers', async () => {
  // 9, 3 and 1 configurations at 600, 1,800 and 5,400 updates. The search that runs uninterrupted takes the
  // states from memory; a resumed one takes those its killed process recorded from disk.
  const search = HALVING.replace('trials: 18', 'trials: 9').replace('min_iterations: 20', 'min_iterations: 600');
  const grid = GRID.replace('[180]', '[5400]');
  const continued = 9 * 600 + 3 * 1200 + 1 * 3600;
  const ref = tempDir();
  const refFile = writeExperiment(ref, 'h.yaml', syntheticExperiment('h', grid, search));
  assert.equal(runCli(['run', refFile, '--workers', '2', '--quiet'], ref).code, 0);
  const reference = onlySweep(join(ref, 'runs'), 'h');
  assert.equal(readJson(join(reference, 'sweep.json')).updates_trained, continued, 'the uninterrupted search continued its promotions');
  // Killed once search.json names rung 0's batch and the states are on disk, before the search ends (a kill
  // that comes too late, on a busy machine, is tried again in a new folder).
  let killedBetween = false;
  for (let attempt = 0; attempt < 5 && !killedBetween; attempt++) {
    const dir = tempDir();
    const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', grid, search));
    // Between rungs: a batch recorded and a state saved for the next rung.
    const sweep = await killWhen(dir, file, (s) => readJson(join(s, 'search.json')).batches.length >= 1 && readdirSync(join(s, 'states')).some((n) => n.endsWith('.json')));
    if (!sweep) continue;
    const atKill = readJson(join(sweep, 'search.json'));
    if (atKill.finished) continue;
    killedBetween = true;
    // What the resumed process has to train: the runs not recorded when it was killed, each continued from
    // the state of the rung before (retrained from the start, a run of rung 1 would be 1,800 updates, 5,400 at rung 2).
    const rungs = [600, 1800, 5400];
    const resumed = runFolders(reference)
      .filter((f) => !existsSync(join(sweep, f, 'metrics.json')))
      .map((f) => readJson(join(reference, f, 'params.json')).params.iterations as number)
      .reduce((n, it) => n + it - (rungs.indexOf(it) > 0 ? rungs[rungs.indexOf(it) - 1] : 0), 0);
    const again = runCli(['run', file, '--workers', '2', '--resume', 'latest'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(join(sweep, 'search.json'), 'utf8'), readFileSync(join(reference, 'search.json'), 'utf8'));
    assert.deepEqual(metricsOf(sweep), metricsOf(reference));
    assert.match(again.stderr, new RegExp(`; ${thousands(continued)} updates trained of at most ${thousands(continued)} \\(${thousands(resumed)} by this run\\)\n`), `the resumed search continued from the states on disk (killed after ${atKill.batches.length} batches)`);
    assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, continued, 'the count of the uninterrupted search');
  }
  assert.ok(killedBetween, 'no kill landed between the rungs');
});

test('halving with the TPE sampler: kill -9 during rung 0 (its batches written behind the trainings), then --resume: the same search and numbers, and updates_trained counts every recorded run once, as uninterrupted (never the lagging count of the killed process)', async () => {
  // 34 trials: rung 0 is four batches (TPE's 10 start-up draws, then 8s), whose writes may lag behind.
  const search = HALVING.replace('trials: 18', 'trials: 34') + '  sampler: tpe\n';
  const dir = tempDir();
  const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', GRID, search));
  const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const reference = onlySweep(join(dir, 'runs'), 'h');
  assert.deepEqual(readJson(join(reference, 'search.json')).batches.slice(0, 4).map((b: any) => [b.runs.length, b.runs[0].rung]), [[10, 0], [8, 0], [8, 0], [8, 0]]);
  // Rungs of 20, 60 and 180 updates keep 34, 11 and 3 configurations, each promotion continued.
  const total = 34 * 20 + 11 * 40 + 3 * 120;
  assert.equal(readJson(join(reference, 'sweep.json')).updates_trained, total);
  await killAndResume({ sweep: reference }, search, GRID, { step: 3, kills: 3, updates: { total, rungs: [20, 60, 180] } });
});

test('disk full during a search (its writer thread fails): a clear message, exit 1, the runs written are kept, sweep.json says failed with its span of work closed (ls: failed, its true duration), and --resume ends with the same search, counting the runs trained twice once (never more updates than the plan\'s most)', async (t) => {
  const ref = halvingReference();
  const dir = tempDir();
  const runs = join(dir, 'runs');
  mkdirSync(runs);
  if (!mountTmpfsOrSkip(t, runs, 'size=4m')) return;
  try {
    const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', GRID, HALVING));
    // What the whole search takes on this file system, report and tables included.
    const empty = usedBytes(runs);
    assert.equal(runCli(['run', file, '--workers', '2', '--quiet'], dir).code, 0);
    const need = usedBytes(runs) - empty;
    rmSync(join(runs, 'h'), { recursive: true });
    // Room for about half of it: the search stops while its run folders are being written.
    assert.equal(spawnSync('mount', ['-o', `remount,size=${Math.floor(need / 2 / 4096) * 4096}`, runs]).status, 0);
    const r = runCli(['run', file, '--workers', '2'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: the search stopped: cannot write \S+: no space left on the device \(ENOSPC\)\n/);
    assert.match(r.stderr, /then resume: dlsweep run \S*h\.yaml --resume \d{8}-\d{6}-[0-9a-f]{4}\n/);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at \S+ \(/);
    const sweep = onlySweep(runs, 'h');
    // search.json (when written) names only complete runs; every run folder with a metrics.json is complete.
    if (existsSync(join(sweep, 'search.json'))) {
      for (const b of readJson(join(sweep, 'search.json')).batches) for (const run of b.runs) assert.ok(existsSync(join(sweep, run.folder, 'metrics.json')), run.folder);
    }
    const kept = runFolders(sweep).filter((f) => existsSync(join(sweep, f, 'metrics.json')));
    assert.ok(kept.length > 0 && kept.length < 26, `${kept.length} runs kept`);
    for (const f of kept) assert.equal(readFileSync(join(sweep, f, 'metrics.json'), 'utf8'), readFileSync(join(ref.sweep, f, 'metrics.json'), 'utf8'));
    // The stop is recorded on the full disk (in place if need be): failed, every span of work closed, so ls shows
    // it failed at once, lasting at least until its last run was recorded, never running.
    const record = readJson(join(sweep, 'sweep.json'));
    assert.equal(record.status, 'failed');
    // Runs trained but not written are not counted: the count is at most what the runs on disk account for.
    const onDisk = recordedUpdates(sweep, [20, 60, 180]);
    if (record.updates_trained !== undefined) assert.ok(record.updates_trained <= onDisk, `${record.updates_trained} updates counted, ${onDisk} recorded`);
    assert.ok(record.active.length > 0 && record.active.every((s: { ended_at: string | null }) => s.ended_at !== null), JSON.stringify(record.active));
    const ls = JSON.parse(runCli(['ls', '--format', 'json'], dir).stdout).rows[0];
    assert.equal(ls.status, 'failed');
    const lastRun = Math.max(...kept.map((f) => Date.parse(readJson(join(sweep, f, 'timing.json')).finished_at)));
    assert.ok(ls.duration_ms >= lastRun - Date.parse(record.started_at), `${ls.duration_ms} ms, the last run ${lastRun - Date.parse(record.started_at)} ms after the start`);
    assert.equal(spawnSync('mount', ['-o', 'remount,size=64m', runs]).status, 0);
    const again = runCli(['run', file, '--workers', '2', '--resume', 'latest'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(join(sweep, 'search.json'), 'utf8'), readFileSync(join(ref.sweep, 'search.json'), 'utf8'));
    assert.deepEqual(metricsOf(sweep), metricsOf(ref.sweep));
    assert.equal(readJson(join(sweep, 'sweep.json')).status, 'done');
    // The runs trained twice (before the disk filled and on resume) count once, within the plan's bound; what
    // the resume trained is said beside it: at least the updates of the runs the full disk lost.
    const total = 18 * 20 + 6 * 40 + 2 * 120;
    assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, total);
    const said = new RegExp(`; ${thousands(total)} updates trained of at most ${thousands(total)} \\(([\\d,]+) by this run\\)\n`).exec(again.stderr);
    assert.ok(said, again.stderr);
    assert.ok(Number(said[1].replace(/,/g, '')) >= total - onDisk, `${said[1]} updates trained by the resume, ${total - onDisk} lost`);
  } finally {
    spawnSync('umount', [runs]);
  }
});

test('the runs folder made read-only while a search or a grid runs: one message (what, what to do), the lock released or said how to clear; the next command that takes it is not refused', async (t) => {
  const dir = tempDir();
  const runs = join(dir, 'runs');
  mkdirSync(runs);
  if (!mountTmpfsOrSkip(t, runs, 'size=64m')) return;
  try {
    // Long enough never to finish before the folder is made read-only (they stop within a few runs).
    const search = writeExperiment(dir, 'ro.yaml', syntheticExperiment('ro', '  learning_rate: {log_uniform: [0.01, 1.0]}\n  iterations: [400]', 'search: {method: random, trials: 5000, seed: 3}\n'));
    const seeds = Array.from({ length: 500 }, (_, i) => i + 1).join(', ');
    const grid = writeExperiment(dir, 'rg.yaml', syntheticExperiment('rg', `  learning_rate: [0.01, 0.1]\n  seed: [${seeds}]\n  iterations: [400]`));
    for (const [file, name] of [[search, 'ro'], [grid, 'rg']] as const) {
      const child = startCli(['run', file, '--workers', '2', '--quiet', '--max-runs', '5000'], dir);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      // Made read-only once a few runs are recorded.
      const recorded = () => {
        try {
          const sweep = onlySweep(runs, name);
          return runFolders(sweep).filter((f) => existsSync(join(sweep, f, 'metrics.json'))).length;
        } catch {
          return 0;
        }
      };
      while (recorded() < 3) await new Promise((r) => setTimeout(r, 20));
      assert.ok(remountTmpfs(runs, 'remount,ro'));
      const code = await exited;
      assert.equal(code, 1, stderr);
      // One message: what stopped it and what to do; the lock it could not remove is said in a note with its fix.
      assert.equal(stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, stderr);
      assert.match(stderr, /^error: the (search|sweep) stopped: cannot write \S+: the file system is read-only \(EROFS\)\n/m);
      assert.match(stderr, /make the folder writable again \(remount it read-write\), then resume: dlsweep run \S+ --resume \d{8}-\d{6}-[0-9a-f]{4}\n/);
      assert.doesNotMatch(stderr, /internal error|free space|\n\s+at \S+ \(/);
      const sweep = onlySweep(runs, name);
      const lock = join(sweep, '.lock');
      if (existsSync(lock)) assert.ok(stderr.includes(`note: the sweep's lock could not be removed (${lock}, ${lock}-owner.json); it names process ${child.pid}`) && stderr.includes(`rm -r ${lock} ${lock}-owner.json)`), stderr);
      else assert.doesNotMatch(stderr, /lock/);
      // Not running: ls says so while the folder is still read-only.
      const ls = runCli(['ls', name, '--format', 'json'], dir);
      assert.equal(ls.code, 0, ls.stderr);
      assert.notEqual(JSON.parse(ls.stdout).rows[0].status, 'running');
      // Writable again: the next command that takes the lock (rm, as resume would) takes it over.
      assert.equal(spawnSync('mount', ['-o', 'remount,rw', runs]).status, 0);
      const rm = runCli(['rm', `${name}/latest`, '--yes'], dir);
      assert.equal(rm.code, 0, rm.stderr);
      assert.ok(!existsSync(sweep));
    }
  } finally {
    unmount(runs);
  }
});

/** Bytes used on the file system holding `path`. */
function usedBytes(path: string): number {
  const s = statfsSync(path);
  return (s.blocks - s.bfree) * s.bsize;
}

test('random and quasirandom: the seed decides the configurations; --workers does not', () => {
  const dir = tempDir();
  const configs = (method: string, seed: number, workers: string) => {
    const name = `${method}${seed}w${workers}`;
    const file = writeExperiment(dir, `${name}.yaml`, syntheticExperiment(name, '  learning_rate: {log_uniform: [0.01, 1.0]}\n  l2: {uniform: [0, 0.01]}\n  iterations: [30]', `search: {method: ${method}, trials: 6, seed: ${seed}}\n`));
    const r = runCli(['run', file, '--workers', workers, '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    const s = readJson(join(onlySweep(join(dir, 'runs'), name), 'search.json'));
    // Only the settings that apply: no sampler, rungs or reduction factor for a search without rungs.
    assert.deepEqual(s.settings, { method, trials: 6, seed, goal: 'minimize' });
    return s.trials.map((t: any) => [t.params, t.values]);
  };
  for (const m of ['random', 'quasirandom']) {
    const a = configs(m, 1, '1');
    assert.equal(a.length, 6);
    assert.deepEqual(configs(m, 1, '2'), a);
    assert.notDeepEqual(configs(m, 2, '2'), a);
  }
});

test('a search over the run limit is refused before anything is written', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'big.yaml', syntheticExperiment('big', '  learning_rate: {log_uniform: [0.01, 1.0]}', 'search: {method: random, trials: 50}\n'));
  const r = runCli(['run', file, '--max-runs', '10'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the search draws 50 configurations, more than the limit of 10/);
  assert.ok(!existsSync(join(dir, 'runs')));
});

test('resuming a search with a file where one of its run folders goes is refused before anything is trained or written', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'fr.yaml', syntheticExperiment('fr', '  learning_rate: {log_uniform: [0.01, 1.0]}\n  iterations: [10]', 'search: {method: random, trials: 6, seed: 3}\n'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'fr');
  const fifth = runFolders(sweep).find((f) => f.startsWith('0005-'))!;
  assert.ok(fifth, runFolders(sweep).join(' '));
  rmSync(join(sweep, fifth), { recursive: true });
  writeFileSync(join(sweep, fifth), 'junk\n');
  const before = ['search.json', 'sweep.json'].map((f) => readFileSync(join(sweep, f)));
  const names = readdirSync(sweep).sort();
  const r = runCli(['run', file, '--resume', 'latest', '--quiet'], dir);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `error: ${join(sweep, fifth)} is a file where the folder of run 5 goes: dlsweep records each run in a folder of this name and never writes such a file\nhint: move the file out of the sweep folder (or delete it), then resume again\n`);
  assert.deepEqual(['search.json', 'sweep.json'].map((f) => readFileSync(join(sweep, f))), before);
  assert.deepEqual(readdirSync(sweep).sort(), names);
  assert.equal(readFileSync(join(sweep, fifth), 'utf8'), 'junk\n');
});

test('a grid sweep records the updates it trained beside the planned count', () => {
  const dir = tempDir();
  // Two learning rates x iterations 30 and 50 share prefixes: two trainings of 50 updates.
  const file = writeExperiment(dir, 'g.yaml', syntheticExperiment('g', '  learning_rate: [0.1, 0.5]\n  iterations: [30, 50]'));
  const r = runCli(['run', file, '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const meta = readJson(join(onlySweep(join(dir, 'runs'), 'g'), 'sweep.json'));
  assert.equal(meta.planned_updates, 100);
  assert.equal(meta.updates_trained, 100);
  assert.equal(meta.search, undefined);
});

test('hyperband with cosine: every bracket continues its promotions (a bracket starting at 60 updates too), survivors equal plain trainings', () => {
  const dir = tempDir();
  const fixed = 'fixed:\n  lr_schedule: {kind: cosine}\n';
  const file = writeExperiment(dir, 'hb.yaml', syntheticExperiment('hb', GRID, HALVING.replace('method: halving', 'method: hyperband').replace('  trials: 18\n', '') + fixed));
  const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'hb');
  // Brackets 9-3-1 from 20, 5-1 from 60, 3 at 180: 9*20 + 3*40 + 1*120 + 5*60 + 1*120 + 3*180 updates.
  assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, 9 * 20 + 3 * 40 + 120 + 5 * 60 + 120 + 3 * 180);
  const s = readJson(join(sweep, 'search.json'));
  const finals = s.batches.flatMap((b: any) => b.runs).filter((x: any) => x.rung === 2 && (x.bracket === 0 || x.bracket === 1));
  assert.equal(finals.length, 2);
  for (const run of finals) {
    const plain = plainRun(dir, sweep, run.folder, 180, [], fixed);
    for (const f of RUN_BYTES) assert.equal(readFileSync(join(sweep, run.folder, f), 'utf8'), readFileSync(join(plain, f), 'utf8'), `bracket ${run.bracket}: ${f}`);
  }
  assert.ok(!existsSync(join(sweep, 'states')));
});

test('hyperband\'s batch lines name the bracket, counted from 0 as search.json does', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'hbl.yaml', syntheticExperiment('hbl', GRID, HALVING.replace('method: halving', 'method: hyperband').replace('  trials: 18\n', '')));
  const r = runCli(['run', file, '--workers', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  const s = readJson(join(onlySweep(join(dir, 'runs'), 'hbl'), 'search.json'));
  // The settings in snake_case; no trials: hyperband's brackets decide them.
  assert.deepEqual(s.settings, { method: 'hyperband', seed: 5, sampler: 'random', min_iterations: 20, max_iterations: 180, reduction_factor: 3, goal: 'minimize' });
  // Rungs 20, 60, 180 with reduction factor 3: brackets 0-2 (9-3-1 from 20, 5-1 from 60, 3 at 180), 6 batches.
  assert.equal(s.batches.length, 6);
  for (const b of s.batches) {
    const brackets = [...new Set(b.runs.map((x: any) => x.bracket))];
    assert.equal(brackets.length, 1, `batch ${b.index} holds one bracket`);
    const line = `batch ${b.index}: ${b.runs.length} ${b.runs.length === 1 ? 'run' : 'runs'} at ${b.runs[0].iterations} updates (bracket ${brackets[0]} of brackets 0-2, rung ${b.runs[0].rung} of rungs 0-2)`;
    assert.ok(r.stderr.includes(line), `${line}\n${r.stderr}`);
  }
});

test('a search shows its string and list choices as a grid does (adam, [8, 4]), not quoted: run\'s table, compare, params.json, report', () => {
  const dir = tempDir();
  const choices = '  optimizer: [adam, "gd"]\n  hidden_sizes: [[3], [8,4]]\n  learning_rate: {log_uniform: [0.01, 2.0]}\n  iterations: [20]';
  const file = writeExperiment(dir, 's.yaml', syntheticExperiment('s', choices, 'search:\n  method: random\n  trials: 6\n  seed: 2\n'));
  const r = runCli(['run', file, '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 's');
  const c = runCli(['compare', 's'], dir);
  assert.equal(c.code, 0, c.stderr);
  for (const [name, text] of [['run', r.stdout], ['compare', c.stdout]]) {
    assert.doesNotMatch(text, /"adam"|"gd"|\[8,4\]/, name);
    // Every row holds one optimizer and one hidden_sizes as the file writes them ("gd" is the string gd).
    const rows = text.split('\n').filter((l) => /^│ [ *≈] │ \d{4}-/.test(l));
    assert.equal(rows.length, 6, text);
    for (const row of rows) {
      assert.match(row, /│ (adam|gd) +│/, name);
      assert.match(row, /│ (\[3\]|\[8, 4\]) +│/, name);
    }
  }
  for (const f of runFolders(sweep)) {
    const { params, spellings } = readJson(join(sweep, f, 'params.json'));
    assert.equal(spellings.optimizer, params.optimizer, f);
    assert.equal(spellings.hidden_sizes, params.hidden_sizes.length === 1 ? '[3]' : '[8, 4]', f);
  }
  // The report's tables and its chart of the searched parameters (an axis label per choice) alike.
  assert.doesNotMatch(readFileSync(join(sweep, 'report.html'), 'utf8'), /&quot;(adam|gd)&quot;|>"(adam|gd)"<|\[8,4\]/);
});

test('hyperband plan numbers its brackets from 0, as search.json and the README do', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'hbp.yaml', syntheticExperiment('hbp', GRID, HALVING.replace('method: halving', 'method: hyperband').replace('  trials: 18\n', '')));
  const r = runCli(['plan', file], dir);
  assert.equal(r.code, 0, r.stderr);
  // Rungs 20, 60, 180 with reduction factor 3: brackets 9-3-1 from 20, 5-1 from 60, 3 at 180 (Li et al. 2018).
  const brackets = [...r.stdout.matchAll(/^ {2}bracket (\d+): (.*)$/gm)].map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(brackets.map((b) => b[0]), [0, 1, 2], r.stdout);
  assert.match(String(brackets[0][1]), /^9 at 20, 3 at 60, 1 at 180/);
  assert.match(String(brackets[2][1]), /^3 at 180/);
});

test('a declared objective (validation accuracy, maximize) decides halving: its promotions, the TPE sampler\'s goal and the best', () => {
  const dir = tempDir();
  const objective = 'objective: {metric: validation.accuracy, goal: maximize}\n';
  const file = writeExperiment(dir, 'acc.yaml', syntheticExperiment('acc', GRID, objective + HALVING.replace('seed: 5', 'seed: 5\n  sampler: tpe')));
  const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'acc');
  const s = readJson(join(sweep, 'search.json'));
  assert.deepEqual(s.objective, { metric: 'validation.accuracy', goal: 'maximize' });
  assert.equal(s.settings.goal, 'maximize');
  // Redo each promotion by hand from the runs' own metrics.json: the highest accuracies, ties to the earlier trial.
  const acc = (folder: string) => readJson(join(sweep, folder, 'metrics.json')).validation.accuracy as number;
  for (let b = 1; b < s.batches.length; b++) {
    if (s.batches[b].decisions.length === 0) continue;
    const rung = s.batches[b].runs[0].rung;
    const prev = s.batches.flatMap((x: any) => x.runs).filter((x: any) => x.rung === rung - 1).map((x: any) => ({ trial: x.trial, value: acc(x.folder) }));
    const keep = s.batches[b].runs.length;
    const expected = [...prev].sort((x, y) => y.value - x.value || x.trial - y.trial).slice(0, keep).map((x) => x.trial);
    assert.deepEqual(s.batches[b].decisions[0].promoted, expected, `promotions to rung ${rung}`);
  }
  // The best: the highest accuracy over every run, whatever its rung, ties to the lower run number (the
  // table's star), and the same run sweep.json's best names (EXPERIMENT/best).
  const all = s.batches.flatMap((x: any) => x.runs);
  const top = [...all].sort((x: any, y: any) => acc(y.folder) - acc(x.folder) || parseInt(x.folder, 10) - parseInt(y.folder, 10))[0];
  assert.equal(s.best.folder, top.folder);
  assert.equal(s.best.value, acc(top.folder));
  assert.equal(readJson(join(sweep, 'sweep.json')).best.run, s.best.folder);
});

// ---------------------------------------------------------------------------------------------------------
// asha: asynchronous successive halving in batches of four

const ASHA = HALVING.replace('method: halving', 'method: asha');
let ashaRef: { dir: string; sweep: string } | undefined;
/** One uninterrupted asha search, shared by the tests below. */
function ashaReference() {
  if (ashaRef) return ashaRef;
  const dir = tempDir();
  const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', GRID, ASHA));
  const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  ashaRef = { dir, sweep: onlySweep(join(dir, 'runs'), 'h') };
  return ashaRef;
}

test("asha: a run of a mixed batch damaged after the search finished: resume's batch line gives the length of the run trained again, not the batch's", () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', GRID, ASHA));
  assert.equal(runCli(['run', file, '--workers', '2', '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'h');
  const s = readJson(join(sweep, 'search.json'));
  // A batch of promotions and new draws: runs of different lengths.
  const batch = s.batches.find((b: { runs: { iterations: number }[] }) => new Set(b.runs.map((r) => r.iterations)).size > 1);
  assert.ok(batch, 'a batch with runs of different lengths');
  const run = batch.runs[0];
  rmSync(join(sweep, run.folder, 'model.json'));
  const again = runCli(['run', file, '--resume', 'latest', '--workers', '2'], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`^batch ${batch.index}: 1 run at ${thousands(run.iterations)} updates \\(rung ${run.rung} of rungs 0-${s.rungs.length - 1}\\)$`, 'm'));
});

test('asha: every batch of at most 4; each promotion is in the top third of its rung by the validation loss of the runs recorded before it', () => {
  const { sweep } = ashaReference();
  const s = readJson(join(sweep, 'search.json'));
  assert.equal(s.finished, true);
  assert.equal(s.method, 'asha');
  assert.deepEqual(s.rungs, [20, 60, 180]);
  const loss = (folder: string) => readJson(join(sweep, folder, 'metrics.json')).validation.loss as number;
  const seen: { trial: number; rung: number; value: number }[][] = [];
  const promotedFrom = [new Set<number>(), new Set<number>()];
  let drawn = 0;
  for (const b of s.batches) {
    assert.ok(b.runs.length >= 1 && b.runs.length <= 4);
    for (const run of b.runs) {
      if (run.rung === 0) {
        assert.equal(run.trial, drawn++, 'new configurations in draw order');
        continue;
      }
      // Redo get_job's test by hand from the runs' own metrics.json: in the top floor(n / 3) of the rung's
      // results recorded in earlier batches (ties to the earlier trial), and not promoted before.
      const rung = seen.flat().filter((x) => x.rung === run.rung - 1).sort((x, y) => x.value - y.value || x.trial - y.trial);
      const top = rung.slice(0, Math.floor(rung.length / 3)).map((x) => x.trial);
      assert.ok(top.includes(run.trial), `batch ${b.index}: trial ${run.trial} is not in the top third of rung ${run.rung - 1} (${top})`);
      assert.ok(!promotedFrom[run.rung - 1].has(run.trial), `trial ${run.trial} promoted twice from rung ${run.rung - 1}`);
      promotedFrom[run.rung - 1].add(run.trial);
      assert.ok(b.decisions.some((d: any) => d.rung === run.rung - 1 && d.promoted.includes(run.trial)));
    }
    // A new configuration only when nothing was promotable (promotions come first in a batch).
    seen.push(b.runs.map((r: any) => ({ trial: r.trial, rung: r.rung, value: loss(r.folder) })));
  }
  assert.equal(drawn, 18);
  const runs = s.batches.flatMap((b: any) => b.runs);
  const meta = readJson(join(sweep, 'sweep.json'));
  assert.equal(meta.grid_size, runs.length);
  assert.equal(meta.counts.done, runs.length);
  assert.equal(meta.counts.pending, 0);
  // Each promotion continues from the saved state: 20 updates per draw, 40 per promotion to 60, 120 to 180.
  const at = (k: number) => runs.filter((r: any) => r.rung === k).length;
  assert.ok(at(1) >= 6 && at(2) >= 2, `at least halving's counts (${at(1)}, ${at(2)})`);
  assert.equal(meta.updates_trained, 18 * 20 + at(1) * 40 + at(2) * 120);
  assert.ok(!existsSync(join(sweep, 'states')));
  // The best: the lowest validation loss over every run, sweep.json's best.
  const lowest = runs.reduce((a: any, b: any) => (loss(b.folder) < loss(a.folder) ? b : a));
  assert.equal(s.best.folder, lowest.folder);
  assert.equal(meta.best.run, lowest.folder);
});

/** A copy of a finished search's folder (experiment file and runs), and its sweep there. */
function copySearch(ref: { dir: string; sweep: string }): { dir: string; sweep: string; file: string } {
  const dir = tempDir();
  cpSync(ref.dir, dir, { recursive: true });
  return { dir, sweep: onlySweep(join(dir, 'runs'), 'h'), file: join(dir, 'h.yaml') };
}

test("asha: search.json cut short, deleted or another search's: verify lists it as the sweep's damage (exit 1) with the resume that rebuilds it, ls, show and report warn and count the finished search's runs, and resume rebuilds it byte for byte", () => {
  const ref = ashaReference();
  const original = readFileSync(join(ref.sweep, 'search.json'), 'utf8');
  const s = JSON.parse(original);
  // The finished search's runs: one folder per run it trained.
  const runs = runFolders(ref.sweep).length;
  const { dir, sweep, file } = copySearch(ref);
  const name = `h/${sweep.slice(sweep.lastIndexOf('/') + 1)}`;
  const first = s.batches[0].runs[0].folder as string;
  const fake = `${first.slice(0, 5)}${first.slice(5) === '00000000' ? '11111111' : '00000000'}`;
  const foreign = structuredClone(s);
  foreign.batches[0].runs[0].folder = fake;
  const cases: [string, string | null, RegExp][] = [
    ['cut short', '{"method":\n', /^search\.json is not valid JSON/],
    ['deleted', null, /^search\.json is missing$/],
    ['no batches', JSON.stringify({ ...s, batches: undefined }), /^search\.json is damaged: it records no list of batches$/],
    ['another method', JSON.stringify({ ...s, method: 'halving' }), /^search\.json records method halving, but sweep\.json method asha: it is not this sweep's record$/],
    ['unfinished', JSON.stringify({ ...s, finished: false }), /^search\.json says the search has not finished, but sweep\.json records it done/],
    ['a run folder of another search', JSON.stringify(foreign), new RegExp(`^search\\.json names run folders the sweep does not hold: ${fake} \\(the sweep's run 1 is ${first}\\): it is not this sweep's record$`)],
  ];
  for (const [what, text, problem] of cases) {
    if (text === null) rmSync(join(sweep, 'search.json'));
    else writeFileSync(join(sweep, 'search.json'), text);
    const v = runCli(['verify', name, '--json'], dir);
    assert.equal(v.code, 1, `${what}: ${v.stdout}`);
    const c = JSON.parse(v.stdout).sweeps[0];
    assert.equal(c.sweep_problems.length, 1, `${what}: ${c.sweep_problems}`);
    assert.match(c.sweep_problems[0], problem, what);
    assert.deepEqual([c.damaged_files, c.grid_size, c.pending, c.pending_at_most, c.kept], [true, runs, 0, false, runs], what);
    const t = runCli(['verify', name], dir);
    assert.equal(t.code, 1, what);
    assert.ok(t.stdout.includes(`(asha search of ${runs} runs), ${runs} sound`), `${what}: ${t.stdout}`);
    assert.ok(t.stdout.includes(`resume rebuilds search.json from them, as the search wrote it: dlsweep run EXPERIMENT_FILE --resume ${name}\n`), `${what}: ${t.stdout}`);
    // The readers warn once and show the search as finished: all its runs, not "at most".
    for (const args of [['ls', 'h'], ['show', name], ['report', name]]) {
      const r = runCli(args, dir);
      assert.equal(r.code, 0, `${what}: ${args[0]}: ${r.stderr}`);
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith(`warning: ${name}: search.json `));
      assert.equal(warnings.length, 1, `${what}: ${args[0]}: ${r.stderr}`);
      assert.ok(warnings[0].includes(`dlsweep run EXPERIMENT_FILE --resume ${name}`), warnings[0]);
      if (args[0] === 'ls') assert.ok(r.stdout.includes(` ${runs}/${runs} `) && !r.stdout.includes('≤'), `${what}: ${r.stdout}`);
      if (args[0] === 'show') assert.doesNotMatch(r.stdout, /at most/, what);
    }
  }
  const again = runCli(['run', file, '--resume', name, '--quiet'], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readFileSync(join(sweep, 'search.json'), 'utf8'), original);
  const v = runCli(['verify', name], dir);
  assert.equal(v.code, 0, v.stdout);
  assert.match(v.stdout, /ok: every run is recorded and sound/);
});

test('asha: a search.json written before its settings were snake_case (camelCase, every setting) is sound to verify and resumes to the same search.json and runs', () => {
  const ref = ashaReference();
  const original = readFileSync(join(ref.sweep, 'search.json'), 'utf8');
  const s = JSON.parse(original);
  // The settings of the experiment (ASHA above, the sampler by default random, the largest rung GRID's iterations).
  assert.deepEqual(s.settings, { method: 'asha', trials: 18, seed: 5, sampler: 'random', min_iterations: 20, max_iterations: 180, reduction_factor: 3, goal: 'minimize' });
  const { dir, sweep, file } = copySearch(ref);
  const name = `h/${sweep.slice(sweep.lastIndexOf('/') + 1)}`;
  // As earlier versions wrote it.
  const old = { ...s, settings: { method: 'asha', trials: 18, seed: 5, sampler: 'random', minIterations: 20, maxIterations: 180, reductionFactor: 3, goal: 'minimize' } };
  writeFileSync(join(sweep, 'search.json'), JSON.stringify(old, null, 2) + '\n');
  const v = runCli(['verify', name], dir);
  assert.equal(v.code, 0, v.stdout);
  for (const args of [['ls', 'h'], ['report', name]]) {
    const r = runCli(args, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /search\.json/, args[0]);
  }
  // A run of the last rung lost: resume replays the search and trains it again.
  const last = s.batches.flatMap((b: any) => b.runs).find((r: any) => r.rung === 2).folder;
  rmSync(join(sweep, last, 'model.json'));
  const again = runCli(['run', file, '--resume', name, '--quiet'], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readFileSync(join(sweep, 'search.json'), 'utf8'), original);
  for (const f of RUN_BYTES) assert.equal(readFileSync(join(sweep, last, f), 'utf8'), readFileSync(join(ref.sweep, last, f), 'utf8'), `${last}/${f}`);
});

test('asha: a promoted run, continued from its saved state, equals a plain training of its length byte for byte', () => {
  const { dir, sweep } = ashaReference();
  const s = readJson(join(sweep, 'search.json'));
  const runs = s.batches.flatMap((b: any) => b.runs);
  for (const run of [runs.find((r: any) => r.rung === 2), runs.find((r: any) => r.rung === 1)]) {
    const plain = plainRun(dir, sweep, run.folder, run.iterations, []);
    for (const f of RUN_BYTES) assert.equal(readFileSync(join(sweep, run.folder, f), 'utf8'), readFileSync(join(plain, f), 'utf8'), `${run.folder}/${f} (rung ${run.rung})`);
  }
});

test('asha: kill -9 during the search, then --resume: the same search.json and numbers', async () => {
  await killAndResume(ashaReference(), ASHA);
});

test('asha with the tpe sampler: the seed decides; --workers does not', () => {
  const dir = tempDir();
  const trials = (seed: number, workers: string) => {
    const name = `t${seed}w${workers}`;
    const file = writeExperiment(dir, `${name}.yaml`, syntheticExperiment(name, GRID, ASHA.replace('seed: 5', `seed: ${seed}\n  sampler: tpe`)));
    const r = runCli(['run', file, '--workers', workers, '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    const s = readJson(join(onlySweep(join(dir, 'runs'), name), 'search.json'));
    return { trials: s.trials, batches: s.batches.map((b: any) => [b.decisions, b.runs.map((r: any) => [r.trial, r.rung, r.value])]) };
  };
  const a = trials(3, '1');
  assert.equal(a.trials.length, 18);
  assert.deepEqual(trials(3, '2'), a);
  assert.notDeepEqual(trials(4, '2').trials, a.trials);
});

test('full ties on the objective (validation recall 1 on easy blobs) go to the lower run number: the star, sweep.json, search.json', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 't.yaml', syntheticExperiment('t', GRID, HALVING.replace('trials: 18', 'trials: 9') + 'objective: {metric: validation.recall}\n'));
  const r = runCli(['run', file, '--workers', '2', '--top', 'all'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 't');
  // The runs at the best recall, read back from their own metrics.json; several, or there is no tie to break.
  const recall = (f: string) => readJson(join(sweep, f, 'metrics.json')).validation.recall as number;
  const folders = runFolders(sweep);
  const top = Math.max(...folders.map(recall));
  const tied = folders.filter((f) => recall(f) === top).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  assert.ok(tied.length >= 2, `expected a tie, got ${tied.join(', ')}`);
  const starred = r.stdout.split('\n').filter((l) => /^│ \* │/.test(l)).map((l) => /\d{4}-[0-9a-f]{8}/.exec(l)![0]);
  assert.deepEqual(starred, [tied[0]]);
  assert.equal(readJson(join(sweep, 'sweep.json')).best.run, tied[0]);
  assert.equal(readJson(join(sweep, 'search.json')).best.folder, tied[0]);
});

// ---------------------------------------------------------------------------------------------------------
// A finished search whose run folders were damaged afterwards: resume repairs them as a grid's does.

/** The damage done to the nth run folder (by folder order): a file deleted, cut or edited, or none. */
function damageRun(runDir: string, n: number): string | undefined {
  const file = ['model.json', 'curve.csv', 'predictions.csv', 'roc.csv', undefined][n % 5];
  if (file === 'roc.csv') {
    const text = readFileSync(join(runDir, file), 'utf8');
    writeFileSync(join(runDir, file), text.slice(0, text.length >> 1));
  } else if (file) rmSync(join(runDir, file));
  return file;
}

// Trajectories too: a promoted run trained again from the start (its saved state is gone once the search
// finished) records the trajectory of the training continued from that state.
const TRAJECTORY = '  checkpoints_every: 5\n';
for (const [method, extra, recordYaml, label] of [
  ['halving', '', '', 'halving'],
  ['asha', '', TRAJECTORY, 'asha (with trajectories)'],
  ['hyperband', '', '', 'hyperband'],
  ['tpe', '', '', 'tpe'],
  ['halving', 'fixed:\n  lr_schedule: {kind: cosine}\n  early_stopping: {patience: 3}\n', TRAJECTORY, 'halving (cosine, early stopping, trajectories)'],
  ['halving', 'fixed:\n  early_stopping: {patience: 2, min_delta: 0.02}\n', TRAJECTORY, 'halving (stopped early before the first promotion, trajectories)'],
] as const) {
  test(`a finished ${label} search with run folders damaged afterwards (model.json, curve.csv, predictions.csv deleted, roc.csv cut): verify lists them, --resume trains them again to the same files, search.json, sweep.json and report, and verify passes`, () => {
    const dir = tempDir();
    let search = HALVING.replace('method: halving', `method: ${method}`).replace('trials: 18', 'trials: 9');
    if (method === 'hyperband') search = search.replace('  trials: 9\n', '');
    if (method === 'tpe') search = search.replace('  min_iterations: 20\n  reduction_factor: 3\n', '');
    const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', GRID, search + extra) + recordYaml);
    const first = runCli(['run', file, '--workers', '2', '--quiet'], dir);
    assert.equal(first.code, 0, first.stderr);
    const sweep = onlySweep(join(dir, 'runs'), 'h');
    // The undamaged search, kept aside byte for byte.
    const reference = join(tempDir(), 'runs', 'h', sweep.split('/').at(-1)!);
    cpSync(sweep, reference, { recursive: true });
    const folders = runFolders(sweep);
    const damaged = new Map<string, string>();
    folders.forEach((f, n) => {
      const file = damageRun(join(sweep, f), n);
      if (file) damaged.set(f, file);
    });
    assert.ok(damaged.size >= 4);
    if (recordYaml) assert.ok(folders.every((f) => existsSync(join(sweep, f, 'trajectory.csv'))));

    const before = runCli(['verify', 'h'], dir);
    assert.equal(before.code, 1, before.stdout);
    for (const [f, file] of damaged) assert.match(before.stdout, new RegExp(`damaged: ${f}: ${file.replace('.', '\\.')} (is missing|is cut short)`));

    const resumed = runCli(['run', file, '--resume', 'latest', '--workers', '2', '--quiet'], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    for (const f of damaged.keys()) assert.match(resumed.stderr, new RegExp(`^warning: ${f}: .*: training it again$`, 'm'));
    // Every run file as the undamaged search wrote it, but timing.json (wall-clock times).
    const untimed = (s: string) => new Map([...runFiles(s)].filter(([name]) => !name.endsWith('/timing.json')));
    assert.deepEqual(untimed(sweep), untimed(reference));
    for (const name of ['search.json', 'table.md', 'data.json', 'dataset.txt', 'experiment.yaml']) {
      assert.equal(readFileSync(join(sweep, name), 'utf8'), readFileSync(join(reference, name), 'utf8'), name);
    }
    assert.ok(!existsSync(join(sweep, 'states')), 'no saved states left once the search is finished');
    // sweep.json: the same record but for the times of the resume's span of work; updates_trained counts the
    // updates the recorded runs account for, the work done again not twice.
    const record = (s: string) => {
      const { ended_at: _e, resumed_at: _r, active: _a, ...rest } = readJson(join(s, 'sweep.json'));
      return rest;
    };
    assert.deepEqual(record(sweep), record(reference));
    // report.html: the undamaged search's, given the same times (its report drawn again with them).
    for (const f of folders) cpSync(join(sweep, f, 'timing.json'), join(reference, f, 'timing.json'));
    cpSync(join(sweep, 'sweep.json'), join(reference, 'sweep.json'));
    const redrawn = runCli(['report', 'h', '--runs-dir', join(reference, '..', '..')], dir);
    assert.equal(redrawn.code, 0, redrawn.stderr);
    assert.equal(readFileSync(join(sweep, 'report.html'), 'utf8'), readFileSync(join(reference, 'report.html'), 'utf8'));

    const after = runCli(['verify', 'h'], dir);
    assert.equal(after.code, 0, after.stdout);
    assert.match(after.stdout, /ok: every run is recorded and sound/);
  });
}

test('kill -9 before the last rung, a rung 0 run damaged meanwhile, then --resume: that run is trained again and the last rung still continues from the states on disk', async () => {
  // 9, 3 and 1 configurations at 600, 1,800 and 5,400 updates; killed once search.json names rungs 0 and 1.
  const search = HALVING.replace('trials: 18', 'trials: 9').replace('min_iterations: 20', 'min_iterations: 600');
  const grid = GRID.replace('[180]', '[5400]');
  const ref = tempDir();
  const refFile = writeExperiment(ref, 'h.yaml', syntheticExperiment('h', grid, search));
  assert.equal(runCli(['run', refFile, '--workers', '2', '--quiet'], ref).code, 0);
  const reference = onlySweep(join(ref, 'runs'), 'h');
  let killed = false;
  for (let attempt = 0; attempt < 5 && !killed; attempt++) {
    const dir = tempDir();
    const file = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', grid, search));
    // Before the last rung: rungs 0 and 1 recorded, the states for the last saved.
    const sweep = await killWhen(dir, file, (s) => readJson(join(s, 'search.json')).batches.length >= 2 && readdirSync(join(s, 'states')).some((n) => n.endsWith('-1800.json')));
    if (!sweep) continue;
    const atKill = readJson(join(sweep, 'search.json'));
    if (atKill.finished || atKill.batches.length !== 2) continue;
    killed = true;
    const damaged = atKill.batches[0].runs[0].folder;
    rmSync(join(sweep, damaged, 'model.json'));
    const again = runCli(['run', file, '--workers', '2', '--resume', 'latest'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`^warning: ${damaged}: model\\.json is missing: training it again$`, 'm'));
    assert.equal(readFileSync(join(sweep, 'search.json'), 'utf8'), readFileSync(join(reference, 'search.json'), 'utf8'));
    assert.deepEqual(metricsOf(sweep), metricsOf(reference));
    assert.equal(readFileSync(join(sweep, damaged, 'model.json'), 'utf8'), readFileSync(join(reference, damaged, 'model.json'), 'utf8'));
    // This process trained the damaged run's 600 updates again, and the last rung from its state at 1,800 (read
    // back from disk after the replay trained the damaged run), not 5,400 from the start; the record counts the
    // updates the recorded runs account for, as the uninterrupted search's does.
    const total = readJson(join(reference, 'sweep.json')).updates_trained as number;
    assert.match(again.stderr, new RegExp(`; ${thousands(total)} updates trained of at most [\\d,]+ \\(${thousands(600 + 3600)} by this run\\)\n`));
    assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, total);
  }
  assert.ok(killed, 'no kill landed before the last rung');
});

test('a search run stopped early whose curve.csv lost its last line (the early stop\'s row): verify lists it, resume trains it again to the same bytes', () => {
  const dir = tempDir();
  const fixed = 'fixed:\n  early_stopping: {patience: 2}\n';
  const file = writeExperiment(dir, 'hbc.yaml', syntheticExperiment('hbc', GRID, HALVING.replace('method: halving', 'method: hyperband').replace('  trials: 18\n', '') + fixed));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'hbc');
  const path = (f: string) => join(sweep, f, 'curve.csv');
  // A run whose curve ends off the grid of points every 10 updates (its early stop), and one ending on it.
  const lastOf = (f: string) => Number(readFileSync(path(f), 'utf8').trim().split('\n').at(-1)!.split(',')[0]);
  const folders = runFolders(sweep);
  const stopped = folders.find((f) => lastOf(f) % 10 !== 0);
  const plain = folders.find((f) => lastOf(f) % 10 === 0 && lastOf(f) > 20);
  assert.ok(stopped && plain, 'a run stopped early between two points, and one ending on a point');
  const original = [stopped, plain].map((f) => readFileSync(path(f), 'utf8'));
  const cut = (text: string) => text.replace(/[^\n]*\n$/, '');
  const ends = original.map((text) => Number(text.trim().split('\n').at(-1)!.split(',')[0]));
  writeFileSync(path(stopped), cut(original[0]));
  writeFileSync(path(plain), cut(original[1]));
  const verify = runCli(['verify', 'hbc'], dir);
  assert.equal(verify.code, 1, verify.stdout);
  assert.match(verify.stdout, new RegExp(`damaged: ${stopped}: curve\\.csv: no row for update ${ends[0]}:`));
  assert.match(verify.stdout, new RegExp(`damaged: ${plain}: curve\\.csv: no row for update ${ends[1]}:`));
  assert.match(verify.stdout, /resume would train 2 runs of the hyperband search \(2 damaged\)/);
  const resumed = runCli(['run', file, '--resume', '--quiet'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual([stopped, plain].map((f) => readFileSync(path(f), 'utf8')), original);
  assert.equal(runCli(['verify', 'hbc'], dir).code, 0);
});

test('run counts its batches and updates in words that agree: 1 update, 1 run, 1,000 runs (thousands separated)', () => {
  const dir = tempDir();
  const grid = (iterations: number) => `  learning_rate: {log_uniform: [0.01, 1.0]}\n  iterations: [${iterations}]`;
  // Halving of 3 trials over rungs 1 and 3: 3 runs at 1 update, then the best 1 at 3.
  const halving = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', grid(3), 'search: {method: halving, trials: 3, min_iterations: 1}\n'));
  const h = runCli(['run', halving, '--workers', '2'], dir);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stderr, /^batch 0: 3 runs at 1 update \(rung 0 of rungs 0-1\)$/m);
  assert.match(h.stderr, /^batch 1: 1 run at 3 updates \(rung 1 of rungs 0-1\)$/m);
  // One trial of one update.
  const one = writeExperiment(dir, 'one.yaml', syntheticExperiment('one', grid(1), 'search: {method: random, trials: 1}\n'));
  const o = runCli(['run', one, '--workers', '2'], dir);
  assert.equal(o.code, 0, o.stderr);
  assert.match(o.stderr, /^plan: 1 trial, at most 1 update$/m);
  assert.match(o.stderr, /^batch 0: 1 run$/m);
  assert.match(o.stderr, /; 1 update trained of at most 1$/m);
  // A thousand trials of one update each.
  const many = writeExperiment(dir, 'many.yaml', syntheticExperiment('many', grid(1), 'search: {method: random, trials: 1000}\n'));
  const m = runCli(['run', many, '--workers', '2'], dir);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stderr, /^batch 0: 1,000 runs$/m);
  assert.match(m.stderr, /^recorded 1,000 done, 0 diverged, 0 failed in .*; 1,000 updates trained of at most 1,000$/m);
});
