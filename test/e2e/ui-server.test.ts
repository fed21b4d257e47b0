/**
 * `dlsweep ui`, the server: the real command in a child process, real HTTP requests. The page shell, the
 * static and vendor files, the home page's JSON checked against the run folders' own metrics.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readJson, onlySweep, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { getJson, rawRequest, startUi } from '../helpers/ui.js';

/** One small recorded sweep (synthetic data: no dataset file needed). */
function recordedSweep(): { dir: string; sweep: string } {
  const dir = tempDir('dlsweep-ui-');
  const file = writeExperiment(
    dir,
    'u.yaml',
    syntheticExperiment('ui-basic', '  learning_rate: [0.05, 0.5]\n  threshold: [0.3, 0.6]', 'description: "<b>bold</b> & <script>alert(1)</script>"\ntags: [baseline]\nfixed:\n  iterations: 40\n'),
  );
  const r = runCli(['run', file, '--workers', '1', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  return { dir, sweep: onlySweep(join(dir, 'runs'), 'ui-basic') };
}

test('dlsweep ui serves the page shell, its static and vendor files, and /api/home from the run folders', { timeout: 120_000 }, async () => {
  const { dir, sweep } = recordedSweep();
  const ui = await startUi(dir);
  try {
    assert.match(ui.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const page of ['/', `/sweep/x`, '/run/a/b', '/compare?runs=a/b']) {
      const r = await rawRequest(ui.port, page);
      assert.equal(r.status, 200, page);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.match(r.body, /<script type="importmap">/);
    }
    const js = await rawRequest(ui.port, '/static/app.js');
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    const preact = await rawRequest(ui.port, '/vendor/preact.mjs');
    assert.equal(preact.status, 200);
    assert.match(preact.body, /export\s*\{/);
    assert.equal((await rawRequest(ui.port, '/vendor/package.json')).status, 404);
    assert.equal((await rawRequest(ui.port, '/static/nothing.js')).status, 404);

    const home = await getJson(ui.port, '/api/home');
    assert.equal(home.runs_dir, join(dir, 'runs'));
    assert.equal(home.experiments.length, 1);
    const e = home.experiments[0];
    assert.equal(e.name, 'ui-basic');
    assert.deepEqual(e.tags, ['baseline']);
    assert.equal(e.description, '<b>bold</b> & <script>alert(1)</script>', 'user text is sent as data, unaltered (the pages escape it)');
    const s = e.sweeps[0];
    // Expected figures straight from the run folders.
    const runs = runFolders(sweep).map((f) => ({ folder: f, m: readJson(join(sweep, f, 'metrics.json')) }));
    const done = runs.filter((r) => r.m.status === 'done');
    done.sort((a, b) => b.m.validation.accuracy - a.m.validation.accuracy || a.m.validation.loss - b.m.validation.loss || (a.m.run_id < b.m.run_id ? -1 : 1));
    assert.equal(s.status, 'done');
    assert.equal(s.method, 'grid');
    assert.equal(s.runs_planned, 4);
    assert.equal(s.runs_done, done.length);
    assert.equal(s.runs_failed, runs.filter((r) => r.m.status === 'failed').length);
    assert.equal(s.best.run, done[0].folder);
    assert.equal(s.best.value, done[0].m.validation.accuracy);
    assert.equal(s.objective.metric, 'validation.accuracy');
    const record = readJson(join(sweep, 'sweep.json'));
    assert.equal(s.id, record.id);
    assert.equal(s.started_at, record.started_at);
    assert.equal(s.duration_s, (Date.parse(record.ended_at) - Date.parse(record.started_at)) / 1000);
  } finally {
    assert.equal(await ui.stop(), 0, 'SIGTERM stops the server with exit code 0');
  }
});
