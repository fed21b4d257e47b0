/**
 * `dlsweep data fetch` and `dlsweep data ls`, running the built CLI against a real HTTP server on 127.0.0.1
 * started here (no outside network). The CLI runs asynchronously: a synchronous spawn would block this
 * process's event loop, and with it the server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WISCONSIN, hasWisconsin, startCli, tempDir } from '../helpers/cli.js';
import { closedPort, startServer, type TestServer } from '../helpers/http-server.js';
import { GET_WISCONSIN, skipUnlessPresent } from '../helpers/requirements.js';

const SHA = '402c585309c399237740f635ef9919dc512cca12cbeb20de5e563a4593f22b64';
const FILE = 'wisconsin-cancer-dataset.csv';
const NO_REAL = skipUnlessPresent([WISCONSIN], GET_WISCONSIN);
const BODY = hasWisconsin() ? readFileSync(WISCONSIN) : Buffer.from('1000025,5,1,1,1,2,1,3,1,1,2\n');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI without blocking the event loop (the test server lives in this process). */
function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((ok, fail) => {
    const child = startCli(args, cwd, { DLSWEEP_FETCH_TIMEOUT_MS: '5000', ...env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

function dataFiles(cwd: string): string[] {
  const dir = join(cwd, 'data');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

let server: TestServer;
before(async () => {
  server = await startServer(BODY);
});
after(async () => {
  await server.close();
});

describe('dlsweep data fetch', () => {
  test('downloads wisconsin from --url into ./data, checking its sha256', { skip: NO_REAL, timeout: 20_000 }, async () => {
    const cwd = tempDir();
    const r = await cli(['data', 'fetch', 'wisconsin', '--url', `${server.base}/good`], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /saved data\/wisconsin-cancer-dataset\.csv: 19889 bytes, 699 rows, sha256 402c5853/);
    assert.deepEqual(dataFiles(cwd), [FILE]);
    assert.equal(createHash('sha256').update(readFileSync(join(cwd, 'data', FILE))).digest('hex'), SHA);

    // Again: already there, no download.
    const hits = server.hits.get('/good');
    const again = await cli(['data', 'fetch', 'wisconsin', '--url', `${server.base}/good`], cwd);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /is already there/);
    assert.equal(server.hits.get('/good'), hits);
  });

  test('DLSWEEP_WISCONSIN_URL points the download at a mirror; --data-dir picks the folder', { skip: NO_REAL, timeout: 20_000 }, async () => {
    const cwd = tempDir();
    const r = await cli(['data', 'fetch', 'wisconsin', '--data-dir', 'elsewhere'], cwd, { DLSWEEP_WISCONSIN_URL: `${server.base}/good` });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(cwd, 'elsewhere', FILE)));
  });

  const failures: [string, string, RegExp, Record<string, string>?][] = [
    ['checksum mismatch', '/other', new RegExp(`checksum mismatch for the download from .*: expected sha256 ${SHA}, got [0-9a-f]{64}`)],
    ['truncated body', '/truncated', new RegExp(`download truncated: got \\d+ bytes of ${BODY.length}`)],
    ['HTTP 404', '/gone.data', /download failed: HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/gone\.data/],
    ['a stalled server', '/stall', /download timed out after 0\.3s with no data/, { DLSWEEP_FETCH_TIMEOUT_MS: '300' }],
  ];
  for (const [what, path, message, env] of failures) {
    test(`${what}: exit 2, says what happened, where to put the file by hand, nothing left in data/`, { timeout: 20_000 }, async () => {
      const cwd = tempDir();
      const r = await cli(['data', 'fetch', 'wisconsin', '--url', `${server.base}${path}`], cwd, env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /nothing was saved/);
      assert.ok(r.stderr.includes(`save it as ${join(cwd, 'data', FILE)}`), r.stderr);
      assert.deepEqual(dataFiles(cwd), []);
    });
  }

  test('no network (connection refused): exit 2, the address, the exact path and --from', { timeout: 20_000 }, async () => {
    const cwd = tempDir();
    const port = await closedPort();
    const r = await cli(['data', 'fetch', 'wisconsin', '--url', `http://127.0.0.1:${port}/x`], cwd);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`error: no network access to 127\\.0\\.0\\.1:${port}`));
    assert.ok(r.stderr.includes('https://archive.ics.uci.edu/ml/machine-learning-databases/breast-cancer-wisconsin/breast-cancer-wisconsin.data'), r.stderr);
    assert.ok(r.stderr.includes(join(cwd, 'data', FILE)), r.stderr);
    assert.match(r.stderr, /--from FILE/);
    assert.deepEqual(dataFiles(cwd), []);
  });

  test('--from FILE installs a good local copy', { skip: NO_REAL, timeout: 20_000 }, async () => {
    const cwd = tempDir();
    const r = await cli(['data', 'fetch', 'wisconsin', '--from', WISCONSIN], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /saved data\/wisconsin-cancer-dataset\.csv/);
    assert.deepEqual(dataFiles(cwd), [FILE]);
  });

  test('--from a missing file with the dataset already installed: exit 2 naming it, not "nothing to do"', { skip: NO_REAL, timeout: 20_000 }, async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data', FILE), readFileSync(WISCONSIN));
    const r = await cli(['data', 'fetch', 'wisconsin', '--from', 'nonexist.data'], cwd);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(`--from: no such file: ${join(cwd, 'nonexist.data')}`), r.stderr);
    assert.doesNotMatch(r.stdout, /already there/);
  });

  test('--from FILE with the wrong bytes: exit 2, checksum mismatch, nothing installed', { timeout: 20_000 }, async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'mine.csv'), '1,2,3\n');
    const r = await cli(['data', 'fetch', 'wisconsin', '--from', 'mine.csv'], cwd);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`mine\\.csv is not breast-cancer-wisconsin\\.data: checksum mismatch: expected sha256 ${SHA}, got [0-9a-f]{64}`));
    assert.deepEqual(dataFiles(cwd), []);
  });

  test('an existing file with a wrong checksum: exit 2 without --force (untouched), replaced with --force', { skip: NO_REAL, timeout: 20_000 }, async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data', FILE), 'edited\n');
    const r = await cli(['data', 'fetch', 'wisconsin', '--url', `${server.base}/good`], cwd);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /already exists but is not breast-cancer-wisconsin\.data .*not overwriting it/);
    assert.match(r.stderr, /--force/);
    assert.equal(readFileSync(join(cwd, 'data', FILE), 'utf8'), 'edited\n');
    const forced = await cli(['data', 'fetch', 'wisconsin', '--url', `${server.base}/good`, '--force'], cwd);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(readFileSync(join(cwd, 'data', FILE)), BODY);
    assert.deepEqual(dataFiles(cwd), [FILE]);
  });

  test('an unknown name: exit 2 with the known names', { timeout: 20_000 }, async () => {
    const cwd = tempDir();
    const r = await cli(['data', 'fetch', 'nope'], cwd);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: unknown dataset "nope"/);
    assert.match(r.stderr, /hint: known datasets: wisconsin/);
    assert.equal(r.stdout, '');
    assert.deepEqual(dataFiles(cwd), []);
  });
});

describe('dlsweep data ls', () => {
  test('absent: wisconsin no, its source, how to get it', { timeout: 20_000 }, async () => {
    const cwd = tempDir();
    const r = await cli(['data', 'ls'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^dataset\s+present\s+rows\s+sha256\s+path$/m);
    assert.match(r.stdout, /^wisconsin\s+no\s+-\s+-\s+data\/wisconsin-cancer-dataset\.csv$/m);
    assert.match(r.stdout, /wisconsin source: https:\/\/archive\.ics\.uci\.edu\//);
    assert.match(r.stdout, /dlsweep data fetch wisconsin/);
  });

  test('present: yes, 699 rows, the sha256 marked ok', { skip: NO_REAL, timeout: 20_000 }, async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'd'));
    writeFileSync(join(cwd, 'd', FILE), BODY);
    const r = await cli(['data', 'ls', '--data-dir', 'd'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^wisconsin\\s+yes\\s+699\\s+${SHA} \\(ok\\)\\s+d/${FILE}$`, 'm'));
  });

  test('present but different: the sha256 marked as differing', { timeout: 20_000 }, async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data', FILE), '1,2\n3,4\n');
    const r = await cli(['data', 'ls'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^wisconsin\\s+yes\\s+2\\s+[0-9a-f]{64} \\(differs: expected ${SHA}\\)`, 'm'));
  });
});

describe('automatic download on first use', () => {
  test('run downloads a missing wisconsin file, says so, then trains on it', { skip: NO_REAL, timeout: 60_000 }, async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'e.yaml'), 'name: e\ndataset: wisconsin\nfixed:\n  iterations: 20\n');
    const r = await cli(['run', 'e.yaml', '--quiet'], cwd, { DLSWEEP_WISCONSIN_URL: `${server.base}/good` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /data\/wisconsin-cancer-dataset\.csv is missing: downloading it from http:\/\/127\.0\.0\.1:\d+\/good/);
    assert.equal(createHash('sha256').update(readFileSync(join(cwd, 'data', FILE))).digest('hex'), SHA);
    assert.match(r.stdout, /e\/\d{8}-\d{6}-[0-9a-f]{4}: 1 run/);
  });

  test('a failed automatic download stops with the fetch error and where to put the file; nothing under runs/', { timeout: 60_000 }, async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'e.yaml'), 'name: e\ndataset: wisconsin\n');
    const r = await cli(['run', 'e.yaml'], cwd, { DLSWEEP_WISCONSIN_URL: `${server.base}/other` });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /checksum mismatch/);
    assert.match(r.stderr, /wisconsin-cancer-dataset\.csv/);
    assert.deepEqual(dataFiles(cwd), []);
    assert.equal(existsSync(join(cwd, 'runs')), false);
  });
});
