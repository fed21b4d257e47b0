import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CLI, onlySweep, readJson, runCli, runFolders, startCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { unmount } from '../helpers/tmpfs.js';
import { fullDiskGrid } from '../helpers/full-disk.js';

/** Every file under a sweep folder parses: JSON files as JSON, CSV files with a constant column count; no temp files. */
function assertNoPartialFiles(sweep: string): void {
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === '.lock') continue;
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      assert.doesNotMatch(name, /\.\d+$/, `temporary file left: ${path}`);
      const text = readFileSync(path, 'utf8');
      if (name.endsWith('.json')) assert.doesNotThrow(() => JSON.parse(text), `unparsable ${path}`);
      if (name.endsWith('.csv')) {
        assert.ok(text.endsWith('\n'), `${path} does not end with a newline`);
        const lines = text.trim().split('\n');
        // results.csv may quote commas; curve.csv has exactly 3 columns.
        if (name === 'curve.csv') for (const l of lines) assert.equal(l.split(',').length, 3, `${path}: ${l}`);
      }
    }
  };
  walk(sweep);
}

function metricsOf(sweep: string): Map<string, string> {
  return new Map(runFolders(sweep).map((f) => [f, readFileSync(join(sweep, f, 'metrics.json'), 'utf8')]));
}

test('a training that throws fails only its runs; exit 1; resume retrains them', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'f.yaml', syntheticExperiment('f', '  learning_rate: [0.05, 0.2, 0.5]\n  iterations: [20]\n  threshold: [0.4, 0.6]'));
  const r = runCli(['run', file, '--workers', '2'], dir, { DLSWEEP_INJECT_FAULT: 'throw:learning_rate=0.2' });
  assert.equal(r.code, 1, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'f');
  let failed = 0;
  for (const f of runFolders(sweep)) {
    const p = readJson(join(sweep, f, 'params.json'));
    const m = readJson(join(sweep, f, 'metrics.json'));
    if (p.params.learning_rate === 0.2) {
      failed++;
      assert.equal(m.status, 'failed');
      assert.match(m.error, /injected fault/);
      assert.match(readFileSync(join(sweep, f, 'error.txt'), 'utf8'), /injected fault/);
      assert.equal(existsSync(join(sweep, f, 'model.json')), false);
    } else {
      assert.equal(m.status, 'done');
    }
  }
  assert.equal(failed, 2);
  assert.match(r.stderr, /failed runs:\n {2}\d{4}-[0-9a-f]{8}: injected fault/);
  // Failed runs are listed last in the table, with their status.
  const rows = r.stdout.split('\n').filter((l) => /\d{4}-[0-9a-f]{8}/.test(l));
  assert.equal(rows.length, 6);
  assert.match(rows[4], /failed/);
  assert.match(rows[5], /failed/);
  assert.equal(readJson(join(sweep, 'sweep.json')).counts.failed, 2);

  const again = runCli(['run', file, '--resume', 'latest', '--quiet'], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(readJson(join(sweep, 'sweep.json')).counts, { done: 6, diverged: 0, failed: 0, interrupted: 0, pending: 0 });
});

test('a worker thread that dies is replaced; its training is retried once, then failed', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'w.yaml', syntheticExperiment('w', '  learning_rate: [0.05, 0.2, 0.5]\n  iterations: [20]'));
  const r = runCli(['run', file, '--workers', '2'], dir, { DLSWEEP_INJECT_FAULT: 'exit:learning_rate=0.5' });
  assert.equal(r.code, 1, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'w');
  const statuses = runFolders(sweep).map((f) => [readJson(join(sweep, f, 'params.json')).params.learning_rate, readJson(join(sweep, f, 'metrics.json'))]);
  for (const [lr, m] of statuses) {
    if (lr === 0.5) {
      assert.equal(m.status, 'failed');
      assert.match(m.error, /worker died twice/);
    } else assert.equal(m.status, 'done');
  }
  assert.match(r.stderr, /2 worker thread\(s\) died and were replaced/);
});

test('a diverging training is recorded as diverged, sorts last and is never best', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'd.yaml', syntheticExperiment('d', '  learning_rate: [0.1, 1e250]\n  iterations: [50]', 'fixed:\n  init: he_normal\n'));
  const r = runCli(['run', file], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'd');
  const byLr = new Map<number, any>(runFolders(sweep).map((f) => [readJson(join(sweep, f, 'params.json')).params.learning_rate, readJson(join(sweep, f, 'metrics.json'))]));
  const d = byLr.get(1e250);
  assert.equal(d.status, 'diverged');
  assert.ok(Number.isInteger(d.diverged.iteration) && d.diverged.iteration >= 1 && d.diverged.iteration <= 50);
  for (const f of runFolders(sweep)) assert.doesNotMatch(readFileSync(join(sweep, f, 'metrics.json'), 'utf8'), /NaN|Infinity/);
  const rows = r.stdout.split('\n').filter((l) => /\d{4}-[0-9a-f]{8}/.test(l));
  assert.match(rows[0], /^\S+ \* /);
  assert.match(rows[1], /diverged/);
  assert.doesNotMatch(rows[1], /^\S+ \* /);
});

test('kill -9 at random moments, resumed each time, ends equal to an uninterrupted sweep', async () => {
  const dir = tempDir();
  const grid = '  learning_rate: [0.03, 0.05, 0.1, 0.2, 0.3, 0.5]\n  seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]\n  iterations: [300, 600]\n  threshold: [0.5, 0.7]';
  const file = writeExperiment(dir, 'k.yaml', syntheticExperiment('k', grid));
  const reference = runCli(['run', file, '--runs-dir', join(dir, 'reference'), '--quiet'], dir);
  assert.equal(reference.code, 0, reference.stderr);
  const expected = metricsOf(onlySweep(join(dir, 'reference'), 'k'));
  const total = 6 * 12 * 2 * 2;
  assert.equal(expected.size, total);

  // A seeded sequence of delays so a failure can be replayed.
  let state = 12345;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const runs = join(dir, 'runs');
  const doneCount = () => {
    if (!existsSync(join(runs, 'k'))) return 0;
    const sweeps = readdirSync(join(runs, 'k')).filter((n) => /^\d{8}-/.test(n));
    if (sweeps.length === 0) return 0;
    const sw = join(runs, 'k', sweeps[0]);
    // Runs only end done here (no faults): a metrics.json is a finished run.
    return runFolders(sw).filter((f) => existsSync(join(sw, f, 'metrics.json'))).length;
  };
  let kills = 0;
  let midway = 0;
  let finished = false;
  for (let attempt = 0; attempt < 40 && !finished; attempt++) {
    const resume = existsSync(join(runs, 'k')) && readdirSync(join(runs, 'k')).some((n) => /^\d{8}-/.test(n));
    const child = startCli(['run', file, '--workers', '2', ...(resume ? ['--resume', 'latest'] : [])], dir);
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const killLater = (ms: number) => {
      if (kills < 12 && !timer) timer = setTimeout(() => child.kill('SIGKILL'), ms);
    };
    // Every third kill lands anywhere in start-up (loading, planning, creating the folder); the others
    // while trainings run and runs are recorded (after the "sweep:" line that precedes the first dispatch).
    if (attempt % 3 === 0) killLater(random(400));
    // The others once this attempt has recorded a few runs (counted, so the machine's speed does not
    // matter), plus a random delay: mid-training, mid-recording, or between trainings.
    const before = doneCount();
    const after = before + 1 + random(6);
    let poll: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/sweep: /.test(stderr) && !poll) {
        poll = setInterval(() => {
          if (doneCount() >= after) {
            clearInterval(poll);
            killLater(random(30));
          }
        }, 10);
      }
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    if (timer) clearTimeout(timer);
    if (poll) clearInterval(poll);
    if (code === null) {
      kills++;
      const n = doneCount();
      if (n > 0 && n < total) midway++;
    } else {
      assert.equal(code, 0, stderr);
      finished = true;
    }
  }
  assert.ok(kills >= 10, `only ${kills} kills happened`);
  assert.ok(midway >= 5, `only ${midway} kills landed mid-sweep`);
  assert.ok(finished, 'the sweep never finished');
  const sweep = onlySweep(runs, 'k');
  assertNoPartialFiles(sweep);
  const got = metricsOf(sweep);
  assert.deepEqual([...got.keys()], [...expected.keys()]);
  for (const [k, v] of expected) assert.equal(got.get(k), v, `${k} differs from the uninterrupted sweep`);
  const meta = readJson(join(sweep, 'sweep.json'));
  assert.equal(meta.status, 'done');
  assert.equal(meta.counts.done, total);
  assert.equal(readFileSync(join(sweep, 'results.csv'), 'utf8').trim().split('\n').length, total + 1);
});

/** Start `dlsweep ARGS`, send SIGINT 0.3 s after its sweep has started, and collect what it printed. */
async function interruptedRun(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startCli(args, cwd);
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const started = new Promise<void>((res) =>
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/sweep: /.test(stderr)) res();
    }),
  );
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  await started;
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  const code = await exited;
  return { code, stdout, stderr };
}

test('SIGINT stops dispatch, marks in-flight runs interrupted, exits 130; resume completes', async () => {
  const dir = tempDir();
  const file = writeExperiment(
    dir,
    's.yaml',
    syntheticExperiment('s', '  learning_rate: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06]\n  iterations: [20000]', 'fixed:\n  hidden_sizes: [30]\n'),
  );
  const { code, stdout, stderr } = await interruptedRun(['run', file, '--workers', '2'], dir);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /Resume with: dlsweep run .*s\.yaml --resume \d{8}-\d{6}-[0-9a-f]{4}/);
  const sweep = onlySweep(join(dir, 'runs'), 's');
  const meta = readJson(join(sweep, 'sweep.json'));
  assert.equal(meta.status, 'interrupted');
  assert.ok(meta.counts.interrupted >= 1, JSON.stringify(meta.counts));
  for (const f of runFolders(sweep)) assert.match(readJson(join(sweep, f, 'metrics.json')).status, /^(done|interrupted)$/);
  assert.match(stdout, /interrupted/);
  const again = runCli(['run', file, '--resume', 'latest', '--quiet'], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readJson(join(sweep, 'sweep.json')).counts.done, 6);
});

test('the resume command printed after an interrupt names a non-default runs folder, and works as printed', async () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'r.yaml', syntheticExperiment('r', '  learning_rate: [0.01, 0.02, 0.03, 0.04]\n  iterations: [20000]', 'fixed:\n  hidden_sizes: [30]\n'));
  const runsDir = join(dir, 'my runs');
  const { code, stderr } = await interruptedRun(['--runs-dir', runsDir, 'run', file, '--workers', '2'], dir);
  assert.equal(code, 130, stderr);
  const printed = /Resume with: (dlsweep .*)$/m.exec(stderr)?.[1];
  assert.ok(printed, stderr);
  assert.match(printed, /^dlsweep --runs-dir '[^']*my runs' run \S+r\.yaml --resume \d{8}-\d{6}-[0-9a-f]{4}$/);
  // Run it exactly as printed, through a shell, with `dlsweep` standing for the built CLI.
  const again = spawnSync('sh', ['-c', printed.replace(/^dlsweep /, `"${process.execPath}" "${CLI}" `) + ' --quiet'], { cwd: dir, encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.equal(readJson(join(onlySweep(runsDir, 'r'), 'sweep.json')).counts.done, 4);
});

test('bad input found while the worker threads are still starting exits 2 with its message, every time', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'typo.yaml', 'name: typo\ndataset: wisconsin\ngrid:\n  learnig_rate: [0.01]\n');
  // The threads start before the file is read; closing them while they load must not abort the process.
  for (let i = 0; i < 12; i++) {
    const r = runCli(['run', file, '--workers', String(1 + (i % 4))], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /learnig_rate/);
    assert.doesNotMatch(r.stderr, /Assertion|    at /);
  }
});

test('--workers is bounded: far beyond the cores is refused with the limit', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'w.yaml', syntheticExperiment('w', '  iterations: [10]'));
  const r = runCli(['run', file, '--workers', '100000'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--workers takes at most \d+/);
  // The usage hint names the help of the command given, where --workers is described.
  assert.match(r.stderr, /\(run dlsweep run --help for usage\)/);
  assert.equal(existsSync(join(dir, 'runs')), false, 'nothing is created');
  const nested = runCli(['data', 'describe'], dir);
  assert.equal(nested.code, 2);
  assert.match(nested.stderr, /\(run dlsweep data describe --help for usage\)/);
});

test('--max-runs is bounded by what a sweep holds (100,000): a larger value is refused, exit 2, not run', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'm.yaml', syntheticExperiment('m', '  iterations: [10]'));
  for (const [command, value] of [['run', '200000'], ['run', '100001'], ['plan', '200000']]) {
    const r = runCli([command, file, '--max-runs', value], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--max-runs takes at most 100,000/);
    assert.doesNotMatch(r.stderr, /    at /);
    assert.equal(existsSync(join(dir, 'runs')), false, 'nothing is created');
  }
  // The limit itself is accepted.
  assert.equal(runCli(['plan', file, '--max-runs', '100000'], dir).code, 0);
});

test('a sweep held by a live process is refused naming its pid; a dead holder\'s lock is taken over', async () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'l.yaml', syntheticExperiment('l', '  iterations: [10, 20]'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'l');
  // A live holder: another process, with the lock directory and its pid recorded as the lock would.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
  try {
    mkdirSync(join(sweep, '.lock'));
    writeFileSync(join(sweep, '.lock-owner.json'), JSON.stringify({ pid: holder.pid, host: hostname(), since: new Date().toISOString() }));
    const r = runCli(['run', file, '--resume', 'latest'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`in use by process ${holder.pid}`));
  } finally {
    holder.kill('SIGKILL');
  }
  await new Promise((r) => holder.on('exit', r));
  // The holder is dead now: the next run takes the lock over at once.
  const r2 = runCli(['run', file, '--resume', 'latest', '--quiet'], dir);
  assert.equal(r2.code, 0, r2.stderr);
});

test('resume refuses a changed experiment, naming the changed keys and pointing at the original', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'c.yaml', syntheticExperiment('c', '  iterations: [10, 20]'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  writeExperiment(dir, 'c.yaml', syntheticExperiment('c', '  iterations: [10, 30]', 'fixed:\n  seed: 4\n'));
  const r = runCli(['run', file, '--resume'], dir);
  // A signal here (code null) would be the process aborting while its threads start: say which.
  assert.equal(r.code, 2, `signal ${r.signal}: ${r.stderr}`);
  assert.match(r.stderr, /^error: the experiment \(grid\.iterations: \[10,20\] -> \[10,30\]; fixed: \(absent\) -> \{"seed":4\}\) changed since sweep \d{8}-\d{6}-[0-9a-f]{4} started, so its runs would not match\n/);
  assert.match(r.stderr, /restore the experiment file \(the original is in \S+experiment\.yaml\)/);
  assert.doesNotMatch(r.stderr, /data file/);
});

test('resume refuses when only the data changed, naming its sha256 before and after, without asking to restore the experiment', () => {
  const dir = tempDir();
  const rows = Array.from({ length: 40 }, (_, i) => `${(i * 7) % 13},${(i * 5) % 11},${i % 2 ? 'yes' : 'no'}`);
  writeFileSync(join(dir, 'd.csv'), ['a,b,outcome', ...rows].join('\n') + '\n');
  const file = writeExperiment(dir, 'd.yaml', 'name: d\ndataset:\n  path: d.csv\n  label: outcome\n  positive: ["yes"]\ngrid:\n  iterations: [10]\n');
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const before = sha(readFileSync(join(dir, 'd.csv'), 'utf8'));
  writeFileSync(join(dir, 'd.csv'), ['a,b,outcome', ...rows.slice(0, 39), '12,10,no'].join('\n') + '\n');
  const after = sha(readFileSync(join(dir, 'd.csv'), 'utf8'));
  const r = runCli(['run', file, '--resume'], dir);
  assert.equal(r.code, 2, `signal ${r.signal}: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^error: the data file \\(sha256 ${before.slice(0, 12)}…, now ${after.slice(0, 12)}…\\) changed since sweep`, 'm'));
  assert.match(r.stderr, /hint: start a new sweep \(run without --resume\), or put back the data file the sweep was trained on\n/);
  assert.doesNotMatch(r.stderr, /restore the experiment|experiment \(/);
});

test('a full disk stops the sweep with a clear message, keeps finished runs intact, and resume completes it', async (t) => {
  const dir = tempDir();
  const disk = fullDiskGrid(t, dir);
  if (!disk) return;
  const { runs, file } = disk;
  try {
    const r = runCli(['run', file, '--workers', '2'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: the sweep stopped: cannot write .*: no space left on the device \(ENOSPC\)/);
    assert.match(r.stderr, /resume: dlsweep run .*full\.yaml --resume \d{8}-\d{6}-[0-9a-f]{4}/);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    const sweep = onlySweep(runs, 'full');
    let finished = 0;
    for (const f of runFolders(sweep)) {
      const mpath = join(sweep, f, 'metrics.json');
      if (!existsSync(mpath)) continue;
      const m = readJson(mpath);
      if (m.status !== 'done') continue;
      finished++;
      // A run that says done has every file, complete.
      for (const name of ['params.json', 'model.json', 'timing.json']) assert.doesNotThrow(() => readJson(join(sweep, f, name)), `${f}/${name}`);
      assert.match(readFileSync(join(sweep, f, 'curve.csv'), 'utf8'), /\n100,/);
    }
    assert.ok(finished >= 1 && finished < 40, `${finished} runs finished`);
    spawnSync('mount', ['-o', 'remount,size=16m', runs]);
    const again = runCli(['run', file, '--resume', 'latest', '--quiet'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readJson(join(sweep, 'sweep.json')).counts.done, 40);
    assertNoPartialFiles(sweep);
  } finally {
    unmount(runs);
  }
});

test('--engine ts and --engine fast record the same numbers under different run ids; sweep.json names the engine', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'e.yaml', syntheticExperiment('e', '  learning_rate: [0.1, 0.5]\n  iterations: [40]\n  threshold: [0.5]'));
  const runs: Record<string, { ids: string[]; accuracy: number[] }> = {};
  for (const engine of ['ts', 'fast']) {
    const r = runCli(['--runs-dir', `runs-${engine}`, 'run', file, '--engine', engine, '--workers', '1', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    const sweep = onlySweep(join(dir, `runs-${engine}`), 'e');
    assert.equal(readJson(join(sweep, 'sweep.json')).engine, engine);
    const metrics = runFolders(sweep).map((f) => readJson(join(sweep, f, 'metrics.json')));
    runs[engine] = { ids: metrics.map((m) => m.run_id), accuracy: metrics.map((m) => m.validation.accuracy) };
  }
  assert.equal(new Set([...runs.ts.ids, ...runs.fast.ids]).size, 4);
  // The two engines agree to ~1e-12: on 40 samples the accuracies are equal.
  assert.deepEqual(runs.fast.accuracy, runs.ts.accuracy);
  // Resuming under another engine is refused: its runs would not match.
  const other = runCli(['--runs-dir', 'runs-ts', 'run', file, '--engine', 'fast', '--resume'], dir);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /engine \(ts, now fast\)/);
  // The variable is the default of --engine, checked at the edge.
  const bad = runCli(['plan', file], dir, { DLSWEEP_ENGINE: 'turbo' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /DLSWEEP_ENGINE must be auto, fast, ts, got "turbo"/);
  // --engine fast trains every option (here tanh hidden units with adam), as the default does.
  const tanh = writeExperiment(dir, 't.yaml', syntheticExperiment('t', '  learning_rate: [0.1]', 'fixed:\n  activation: tanh\n  optimizer: adam\n'));
  const fast = runCli(['--runs-dir', 'runs-t', 'run', tanh, '--engine', 'fast', '--quiet'], dir);
  assert.equal(fast.code, 0, fast.stderr);
  assert.equal(readJson(join(onlySweep(join(dir, 'runs-t'), 't'), 'sweep.json')).engine, 'fast');
});
