/** Tests of src/datasets: the Wisconsin preset, parsing, preprocessing, splits, synthetic data, fingerprints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { csvConfigWith, csvWriter, testDir } from '../helpers/csv.js';
import { GET_WISCONSIN, skipUnlessPresent } from '../helpers/requirements.js';
import { loadDataset, formatDatasetReport } from '../../src/datasets/index.js';
import { detectHeader } from '../../src/datasets/columns.js';
import { featureHistograms } from '../../src/datasets/describe.js';
import type { CsvDatasetConfig, SyntheticDatasetConfig } from '../../src/experiment/types.js';
import type { SplitData } from '../../src/train/types.js';

const WISCONSIN_PATH = resolve(process.cwd(), 'data/wisconsin-cancer-dataset.csv');
const skipWisconsin = skipUnlessPresent([WISCONSIN_PATH], GET_WISCONSIN);

/** The study's settings (the Wisconsin preset the experiment loader fills in). */
function wisconsinConfig(over: Partial<CsvDatasetConfig> = {}): CsvDatasetConfig {
  return {
    kind: 'csv',
    name: 'wisconsin',
    path: WISCONSIN_PATH,
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
    ...over,
  };
}

/** Write a small CSV into a temp dir and return its path. */
const dir = testDir('dlsweep-datasets-');
const csvFile = csvWriter(dir);

/** A generic CSV config for small test files: label = last column "label", positive 1. */
const csvConfig = csvConfigWith({});

/** Column s of X (the s-th sample's features). */
function sample(d: SplitData, s: number): number[] {
  const { rows, cols, data } = d.X;
  return Array.from({ length: rows }, (_, f) => data[f * cols + s]);
}

/** Row f of X (one feature over all samples). */
function feature(d: SplitData, f: number): number[] {
  const { cols, data } = d.X;
  return Array.from(data.subarray(f * cols, (f + 1) * cols));
}

/** A CSV whose feature "id" is the cleaned row index (so X reveals which rows a split holds). */
function indexedCsv(n: number, positive: (i: number) => boolean): string {
  const lines = ['id,noise,label'];
  for (let i = 0; i < n; i++) lines.push(`${i},${(i * 7) % 5},${positive(i) ? 1 : 0}`);
  return lines.join('\n') + '\n';
}

function synth(over: Partial<SyntheticDatasetConfig> = {}): SyntheticDatasetConfig {
  return {
    kind: 'synthetic',
    generator: 'blobs',
    samples: 200,
    features: 4,
    noise: 0.1,
    seed: 7,
    normalize: { kind: 'none', fit: 'train' },
    split: { kind: 'holdout', validation_fraction: 0.25, stratify: true, seed: 1 },
    ...over,
  };
}

// ---------------------------------------------------------------- Wisconsin

test('wisconsin preset: 683 cleaned rows, 500 train, 182 validation, 9 features', { skip: skipWisconsin }, () => {
  const d = loadDataset(wisconsinConfig());
  assert.equal(d.report.rows_read, 699);
  assert.equal(d.report.rows_used, 683);
  assert.equal(d.folds.length, 1);
  const { train, validation } = d.folds[0];
  assert.deepEqual([train.X.rows, train.X.cols], [9, 500]);
  assert.deepEqual([validation.X.rows, validation.X.cols], [9, 182]);
  assert.equal(train.X.data.length, 9 * 500);
  assert.equal(train.y.length, 500);
  assert.equal(validation.y.length, 182);
  assert.equal(d.feature_names.length, 9);
  assert.equal(d.feature_names[5], 'bare_nuclei');
  assert.equal(d.report.label, 'class');
  assert.equal(d.file_sha256, '402c585309c399237740f635ef9919dc512cca12cbeb20de5e563a4593f22b64');
  assert.deepEqual(d.report.warnings, []);
  assert.deepEqual(d.report.dropped.length, 1);
  assert.equal(d.report.dropped[0].count, 16);
  assert.match(d.report.dropped[0].reason, /bare_nuclei/);
  assert.deepEqual(d.report.dropped[0].first_rows.slice(0, 3), [24, 41, 140]);
});

test('wisconsin preset: scaled values in [0, 1] and equal to the hand-computed min-max values', { skip: skipWisconsin }, () => {
  const d = loadDataset(wisconsinConfig());
  const { train, validation } = d.folds[0];
  for (const s of [train, validation]) for (const v of s.X.data) assert.ok(v >= 0 && v <= 1, `value ${v} outside [0, 1]`);
  // Every feature ranges 1..10 over the 683 rows, so x' = (x - 1) / (10 - 1).
  const mm = (x: number): number => (x - 1) / (10 - 1);
  // Line 1: 1000025,5,1,1,1,2,1,3,1,1,2 (benign).
  assert.deepEqual(sample(train, 0), [5, 1, 1, 1, 2, 1, 3, 1, 1].map(mm));
  assert.equal(train.y[0], 0);
  // Cleaned row 499 (last train row): 1306282,6,6,7,10,3,10,8,10,2,4 (malignant).
  assert.deepEqual(sample(train, 499), [6, 6, 7, 10, 3, 10, 8, 10, 2].map(mm));
  assert.equal(train.y[499], 1);
  // Cleaned row 501 (first validation row; row 500 is in neither split): 1320077,1,1,1,1,1,1,1,1,1,2.
  assert.deepEqual(sample(validation, 0), new Array(9).fill(0));
  assert.equal(validation.y[0], 0);
});

test('wisconsin preset: class counts per split (2 -> 0 benign, 4 -> 1 malignant)', { skip: skipWisconsin }, () => {
  const d = loadDataset(wisconsinConfig());
  const sum = (y: Float64Array): number => y.reduce((a, b) => a + b, 0);
  assert.equal(sum(d.folds[0].train.y), 197);
  assert.equal(sum(d.folds[0].validation.y), 41);
  for (const v of d.folds[0].train.y) assert.ok(v === 0 || v === 1);
  assert.deepEqual(d.report.splits, [
    { name: 'train', rows: 500, positives: 197, negatives: 303 },
    { name: 'validation', rows: 182, positives: 41, negatives: 141 },
  ]);
  const text = formatDatasetReport(d.report);
  assert.match(text, /699 rows read, 683 used, 16 dropped/);
  assert.match(text, /dropped 16: missing value in bare_nuclei \(line 24, 41, 140/);
  assert.match(text, /train\s+500 rows: 197 positive, 303 negative/);
  assert.match(text, /validation\s+182 rows: 41 positive, 141 negative/);
});

test('wisconsin preset: every output array lives on a SharedArrayBuffer', { skip: skipWisconsin }, () => {
  const d = loadDataset(wisconsinConfig());
  for (const s of [d.folds[0].train, d.folds[0].validation]) {
    assert.ok(s.X.data.buffer instanceof SharedArrayBuffer);
    assert.ok(s.y.buffer instanceof SharedArrayBuffer);
  }
});

test('wisconsin: header auto detects no header; columns can be referred to by their known names', { skip: skipWisconsin }, () => {
  const a = loadDataset(wisconsinConfig());
  const b = loadDataset(wisconsinConfig({ header: 'auto', label: 'class', drop_columns: ['sample_code_number'] }));
  assert.equal(b.report.header, false);
  assert.deepEqual(b.folds[0].train.X.data, a.folds[0].train.X.data);
  // Same resolved data, same identity.
  assert.equal(b.fingerprint, a.fingerprint);
});

test('wisconsin: fingerprint is stable, independent of the path, and changes with any setting', { skip: skipWisconsin }, () => {
  const base = loadDataset(wisconsinConfig()).fingerprint;
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(loadDataset(wisconsinConfig()).fingerprint, base);
  const copy = join(dir, 'copy-of-wisconsin.csv');
  copyFileSync(WISCONSIN_PATH, copy);
  assert.equal(loadDataset(wisconsinConfig({ path: copy })).fingerprint, base);
  const variants: Partial<CsvDatasetConfig>[] = [
    { normalize: { kind: 'minmax', fit: 'train' } },
    { normalize: { kind: 'zscore', fit: 'all' } },
    { split: { kind: 'fixed', train: [0, 498], validation: [501, 682] } },
    { split: { kind: 'holdout', validation_fraction: 0.25, stratify: true, seed: 1 } },
    { missing_strategy: 'mean' },
    { drop_columns: [0, 9] },
    { negative: undefined },
    { missing_values: ['?'] },
  ];
  const seen = new Set([base]);
  for (const v of variants) {
    const fp = loadDataset(wisconsinConfig(v)).fingerprint;
    assert.ok(!seen.has(fp), `fingerprint did not change with ${JSON.stringify(v)}`);
    seen.add(fp);
  }
});

// ---------------------------------------------------------------- CSV parsing

test('header auto-detection rule', () => {
  const miss = new Set(['?', '']);
  assert.equal(detectHeader(['id', 'a', 'class'], ['1', '2', '4'], miss), true);
  assert.equal(detectHeader(['1', '2', '4'], ['3', '4', '2'], miss), false);
  // A text label column alone does not make a header ("M" over "B").
  assert.equal(detectHeader(['1.5', '2', 'M'], ['3', '4', 'B'], miss), false);
  // A header whose only numeric-below column is next to a text label column.
  assert.equal(detectHeader(['radius', 'diagnosis'], ['1.5', 'M'], miss), true);
  // A missing-value marker in the first row is data, not a header.
  assert.equal(detectHeader(['1', '?', '2'], ['1', '5', '2'], miss), false);
  // One row only: no header.
  assert.equal(detectHeader(['a', 'b'], undefined, miss), false);
});

test('csv with a header: columns by name, header auto-detected, names reported', () => {
  const p = csvFile('a,b,label\n1,10,0\n2,20,1\n3,30,0\n4,40,1\n');
  const d = loadDataset(csvConfig(p, { split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } }));
  assert.equal(d.report.header, true);
  assert.deepEqual(d.feature_names, ['a', 'b']);
  assert.equal(d.report.rows_read, 4);
  assert.deepEqual(sample(d.folds[0].train, 1), [2, 20]);
  assert.deepEqual(Array.from(d.folds[0].train.y), [0, 1]);
  const e = loadDataset(csvConfig(p, { features: ['b'], split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } }));
  assert.deepEqual(e.feature_names, ['b']);
  assert.deepEqual(feature(e.folds[0].validation, 0), [30, 40]);
});

test('csv: UTF-8 BOM, CRLF line endings and quoted fields', () => {
  const p = csvFile('\uFEFF"x","y, with comma","label"\r\n"1","2",M\r\n3,"4",B\r\n"5",6,"M"\r\n7,8, B \r\n');
  const d = loadDataset(
    csvConfig(p, { positive: ['M'], negative: ['B'], split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } }),
  );
  assert.equal(d.report.header, true);
  assert.deepEqual(d.feature_names, ['x', 'y, with comma']);
  assert.deepEqual(sample(d.folds[0].train, 0), [1, 2]);
  assert.deepEqual(sample(d.folds[0].train, 1), [3, 4]);
  assert.deepEqual(Array.from(d.folds[0].train.y), [1, 0]);
  assert.deepEqual(Array.from(d.folds[0].validation.y), [1, 0]);
  assert.deepEqual(d.report.warnings, []);
});

test('csv: labels compare as trimmed strings, 4 matches "4" and " 4.0"; undeclared negative means the one other value', () => {
  const p = csvFile('f,label\n1,4\n2, 2\n3,4.0\n4,2.0\n');
  const d = loadDataset(csvConfig(p, { positive: ['4'], split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } }));
  assert.deepEqual(Array.from(d.folds[0].train.y), [1, 0]);
  assert.deepEqual(Array.from(d.folds[0].validation.y), [1, 0]);
  // "2" and "2.0" are one value; declared, several values form the negative class.
  assert.deepEqual(d.report.negative, ['2', '2.0']);
  const three = csvFile('f,label\n1,4\n2,2\n3,4\n4,3\n');
  const e = loadDataset(csvConfig(three, { positive: ['4'], negative: [2, 3], split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } }));
  assert.deepEqual(Array.from(e.folds[0].validation.y), [1, 0]);
});

test('csv: blank lines in the middle are skipped with a warning, trailing ones silently; line numbers stay exact', () => {
  const p = csvFile('a,label\n1,0\n\n2,1\n   \n3,0\n4,1\n\n\n');
  const d = loadDataset(csvConfig(p, { split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } }));
  assert.equal(d.report.rows_read, 4);
  assert.equal(d.report.warnings.length, 1);
  assert.match(d.report.warnings[0], /skipped 2 blank lines \(line 3, 5\)/);
  // A bad value after blank lines still points at its real line.
  const q = csvFile('a,label\n1,0\n\n2,1\n\nx,0\n');
  assert.throws(() => loadDataset(csvConfig(q)), (e: Error) => e.message.includes(`${q}:6:1:`));
});

test('missing values: strategy drop drops the row and reports it; a missing label always drops the row', () => {
  const p = csvFile('a,b,label\n1,2,0\n?,3,1\n4,,0\n5,6,?\n7,8,1\n9,10,0\n11,12,1\n');
  const d = loadDataset(csvConfig(p, { split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } }));
  assert.equal(d.report.rows_read, 7);
  assert.equal(d.report.rows_used, 4);
  assert.deepEqual(
    d.report.dropped.map((x) => [x.reason, x.count, x.first_rows]),
    [
      ['missing value in a', 1, [3]],
      ['missing value in b', 1, [4]],
      ['missing label', 1, [5]],
    ],
  );
  assert.deepEqual(feature(d.folds[0].train, 0), [1, 7]);
});

test('missing values: mean imputation uses the training rows of the fold only', () => {
  // Train rows 0..3 have a = 1, 2, ?, 3 (mean 2); validation rows have a = 100, ? (all-rows mean would differ).
  const p = csvFile('a,b,label\n1,0,0\n2,0,1\n?,0,0\n3,0,1\n100,0,0\n?,0,1\n');
  const d = loadDataset(csvConfig(p, { missing_strategy: 'mean', split: { kind: 'fixed', train: [0, 3], validation: [4, 5] } }));
  assert.equal(d.report.rows_used, 6);
  assert.deepEqual(feature(d.folds[0].train, 0), [1, 2, 2, 3]);
  assert.deepEqual(feature(d.folds[0].validation, 0), [100, 2]);
  assert.equal(d.report.imputed?.cells, 2);
  assert.deepEqual(d.report.imputed?.per_feature, [{ feature: 'a', count: 2, first_rows: [4, 7], values: [2] }]);
  assert.match(formatDatasetReport(d.report), /imputed 2 missing cells with the training rows' mean: a 2/);
  // Median of 1, 2, 10 on the training rows is 2; mean would be 13/3.
  const q = csvFile('a,label\n1,0\n2,1\n10,0\n?,1\n50,0\n60,1\n');
  const m = loadDataset(csvConfig(q, { missing_strategy: 'median', split: { kind: 'fixed', train: [0, 3], validation: [4, 5] } }));
  assert.deepEqual(feature(m.folds[0].train, 0), [1, 2, 10, 2]);
});

// ---------------------------------------------------------------- normalization

test('minmax with fit train: statistics of the training rows, applied to validation (may leave [0, 1])', () => {
  const p = csvFile('a,label\n0,0\n10,1\n5,0\n20,1\n-10,0\n');
  const d = loadDataset(csvConfig(p, { normalize: { kind: 'minmax', fit: 'train' }, split: { kind: 'fixed', train: [0, 2], validation: [3, 4] } }));
  assert.deepEqual(feature(d.folds[0].train, 0), [0, 1, 0.5]);
  assert.deepEqual(feature(d.folds[0].validation, 0), [2, -1]);
});

test('zscore: (x - mean) / population std (divide by n), on the fit rows', () => {
  // Train values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population std 2.
  const p = csvFile('a,label\n2,0\n4,1\n4,0\n4,1\n5,0\n5,1\n7,0\n9,1\n11,0\n1,1\n');
  const d = loadDataset(csvConfig(p, { normalize: { kind: 'zscore', fit: 'train' }, split: { kind: 'fixed', train: [0, 7], validation: [8, 9] } }));
  assert.deepEqual(feature(d.folds[0].train, 0), [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]);
  assert.deepEqual(feature(d.folds[0].validation, 0), [3, -2]);
  const tr = feature(d.folds[0].train, 0);
  const mean = tr.reduce((a, b) => a + b, 0) / tr.length;
  const varPop = tr.reduce((a, b) => a + (b - mean) ** 2, 0) / tr.length;
  assert.ok(Math.abs(mean) < 1e-12 && Math.abs(varPop - 1) < 1e-12);
});

test('a constant feature is scaled to 0 with a warning, never NaN (minmax and zscore)', () => {
  const p = csvFile('a,c,label\n1,3,0\n2,3,1\n3,3,0\n4,3,1\n');
  for (const kind of ['minmax', 'zscore'] as const) {
    const d = loadDataset(csvConfig(p, { normalize: { kind, fit: 'all' }, split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } }));
    assert.deepEqual(feature(d.folds[0].train, 1), [0, 0]);
    assert.deepEqual(feature(d.folds[0].validation, 1), [0, 0]);
    for (const v of d.folds[0].train.X.data) assert.ok(Number.isFinite(v));
    assert.equal(d.report.warnings.length, 1);
    assert.match(d.report.warnings[0], /feature "c" is constant \(3\).*scaled to 0/);
  }
});

// ---------------------------------------------------------------- splits

test('holdout: stratified (class shares within one row), deterministic, rows in file order', () => {
  const p = csvFile(indexedCsv(100, (i) => i % 10 < 3)); // 30 positives, 70 negatives
  const cfg = (seed: number): CsvDatasetConfig =>
    csvConfig(p, { features: ['id'], split: { kind: 'holdout', validation_fraction: 0.25, stratify: true, seed } });
  const a = loadDataset(cfg(1));
  const val = feature(a.folds[0].validation, 0);
  const tr = feature(a.folds[0].train, 0);
  assert.equal(val.length + tr.length, 100);
  assert.ok(Math.abs(val.length - 25) <= 1);
  const valPos = a.folds[0].validation.y.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(valPos - 0.25 * 30) <= 1, `validation positives ${valPos}`);
  assert.ok(Math.abs(val.length - valPos - 0.25 * 70) <= 1);
  assert.deepEqual(val, [...val].sort((x, y) => x - y), 'validation rows in file order');
  assert.deepEqual(tr, [...tr].sort((x, y) => x - y), 'train rows in file order');
  assert.deepEqual(new Set([...val, ...tr]).size, 100);
  // Deterministic: same seed, same rows; another seed, other rows.
  assert.deepEqual(feature(loadDataset(cfg(1)).folds[0].validation, 0), val);
  assert.notDeepEqual(feature(loadDataset(cfg(2)).folds[0].validation, 0), val);
  // Labels travel with their rows.
  for (let s = 0; s < val.length; s++) assert.equal(a.folds[0].validation.y[s], val[s] % 10 < 3 ? 1 : 0);
});

test('kfold: every row in exactly one validation fold; train is the rest; stratified counts within one row', () => {
  const p = csvFile(indexedCsv(53, (i) => i % 4 === 0)); // 14 positives, 39 negatives
  const d = loadDataset(csvConfig(p, { features: ['id'], split: { kind: 'kfold', k: 5, stratify: true, seed: 3 } }));
  assert.equal(d.folds.length, 5);
  const seen = new Map<number, number>();
  const posCounts: number[] = [];
  for (const fold of d.folds) {
    const val = feature(fold.validation, 0);
    const tr = feature(fold.train, 0);
    assert.equal(val.length + tr.length, 53);
    assert.deepEqual(new Set([...val, ...tr]).size, 53);
    assert.deepEqual(val, [...val].sort((x, y) => x - y));
    for (const v of val) seen.set(v, (seen.get(v) ?? 0) + 1);
    posCounts.push(fold.validation.y.reduce((s, v) => s + v, 0));
    assert.ok(val.length === 10 || val.length === 11);
  }
  assert.equal(seen.size, 53);
  for (const c of seen.values()) assert.equal(c, 1);
  assert.ok(Math.max(...posCounts) - Math.min(...posCounts) <= 1, `positives per fold ${posCounts}`);
  assert.deepEqual(
    d.report.splits.map((s) => s.name).slice(0, 2),
    ['fold1/train', 'fold1/validation'],
  );
});

// ---------------------------------------------------------------- synthetic

test('synthetic: shapes, balanced classes, determinism, for every generator', () => {
  for (const generator of ['blobs', 'xor', 'circles'] as const) {
    const cfg = synth({ generator, samples: 201, features: 5 });
    const a = loadDataset(cfg);
    const { train, validation } = a.folds[0];
    assert.equal(train.X.rows, 5);
    assert.equal(train.X.cols + validation.X.cols, 201);
    const pos = train.y.reduce((s, v) => s + v, 0) + validation.y.reduce((s, v) => s + v, 0);
    assert.equal(pos, 100); // 201 rows: 101 of class 0, 100 of class 1
    assert.ok(train.X.data.buffer instanceof SharedArrayBuffer);
    const b = loadDataset(cfg);
    assert.deepEqual(b.folds[0].train.X.data, train.X.data);
    assert.equal(b.fingerprint, a.fingerprint);
    assert.equal(b.file_sha256, a.file_sha256);
    const c = loadDataset({ ...cfg, seed: 8 });
    assert.notDeepEqual(c.folds[0].train.X.data, train.X.data);
    assert.notEqual(c.file_sha256, a.file_sha256);
  }
});

test('synthetic: xor labels follow sign(x0)·sign(x1) > 0 and circles radii without noise', () => {
  const x = loadDataset(synth({ generator: 'xor', noise: 0, features: 3 }));
  for (const s of [x.folds[0].train, x.folds[0].validation]) {
    for (let i = 0; i < s.X.cols; i++) {
      const [x0, x1, x2] = sample(s, i);
      assert.equal(s.y[i], Math.sign(x0) * Math.sign(x1) > 0 ? 1 : 0);
      assert.ok(Math.abs(x0) <= 1 && Math.abs(x1) <= 1 && Math.abs(x2) <= 1);
    }
  }
  const c = loadDataset(synth({ generator: 'circles', noise: 0, features: 2 }));
  for (const s of [c.folds[0].train, c.folds[0].validation]) {
    for (let i = 0; i < s.X.cols; i++) {
      const [x0, x1] = sample(s, i);
      assert.ok(Math.abs(Math.hypot(x0, x1) - (s.y[i] === 1 ? 0.5 : 1)) < 1e-12);
    }
  }
  const b = loadDataset(synth({ generator: 'blobs', samples: 2000, features: 2 }));
  const tr = b.folds[0].train;
  let m1 = 0;
  let n1 = 0;
  for (let i = 0; i < tr.X.cols; i++) if (tr.y[i] === 1) (m1 += sample(tr, i)[0]), n1++;
  assert.ok(Math.abs(m1 / n1 - 1) < 0.1, `class 1 mean ${m1 / n1}`);
});

// Speed is measured by `npm run bench`, never asserted here; this checks the large shape is handled.
test('synthetic: 100,000 samples x 30 features have the right shapes', () => {
  const d = loadDataset(synth({ samples: 100_000, features: 30, normalize: { kind: 'minmax', fit: 'train' } }));
  assert.equal(d.folds[0].train.X.cols + d.folds[0].validation.X.cols, 100_000);
  assert.equal(d.folds[0].train.X.rows, 30);
  assert.equal(d.folds[0].train.X.data.length, 30 * d.folds[0].train.X.cols);
});

test('formatDatasetReport: rows, drops, classes per split and warnings in a few lines', () => {
  const p = csvFile('a,c,label\n1,3,0\n?,3,1\n2,3,1\n3,3,0\n4,3,1\n');
  const d = loadDataset(csvConfig(p, { normalize: { kind: 'minmax', fit: 'all' }, split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } }));
  const text = formatDatasetReport(d.report);
  assert.match(text, /5 rows read, 4 used, 1 dropped/);
  assert.match(text, /dropped 1: missing value in a \(line 3\)/);
  assert.match(text, /features \(2\): a, c/);
  assert.match(text, /label label: positive \(1\) = 1; negative \(0\) = 0/);
  assert.match(text, /train\s+2 rows: 1 positive, 1 negative/);
  assert.match(text, /warning: feature "c" is constant/);
  assert.ok(text.split('\n').length <= 10);
});

test('featureHistograms: one bar per value up to 20 values; otherwise 20 equal-width bins over [min, max], the last closed', () => {
  // 40 values 0..39 (odd ones positive): width 39/20 = 1.95, so bin i = [1.95 i, 1.95 (i + 1)) holds 2i and
  // 2i + 1 (2i + 1 < 1.95 i + 1.95 for i < 19; the last bin [37.05, 39] holds 38 and 39): one row of each class.
  const m = 40;
  const X = { rows: 2, cols: m, data: new Float64Array(2 * m) };
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    X.data[j] = j;
    X.data[m + j] = j % 3; // three values: bars
    y[j] = j % 2;
  }
  const data = { feature_names: ['many', 'few'], folds: [{ train: { X, y }, validation: { X, y } }] } as unknown as Parameters<typeof featureHistograms>[0];
  const [many, few] = featureHistograms(data);
  assert.equal(many.kind, 'bins');
  assert.equal(many.bins.length, 20);
  many.bins.forEach((b, i) => {
    assert.deepEqual([b.negative, b.positive], [1, 1], `bin ${i}`);
    assert.ok(Math.abs(b.lo - 1.95 * i) < 1e-12);
  });
  assert.equal(many.bins[19].hi, 39);
  // j % 3 = 0 at j = 0, 3, ..., 39: 14 rows, 7 odd; = 1 at 1, 4, ..., 37: 13 rows, 7 odd (1, 7, ..., 37);
  // = 2 at 2, 5, ..., 38: 13 rows, 6 odd (5, 11, ..., 35).
  assert.equal(few.kind, 'values');
  assert.deepEqual(few.bins.map((b) => [b.lo, b.negative, b.positive]), [[0, 7, 7], [1, 6, 7], [2, 7, 6]]);
});
