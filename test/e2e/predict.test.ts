import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { REPO, WISCONSIN, hasWisconsin, onlySweep, readJson, runCli, runFolders, tempDir, writeExperiment } from '../helpers/cli.js';

const noData = !hasWisconsin() && 'data/wisconsin-cancer-dataset.csv is absent';

test('predict on the validation rows reproduces the recorded validation metrics exactly; EXPERIMENT/best is the best run', { skip: noData }, () => {
  const dir = tempDir('dlsweep-predict-');
  const file = writeExperiment(dir, 'p.yaml', 'name: p\ndataset: wisconsin\nfixed:\n  iterations: 400\ngrid:\n  learning_rate: [0.01, 0.07]\n  threshold: [0.5, 0.8]\n');
  const r = runCli(['run', file, '--data-dir', join(REPO, 'data'), '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'p');

  // The study's validation rows, found independently: the file's rows without "?", cleaned rows 501-682.
  const lines = readFileSync(WISCONSIN, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '' && !l.includes('?'));
  const validation = lines.slice(501, 683);
  assert.equal(validation.length, 182);
  const rows = join(dir, 'validation.csv');
  writeFileSync(rows, validation.join('\n') + '\n');

  for (const folder of runFolders(sweep)) {
    const recorded = readJson(join(sweep, folder, 'metrics.json'));
    const model = readJson(join(sweep, folder, 'model.json'));
    assert.equal(model.threshold, recorded.threshold);
    assert.deepEqual(model.preprocessing.features, ['clump_thickness', 'uniformity_of_cell_size', 'uniformity_of_cell_shape', 'marginal_adhesion', 'single_epithelial_cell_size', 'bare_nuclei', 'bland_chromatin', 'normal_nucleoli', 'mitoses']);
    assert.deepEqual(model.preprocessing.dropped_columns, ['sample_code_number']);
    // Min-max over the 683 cleaned rows: shift = min = 1 and scale = max - min = 9 for every feature.
    assert.deepEqual(model.preprocessing.scaling, { kind: 'minmax', fit: 'all', shift: Array(9).fill(1), scale: Array(9).fill(9) });
    assert.deepEqual(model.preprocessing.label, { column: 'class', index: 10, positive: ['4'], negative: ['2'] });
    assert.equal(model.preprocessing.missing.strategy, 'drop');

    const out = join(dir, `${folder}.csv`);
    const metricsOut = join(dir, `${folder}.metrics.json`);
    const p = runCli(['predict', `p/latest/${folder.slice(0, 4)}`, '--input', rows, '--output', out, '--metrics', metricsOut], dir);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, /182 of 182 rows predicted/);
    assert.deepEqual(readJson(metricsOut), recorded.validation);
    // The confusion counts, from the output rows and the file's labels.
    const predicted = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    const c = { tn: 0, fp: 0, fn: 0, tp: 0 };
    predicted.forEach((row, i) => {
      const actual = validation[i].split(',')[10] === '4';
      const positive = Number(row.probability) > recorded.threshold;
      assert.equal(row.predicted_class, positive ? '1' : '0');
      assert.equal(row.predicted_label, positive ? '4' : '2');
      c[actual ? (positive ? 'tp' : 'fn') : positive ? 'fp' : 'tn']++;
    });
    assert.deepEqual(c, recorded.validation.confusion);
  }

  // EXPERIMENT/best: the run with the highest validation accuracy (ties: the lowest validation loss).
  // Then the lower run number (compare's order; the folders' numbers have one width here).
  const all = runFolders(sweep).map((f) => ({ f, m: readJson(join(sweep, f, 'metrics.json')) }));
  all.sort((a, b) => b.m.validation.accuracy - a.m.validation.accuracy || a.m.validation.loss - b.m.validation.loss || (a.f < b.f ? -1 : 1));
  const best = runCli(['predict', 'p/best', '--input', rows], dir);
  assert.equal(best.code, 0, best.stderr);
  assert.match(best.stderr, new RegExp(`p/[0-9a-f-]+/${all[0].f}: 182 of 182`));
});

test('predict: rows with a missing or non-numeric value get an error, never a guess; mean imputation uses the recorded value', () => {
  const dir = tempDir('dlsweep-predict-');
  // 40 rows: id, two features, a label M/B; the label follows a + b.
  const data = ['id,a,b,diagnosis'];
  for (let i = 0; i < 40; i++) data.push(`${100 + i},${i % 7},${(i * 3) % 11},${(i % 7) + ((i * 3) % 11) > 8 ? 'M' : 'B'}`);
  data[3] = '102,?,6,M'; // a missing "a" in a training row
  writeFileSync(join(dir, 'd.csv'), data.join('\n') + '\n');
  const yaml = (strategy: string, name: string) =>
    `name: ${name}\ndataset:\n  path: d.csv\n  label: diagnosis\n  positive: [M]\n  drop_columns: [id]\n  missing_strategy: ${strategy}\n  normalize: {kind: zscore, fit: train}\n  split: {kind: fixed, train: [0, 29], validation: [30, 38]}\nfixed:\n  iterations: 50\n`;
  for (const [strategy, name] of [['mean', 'm'], ['drop', 'dr']]) {
    const run = runCli(['run', writeExperiment(dir, `${name}.yaml`, yaml(strategy, name)), '--quiet', '--workers', '1'], dir);
    assert.equal(run.code, 0, run.stderr);
  }

  // The imputed value: the mean of "a" over the training rows (cleaned rows 0-29) that have one.
  const trainA = data.slice(1, 31).map((l) => l.split(',')[1]).filter((v) => v !== '?').map(Number);
  const mean = trainA.reduce((s, v) => s + v, 0) / trainA.length;
  const model = readJson(join(onlySweep(join(dir, 'runs'), 'm'), '0001-' + runFolders(onlySweep(join(dir, 'runs'), 'm'))[0].slice(5), 'model.json'));
  assert.deepEqual(model.preprocessing.missing.imputed, [mean, null]);
  assert.equal(model.preprocessing.missing.strategy, 'mean');

  writeFileSync(join(dir, 'new.csv'), 'b,a,id\n3,2,1\n4,?,2\nx,1,3\n5,5\n');
  const m = runCli(['predict', 'm/latest/1', '--input', 'new.csv'], dir);
  assert.equal(m.code, 1, m.stderr);
  const rows = parse(m.stdout, { columns: true }) as Record<string, string>[];
  assert.deepEqual(rows.map((r) => r.id), ['1', '2', '3', '']);
  assert.ok(Number(rows[0].probability) > 0 && Number(rows[0].probability) < 1);
  assert.equal(rows[0].error, '');
  assert.equal(rows[1].imputed, `a=${mean}`);
  assert.notEqual(rows[1].probability, '');
  assert.equal(rows[2].error, 'non-numeric value "x" in b');
  assert.equal(rows[2].probability, '');
  assert.match(rows[3].error, /^2 fields, expected 3/);
  assert.match(m.stderr, /2 of 4 rows predicted/);
  assert.match(m.stderr, /^2 rows not predicted, see the error column: line 4: non-numeric value "x" in b; line 5: 2 fields/m);

  const d = runCli(['predict', 'dr/latest/1', '--input', 'new.csv'], dir);
  assert.equal(d.code, 1);
  const drows = parse(d.stdout, { columns: true }) as Record<string, string>[];
  assert.equal(drows[1].error, 'missing value in a (the model was trained on complete rows only)');
  assert.equal(drows[1].probability, '');

  // A layout that matches nothing: one clear message, exit 2.
  writeFileSync(join(dir, 'bad.csv'), 'p,q,r,s,t\n1,2,3,4,5\n');
  const bad = runCli(['predict', 'm/latest/1', '--input', 'bad.csv'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.csv:1: the first row has 5 fields and is not a header naming the model's features \(missing: a, b\)/);
});

test("predict reads --input with the training file's separator (recorded in model.json) unless --delimiter says otherwise; unwritable --output/--metrics are refused before any row is printed", () => {
  const dir = tempDir('dlsweep-predict-delim-');
  const data = ['a;b;y'];
  for (let i = 0; i < 40; i++) data.push(`${i % 7};${(i * 3) % 11};${(i % 7) + ((i * 3) % 11) > 8 ? 1 : 0}`);
  writeFileSync(join(dir, 'd.csv'), data.join('\n') + '\n');
  const file = writeExperiment(dir, 's.yaml', `name: s\ndataset:\n  path: d.csv\n  delimiter: ";"\n  label: y\n  positive: [1]\n  split: {kind: fixed, train: [0, 29], validation: [30, 39]}\nfixed:\n  iterations: 50\n`);
  const run = runCli(['run', file, '--quiet', '--workers', '1'], dir);
  assert.equal(run.code, 0, run.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 's');
  assert.equal(readJson(join(sweep, runFolders(sweep)[0], 'model.json')).preprocessing.delimiter, ';');

  writeFileSync(join(dir, 'semi.csv'), 'a;b\n3;2\n6;9\n');
  writeFileSync(join(dir, 'comma.csv'), 'a,b\n3,2\n6,9\n');
  const semi = runCli(['predict', 's/latest/1', '--input', 'semi.csv'], dir);
  assert.equal(semi.code, 0, semi.stderr);
  assert.match(semi.stderr, /2 of 2 rows predicted .*fields separated by `;`/);
  const comma = runCli(['predict', 's/latest/1', '--input', 'comma.csv', '--delimiter', ',', '-o', 'out.csv'], dir);
  assert.equal(comma.code, 0, comma.stderr);
  const probabilities = (text: string) => (parse(text, { columns: true }) as Record<string, string>[]).map((r) => r.probability);
  assert.deepEqual(probabilities(readFileSync(join(dir, 'out.csv'), 'utf8')), probabilities(semi.stdout));
  // The training separator applied to a comma file: one message naming the separator found, and the option.
  const wrong = runCli(['predict', 's/latest/1', '--input', 'comma.csv'], dir);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /^error: --input comma\.csv: every line holds one field when split at `;`; the lines are separated by `,`, but the model takes 2 features\nhint: pass --delimiter ','/);

  // A value beyond the float64 range is said to be so, not non-numeric.
  writeFileSync(join(dir, 'big.csv'), 'a;b\n1e400;2\n');
  const big = runCli(['predict', 's/latest/1', '--input', 'big.csv'], dir);
  assert.equal(big.code, 1);
  assert.equal((parse(big.stdout, { columns: true }) as Record<string, string>[])[0].error, 'value "1e400" in a is out of the float64 range (finite numbers only, at most about 1.8e308 in size)');

  // Output paths are checked first: nothing on stdout, exit 2, the option named.
  const metrics = runCli(['predict', 's/latest/1', '--input', 'semi.csv', '--metrics', join(dir, 'no-such-folder', 'm.json')], dir);
  assert.equal(metrics.code, 2);
  assert.equal(metrics.stdout, '');
  assert.match(metrics.stderr, /^error: --metrics \S+m\.json: the folder \S+no-such-folder does not exist/);
  const folder = runCli(['predict', 's/latest/1', '--input', 'semi.csv', '-o', dir], dir);
  assert.equal(folder.code, 2);
  assert.equal(folder.stdout, '');
  assert.match(folder.stderr, /^error: --output \S+: is a folder/);
});

test('a label outside the two classes is one positioned error: in the training file (a third value, a stray in Wisconsin) and in the predict input', () => {
  const dir = tempDir('dlsweep-predict-labels-');
  const data = ['a,b,y'];
  for (let i = 0; i < 40; i++) data.push(`${i % 7},${(i * 3) % 11},${(i % 7) + ((i * 3) % 11) > 8 ? 1 : 0}`);
  const yaml = 'name: s\ndataset:\n  path: d.csv\n  label: y\n  positive: [1]\n  split: {kind: fixed, train: [0, 29], validation: [30, 39]}\nfixed:\n  iterations: 50\n';
  // A third value on line 6: refused before anything is trained or recorded.
  writeFileSync(join(dir, 'd.csv'), data.map((l, i) => (i === 5 ? l.replace(/,[01]$/, ',2') : l)).join('\n') + '\n');
  const file = writeExperiment(dir, 's.yaml', yaml);
  const three = runCli(['run', file, '--quiet', '--workers', '1'], dir);
  assert.equal(three.code, 2, three.stderr);
  assert.match(three.stderr, /d\.csv:6:3: error: label column "y" holds 2 values besides the positive "1": "0" \(\d+ rows, first at line [\d, .]+\), "2" \(1 row, first at line 6\)/);
  assert.match(three.stderr, /hint: if "2" is a mistake, correct those rows or add "2" to dataset\.missing_values to drop them; to count these values as the negative class, set dataset\.negative: \[0, 2\]/);
  assert.doesNotMatch(three.stderr, /\n\s+at /);
  assert.equal(existsSync(join(dir, 'runs', 's')), false);

  writeFileSync(join(dir, 'd.csv'), data.join('\n') + '\n');
  const run = runCli(['run', file, '--quiet', '--workers', '1'], dir);
  assert.equal(run.code, 0, run.stderr);
  // Labelled rows are measured, an empty label is a row without a known label, a stray label is an error.
  writeFileSync(join(dir, 'ok.csv'), 'a,b,y\n3,2,0\n6,9,1\n1,1,\n');
  const ok = runCli(['predict', 's/latest/1', '--input', 'ok.csv'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /on the 2 labelled rows/);
  writeFileSync(join(dir, 'stray.csv'), 'a,b,y\n3,2,0\n6,9,3\n1,1,\n2,2,3\n');
  const stray = runCli(['predict', 's/latest/1', '--input', 'stray.csv'], dir);
  assert.equal(stray.code, 2);
  assert.equal(stray.stdout, '');
  assert.match(stray.stderr, /^stray\.csv:3:3: error: label value "3" in column "y" is neither of the model's classes \(positive "1" or negative "0"\): 2 row\(s\), first at line 3, 5\n/);
  assert.match(stray.stderr, /hint: correct these labels, or empty their cells to predict the rows without measuring the model on them/);
});

test('Wisconsin: a stray class value (3 among the 2s and 4s) is refused at its line and column with the classes expected', { skip: noData }, () => {
  const dir = tempDir('dlsweep-wisconsin-stray-');
  const lines = readFileSync(WISCONSIN, 'utf8').split('\n');
  lines[4] = lines[4].replace(/,[24]$/, ',3');
  writeFileSync(join(dir, 'wisconsin-cancer-dataset.csv'), lines.join('\n'));
  const file = writeExperiment(dir, 'w.yaml', 'name: w\ndataset: wisconsin\nfixed:\n  iterations: 10\n');
  const r = runCli(['run', file, '--data-dir', dir, '--quiet'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /wisconsin-cancer-dataset\.csv:5:11: error: label value "3" in column "class" is neither positive \(4\) nor negative \(2\): 1 row\(s\), first at line 5\n/);
  assert.match(r.stderr, /expected: a label value of the positive class \("4"\) or of the negative class \("2"\), or a missing-value marker \("\?", ""\)/);
  assert.match(r.stderr, /hint: add "3" to dataset\.positive or dataset\.negative/);
});

test('predict: a header whose names differ from the model\'s is recognised and each differing name said (expected, found), not read as a row of data', () => {
  const dir = tempDir('dlsweep-predict-');
  const data = ['id,a,b,class'];
  for (let i = 0; i < 30; i++) data.push(`${100 + i},${i % 7},${(i * 3) % 11},${(i % 7) + ((i * 3) % 11) > 8 ? 'M' : 'B'}`);
  writeFileSync(join(dir, 'd.csv'), data.join('\n') + '\n');
  const yaml = 'name: h\ndataset:\n  path: d.csv\n  label: class\n  positive: [M]\n  drop_columns: [id]\n  split: {kind: fixed, train: [0, 19], validation: [20, 29]}\nfixed:\n  iterations: 20\n';
  const run = runCli(['run', writeExperiment(dir, 'h.yaml', yaml), '--quiet', '--workers', '1'], dir);
  assert.equal(run.code, 0, run.stderr);
  const cases: [string, string][] = [
    // [the input, the names that differ as the message should say them]
    ['id,alpha,b,diagnosis\n1,2,3,M\n', 'column 2: expected "a", found "alpha"; column 4: expected "class", found "diagnosis"'],
    ['a,beta\n2,3\n', 'column 2: expected "b", found "beta"'],
  ];
  for (const [input, differ] of cases) {
    writeFileSync(join(dir, 'new.csv'), input);
    const p = runCli(['predict', 'h/latest/1', '--input', 'new.csv'], dir);
    assert.equal(p.code, 2, p.stderr);
    assert.ok(p.stderr.includes(`new.csv:1: the first row is a header whose names differ from the model's: ${differ}`), p.stderr);
    assert.doesNotMatch(p.stderr, /label value|non-numeric|at .*\.js/);
  }
});
