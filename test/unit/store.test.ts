import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SWEEP_ID_PATTERN, newSweepId } from '../../src/store/paths.js';
import { createSweepFolder, experimentsIn, sweepsOf } from '../../src/store/sweep-folders.js';
import { isAlive, lockHolderAlive, lockSweep } from '../../src/store/lock.js';
import { liveStatus } from '../../src/store/live-status.js';
import type { SweepFile } from '../../src/store/records.js';
import { checkCurve, checkMetrics, checkModel } from '../../src/store/integrity.js';
import { makeDirs } from '../../src/store/dirs.js';
import { writeBytesAtomic, writeTextAtomic, writeTextAtomicSync } from '../../src/store/atomic.js';
import { describeWriteError, writeErrorHint } from '../../src/cli/write-errors.js';
import { readdirSync as listFolder } from 'node:fs';
import { runCli, tempDir } from '../helpers/cli.js';

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'dlsweep-store-'));
}

test('sweep ids sort by start time to the millisecond, whatever their random bits', () => {
  const t = Date.UTC(2026, 10, 29, 11, 15, 2);
  // 0x3fa2 = 254 ms * 64 + 34
  assert.equal(newSweepId(new Date(t + 254), 34), '20261129-111502-3fa2');
  assert.equal(newSweepId(new Date(t + 999), 63), '20261129-111502-f9ff');
  assert.equal(newSweepId(new Date(t), 0), '20261129-111502-0000');
  for (let ms = 0; ms < 999; ms += 37) {
    const early = newSweepId(new Date(t + ms), 63);
    const late = newSweepId(new Date(t + ms + 1), 0);
    assert.match(early, SWEEP_ID_PATTERN);
    assert.ok(early < late, `${early} < ${late}`);
  }
});

test('two sweeps that draw the same id in the same millisecond get different folders', () => {
  const runs = temp();
  const now = () => new Date(Date.UTC(2026, 10, 29, 11, 15, 2, 254));
  const draws = [34, 34, 35];
  const random = () => draws.shift() ?? 36;
  const a = createSweepFolder(runs, 'e', (id) => ({ 'sweep.json': `{"id":"${id}"}\n` }), { now, random });
  const b = createSweepFolder(runs, 'e', (id) => ({ 'sweep.json': `{"id":"${id}"}\n` }), { now, random });
  assert.equal(a.id, '20261129-111502-3fa2');
  assert.equal(b.id, '20261129-111502-3fa3');
  assert.equal(JSON.parse(readFileSync(join(b.dir, 'sweep.json'), 'utf8')).id, b.id);
  assert.deepEqual(readdirSync(join(runs, 'e')).sort(), [a.id, b.id]);
});

test('a sweep whose id is taken by another process while its folder is filled retries with a new id, leaving no temporary folder', () => {
  const runs = temp();
  const now = () => new Date(Date.UTC(2026, 10, 29, 11, 15, 2, 254));
  const draws = [34, 40];
  let raced = false;
  const made = createSweepFolder(
    runs,
    'e',
    (id) => {
      if (!raced) {
        // The other process wins the race for this id: its folder appears, complete, before our rename.
        raced = true;
        mkdirSync(join(runs, 'e', id));
        writeFileSync(join(runs, 'e', id, 'sweep.json'), '{"other":true}\n');
      }
      return { 'sweep.json': `{"id":"${id}"}\n`, 'experiment.yaml': 'name: e\n' };
    },
    { now, random: () => draws.shift()! },
  );
  assert.equal(made.id, '20261129-111502-3fa8');
  assert.equal(readFileSync(join(runs, 'e', '20261129-111502-3fa2', 'sweep.json'), 'utf8'), '{"other":true}\n');
  assert.deepEqual(readdirSync(join(runs, 'e')).sort(), ['20261129-111502-3fa2', '20261129-111502-3fa8']);
  assert.deepEqual(sweepsOf(join(runs, 'e')).map((d) => d.slice(-20)), ['20261129-111502-3fa2', '20261129-111502-3fa8']);
});

/**
 * A zombie: a child of `sh` that exits after sh has replaced itself by `sleep`, which never reaps it. On a
 * slow machine the child can end before the exec and be reaped by sh: then try again with a longer life.
 */
async function zombie(): Promise<{ pid: number; stop: () => void }> {
  for (const life of [0.2, 1, 3]) {
    const parent = spawn('sh', ['-c', `sleep ${life} & echo $!; exec sleep 60`], { stdio: ['ignore', 'pipe', 'ignore'] });
    const stop = () => parent.kill('SIGKILL');
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
    const state = () => {
      try {
        return /\) (\S) /.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
      } catch {
        return undefined; // reaped
      }
    };
    for (let i = 0; i < 1000 && state() !== undefined && state() !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
    if (state() === 'Z') return { pid, stop };
    stop();
  }
  throw new Error('could not make a zombie process');
}

test('a zombie is not alive: a lock it holds is taken over at once, never refused with "kill PID"', { skip: !existsSync('/proc/self/stat') && 'needs /proc' }, async () => {
  const z = await zombie();
  try {
    assert.match(readFileSync(`/proc/${z.pid}/stat`, 'utf8'), /\) Z /);
    // Signal 0 still reaches it, yet it runs nothing.
    assert.doesNotThrow(() => process.kill(z.pid, 0));
    assert.equal(isAlive(z.pid), false);
    assert.equal(isAlive(process.pid), true);
    const sweep = temp();
    mkdirSync(join(sweep, '.lock'));
    writeFileSync(join(sweep, '.lock-owner.json'), JSON.stringify({ pid: z.pid, host: hostname(), since: new Date().toISOString() }));
    assert.equal(lockHolderAlive(sweep), false);
    const release = await lockSweep(sweep);
    assert.equal(JSON.parse(readFileSync(join(sweep, '.lock-owner.json'), 'utf8')).pid, process.pid);
    await release();
  } finally {
    z.stop();
  }
});

test('a new sweep marked running is running between the creation of its folder and the taking of its lock; stopped once both are 15 s old', async () => {
  const runs = temp();
  const { dir } = createSweepFolder(runs, 'exp', () => ({ 'sweep.json': '{"status": "running"}\n' }));
  const sweep = { status: 'running' } as SweepFile;
  const written = statSync(join(dir, 'sweep.json')).mtimeMs;
  // The process that created it has not taken the lock yet (it loads the lock library first).
  assert.equal(existsSync(join(dir, '.lock')), false);
  assert.equal(liveStatus(dir, sweep, written + 1_000), 'running');
  // No lock 15 s after the record was written: the process died before locking.
  assert.equal(liveStatus(dir, sweep, written + 16_000), 'stopped');
  const release = await lockSweep(dir);
  try {
    const locked = statSync(join(dir, '.lock')).mtimeMs;
    assert.equal(liveStatus(dir, sweep, locked + 1_000), 'running');
    assert.equal(liveStatus(dir, sweep, locked + 16_000), 'stopped');
  } finally {
    await release();
  }
});

test('run files cut short or not as written are found: curve.csv, model.json, metrics.json', () => {
  const curve = 'iteration,train_loss,validation_loss\n0,0.69,0.7\n10,0.5,0.55\n20,0.4,0.45\n';
  assert.deepEqual(checkCurve(curve, 20), []);
  assert.deepEqual(checkCurve(curve.slice(0, -4), 20), ['curve.csv is cut short (no final newline)']);
  assert.deepEqual(checkCurve(curve, 10), ["curve.csv: goes to update 20, past the run's 10"]);
  assert.deepEqual(checkCurve(curve.replace('10,0.5,0.55', '10,0.5'), 20), ['curve.csv: line 3 is not iteration,train_loss,validation_loss']);
  assert.deepEqual(checkCurve('iteration,train_loss,validation_loss\n0,NaN,Infinity\n', 5), []);
  const model = { dims: [2, 3, 1], hidden_activation: 'relu', output_activation: 'sigmoid', W: [[[1, 2], [3, 4], [5, 6]], [[1, 2, 3]]], b: [[0, 0, 0], [0]] };
  assert.deepEqual(checkModel(JSON.stringify(model)), []);
  assert.deepEqual(checkModel(JSON.stringify({ ...model, W: [model.W[0].slice(0, 2), model.W[1]] })), ['model.json: W[0] is not 3 x 2 finite numbers']);
  assert.deepEqual(checkModel(JSON.stringify(model).slice(0, 30)), ['model.json is not valid JSON (30 bytes)']);
  assert.deepEqual(checkMetrics({ status: 'done' }), ['metrics.json: status done without any metrics']);
  assert.deepEqual(checkMetrics({ status: 'finished' }), ['metrics.json: unknown status "finished"']);
  // A metric edited into the wrong type is named with its value, not as missing.
  const split = { loss: 0.1, accuracy: 0.9, confusion: { tn: 1, fp: 0, fn: 0, tp: 1 } };
  assert.deepEqual(checkMetrics({ status: 'done', train: split, validation: { ...split, accuracy: 'high' } }), ['metrics.json: status done but validation.accuracy is "high", not a number']);
  assert.deepEqual(checkMetrics({ status: 'done', train: split, validation: { ...split, loss: undefined } }), ['metrics.json: status done but validation.loss is missing']);
});

test('regression: a runs folder under /proc fails at once with a permission error (Node\'s recursive mkdir retried forever there)', { skip: existsSync('/proc/self') ? false : 'no /proc on this system' }, () => {
  const target = `/proc/${process.pid}/dlsweep-runs/experiment`;
  assert.throws(
    () => makeDirs(target),
    (e: NodeJS.ErrnoException) => e.code === 'EPERM' && e.path === `/proc/${process.pid}/dlsweep-runs`,
  );
  // The ordinary case still creates every missing parent.
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-dirs-'));
  makeDirs(join(dir, 'a', 'b', 'c'));
  assert.ok(existsSync(join(dir, 'a', 'b', 'c')));
});

test('regression: a --runs-dir that is a file is said to be one (it was listed as holding no sweeps yet); a missing one holds none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-runsdir-'));
  const file = join(dir, 'runs');
  writeFileSync(file, 'not a folder');
  assert.throws(() => experimentsIn(file), (e: Error & { hint?: string }) => /is a file, not a folder of sweeps/.test(e.message) && /--runs-dir runs/.test(e.hint ?? ''));
  assert.deepEqual(experimentsIn(join(dir, 'missing')), []);
});

test('a failed atomic write names the file written, never its temporary file (<name>.<digits>)', async () => {
  const dir = temp();
  const inMissingFolder = join(dir, 'missing', 'metrics.json');
  mkdirSync(join(dir, 'taken.json')); // a folder where the file should go: the final rename fails
  const onFolder = join(dir, 'taken.json');
  const writes: [string, string, () => Promise<void> | void][] = [
    ['async, missing folder', inMissingFolder, () => writeTextAtomic(inMissingFolder, 'x')],
    ['sync, missing folder', inMissingFolder, () => writeTextAtomicSync(inMissingFolder, 'x')],
    ['bytes, missing folder', inMissingFolder, () => writeBytesAtomic(inMissingFolder, new Uint8Array([1]))],
    ['async, onto a folder', onFolder, () => writeTextAtomic(onFolder, 'x')],
    ['sync, onto a folder', onFolder, () => writeTextAtomicSync(onFolder, 'x')],
  ];
  for (const [label, target, write] of writes) {
    let error: NodeJS.ErrnoException | undefined;
    try {
      await write();
    } catch (e) {
      error = e as NodeJS.ErrnoException;
    }
    assert.ok(error, `${label}: the write fails`);
    assert.equal(error.path, target, label);
    assert.ok(error.message.includes(target), `${label}: ${error.message}`);
    assert.doesNotMatch(error.message, /\.json\.\d+/, `${label}: ${error.message}`);
    if (error.code === 'EISDIR') assert.equal(describeWriteError(error), `cannot write ${target}: it is a folder (EISDIR)`);
  }
  // No temporary file is left behind either.
  assert.deepEqual(readdirSync(dir), ['taken.json']);
});

/** A folder this process may not list, when the system has one (/proc/1/fdinfo in a container), else undefined. */
function unlistableFolder(): string | undefined {
  try {
    listFolder('/proc/1/fdinfo');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EACCES') return '/proc/1';
  }
  return undefined;
}

test('a folder that cannot be read is said to be unreadable, not unwritable (ls writes nothing)', () => {
  // The error Node gives for a folder that cannot be listed.
  const listing = Object.assign(new Error("EACCES: permission denied, scandir '/srv/runs/x'"), { code: 'EACCES', syscall: 'scandir', path: '/srv/runs/x' });
  assert.equal(describeWriteError(listing), 'cannot read /srv/runs/x: permission denied (EACCES)');
  assert.match(writeErrorHint(listing), /--runs-dir a folder of sweeps .* can read/);
  const writing = Object.assign(new Error("EACCES: permission denied, open '/srv/runs/x/sweep.json'"), { code: 'EACCES', syscall: 'open', path: '/srv/runs/x/sweep.json' });
  assert.equal(describeWriteError(writing), 'cannot write /srv/runs/x/sweep.json: permission denied (EACCES)');
});

test('dlsweep --runs-dir /proc/1 ls: cannot read, never cannot write', { skip: unlistableFolder() ? false : 'every folder under /proc/1 can be listed here' }, () => {
  const r = runCli(['--runs-dir', unlistableFolder()!, 'ls'], tempDir());
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^error: cannot read \/proc\/1\/\S+: permission denied \(EACCES\)\nhint: give --runs-dir a folder of sweeps/);
  assert.doesNotMatch(r.stderr, /cannot write/);
});
