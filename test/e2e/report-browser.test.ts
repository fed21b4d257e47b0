/**
 * report.html in a real browser: Debian's headless Chromium (installed by .ci/run) driven by playwright-core.
 * Checks no console errors, no network request but the file itself, one rendered line per run in every
 * loss chart, the ROC, PR and threshold charts, the log-scale toggle and the sortable table; saves a screenshot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onlySweep, recordedSweep, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)`;

async function openPage(url: string) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  return { browser, page, errors, requests };
}

test('report.html renders in headless Chromium: no errors, no network, one line per run, log toggle, sortable table', { skip, timeout: 120_000 }, async (t) => {
  const dir = tempDir('dlsweep-browser-');
  const file = writeExperiment(dir, 'b.yaml', syntheticExperiment('browser', '  learning_rate: [0.05, 0.5, 3]\n  hidden_sizes: [[4], [8]]\n  seed: [1, 2]', 'fixed:\n  iterations: 80\n'));
  const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'browser');
  const runs = runFolders(sweep).length;
  assert.equal(runs, 12);
  const reportPath = join(sweep, 'report.html');
  const url = pathToFileURL(reportPath).href;

  const { browser, page, errors, requests } = await openPage(url);
  try {
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url], 'the page loads nothing but itself');

    // Every loss chart (train and validation, linear and log) draws one line per run.
    for (const view of ['curves-linear', 'curves-log']) {
      for (const split of ['train', 'validation']) {
        const lines = page.locator(`#${view} figure[data-split="${split}"] svg path[aria-roledescription="line mark"]`);
        assert.equal(await lines.count(), runs, `${view} ${split}`);
      }
    }
    const visible = (await page.locator('#curves-linear').isVisible()) ? 'curves-linear' : 'curves-log';
    const box = await page.locator(`#${visible} figure[data-split="validation"] svg`).boundingBox();
    assert.ok(box && box.width > 300 && box.height > 200, `chart rendered at ${JSON.stringify(box)}`);
    const firstLine = await page.locator(`#${visible} figure[data-split="train"] path[aria-roledescription="line mark"]`).first().getAttribute('d');
    assert.match(firstLine ?? '', /^M[\d.]+,[\d.]+L/);

    // The log-scale toggle swaps the charts.
    const wasLog = await page.locator('#log-toggle').isChecked();
    await page.locator('#log-toggle').click();
    assert.equal(await page.locator('#curves-log').isVisible(), !wasLog);
    assert.equal(await page.locator('#curves-linear').isVisible(), wasLog);
    if (!wasLog) await page.locator('#log-toggle').click();

    // Heatmap and confusion matrices are drawn.
    assert.equal(await page.locator('#heatmap-chart svg').count(), 1);
    assert.equal(await page.locator('figure.confusion svg').count(), 3);
    // ROC and PR curves of the three best runs (each its own training), the best run's four rates by threshold.
    const lineMarks = (fig: string) => page.locator(`#thresholds figure.${fig} svg path[aria-roledescription="line mark"]`).count();
    assert.equal(await lineMarks('roc'), 3);
    assert.equal(await lineMarks('pr'), 3);
    assert.equal(await lineMarks('rates'), 4);

    // The table has every run; clicking a header sorts numerically, again reverses.
    const table = page.locator('#runs-table');
    assert.equal(await table.locator('tbody tr').count(), runs);
    const headers = await table.locator('thead th').allTextContents();
    const col = headers.indexOf('val loss');
    assert.ok(col >= 0, headers.join('|'));
    const values = async () => (await table.locator(`tbody tr td:nth-child(${col + 1})`).evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v')))));
    await table.locator('thead th').nth(col).click();
    const asc = await values();
    assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
    await table.locator('thead th').nth(col).click();
    const desc = await values();
    assert.deepEqual(desc, [...asc].reverse());
    await table.locator('thead th').nth(col).click();

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
    console.log(`report screenshot: ${shot}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('compare --format html opens without errors and sorts', { skip, timeout: 120_000 }, async () => {
  const dir = tempDir('dlsweep-browser-');
  const file = writeExperiment(dir, 'c.yaml', syntheticExperiment('cmp', '  learning_rate: [0.05, 0.5]\n  seed: [1, 2]', 'fixed:\n  iterations: 30\n'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const r = runCli(['compare', '--format', 'html'], dir);
  assert.equal(r.code, 0, r.stderr);
  const path = join(dir, 'compare.html');
  writeFileSync(path, r.stdout);
  const url = pathToFileURL(path).href;
  const { browser, page, errors, requests } = await openPage(url);
  try {
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url]);
    assert.equal(await page.locator('table.sortable tbody tr').count(), 4);
    assert.equal(await page.locator('table.sortable tbody tr.best').count() >= 1, true);
    assert.match(readFileSync(path, 'utf8'), /<h1>cmp\/\d{8}-\d{6}-[0-9a-f]{4}<\/h1>/);
  } finally {
    await browser.close();
  }
});

test('report.html with record.landscape: the contour plots side by side in Chromium, best runs and one per initialization, on one colour scale, the trajectory drawn', { skip, timeout: 120_000 }, async (t) => {
  const inits = syntheticExperiment('inits', '  init: [he_normal, lecun_normal]\n  learning_rate: [0.05, 0.3]', 'fixed:\n  iterations: 40\n  hidden_sizes: [4]\n');
  const { dir, sweep } = recordedSweep('dlsweep-browser-', 'i.yaml', 'inits', inits + '  checkpoints_every: 4\n  landscape: {directions: pca, best: 3, steps: 11}\n');
  const url = pathToFileURL(join(sweep, 'report.html')).href;
  const { browser, page, errors, requests } = await openPage(url);
  try {
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url]);
    const best = page.locator('#landscapes-best figure.landscape');
    const inits = page.locator('#landscapes-init figure.landscape');
    assert.equal(await best.count(), 3);
    assert.equal(await inits.count(), 2);
    assert.deepEqual((await inits.evaluateAll((fs) => fs.map((f) => f.getAttribute('data-role')))).sort(), ['init=he_normal', 'init=lecun_normal']);
    // Side by side: one row, left to right.
    const boxes = await Promise.all([0, 1, 2].map((i) => best.nth(i).boundingBox()));
    assert.ok(boxes.every((b) => b && b.width > 200 && Math.abs(b.y - boxes[0]!.y) < 1), JSON.stringify(boxes));
    assert.ok(boxes[0]!.x < boxes[1]!.x && boxes[1]!.x < boxes[2]!.x);
    // Filled contours, the trajectory line, and one colour scale: every legend has the same labels.
    const all = page.locator('figure.landscape');
    for (let i = 0; i < 5; i++) {
      assert.ok((await all.nth(i).locator('svg path[aria-roledescription="path mark"], svg path').count()) > 5);
      assert.equal(await all.nth(i).locator('[aria-label*="training trajectory"], path[aria-roledescription="line mark"]').count(), 1);
    }
    const legends = await all.evaluateAll((fs) => fs.map((f) => Array.from(f.querySelectorAll('g.role-legend text')).map((x) => (x as { textContent: string | null }).textContent).join('|')));
    assert.ok(legends[0].length > 0);
    assert.ok(legends.every((l) => l === legends[0]), legends.join(' / '));
    const shot = join(dir, 'landscapes.png');
    await page.locator('#landscapes').screenshot({ path: shot });
    t.diagnostic(`screenshot: ${shot}`);
  } finally {
    await browser.close();
  }
});

test("a search's parameter plot in Chromium: no label overlaps another, schedules as written, colours by quintile; the heatmap over its choices", { skip, timeout: 180_000 }, async (t) => {
  const grid = '  learning_rate: {log_uniform: [1.0e-3, 1.0]}\n  hidden_sizes: [[4], [8]]\n  optimizer: [gd, momentum, adam]\n  lr_schedule: [{kind: constant}, {kind: cosine}]\n  dropout: {uniform: [0, 0.3]}\n  iterations: [30]';
  const { dir, sweep } = recordedSweep('dlsweep-browser-', 's.yaml', 'srch', syntheticExperiment('srch', grid, 'search: {method: random, trials: 16, seed: 11}\n'));
  const url = pathToFileURL(join(sweep, 'report.html')).href;
  const { browser, page, errors, requests } = await openPage(url);
  try {
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url]);
    const figure = page.locator('#search figure').filter({ hasText: 'Parameters of each trial' });
    assert.equal(await figure.count(), 1);
    // Every text of the chart (axis titles, values' labels, legend, title) as drawn: no two boxes intersect.
    const boxes = await figure.locator('svg text').evaluateAll((els) =>
      els
        .filter((e) => (e.textContent ?? '').trim() !== '')
        .map((e) => {
          const r = e.getBoundingClientRect();
          return { text: e.textContent ?? '', x: r.x, y: r.y, w: r.width, h: r.height };
        }),
    );
    const texts = boxes.map((b) => b.text);
    assert.ok(texts.includes('{kind: cosine}') && texts.includes('{kind: constant}'), texts.join(' | '));
    assert.ok(!texts.some((x) => x.includes('"kind"')), texts.join(' | '));
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.text} / ${b.text}`);
      }
    assert.deepEqual(overlaps, []);
    // 16 trials in five colours, the legend's title saying so (its two lines one text).
    assert.ok(texts.some((x) => x.endsWith('by quintile')), texts.join(' | '));
    // The heatmap is over two choices (at most 12 values a side), not over the drawn learning rate.
    assert.equal(await page.locator('#heatmap-chart svg').count(), 1);
    assert.match((await page.locator('#heatmap p.note').first().textContent()) ?? '', /by hidden_sizes \(rows\) and optimizer \(columns\)/);
    const shot = join(dir, 'search.png');
    await page.locator('#search').screenshot({ path: shot });
    t.diagnostic(`screenshot: ${shot}`);
  } finally {
    await browser.close();
  }
});
