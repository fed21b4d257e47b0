/**
 * The store's writer thread (src/store/writer.ts): the writes handed over are done in order, as the main
 * thread does them (the same bytes), and a failed write stops the writing with the file system's error,
 * as the CLI reports it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { StoreWriter } from '../../src/store/writer.js';
import { jsonWrite, runWrite, statesWrite, type StoreWrite } from '../../src/store/writes.js';
import { writeStates } from '../../src/store/search-states.js';
import { Recorder } from '../../src/store/recorder.js';
import { planSweep } from '../../src/sweep/plan.js';
import { pendingTrainings } from '../../src/sweep/pending.js';
import { orderOf } from '../../src/execute/orders.js';
import { train } from '../../src/train/train.js';
import { plannedExperiment } from '../helpers/experiments.js';
import { learnable } from '../helpers/random-data.js';
import { writeJsonAtomicSync } from '../../src/store/atomic.js';
import { describeWriteError } from '../../src/cli/write-errors.js';

test('writer thread: writes in the order handed over, the same bytes as written here', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-writer-'));
  const writer = new StoreWriter();
  try {
    const value = { b: [1, 0.1, 1e-7], a: 'x', nested: { n: null } };
    for (let i = 0; i < 20; i++) writer.write([jsonWrite(join(dir, `f${i}.json`), { ...value, i })]);
    // The same file written twice: the later write wins.
    writer.write([jsonWrite(join(dir, 'f0.json'), { last: true })]);
    await writer.drained();
    writeJsonAtomicSync(join(dir, 'here.json'), { ...value, i: 3 });
    assert.equal(readFileSync(join(dir, 'f3.json'), 'utf8'), readFileSync(join(dir, 'here.json'), 'utf8'));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'f0.json'), 'utf8')), { last: true });
    // No temporary file left behind.
    assert.deepEqual(readdirSync(dir).filter((f) => !/^(f\d+|here)\.json$/.test(f)), []);
  } finally {
    await writer.close();
  }
});

/** A small grid's runs recorded with held writes, flushed here or handed to a writer; the folder and its run folders. */
async function recordTo(dir: string, writer?: StoreWriter): Promise<string[]> {
  const exp = plannedExperiment({ learning_rate: [0.1, 0.5, 1e6], threshold: [0.3, 0.6] }, { iterations: 40, hidden_sizes: [3], init: 'lecun_normal', seed: 1 }, 10);
  const plan = planSweep(exp, { fingerprint: 'f'.repeat(64), features: 3, trainSamples: 60, folds: 1 });
  const pending = pendingTrainings(plan, new Set(plan.runs.map((r) => r.index)));
  const fold = { train: learnable(60, 1), validation: learnable(30, 2) };
  const recorder = new Recorder(dir, plan, pending, 1, 10, {}, undefined, [fold]);
  recorder.hold();
  for (const p of pending) {
    const o = orderOf(plan, p, { fingerprint: 'f'.repeat(64), folds: [fold] }, 10);
    const result = train({ config: o.config, engine: o.engine, checkpoints: o.checkpoints, thresholds: o.thresholds, curve_every: o.curve_every, train: fold.train, validation: fold.validation, keep_state: true });
    recorder.record(p.training, { status: 'done', results: [result], training_ms: 4 });
    if (result.state) {
      if (writer) writer.write([statesWrite(dir, o.key, 40, [result.state])]);
      else writeStates(dir, o.key, 40, [result.state]);
    }
  }
  if (writer) {
    const writes: StoreWrite[] = [];
    recorder.flush((w) => writes.push(runWrite(dir, w)));
    writer.write(writes);
    await writer.drained();
  } else {
    recorder.flush();
  }
  return plan.runs.map((r) => r.folder);
}

/** Every file under a folder, by its path inside it, with its bytes. */
function filesOf(dir: string, under = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(dir, under)).sort()) {
    const rel = join(under, name);
    if (statSync(join(dir, rel)).isDirectory()) for (const [k, v] of filesOf(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel), 'utf8'));
  }
  return out;
}

test("writer thread: a search's run folders and training states, byte for byte as the main thread writes them", async () => {
  const here = mkdtempSync(join(tmpdir(), 'dlsweep-writer-'));
  const there = mkdtempSync(join(tmpdir(), 'dlsweep-writer-'));
  const writer = new StoreWriter();
  try {
    const folders = await recordTo(here);
    assert.deepEqual(await recordTo(there, writer), folders);
    const a = filesOf(here);
    const b = filesOf(there);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    // Every kind of file is there: the run files, diverged runs' too, and the states.
    for (const f of ['params.json', 'metrics.json', 'model.json', 'curve.csv', 'predictions.csv', 'roc.csv', 'timing.json']) assert.ok([...a.keys()].some((k) => k.endsWith('/' + f)), f);
    assert.ok([...a.keys()].some((k) => k.startsWith('states/')));
    for (const [k, v] of a) if (!k.endsWith('timing.json')) assert.equal(b.get(k), v, k);
  } finally {
    await writer.close();
  }
});

test('writer thread: a failed write stops the writing; drained() rejects with the file system error, as the CLI words it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-writer-'));
  // A file where a folder should be: writing under it fails with ENOTDIR.
  writeFileSync(join(dir, 'blocker'), 'not a folder\n');
  mkdirSync(join(dir, 'ok'));
  const writer = new StoreWriter();
  try {
    writer.write([jsonWrite(join(dir, 'ok', 'before.json'), 1)]);
    writer.write([jsonWrite(join(dir, 'blocker', 'x.json'), 2)]);
    writer.write([jsonWrite(join(dir, 'ok', 'after.json'), 3)]);
    const error = (await writer.drained().then(
      () => assert.fail('no error'),
      (e: unknown) => e,
    )) as NodeJS.ErrnoException;
    assert.equal(error.code, 'ENOTDIR');
    assert.equal(error.path, join(dir, 'blocker', 'x.json'));
    assert.equal(describeWriteError(error), `cannot write ${join(dir, 'blocker', 'x.json')}: a part of the path is a file, not a folder (ENOTDIR)`);
    assert.ok(existsSync(join(dir, 'ok', 'before.json')));
    assert.ok(!existsSync(join(dir, 'ok', 'after.json')), 'a write after the failed one was done');
    // Later writes are not done either, and drained() keeps saying why.
    writer.write([jsonWrite(join(dir, 'ok', 'later.json'), 4)]);
    await assert.rejects(writer.drained(), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
    assert.ok(!existsSync(join(dir, 'ok', 'later.json')));
  } finally {
    await writer.close();
  }
});

test('writer thread started before its first write: idle, it does not keep the process alive; busy, it does until its writes are done', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-writer-'));
  const module = new URL('../../src/store/writer.js', import.meta.url).href;
  // A script file, not -e: the thread inherits the process's flags (--input-type would stop it).
  const run = (body: string) => {
    const script = join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(script, `import { StoreWriter } from ${JSON.stringify(module)};\n${body}\n`);
    return spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
  };
  // Started and never used, never closed: the process ends by itself.
  const idle = run('new StoreWriter().start();');
  assert.equal(idle.status, 0, idle.stderr);
  // Writes handed over and never awaited: the process waits for them, then ends.
  const text = (i: number) => `{"i": ${i}}\n`;
  const busy = run(`const w = new StoreWriter().start(); for (let i = 0; i < 50; i++) w.write([{ kind: 'text', path: ${JSON.stringify(dir)} + '/f' + i + '.json', text: '{"i": ' + i + '}\\n' }]);`);
  assert.equal(busy.status, 0, busy.stderr);
  for (let i = 0; i < 50; i++) assert.equal(readFileSync(join(dir, `f${i}.json`), 'utf8'), text(i));
});

test('writer thread: through(id) resolves once the writes of that call, and of every call before it, are on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-writer-'));
  const writer = new StoreWriter().start();
  try {
    const big = 'x'.repeat(200_000);
    const ids = Array.from({ length: 12 }, (_, i) => writer.write([{ kind: 'text', path: join(dir, `f${i}.txt`), text: big }]));
    assert.equal(writer.write([]), 0, 'nothing handed over');
    await writer.through(ids[7]);
    for (let i = 0; i < 8; i++) assert.equal(statSync(join(dir, `f${i}.txt`)).size, big.length, `f${i}.txt`);
    // A call done already, or no call: at once.
    await writer.through(ids[2]);
    await writer.through(0);
    await writer.through(ids[11]);
    for (let i = 0; i < 12; i++) assert.ok(existsSync(join(dir, `f${i}.txt`)));
  } finally {
    await writer.close();
  }
});

test('writer thread: onFailure hears of the first failed write once, without waiting for a drain; through rejects with it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-writer-'));
  writeFileSync(join(dir, 'blocker'), 'not a folder\n');
  const writer = new StoreWriter();
  const heard: NodeJS.ErrnoException[] = [];
  const failed = new Promise<void>((resolve) => {
    writer.onFailure = (e) => {
      heard.push(e);
      resolve();
    };
  });
  try {
    writer.write([jsonWrite(join(dir, 'blocker', 'x.json'), 1)]);
    const later = writer.write([jsonWrite(join(dir, 'blocker', 'y.json'), 2)]);
    await failed;
    await assert.rejects(writer.through(later), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
    await assert.rejects(writer.drained(), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
    assert.equal(heard.length, 1);
    assert.equal(heard[0].path, join(dir, 'blocker', 'x.json'));
  } finally {
    await writer.close();
  }
});
