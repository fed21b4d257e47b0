/**
 * Atomic writes onto a disk with room for part of the file: the write fails with ENOSPC, and no cut file is
 * left to read as whole (a JSON file stays, for readers to find damaged). Real file system: a small tmpfs
 * (mounting needs root; skipped elsewhere).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBytesAtomic, writeTextAtomic, writeTextAtomicSync } from '../../src/store/atomic.js';
import { mountTmpfsOrSkip, unmount } from '../helpers/tmpfs.js';

test('an atomic write cut short by a full disk is an ENOSPC error naming the file, never a cut file in place', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-short-write-'));
  // 64 KiB: room for part of each 100 KB file below.
  if (!mountTmpfsOrSkip(t, dir, 'size=64k')) return;
  try {
    const big = 'x'.repeat(100_000);
    const isShort = (path: string) => (e: NodeJS.ErrnoException) => e.code === 'ENOSPC' && e.path === path && e.message.includes(path);
    const html = join(dir, 'report.html');
    await assert.rejects(writeTextAtomic(html, big), isShort(html));
    assert.equal(existsSync(html), false, 'no cut report.html');
    const md = join(dir, 'table.md');
    assert.throws(() => writeTextAtomicSync(md, big), isShort(md));
    assert.equal(existsSync(md), false, 'no cut table.md');
    const onnx = join(dir, 'model.onnx');
    await assert.rejects(writeBytesAtomic(onnx, new Uint8Array(100_000)), isShort(onnx));
    assert.equal(existsSync(onnx), false, 'no cut model.onnx');
    // A JSON file stays as cut: its reader finds it damaged (sweep.json is then repaired, not lost).
    const json = join(dir, 'sweep.json');
    await assert.rejects(writeTextAtomic(json, `{"a": "${big}"}`), isShort(json));
    assert.ok(statSync(json).size < big.length);
    assert.throws(() => JSON.parse(readFileSync(json, 'utf8')));
    rmSync(json);
    // A file that fits is written whole, as before.
    const small = join(dir, 'small.txt');
    await writeTextAtomic(small, 'fits\n');
    assert.equal(readFileSync(small, 'utf8'), 'fits\n');
  } finally {
    unmount(dir);
  }
});
