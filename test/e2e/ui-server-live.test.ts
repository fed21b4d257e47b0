/**
 * `dlsweep ui` live: a sweep recorded by another process while the server runs appears in the event
 * stream (a sweep event when it starts and when it ends, a run event for every run recorded), without any
 * request but the stream; and damaged files are shown as damaged, never a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onlySweep, readJson, runCli, runFolders, startCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { getJson, rawRequest, startUi, subscribe } from '../helpers/ui.js';

test('a sweep run by another process during the test appears in the event stream: its start, every run, its end', { timeout: 180_000 }, async (t) => {
  const dir = tempDir('dlsweep-ui-live-');
  const ui = await startUi(dir);
  const stream = await subscribe(ui.port);
  try {
    const file = writeExperiment(dir, 'live.yaml', syntheticExperiment('live', '  learning_rate: [0.05, 0.1, 0.2, 0.5, 1.0]', 'fixed:\n  iterations: 3000\n'));
    const child = startCli(['run', file, '--workers', '1', '--quiet'], dir);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
    const sweep = onlySweep(join(dir, 'runs'), 'live');
    const id = sweep.slice(sweep.lastIndexOf('/') + 1);
    // The end of the sweep reaches the stream within a few polls.
    const deadline = Date.now() + 20_000;
    while (!stream.events.some((e) => e.event === 'sweep' && e.data.id === id && e.data.status === 'done') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const sweepEvents = stream.events.filter((e) => e.event === 'sweep' && e.data.id === id);
    assert.ok(sweepEvents.length >= 2, JSON.stringify(stream.events.map((e) => e.event)));
    assert.equal(sweepEvents[0].data.status, 'running', 'the sweep is announced while it runs');
    const last = sweepEvents.at(-1)!.data;
    assert.equal(last.status, 'done');
    assert.equal(last.runs_done + last.runs_diverged, 5);
    const runEvents = stream.events.filter((e) => e.event === 'run' && e.data.sweep === id);
    const folders = runFolders(sweep);
    assert.deepEqual(runEvents.map((e) => e.data.run).sort(), folders, 'one run event per recorded run');
    for (const e of runEvents) assert.equal(e.data.status, readJson(join(sweep, e.data.run, 'metrics.json')).status);
    // Most runs are announced before the sweep ends (each as it is recorded, not all at the end).
    const end = statSync(join(sweep, 'sweep.json')).mtimeMs;
    const early = runEvents.filter((e) => e.at < end);
    t.diagnostic(`${early.length} of ${runEvents.length} run events arrived before the sweep ended`);
    const lags = runEvents.map((e) => e.at - statSync(join(sweep, e.data.run, 'metrics.json')).mtimeMs);
    t.diagnostic(`event latency after metrics.json was written: median ${lags.sort((a, b) => a - b)[lags.length >> 1].toFixed(0)} ms, max ${lags.at(-1)!.toFixed(0)} ms`);
    assert.ok(early.length >= 1, 'runs are announced while the sweep is still running');
  } finally {
    stream.close();
    await ui.stop();
  }
});

test('damaged files are shown as damaged and never crash the server: a cut-short metrics.json, an unreadable sweep.json', { timeout: 120_000 }, async () => {
  const dir = tempDir('dlsweep-ui-damaged-');
  const file = writeExperiment(dir, 'd.yaml', syntheticExperiment('dmg', '  learning_rate: [0.05, 0.5]', 'fixed:\n  iterations: 30\n'));
  assert.equal(runCli(['run', file, '--workers', '1', '--quiet'], dir).code, 0);
  const sweep = onlySweep(join(dir, 'runs'), 'dmg');
  const id = sweep.slice(sweep.lastIndexOf('/') + 1);
  // A second experiment whose sweep.json is damaged.
  const other = join(dir, 'runs', 'dmg-record', id.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
  cpSync(sweep, other, { recursive: true });
  writeFileSync(join(other, 'sweep.json'), '{"id": "cut sh');
  // A third whose sweep.json is JSON with fields of the wrong type (an edit), and a search.json cut short.
  const typedId = id.replace(/.$/, (c) => (c === '2' ? '3' : '2'));
  const typed = join(dir, 'runs', 'dmg-typed', typedId);
  cpSync(sweep, typed, { recursive: true });
  writeFileSync(join(typed, 'sweep.json'), JSON.stringify({ ...readJson(join(sweep, 'sweep.json')), dataset: null, counts: 'x' }));
  writeFileSync(join(typed, 'search.json'), '{"method": "random", "batc');
  const [bad, good] = runFolders(sweep);
  const metrics = join(sweep, bad, 'metrics.json');
  writeFileSync(metrics, '{"status": "done", "run_');
  const ui = await startUi(dir);
  try {
    const home = await getJson(ui.port, '/api/home');
    const s = home.experiments.find((e: any) => e.name === 'dmg').sweeps[0];
    assert.equal(s.runs_damaged, 1);
    assert.equal(s.runs_done, 1);
    assert.equal(s.best.run, good);
    const d = home.experiments.find((e: any) => e.name === 'dmg-record').sweeps[0];
    assert.equal(d.status, 'damaged');
    assert.match(d.problem, /sweep\.json/);

    const table = await getJson(ui.port, `/api/sweeps/${id}`);
    const row = table.rows.find((r: any) => r.folder === bad);
    assert.match(row.damaged, /metrics\.json/);
    assert.equal(row.best, false);
    const run = await getJson(ui.port, `/api/runs/${id}/${bad}`);
    assert.ok(run.damaged.some((p: string) => /metrics\.json/.test(p)));
    assert.equal((await rawRequest(ui.port, `/api/sweeps/${id}/curves`)).status, 200);

    // The sweep with the damaged record still lists its runs.
    const otherId = other.slice(other.lastIndexOf('/') + 1);
    const rows = await getJson(ui.port, `/api/sweeps/${otherId}`);
    assert.equal(rows.rows.length, 2);
    assert.equal(rows.sweep.status, 'damaged');
    // A record with fields of the wrong type is damaged too, named by field; its runs are still listed.
    const typedSummary = home.experiments.find((e: any) => e.name === 'dmg-typed').sweeps[0];
    assert.equal(typedSummary.status, 'damaged');
    assert.match(typedSummary.problem, /dataset is null.*counts is "x"/);
    const typedRows = await getJson(ui.port, `/api/sweeps/${typedId}`);
    assert.equal(typedRows.rows.length, 2);
    // A file that changes under the server (cut short again, then removed) is read again, never a crash.
    writeFileSync(join(sweep, good, 'metrics.json'), '');
    assert.equal((await getJson(ui.port, `/api/runs/${id}/${good}`)).damaged.length > 0, true);
    assert.equal((await rawRequest(ui.port, '/api/home')).status, 200);
  } finally {
    assert.equal(await ui.stop(), 0);
  }
});
