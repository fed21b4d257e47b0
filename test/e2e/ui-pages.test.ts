/**
 * The pages of `dlsweep ui` in Debian's headless Chromium (playwright-core) against the real server over
 * real sweeps: every page loads with no console error and no failed request; a sweep started during the test
 * appears on the home page without a reload; the runs table filters (the --where language) and groups;
 * parallel coordinates draw one line per run and brushing an axis filters the table; a description holding
 * HTML and a script is shown as text. Screenshots at 1400 px go to DLSWEEP_SCREENS when it is set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { getJson, startUi } from '../helpers/ui.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)`;
const SCREENS = process.env.DLSWEEP_SCREENS;

const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> & <b>bold</b>`;

test('dlsweep ui pages in headless Chromium: no errors, live home, table filter and group, parallel brushing, text stays text', { skip, timeout: 240_000 }, async (t) => {
  const dir = tempDir('dlsweep-ui-pages-');
  const grid = '  learning_rate: [0.05, 0.5]\n  seed: [1, 2]\n  threshold: [0.3, 0.5]';
  const file = writeExperiment(dir, 'a.yaml', syntheticExperiment('pages', grid, `description: '${HOSTILE}'\ntags: [study, a+b=c]\nfixed:\n  iterations: 60\n`));
  const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  // A 2-D loss landscape of the best run, drawn on its Run page.
  const land = runCli(['landscape', 'pages/best', '--dims', '2', '--steps', '5'], dir);
  assert.equal(land.code, 0, land.stderr);
  // A second experiment on another dataset, started while the home page is open.
  const other = writeExperiment(
    dir,
    'b.yaml',
    syntheticExperiment('live', '  learning_rate: [0.1, 0.3]', 'fixed:\n  iterations: 40\n').replace('seed: 3}', 'seed: 4}'),
  );

  const ui = await startUi(dir);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const errors: string[] = [];
  const failed: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${String(e)}`));
    page.on('requestfailed', (q) => {
      // The event stream is cut when a page is left; that is not a failure.
      if (!(q.url().endsWith('/api/events') && q.failure()?.errorText === 'net::ERR_ABORTED')) failed.push(`${q.url()} ${q.failure()?.errorText}`);
    });
    page.on('response', (s) => {
      if (s.status() >= 400) failed.push(`${s.url()} ${s.status()}`);
    });
    const shot = async (name: string) => {
      if (!SCREENS) return;
      mkdirSync(SCREENS, { recursive: true });
      await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
    };
    const base = ui.url.replace(/\/$/, '');
    /** Wait until the runs table has n rows (up to 15 s). */
    const rowsAre = async (n: number) => {
      for (let i = 0; i < 150; i++) {
        if ((await page.locator('#runs-table tbody tr').count()) === n) return;
        await page.waitForTimeout(100);
      }
      assert.equal(await page.locator('#runs-table tbody tr').count(), n);
    };

    // Home: the experiment, its description and tags as text, nothing executed.
    await page.goto(`${base}/`, { waitUntil: 'load' });
    const exp = page.locator('[data-experiment="pages"]');
    await exp.waitFor();
    assert.equal(await exp.locator('p.desc').textContent(), HOSTILE);
    assert.equal(await exp.locator('.tag').allTextContents().then((x) => x.join('|')), 'study|a+b=c');
    assert.equal(await page.locator('main img, main script, main b, main i').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
    assert.equal(await exp.locator('tbody tr').count(), 1);

    // A sweep started now appears without a reload.
    const child = startCli(['run', other, '--quiet'], dir);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await page.locator('[data-experiment="live"] tbody tr').waitFor({ timeout: 60_000 });
    assert.equal(await exited, 0);
    await page.locator('[data-experiment="live"] .status-done').waitFor({ timeout: 30_000 });
    await shot('home');

    // Sweep page, reached by its link: 8 runs, filter, group, parallel coordinates, brushing.
    const sweepId = (await getJson(ui.port, '/api/home')).experiments.find((e: { name: string }) => e.name === 'pages').sweeps[0].id as string;
    await exp.locator(`a[href$="${sweepId}"]`).first().click();
    const table = page.locator('#runs-table tbody tr');
    await page.locator('#runs-table').waitFor();
    assert.equal(await table.count(), 8);
    assert.equal(await page.locator('#runs-table tr.best').count() >= 1, true);
    const lines = page.locator('.parallel path.pc-line');
    assert.equal(await lines.count(), 8, 'one line per run');
    await page.locator('.uplot-host canvas').first().waitFor();
    await page.locator('.by-param svg').first().waitFor();
    await shot('sweep');

    // Brushing the upper half of the learning_rate axis keeps the runs at 0.5.
    await page.locator('.axis-hit[data-dim="learning_rate"]').scrollIntoViewIfNeeded();
    const axis = await page.locator('.axis-hit[data-dim="learning_rate"]').boundingBox();
    assert.ok(axis);
    await page.mouse.move(axis.x + axis.width / 2, axis.y + 2);
    await page.mouse.down();
    await page.mouse.move(axis.x + axis.width / 2, axis.y + axis.height * 0.4, { steps: 4 });
    await page.mouse.up();
    await rowsAre(4);
    const lrCol = (await page.locator('#runs-table thead th').allTextContents()).findIndex((h) => h.startsWith('learning_rate'));
    assert.ok(lrCol >= 0);
    const lrs = await page.locator(`#runs-table tbody tr td:nth-child(${lrCol + 1})`).allTextContents();
    assert.deepEqual([...new Set(lrs)], ['0.5']);
    assert.equal(await page.locator('.parallel path.pc-line.selected').count(), 4);
    await shot('sweep-brushed');
    await page.locator('.parallel button').click();
    await rowsAre(8);

    // The --where filter goes through the server: the runs at threshold 0.3.
    await page.locator('#where').fill('threshold < 0.4');
    await page.locator('form.filter button[type="submit"]').click();
    await rowsAre(4);
    assert.match(page.url(), /where=threshold/);
    // A bad expression says why, and keeps the table.
    await page.locator('#where').fill('threshold <<< 2');
    await page.locator('form.filter button[type="submit"]').click();
    await page.locator('.error').waitFor();
    // That 400 is expected: Chromium logs it as a console error and a failed response; nothing else may be.
    assert.equal(failed.filter((f) => f.endsWith(' 400')).length, 1, failed.join('\n'));
    failed.splice(failed.findIndex((f) => f.endsWith(' 400')), 1);
    assert.equal(errors.filter((e) => /status of 400/.test(e)).length, 1, errors.join('\n'));
    errors.splice(errors.findIndex((e) => /status of 400/.test(e)), 1);
    await page.locator('#where').fill('');
    await page.locator('form.filter button[type="submit"]').click();
    await rowsAre(8);

    // Grouped by seed: two groups of four runs.
    await page.locator('#group-by').selectOption('seed');
    const groups = page.locator('#groups-table tbody tr');
    await groups.first().waitFor();
    assert.deepEqual(await groups.locator('td:nth-child(2)').allTextContents(), ['4', '4']);
    // Each group's mean validation accuracy is the mean of its four runs as the API reports them.
    const apiRows = (await getJson(ui.port, `/api/sweeps/${sweepId}`)).rows as { values: Record<string, number> }[];
    const accCol = (await page.locator('#groups-table thead th').allTextContents()).findIndex((h) => h.startsWith('val acc'));
    assert.ok(accCol >= 0);
    const means = await groups.locator(`td:nth-child(${accCol + 1})`).evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
    for (const [i, seed] of [1, 2].entries()) {
      const accs = apiRows.filter((x) => x.values.seed === seed).map((x) => x.values['validation.accuracy']);
      assert.ok(Math.abs(means[i] - accs.reduce((a, b) => a + b, 0) / accs.length) < 1e-12, `seed ${seed}`);
    }
    await page.locator('#group-by').selectOption('');

    // Run page of the best run: metrics, confusion matrices, ROC / PR / threshold charts, its loss landscape.
    await page.locator('#runs-table tr.best a').first().click();
    await page.locator('#metrics table').waitFor();
    await page.locator('.confusion svg').first().waitFor();
    await page.locator('.rates svg').waitFor();
    assert.equal(await page.locator('.rates svg path[aria-roledescription="line mark"]').count(), 4);
    // Its landscape: a contour plot (filled contours of the 5 x 5 grid) with the trained network marked.
    await page.locator('#landscapes .landscape svg').waitFor();
    assert.equal(await page.locator('#landscapes .landscape').count(), 1);
    assert.ok((await page.locator('#landscapes .landscape svg g.mark-path path').count()) >= 2, 'filled contours drawn');
    await shot('run');

    // Compare two runs (only what differs) and the two sweeps (different datasets).
    const runs = (await getJson(ui.port, `/api/sweeps/${sweepId}`)).rows.slice(0, 2).map((x: { folder: string }) => `${sweepId}/${x.folder}`);
    await page.goto(`${base}/compare?runs=${runs.join(',')}`, { waitUntil: 'load' });
    await page.locator('#diff-table').waitFor();
    assert.ok((await page.locator('#diff-table tr.differs').count()) >= 1);
    assert.equal(await page.locator('#diff-table tbody tr[data-key]:not(.differs)').count(), 0);
    await shot('compare-runs');
    const liveId = (await getJson(ui.port, '/api/home')).experiments.find((e: { name: string }) => e.name === 'live').sweeps[0].id as string;
    await page.goto(`${base}/compare?sweeps=${sweepId},${liveId}`, { waitUntil: 'load' });
    await page.locator('#datasets-differ').waitFor();
    await shot('compare-sweeps');

    assert.deepEqual(errors, []);
    assert.deepEqual(failed, []);
    t.diagnostic(SCREENS ? `screenshots in ${SCREENS}` : 'set DLSWEEP_SCREENS=DIR to keep screenshots');
  } finally {
    await browser.close();
    await ui.stop();
  }
});
