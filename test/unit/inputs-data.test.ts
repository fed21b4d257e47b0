/**
 * Data files that used to load silently wrong or fail late: another delimiter, a header line alone, duplicate
 * column names, values that overflow when scaled, identifier columns, rows in no split, a damaged managed file.
 * Inputs are in test/fixtures/inputs/ (each with its experiment file) or written here.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDatasetReport, loadDataset } from '../../src/datasets/index.js';
import { describeDataset } from '../../src/datasets/describe.js';
import { formatDescription } from '../../src/cli/data-describe.js';
import { DiagnosticError } from '../../src/errors.js';
import { loadExperiment, parseExperiment } from '../../src/experiment/load.js';
import type { CsvDatasetConfig } from '../../src/experiment/types.js';
import { REPO, WISCONSIN, hasWisconsin } from '../helpers/cli.js';
import { csvConfigWith, csvWriter, testDir } from '../helpers/csv.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'inputs');
const dir = testDir('dlsweep-inputs-data-');
const csvFile = csvWriter(dir);
const csvConfig = csvConfigWith({ normalize: { kind: 'minmax', fit: 'train' }, split: { kind: 'fixed', train: [0, 9], validation: [10, 19] } });

/** The dataset of a fixture experiment, as `run` would load it. */
function fixtureDataset(name: string): CsvDatasetConfig {
  return loadExperiment(name, { cwd: FIXTURES }).dataset as CsvDatasetConfig;
}

function loadError(config: CsvDatasetConfig): DiagnosticError {
  try {
    loadDataset(config);
  } catch (e) {
    assert.ok(e instanceof DiagnosticError, `expected a DiagnosticError, got ${e instanceof Error ? e.stack : String(e)}`);
    return e;
  }
  assert.fail('expected the dataset to be refused');
}

test('a file separated by `;`: the message names the separator found and the option; with the option it loads', () => {
  const config = fixtureDataset('semicolon.yaml');
  const [d] = loadError(config).diagnostics;
  assert.equal(d.message, 'every line holds one field when split at `,`; the lines are separated by `;`');
  assert.deepEqual([d.line, d.found, d.hint], [1, 'a;b;label', 'set dataset.delimiter: ";"']);
  const ok = loadDataset({ ...config, delimiter: ';' });
  assert.deepEqual(ok.feature_names, ['a', 'b']);
  // semicolon.csv: 20 data rows after the header.
  assert.equal(ok.report.rows_used, readFileSync(join(FIXTURES, 'semicolon.csv'), 'utf8').trim().split('\n').length - 1);
  // Tab-separated, said as a tab.
  const tsv = loadError(csvConfig(csvFile('a\tlabel\n1\t0\n2\t1\n'))).diagnostics[0];
  assert.equal(tsv.hint, 'set dataset.delimiter: "\\t"');
});

test('a file holding only a header line says so (not "no column named label")', () => {
  const [d] = loadError(fixtureDataset('header-only.yaml')).diagnostics;
  assert.equal(d.message, 'the file holds only a header line (a, b, label) and no data rows');
  assert.equal(d.line, 1);
});

test('duplicate column names are refused at load time, naming both columns', () => {
  const [d] = loadError(fixtureDataset('dup-columns.yaml')).diagnostics;
  assert.equal(d.message, 'duplicate column name "a": columns 0 and 1 (0-based) are both called so');
  assert.deepEqual([d.line, d.column], [1, 2]);
});

test('a cell beyond the float64 range (1e400) is said to be out of range, at its line and column, not non-numeric', () => {
  const rows = Array.from({ length: 20 }, (_, i) => `${i},${i === 6 ? '-1e400' : i % 5},${i % 2}`);
  const [d] = loadError(csvConfig(csvFile(`a,b,label\n${rows.join('\n')}\n`))).diagnostics;
  assert.equal(d.message, 'value "-1e400" in feature column "b" (0-based index 1) is out of the float64 range (finite numbers only, at most about 1.8e308 in size)');
  // Line 8: the header, then rows 0-6.
  assert.deepEqual([d.line, d.column, d.found], [8, 2, '"-1e400"']);
  assert.match(d.expected ?? '', /^a finite number/);
  // A non-numeric cell keeps its own message.
  const [n] = loadError(csvConfig(csvFile(`a,b,label\n${rows.join('\n').replace('-1e400', 'abc')}\n`))).diagnostics;
  assert.match(n.message, /^non-numeric value "abc" in feature column "b"/);
});

test('values that overflow when scaled are a data error naming the column, at load time', () => {
  const config = fixtureDataset('huge-values.yaml');
  const [d] = loadError(config).diagnostics;
  assert.equal(d.message, 'feature "a" cannot be scaled (minmax): its values (-1e+308 to 1e+308) overflow a double');
  // zscore: the squares overflow.
  assert.match(loadError({ ...config, normalize: { kind: 'zscore', fit: 'train' } }).message, /feature "a" cannot be scaled \(zscore\)/);
  // Unscaled: the value itself is named, with its line (2: the first data row holds -1e308).
  const raw = loadError({ ...config, normalize: { kind: 'none', fit: 'train' } }).diagnostics[0];
  assert.equal(raw.message, 'feature "a" cannot be trained on: its value -1e+308 (unscaled) is too large; values this large overflow a double in training');
  assert.equal(raw.line, 2);
});

test('a column that looks like an identifier is warned, with how to drop it', () => {
  const config = fixtureDataset('patient-id.yaml');
  const d = loadDataset(config);
  const rows = readFileSync(join(FIXTURES, 'patient-id.csv'), 'utf8').trim().split('\n').length - 1;
  assert.deepEqual(
    d.report.warnings.filter((w) => w.includes('identifier')),
    [
      `feature "patient_id" looks like a row identifier (every one of its ${rows} values is a different integer), not a measurement: ` +
        'it is trained on as a feature; if it is an identifier, drop it with drop_columns: ["patient_id"] (or its index, 0)',
    ],
  );
  // Dropped, no warning.
  assert.ok(loadDataset({ ...config, drop_columns: ['patient_id'] }).report.warnings.every((w) => !w.includes('identifier')));
  // By name, even with repeated values; and distinct integers in a small file are not enough.
  const body = Array.from({ length: 20 }, (_, i) => `${i % 3},${i},${i % 2}`).join('\n');
  const named = loadDataset(csvConfig(csvFile(`row_index,x,label\n${body}\n`)));
  assert.equal(named.report.warnings.filter((w) => w.includes('"row_index" looks like a row identifier (its name')).length, 1);
  // x holds 20 distinct integers: warned too.
  assert.equal(named.report.warnings.filter((w) => w.includes('"x" looks like a row identifier (every one of its 20 values')).length, 1);
  // Measurements whose names merely end in "id" are not identifiers.
  const fluid = loadDataset(csvConfig(csvFile(`fluid,acid,label\n${Array.from({ length: 20 }, (_, i) => `${i % 4},${i % 3},${i % 2}`).join('\n')}\n`)));
  assert.deepEqual(fluid.report.warnings.filter((w) => w.includes('identifier')), []);
  const small = loadDataset({ ...csvConfig(csvFile('x,label\n1,0\n2,1\n3,0\n4,1\n')), split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } });
  assert.deepEqual(small.report.warnings.filter((w) => w.includes('identifier')), []);
});

test('rows that a fixed split leaves out are reported with their lines', () => {
  const body = Array.from({ length: 10 }, (_, i) => `${i * 1.5},${i % 2}`).join('\n');
  const d = loadDataset({ ...csvConfig(csvFile(`x,label\n${body}\n`)), split: { kind: 'fixed', train: [0, 3], validation: [6, 9] } });
  // Cleaned rows 4 and 5 are file lines 6 and 7 (line 1 is the header).
  assert.deepEqual(d.report.unsplit, { rows: 2, first_rows: [6, 7] });
  // data describe says so too, in text and JSON, as run does.
  const described = describeDataset(d);
  assert.deepEqual(described.unsplit, { rows: 2, first_rows: [6, 7] });
  assert.match(formatDescription(described), /\n {2}in no split: 2 rows \(line 6, 7\), trained and validated on by no run\n/);
  assert.equal(describeDataset(loadDataset({ ...csvConfig(csvFile(`x,label\n${body}\n`)), split: { kind: 'fixed', train: [0, 4], validation: [5, 9] } })).unsplit, undefined);
});

const noWisconsin = !hasWisconsin() && 'data/wisconsin-cancer-dataset.csv is absent';

test('wisconsin: the study\'s split leaves one row out, and the report says which', { skip: noWisconsin }, () => {
  const exp = parseExperiment('name: t\ndataset: wisconsin\n', 'exp.yaml', { cwd: REPO, dataDir: join(REPO, 'data') });
  const d = loadDataset(exp.dataset);
  // Counted from the file: the 501st line without "?" is cleaned row 500, between train [0, 499] and validation [501, 682].
  const lines = readFileSync(WISCONSIN, 'utf8').split('\n');
  const complete = lines.map((l, i) => [l, i + 1] as const).filter(([l]) => l.trim() !== '' && !l.includes('?'));
  assert.deepEqual(d.report.unsplit, { rows: 1, first_rows: [complete[500][1]] });
  assert.match(formatDatasetReport(d.report), new RegExp(`in no split: 1 row \\(line ${complete[500][1]}\\)`));
});

test('a truncated managed file failing its fixed split says first that it is not the expected file', { skip: noWisconsin }, () => {
  const data = join(dir, 'truncated-data');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'wisconsin-cancer-dataset.csv'), readFileSync(WISCONSIN, 'utf8').split('\n').slice(0, 300).join('\n') + '\n');
  const exp = parseExperiment('name: t\ndataset: wisconsin\n', 'exp.yaml', { cwd: REPO, dataDir: data });
  const e = loadError(exp.dataset as CsvDatasetConfig);
  assert.equal(e.diagnostics.length, 2);
  assert.match(e.diagnostics[1].message, /dataset\.split\.train: train rows \[0, 499\] go beyond the data: \d+ rows are left after cleaning/);
  const note = e.diagnostics[0];
  assert.equal(note.severity, 'warning');
  assert.match(note.message, /^this is not the UCI breast-cancer-wisconsin\.data file \(sha256 [0-9a-f]{12}\.\.\., expected 402c585309c3\.\.\.\): it may be truncated or altered; `dlsweep data fetch wisconsin --force` restores it$/);
  assert.ok(existsSync(join(data, 'wisconsin-cancer-dataset.csv')));
});

test('a managed file cut mid-row: first that it is not the expected file, then the short last row, said to be a file cut short', { skip: noWisconsin }, () => {
  const data = join(dir, 'cut-data');
  mkdirSync(data, { recursive: true });
  // Line 351 cut after its third field ("1236043,4,1" of 11 fields), as an interrupted download leaves it.
  const lines = readFileSync(WISCONSIN, 'utf8').split('\n');
  const cut = lines[350].split(',').slice(0, 3).join(',');
  writeFileSync(join(data, 'wisconsin-cancer-dataset.csv'), [...lines.slice(0, 350), cut].join('\n'));
  const exp = parseExperiment('name: t\ndataset: wisconsin\n', 'exp.yaml', { cwd: REPO, dataDir: data });
  const e = loadError(exp.dataset as CsvDatasetConfig);
  assert.deepEqual(e.diagnostics.map((d) => d.severity), ['warning', 'error']);
  assert.match(e.diagnostics[0].message, /^this is not the UCI breast-cancer-wisconsin\.data file .*: it may be truncated or altered/);
  const [, row] = e.diagnostics;
  assert.deepEqual([row.line, row.column], [351, 3]);
  assert.equal(row.message, 'row has 3 fields, expected 11 (as in line 1): the file ends in the middle of this row');
  assert.equal(row.hint, 'the file looks cut short (an interrupted download or copy): get the whole file again');
  assert.ok(e.message.indexOf('not the UCI') < e.message.indexOf('row has 3 fields'));
});

test('a row with too few or too many fields: the hint says the likely cause (a missing field, an unquoted separator)', () => {
  for (const [text, at, hint] of [
    ['a,b,label\n1,2,0\n3,1\n4,5,1\n', 3, 'every row needs 3 fields: write a missing value as an empty field, e.g. 1,,3'],
    ['a,b,label\n1,2,0\n3,1,5,1\n4,5,1\n', 3, 'a value containing a , must be quoted: "1,5"'],
    // A short last row followed by a line break is a short row, not a file cut short.
    ['a,b,label\n1,2,0\n4,5,1\n3,1\n', 4, 'every row needs 3 fields: write a missing value as an empty field, e.g. 1,,3'],
  ] as const) {
    const e = loadError(csvConfig(csvFile(text)));
    assert.equal(e.diagnostics.length, 1, e.message);
    assert.equal(e.diagnostics[0].line, at);
    assert.equal(e.diagnostics[0].hint, hint);
  }
});

test('a `;`-separated file with delimiter: ";" gives the same matrices as its comma-separated twin', () => {
  const text = 'a,b,label\n' + Array.from({ length: 20 }, (_, i) => `${i % 5},${(i * 7) % 3},${i % 2}`).join('\n') + '\n';
  const p = csvFile(text);
  const q = csvFile(text.replace(/,/g, ';'));
  const comma = loadDataset(csvConfig(p));
  const semi = loadDataset({ ...csvConfig(q), delimiter: ';' });
  assert.deepEqual(semi.folds[0].train.X.data, comma.folds[0].train.X.data);
  assert.deepEqual(semi.folds[0].validation.y, comma.folds[0].validation.y);
});
