/**
 * `dlsweep ui` and report.html follow the terminal's rules: a search's drawn values are written as compare's
 * table writes them (4 significant digits, more where two would read alike), in the table, its groups and the
 * charts; a click sort breaks full ties by the lower run number, as compare --sort does; a sweep's best on the
 * home page is the lower run number of runs tied on the objective, as sweep.json's; a sweep's start is written
 * as ls writes it (UTC), whatever the browser's time zone. Headless Chromium
 * (playwright-core) against the real server and the real report.html.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onlySweep, readJson, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { getJson, startUi } from '../helpers/ui.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)`;

/** Run folders with their number and one parameter from params.json. */
function runsOf(sweep: string, param: string) {
  return runFolders(sweep).map((folder) => ({ folder, number: Number(folder.slice(0, folder.indexOf('-'))), value: readJson(join(sweep, folder, 'params.json')).params[param] }));
}

test('dlsweep ui writes drawn values as the tables do, sorts ties by run number, stars the lower run of a tie; report.html sorts ties alike', { skip, timeout: 240_000 }, async () => {
  const dir = tempDir('dlsweep-ui-consistency-');
  // A random search of 4 draws of the learning rate (few enough for the chart by learning_rate to space them evenly, labelled).
  const search = writeExperiment(dir, 's.yaml', syntheticExperiment('drawn', '  learning_rate: {log_uniform: [0.01, 1.0]}', 'search: {method: random, trials: 4, seed: 4}\nfixed:\n  iterations: 10\n'));
  // 12 runs, four at each learning rate: ties on a click sort by learning_rate.
  const ties = writeExperiment(dir, 't.yaml', syntheticExperiment('ties', '  learning_rate: [0.05, 0.1, 0.2]\n  seed: [1, 2, 3, 4]', 'fixed:\n  iterations: 5\n'));
  // momentum is unused by plain gd: both runs train alike and tie on every metric of the objective. Their
  // folders' hashes (03947f6a for run 2) put run 2 first in hash order.
  const tied = writeExperiment(dir, 'm.yaml', syntheticExperiment('tied', '  momentum: [0.5, 0.9]', 'fixed:\n  iterations: 20\n  optimizer: gd\n'));
  for (const file of [search, ties, tied]) {
    const r = runCli(['run', file, '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
  }
  const drawnSweep = onlySweep(join(dir, 'runs'), 'drawn');
  const tiesSweep = onlySweep(join(dir, 'runs'), 'ties');
  const tiedSweep = onlySweep(join(dir, 'runs'), 'tied');
  const drawn = runsOf(drawnSweep, 'learning_rate');
  assert.equal(drawn.length, 4);
  // 4 significant digits tell these draws apart (checked here), so the table writes each with 4.
  const short = new Map(drawn.map((r) => [r.folder, String(Number((r.value as number).toPrecision(4)))]));
  assert.equal(new Set(short.values()).size, 4);
  assert.ok(drawn.every((r) => String(r.value).length > 8), 'the drawn values have more digits than the table shows');

  const tiedRuns = runFolders(tiedSweep);
  assert.deepEqual(tiedRuns.map((f) => f.slice(0, 4)), ['0001', '0002']);
  const metric = (f: string) => readJson(join(tiedSweep, f, 'metrics.json')).validation;
  assert.deepEqual([metric(tiedRuns[0]).accuracy, metric(tiedRuns[0]).loss], [metric(tiedRuns[1]).accuracy, metric(tiedRuns[1]).loss]);
  assert.ok(tiedRuns[1].slice(5) < tiedRuns[0].slice(5), 'run 2 has the lower hash');

  const ui = await startUi(dir);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    // The home page's best of the tied sweep, once the server has read its runs: run 1.
    let home: any;
    for (let i = 0; i < 100; i++) {
      home = await getJson(ui.port, '/api/home');
      if (home.index.sweeps_read === home.index.sweeps) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(home.index.sweeps_read, home.index.sweeps);
    const tiedSummary = home.experiments.find((e: any) => e.name === 'tied').sweeps[0];
    assert.equal(tiedSummary.best.run, tiedRuns[0]);
    // Its loss curves, best training first: the tie goes to run 1's.
    const curves = await getJson(ui.port, `/api/sweeps/${tiedSummary.id}/curves`);
    assert.deepEqual(curves.series.map((s: any) => s.runs[0]), tiedRuns);

    // A browser 5 h 30 min east of UTC: the pages write times as ls does, in UTC, whatever the browser's zone.
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, timezoneId: 'Asia/Kolkata' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const base = ui.url.replace(/\/$/, '');
    const id = (sweep: string) => sweep.split('/').at(-1)!;
    const cells = async (table: string, column: number) => page.locator(`${table} tbody tr td:nth-child(${column})`).allTextContents();

    // A sweep's start on the home page reads as in ls (UTC, to the minute).
    const lsLine = runCli(['ls', 'ties'], dir).stdout.split('\n').find((l) => l.includes(id(tiesSweep)));
    const lsStarted = lsLine?.match(/\d{4}-\d\d-\d\d \d\d:\d\dZ/)?.[0];
    assert.ok(lsStarted, `ls writes the start: ${lsLine}`);
    await page.goto(`${base}/`, { waitUntil: 'load' });
    const startedCell = page.locator(`tr[data-sweep="${id(tiesSweep)}"] td:nth-child(11)`);
    await startedCell.waitFor();
    assert.equal((await startedCell.textContent())?.trim(), lsStarted);
    const waitRows = async (table: string, n: number) => {
      for (let i = 0; i < 150 && (await page.locator(`${table} tbody tr`).count()) !== n; i++) await page.waitForTimeout(100);
      assert.equal(await page.locator(`${table} tbody tr`).count(), n, table);
    };

    // The search: the table's learning_rate cells, the chart of the objective by learning_rate (four values,
    // evenly spaced and labelled) and the page as a whole write each draw with 4 digits, never in full.
    await page.goto(`${base}/sweep/${id(drawnSweep)}`, { waitUntil: 'load' });
    await waitRows('#runs-table', 4);
    const heads = await page.locator('#runs-table thead th').allTextContents();
    const lrColumn = heads.findIndex((h) => h.startsWith('learning_rate')) + 1;
    const folders = await page.locator('#runs-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')!));
    assert.deepEqual(await cells('#runs-table', lrColumn), folders.map((f) => short.get(f)!));
    await page.waitForTimeout(1500);
    const text = await page.locator('body').innerText();
    for (const r of drawn) {
      assert.ok(!text.includes(String(r.value)), `${r.value} is shown in full`);
      assert.ok(text.includes(short.get(r.folder)!), `${short.get(r.folder)} is shown`);
    }
    // Grouped by learning_rate: one group per draw, named as the table names it.
    await page.goto(`${base}/sweep/${id(drawnSweep)}?group=learning_rate`, { waitUntil: 'load' });
    await waitRows('#groups-table', 4);
    assert.deepEqual((await cells('#groups-table', 1)).sort(), [...short.values()].sort());

    // Ties: a click on learning_rate orders by it, then by the lower run number; again, high first.
    const tieRuns = runsOf(tiesSweep, 'learning_rate');
    const expected = (dir: 1 | -1) => [...tieRuns].sort((a, b) => dir * (a.value - b.value) || a.number - b.number).map((r) => r.folder);
    await page.goto(`${base}/sweep/${id(tiesSweep)}`, { waitUntil: 'load' });
    await waitRows('#runs-table', 12);
    const order = () => page.locator('#runs-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')!));
    await page.locator('#runs-table thead th[data-key="learning_rate"]').click();
    assert.deepEqual(await order(), expected(1));
    await page.locator('#runs-table thead th[data-key="learning_rate"]').click();
    assert.deepEqual(await order(), expected(-1));

    // report.html of the same sweep: its sortable table, clicked alike.
    await page.goto(pathToFileURL(join(tiesSweep, 'report.html')).href, { waitUntil: 'load' });
    const table = page.locator('table.sortable').first();
    const reportHeads = await table.locator('thead th').allTextContents();
    const runColumn = reportHeads.indexOf('run') + 1;
    const lrHead = table.locator('thead th', { hasText: 'learning_rate' });
    const reportOrder = () => table.locator(`tbody tr td:nth-child(${runColumn})`).allTextContents();
    await lrHead.click();
    assert.deepEqual(await reportOrder(), expected(1));
    await lrHead.click();
    assert.deepEqual(await reportOrder(), expected(-1));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await ui.stop();
  }
});
