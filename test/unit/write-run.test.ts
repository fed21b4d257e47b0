/** Writing a run folder twice (a run trained again on resume): the second write leaves the folder as one write would. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRendered } from '../../src/store/write-run.js';

const interrupted = {
  folder: '0005-90f5e1b8',
  files: [
    ['params.json', '{"folder":"0005-90f5e1b8"}\n'],
    ['error.txt', 'interrupted before the training finished\n'],
    ['metrics.json', '{"status":"interrupted"}\n'],
  ] as [string, string][],
};
const done = {
  folder: '0005-90f5e1b8',
  files: [
    ['params.json', '{"folder":"0005-90f5e1b8"}\n'],
    ['curve.csv', 'iteration,loss\n0,0.69\n'],
    ['metrics.json', '{"status":"done"}\n'],
  ] as [string, string][],
};

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

test('a run folder written again without an error (resume after an interruption) keeps no stale error.txt', () => {
  const resumed = mkdtempSync(join(tmpdir(), 'dlsweep-wr-'));
  const once = mkdtempSync(join(tmpdir(), 'dlsweep-wr-'));
  try {
    writeRendered(resumed, interrupted);
    assert.ok(readdirSync(join(resumed, done.folder)).includes('error.txt'));
    writeRendered(resumed, done);
    writeRendered(once, done);
    const got = contents(join(resumed, done.folder));
    assert.deepEqual(Object.keys(got), ['curve.csv', 'metrics.json', 'params.json']);
    assert.deepEqual(got, contents(join(once, done.folder)));
  } finally {
    rmSync(resumed, { recursive: true, force: true });
    rmSync(once, { recursive: true, force: true });
  }
});

test('a run folder written again with an error keeps the new error.txt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-wr-'));
  try {
    writeRendered(dir, interrupted);
    const failed = { folder: done.folder, files: [['params.json', '{}\n'], ['error.txt', 'boom\n'], ['metrics.json', '{"status":"failed"}\n']] as [string, string][] };
    writeRendered(dir, failed);
    assert.equal(readFileSync(join(dir, done.folder, 'error.txt'), 'utf8'), 'boom\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
