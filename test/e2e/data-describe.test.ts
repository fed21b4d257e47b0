import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, WISCONSIN, hasWisconsin, runCli, tempDir, writeExperiment } from '../helpers/cli.js';

const noData = !hasWisconsin() && 'data/wisconsin-cancer-dataset.csv is absent';

test('data describe wisconsin: rows, drops, class balance, duplicates and per-feature statistics, checked against the file', { skip: noData }, () => {
  const dir = tempDir('dlsweep-describe-');
  const r = runCli(['data', 'describe', 'wisconsin', '--json', '--data-dir', join(REPO, 'data')], dir);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);

  // Independently from the file: 699 rows, 16 with "?" (all in bare_nuclei, the 7th column); the study's
  // split: cleaned rows 0-499 train, 501-682 validation.
  const lines = readFileSync(WISCONSIN, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const cells = lines.map((l) => l.split(','));
  const clean = cells.filter((c) => !c.includes('?'));
  assert.equal(d.rows_read, lines.length);
  assert.equal(d.rows_used, clean.length);
  assert.deepEqual(d.dropped.map((x: { reason: string; count: number }) => [x.reason, x.count]), [['missing value in bare_nuclei', lines.length - clean.length]]);
  const train = clean.slice(0, 500);
  const validation = clean.slice(501, 683);
  const pos = (rows: string[][]) => rows.filter((c) => c[10] === '4').length;
  assert.deepEqual(d.splits.map((s: { name: string; rows: number; positives: number; negatives: number }) => [s.name, s.rows, s.positives, s.negatives]), [
    ['train', 500, pos(train), 500 - pos(train)],
    ['validation', 182, pos(validation), 182 - pos(validation)],
  ]);
  // The study's 500 training rows hold 358 distinct feature vectors.
  assert.equal(d.distinct_rows, 358);
  assert.equal(d.duplicate_rows, 142);
  assert.equal(new Set(train.map((c) => c.slice(1, 10).join(','))).size, 358);

  assert.equal(d.features.length, 9);
  const y: number[] = train.map((c) => (c[10] === '4' ? 1 : 0));
  const my = y.reduce((s, v) => s + v, 0) / 500;
  d.features.forEach((f: Record<string, number> & { name: string }, i: number) => {
    const v = train.map((c) => Number(c[i + 1]));
    const mean = v.reduce((s, x) => s + x, 0) / 500;
    const sxx = v.reduce((s, x) => s + (x - mean) ** 2, 0);
    const sxy = v.reduce((s, x, j) => s + (x - mean) * (y[j] - my), 0);
    const syy = y.reduce((s, t) => s + (t - my) ** 2, 0);
    assert.ok(Math.abs(f.min - Math.min(...v)) < 1e-12 && Math.abs(f.max - Math.max(...v)) < 1e-12, `${f.name} range`);
    assert.ok(Math.abs(f.mean - mean) < 1e-12, `${f.name} mean`);
    assert.ok(Math.abs((f.std as number) - Math.sqrt(sxx / 499)) < 1e-12, `${f.name} std`);
    assert.ok(Math.abs((f.label_correlation as number) - sxy / Math.sqrt(sxx * syy)) < 1e-12, `${f.name} correlation`);
    assert.equal(f.distinct, new Set(v).size);
    assert.equal(f.missing, f.name === 'bare_nuclei' ? 16 : 0);
  });

  // The text form and an experiment file give the same counts; a wrong argument is one clear message.
  const file = writeExperiment(dir, 'e.yaml', 'name: e\ndataset: wisconsin\n');
  const t = runCli(['data', 'describe', file, '--data-dir', join(REPO, 'data')], dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /699 rows read, 683 used, 16 dropped/);
  assert.match(t.stdout, /train: 500 rows, 358 distinct, 142 duplicates/);
  const bad = runCli(['data', 'describe', 'nope'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /nope is neither an experiment file nor a known dataset/);
});

test('data describe --html: each scaled feature\'s histogram by class, the counts those of the file; a sweep\'s report carries the same summary', { skip: noData }, () => {
  const dir = tempDir('dlsweep-describe-html-');
  const data = ['--data-dir', join(REPO, 'data')];
  const r = runCli(['data', 'describe', 'wisconsin', '--html', 'd.html', ...data], dir);
  assert.equal(r.code, 0, r.stderr);
  const page = readFileSync(join(dir, 'd.html'), 'utf8');
  // Independently from the file: the study's 500 training rows (clean rows 0-499), each feature's rows per
  // value and class. Wisconsin's scores are 1-10, so one bar per value, in the order of the values (the
  // scaling is increasing).
  const lines = readFileSync(WISCONSIN, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const train = lines.map((l) => l.split(',')).filter((c) => !c.includes('?')).slice(0, 500);
  const figures = [...page.matchAll(/<figure class="histogram" data-feature="([^"]+)">([\s\S]*?)<\/figure>/g)];
  assert.equal(figures.length, 9);
  figures.forEach(([, name, svg], f) => {
    const expected = { negative: [] as number[], positive: [] as number[] };
    const values = [...new Set(train.map((c) => Number(c[f + 1])))].sort((a, b) => a - b);
    for (const v of values) {
      expected.negative.push(train.filter((c) => Number(c[f + 1]) === v && c[10] === '2').length);
      expected.positive.push(train.filter((c) => Number(c[f + 1]) === v && c[10] === '4').length);
    }
    // Each bar's label: "negative (2) 0.333: 41" (class, scaled value, rows).
    const bars = [...svg.matchAll(/aria-label="(negative|positive) \((?:2|4)\) ([-\d.e]+): (\d+)"/g)].map(([, cls, v, n]) => ({ cls, v: Number(v), n: Number(n) }));
    for (const cls of ['negative', 'positive'] as const) {
      const got = bars.filter((b) => b.cls === cls).sort((a, b) => a.v - b.v).map((b) => b.n);
      assert.deepEqual(got, expected[cls], `${name} ${cls}`);
    }
  });
  assert.match(page, /500 rows, 358 distinct, 142 duplicates/);

  // The report of a sweep on the same data has the same section.
  const file = writeExperiment(dir, 'e.yaml', 'name: e\ndataset: wisconsin\nfixed:\n  iterations: 20\n');
  const run = runCli(['run', file, ...data, '--workers', '1', '--quiet'], dir);
  assert.equal(run.code, 0, run.stderr);
  const sweeps = join(dir, 'runs', 'e');
  const report = readFileSync(join(sweeps, readdirSync(sweeps).find((n) => /^\d{8}-/.test(n))!, 'report.html'), 'utf8');
  const section = (html: string) => html.slice(html.indexOf('<section id="data">'), html.indexOf('</section>', html.indexOf('<section id="data">')));
  // The same text and bars, apart from the ids vega gives each chart.
  const strip = (s: string) => s.replace(/\b(id|clip-path)="[^"]*"/g, '').replace(/url\(#[^)]*\)/g, '');
  assert.ok(section(report).length > 1000);
  assert.equal(strip(section(report)), strip(section(page)));

  const bad = runCli(['data', 'describe', 'wisconsin', '--html', join(dir, 'no', 'such', 'folder', 'd.html'), ...data], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /cannot write .*d\.html/);
});
