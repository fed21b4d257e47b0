/** Error cases of src/datasets: every bad file or setting gives a clear UserError/DiagnosticError with a position. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadDataset } from '../../src/datasets/index.js';
import { DiagnosticError, UserError } from '../../src/errors.js';
import type { CsvDatasetConfig, SplitConfig } from '../../src/experiment/types.js';
import { csvConfigWith, csvWriter, testDir } from '../helpers/csv.js';

const dir = testDir('dlsweep-datasets-errors-');
const csvFile = csvWriter(dir);
const csvConfig = csvConfigWith({ normalize: { kind: 'minmax', fit: 'all' }, split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } });

const GOOD = 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n';

/** Assert loading throws a UserError (exit 2) whose message matches every pattern; return it. */
function fails(config: CsvDatasetConfig, ...patterns: (RegExp | string)[]): UserError {
  let caught: unknown;
  try {
    loadDataset(config);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof UserError, `expected a UserError, got ${caught instanceof Error ? caught.stack : String(caught)}`);
  for (const p of patterns) {
    if (typeof p === 'string') assert.ok(caught.message.includes(p), `message lacks ${JSON.stringify(p)}:\n${caught.message}`);
    else assert.match(caught.message, p);
  }
  return caught;
}

/** Like fails(), and the first diagnostic sits at line:column. */
function failsAt(config: CsvDatasetConfig, line: number, column: number | undefined, ...patterns: (RegExp | string)[]): DiagnosticError {
  const e = fails(config, ...patterns);
  assert.ok(e instanceof DiagnosticError, 'expected a DiagnosticError');
  assert.equal(e.diagnostics[0].file, config.path);
  assert.equal(e.diagnostics[0].line, line);
  assert.equal(e.diagnostics[0].column, column);
  assert.ok(e.message.startsWith(`${config.path}:${line}${column === undefined ? '' : `:${column}`}: error:`), e.message);
  return e;
}

// ---------------------------------------------------------------- the file itself

test('missing file: UserError saying where to put it', () => {
  const p = join(dir, 'nope.csv');
  const e = fails(csvConfig(p), `Dataset file not found: ${p}`);
  assert.match(e.hint ?? '', /^put the CSV file at that path, or set dataset\.path/);
});

test('missing managed Wisconsin file: says where, what (UCI breast-cancer-wisconsin.data) and how to fetch', () => {
  const p = join(dir, 'data', 'wisconsin-cancer-dataset.csv');
  const e = fails(
    csvConfig(p, { name: 'wisconsin' }),
    `put the wisconsin breast cancer data at ${p}`.replace(/^p/, 'P').replace('wisconsin breast', 'Wisconsin breast'),
    'breast-cancer-wisconsin.data',
    'UCI Machine Learning Repository',
    'https://archive.ics.uci.edu/dataset/15/breast+cancer+wisconsin+original',
    // The folder is named: without --data-dir the command would download into ./data instead.
    `\`dlsweep data fetch wisconsin --data-dir ${join(dir, 'data')}\``,
  );
  assert.ok(!(e instanceof DiagnosticError));
});

test('a directory instead of a file', () => {
  fails(csvConfig(dir), 'is a directory');
});

test('empty file: 0 bytes, or only blank lines', () => {
  fails(csvConfig(csvFile('')), 'the file is empty');
  fails(csvConfig(csvFile('\n\n  \n')), 'no data: only blank lines');
});

test('a file with only a header row', () => {
  failsAt(csvConfig(csvFile('a,b,label\n'), { header: true }), 1, undefined, 'the file holds only a header line (a, b, label) and no data rows');
});

test('not a text file: NUL bytes (binary, UTF-16) and invalid UTF-8, with the line', () => {
  failsAt(csvConfig(csvFile(Buffer.from('a,label\n1,0\n2\u00001,1\n', 'latin1'))), 3, undefined, 'not a text file: NUL byte', 'UTF-8');
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD, 'utf16le')]);
  fails(csvConfig(csvFile(utf16)), 'not a text file', 'UTF-16');
  const latin1 = Buffer.concat([Buffer.from('a,label\n1,0\n'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x31, 0x0a])]);
  failsAt(csvConfig(csvFile(latin1)), 3, undefined, 'not a UTF-8 text file');
});

test('malformed CSV: an unclosed quote points at the line where the field opens', () => {
  failsAt(csvConfig(csvFile('a,b,label\n1,2,0\n3,"4,1\n5,6,0\n')), 3, 2, 'quoted field is never closed');
});

// ---------------------------------------------------------------- rows and cells

test('non-numeric value in a feature column: line, CSV column number and column name', () => {
  const p = csvFile('a,b,label\n1,2,0\n3,abc,1\n5,6,0\n7,x,1\n');
  const e = failsAt(csvConfig(p), 3, 2, 'non-numeric value "abc" in feature column "b" (0-based index 1)', '1 more row(s)');
  assert.match(e.message, /found: {4}"abc"/);
  assert.match(e.message, /hint: .*drop_columns.*missing_values/);
});

test('a number too large for a double is not accepted as a feature value', () => {
  failsAt(csvConfig(csvFile('a,label\n1,0\n1e999,1\n2,0\n3,1\n')), 3, 1, 'value "1e999" in feature column "a" (0-based index 0) is out of the float64 range');
});

test('a row with the wrong number of columns', () => {
  const p = csvFile('a,b,label\n1,2,0\n3,4,1,9\n5,6,0\n7,1\n');
  const e = failsAt(csvConfig(p), 3, 4, 'row has 4 fields, expected 3 (as in line 1)');
  assert.equal(e.diagnostics.length, 2);
  assert.equal(e.diagnostics[1].line, 5);
  assert.match(e.diagnostics[1].message, /row has 2 fields/);
});

test('a label value that is neither positive nor declared negative: value and first lines', () => {
  const p = csvFile('a,label\n1,2\n2,4\n3,3\n4,2\n5,3\n6,4\n');
  failsAt(
    csvConfig(p, { positive: [4], negative: [2] }),
    4,
    2,
    'label value "3" in column "label" is neither positive (4) nor negative (2): 2 row(s), first at line 4, 6',
  );
});

test('a label value that is neither positive nor declared negative names the classes expected (a stray 3 in Wisconsin-like labels)', () => {
  const p = csvFile('a,label\n1,2\n2,4\n3,3\n4,2\n');
  const e = failsAt(csvConfig(p, { positive: [4], negative: [2] }), 4, 2, 'label value "3" in column "label" is neither positive (4) nor negative (2)');
  assert.equal(e.diagnostics[0].expected, 'a label value of the positive class ("4") or of the negative class ("2"), or a missing-value marker ("?", "")');
  assert.equal(e.diagnostics[0].found, '"3"');
  assert.match(e.diagnostics[0].hint ?? '', /add "3" to dataset\.positive or dataset\.negative, or to dataset\.missing_values/);
});

test('without dataset.negative, a label column with a third value is an error at the rarer value, not a silent negative', () => {
  // Labels 0/1/2 with positive [1]: 0 on four rows, 2 on one (line 4).
  const p = csvFile('a,label\n11,0\n12,1\n13,2\n14,0\n15,1\n16,0\n17,1\n18,0\n');
  const e = failsAt(
    csvConfig(p, { split: { kind: 'fixed', train: [0, 3], validation: [4, 6] } }),
    4,
    2,
    'label column "label" holds 2 values besides the positive "1": "0" (4 rows, first at line 2, 5, 7, 9), "2" (1 row, first at line 4); without dataset.negative the negative class must be a single value',
  );
  assert.equal(e.diagnostics.length, 1);
  assert.equal(e.diagnostics[0].expected, 'two classes: the positive "1" and one other value');
  assert.equal(e.diagnostics[0].found, '2 other values: "0", "2"');
  assert.equal(e.diagnostics[0].hint, 'if "2" is a mistake, correct those rows or add "2" to dataset.missing_values to drop them; to count these values as the negative class, set dataset.negative: [0, 2]');
  // Each fix the hint names loads: 2 dropped as missing, or 0 and 2 both negative.
  const dropped = loadDataset(csvConfig(p, { missing_values: ['2'], split: { kind: 'fixed', train: [0, 3], validation: [4, 6] } }));
  assert.equal(dropped.report.rows_used, 7);
  const grouped = loadDataset(csvConfig(p, { negative: [0, 2], split: { kind: 'fixed', train: [0, 3], validation: [4, 7] } }));
  assert.deepEqual(Array.from(grouped.folds[0].train.y), [0, 1, 0, 0]);
  // Text labels too; numbers written two ways ("0", "0.0") are one value, not a third class.
  failsAt(csvConfig(csvFile('a,label\n1,B\n2,M\n3,b\n4,B\n'), { positive: ['M'] }), 4, 2, '"B" (2 rows, first at line 2, 5), "b" (1 row, first at line 4)');
  assert.equal(loadDataset(csvConfig(csvFile('a,label\n1,0\n2,1\n3,0.0\n4,1\n'), { split: { kind: 'fixed', train: [0, 1], validation: [2, 3] } })).report.rows_used, 4);
});

test('an empty label cell that is not a missing-value marker', () => {
  failsAt(csvConfig(csvFile('a,label\n1,0\n2,\n3,1\n4,0\n'), { missing_values: ['?'] }), 3, 2, 'empty label cell');
});

test('many bad cells: all listed in one error, sorted by line, capped with a count of the rest', () => {
  const rows = ['a,label'];
  for (let i = 0; i < 30; i++) rows.push(`${i},1,extra`);
  const e = fails(csvConfig(csvFile(rows.join('\n'))), '... and 10 more errors in', 'not shown') as DiagnosticError;
  assert.equal(e.diagnostics.length, 30);
  assert.equal(e.message.split('row has 3 fields').length - 1, 20);
  assert.equal(e.diagnostics[0].line, 2);
});

test('every row dropped for missing values', () => {
  fails(csvConfig(csvFile('a,label\n?,0\n?,1\n')), 'no rows left after cleaning: all 2 data rows were dropped (2 missing value in a)');
});

// ---------------------------------------------------------------- columns and labels settings

test('unknown column name: lists the columns and suggests the closest', () => {
  fails(csvConfig(csvFile(GOOD), { label: 'lable' }), 'dataset.label: no column named "lable"', 'did you mean "label"?', 'a column of the file: 0 a, 1 b, 2 label');
  fails(csvConfig(csvFile(GOOD), { drop_columns: ['zzz'] }), 'dataset.drop_columns[0]: no column named "zzz"', 'a column of the file: 0 a');
});

test('a column name on a file without a header explains that columns have no names', () => {
  fails(csvConfig(csvFile('1,2,0\n3,4,1\n')), 'the file has no header row', 'set dataset.header: true', 'a 0-based column index, 0 to 2');
});

test('column index out of range names the number of columns', () => {
  fails(csvConfig(csvFile(GOOD), { label: 7 }), 'dataset.label: column index 7 is out of range', 'has 3 columns', 'a 0-based column index, 0 to 2');
});

test('conflicting column settings', () => {
  fails(csvConfig(csvFile(GOOD), { drop_columns: ['label'] }), 'is the label column; it cannot be dropped');
  fails(csvConfig(csvFile(GOOD), { features: ['a', 'label'] }), 'is the label column; it cannot also be a feature');
  fails(csvConfig(csvFile(GOOD), { features: ['a'], drop_columns: ['a'] }), 'also listed in dataset.drop_columns');
  fails(csvConfig(csvFile(GOOD), { positive: [1], negative: ['1'] }), 'both contain "1"');
  fails(csvConfig(csvFile(GOOD), { positive: [] }), 'dataset.positive: list at least one');
});

// ---------------------------------------------------------------- splits

test('a label value that matches no row: says which class is missing and which values the column holds', () => {
  fails(csvConfig(csvFile(GOOD), { positive: ['maybe'] }), 'no row is positive', 'dataset.positive is "maybe"', 'holds only "0", "1"', 'positive: [1]');
  fails(csvConfig(csvFile('a,label\n1,1\n2,1\n3,1\n4,1\n'), { positive: [1] }), 'no row is negative', 'holds only "1"');
  fails(csvConfig(csvFile('a,label\n1,1\n2,1\n3,1\n4,1\n'), { positive: [1], negative: [0] }), 'no row is negative', 'dataset.negative "0"');
});

test('only one class in a split: names the split and suggests stratify or another split', () => {
  const sorted = csvFile('a,label\n1,0\n2,0\n3,0\n4,1\n5,1\n6,1\n');
  fails(
    csvConfig(sorted, { split: { kind: 'fixed', train: [0, 2], validation: [3, 5] } }),
    'the train split has only negative (0) rows',
    'stratify: true',
  );
  fails(
    csvConfig(sorted, { split: { kind: 'fixed', train: [0, 3], validation: [4, 5] } }),
    'the validation split has only positive (1) rows',
  );
  // Stratified holdout with too few positives for the validation share.
  const rows = ['a,label'];
  for (let i = 0; i < 40; i++) rows.push(`${i},${i < 2 ? 1 : 0}`);
  fails(
    csvConfig(csvFile(rows.join('\n')), { split: { kind: 'holdout', validation_fraction: 0.2, stratify: true, seed: 1 } }),
    'the validation split has only negative (0) rows',
    'too few rows of the other class',
  );
});

test('empty split: a fixed range beyond the cleaned rows names the number of rows', () => {
  const p = csvFile('a,label\n1,0\n?,1\n3,1\n4,0\n5,1\n');
  fails(csvConfig(p, { split: { kind: 'fixed', train: [0, 1], validation: [2, 4] } }), 'dataset.split.validation: validation rows [2, 4] go beyond the data: 4 rows are left after cleaning (rows 0..3)');
  fails(csvConfig(p, { split: { kind: 'fixed', train: [2, 1], validation: [3, 3] } }), 'dataset.split.train: row range is reversed: the first row (2) is after the last (1)');
  fails(csvConfig(p, { split: { kind: 'fixed', train: [0, 2], validation: [2, 3] } }), 'overlap the training rows [0, 2] on rows 2..2');
});

test('empty split: a holdout fraction that leaves 0 rows, and k larger than the rows', () => {
  const p = csvFile(GOOD);
  const split = (s: SplitConfig): CsvDatasetConfig => csvConfig(p, { split: s });
  fails(split({ kind: 'holdout', validation_fraction: 0.05, stratify: false, seed: 1 }), 'the validation split is empty: validation_fraction 0.05 of 4 rows');
  fails(split({ kind: 'holdout', validation_fraction: 0.95, stratify: false, seed: 1 }), 'the train split is empty');
  fails(split({ kind: 'holdout', validation_fraction: 1.5, stratify: false, seed: 1 }), 'between 0 and 1');
  fails(split({ kind: 'kfold', k: 5, stratify: false, seed: 1 }), 'dataset.split.k is 5 but only 4 rows');
  fails(split({ kind: 'kfold', k: 1, stratify: false, seed: 1 }), 'expected an integer >= 2');
});

test('imputation impossible: a feature with no value on the training rows', () => {
  const p = csvFile('a,b,label\n?,1,0\n?,2,1\n5,3,0\n6,4,1\n');
  fails(csvConfig(p, { missing_strategy: 'mean' }), 'feature "a" has no value on the training rows');
});

test('synthetic settings out of range', () => {
  const base = {
    kind: 'synthetic' as const,
    generator: 'xor' as const,
    samples: 100,
    features: 2,
    noise: 0.1,
    seed: 1,
    normalize: { kind: 'none' as const, fit: 'train' as const },
    split: { kind: 'holdout' as const, validation_fraction: 0.25, stratify: true, seed: 1 },
  };
  assert.throws(() => loadDataset({ ...base, features: 1 }), (e: Error) => e instanceof UserError && /features: expected an integer >= 2/.test(e.message));
  assert.throws(() => loadDataset({ ...base, samples: 1 }), (e: Error) => e instanceof UserError && /samples/.test(e.message));
  assert.throws(() => loadDataset({ ...base, noise: -1 }), (e: Error) => e instanceof UserError && /noise/.test(e.message));
});

test('malformed CSV: a stray quote inside an unquoted field, with line and column', () => {
  failsAt(csvConfig(csvFile('a,b,label\n1,2,0\n3,4"5,1\n')), 3, 2, 'a double quote inside an unquoted field');
  failsAt(csvConfig(csvFile('a,b,label\n1,"2"x,0\n')), 2, 2, 'text after the closing quote');
});
