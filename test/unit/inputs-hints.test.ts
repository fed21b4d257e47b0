/**
 * Messages about an experiment's inputs that used to point nowhere useful or suggest the wrong fix: column settings
 * the CSV file lacks (one per run, at no line of the experiment file), a scalar where a list is wanted, a
 * one-class label column, an unclosed bracket or quote reported at the end of the file.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadExperimentData } from '../../src/cli/load.js';
import { formatDiagnostic } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/load.js';
import { parseYaml } from '../../src/experiment/read.js';
import { only, refused } from '../helpers/experiments.js';
import { PARAMS } from '../../src/experiment/params.js';
import { experimentSchema } from '../../src/experiment/schema.js';
import { testDir } from '../helpers/csv.js';

const dir = testDir('dlsweep-inputs-hints-');

/** A CSV file of `rows` rows (x, y, id, class) whose class cycles through `classes`. */
function writeCsv(name: string, classes: number[], rows = 20): void {
  const lines = ['x,y,id,class'];
  for (let i = 0; i < rows; i++) lines.push(`${i % 7},${(i * 3) % 5},${1000 + i},${classes[i % classes.length]}`);
  writeFileSync(join(dir, name), lines.join('\n') + '\n');
}

/** 1-based line and column of the first `needle` on the line starting with `lineStart` in `text`. */
function where(text: string, lineStart: string, needle: string): [number, number] {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(lineStart));
  assert.ok(i >= 0, lineStart);
  return [i + 1, lines[i].indexOf(needle, lineStart.length) + 1];
}

/** The diagnostics of loading this experiment's data as `run` does. */
function dataRefused(text: string) {
  return refused(() => loadExperimentData(parseExperiment(text, 'exp.yaml', { cwd: dir })));
}

test('every column setting the CSV lacks is reported in one run, each at its value in the experiment file, with the columns and a hint', () => {
  writeCsv('two.csv', [1, 2]);
  const text = [
    'name: cols',
    'dataset:',
    '  path: two.csv',
    '  label: klass',
    '  positive: [2]',
    '  drop_columns: [idd, 99]',
    '  features: [x, y, x]',
    '  split: {kind: holdout, validation_fraction: 0.25, seed: 1}',
    'grid:',
    '  iterations: [5]',
    '',
  ].join('\n');
  const ds = dataRefused(text);
  assert.deepEqual(
    ds.map((d) => [d.path, d.line, d.column]),
    [
      ['dataset.label', ...where(text, '  label: ', 'klass')],
      ['dataset.drop_columns[0]', ...where(text, '  drop_columns: ', 'idd')],
      ['dataset.drop_columns[1]', ...where(text, '  drop_columns: ', '99')],
      ['dataset.features[2]', ...where(text, '  features: ', 'x]')],
    ],
    ds.map(formatDiagnostic).join('\n\n'),
  );
  for (const d of ds) {
    assert.equal(d.file, 'exp.yaml');
    assert.ok(d.hint, `no hint: ${formatDiagnostic(d)}`);
  }
  const [label, idd, index] = ds;
  assert.equal(label.hint, 'did you mean "class"?');
  assert.equal(idd.hint, 'did you mean "id"?');
  // The file's four columns, by 0-based index.
  assert.ok(label.expected?.endsWith('0 x, 1 y, 2 id, 3 class'), label.expected);
  assert.match(index.message, /column index 99 is out of range: .*two\.csv has 4 columns/);
  assert.ok(index.expected?.startsWith('a 0-based column index, 0 to 3'), index.expected);
});

test('a single value where a list is wanted: the hint is the value in brackets, for every list-valued key (positive: 4 -> positive: [4])', () => {
  writeCsv('two-b.csv', [1, 2]);
  const isList = (s: Record<string, unknown>): boolean => s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'));
  const csvBranch = ((experimentSchema().properties as Record<string, { anyOf: Record<string, unknown>[] }>).dataset.anyOf).find((b) => (b.required as string[] | undefined)?.includes('path'))!;
  const datasetKeys = Object.entries(csvBranch.properties as Record<string, Record<string, unknown>>).filter(([, s]) => isList(s)).map(([k]) => k);
  const paramKeys = PARAMS.filter((p) => isList(p.schema as Record<string, unknown>)).map((p) => p.name);
  assert.ok(datasetKeys.includes('positive') && datasetKeys.includes('drop_columns') && paramKeys.length > 0, `${datasetKeys} ${paramKeys}`);
  const base = { path: 'two-b.csv', label: 'class', positive: '[2]' } as Record<string, string>;
  for (const key of datasetKeys) {
    const dataset = { ...base, [key]: '3' };
    const text = `name: lists\ndataset:\n${Object.entries(dataset).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\ngrid:\n  iterations: [5]\n`;
    const d = only(refused(() => parseExperiment(text, 'exp.yaml', { cwd: dir })), `dataset.${key}`);
    assert.equal(d.hint, `write \`${key}: [3]\``, key);
  }
  for (const key of paramKeys) {
    const text = `name: lists\ndataset:\n  path: two-b.csv\n  label: class\n  positive: [2]\nfixed:\n  ${key}: 3\ngrid:\n  iterations: [5]\n`;
    const d = only(refused(() => parseExperiment(text, 'exp.yaml', { cwd: dir })), `fixed.${key}`);
    assert.equal(d.hint, `write \`${key}: [3]\``, key);
  }
  const tags = only(refused(() => parseExperiment('name: lists\ntags: "base"\ndataset: {path: two-b.csv, label: class, positive: [2]}\n', 'exp.yaml', { cwd: dir })), 'tags');
  assert.equal(tags.hint, 'write `tags: ["base"]`');
  // A list of fixed length needs its other values: the hint says how many.
  const range = only(refused(() => parseExperiment('name: lists\ndataset: {path: two-b.csv, label: class, positive: [2], split: {kind: fixed, train: 4, validation: [5, 9]}}\n', 'exp.yaml', { cwd: dir })), 'dataset.split.train');
  assert.equal(range.hint, 'write a list of 2 values, e.g. `train: [4, ...]`');
});

test('a label column of one class: the hint says the data has one class only, not a positive: value that leaves no negative rows', () => {
  writeCsv('one.csv', [2]);
  const text = (positive: number) =>
    `name: one\ndataset:\n  path: one.csv\n  label: class\n  positive: [${positive}]\n  split: {kind: holdout, validation_fraction: 0.25, seed: 1}\ngrid:\n  iterations: [5]\n`;
  for (const positive of [4, 2]) {
    const [d] = dataRefused(text(positive));
    assert.match(d.message, positive === 4 ? /^no row is positive/ : /^no row is negative/);
    assert.ok(d.hint?.startsWith('the data has one class only: every row\'s "class" is "2"'), d.hint);
    assert.match(d.hint ?? '', /a file that holds rows of both classes, or set dataset\.label to the column that holds the classes$/);
    assert.doesNotMatch(d.hint ?? '', /positive: \[/);
  }
  // Two classes, neither named positive: naming one of them is the fix.
  writeCsv('two-c.csv', [1, 2]);
  const [two] = dataRefused(text(4).replace('one.csv', 'two-c.csv'));
  assert.match(two.hint ?? '', /e\.g\. positive: \[2\]$/);
});

test('an unclosed `[`, `{` or quote is reported at the opener (not at the end of the file), said not closed, with the line closed as the fix', () => {
  const cases: [string, string, string, string][] = [
    // [text, the opener's line, the opener, the fix]
    ['name: b1\ndataset: wisconsin\ngrid:\n  learnig_rate: [0.1]\n  iterations: [10\n', '  iterations: [10', '[', 'iterations: [10]'],
    ['name: b2\ndataset: wisconsin\ngrid:\n  iterations: {a: [10]\n', '  iterations: {a: [10]', '{', 'iterations: {a: [10]}'],
    ['name: b3\ndataset: {name: wisconsin\ngrid:\n  iterations: [10]\n', 'dataset: {name: wisconsin', '{', 'dataset: {name: wisconsin}'],
    ['name: "b4\ndataset: wisconsin\ngrid:\n  iterations: [10]\n', 'name: "b4', '"', 'name: "b4"'],
    ["name: 'b5\ndataset: wisconsin\n", "name: 'b5", "'", "name: 'b5'"],
    ['name: b6\ndataset: wisconsin\ngrid:\n  learning_rate: [0.1, 0.2\n  iterations: [10]\n', '  learning_rate: [0.1, 0.2', '[', 'learning_rate: [0.1, 0.2]'],
  ];
  for (const [text, lineText, opener, fix] of cases) {
    const ds = refused(() => parseExperiment(text, 'exp.yaml', { cwd: dir }));
    assert.equal(ds.length, 1, ds.map(formatDiagnostic).join('\n\n'));
    const [d] = ds;
    assert.deepEqual([d.line, d.column], [text.split('\n').indexOf(lineText) + 1, lineText.indexOf(opener) + 1], formatDiagnostic(d));
    assert.ok(d.message.includes(`this \`${opener}\` is not closed`), d.message);
    assert.equal(d.hint, `add the \`${opener === '[' ? ']' : opener === '{' ? '}' : opener}\`, e.g. ${fix}`);
    // The fix is valid YAML.
    parseYaml(text.replace(lineText, lineText.replace(lineText.trim(), fix)), 'fixed.yaml');
  }
  // A bracket left open over several lines: no one-line fix to show, still at the bracket.
  const [multi] = refused(() => parseExperiment('name: b7\ndataset: wisconsin\ngrid:\n  learning_rate: [0.1,\n    0.2\n  iterations: [10]\n', 'exp.yaml', { cwd: dir }));
  assert.deepEqual([multi.line, multi.column, multi.hint], [4, 18, "add the `]` after the list's last item"]);
});

test('a `]` or `}` that closes the other bracket is reported at that closer, with a hint whose line reads without error', () => {
  const cases: [string, string, string, string, string][] = [
    // [the line, the wrong closer, the opener, what was expected, the line repaired]
    ['  learning_rate: [0.01, {a: 1]', ']', '{', '}', 'learning_rate: [0.01, {a: 1}]'],
    ['  learning_rate: [{a: 1], 2]', ']', '{', '}', 'learning_rate: [{a: 1}, 2]'],
    ['  learning_rate: {a: [1}', '}', '[', ']', 'learning_rate: {a: [1]}'],
  ];
  for (const [lineText, closer, opener, expected, fix] of cases) {
    const text = `name: m\ndataset: wisconsin\ngrid:\n${lineText}\n  iterations: [10]\n`;
    const ds = refused(() => parseExperiment(text, 'exp.yaml', { cwd: dir }));
    assert.equal(ds.length, 1, ds.map(formatDiagnostic).join('\n\n'));
    const [d] = ds;
    assert.deepEqual([d.line, d.column], [4, lineText.indexOf(closer) + 1], formatDiagnostic(d));
    assert.ok(d.message.includes(`\`${closer}\` closes the \`${opener}\` opened at 4:${lineText.lastIndexOf(opener) + 1}; expected \`${expected}\``), d.message);
    assert.equal(d.hint, `write \`${expected}\` in place of the \`${closer}\`, e.g. ${fix}`);
    // Applying the hint gives a file that reads.
    parseYaml(text.replace(lineText, `  ${fix}`), 'fixed.yaml');
  }
  // A closer too many: removing it is the fix (the line the unclosed-bracket hint used to suggest among them).
  for (const [lineText, fix] of [['  learning_rate: [0.01, {a: 1]}]', 'learning_rate: [0.01, {a: 1}]'], ['  learning_rate: {a: 1]}', 'learning_rate: {a: 1}']]) {
    const text = `name: m\ndataset: wisconsin\ngrid:\n${lineText}\n  iterations: [10]\n`;
    const ds = refused(() => parseExperiment(text, 'exp.yaml', { cwd: dir }));
    assert.equal(ds.length, 1, ds.map(formatDiagnostic).join('\n\n'));
    assert.deepEqual([ds[0].line, ds[0].column, ds[0].hint], [4, lineText.indexOf(']') + 1, `remove this \`]\`, e.g. ${fix}`]);
    parseYaml(text.replace(lineText, `  ${fix}`), 'fixed.yaml');
  }
});

test('the hint to wrap a value in a list keeps the value written (a mapping, not an example; a quoted number unquoted where numbers go), and a number given as a list is unwrapped', () => {
  writeCsv('two-d.csv', [1, 2]);
  const dataset = (split: string) => `dataset: {path: two-d.csv, label: class, positive: [2], split: ${split}}\n`;
  const holdout = dataset('{kind: holdout, validation_fraction: 0.25, seed: 1}');
  const cases: [string, string, string, string][] = [
    // [the experiment, the path refused, what was written, what to write instead]
    [`name: w\n${holdout}grid:\n  lr_schedule: {kind: cosine}\n`, 'grid.lr_schedule', 'lr_schedule: {kind: cosine}', 'lr_schedule: [{kind: cosine}]'],
    [`name: w\n${holdout}grid:\n  early_stopping: {patience: 3}\n`, 'grid.early_stopping', 'early_stopping: {patience: 3}', 'early_stopping: [{patience: 3}]'],
    [`name: w\n${dataset('{kind: fixed, train: [0, 9], validation: [10, 14], test: "15"}')}`, 'dataset.split.test', 'test: "15"', 'test: [15, ...]'],
    [`name: w\n${holdout}record:\n  curve_every: [50]\n`, 'record.curve_every', 'curve_every: [50]', 'curve_every: 50'],
  ];
  for (const [text, path, was, fix] of cases) {
    const d = only(refused(() => parseExperiment(text, 'exp.yaml', { cwd: dir })), path);
    assert.ok(d.hint?.startsWith(fix.endsWith('...]') ? `write a list of 2 values, e.g. \`${fix}\`` : `write \`${fix}\``), `${path}: ${d.hint}`);
    // The fix (its `...` being the range's end) is accepted at that path.
    const fixed = text.replace(was, fix.replace('...', '19'));
    let after: ReturnType<typeof refused> = [];
    try {
      parseExperiment(fixed, 'exp.yaml', { cwd: dir });
    } catch (e) {
      after = refused(() => { throw e; });
    }
    assert.deepEqual(after.filter((x) => x.path === path).map(formatDiagnostic), [], fixed);
  }
  // A mapping where the parameter takes none is no candidate: the example stands in for it.
  const sizes = only(refused(() => parseExperiment(`name: w\n${holdout}grid:\n  hidden_sizes: {a: 1}\n`, 'exp.yaml', { cwd: dir })), 'grid.hidden_sizes');
  assert.doesNotMatch(sizes.hint ?? '', /\{a: 1\}/);
});

test('a column dropped twice is said once, and a positive value no row holds is reported at its value in the experiment file', () => {
  writeCsv('two-e.csv', [1, 2]);
  const text = (positive: string, drop: string) =>
    `name: p\ndataset:\n  path: two-e.csv\n  label: class\n  positive: ${positive}\n  drop_columns: ${drop}\n  split: {kind: holdout, validation_fraction: 0.25, seed: 1}\ngrid:\n  iterations: [5]\n`;
  const twice = text('[2]', '[id, id]');
  const [dup, ...rest] = dataRefused(twice);
  assert.deepEqual(rest, []);
  assert.deepEqual([dup.file, dup.path, dup.line, dup.column], ['exp.yaml', 'dataset.drop_columns[1]', ...where(twice, '  drop_columns: ', 'id]')], formatDiagnostic(dup));
  assert.match(dup.message, /"id"\) is listed twice/);
  const none = text('[5]', '[id]');
  const [pos, ...others] = dataRefused(none);
  assert.deepEqual(others, []);
  assert.deepEqual([pos.file, pos.path, pos.line, pos.column], ['exp.yaml', 'dataset.positive', ...where(none, '  positive: ', '[5]')], formatDiagnostic(pos));
  assert.match(pos.message, /^no row is positive/);
});
