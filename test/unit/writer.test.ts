/**
 * The store's writer thread (src/store/writer.ts): the writes handed over are done in order, as the main
 * thread does them (the same bytes), and a failed write stops the writing with the file system's error,
 * as the CLI reports it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreWriter } from '../../src/store/writer.js';
import { writeJsonAtomicSync } from '../../src/store/atomic.js';
import { describeWriteError } from '../../src/cli/write-errors.js';

test('writer thread: writes in the order handed over, the same bytes as written here', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-writer-'));
  const writer = new StoreWriter();
  try {
    const value = { b: [1, 0.1, 1e-7], a: 'x', nested: { n: null } };
    for (let i = 0; i < 20; i++) writer.write([{ kind: 'json', path: join(dir, `f${i}.json`), value: { ...value, i } }]);
    // The same file written twice: the later write wins.
    writer.write([{ kind: 'json', path: join(dir, 'f0.json'), value: { last: true } }]);
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

test('writer thread: a failed write stops the writing; drained() rejects with the file system error, as the CLI words it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-writer-'));
  // A file where a folder should be: writing under it fails with ENOTDIR.
  writeFileSync(join(dir, 'blocker'), 'not a folder\n');
  mkdirSync(join(dir, 'ok'));
  const writer = new StoreWriter();
  try {
    writer.write([{ kind: 'json', path: join(dir, 'ok', 'before.json'), value: 1 }]);
    writer.write([{ kind: 'json', path: join(dir, 'blocker', 'x.json'), value: 2 }]);
    writer.write([{ kind: 'json', path: join(dir, 'ok', 'after.json'), value: 3 }]);
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
    writer.write([{ kind: 'json', path: join(dir, 'ok', 'later.json'), value: 4 }]);
    await assert.rejects(writer.drained(), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
    assert.ok(!existsSync(join(dir, 'ok', 'later.json')));
  } finally {
    await writer.close();
  }
});
