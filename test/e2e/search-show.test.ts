/**
 * How show, diff, compare and the report tell a search as it was run: each run's trial, rung and bracket and
 * the horizon its training was shaped for, the choices in the file's order, bounds as written, counts of a
 * cut table. One small hyperband search with cosine shared by the tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onlySweep, readJson, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

// Rungs 20, 60, 180 (min_iterations 20, reduction factor 3): a cosine training is shaped for 180 updates.
const SEARCH = 'search:\n  method: hyperband\n  seed: 5\n  min_iterations: 20\n  reduction_factor: 3\nfixed:\n  lr_schedule: {kind: cosine}\n';
// The choices deliberately not in sorted order; the bounds spelled as a person might write them.
const GRID = '  learning_rate: {log_uniform: [1.0e-2, 2.0]}\n  optimizer: [momentum, gd]\n  iterations: [180]';
const LARGEST_RUNG = 180;

let shared: { dir: string; sweep: string } | undefined;
function hyperband() {
  if (shared) return shared;
  const dir = tempDir();
  const file = writeExperiment(dir, 'hb.yaml', syntheticExperiment('hb', GRID, SEARCH));
  const r = runCli(['run', file, '--workers', '2', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  shared = { dir, sweep: onlySweep(join(dir, 'runs'), 'hb') };
  return shared;
}

type Params = { params: { iterations: number }; search: { trial: number; bracket: number; rung: number; horizon?: number } };
const paramsOf = (sweep: string, folder: string): Params => readJson(join(sweep, folder, 'params.json'));

/** A run stopped at a rung below the largest (its training shaped for LARGEST_RUNG), and one at the largest rung. */
function shortAndFull(sweep: string): { short: string; full: string } {
  const folders = runFolders(sweep);
  const short = folders.find((f) => paramsOf(sweep, f).params.iterations < LARGEST_RUNG)!;
  const full = folders.find((f) => paramsOf(sweep, f).params.iterations === LARGEST_RUNG)!;
  assert.ok(short && full, folders.join(', '));
  return { short, full };
}

test('show of a search run stopped at a rung says its trial, bracket and rung, and that it was trained towards the largest rung', () => {
  const { dir, sweep } = hyperband();
  const { short, full } = shortAndFull(sweep);
  const p = paramsOf(sweep, short);
  const r = runCli(['show', `hb/${short}`], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(`search trial ${p.search.trial}, bracket ${p.search.bracket}, rung ${p.search.rung}; trained towards ${LARGEST_RUNG} updates and stopped at ${p.params.iterations}`), r.stdout);
  assert.match(r.stdout, /is not the same training/);
  // A run of the largest rung is a plain training of its length: its place, no horizon.
  const q = paramsOf(sweep, full);
  const f = runCli(['show', `hb/${full}`], dir);
  assert.equal(f.code, 0, f.stderr);
  assert.ok(f.stdout.includes(`search trial ${q.search.trial}, bracket ${q.search.bracket}, rung ${q.search.rung}\n`), f.stdout);
  assert.doesNotMatch(f.stdout, /trained towards/);
});

test('diff of two search runs lists trial, bracket, rung and horizon, and says how the run stopped at a rung was trained', () => {
  const { dir, sweep } = hyperband();
  const { short, full } = shortAndFull(sweep);
  const a = paramsOf(sweep, short);
  const b = paramsOf(sweep, full);
  const r = runCli(['diff', `hb/${short}`, `hb/${full}`, '--format', 'json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { notes: string[]; rows: { kind: string; name: string; a: unknown; b: unknown }[] };
  const search = Object.fromEntries(out.rows.filter((x) => x.kind === 'search').map((x) => [x.name, [x.a, x.b]]));
  assert.deepEqual(search, {
    trial: [a.search.trial, b.search.trial],
    bracket: [a.search.bracket, b.search.bracket],
    rung: [a.search.rung, b.search.rung],
    horizon: [LARGEST_RUNG, null],
  });
  assert.ok(out.notes.some((n) => n.startsWith(`A: trial ${a.search.trial}, bracket ${a.search.bracket}, rung ${a.search.rung}; trained towards ${LARGEST_RUNG} updates and stopped at ${a.params.iterations}`)), out.notes.join('\n'));
  assert.ok(!out.notes.some((n) => n.startsWith('B:')), out.notes.join('\n'));
});

test("the report's best run names its trial, bracket and rung, as params.json records them", () => {
  const { sweep } = hyperband();
  const best = readJson(join(sweep, 'sweep.json')).best.run as string;
  const p = paramsOf(sweep, best);
  const html = readFileSync(join(sweep, 'report.html'), 'utf8');
  const fact = /<dt>best run<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1] ?? '';
  assert.ok(fact.startsWith(best), fact);
  assert.ok(fact.includes(`; trial ${p.search.trial}, bracket ${p.search.bracket}, rung ${p.search.rung}`), fact);
  assert.equal(fact.includes(`trained towards ${LARGEST_RUNG} updates`), p.params.iterations < LARGEST_RUNG, fact);
  assert.ok(html.includes(`best run: ${best}, trial ${p.search.trial}, bracket ${p.search.bracket}, rung ${p.search.rung} at ${p.params.iterations} updates`));
});

test('show of a search sweep: choices in the file\'s order, bounds as written, one wording for the runs listed', () => {
  const { dir, sweep } = hyperband();
  const r = runCli(['show', 'hb'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}choices +optimizer \(momentum, gd\)$/m);
  assert.match(r.stdout, /^ {2}searched +learning_rate \{log_uniform: \[1\.0e-2, 2\.0\]\}, iterations rungs 20, 60, 180$/m);
  const total = runFolders(sweep).length;
  assert.ok(total > 5);
  assert.match(r.stdout, new RegExp(`^best 5 of ${total} runs$`, 'm'));
  assert.doesNotMatch(r.stdout, /top 5 of/);
});

test('compare --top N titles a cut table N of M runs', () => {
  const { dir, sweep } = hyperband();
  const total = runFolders(sweep).length;
  const r = runCli(['compare', 'hb', '--top', '3'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.split('\n')[0], new RegExp(`: 3 of ${total} runs$`));
  const all = runCli(['compare', 'hb', '--top', 'all'], dir);
  assert.match(all.stdout.split('\n')[0], new RegExp(`: ${total} runs$`));
});

test('a search without rungs (random): show and diff give the trial, and no rung every run would share', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'r.yaml', syntheticExperiment('r', '  learning_rate: {log_uniform: [0.01, 2.0]}\n  iterations: [20]', 'search:\n  method: random\n  trials: 2\n  seed: 2\n'));
  const run = runCli(['run', file, '--quiet'], dir);
  assert.equal(run.code, 0, run.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'r');
  const [a, b] = runFolders(sweep);
  const r = runCli(['show', `r/${a}`], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(`\nsearch trial ${paramsOf(sweep, a).search.trial}\n`), r.stdout);
  const d = runCli(['diff', `r/${a}`, `r/${b}`, '--format', 'json'], dir);
  assert.equal(d.code, 0, d.stderr);
  const rows = (JSON.parse(d.stdout) as { rows: { kind: string; name: string }[] }).rows.filter((x) => x.kind === 'search');
  assert.deepEqual(rows.map((x) => x.name), ['trial']);
});

test('rung and bracket exist only under the methods that have them: compare refuses them as show and diff leave them out', () => {
  const dir = tempDir();
  const random = writeExperiment(dir, 'r.yaml', syntheticExperiment('r', '  learning_rate: {log_uniform: [0.01, 2.0]}\n  iterations: [20]', 'search:\n  method: random\n  trials: 2\n  seed: 2\n'));
  assert.equal(runCli(['run', random, '--quiet'], dir).code, 0);
  const halving = writeExperiment(dir, 'h.yaml', syntheticExperiment('h', '  learning_rate: {log_uniform: [0.01, 2.0]}\n  iterations: [60]', 'search:\n  method: halving\n  trials: 3\n  seed: 2\n  min_iterations: 20\n  reduction_factor: 3\n'));
  assert.equal(runCli(['run', halving, '--quiet'], dir).code, 0);
  const refused = (args: string[], column: string) => {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.ok(r.stderr.includes(`no run compared has a ${column}`), r.stderr);
    assert.ok(!r.stderr.includes('    at '), r.stderr);
  };
  // A random search: neither rung nor bracket.
  for (const column of ['rung', 'bracket']) {
    refused(['compare', 'r', '--where', `${column} == 0`], column);
    refused(['compare', 'r', '--sort', column], column);
    refused(['compare', 'r', '--columns', `run,${column}`], column);
  }
  const table = runCli(['compare', 'r', '--format', 'json'], dir);
  assert.equal(table.code, 0, table.stderr);
  assert.ok(!/"rung"/.test(table.stdout), table.stdout);
  // A halving search: rungs, no bracket.
  refused(['compare', 'h', '--where', 'bracket == 0'], 'bracket');
  refused(['compare', 'h', '--sort', 'bracket'], 'bracket');
  refused(['compare', 'h', '--columns', 'run,bracket'], 'bracket');
  const sweep = onlySweep(join(dir, 'runs'), 'h');
  const atFirst = runFolders(sweep).filter((f) => paramsOf(sweep, f).search.rung === 0).length;
  const kept = runCli(['compare', 'h', '--where', 'rung == 0', '--columns', 'run,rung'], dir);
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(kept.stdout.split('\n')[0], new RegExp(`: ${atFirst} runs$`));
  // results.csv by the same rule: a random search's trial alone, a halving's trial and rung.
  const header = (name: string) => readFileSync(join(onlySweep(join(dir, 'runs'), name), 'results.csv'), 'utf8').split('\n')[0].split(',');
  const searchColumns = (name: string) => header(name).filter((c) => ['trial', 'bracket', 'rung'].includes(c));
  assert.deepEqual(searchColumns('r'), ['trial']);
  assert.deepEqual(searchColumns('h'), ['trial', 'rung']);
});

test('a search of one trial of one update: show, compare and the report count it in the singular', () => {
  const dir = tempDir();
  const file = writeExperiment(dir, 'one.yaml', syntheticExperiment('one', '  learning_rate: {log_uniform: [0.01, 0.1]}\n  iterations: [1]', 'search:\n  method: tpe\n  trials: 1\n'));
  assert.equal(runCli(['run', file, '--quiet'], dir).code, 0);
  const show = runCli(['show', 'one/latest'], dir);
  assert.equal(show.code, 0, show.stderr);
  assert.ok(show.stdout.includes('(tpe search of 1 trial, 1 training)'), show.stdout);
  assert.ok(show.stdout.includes('best 1 of 1 run\n'), show.stdout);
  const where = runCli(['compare', 'one', '--where', 'trial == 0'], dir);
  assert.ok(where.stdout.includes('(1 of 1 run)'), where.stdout);
  const html = readFileSync(join(onlySweep(join(dir, 'runs'), 'one'), 'report.html'), 'utf8');
  assert.ok(html.includes('<p class="note">1 trial; '), 'search note');
  assert.ok(/trial 0 at 1 update, /.test(html), 'best run of the search note');
  assert.ok(html.includes('1 training)'), 'runs fact');
  assert.ok(!/\b1 (trials|trainings|updates|runs)\b/.test(html.replace(/<svg[\s\S]*?<\/svg>/g, '')), 'no count of 1 in the plural');
});
