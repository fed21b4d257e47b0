import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { onlySweep, readJson, runCli, runFolders, startCli, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';
import { getJson, startUi } from '../helpers/ui.js';

// One 4-run synthetic sweep whose experiment file has a description and tags.
const dir = tempDir('dlsweep-tags-');
const file = writeExperiment(
  dir,
  't.yaml',
  syntheticExperiment('tagged', '  learning_rate: [0.05, 0.5]\n  seed: [1, 2]', 'description: Blobs, two rates\ntags: [wisconsin-like, first]\nfixed:\n  iterations: 40\n'),
);
const first = runCli(['run', file, '--workers', '1', '--quiet'], dir);
const sweep = onlySweep(join(dir, 'runs'), 'tagged');
const sweepId = sweep.split('/').at(-1)!;
const folders = runFolders(sweep);
const cli = (...args: string[]) => runCli(args, dir);

test('description and tags of the experiment file are recorded in sweep.json and shown by ls, show and the report', () => {
  assert.equal(first.code, 0, first.stderr);
  const meta = readJson(join(sweep, 'sweep.json'));
  assert.equal(meta.description, 'Blobs, two rates');
  assert.deepEqual(meta.tags, ['wisconsin-like', 'first']);
  const ls = cli('ls');
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /wisconsin-like, first/);
  assert.match(ls.stdout, /Blobs, two rates/);
  const show = cli('show', `tagged/${sweepId}`);
  assert.match(show.stdout, /description +Blobs, two rates/);
  assert.match(show.stdout, /tags +wisconsin-like, first/);
  const html = readFileSync(join(sweep, 'report.html'), 'utf8');
  assert.match(html, /<dt>description<\/dt><dd>Blobs, two rates<\/dd>/);
  assert.match(html, /<dt>tags<\/dt><dd>wisconsin-like, first<\/dd>/);
});

test('a search records its experiment\'s description and tags as a grid sweep does: sweep.json, ls, show, report, its runs\' tags and the ui', async () => {
  const searchDir = tempDir('dlsweep-tags-search-');
  const searchFile = writeExperiment(
    searchDir,
    's.yaml',
    syntheticExperiment('drawn', '  learning_rate: {log_uniform: [0.01, 1.0]}', 'description: Drawn rates\ntags: [searched, first]\nsearch: {method: random, trials: 2, seed: 1}\nfixed:\n  iterations: 20\n'),
  );
  const r = runCli(['run', searchFile, '--workers', '1', '--quiet'], searchDir);
  assert.equal(r.code, 0, r.stderr);
  const drawn = onlySweep(join(searchDir, 'runs'), 'drawn');
  const meta = readJson(join(drawn, 'sweep.json'));
  assert.equal(meta.description, 'Drawn rates');
  assert.deepEqual(meta.tags, ['searched', 'first']);
  const ls = runCli(['ls'], searchDir);
  assert.match(ls.stdout, /searched, first/);
  assert.match(ls.stdout, /Drawn rates/);
  const show = runCli(['show', `drawn/${drawn.split('/').at(-1)}`], searchDir);
  assert.match(show.stdout, /description +Drawn rates/);
  assert.match(show.stdout, /tags +searched, first/);
  const html = readFileSync(join(drawn, 'report.html'), 'utf8');
  assert.match(html, /<dt>description<\/dt><dd>Drawn rates<\/dd>/);
  assert.match(html, /<dt>tags<\/dt><dd>searched, first<\/dd>/);
  // Each run carries its sweep's tags.
  const where = runCli(['compare', 'drawn', '--where', 'tags has "searched"', '--format', 'csv'], searchDir);
  assert.equal(where.code, 0, where.stderr);
  assert.equal((parse(where.stdout, { columns: true }) as unknown[]).length, 2);
  const ui = await startUi(searchDir);
  try {
    const home = await getJson(ui.port, '/api/home');
    const experiment = home.experiments.find((e: { name: string }) => e.name === 'drawn');
    assert.equal(experiment.description, 'Drawn rates');
    assert.deepEqual(experiment.tags, ['searched', 'first']);
  } finally {
    await ui.stop();
  }
});

test('a bad tag in the experiment file is refused at its line and column', () => {
  const bad = writeExperiment(dir, 'bad.yaml', syntheticExperiment('bad', '  seed: [1]', 'tags: [ok, "two words"]\n'));
  const r = cli('plan', bad);
  assert.equal(r.code, 2);
  // tags: is line 4 (the dataset takes two lines); "two words" starts at column 12.
  assert.match(r.stderr, /bad\.yaml:4:12: error: tags\[1\]: not a valid tag/);
  assert.match(r.stderr, /hint: e\.g\. tags: \[baseline, lr-sweep\]/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
});

test('tag, untag and note on a sweep and a run: stored beside the record, results untouched, shown by show and compare', () => {
  const before = folders.map((f) => readFileSync(join(sweep, f, 'metrics.json'), 'utf8'));
  const resultsBefore = readFileSync(join(sweep, 'results.csv'), 'utf8');
  let r = cli('tag', `tagged/${sweepId}`, 'baseline', 'keep');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /tags baseline, keep/);
  r = cli('tag', `${sweepId}/2`, 'best-guess');
  assert.equal(r.code, 0, r.stderr);
  r = cli('note', `${sweepId}/2`, 'the loss curve bends at 20');
  assert.equal(r.code, 0, r.stderr);
  r = cli('note', 'tagged', 'first try');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readJson(join(sweep, 'annotations.json')).tags, ['baseline', 'keep']);
  assert.deepEqual(readJson(join(sweep, folders[1], 'annotations.json')).tags, ['best-guess']);
  assert.equal(readJson(join(sweep, folders[1], 'annotations.json')).note, 'the loss curve bends at 20');
  assert.deepEqual(folders.map((f) => readFileSync(join(sweep, f, 'metrics.json'), 'utf8')), before);
  assert.equal(readFileSync(join(sweep, 'results.csv'), 'utf8'), resultsBefore);

  r = cli('untag', `tagged/${sweepId}`, 'keep');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readJson(join(sweep, 'annotations.json')).tags, ['baseline']);
  r = cli('untag', `tagged/${sweepId}`, 'nope');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /has no tag "nope"/);
  r = cli('tag', `tagged/${sweepId}`, 'two words');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"two words" is not a valid tag/);

  const run = JSON.parse(cli('show', `${sweepId}/2`, '--json').stdout);
  assert.deepEqual(run.tags, ['wisconsin-like', 'first', 'baseline', 'best-guess']);
  assert.equal(run.note, 'the loss curve bends at 20');
  const text = cli('show', `${sweepId}/2`).stdout;
  assert.match(text, /tags best-guess, wisconsin-like \(sweep\), first \(sweep\), baseline \(sweep\)/);
  assert.match(text, /note the loss curve bends at 20/);
  assert.match(cli('show', 'tagged').stdout, /note +first try/);
  assert.equal(cli('note', `${sweepId}/2`).stdout, 'the loss curve bends at 20\n');

  // compare: the runs' tags differ, so they get a column, as does the note.
  const table = cli('compare', 'tagged', '--format', 'csv');
  const rows = parse(table.stdout, { columns: true }) as Record<string, string>[];
  const byRun = new Map(rows.map((x) => [x.run, x]));
  assert.equal(JSON.parse(byRun.get(folders[1])!.tags).join(','), 'wisconsin-like,first,baseline,best-guess');
  assert.equal(JSON.parse(byRun.get(folders[0])!.tags).join(','), 'wisconsin-like,first,baseline');
  assert.equal(byRun.get(folders[1])!.note, 'the loss curve bends at 20');
});

test('filters: compare --where "tags has ..." and ls --tag', () => {
  const r = cli('compare', 'tagged', '--where', 'tags has "best-guess"', '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).rows.map((x: any) => x.run), [folders[1]]);
  const all = JSON.parse(cli('compare', 'tagged', '--where', 'tags has "baseline"', '--format', 'json').stdout).rows;
  assert.equal(all.length, 4);
  const none = JSON.parse(cli('compare', 'tagged', '--where', 'not tags has "first"', '--format', 'json').stdout).rows;
  assert.equal(none.length, 0);

  const other = writeExperiment(dir, 'o.yaml', syntheticExperiment('other', '  seed: [1]', 'fixed:\n  iterations: 10\n'));
  assert.equal(cli('run', other, '--quiet', '--workers', '1').code, 0);
  const tagged = JSON.parse(cli('ls', '--tag', 'baseline', '--format', 'json').stdout);
  assert.deepEqual(tagged.rows.map((x: any) => x.sweep), [sweepId]);
  assert.equal(JSON.parse(cli('ls', '--tag', 'baseline', '--tag', 'nope', '--format', 'json').stdout).rows.length, 0);
  // A tag on one of a sweep's runs finds the sweep too, alone or with one of the sweep's own.
  assert.deepEqual(JSON.parse(cli('ls', '--tag', 'best-guess', '--format', 'json').stdout).rows.map((x: any) => x.sweep), [sweepId]);
  assert.deepEqual(JSON.parse(cli('ls', '--tag', 'best-guess', '--tag', 'baseline', '--format', 'json').stdout).rows.map((x: any) => x.sweep), [sweepId]);
  assert.equal(JSON.parse(cli('ls', '--tag', 'best-guess', '--tag', 'nope', '--format', 'json').stdout).rows.length, 0);
  assert.equal(JSON.parse(cli('ls', '--format', 'json').stdout).rows.length, 2);
});

test('concurrent taggers of one run lose no tag', async () => {
  const target = `${sweepId}/3`;
  const tags = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
  const codes = await Promise.all(
    tags.map(
      (t) =>
        new Promise<number | null>((res) => {
          const child = startCli(['tag', target, t], dir);
          child.on('exit', (code) => res(code));
        }),
    ),
  );
  assert.deepEqual(codes, tags.map(() => 0));
  assert.deepEqual([...readJson(join(sweep, folders[2], 'annotations.json')).tags].sort(), tags);
});

test('tags and notes survive a resume that retrains a run', () => {
  // Mark run 2 interrupted, as a killed sweep leaves it: the resume retrains it into the same folder.
  const metricsPath = join(sweep, folders[1], 'metrics.json');
  const done = readJson(metricsPath);
  writeFileSync(metricsPath, JSON.stringify({ status: 'interrupted', run_id: done.run_id, iterations: done.iterations, threshold: done.threshold, error: 'interrupted' }));
  const r = cli('run', file, '--resume', sweepId, '--quiet', '--workers', '1');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readJson(metricsPath).status, 'done');
  assert.equal(readJson(metricsPath).validation.loss, done.validation.loss);
  const a = readJson(join(sweep, folders[1], 'annotations.json'));
  assert.deepEqual(a.tags, ['best-guess']);
  assert.equal(a.note, 'the loss curve bends at 20');
  assert.deepEqual(readJson(join(sweep, 'annotations.json')).tags, ['baseline']);
  assert.deepEqual(readJson(join(sweep, 'sweep.json')).tags, ['wisconsin-like', 'first']);
  assert.ok(existsSync(join(sweep, folders[1], 'model.json')));
});

test('CSV written from user text (notes, names, descriptions) never starts a formula: = + - @ get a leading quote, plain numbers stay numbers', () => {
  const exp = writeExperiment(dir, 'calc.yaml', syntheticExperiment('=calc', '  seed: [1, 2]', 'description: "@SUM(1+1)"\nfixed:\n  iterations: 10\n'));
  assert.equal(cli('run', exp, '--quiet', '--workers', '1').code, 0);
  const calc = onlySweep(join(dir, 'runs'), '=calc');
  const calcId = calc.split('/').at(-1)!;
  const [run1, run2] = runFolders(calc);
  assert.equal(cli('note', `${calcId}/1`, '=HYPERLINK("http://example.com","x")').code, 0);
  assert.equal(cli('note', `${calcId}/2`, '--', '-0.5').code, 0);
  assert.equal(cli('note', `=calc/${calcId}`, '--', '+cmd|/C calc').code, 0);

  const compared = parse(cli('compare', `=calc/${calcId}`, 'tagged', '--format', 'csv').stdout, { columns: true }) as Record<string, string>[];
  const byRun = new Map(compared.filter((x) => x.sweep.endsWith(calcId)).map((x) => [x.run, x]));
  assert.equal(byRun.get(run1)!.note, `'=HYPERLINK("http://example.com","x")`);
  assert.equal(byRun.get(run2)!.note, '-0.5');
  assert.equal(byRun.get(run1)!.sweep, `'=calc/${calcId}`);
  // Numbers are numbers: the losses are written as they are.
  assert.match(byRun.get(run1)!['validation.loss'], /^\d+\.\d+$/);

  const ls = parse(cli('ls', '--format', 'csv').stdout, { columns: true }) as Record<string, string>[];
  const line = ls.find((x) => x.sweep === calcId)!;
  assert.equal(line.experiment, "'=calc");
  assert.equal(line.description, "'@SUM(1+1)");
  assert.equal(line.note, "'+cmd|/C calc");
  // The text formats show the text as written.
  assert.match(cli('compare', `=calc/${calcId}`).stdout, /│ =HYPERLINK\("http:\/\/example\.com","x"\)/);
});
