import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ratesFarApart, readJson, recordedSweep, runCli, runFolders } from '../helpers/cli.js';

// One 3-run sweep of rates far apart, so that one run is best by the default objective (validation accuracy,
// then validation loss, ties to the lower run number).
const rec = recordedSweep('dlsweep-best-address-', 'b.yaml', 'rated', ratesFarApart('rated'));
const cli = (...args: string[]) => runCli(args, rec.dir);

/** The best finished run, chosen here from metrics.json files by the default objective. */
function bestByMetricsFiles(sweep: string): string {
  const done = runFolders(sweep)
    .map((folder) => ({ folder, m: readJson(join(sweep, folder, 'metrics.json')) }))
    .filter((r) => r.m.status === 'done');
  done.sort((a, b) => b.m.validation.accuracy - a.m.validation.accuracy || a.m.validation.loss - b.m.validation.loss || a.folder.localeCompare(b.folder));
  return done[0].folder;
}
const best = bestByMetricsFiles(rec.sweep);
const other = runFolders(rec.sweep).find((f) => f !== best)!;

test('EXPERIMENT/best, EXPERIMENT/SWEEP_ID/best and SWEEP_ID/best name the best run in show', () => {
  // A best that is run 1 would not tell `best` from a first-run fallback.
  assert.notEqual(best.slice(0, 4), '0001');
  for (const address of ['rated/best', `rated/${rec.id}/best`, `${rec.id}/best`, 'best', 'runs/rated/best']) {
    const r = cli('show', address, '--json');
    assert.equal(r.code, 0, `${address}: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout).folder, best, address);
  }
});

test('diff takes EXPERIMENT/best', () => {
  const r = cli('diff', 'rated/best', `rated/${other}`, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const a = cli('diff', `rated/${rec.id}/${best}`, `rated/${other}`, '--format', 'json');
  assert.equal(r.stdout, a.stdout);
});

test('note and tag on EXPERIMENT/best annotate the best run, not the sweep', () => {
  const n = cli('note', 'rated/best', 'the chosen one');
  assert.equal(n.code, 0, n.stderr);
  const t = cli('tag', `${rec.id}/best`, 'chosen');
  assert.equal(t.code, 0, t.stderr);
  const ann = readJson(join(rec.sweep, best, 'annotations.json'));
  assert.equal(ann.note, 'the chosen one');
  assert.deepEqual(ann.tags, ['chosen']);
  assert.equal(existsSync(join(rec.sweep, 'annotations.json')), false);
  const u = cli('untag', `rated/${rec.id}/best`, 'chosen');
  assert.equal(u.code, 0, u.stderr);
  assert.deepEqual(readJson(join(rec.sweep, best, 'annotations.json')).tags ?? [], []);
});

test('thresholds and export take EXPERIMENT/SWEEP_ID/best', () => {
  const th = cli('thresholds', `rated/${rec.id}/best`, '--youden', '--json');
  assert.equal(th.code, 0, th.stderr);
  assert.equal(JSON.parse(th.stdout).run, `rated/${rec.id}/${best}`);
  const out = join(rec.dir, 'best-model.json');
  const ex = cli('export', `${rec.id}/best`, '-o', out);
  assert.equal(ex.code, 0, ex.stderr);
  assert.deepEqual(readJson(out).network, readJson(join(rec.sweep, best, 'model.json')).network);
});

test('a command that takes sweeps, given EXPERIMENT/best, says it names a run', () => {
  const r = cli('compare', 'rated/best');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /names a run/);
  assert.match(r.stderr, new RegExp(`run ${Number(best.slice(0, 4))} of rated/${rec.id}`));
});

test('EXPERIMENT/best of a sweep with no finished run: one message, exit 2, no stack trace', () => {
  // A copy of the sweep whose runs have no results yet (metrics.json is what a finished run writes last).
  const runs = join(rec.dir, 'unfinished-runs');
  cpSync(join(rec.runs, 'rated'), join(runs, 'rated'), { recursive: true });
  const copy = join(runs, 'rated', rec.id);
  for (const f of runFolders(copy)) rmSync(join(copy, f, 'metrics.json'));
  for (const args of [['show', 'rated/best'], ['diff', 'rated/best', 'rated/latest/1'], ['note', 'rated/best', 'x'], ['predict', 'rated/best', '--input', 'none.csv']]) {
    const r = runCli([...args, '--runs-dir', runs], rec.dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`rated/${rec.id}/best names no run: no run of rated/${rec.id} has finished`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.deepEqual(readdirSync(join(copy, runFolders(copy)[0])).includes('annotations.json'), false);
});
