import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../../src/errors.js';
import { findRunInSweep, resolveRun } from '../../src/report/run-address.js';
import { linksLeaving, resolveSweep } from '../../src/store/sweep-folders.js';
import { lsCommand } from '../../src/cli/ls.js';
import { compareCommand } from '../../src/cli/compare.js';
import { resolveTarget, showCommand } from '../../src/cli/show.js';
import { reportCommand } from '../../src/cli/report.js';
import { verifyCommand } from '../../src/cli/verify.js';
import { rmCommand } from '../../src/cli/rm.js';
import { tempRunsDir, writeSweep } from './report-fixtures.js';

const runsDir = tempRunsDir();
const p = (lr: number) => ({ params: { learning_rate: lr } });
const s1 = writeSweep(runsDir, 'alpha', '20260101-100000-aaaa', [
  { ...p(0.1), hash: '3fa2c1d0' },
  { ...p(0.2), hash: '3fa2e111' },
  { ...p(0.3), hash: '9b000001' },
]);
const s2 = writeSweep(runsDir, 'alpha', '20260102-100000-bbbb', [{ ...p(0.1), hash: '3fa29999' }, { ...p(0.2), hash: '77aa0000' }]);
writeSweep(runsDir, 'beta', '20260103-100000-cccc', [{ ...p(0.5), hash: 'cafe0001' }]);

function userError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    assert.match(e.message, pattern);
    return true;
  });
}

test('a run by sweep id plus index or hash prefix, EXPERIMENT/latest/INDEX, folder name or path', () => {
  assert.equal(resolveRun(runsDir, '20260101-100000-aaaa/3').run.folder, '0003-9b000001');
  assert.equal(resolveRun(runsDir, '20260101-100000-aaaa/9b').run.folder, '0003-9b000001');
  assert.equal(resolveRun(runsDir, '20260101/3fa2c').run.folder, '0001-3fa2c1d0');
  assert.equal(resolveRun(runsDir, 'alpha/latest/2').run.folder, '0002-77aa0000');
  assert.equal(resolveRun(runsDir, 'alpha/latest/2').sweepDir, s2);
  assert.equal(resolveRun(runsDir, 'alpha/20260101-100000-aaaa/1').run.folder, '0001-3fa2c1d0');
  assert.equal(resolveRun(runsDir, 'alpha/2').run.folder, '0002-77aa0000');
  assert.equal(resolveRun(runsDir, '20260101-100000-aaaa/0002-3fa2e111').run.params.params.learning_rate, 0.2);
  assert.equal(resolveRun(runsDir, join(s1, '0002-3fa2e111')).run.folder, '0002-3fa2e111');
  // A hash prefix longer than 8 digits is matched against the full run id.
  const full = resolveRun(runsDir, '20260101-100000-aaaa/1').run.params.run_id;
  assert.equal(resolveRun(runsDir, `20260101-100000-aaaa/${full.slice(0, 12)}`).run.folder, '0001-3fa2c1d0');
  // A bare hash prefix is searched in every sweep.
  assert.equal(resolveRun(runsDir, 'cafe').sweepDir.endsWith('20260103-100000-cccc'), true);
});

test('ambiguous prefixes get an error listing the matches; unknown runs say what exists', () => {
  userError(() => resolveRun(runsDir, '20260101-100000-aaaa/3fa2'), /"3fa2" matches 2 runs of alpha\/20260101-100000-aaaa: 0001-3fa2c1d0, 0002-3fa2e111/);
  userError(() => resolveRun(runsDir, '3fa2'), /"3fa2" matches 3 runs: alpha\/20260101-100000-aaaa\/0001-3fa2c1d0, alpha\/20260101-100000-aaaa\/0002-3fa2e111, alpha\/20260102-100000-bbbb\/0001-3fa29999/);
  userError(() => resolveRun(runsDir, '20260101-100000-aaaa/7'), /no run "7" in alpha\/20260101-100000-aaaa \(runs 1-3\)/);
  userError(() => resolveRun(runsDir, 'gamma/latest/1'), /no sweep or experiment "gamma\/latest"/);
  userError(() => resolveRun(runsDir, '2026010/1'), /matches 3 sweeps/);
  userError(() => resolveRun(runsDir, 'dead'), /no run with a hash starting "dead"/);
  userError(() => resolveRun(runsDir, 'alpha'), /"alpha" names a sweep \(alpha\/20260102-100000-bbbb\), not a run/);
  userError(() => resolveRun(runsDir, 'alpha/nothing/else'), /does not name a run/);
  userError(() => findRunInSweep(s1, 'ff'), /no run "ff"/);
});

test('a run address given to a command that takes sweeps says it names a run, with show for it and the command for its sweep', async () => {
  const io = { cwd: runsDir, env: {}, stdout: { write: () => true }, stderr: { write: () => true } } as never;
  const refusal = async (call: () => unknown, message: string, hint: string) => {
    await assert.rejects(async () => call(), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.equal(e.message, message);
      assert.equal(e.hint, hint);
      return true;
    });
  };
  // alpha/latest is alpha/20260102-100000-bbbb, whose second run is 0002-77aa0000.
  const run = 'run 2 of alpha/20260102-100000-bbbb';
  await refusal(() => compareCommand(['alpha/latest/2'], { runsDir }, io), `"alpha/latest/2" names a run (${run}), not a sweep: compare takes sweeps`,
    'show the run: dlsweep show alpha/latest/2; compare its sweep: dlsweep compare alpha/latest');
  await refusal(() => reportCommand('alpha/latest/2', { runsDir }, io), `"alpha/latest/2" names a run (${run}), not a sweep: report takes sweeps`,
    "show the run: dlsweep show alpha/latest/2; write its sweep's report: dlsweep report alpha/latest");
  await refusal(() => verifyCommand('alpha/latest/2', { runsDir }, io), `"alpha/latest/2" names a run (${run}), not a sweep: verify takes sweeps`,
    'show the run: dlsweep show alpha/latest/2; check every run of its sweep: dlsweep verify alpha/latest');
  await refusal(() => rmCommand(['alpha/latest/2'], { runsDir, yes: true }, io), `"alpha/latest/2" names a run (${run}), not a sweep: rm takes sweeps`,
    'show the run: dlsweep show alpha/latest/2; to remove the whole sweep that holds it: dlsweep rm alpha/latest');
  // A sweep id with a hash prefix, and a bare hash prefix (its sweep then named by experiment and id).
  await refusal(() => compareCommand(['20260101-100000-aaaa/9b'], { runsDir }, io), '"20260101-100000-aaaa/9b" names a run (run 3 of alpha/20260101-100000-aaaa), not a sweep: compare takes sweeps',
    'show the run: dlsweep show 20260101-100000-aaaa/9b; compare its sweep: dlsweep compare 20260101-100000-aaaa');
  await refusal(() => compareCommand(['cafe'], { runsDir }, io), '"cafe" names a run (run 1 of beta/20260103-100000-cccc), not a sweep: compare takes sweeps',
    'show the run: dlsweep show cafe; compare its sweep: dlsweep compare beta/20260103-100000-cccc');
  // ls lists experiments: a run's or a sweep's address points to its experiment and to show.
  await refusal(() => lsCommand(['alpha/latest/2'], { runsDir }, io), `"alpha/latest/2" names a run (${run}), not an experiment: ls lists experiments and their sweeps`,
    'list its experiment: dlsweep ls alpha; show the run: dlsweep show alpha/latest/2');
  await refusal(() => lsCommand(['alpha/latest'], { runsDir }, io), '"alpha/latest" names a sweep (alpha/20260102-100000-bbbb), not an experiment: ls lists experiments and their sweeps',
    'list its experiment: dlsweep ls alpha; show the sweep: dlsweep show alpha/latest');
  // Nothing removed; a name that is neither keeps the message it had.
  assert.equal(resolveSweep(runsDir, 'alpha/latest'), s2);
  userError(() => resolveSweep(runsDir, 'gamma/latest/1'), /no sweep or experiment "gamma\/latest\/1"/);
});

test('show resolves a sweep first, then a run', () => {
  const sweep = resolveTarget(runsDir, 'alpha');
  assert.equal(sweep.kind, 'sweep');
  assert.equal(sweep.kind === 'sweep' && sweep.dir, s2);
  const run = resolveTarget(runsDir, '20260102-100000-bbbb/1');
  assert.equal(run.kind === 'run' && run.ref.run.folder, '0001-3fa29999');
  assert.equal(resolveTarget(runsDir, 'alpha/20260101').kind, 'sweep');
  const bare = resolveTarget(runsDir, '77aa');
  assert.equal(bare.kind === 'run' && bare.ref.run.folder, '0002-77aa0000');
  userError(() => resolveTarget(runsDir, 'nothing-here'), /no sweep or experiment "nothing-here"/);
});

test('no reference leads outside the runs folder: a sweep or run path elsewhere, ../ names and links are refused', () => {
  // A second runs folder beside the first, and a link inside the first leading to it.
  const elsewhere = tempRunsDir();
  const outside = writeSweep(elsewhere, 'other', '20260104-100000-dddd', [{ ...p(0.7), hash: 'dd000001' }]);
  symlinkSync(join(elsewhere, 'other'), join(runsDir, 'linked'));
  // The other experiment named relative to this runs folder: ../dlsweep-report-.../other.
  const experimentRel = relative(runsDir, join(elsewhere, 'other'));
  try {
    for (const ref of [outside, `${outside}/`, join(outside, '0001-dd000001'), experimentRel, `${experimentRel}/1`, join(runsDir, 'linked', '20260104-100000-dddd'), 'linked', 'linked/latest', 'linked/latest/1']) {
      userError(() => resolveTarget(runsDir, ref), /is outside the runs folder/);
    }
    assert.throws(() => resolveSweep(runsDir, outside), (e: UserError) => e.hint?.endsWith(`pass --runs-dir ${elsewhere}`) === true);
    userError(() => resolveRun(runsDir, join(outside, '0001-dd000001')), /is outside the runs folder/);
    // The same folders named from their own runs folder are found.
    assert.equal(resolveSweep(elsewhere, outside), outside);
    assert.equal(resolveRun(elsewhere, join(outside, '0001-dd000001')).run.folder, '0001-dd000001');
  } finally {
    rmSync(join(runsDir, 'linked'));
  }
});

test('show SWEEP/x where the sweep exists but x selects no run says there is no such run in that sweep, and how to select one', () => {
  const noRun = (ref: string, message: string): void => {
    for (const fn of [() => resolveTarget(runsDir, ref), () => resolveRun(runsDir, ref)]) {
      assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof UserError, String(e));
        assert.equal(e.message, message);
        assert.match(e.hint ?? '', /index \(3\) or a prefix of its hash \(3fa2\)/);
        return true;
      });
    }
  };
  // alpha's sweeps: 20260101-100000-aaaa with 3 runs, 20260102-100000-bbbb (the latest) with 2.
  noRun('20260101-100000-aaaa/zzzz', 'no run "zzzz" in alpha/20260101-100000-aaaa (runs 1-3)');
  noRun('alpha/latest/-1', 'no run "-1" in alpha/20260102-100000-bbbb (runs 1-2)');
  noRun('alpha/20260101-100000-aaaa/zzzz/', 'no run "zzzz" in alpha/20260101-100000-aaaa (runs 1-3)');
  // After a bare experiment name the part may be a mistyped sweep id: still "no sweep".
  userError(() => resolveTarget(runsDir, 'alpha/2026x'), /no sweep or experiment "alpha\/2026x"/);
  // Its hint lists that experiment's sweeps, newest first, not the experiments.
  assert.throws(
    () => resolveTarget(runsDir, 'alpha/2026x'),
    (e: UserError) => e.hint === 'sweeps of alpha, newest first: 20260102-100000-bbbb, 20260101-100000-aaaa; or alpha/latest',
  );
});

test('a path into the runs folder, ./ and ../ segments that stay inside are read as the names under it: latest is never a run', () => {
  // alpha's latest sweep is 20260102-100000-bbbb (2 runs); beta's 20260103-100000-cccc.
  const fromCwd = relative(process.cwd(), runsDir);
  const sweepOf = (ref: string) => {
    const t = resolveTarget(runsDir, ref);
    assert.equal(t.kind, 'sweep', ref);
    return t.kind === 'sweep' ? t.dir : '';
  };
  for (const ref of [`${fromCwd}/alpha/latest`, `./${fromCwd}/alpha/latest/`, `${runsDir}/alpha/latest`, 'beta/../alpha/latest', 'alpha/./latest', `${runsDir}/beta/../alpha`]) {
    assert.equal(sweepOf(ref), s2, ref);
  }
  assert.equal(sweepOf(`${fromCwd}/beta/latest`), join(runsDir, 'beta', '20260103-100000-cccc'));
  assert.equal(resolveSweep(runsDir, `${fromCwd}/alpha/20260101`), s1);
  // Runs: the same forms with a selector after them.
  for (const ref of [`${fromCwd}/alpha/latest/2`, `${runsDir}/alpha/latest/2`, 'beta/../alpha/latest/2', 'alpha/./latest/77aa']) {
    assert.equal(resolveRun(runsDir, ref).run.folder, '0002-77aa0000', ref);
    const t = resolveTarget(runsDir, ref);
    assert.equal(t.kind === 'run' && t.ref.run.folder, '0002-77aa0000', ref);
  }
  // latest where a run is expected: a sweep, said so, with how to name one of its runs.
  userError(() => resolveRun(runsDir, `${fromCwd}/alpha/latest`), /^"[^"]+\/alpha\/latest" names a sweep \(alpha\/20260102-100000-bbbb\), not a run$/);
  userError(() => resolveRun(runsDir, 'alpha/latest'), /names a sweep \(alpha\/20260102-100000-bbbb\), not a run/);
  userError(() => resolveTarget(runsDir, '20260101-100000-aaaa/latest'), /^"latest" after alpha\/20260101-100000-aaaa names no run: latest is the newest sweep of an experiment$/);
  // ../ that climbs out of the runs folder is refused, not read as a name.
  userError(() => resolveTarget(runsDir, 'alpha/../../nowhere/latest'), /^"alpha\/\.\.\/\.\.\/nowhere\/latest" is outside the runs folder/);
});

test('links inside the runs folder are the folder they lead to, whatever their name; links leading out are refused when named and left out of listings with one warning', async () => {
  const elsewhere = tempRunsDir();
  const outside = writeSweep(elsewhere, 'other', '20260105-100000-eeee', [{ ...p(0.9), hash: 'ee000001' }]);
  const links = [join(runsDir, 'alpha', 'first'), join(runsDir, 'alias'), join(runsDir, 'alpha', 'away'), join(runsDir, 'beta', '20260109-100000-ffff')];
  symlinkSync(s1, links[0]); // a sweep of the runs folder, under a name of its own
  symlinkSync(join(runsDir, 'alpha'), links[1]); // an experiment folder of the runs folder
  symlinkSync(outside, links[2]); // a sweep elsewhere, under a name of its own
  symlinkSync(outside, links[3]); // a sweep elsewhere, named as beta's newest sweep
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { cwd: runsDir, env: {}, stdout: { write: (s: string) => ((out.stdout += s), true) }, stderr: { write: (s: string) => ((out.stderr += s), true) } } as never };
  };
  try {
    for (const ref of ['alpha/first', 'alias/first', `${runsDir}/alpha/first`, 'alias/20260101-100000-aaaa']) assert.equal(resolveSweep(runsDir, ref), s1, ref);
    for (const ref of ['alias', 'alias/latest']) assert.equal(resolveSweep(runsDir, ref), s2, ref);
    const run = resolveTarget(runsDir, 'alpha/first/3');
    assert.equal(run.kind === 'run' && run.ref.sweepDir, s1);
    assert.equal(run.kind === 'run' && run.ref.run.folder, '0003-9b000001');
    for (const ref of ['alpha/away', 'alpha/away/1', 'alias/away', 'beta/20260109-100000-ffff', 'beta/20260109']) {
      userError(() => resolveTarget(runsDir, ref), /is outside the runs folder/);
    }
    // An experiment's latest sweep is its newest one inside the runs folder, never a link leading out.
    assert.equal(resolveSweep(runsDir, 'beta'), join(runsDir, 'beta', '20260103-100000-cccc'));
    assert.equal(resolveSweep(runsDir, 'beta/latest'), join(runsDir, 'beta', '20260103-100000-cccc'));
    // Each link leading out once, under the experiment that holds it (not again through alias).
    assert.deepEqual(linksLeaving(runsDir).map((l) => relative(runsDir, l.path)), [join('alpha', 'away'), join('beta', '20260109-100000-ffff')]);
    // ls alias lists alpha, with one warning for the link leading out of it.
    const ls = io();
    assert.equal(await lsCommand(['alias'], { runsDir, format: 'json' }, ls.io), 0);
    assert.deepEqual(JSON.parse(ls.out.stdout).rows.map((r: { sweep: string }) => r.sweep), ['20260102-100000-bbbb', '20260101-100000-aaaa']);
    assert.equal(ls.out.stderr.match(/alpha\/away leads outside the runs folder/g)?.length, 1, ls.out.stderr);
    assert.doesNotMatch(ls.out.stderr, /beta/);
    // compare beta: its latest sweep, with one warning for the link left out.
    const compared = io();
    assert.equal(await compareCommand(['beta'], { runsDir, format: 'json' }, compared.io), 0);
    assert.equal(JSON.parse(compared.out.stdout).title, 'beta/20260103-100000-cccc');
    assert.equal(compared.out.stderr.match(/leads outside the runs folder/g)?.length, 1, compared.out.stderr);
    assert.match(compared.out.stderr, /beta\/20260109-100000-ffff leads outside/);
  } finally {
    for (const l of links) rmSync(l);
  }
});

test('an all-digit run selector is a run number, always: past the last run it is no run, never a hash prefix (EXP/latest/344 showed run 1, hash 3443...)', () => {
  const dir = tempRunsDir();
  const sweep = writeSweep(dir, 'digits', '20260201-100000-dddd', [
    { ...p(0.1), hash: '3443e889' },
    { ...p(0.2), hash: '05f07645' },
    { ...p(0.3), hash: '9b000001' },
  ]);
  // Each of these numbers begins a run's hash (3443e889, 05f07645) and none is a run number of the sweep.
  for (const ref of ['digits/latest/344', 'digits/latest/0', 'digits/latest/05', '20260201-100000-dddd/3443']) {
    const selector = ref.slice(ref.lastIndexOf('/') + 1);
    for (const resolveAny of [() => resolveRun(dir, ref), () => resolveTarget(dir, ref)]) {
      assert.throws(resolveAny, (e: unknown) => {
        assert.ok(e instanceof UserError, String(e));
        assert.equal(e.message, `no run "${selector}" in digits/20260201-100000-dddd (runs 1-3)`);
        return true;
      });
    }
  }
  // The hint says how to reach the run whose hash starts with those digits: its folder, or the hash up to a letter.
  assert.throws(() => resolveRun(dir, 'digits/latest/344'), (e: unknown) => e instanceof UserError && /0001-3443e889/.test(e.hint ?? ''));
  assert.equal(resolveRun(dir, 'digits/latest/3443e').run.folder, '0001-3443e889');
  assert.equal(resolveRun(dir, 'digits/latest/0001-3443e889').run.folder, '0001-3443e889');
  assert.equal(resolveRun(dir, 'digits/latest/05f').run.folder, '0002-05f07645');
  // A number in range, leading zeros or not, is that run.
  assert.equal(resolveRun(dir, 'digits/latest/03').run.folder, '0003-9b000001');
  assert.equal(resolveRun(dir, join(sweep, '0002-05f07645')).run.folder, '0002-05f07645');
});

test('an experiment name typed decomposed (NFD) reaches the folder made composed (NFC) in every address form', async () => {
  const dir = tempRunsDir();
  const nfc = 'nu-caf\u00e9';
  const nfd = 'nu-cafe\u0301';
  assert.notEqual(nfc, nfd);
  const sweep = writeSweep(dir, nfc, '20260301-100000-eeee', [{ ...p(0.1), hash: 'aa000001' }, { ...p(0.2), hash: 'bb000002' }]);
  assert.equal(resolveSweep(dir, nfd), sweep);
  assert.equal(resolveSweep(dir, `${nfd}/latest`), sweep);
  assert.equal(resolveSweep(dir, `${nfd}/20260301-100000-eeee`), sweep);
  assert.deepEqual(resolveTarget(dir, `${nfd}/latest`), { kind: 'sweep', dir: sweep });
  for (const ref of [`${nfd}/latest/2`, `${nfd}/20260301-100000-eeee/bb`, join(dir, nfd, 'latest', '2')]) {
    const found = resolveRun(dir, ref);
    assert.equal(found.sweepDir, sweep, ref);
    assert.equal(found.run.folder, '0002-bb000002', ref);
    const target = resolveTarget(dir, ref);
    assert.ok(target.kind === 'run' && target.ref.run.folder === '0002-bb000002', ref);
  }
  const out: string[] = [];
  const io = { cwd: dir, env: {}, stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => true } } as never;
  assert.equal(await compareCommand([`${nfd}/latest`], { runsDir: dir }, io), 0);
  assert.match(out.join(''), /0002/);
});

test('a bare hash prefix matching copies of one run (reused across sweeps) says so and names the sweeps, not "type more of the hash"', () => {
  const dir = tempRunsDir();
  const first = writeSweep(dir, 'reuse', '20260401-100000-aaaa', [{ ...p(0.1), hash: '7f25ffcb' }]);
  const second = writeSweep(dir, 'reuse', '20260402-100000-bbbb', [{ ...p(0.1), hash: '7f25ffcb' }]);
  // The second sweep's run is a copy of the first's: the same run id (as a reused run is recorded).
  for (const f of ['params.json', 'metrics.json']) copyFileSync(join(first, '0001-7f25ffcb', f), join(second, '0001-7f25ffcb', f));
  const runId = (JSON.parse(readFileSync(join(first, '0001-7f25ffcb', 'params.json'), 'utf8')) as { run_id: string }).run_id;
  for (const prefix of ['7f25ffcb', runId.slice(0, 20)]) {
    assert.throws(() => resolveRun(dir, prefix), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.match(e.message, new RegExp(`matches 2 copies of one run \\(run id ${runId}\\)`));
      assert.ok(e.message.includes('reuse/20260401-100000-aaaa/0001-7f25ffcb') && e.message.includes('reuse/20260402-100000-bbbb/0001-7f25ffcb'), e.message);
      assert.doesNotMatch(e.hint ?? '', /type more of the hash/);
      // The address the hint suggests names one copy.
      const suggested = /dlsweep show (\S+)/.exec(e.hint ?? '')?.[1];
      assert.ok(suggested, e.hint);
      const found = resolveRun(dir, suggested);
      assert.ok([first, second].includes(found.sweepDir));
      assert.equal(found.run.params.run_id, runId);
      return true;
    });
  }
  // Different runs sharing a prefix: more of the hash still tells them apart.
  writeSweep(dir, 'other', '20260403-100000-cccc', [{ ...p(0.5), hash: '7f25ff00' }]);
  assert.throws(() => resolveRun(dir, '7f25ff'), (e: unknown) => e instanceof UserError && /matches 3 runs/.test(e.message) && /type more of the hash/.test(e.hint ?? ''));
});

test('copies of one run that one sweep holds several of are counted by sweep (4 copies in 2 sweeps said "recorded in 4 sweeps")', () => {
  const dir = tempRunsDir();
  // A search that drew one configuration twice records it in two run folders with one run id; run twice.
  const sweeps = ['20260701-100000-aaaa', '20260702-100000-bbbb'].map((id) => writeSweep(dir, 'dup', id, [{ ...p(0.1), hash: '5e0dd1ce' }, { ...p(0.2), hash: '5e0dd1ce' }]));
  const runId = '5e0dd1ce' + 'a'.repeat(56);
  for (const s of sweeps) {
    for (const folder of ['0001-5e0dd1ce', '0002-5e0dd1ce']) {
      for (const f of ['params.json', 'metrics.json']) {
        const file = join(s, folder, f);
        writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), run_id: runId }));
      }
    }
  }
  assert.throws(() => resolveRun(dir, '5e0dd1ce'), (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    assert.match(e.message, /matches 4 copies of one run \(run id 5e0dd1cea+\), recorded in 2 sweeps: /);
    return true;
  });
  // One sweep alone: one sweep, said in the singular.
  rmSync(sweeps[1], { recursive: true });
  assert.throws(() => resolveRun(dir, '5e0dd1ce'), (e: unknown) => e instanceof UserError && /matches 2 copies of one run \(run id 5e0dd1cea+\), recorded in 1 sweep: /.test(e.message));
});

test('copies of one run whose hash is all digits: the address the hint gives works (EXP/SWEEP/06858080 was read as run number 6858080)', () => {
  const dir = tempRunsDir();
  const first = writeSweep(dir, 'digits', '20260501-100000-aaaa', [{ ...p(0.2), hash: '06858080' }, { ...p(0.1), hash: '11aa0000' }]);
  const second = writeSweep(dir, 'digits', '20260502-100000-bbbb', [{ ...p(0.2), hash: '06858080' }]);
  for (const f of ['params.json', 'metrics.json']) copyFileSync(join(first, '0001-06858080', f), join(second, '0001-06858080', f));
  const runId = (JSON.parse(readFileSync(join(first, '0001-06858080', 'params.json'), 'utf8')) as { run_id: string }).run_id;
  for (const resolveAny of [() => resolveRun(dir, '06858080'), () => resolveTarget(dir, '06858080')]) {
    assert.throws(resolveAny, (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.match(e.message, /matches 2 copies of one run/);
      const suggested = /dlsweep show (\S+)/.exec(e.hint ?? '')?.[1];
      assert.ok(suggested, e.hint);
      for (const found of [resolveRun(dir, suggested), (resolveTarget(dir, suggested) as { ref: ReturnType<typeof resolveRun> }).ref]) {
        assert.ok([first, second].includes(found.sweepDir), suggested);
        assert.equal(found.run.params.run_id, runId);
      }
      return true;
    });
  }
});

test('a bare hash prefix of digits only is searched in every sweep, as README says (show 06858080 said no sweep or experiment)', () => {
  const dir = tempRunsDir();
  const sweep = writeSweep(dir, 'digits', '20260601-100000-aaaa', [{ ...p(0.1), hash: '11aa0000' }, { ...p(0.2), hash: '06858080' }]);
  for (const ref of ['06858080', '0685']) {
    assert.equal(resolveRun(dir, ref).run.folder, '0002-06858080', ref);
    const target = resolveTarget(dir, ref);
    assert.ok(target.kind === 'run' && target.ref.sweepDir === sweep && target.ref.run.folder === '0002-06858080', ref);
  }
  // A number beginning a sweep id is still that sweep, in show.
  assert.deepEqual(resolveTarget(dir, '20260601'), { kind: 'sweep', dir: sweep });
  // Digits matching neither: the message says both were looked for.
  for (const resolveAny of [() => resolveRun(dir, '0699'), () => resolveTarget(dir, '0699')]) {
    assert.throws(resolveAny, (e: unknown) => e instanceof UserError && /hash starting "0699"/.test(e.message) && /sweep id/.test(e.message));
  }
});

test('a sweep with no runs yet: no hint suggests a run address (EXP/best hinted EXP/SWEEP/1, which names no run)', () => {
  const dir = tempRunsDir();
  const sweep = writeSweep(dir, 'empty', '20260701-100000-aaaa', [], { status: 'interrupted' });
  const name = 'empty/20260701-100000-aaaa';
  assert.deepEqual(readdirSync(sweep).filter((f) => /^\d{4}-/.test(f)), []);
  for (const ref of ['empty/best', 'empty/latest/1', `${name}/1`, `${name}/best`, `${name}/latest`, 'empty/latest/3fa2', 'best', 'empty/latest']) {
    for (const resolveAny of [() => resolveRun(dir, ref), () => resolveTarget(dir, ref)]) {
      let threw = false;
      try {
        resolveAny();
      } catch (e) {
        threw = true;
        assert.ok(e instanceof UserError, String(e));
        // The hint names no address of a run: nothing after the sweep's name but the resume command.
        assert.doesNotMatch(e.hint ?? '', /20260701-100000-aaaa\/\S/, `${ref}: ${e.hint}`);
        assert.match(e.hint ?? '', new RegExp(`no runs yet.*--resume ${name}`), `${ref}: ${e.hint}`);
      }
      // `show empty/latest` names the sweep itself: that is no error.
      assert.ok(threw || ref === 'empty/latest', ref);
    }
  }
  // show of the sweep itself: no run to show, so no `show SWEEP/1`; how to resume it instead.
  let out = '';
  const io = { cwd: dir, env: {}, stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true } } as never;
  assert.equal(showCommand('empty/latest', { runsDir: dir }, io), 0);
  assert.doesNotMatch(out, /20260701-100000-aaaa\/\S/, out);
  assert.match(out, new RegExp(`no runs yet.*--resume ${name}`), out);
});
