import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
