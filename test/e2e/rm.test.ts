import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readJson, runCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

/** Every file size under a folder, summed (the expected ls --size), by a walk of its own. */
function bytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((s, e) => s + statSync(join(e.parentPath ?? (e as any).path, e.name)).size, 0);
}

function sweepsOf(runs: string, exp: string): string[] {
  return readdirSync(join(runs, exp)).filter((n) => /^\d{8}-\d{6}-[0-9a-f]{4}$/.test(n)).sort();
}

test('rm, gc and ls --size remove exactly what they say; an interrupted rm leaves nothing ls shows as a sweep', () => {
  const dir = tempDir('dlsweep-rm-');
  const runs = join(dir, 'runs');
  const file = writeExperiment(dir, 'g.yaml', syntheticExperiment('g', '  seed: [1, 2]', 'fixed:\n  iterations: 10\n'));
  const other = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', '  seed: [1]', 'fixed:\n  iterations: 10\n'));
  for (let i = 0; i < 4; i++) assert.equal(runCli(['run', file, '--quiet', '--workers', '1'], dir).code, 0);
  assert.equal(runCli(['run', other, '--quiet', '--workers', '1'], dir).code, 0);
  const g = sweepsOf(runs, 'g');
  assert.equal(g.length, 4);

  // ls --size: each sweep's bytes.
  const ls = JSON.parse(runCli(['ls', '--size', '--format', 'json'], dir).stdout);
  for (const row of ls.rows) assert.equal(row.size_bytes, bytes(join(runs, row.experiment, row.sweep)));

  // rm without --yes and no terminal: refused, nothing removed.
  const no = runCli(['rm', `g/${g[0]}`], dir);
  assert.equal(no.code, 2);
  assert.match(no.stderr, /add --yes/);
  assert.equal(sweepsOf(runs, 'g').length, 4);

  // rm --yes removes exactly that sweep.
  const rm = runCli(['rm', `g/${g[0]}`, '--yes'], dir);
  assert.equal(rm.code, 0, rm.stderr);
  assert.deepEqual(sweepsOf(runs, 'g'), g.slice(1));
  assert.ok(!readdirSync(join(runs, 'g')).some((n) => n.startsWith('.')), readdirSync(join(runs, 'g')).join(' '));

  // A running sweep is refused: its lock held by a live process (this test's).
  const live = join(runs, 'g', g[1]);
  mkdirSync(join(live, '.lock'));
  writeFileSync(join(live, '.lock-owner.json'), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
  const meta = readJson(join(live, 'sweep.json'));
  writeFileSync(join(live, 'sweep.json'), JSON.stringify({ ...meta, status: 'running' }));
  const busy = runCli(['rm', `g/${g[1]}`, '--yes'], dir);
  assert.equal(busy.code, 2);
  assert.match(busy.stderr, /is running/);
  assert.ok(existsSync(live));
  // gc keeps it too, and says so.
  const gcBusy = runCli(['gc', '--keep', '0', '--dry-run'], dir);
  assert.match(gcBusy.stderr, new RegExp(`kept \\(running\\): g/${g[1]}`));
  assert.doesNotMatch(gcBusy.stdout, new RegExp(g[1]));
  // The "sweep" stops: its record says done and its lock is released.
  writeFileSync(join(live, 'sweep.json'), JSON.stringify(meta));
  rmSync(join(live, '.lock'), { recursive: true });
  rmSync(join(live, '.lock-owner.json'));

  // An rm killed after its rename leaves a hidden folder: ls lists no such sweep; the next gc deletes it.
  renameSync(join(runs, 'g', g[2]), join(runs, 'g', `.${g[2]}.removing-99999`));
  const listed = JSON.parse(runCli(['ls', '--format', 'json'], dir).stdout).rows.map((r: any) => r.sweep);
  assert.ok(!listed.includes(g[2]));
  assert.equal(runCli(['show', `g/${g[2]}`], dir).code, 2);

  // gc --keep 0 would remove every sweep: refused, --yes or not, nothing removed; --dry-run lists them and warns.
  const before = [sweepsOf(runs, 'g'), sweepsOf(runs, 'h')];
  for (const yes of [[], ['--yes']]) {
    const all = runCli(['gc', '--keep', '0', ...yes], dir);
    assert.equal(all.code, 2, all.stderr);
    assert.match(all.stderr, new RegExp(`^error: --keep 0 keeps no sweep: gc would remove every sweep under ${runs} \\(3 sweeps, [^)]+\\); not removing them\nhint: keep each experiment's newest with --keep 1, remove only old sweeps with --older-than AGE, or name the sweeps to remove: dlsweep rm SWEEP\\.\\.\\. \\(dlsweep ls lists them\\)\n$`));
    assert.equal(all.stdout, '');
  }
  const allDry = runCli(['gc', '--keep', '0', '--dry-run'], dir);
  assert.equal(allDry.code, 0, allDry.stderr);
  assert.match(allDry.stdout, /^would remove 3 sweeps/);
  assert.match(allDry.stderr, /^warning: --keep 0 keeps no sweep: gc would remove every sweep under .*; without --dry-run it refuses to$/m);
  assert.deepEqual([sweepsOf(runs, 'g'), sweepsOf(runs, 'h')], before);

  // gc --keep 1: the newest sweep of each experiment stays; --dry-run removes nothing.
  const dry = runCli(['gc', '--keep', '1', '--dry-run'], dir);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /would remove 1 sweep/);
  assert.match(dry.stdout, new RegExp(`g/${g[1]}`));
  assert.deepEqual(sweepsOf(runs, 'g'), [g[1], g[3]]);
  const gc = runCli(['gc', '--keep', '1', '--yes'], dir);
  assert.equal(gc.code, 0, gc.stderr);
  assert.deepEqual(sweepsOf(runs, 'g'), [g[3]]);
  assert.deepEqual(readdirSync(join(runs, 'g')), [g[3]]);
  assert.equal(sweepsOf(runs, 'h').length, 1);

  // --older-than: only sweeps started longer ago; a fresh one stays.
  const h = sweepsOf(runs, 'h')[0];
  assert.match(runCli(['gc', '--older-than', '30d', '--yes'], dir).stderr, /nothing to remove/);
  const hMeta = readJson(join(runs, 'h', h, 'sweep.json'));
  writeFileSync(join(runs, 'h', h, 'sweep.json'), JSON.stringify({ ...hMeta, started_at: new Date(Date.now() - 31 * 86_400_000).toISOString() }));
  assert.equal(runCli(['gc', '--older-than', '30d', '--yes'], dir).code, 0);
  assert.equal(existsSync(join(runs, 'h', h)), false);
  assert.deepEqual(sweepsOf(runs, 'g'), [g[3]]);
  assert.equal(runCli(['gc'], dir).code, 2);
  assert.equal(runCli(['gc', '--older-than', '30 days'], dir).code, 2);
});

test('rm refuses an experiment name or folder (which other commands read as its latest sweep): nothing is removed', () => {
  const dir = tempDir('dlsweep-rm-name-');
  const runs = join(dir, 'runs');
  const file = writeExperiment(dir, 'e.yaml', syntheticExperiment('e', '  seed: [1]', 'fixed:\n  iterations: 10\n'));
  assert.equal(runCli(['run', file, '--quiet', '--workers', '1'], dir).code, 0);
  const [sweep] = sweepsOf(runs, 'e');
  for (const target of ['e', join(runs, 'e')]) {
    const r = runCli(['rm', target, '--yes'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `error: "${target}" is an experiment, not a sweep: rm removes the sweeps it is given by name\nhint: name each sweep: e/latest or e/SWEEP_ID (dlsweep ls e lists them); dlsweep gc --keep N removes old ones\n`);
    assert.deepEqual(sweepsOf(runs, 'e'), [sweep]);
  }
  // Its sweep named as a sweep is removed.
  assert.equal(runCli(['rm', 'e/latest', '--yes'], dir).code, 0);
  assert.deepEqual(sweepsOf(runs, 'e'), []);
});

test('lr-find results, invisible to ls, rm and gc: ls names them (an experiment holding only them included) and ls --size counts them; rm and gc remove them', () => {
  const dir = tempDir('dlsweep-rm-lr-');
  const runs = join(dir, 'runs');
  const file = writeExperiment(dir, 'l.yaml', syntheticExperiment('l', '  seed: [1]', 'fixed:\n  iterations: 10\n'));
  assert.equal(runCli(['run', file, '--quiet', '--workers', '1'], dir).code, 0);
  for (let i = 0; i < 3; i++) assert.equal(runCli(['lr-find', file, '--steps', '10'], dir).code, 0);
  const finds = () => readdirSync(join(runs, 'l')).filter((n) => /^lr-find-\d{8}-\d{6}-[0-9a-f]{4}$/.test(n)).sort();
  const made = finds();
  assert.equal(made.length, 3);

  // ls names each, newest first; --size adds their bytes (one decimal of kB, as the sweeps' column).
  const ls = JSON.parse(runCli(['ls', '--size', '--format', 'json'], dir).stdout);
  assert.equal(ls.rows.length, 1);
  const note = ls.notes.find((n: string) => n.startsWith('l: '));
  assert.ok(note, JSON.stringify(ls.notes));
  const kb = `${(made.reduce((s, n) => s + bytes(join(runs, 'l', n)), 0) / 1000).toFixed(1)} kB`;
  assert.ok(note.startsWith(`l: 3 lr-find results (${kb}), newest first: ${[...made].reverse().join(', ')}`), note);
  assert.match(runCli(['ls'], dir).stdout, /: 1 experiment, 1 sweep, 3 lr-find results\n/);

  // The experiment's last sweep removed: ls still lists the experiment and its results; rm says they stay.
  const rm = runCli(['rm', 'l/latest', '--yes'], dir);
  assert.equal(rm.code, 0, rm.stderr);
  assert.match(rm.stderr, /note: l has no sweep left; its 3 lr-find results stay/);
  const only = runCli(['ls', 'l'], dir);
  assert.equal(only.code, 0, only.stderr);
  assert.ok(only.stdout.includes(made[2]), only.stdout);

  // rm removes the one named (by its name or a unique prefix of it); nothing else.
  const one = runCli(['rm', `l/${made[0]}`, '--yes'], dir);
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(finds(), made.slice(1));
  const unknown = runCli(['rm', 'l/lr-find-19990101', '--yes'], dir);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /^error: no lr-find result "lr-find-19990101" of experiment l under /);

  // gc --keep 1 keeps the newest; --older-than goes by the time in the name.
  assert.match(runCli(['gc', '--older-than', '1d', '--yes'], dir).stderr, /nothing to remove/);
  const gc = runCli(['gc', '--keep', '1', '--yes'], dir);
  assert.equal(gc.code, 0, gc.stderr);
  assert.match(gc.stdout, new RegExp(`removed l/${made[1]}`));
  assert.deepEqual(finds(), [made[2]]);
  assert.ok(!readdirSync(join(runs, 'l')).some((n) => n.startsWith('.')), readdirSync(join(runs, 'l')).join(' '));
});
