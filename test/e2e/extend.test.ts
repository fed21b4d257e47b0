import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, recordedSweep, runCli, runFiles, runFolders, startCli, tempDir, writeExperiment } from '../helpers/cli.js';

const SWEEP_ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

/** An experiment on synthetic data: `grid` lines under grid:, `fixed` lines under fixed:. */
function experiment(grid: string, fixed = '  hidden_sizes: [5]', dataset = 'synthetic: {kind: blobs, samples: 200, features: 4, noise: 0.5, seed: 3}'): string {
  return `name: wide\ndataset:\n  ${dataset}\nfixed:\n${fixed}\ngrid:\n${grid}\nrecord:\n  curve_every: 10\n`;
}
const NARROW = experiment('  learning_rate: [0.1, 0.3]\n  iterations: [50, 100]');
// Widened: learning_rate gains 0.2 (in the middle), iterations gains 150.
const WIDE = experiment('  learning_rate: [0.1, 0.2, 0.3]\n  iterations: [50, 100, 150]');

function sweepsOf(runs: string): string[] {
  return existsSync(join(runs, 'wide')) ? readdirSync(join(runs, 'wide')).filter((n) => SWEEP_ID.test(n)).sort() : [];
}

/** metrics.json of each run, by run_id. */
function metricsById(sweep: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of runFolders(sweep)) {
    const text = readFileSync(join(sweep, f, 'metrics.json'), 'utf8');
    out.set(JSON.parse(text).run_id, text);
  }
  return out;
}

/** A fresh sweep of the widened grid, trained in full (no reuse), in its own runs folder. */
function freshWide(): string {
  const dir = tempDir('dlsweep-extend-fresh-');
  const file = writeExperiment(dir, 'e.yaml', WIDE);
  assert.equal(runCli(['run', file, '--quiet', '--workers', '1', '--no-reuse'], dir).code, 0);
  return join(dir, 'runs', 'wide', sweepsOf(join(dir, 'runs'))[0]);
}

test('--extend trains exactly the new points into the same sweep, keeps the recorded runs, and ends equal to a fresh sweep of the widened grid', () => {
  const { dir, runs, file, id, sweep } = recordedSweep('dlsweep-extend-', 'e.yaml', 'wide', NARROW);
  const before = runFiles(sweep);
  const beforeFolders = runFolders(sweep);
  const trainedBefore = readJson(join(sweep, 'sweep.json')).updates_trained;
  // Two trainings (one per learning rate), each to 100 updates.
  assert.equal(trainedBefore, 200);

  writeFileSync(file, WIDE);
  const r = runCli(['run', file, '--extend', id, '--workers', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /extend: 5 new runs \(learning_rate \+0\.2; iterations \+150\) as runs 5-9/);
  assert.deepEqual(sweepsOf(runs), [id], 'no new sweep');

  // The recorded runs are untouched, byte for byte; the five new points get folders 0005-0009.
  const after = runFiles(sweep);
  for (const [path, bytes] of before) assert.equal(after.get(path), bytes, path);
  const added = runFolders(sweep).filter((f) => !beforeFolders.includes(f));
  assert.deepEqual(added.map((f) => f.slice(0, 4)), ['0005', '0006', '0007', '0008', '0009']);
  const addedPoints = added.map((f) => readJson(join(sweep, f, 'params.json')).params).map((p) => `${p.learning_rate}/${p.iterations}`);
  assert.deepEqual(addedPoints, ['0.1/150', '0.2/50', '0.2/100', '0.2/150', '0.3/150']);

  // Only the new points were trained: learning rates 0.1 and 0.3 to 150 updates for their new length, 0.2 to 150 for its three.
  const record = readJson(join(sweep, 'sweep.json'));
  assert.equal(record.updates_trained - trainedBefore, 3 * 150);
  // planned_updates counts what the extension trains too: the first grid's 2 x 100, then 3 x 150 again, so
  // updates_trained never exceeds it (the widened plan alone trains 3 x 150).
  assert.equal(record.planned_updates, 2 * 100 + 3 * 150);
  assert.equal(record.updates_trained, record.planned_updates);
  assert.equal(record.grid_size, 9);
  assert.equal(record.status, 'done');
  assert.equal(record.extensions.length, 1);
  assert.deepEqual(record.extensions[0].added, { learning_rate: ['0.2'], iterations: ['150'] });
  assert.equal(record.extensions[0].first_run, 5);
  assert.equal(record.extensions[0].runs, 5);
  assert.equal(readFileSync(join(sweep, 'experiment.yaml'), 'utf8'), NARROW, 'the file as launched is kept');
  assert.equal(readFileSync(join(sweep, record.extensions[0].file), 'utf8'), WIDE);

  // The same numbers as a fresh sweep of the widened grid, run for run.
  assert.deepEqual(metricsById(sweep), metricsById(freshWide()));

  // Extending again with the same file adds nothing and trains nothing.
  const again = runCli(['run', file, '--extend', id, '--quiet'], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, record.updates_trained);
  assert.equal(readJson(join(sweep, 'sweep.json')).extensions.length, 1);
  // compare lists the nine runs with learning_rate as an axis of three values.
  const c = JSON.parse(runCli(['compare', `wide/${id}`, '--format', 'json'], dir).stdout);
  assert.equal(c.rows.length, 9);
  assert.deepEqual([...new Set(c.rows.map((row: any) => row.learning_rate))].sort(), [0.1, 0.2, 0.3]);
});

test('--extend refuses changes that are not widenings, naming each, and writes nothing', () => {
  const { dir, runs, file, id, sweep } = recordedSweep('dlsweep-extend-refuse-', 'e.yaml', 'wide', NARROW);
  const record = readFileSync(join(sweep, 'sweep.json'), 'utf8');
  const listing = readdirSync(sweep).sort();
  const cases: [string, string[], RegExp][] = [
    [experiment('  learning_rate: [0.1, 0.3]\n  iterations: [50, 100]', '  hidden_sizes: [6]'), [], /fixed hidden_sizes changed: \[5\] -> \[6\]/],
    [experiment('  learning_rate: [0.1, 0.3, 1]\n  iterations: [100]'), [], /iterations: value 50 removed/],
    [experiment('  learning_rate: [0.1, 0.3]\n  iterations: [50, 100]', undefined, 'synthetic: {kind: blobs, samples: 200, features: 4, noise: 0.5, seed: 4}'), [], /the dataset changed \(dataset\.synthetic\.seed: 3 -> 4\)/],
    [experiment('  learning_rate: [0.1, 0.3]\n  iterations: [50, 100]'), ['--engine', 'ts'], /the engine \(auto, now ts\)/],
    [
      `name: wide\ndataset:\n  synthetic: {kind: blobs, samples: 200, features: 4, noise: 0.5, seed: 3}\nfixed:\n  hidden_sizes: [5]\n  iterations: 50\nsearch:\n  method: random\n  trials: 2\n  seed: 1\ngrid:\n  learning_rate: {log_uniform: [0.01, 1]}\nrecord:\n  curve_every: 10\n`,
      [],
      /a search: block \(method random\) instead of a grid/,
    ],
  ];
  for (const [text, extra, message] of cases) {
    writeFileSync(file, text);
    const r = runCli(['run', file, '--extend', id, ...extra], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: cannot extend sweep wide/${id}: `));
    assert.match(r.stderr, message);
    assert.match(r.stderr, /hint: .*run the experiment as a new sweep: dlsweep run /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(readFileSync(join(sweep, 'sweep.json'), 'utf8'), record);
    assert.deepEqual(readdirSync(sweep).sort(), listing);
  }
  // --extend with --resume is a usage error.
  writeFileSync(file, WIDE);
  assert.equal(runCli(['run', file, '--extend', id, '--resume', id], dir).code, 2);

  // A sweep that does not exist: the hint lists the experiment's sweeps that can be widened, not the experiments.
  for (const option of ['--extend', '--resume']) {
    const r = runCli(['run', file, option, 'nosuch'], dir);
    assert.equal(r.code, 2, r.stderr);
    const action = option === '--extend' ? 'widen' : 'resume';
    assert.equal(
      r.stderr,
      `error: ${option} nosuch: experiment wide has no sweep "nosuch" under ${runs}\nhint: sweeps of wide that ${option} can ${action}, newest first: ${id}; e.g. ${option} ${id} (or ${option} latest)\n`,
    );
  }
  assert.deepEqual(readdirSync(sweep).sort(), listing);
  // A search cannot be widened: with only searches, --extend says so and names no sweep to widen.
  const search = recordedSweep('dlsweep-extend-search-', 's.yaml', 'srch', `name: srch\ndataset:\n  synthetic: {kind: blobs, samples: 200, features: 4, noise: 0.5, seed: 3}\nfixed:\n  iterations: 20\nsearch:\n  method: random\n  trials: 2\n  seed: 1\ngrid:\n  learning_rate: {log_uniform: [0.01, 1]}\n`);
  const none = runCli(['run', search.file, '--extend', 'nosuch'], search.dir);
  assert.equal(none.code, 2, none.stderr);
  assert.equal(none.stderr, `error: --extend nosuch: experiment srch has no sweep "nosuch" under ${search.runs} (its sweep is a search, which cannot be widened)\nhint: run the file without --extend to start a new sweep of it\n`);
  // The search sweep itself, the file unchanged: only that a search has no grid, no change the file did not make.
  for (const target of [search.id, 'latest']) {
    const r = runCli(['run', search.file, '--extend', target], search.dir);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `error: cannot extend sweep srch/${search.id}: --extend adds values to a grid; srch/${search.id} is a random search\nhint: run the file without --extend to start a new sweep of it: dlsweep run ${search.file}\n`);
  }
});

test('--extend refused by a file where a recorded run\'s folder goes writes nothing: no experiment.extend-1.yaml, sweep.json as it was', () => {
  const { dir, file, id, sweep } = recordedSweep('dlsweep-extend-file-', 'e.yaml', 'wide', NARROW);
  const first = runFolders(sweep)[0];
  rmSync(join(sweep, first), { recursive: true });
  writeFileSync(join(sweep, first), 'junk\n');
  const record = readFileSync(join(sweep, 'sweep.json'), 'utf8');
  const listing = readdirSync(sweep).sort();
  writeFileSync(file, WIDE);
  const r = runCli(['run', file, '--extend', id, '--quiet'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, `error: ${join(sweep, first)} is a file where the folder of run 1 goes: dlsweep records each run in a folder of this name and never writes such a file\nhint: move the file out of the sweep folder (or delete it), then extend again\n`);
  assert.equal(readFileSync(join(sweep, 'sweep.json'), 'utf8'), record);
  assert.deepEqual(readdirSync(sweep).sort(), listing);
});

test('a running sweep cannot be extended; kill -9 during an extension, then --resume or --extend again, completes it to the same result', async () => {
  const fresh = metricsById(freshWide());
  for (const finish of [['--resume', 'latest'], ['--extend', 'latest']]) {
    const { dir, file, id, sweep } = recordedSweep('dlsweep-extend-kill-', 'e.yaml', 'wide', NARROW);
    writeFileSync(file, WIDE);
    // The new learning rate's training never returns; the two others finish, then the process is killed.
    const child = startCli(['run', file, '--extend', id, '--workers', '2'], dir, { DLSWEEP_INJECT_FAULT: 'hang:learning_rate=0.2' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const recorded = () => runFolders(sweep).filter((f) => existsSync(join(sweep, f, 'metrics.json'))).length;
    const deadline = Date.now() + 90_000;
    while (recorded() < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(recorded(), 6, 'runs 0005 and 0009 recorded');
    // Meanwhile the sweep is locked: a second extension is refused.
    const locked = runCli(['run', file, '--extend', id], dir);
    assert.equal(locked.code, 2);
    assert.match(locked.stderr, /is (locked|in use|being run)|another process/i);
    child.kill('SIGKILL');
    await exited;
    assert.equal(readJson(join(sweep, 'sweep.json')).status, 'running');

    const r = runCli(['run', file, ...finish, '--workers', '2'], dir);
    assert.equal(r.code, 0, r.stderr);
    const record = readJson(join(sweep, 'sweep.json'));
    assert.equal(record.status, 'done');
    assert.equal(record.extensions.length, 1, 'one extension, completed');
    assert.deepEqual(runFolders(sweep).map((f) => f.slice(0, 4)), ['0001', '0002', '0003', '0004', '0005', '0006', '0007', '0008', '0009']);
    assert.deepEqual(metricsById(sweep), fresh);
  }
});

/** Shift every time of a sweep.json (started_at, ended_at, active spans) back by `ms`: as if it ran that long ago. */
function shiftRecord(sweep: string, ms: number, keepSpans: boolean): { started_at: string; ended_at: string } {
  const path = join(sweep, 'sweep.json');
  const s = readJson(path);
  const back = (t: string) => new Date(Date.parse(t) - ms).toISOString();
  s.started_at = back(s.started_at);
  s.ended_at = back(s.ended_at);
  // An older record has no spans: its duration is ended_at - started_at.
  if (keepSpans) s.active = s.active.map((a: any) => ({ started_at: back(a.started_at), ended_at: back(a.ended_at) }));
  else delete s.active;
  writeFileSync(path, JSON.stringify(s, null, 2) + '\n');
  return { started_at: s.started_at, ended_at: s.ended_at };
}

test('after --extend, ls shows the time spent training, not the idle hours between the run and its extension; records without spans are still read', () => {
  const HOUR = 3_600_000;
  for (const keepSpans of [true, false]) {
    const { dir, file, id, sweep } = recordedSweep('dlsweep-extend-duration-', 'e.yaml', 'wide', NARROW);
    const first = readJson(join(sweep, 'sweep.json'));
    assert.deepEqual(first.active, [{ started_at: first.started_at, ended_at: first.ended_at }]);
    const firstMs = Date.parse(first.ended_at) - Date.parse(first.started_at);
    const before = shiftRecord(sweep, 3 * HOUR, keepSpans);
    writeFileSync(file, WIDE);
    const t0 = Date.now();
    assert.equal(runCli(['run', file, '--extend', id, '--quiet'], dir).code, 0);
    const extendMs = Date.now() - t0;
    const s = readJson(join(sweep, 'sweep.json'));
    // Two spans: the first run as recorded, then the extension.
    assert.equal(s.active.length, 2);
    assert.deepEqual(s.active[0], before);
    assert.equal(s.active[1].started_at, s.extensions[0].at);
    assert.equal(s.active[1].ended_at, s.ended_at);
    const spent = firstMs + Date.parse(s.ended_at) - Date.parse(s.active[1].started_at);
    const ls = runCli(['ls', '--format', 'json'], dir);
    assert.equal(ls.code, 0, ls.stderr);
    const row = JSON.parse(ls.stdout).rows[0];
    assert.equal(row.duration_ms, spent);
    assert.ok(row.duration_ms <= firstMs + extendMs, `${row.duration_ms} ms, not the 3 hours since the first run`);
    // show and the report say both: the time worked and the time from start to end.
    const show = runCli(['show', `wide/${id}`], dir);
    assert.match(show.stdout, /\(\d[^()]* worked, 3h0\dm from start to end\)/);
  }
});

test('show SWEEP lists each extension: when, the values it added and the runs it numbered', () => {
  const { dir, file, id, sweep } = recordedSweep('dlsweep-extend-show-', 'e.yaml', 'wide', NARROW);
  assert.doesNotMatch(runCli(['show', `wide/${id}`], dir).stdout, /extended/);
  writeFileSync(file, WIDE);
  assert.equal(runCli(['run', file, '--extend', id, '--quiet'], dir).code, 0);
  writeFileSync(file, experiment('  learning_rate: [0.1, 0.2, 0.3, 0.4]\n  iterations: [50, 100, 150]'));
  assert.equal(runCli(['run', file, '--extend', id, '--quiet'], dir).code, 0);
  const at = readJson(join(sweep, 'sweep.json')).extensions.map((e: any) => e.at);
  const show = runCli(['show', `wide/${id}`], dir);
  assert.equal(show.code, 0, show.stderr);
  // 2 x 2 runs, then 3 x 3 (5 new: runs 5-9), then 4 x 3 (3 new: runs 10-12).
  const lines = show.stdout.split('\n').filter((l) => /^\s+extended\s/.test(l));
  assert.deepEqual(lines.map((l) => l.trim().replace(/\s+/, ' ')), [
    `extended ${at[0]}: learning_rate +0.2; iterations +150 (runs 5-9; experiment.extend-1.yaml)`,
    `extended ${at[1]}: learning_rate +0.4 (runs 10-12; experiment.extend-2.yaml)`,
  ]);
});

test('--extend with a file that adds nothing says there is nothing to extend, exit 0, writes nothing (an interrupted sweep too); the --resume it names finishes that', () => {
  const { dir, file, id, sweep } = recordedSweep('dlsweep-extend-nothing-', 'e.yaml', 'wide', NARROW);
  // A run lost since: the sweep is unfinished, which --resume, not --extend, completes.
  const [lost] = runFolders(sweep).slice(-1);
  rmSync(join(sweep, lost), { recursive: true });
  const everything = () => new Map(readdirSync(sweep, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'latin1')]));
  const before = everything();
  const r = runCli(['run', file, '--extend', id], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `nothing to extend: ${file} adds no value to the grid of sweep wide/${id} (4 points); nothing was trained or written\n` +
      `--extend trains only the points that values added to the file's grid make new; to finish an interrupted sweep, or train its failed or damaged runs again, resume it: dlsweep run ${file} --resume ${id}\n`,
  );
  assert.deepEqual(everything(), before);
  assert.ok(!existsSync(join(sweep, 'experiment.extend-1.yaml')));
  // The command it names completes the sweep.
  assert.equal(runCli(['run', file, '--resume', id, '--quiet'], dir).code, 0);
  assert.ok(existsSync(join(sweep, lost, 'metrics.json')));
  assert.equal(readJson(join(sweep, 'sweep.json')).counts.done, 4);
});
