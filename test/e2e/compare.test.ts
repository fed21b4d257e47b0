import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { onlySweep, readJson, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

// One synthetic sweep shared by the tests: learning_rate x hidden_sizes x seed = 8 runs, plus a second experiment.
const dir = tempDir('dlsweep-compare-');
const fileA = writeExperiment(dir, 'a.yaml', syntheticExperiment('alpha', '  learning_rate: [0.05, 0.5]\n  hidden_sizes: [[4], [8]]\n  seed: [1, 2]', 'fixed:\n  iterations: 60\n'));
const fileB = writeExperiment(dir, 'b.yaml', syntheticExperiment('beta', '  threshold: [0.3, 0.7]', 'fixed:\n  iterations: 40\n'));
const runA = runCli(['run', fileA, '--workers', '2', '--quiet'], dir);
const runB = runCli(['run', fileB, '--workers', '1', '--quiet'], dir);
const sweepA = onlySweep(join(dir, 'runs'), 'alpha');
const sweepB = onlySweep(join(dir, 'runs'), 'beta');
const idA = sweepA.split('/').at(-1)!;

interface Stored {
  folder: string;
  params: Record<string, any>;
  metrics: Record<string, any>;
}
const stored: Stored[] = runFolders(sweepA).map((f) => ({ folder: f, params: readJson(join(sweepA, f, 'params.json')).params, metrics: readJson(join(sweepA, f, 'metrics.json')) }));

function cli(...args: string[]) {
  return runCli(args, dir);
}

test('the sweeps ran and every sweep has report.html next to table.md', () => {
  assert.equal(runA.code, 0, runA.stderr);
  assert.equal(runB.code, 0, runB.stderr);
  assert.equal(stored.length, 8);
  for (const s of [sweepA, sweepB]) {
    assert.ok(existsSync(join(s, 'table.md')));
    const html = readFileSync(join(s, 'report.html'), 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<svg/);
  }
});

test('compare --sort: numbers sort as numbers, ascending or descending, from metrics.json', () => {
  const r = cli('compare', 'alpha', '--sort', 'validation.loss', '--format', 'csv', '--columns', 'validation.loss,validation.accuracy');
  assert.equal(r.code, 0, r.stderr);
  const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
  const losses = rows.map((x) => Number(x['validation.loss']));
  const expected = stored.map((s) => s.metrics.validation.loss as number).sort((a, b) => a - b);
  assert.deepEqual(losses, expected.map((v) => Number(v.toPrecision(12))));
  const desc = parse(cli('compare', 'alpha', '--sort', 'validation.loss:desc', '--format', 'csv').stdout, { columns: true }) as Record<string, string>[];
  assert.deepEqual(desc.map((x) => x.run), rows.map((x) => x.run).reverse());
});

test('compare --sort breaks full ties by the lower run number (run 10 after run 9), in the table, CSV and JSON', () => {
  const own = tempDir('dlsweep-compare-ties-');
  const file = writeExperiment(own, 'ties.yaml', syntheticExperiment('ties', '  learning_rate: [0.05, 0.1, 0.2]\n  seed: [1, 2, 3, 4]', 'fixed:\n  iterations: 5\n'));
  assert.equal(runCli(['run', file, '--quiet'], own).code, 0);
  const sweep = onlySweep(join(own, 'runs'), 'ties');
  const runs = runFolders(sweep).map((f) => ({ folder: f, number: Number(f.slice(0, f.indexOf('-'))), lr: readJson(join(sweep, f, 'params.json')).params.learning_rate as number }));
  assert.equal(runs.length, 12);
  const byNumber = [...runs].sort((a, b) => a.number - b.number);
  // Every run ties on iterations; on learning_rate, four runs tie at each value (high first with :desc).
  const cases: [string, string[]][] = [
    ['iterations', byNumber.map((r) => r.folder)],
    ['learning_rate:desc', [...byNumber].sort((a, b) => b.lr - a.lr || a.number - b.number).map((r) => r.folder)],
  ];
  for (const [sort, expected] of cases) {
    const json = runCli(['compare', 'ties', '--sort', sort, '--columns', 'run', '--format', 'json'], own);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual((JSON.parse(json.stdout).rows as { run: string }[]).map((r) => r.run), expected, sort);
    const csv = parse(runCli(['compare', 'ties', '--sort', sort, '--format', 'csv'], own).stdout, { columns: true }) as Record<string, string>[];
    assert.deepEqual(csv.map((r) => r.run), expected, `${sort} (csv)`);
    const table = runCli(['compare', 'ties', '--sort', sort, '--columns', 'run'], own).stdout;
    assert.deepEqual(table.split('\n').flatMap((l) => /^│ [ *≈] │ (\d{4}-[0-9a-f]{8})/.exec(l)?.[1] ?? []), expected, `${sort} (table)`);
  }
});

test('compare --where keeps matching runs; --top; --output infers the format from the extension', () => {
  const r = cli('compare', 'alpha', '--where', 'learning_rate < 0.1 and hidden_sizes == [8]', '--format', 'json', '--no-only-changed');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.rows.length, 2);
  for (const row of out.rows) {
    assert.equal(row.learning_rate, 0.05);
    assert.deepEqual(row.hidden_sizes, [8]);
  }
  const top = JSON.parse(cli('compare', 'alpha', '--top', '3', '--format', 'json').stdout);
  assert.equal(top.rows.length, 3);
  assert.equal(top.rows[0].best, true);
  const md = cli('compare', 'alpha', '--output', 'out/../table-copy.md');
  assert.equal(md.code, 0, md.stderr);
  assert.equal(md.stdout, '');
  assert.match(md.stderr, /wrote .*table-copy\.md/);
  assert.match(readFileSync(join(dir, 'table-copy.md'), 'utf8'), new RegExp(`^# alpha/${idA}\\n`));
});

test('compare --pivot: the two-way table matches means computed from metrics.json', () => {
  const r = cli('compare', '--pivot', 'learning_rate', 'hidden_sizes', 'validation.accuracy', 'alpha', '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.columns.map((c: any) => c.key), ['learning_rate', '[4]', '[8]']);
  for (const row of out.rows) {
    for (const hs of [4, 8]) {
      const accs = stored.filter((s) => s.params.learning_rate === row.learning_rate && s.params.hidden_sizes[0] === hs).map((s) => s.metrics.validation.accuracy);
      assert.equal(accs.length, 2);
      const mean = (accs[0] + accs[1]) / 2;
      assert.ok(Math.abs(row[`[${hs}]`] - mean) < 1e-11, `${row.learning_rate} x [${hs}]`);
    }
  }
  const table = cli('compare', 'alpha', '--pivot', 'learning_rate,hidden_sizes,validation.accuracy');
  assert.match(table.stdout, /learning_rate \\ hidden_sizes/);
  assert.match(table.stdout, /each cell: mean over 2 finished runs \(also varying: seed\)/);
});

test('compare --group-by aggregates seeds; --marginals averages per value', () => {
  const r = cli('compare', 'alpha', '--group-by', 'learning_rate', 'hidden_sizes', '--format', 'csv', '--columns', 'validation.loss');
  assert.equal(r.code, 0, r.stderr);
  const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 4);
  for (const g of rows) {
    assert.equal(g.runs, '2');
    const hs = JSON.parse(g.hidden_sizes)[0];
    const losses = stored.filter((s) => s.params.learning_rate === Number(g.learning_rate) && s.params.hidden_sizes[0] === hs).map((s) => s.metrics.validation.loss);
    assert.ok(Math.abs(Number(g['validation.loss.mean']) - (losses[0] + losses[1]) / 2) < 1e-11);
    assert.ok(Math.abs(Number(g['validation.loss.std']) - Math.abs(losses[0] - losses[1]) / Math.SQRT2) < 1e-11);
    assert.equal(Number(g['validation.loss.min']), Number(Math.min(...losses).toPrecision(12)));
  }
  // Groups sorted by mean validation accuracy (high first) by default; the first is marked best.
  assert.equal(rows[0].best, 'true');
  const m = cli('compare', 'alpha', '--marginals', 'validation.loss', '--format', 'json');
  const out = JSON.parse(m.stdout);
  assert.deepEqual([...new Set(out.rows.map((x: any) => x.parameter))], ['learning_rate', 'hidden_sizes', 'seed']);
  const lr05 = out.rows.find((x: any) => x.parameter === 'learning_rate' && x.value === 0.05);
  const expected = stored.filter((s) => s.params.learning_rate === 0.05).map((s) => s.metrics.validation.loss);
  assert.ok(Math.abs(lr05.mean - expected.reduce((a, b) => a + b, 0) / 4) < 1e-11);
  // A sweep typed after a variadic option is pointed out.
  const swallowed = cli('compare', '--group-by', 'seed', 'alpha');
  assert.equal(swallowed.code, 2);
  assert.match(swallowed.stderr, /"alpha" is a sweep or experiment, not a parameter/);
});

test('compare several experiments: the union of their parameters, a sweep column', () => {
  const r = cli('compare', 'alpha', 'beta', '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.rows.length, 10);
  assert.equal(out.title, `alpha/${idA} + beta/${sweepB.split('/').at(-1)}`);
  const keys = out.columns.map((c: any) => c.key);
  for (const k of ['sweep', 'run', 'iterations', 'hidden_sizes', 'seed', 'threshold']) assert.ok(keys.includes(k), k);
});

test('a bad --where or option is a usage error (exit 2) with the position and a did-you-mean', () => {
  const r = cli('compare', 'alpha', '--where', 'learning_rate < 0.05 and validaton.recall >= 0.98');
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error: --where: unknown column "validaton\.recall" at column 26\n  learning_rate < 0\.05 and validaton\.recall >= 0\.98\n {27}\^{16}\nhint: did you mean validation\.recall\?/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  const s = cli('compare', 'alpha', '--sort', 'val_acuracy');
  assert.equal(s.code, 2);
  assert.match(s.stderr, /--sort: unknown column "val_acuracy"/);
  const f = cli('compare', 'alpha', '--format', 'pdf');
  assert.equal(f.code, 2);
  assert.match(f.stderr, /Allowed choices are table, markdown, csv, json, html/);
  const t = cli('compare', 'nope');
  assert.equal(t.code, 2);
  assert.match(t.stderr, /no sweep or experiment "nope".*\nhint: experiments there: alpha, beta/);
});

test('ls lists experiments and sweeps newest first with counts and the best metric', () => {
  const r = cli('ls', '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.rows.map((x: any) => x.experiment), ['beta', 'alpha']);
  const alpha = out.rows[1];
  assert.equal(alpha.sweep, idA);
  assert.equal(alpha.status, 'done');
  assert.equal(alpha.done, 8);
  assert.equal(alpha.failed, 0);
  assert.equal(alpha.best, Number(Math.max(...stored.map((s) => s.metrics.validation.accuracy)).toPrecision(12)));
  const text = cli('ls');
  assert.match(text.stdout, /2 experiments, 2 sweeps/);
  assert.match(text.stdout, new RegExp(`alpha +│ ${idA} │ .* │ done +│ +8/8 │`));
});

test("show RUN's confusion matrices: each named by its split, in the metrics table's order (train, then validation)", () => {
  const first = stored[0];
  const r = cli('show', `${idA}/1`);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const metricsHeader = lines.find((l) => /^ +train +validation$/.test(l));
  assert.ok(metricsHeader, r.stdout);
  const at = lines.findIndex((l) => l.startsWith('confusion matrix'));
  assert.deepEqual(lines[at + 1].trim().split(/ +/), ['train', 'validation'], r.stdout);
  const numbers = (l: string) => l.split(/ +/).filter((w) => /^\d+$/.test(w)).map(Number);
  const [tr, va] = [first.metrics.train.confusion, first.metrics.validation.confusion];
  assert.deepEqual(numbers(lines[at + 4]), [tr.tn, tr.fp, va.tn, va.fp], r.stdout);
  assert.deepEqual(numbers(lines[at + 5]), [tr.fn, tr.tp, va.fn, va.tp], r.stdout);
});

test('show RUN and show SWEEP; diff two runs; runs are addressed by index or hash prefix', () => {
  const first = stored[0];
  const byIndex = cli('show', `${idA}/1`);
  assert.equal(byIndex.code, 0, byIndex.stderr);
  assert.match(byIndex.stdout, new RegExp(`^alpha/${idA}/${first.folder}  done`));
  assert.match(byIndex.stdout, /\n  learning_rate +0\.05\n/);
  assert.match(byIndex.stdout, /predicted/);
  assert.match(byIndex.stdout, new RegExp(`actual  negative +${first.metrics.validation.confusion.tn} +${first.metrics.validation.confusion.fp}`));
  assert.match(byIndex.stdout, /loss curve/);
  assert.match(byIndex.stdout, /params\.json/);
  const byHash = cli('show', `alpha/latest/${first.folder.slice(5, 11)}`);
  assert.equal(byHash.stdout, byIndex.stdout);
  const sweep = cli('show', 'alpha');
  assert.match(sweep.stdout, new RegExp(`^alpha/${idA}  done`));
  assert.match(sweep.stdout, /grid\s+learning_rate \(0\.05, 0\.5\) x hidden_sizes \(\[4\], \[8\]\) x seed \(1, 2\)/);
  assert.match(sweep.stdout, /report\.html/);
  const missing = cli('show', `${idA}/99`);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, new RegExp(`no run "99" in alpha/${idA} \\(runs 1-8\\)`));

  const d = cli('diff', `${idA}/1`, `${idA}/2`, '--format', 'json');
  assert.equal(d.code, 0, d.stderr);
  const rows = JSON.parse(d.stdout).rows;
  const seed = rows.find((x: any) => x.name === 'seed');
  assert.deepEqual([seed.a, seed.b, seed.differs], [stored[0].params.seed, stored[1].params.seed, stored[0].params.seed !== stored[1].params.seed]);
  const loss = rows.find((x: any) => x.name === 'validation.loss');
  assert.ok(Math.abs(loss.delta - (stored[1].metrics.validation.loss - stored[0].metrics.validation.loss)) < 1e-11);
  // As CSV: the A and B columns hold both runs' values, beside a parameter whose value is an object (lr_schedule).
  assert.ok(rows.some((x: any) => typeof x.a === 'object' && !Array.isArray(x.a)), 'a parameter with an object value');
  const csv = cli('diff', `${idA}/1`, `${idA}/2`, '--format', 'csv');
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trim().split('\n');
  assert.deepEqual(lines[0].split(','), ['differs', 'kind', 'name', 'a', 'b', 'delta']);
  const seedCells = lines.find((l) => l.split(',')[2] === 'seed')!.split(',');
  assert.deepEqual(seedCells.slice(3, 5), [String(stored[0].params.seed), String(stored[1].params.seed)]);
  const text = cli('diff', `${idA}/1`, `${idA}/2`, '--only-changed');
  assert.match(text.stdout, /≠ differs/);
  assert.doesNotMatch(text.stdout, /│ +│ param/);
});

test('report regenerates report.html, to the sweep or to --output', () => {
  const r = cli('report', 'alpha', '--heatmap', 'hidden_sizes', 'seed', '--metric', 'validation.loss');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), join(sweepA, 'report.html'));
  const html = readFileSync(join(sweepA, 'report.html'), 'utf8');
  assert.match(html, /validation\.loss by hidden_sizes \(rows\) and seed \(columns\)/);
  const out = cli('report', 'alpha', '--output', 'r.html');
  assert.equal(out.code, 0, out.stderr);
  assert.ok(existsSync(join(dir, 'r.html')));
  const bad = cli('report', 'alpha', '--heatmap', 'seed');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--heatmap takes two parameters/);
});

test('a random search: the table writes drawn values with 4 significant digits (more where two would read alike); CSV and JSON keep their 12 digits, results.csv every one', () => {
  const sdir = tempDir('dlsweep-compare-drawn-');
  const file = writeExperiment(
    sdir,
    's.yaml',
    'name: drawn\ndataset:\n  synthetic: {kind: blobs, samples: 120, features: 3, noise: 0.5, seed: 3}\nfixed:\n  iterations: 5\nsearch:\n  method: random\n  trials: 6\n  seed: 4\ngrid:\n  learning_rate: {uniform: [0.01, 1]}\n  hidden_sizes: [[3], [5]]\n',
  );
  const run = runCli(['run', file, '--workers', '1', '--quiet'], sdir);
  assert.equal(run.code, 0, run.stderr);
  const sweep = onlySweep(join(sdir, 'runs'), 'drawn');
  const drawn = runFolders(sweep).map((f) => readJson(join(sweep, f, 'params.json')).params.learning_rate as number);
  assert.equal(drawn.length, 6);
  // Written independently: 4 significant digits by toPrecision, unless two values collide there.
  const four = drawn.map((v) => String(Number(v.toPrecision(4))));
  assert.equal(new Set(four).size, 6, 'the seed draws values apart at 4 digits');
  const texts = (stdout: string) => [...stdout.matchAll(/│ (0\.\d+)\s+│/g)].map((m) => m[1]);
  // compare and run show every run; show SWEEP its best 5.
  for (const [args, n] of [[['compare', 'drawn'], 6], [['show', 'drawn'], 5], [['run', file, '--resume', 'latest', '--workers', '1'], 6]] as const) {
    const r = runCli([...args], sdir);
    assert.equal(r.code, 0, r.stderr);
    const shown = texts(r.stdout);
    assert.equal(shown.length, n, r.stdout);
    for (const t of shown) assert.ok(four.includes(t), `${t} is not one of ${four.join(', ')}`);
    for (const v of drawn) assert.ok(!r.stdout.includes(String(v)), `${String(v)} shown in full`);
  }
  // Exports keep the machine precision (12 significant digits, float noise cleaned); results.csv every digit.
  const twelve = drawn.map((v) => Number(v.toPrecision(12))).sort();
  const csv = parse(runCli(['compare', 'drawn', '--format', 'csv'], sdir).stdout, { columns: true }) as Record<string, string>[];
  assert.deepEqual(csv.map((r) => Number(r.learning_rate)).sort(), twelve);
  const json = JSON.parse(runCli(['compare', 'drawn', '--format', 'json'], sdir).stdout);
  assert.deepEqual(json.rows.map((r: any) => r.learning_rate).sort(), twelve);
  const results = parse(readFileSync(join(sweep, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.deepEqual(results.map((r) => r.learning_rate).sort(), drawn.map(String).sort());
});

test('compare and show accept --top all, as run does: every one of the 8 runs', () => {
  const all = cli('compare', 'alpha', '--top', 'all', '--format', 'json');
  assert.equal(all.code, 0, all.stderr);
  assert.equal(JSON.parse(all.stdout).rows.length, 8);
  const shown = cli('show', 'alpha', '--top', 'all');
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /\nbest 8 of 8 runs\n/);
  assert.equal(shown.stdout.split('\n').filter((l) => /^│ [ *≈] │ \d{4}-/.test(l)).length, 8);
  assert.equal(cli('show', 'alpha', '--top', 'none').code, 2);
});
