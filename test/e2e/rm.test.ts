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
