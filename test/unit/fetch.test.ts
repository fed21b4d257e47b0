/**
 * src/datasets/install.ts and download.ts against a real HTTP server on 127.0.0.1 (no outside network): good downloads, every
 * way a download fails (nothing left behind, a message that says what happened), --from, existing files,
 * the automatic download on first use, and `data ls`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataLs, dataLsCommand } from '../../src/cli/data-ls.js';
import type { CliIO } from '../../src/cli/io.js';
import { ensureDataset, fetchDataset, timeoutFromEnv } from '../../src/datasets/install.js';
import { missingFileMessage, WISCONSIN } from '../../src/datasets/registry.js';

const wisconsinMissingMessage = (path: string): string => missingFileMessage(WISCONSIN, path);
import { UserError } from '../../src/errors.js';
import type { CsvDatasetConfig, DatasetConfig } from '../../src/experiment/types.js';
import { closedPort, startServer, type TestServer } from '../helpers/http-server.js';
import { GET_WISCONSIN, skipUnlessPresent } from '../helpers/requirements.js';

const REAL = resolve(process.cwd(), 'data/wisconsin-cancer-dataset.csv');
const HAS_REAL = existsSync(REAL);
const NO_REAL = skipUnlessPresent([REAL], `the real-checksum path needs it; ${GET_WISCONSIN}`);
const FILE = 'wisconsin-cancer-dataset.csv';

// A stand-in file for tests that do not need the real bytes (with an expected-checksum override).
const FAKE = Buffer.from(Array.from({ length: 40 }, (_, i) => `${1000 + i},5,1,1,1,2,1,3,1,1,${i % 3 ? 2 : 4}`).join('\n') + '\n');
const FAKE_SHA = createHash('sha256').update(FAKE).digest('hex');
const BODY = HAS_REAL ? readFileSync(REAL) : FAKE;
const BODY_SHA = HAS_REAL ? WISCONSIN.source.sha256 : FAKE_SHA;

const root = mkdtempSync(join(tmpdir(), 'dlsweep-fetch-'));
let n = 0;
function freshDir(): string {
  return join(root, `d${n++}`);
}
function listing(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Run fn, expecting a UserError; return it. */
async function userError(fn: () => Promise<unknown>): Promise<UserError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${(e as Error)?.stack ?? e}`);
    return e;
  }
  assert.fail('expected a UserError, nothing was thrown');
}

let server: TestServer;
let fakeServer: TestServer;
before(async () => {
  server = await startServer(BODY);
  fakeServer = await startServer(FAKE);
});
after(async () => {
  await server.close();
  await fakeServer.close();
});

describe('fetchDataset: downloads', () => {
  test('a good download of the real file: installed, checksum verified, 699 rows, no temporary files left', { skip: NO_REAL, timeout: 10_000 }, async () => {
    const dir = freshDir();
    const lines: string[] = [];
    const r = await fetchDataset('wisconsin', { dataDir: dir, url: `${server.base}/good`, log: (l) => lines.push(l) });
    assert.equal(r.action, 'downloaded');
    assert.equal(r.path, join(dir, FILE));
    assert.equal(r.sha256, WISCONSIN.source.sha256);
    assert.equal(r.bytes, BODY.length);
    assert.equal(r.rows, 699);
    assert.equal(r.source, `${server.base}/good`);
    assert.deepEqual(listing(dir), [FILE]);
    assert.equal(createHash('sha256').update(readFileSync(r.path)).digest('hex'), WISCONSIN.source.sha256);
    assert.match(lines.join('\n'), /saved .*19889 bytes, 699 rows/);
  });

  test('a good download with an expected-checksum override (stand-in file)', { timeout: 10_000 }, async () => {
    const dir = freshDir();
    const r = await fetchDataset('wisconsin', { dataDir: dir, url: `${fakeServer.base}/good`, expectedSha256: FAKE_SHA });
    assert.equal(r.sha256, FAKE_SHA);
    assert.equal(r.rows, 40);
    assert.deepEqual(readFileSync(r.path), FAKE);
    assert.deepEqual(listing(dir), [FILE]);
  });

  test('a slow download that never stalls as long as the timeout succeeds (the timer is re-armed per chunk)', { timeout: 10_000 }, async () => {
    const slow = await startServer(FAKE, { slowGapMs: 150 });
    try {
      const dir = freshDir();
      // 4 pieces 150 ms apart: ~450 ms in all, longer than the 300 ms stall timeout.
      const r = await fetchDataset('wisconsin', { dataDir: dir, url: `${slow.base}/slow`, expectedSha256: FAKE_SHA, timeoutMs: 300 });
      assert.equal(r.bytes, FAKE.length);
    } finally {
      await slow.close();
    }
  });

  test('checksum mismatch: nothing left behind, the message gives expected and actual sha256', { timeout: 10_000 }, async () => {
    const dir = freshDir();
    const e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, url: `${server.base}/other` }));
    assert.match(e.message, /checksum mismatch/);
    assert.match(e.message, new RegExp(`expected sha256 ${WISCONSIN.source.sha256}, got [0-9a-f]{64}`));
    assert.match(e.hint ?? '', new RegExp(`save it as ${escape(join(dir, FILE))}`));
    assert.deepEqual(listing(dir), []);
  });

  test('truncated body (Content-Length larger than what arrives, connection closed): nothing left, says truncated', { timeout: 10_000 }, async () => {
    const dir = freshDir();
    const e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, url: `${server.base}/truncated` }));
    assert.match(e.message, new RegExp(`download truncated: got \\d+ bytes of ${BODY.length}`));
    assert.deepEqual(listing(dir), []);
  });

  test('HTTP 404: nothing left, says the status and the URL', { timeout: 10_000 }, async () => {
    const dir = freshDir();
    const url = `${server.base}/missing.data`;
    const e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, url }));
    assert.match(e.message, new RegExp(`HTTP 404 Not Found from ${escape(url)}`));
    assert.deepEqual(listing(dir), []);
  });

  test('a server that sends headers and then stalls: timed out, nothing left', { timeout: 10_000 }, async () => {
    const dir = freshDir();
    const t0 = Date.now();
    const e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, url: `${server.base}/stall`, timeoutMs: 300 }));
    assert.match(e.message, /timed out after 0\.3s with no data/);
    assert.ok(Date.now() - t0 < 5000, 'gave up promptly');
    assert.deepEqual(listing(dir), []);
  });

  test('connection refused: "no network access", with the address and the exact path for a copy by hand', { timeout: 10_000 }, async () => {
    const dir = freshDir();
    const port = await closedPort();
    const e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, url: `http://127.0.0.1:${port}/x.data` }));
    assert.match(e.message, new RegExp(`no network access to 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED`));
    const hint = e.hint ?? '';
    assert.ok(hint.includes(WISCONSIN.source.url), hint);
    assert.ok(hint.includes(join(dir, FILE)), hint);
    assert.match(hint, /--from FILE/);
    assert.deepEqual(listing(dir), []);
  });

  test('not an http(s) URL is refused before anything is created', async () => {
    const dir = freshDir();
    const e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, url: 'ftp://example.org/x' }));
    assert.match(e.message, /only http:\/\/ and https:\/\//);
    assert.deepEqual(listing(dir), []);
  });

  test('an unknown dataset name lists the known ones', async () => {
    const e = await userError(() => fetchDataset('nope', { dataDir: freshDir() }));
    assert.match(e.message, /unknown dataset "nope"/);
    assert.match(e.hint ?? '', /known datasets: wisconsin/);
  });

  test('a temporary file left by a dead process is cleaned up; the data folder ends with the file alone', { timeout: 10_000 }, async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    // pid above Linux's maximum: never a live process.
    writeFileSync(join(dir, `.${FILE}.999999999.abcd1234.part`), 'partial');
    await fetchDataset('wisconsin', { dataDir: dir, url: `${fakeServer.base}/good`, expectedSha256: FAKE_SHA });
    assert.deepEqual(listing(dir), [FILE]);
  });
});

describe('fetchDataset: --from and existing files', () => {
  test('--from the real file installs it', { skip: NO_REAL }, async () => {
    const dir = freshDir();
    const r = await fetchDataset('wisconsin', { dataDir: dir, from: REAL });
    assert.equal(r.action, 'copied');
    assert.equal(r.sha256, WISCONSIN.source.sha256);
    assert.equal(r.rows, 699);
    assert.deepEqual(listing(dir), [FILE]);
  });

  test('--from a wrong file: refused with expected/got, nothing left', async () => {
    const dir = freshDir();
    const other = join(root, 'other.csv');
    writeFileSync(other, FAKE);
    const e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, from: other }));
    assert.match(e.message, new RegExp(`is not breast-cancer-wisconsin\\.data: checksum mismatch: expected sha256 ${WISCONSIN.source.sha256}, got ${FAKE_SHA}`));
    assert.deepEqual(listing(dir), []);
  });

  test('--from a missing file, and --from with --url, are refused', async () => {
    const dir = freshDir();
    const lines: string[] = [];
    let e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, from: join(root, 'nowhere.csv'), log: (l) => lines.push(l) }));
    assert.equal(e.message, `--from: no such file: ${join(root, 'nowhere.csv')}`);
    // Nothing said before the error (no "copying ..."), no data folder made.
    assert.deepEqual(lines, []);
    assert.equal(existsSync(dir), false);
    e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, from: REAL, url: `${server.base}/good` }));
    assert.match(e.message, /--from and --url cannot be used together/);
  });

  test('an existing file with the right checksum: already there, no download', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, FILE), BODY);
    const before = server.hits.get('/good') ?? 0;
    const lines: string[] = [];
    const r = await fetchDataset('wisconsin', { dataDir: dir, url: `${server.base}/good`, expectedSha256: BODY_SHA, log: (l) => lines.push(l) });
    assert.equal(r.action, 'present');
    assert.equal(server.hits.get('/good') ?? 0, before, 'no request was made');
    assert.match(lines.join('\n'), /is already there/);
  });

  test('a missing, non-file or unreadable --from is refused naming it, even when the dataset is installed already (it once said "nothing to do")', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, FILE), BODY);
    const missing = join(root, 'typo', 'nowhere.csv');
    const lines: string[] = [];
    let e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, from: missing, expectedSha256: BODY_SHA, log: (l) => lines.push(l) }));
    assert.equal(e.message, `--from: no such file: ${missing}`);
    assert.deepEqual(lines, [], 'no "already there" before the error');
    e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, from: root, expectedSha256: BODY_SHA }));
    assert.equal(e.message, `--from: not a file: ${root}`);
    // Root reads any file: the unreadable case needs an ordinary user.
    if (process.getuid?.() !== 0) {
      const locked = join(root, 'locked.csv');
      writeFileSync(locked, BODY, { mode: 0o000 });
      e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, from: locked, expectedSha256: BODY_SHA }));
      assert.match(e.message, new RegExp(`^--from: cannot read ${escape(locked)}`));
    }
    assert.deepEqual(readFileSync(join(dir, FILE)), BODY, 'the installed file is untouched');
  });

  test('an existing file with a wrong checksum: refused without --force, untouched; replaced with --force', { timeout: 10_000 }, async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const dest = join(dir, FILE);
    writeFileSync(dest, 'my own edits\n');
    const e = await userError(() => fetchDataset('wisconsin', { dataDir: dir, url: `${server.base}/good`, expectedSha256: BODY_SHA }));
    assert.match(e.message, /already exists but is not breast-cancer-wisconsin\.data .*not overwriting it/);
    assert.match(e.hint ?? '', /--force/);
    assert.equal(readFileSync(dest, 'utf8'), 'my own edits\n');

    // A failed forced download keeps the old file (atomic replace).
    await userError(() => fetchDataset('wisconsin', { dataDir: dir, url: `${server.base}/truncated`, expectedSha256: BODY_SHA, force: true }));
    assert.equal(readFileSync(dest, 'utf8'), 'my own edits\n');
    assert.deepEqual(listing(dir), [FILE]);

    const r = await fetchDataset('wisconsin', { dataDir: dir, url: `${server.base}/good`, expectedSha256: BODY_SHA, force: true });
    assert.equal(r.action, 'downloaded');
    assert.deepEqual(readFileSync(dest), BODY);
    assert.deepEqual(listing(dir), [FILE]);
  });
});

describe('ensureDataset: the automatic download on first use', () => {
  const wisconsinConfig = (dir: string): CsvDatasetConfig => ({
    kind: 'csv',
    name: 'wisconsin',
    path: join(dir, FILE),
    header: false,
    delimiter: ',',
    label: 10,
    positive: [4],
    negative: [2],
    drop_columns: [0],
    missing_values: ['?', ''],
    missing_strategy: 'drop',
    normalize: { kind: 'minmax', fit: 'all' },
    split: { kind: 'fixed', train: [0, 499], validation: [501, 682] },
  });

  test('a missing managed file is downloaded from DLSWEEP_WISCONSIN_URL, saying so', { skip: NO_REAL, timeout: 10_000 }, async () => {
    const dir = freshDir();
    const lines: string[] = [];
    await ensureDataset(wisconsinConfig(dir), { log: (l) => lines.push(l), env: { DLSWEEP_WISCONSIN_URL: `${server.base}/good` } });
    assert.match(lines[0], new RegExp(`${escape(FILE)} is missing: downloading it from ${escape(server.base)}/good \\.\\.\\.`));
    assert.equal(createHash('sha256').update(readFileSync(join(dir, FILE))).digest('hex'), WISCONSIN.source.sha256);
  });

  test('a failed automatic download: the failure first, then the missing-file guidance; no data folder left behind', { timeout: 10_000 }, async () => {
    const dir = join(freshDir(), 'data');
    const cfg = wisconsinConfig(dir);
    const e = await userError(() => ensureDataset(cfg, { log: () => {}, env: { DLSWEEP_WISCONSIN_URL: `${server.base}/nothing-here` } }));
    const first = e.message.split('\n')[0];
    assert.match(first, /^wisconsin: .*wisconsin-cancer-dataset\.csv is missing and the automatic download failed: download failed: HTTP 404/);
    assert.doesNotMatch(e.message, /Dataset file not found/);
    for (const line of wisconsinMissingMessage(cfg.path).split('\n').slice(1)) assert.ok(e.message.includes(line), `missing: ${line}`);
    assert.match(e.hint ?? '', /--from FILE/);
    // Neither the data folder nor its parent, both made by the attempt, is left behind.
    assert.equal(existsSync(dir), false);
    assert.equal(existsSync(join(dir, '..')), false);
  });

  test('a download that cannot reach the network says so first, not "file not found"', { timeout: 10_000 }, async () => {
    const dir = freshDir();
    const port = await closedPort();
    const e = await userError(() => ensureDataset(wisconsinConfig(dir), { log: () => {}, env: { DLSWEEP_WISCONSIN_URL: `http://127.0.0.1:${port}/x` } }));
    assert.match(e.message.split('\n')[0], /the automatic download failed: no network access to 127\.0\.0\.1:\d+ \(ECONNREFUSED/);
    assert.equal(existsSync(dir), false);
  });

  test('DLSWEEP_NO_FETCH=1: the plain missing-file message, no request', async () => {
    const dir = freshDir();
    const cfg = wisconsinConfig(dir);
    const before = server.hits.get('/good') ?? 0;
    const e = await userError(() => ensureDataset(cfg, { log: () => assert.fail('no log'), env: { DLSWEEP_NO_FETCH: '1', DLSWEEP_WISCONSIN_URL: `${server.base}/good` } }));
    assert.equal(e.message, wisconsinMissingMessage(cfg.path));
    assert.equal(server.hits.get('/good') ?? 0, before);
  });

  test('a data folder that is a file: one message naming it, before any download (automatic or data fetch)', async () => {
    const file = freshDir();
    mkdirSync(root, { recursive: true });
    writeFileSync(file, 'not a folder\n');
    const before = server.hits.get('/good') ?? 0;
    const refused = (e: UserError): void => {
      assert.equal(e.message, `--data-dir ${file} is a file, not a folder of datasets`);
      assert.match(e.hint ?? '', /^give the folder the datasets are kept in/);
    };
    refused(await userError(() => ensureDataset(wisconsinConfig(file), { log: () => assert.fail('no log'), env: { DLSWEEP_WISCONSIN_URL: `${server.base}/good` } })));
    refused(await userError(() => fetchDataset('wisconsin', { dataDir: file, url: `${server.base}/good`, log: () => assert.fail('no log') })));
    assert.throws(() => dataLsCommand({ dataDir: file }, { cwd: process.cwd() } as CliIO), (e: unknown) => (e instanceof UserError && refused(e), true));
    assert.equal(server.hits.get('/good') ?? 0, before);
    assert.equal(readFileSync(file, 'utf8'), 'not a folder\n');
  });

  test('a present file (whatever its checksum), a synthetic dataset and an unmanaged CSV are left alone', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, FILE), 'not the real one\n');
    const noLog = { log: () => assert.fail('no log'), env: { DLSWEEP_WISCONSIN_URL: `${server.base}/good` } };
    await ensureDataset(wisconsinConfig(dir), noLog);
    const synthetic: DatasetConfig = {
      kind: 'synthetic',
      generator: 'blobs',
      samples: 10,
      features: 2,
      noise: 0.1,
      seed: 0,
      normalize: { kind: 'none', fit: 'train' },
      split: { kind: 'holdout', validation_fraction: 0.2, stratify: true, seed: 0 },
    } as DatasetConfig;
    await ensureDataset(synthetic, noLog);
    const unmanaged = { ...wisconsinConfig(freshDir()), name: undefined };
    await ensureDataset(unmanaged, noLog);
  });
});

describe('dataLs and the timeout setting', () => {
  test('absent: present no, the source URL', () => {
    const rows = dataLs(freshDir());
    assert.equal(rows.length, 1);
    assert.equal(rows[0].name, 'wisconsin');
    assert.equal(rows[0].present, false);
    assert.equal(rows[0].source, WISCONSIN.source.url);
    assert.equal(rows[0].sha256, undefined);
  });

  test('present (the real file): 699 rows, sha256 matches', { skip: NO_REAL }, () => {
    const [row] = dataLs(resolve(process.cwd(), 'data'));
    assert.equal(row.present, true);
    assert.equal(row.rows, 699);
    assert.equal(row.sha256, WISCONSIN.source.sha256);
    assert.equal(row.sha256Matches, true);
  });

  test('present but different: sha256Matches false, rows are non-blank lines', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, FILE), 'a,b\n\n  \nc,d\r\ne,f');
    const [row] = dataLs(dir);
    assert.equal(row.present, true);
    assert.equal(row.rows, 3);
    assert.equal(row.sha256Matches, false);
  });

  test('DLSWEEP_FETCH_TIMEOUT_MS: default 30 s, whole milliseconds, else a UserError', () => {
    assert.equal(timeoutFromEnv({}), 30_000);
    assert.equal(timeoutFromEnv({ DLSWEEP_FETCH_TIMEOUT_MS: '250' }), 250);
    assert.throws(() => timeoutFromEnv({ DLSWEEP_FETCH_TIMEOUT_MS: '1.5s' }), UserError);
    assert.throws(() => timeoutFromEnv({ DLSWEEP_FETCH_TIMEOUT_MS: '0' }), UserError);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
