/**
 * A sweep whose own record (sweep.json) was damaged outside dlsweep: its run folders are intact, so readers of
 * runs still list them, and no message advises removing a folder that holds them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { onlySweep, readJson, recordedSweep, runCli, runFiles, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

test('a damaged sweep.json: compare and show of a run still read the intact runs with one warning; no message says to remove a folder', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'sr.yaml', syntheticExperiment('sr', '  learning_rate: [0.05, 0.5]', 'fixed:\n  iterations: 20\n'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'sr');
  const id = basename(sweep);
  const folders = runFolders(sweep);
  assert.equal(folders.length, 2);
  writeFileSync(join(sweep, 'sweep.json'), '{"id": "cut sh');

  const compare = runCli(['compare', `sr/${id}`, '--columns', 'run,status', '--format', 'json'], dir);
  assert.equal(compare.code, 0, compare.stderr);
  const rows = (JSON.parse(compare.stdout) as { rows: { run: string; status: string }[] }).rows;
  assert.deepEqual(rows.map((r) => r.run).sort(), folders);
  assert.ok(rows.every((r) => r.status === 'done'));
  const warnings = compare.stderr.split('\n').filter((l) => l.startsWith('warning: '));
  assert.equal(warnings.length, 1, compare.stderr);
  assert.match(warnings[0], /sweep\.json is not valid JSON \(14 bytes, cut short\); the runs of sr\/\S+ are read without the tags it recorded/);

  const show = runCli(['show', `sr/${id}/1`], dir);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(folders[0]));

  // Readers that need the record itself refuse with one message, and it keeps the folder that holds the runs.
  for (const args of [['show', `sr/${id}`], ['report', `sr/${id}`], ['run', file, '--resume', '--quiet']]) {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: \S+sweep\.json is not valid JSON \(14 bytes, cut short\)\nhint: the sweep's record was edited or damaged outside dlsweep; its run folders are intact: keep the folder/);
    assert.match(r.stderr, new RegExp(`dlsweep run EXPERIMENT_FILE --resume sr/${id} --repair`));
    assert.doesNotMatch(r.stderr, /remove the run folder|\n\s+at /);
  }
  assert.deepEqual(runFolders(sweep), folders);
  assert.ok(readdirSync(sweep).includes('sweep.json'));
});

const TWO = syntheticExperiment('sr', '  learning_rate: [0.05, 0.5]', 'fixed:\n  iterations: 20\n');

test('a sweep.json with fields of the wrong type: show, report and run --resume name the file and the fields and how to rebuild it, exit 2, no stack; ls and compare still list', () => {
  const { dir, file, id, sweep } = recordedSweep('dlsweep-typed-record-', 'sr.yaml', 'sr', TWO);
  const good = readJson(join(sweep, 'sweep.json'));
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ started_at: 12 }, /sweep\.json: started_at is 12, not a time/],
    [{ resumed_at: 5 }, /sweep\.json: resumed_at is 5, not a list of times/],
    [{ dataset: null }, /sweep\.json: dataset is null, not \{name, sha256, fingerprint\}/],
    [{ extensions: {} }, /sweep\.json: extensions is \{\}, not a list/],
    [{ counts: 'x', grid_size: '2' }, /sweep\.json: grid_size is "2", not a whole number; counts is "x"/],
  ];
  const files = runFiles(sweep);
  for (const [change, message] of cases) {
    const text = JSON.stringify({ ...good, ...change });
    writeFileSync(join(sweep, 'sweep.json'), text);
    for (const args of [['show', `sr/${id}`], ['report', `sr/${id}`], ['run', file, '--resume', '--quiet']]) {
      const r = runCli(args, dir);
      assert.equal(r.code, 2, `${JSON.stringify(change)} ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: \\S+/sr/${id}/` + message.source));
      assert.match(r.stderr, new RegExp(`\nhint: .*dlsweep run EXPERIMENT_FILE --resume sr/${id} --repair`));
      assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
    }
    for (const args of [['ls'], ['compare', `sr/${id}`]]) {
      const r = runCli(args, dir);
      assert.equal(r.code, 0, `${JSON.stringify(change)} ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    // Nothing was rewritten: the record as damaged, the runs as recorded.
    assert.equal(readFileSync(join(sweep, 'sweep.json'), 'utf8'), text);
    assert.deepEqual(runFiles(sweep), files);
  }
  // A record with many fields wrong names the first three and counts the rest.
  writeFileSync(join(sweep, 'sweep.json'), '{"id": 3}');
  const many = runCli(['show', `sr/${id}`], dir);
  assert.equal(many.code, 2);
  assert.match(many.stderr, /sweep\.json: id is 3, not a string; experiment is missing, not a string; dlsweep_version is missing, not a string; and \d+ more fields\n/);
  writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ ...good, counts: 'x', grid_size: '2' }));
  // verify names the same problems.
  const v = runCli(['verify', `sr/${id}`], dir);
  assert.equal(v.code, 1);
  assert.match(v.stdout, /damaged: sweep\.json: grid_size is "2"/);
  assert.match(v.stdout, new RegExp(`rebuild the record from them and the experiment file the sweep ran: dlsweep run EXPERIMENT_FILE --resume sr/${id} --repair`));
});

test('run --resume --repair rebuilds a cut-short sweep.json from the run folders and the experiment file, keeps the damaged bytes, and trains nothing recorded again', () => {
  const { dir, file, id, sweep } = recordedSweep('dlsweep-repair-record-', 'sr.yaml', 'sr', TWO);
  const good = readJson(join(sweep, 'sweep.json'));
  const files = runFiles(sweep);
  const cut = JSON.stringify(good, null, 2).slice(0, 300);
  writeFileSync(join(sweep, 'sweep.json'), cut);
  // --repair needs the sweep.
  assert.equal(runCli(['run', file, '--repair'], dir).code, 2);
  // A file other than the one the sweep ran is refused, naming what differs; nothing is written.
  const other = writeExperiment(dir, 'other.yaml', syntheticExperiment('sr', '  learning_rate: [0.05, 0.6]', 'fixed:\n  iterations: 20\n'));
  const refused = runCli(['run', other, '--resume', id, '--repair', '--quiet'], dir);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /differs from the one sweep sr\/\S+ ran \(.*learning_rate.*\), so its record cannot be rebuilt from it\nhint: give the file the sweep ran: its text is kept in \S+experiment\.yaml/);
  assert.equal(readFileSync(join(sweep, 'sweep.json'), 'utf8'), cut);
  assert.ok(!existsSync(join(sweep, 'sweep.json.damaged')));

  const r = runCli(['run', file, '--resume', id, '--repair', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(sweep, 'sweep.json.damaged'), 'utf8'), cut);
  assert.deepEqual(runFiles(sweep), files, 'the recorded runs are kept byte for byte');
  const rebuilt = readJson(join(sweep, 'sweep.json'));
  // What the cut file still held (the times, provenance) is kept; the rest is rebuilt from the plan and the runs.
  // The start time is the one the sweep id holds (to the millisecond, as the id was drawn).
  assert.ok(Math.abs(Date.parse(rebuilt.started_at) - Date.parse(good.started_at)) < 50, rebuilt.started_at);
  for (const key of ['id', 'experiment', 'status', 'dataset', 'grid_size', 'trainings', 'shared', 'plan_hash', 'counts', 'objective', 'best', 'git_commit', 'node_version']) {
    assert.deepEqual(rebuilt[key], good[key], key);
  }
  // Nothing held the end: it is when the last run was recorded.
  const finished = runFolders(sweep).map((f) => readJson(join(sweep, f, 'timing.json')).finished_at as string);
  assert.equal(rebuilt.ended_at, finished.sort().at(-1));
  // show, report and a plain resume work again.
  for (const args of [['show', `sr/${id}`], ['report', `sr/${id}`], ['run', file, '--resume', id, '--quiet']]) assert.equal(runCli(args, dir).code, 0, args.join(' '));
  assert.deepEqual(runFiles(sweep), files);
});

test('run --resume --repair of an extended sweep whose record is not JSON rebuilds its extensions from the files kept in its folder', () => {
  const narrow = syntheticExperiment('sr', '  learning_rate: [0.05, 0.5]', 'fixed:\n  iterations: 20\n');
  const wide = syntheticExperiment('sr', '  learning_rate: [0.05, 0.2, 0.5]', 'fixed:\n  iterations: 20\n');
  const { dir, file, id, sweep } = recordedSweep('dlsweep-repair-extended-', 'sr.yaml', 'sr', narrow);
  writeFileSync(file, wide);
  assert.equal(runCli(['run', file, '--extend', id, '--quiet'], dir).code, 0);
  const good = readJson(join(sweep, 'sweep.json'));
  assert.equal(good.extensions.length, 1);
  const files = runFiles(sweep);
  writeFileSync(join(sweep, 'sweep.json'), 'not json at all');
  const r = runCli(['run', file, '--resume', id, '--repair', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(runFiles(sweep), files);
  const rebuilt = readJson(join(sweep, 'sweep.json'));
  assert.equal(rebuilt.grid_size, 3);
  assert.deepEqual(rebuilt.counts, good.counts);
  assert.equal(rebuilt.plan_hash, good.plan_hash);
  assert.equal(rebuilt.extensions.length, 1);
  const { at, ...ext } = rebuilt.extensions[0];
  const { at: _at, ...recorded } = good.extensions[0];
  assert.deepEqual(ext, recorded);
  assert.ok(Number.isFinite(Date.parse(at)));
});

test('run --resume --repair of a sweep.json cut short keeps counting the updates trained: a search\'s and a grid\'s count is rebuilt from their recorded runs, as any resume counts them', () => {
  // Halving, 9 trials, rungs 20, 60, 180 (eta 3): 9 x 20 updates, then 3 continued from 20 to 60, then 1 from 60 to 180.
  const search = syntheticExperiment('hr', '  learning_rate: {log_uniform: [0.01, 2.0]}\n  hidden_sizes: [[3], [8]]\n  iterations: [180]', 'search:\n  method: halving\n  trials: 9\n  seed: 5\n  min_iterations: 20\n  reduction_factor: 3\n');
  // A grid of 2 learning rates x iterations 20 and 40: one training of 40 updates per learning rate.
  const grid = syntheticExperiment('gr', '  learning_rate: [0.05, 0.5]\n  iterations: [20, 40]');
  for (const [name, yaml, updates] of [['hr', search, 9 * 20 + 3 * 40 + 1 * 120], ['gr', grid, 2 * 40]] as const) {
    const { dir, file, id, sweep } = recordedSweep(`dlsweep-repair-updates-${name}-`, `${name}.yaml`, name, yaml);
    const good = readJson(join(sweep, 'sweep.json'));
    assert.equal(good.updates_trained, updates, name);
    const files = runFiles(sweep);
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify(good, null, 2).slice(0, 200));
    const r = runCli(['run', file, '--resume', id, '--repair', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(runFiles(sweep), files, `${name}: nothing trained again`);
    const rebuilt = readJson(join(sweep, 'sweep.json'));
    assert.equal(rebuilt.updates_trained, updates, `${name}: the count goes on from the recorded runs`);
    assert.equal(rebuilt.planned_updates, good.planned_updates);
    // A plain resume afterwards keeps it (nothing left to train).
    assert.equal(runCli(['run', file, '--resume', id, '--quiet'], dir).code, 0);
    assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, updates);
  }
  // With a run left to train: the search's last run (rung 2) removed, its saved state gone with the finished
  // search. The last run trains again from the start, 180 updates, which the resume says it trained; the
  // recorded runs count as an uninterrupted search's, the last one continued from rung 1: 9 x 20 + 3 x 40 + 120.
  const { dir, file, id, sweep } = recordedSweep('dlsweep-repair-updates-more-', 'hr.yaml', 'hr', search);
  const last = readJson(join(sweep, 'search.json')).batches[2].runs[0].folder as string;
  rmSync(join(sweep, last), { recursive: true });
  writeFileSync(join(sweep, 'sweep.json'), '{"id": "cut');
  const r = runCli(['run', file, '--resume', id, '--repair'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(sweep, last, 'metrics.json')));
  assert.equal(readJson(join(sweep, 'sweep.json')).updates_trained, 9 * 20 + 3 * 40 + 120);
  assert.match(r.stderr, /; 420 updates trained of at most 420 \(180 by this run\)\n/);
});

test('run --resume --repair refused by a file where a run folder goes writes nothing: the damaged sweep.json keeps its bytes and no sweep.json.damaged appears (a grid and a search)', () => {
  const search = syntheticExperiment('hs', '  learning_rate: {log_uniform: [0.01, 1.0]}\n  iterations: [10]', 'search: {method: random, trials: 4, seed: 3}\n');
  for (const [name, yaml, planned] of [['sr', TWO, true], ['hs', search, false]] as const) {
    const { dir, file, id, sweep } = recordedSweep(`dlsweep-repair-refused-${name}-`, `${name}.yaml`, name, yaml);
    // A grid refuses a file only where a planned run's folder goes (its run 2); a search, any file named like a run folder.
    const folder = planned ? runFolders(sweep)[1] : '0009-0badf00d';
    if (planned) rmSync(join(sweep, folder), { recursive: true });
    const files = runFiles(sweep);
    writeFileSync(join(sweep, folder), 'junk\n');
    const cut = readFileSync(join(sweep, 'sweep.json'), 'utf8').slice(0, 120);
    writeFileSync(join(sweep, 'sweep.json'), cut);
    const names = readdirSync(sweep).sort();
    const r = runCli(['run', file, '--resume', id, '--repair', '--quiet'], dir);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^error: ${join(sweep, folder)} is a file where the folder of run ${planned ? 2 : 9} goes`));
    assert.equal(readFileSync(join(sweep, 'sweep.json'), 'utf8'), cut, `${name}: the damaged record is as it was`);
    assert.deepEqual(readdirSync(sweep).sort(), names, `${name}: no file added (sweep.json.damaged) or removed`);
    // The file moved away, the runs are as recorded and the same command rebuilds the record.
    rmSync(join(sweep, folder));
    assert.deepEqual(runFiles(sweep), files);
    const repaired = runCli(['run', file, '--resume', id, '--repair', '--quiet'], dir);
    assert.equal(repaired.code, 0, `${name}: ${repaired.stderr}`);
    assert.equal(readFileSync(join(sweep, 'sweep.json.damaged'), 'utf8'), cut);
  }
});

test('a sweep folder whose sweep.json is gone: ls and verify list it as damaged with the fix, show says how to rebuild it, run --resume --repair rebuilds it (a grid and a search); with its experiment file gone too, the fix is rm, which removes it', () => {
  const search = syntheticExperiment('hs', '  learning_rate: {log_uniform: [0.01, 1.0]}\n  iterations: [10]', 'search: {method: random, trials: 4, seed: 3}\n');
  for (const [name, yaml] of [['sr', TWO], ['hs', search]] as const) {
    const { dir, file, id, sweep } = recordedSweep(`dlsweep-missing-record-${name}-`, `${name}.yaml`, name, yaml);
    const good = readJson(join(sweep, 'sweep.json'));
    const files = runFiles(sweep);
    rmSync(join(sweep, 'sweep.json'));
    const fix = `dlsweep run EXPERIMENT_FILE --resume ${name}/${id} --repair`;

    const ls = runCli(['ls', '--format', 'json'], dir);
    assert.equal(ls.code, 0, ls.stderr);
    assert.deepEqual((JSON.parse(ls.stdout) as { rows: { sweep: string; status: string }[] }).rows.map((r) => [r.sweep, r.status]), [[id, 'damaged']]);
    assert.match(ls.stderr, new RegExp(`^warning: ${sweep}/sweep\\.json is missing; ${name}/${id} is listed as damaged \\(dlsweep verify ${name}/${id}\\)$`, 'm'));
    const v = runCli(['verify'], dir);
    assert.equal(v.code, 1, v.stdout);
    assert.match(v.stdout, /^  damaged: sweep\.json is missing$/m);
    assert.ok(v.stdout.includes(fix), v.stdout);
    const show = runCli(['show', `${name}/${id}`], dir);
    assert.equal(show.code, 2);
    assert.ok(show.stderr.startsWith(`error: ${sweep}/sweep.json is missing\nhint: the sweep's record was deleted or lost outside dlsweep; its run folders are intact: keep the folder`), show.stderr);
    assert.ok(show.stderr.includes(fix) && !show.stderr.includes('.damaged'), show.stderr);
    // The runs are still read.
    const compare = runCli(['compare', `${name}/${id}`, '--columns', 'run,status', '--format', 'json'], dir);
    assert.equal(compare.code, 0, compare.stderr);
    assert.equal((JSON.parse(compare.stdout) as { rows: unknown[] }).rows.length, runFolders(sweep).length);

    const r = runCli(['run', file, '--resume', id, '--repair', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(runFiles(sweep), files, `${name}: nothing trained again`);
    const rebuilt = readJson(join(sweep, 'sweep.json'));
    for (const key of ['id', 'experiment', 'status', 'grid_size', 'plan_hash', 'counts', 'best', 'search']) assert.deepEqual(rebuilt[key], good[key], `${name}: ${key}`);
    assert.ok(!readdirSync(sweep).some((n) => n.includes('damaged')));
    assert.equal(runCli(['verify', `${name}/${id}`], dir).code, 0);
  }

  // Nothing left to rebuild from: the hint says to remove it, and rm does.
  const { dir, id, sweep } = recordedSweep('dlsweep-missing-record-rm-', 'sr.yaml', 'sr', TWO);
  rmSync(join(sweep, 'sweep.json'));
  rmSync(join(sweep, 'experiment.yaml'));
  const show = runCli(['show', `sr/${id}`], dir);
  assert.equal(show.code, 2);
  assert.match(show.stderr, new RegExp(`\\nhint: the sweep's record and the experiment file it ran \\(\\S+experiment\\.yaml\\) are gone, so the record cannot be rebuilt; .*remove the sweep with: dlsweep rm sr/${id}\\n$`));
  const v = runCli(['verify', `sr/${id}`], dir);
  assert.match(v.stdout, new RegExp(`cannot be rebuilt.*dlsweep rm sr/${id}`));
  // gc leaves it to an explicit rm, and says so.
  const gc = runCli(['gc', '--keep', '0', '--dry-run'], dir);
  assert.equal(gc.code, 0, gc.stderr);
  assert.match(gc.stderr, new RegExp(`^kept \\(its sweep\\.json damaged or missing: dlsweep verify says how to rebuild it, or remove it with dlsweep rm\\): sr/${id}$`, 'm'));
  assert.doesNotMatch(v.stdout, /--repair/);
  const rm = runCli(['rm', `sr/${id}`, '--yes'], dir);
  assert.equal(rm.code, 0, rm.stderr);
  assert.ok(!existsSync(sweep));
});
