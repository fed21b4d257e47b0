/**
 * The ui server's index of a runs folder (src/ui/server/store-index.ts): its home facts equal what the
 * synthetic records were made with; a refresh reads only what changed and reports new runs, changed and
 * removed sweeps; damaged files count as damaged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { makeSyntheticRuns } from '../helpers/synthetic-runs.js';
import { StoreIndex } from '../../src/ui/server/store-index.js';

test('the index gives every sweep the counts and best run its records were made with, experiments by name, newest sweep first', () => {
  const runsDir = join(tempDir('dlsweep-index-'), 'runs');
  const made = makeSyntheticRuns(runsDir, { experiments: 3, sweepsPerExperiment: 4, runsPerSweep: 60, failEvery: 13, divergeEvery: 17 });
  const index = new StoreIndex(runsDir);
  // First from the sweeps' records, then from every run's metrics.json: the same facts.
  const fromRecords = index.home();
  assert.deepEqual(fromRecords.index, { sweeps: 12, sweeps_read: 0 });
  let left = Infinity;
  while (left > 0) left = index.verify(5).left;
  const home = index.home();
  assert.deepEqual(home.index, { sweeps: 12, sweeps_read: 12 });
  assert.deepEqual(home, { ...fromRecords, index: home.index });
  assert.equal(home.runs_dir, runsDir);
  assert.deepEqual(home.experiments.map((e) => e.name), ['synthetic-000', 'synthetic-001', 'synthetic-002']);
  for (const e of home.experiments) {
    const ids = e.sweeps.map((s) => s.id);
    assert.deepEqual(ids, [...ids].sort().reverse(), 'newest sweep first');
    for (const s of e.sweeps) {
      const want = made.find((m) => m.experiment === e.name && m.id === s.id)!;
      assert.equal(s.status, 'done');
      assert.equal(s.runs_planned, 60);
      assert.equal(s.runs_done, want.done);
      assert.equal(s.runs_failed, want.failed);
      assert.equal(s.runs_diverged, want.diverged);
      assert.equal(s.runs_damaged, 0);
      assert.deepEqual(s.best, { run: want.best.run, value: want.best.accuracy });
    }
  }
  assert.equal(made.reduce((n, m) => n + m.failed, 0) > 0 && made.reduce((n, m) => n + m.diverged, 0) > 0, true, 'the records include failed and diverged runs');
});

test('refresh reports a run recorded in a running sweep, a damaged metrics.json, a changed record and a removed sweep', () => {
  const runsDir = join(tempDir('dlsweep-index-'), 'runs');
  const [a, b] = makeSyntheticRuns(runsDir, { experiments: 1, sweepsPerExperiment: 2, runsPerSweep: 5 });
  // Sweep a is running: its record says so and its lock is fresh; one more grid point is not recorded yet.
  const record = JSON.parse(readFileSync(join(a.dir, 'sweep.json'), 'utf8'));
  writeFileSync(join(a.dir, 'sweep.json'), JSON.stringify({ ...record, status: 'running', ended_at: null, grid_size: 6 }));
  mkdirSync(join(a.dir, '.lock'));
  const index = new StoreIndex(runsDir);
  const first = index.refresh();
  assert.equal(first.sweeps.length, 2, 'the first refresh announces every sweep');
  assert.equal(index.summary(a.id)!.status, 'running');
  assert.equal(index.summary(a.id)!.runs_done, 5);
  assert.deepEqual(index.refresh(), { sweeps: [], runs: [], removed: [] }, 'nothing changed, nothing reported');

  // A sixth run is recorded: params.json first, then metrics.json (as the recorder writes them).
  const folder = '0006-00000000';
  mkdirSync(join(a.dir, folder));
  assert.deepEqual(index.refresh().runs, [], 'a folder without metrics.json is pending');
  const metrics = JSON.parse(readFileSync(join(a.dir, a.best.run, 'metrics.json'), 'utf8'));
  writeFileSync(join(a.dir, folder, 'metrics.json'), JSON.stringify({ ...metrics, run_id: '00000000' + 'f'.repeat(56) }));
  const second = index.refresh();
  assert.deepEqual(second.runs, [{ sweep: a.id, experiment: a.experiment, run: folder, status: 'done' }]);
  assert.equal(second.sweeps.length, 1);
  assert.equal(second.sweeps[0].runs_done, 6);

  // A metrics.json cut short in the finished sweep b is seen when b's record changes (b is re-read in full).
  writeFileSync(join(b.dir, b.best.run, 'metrics.json'), '{"status": "do');
  writeFileSync(join(b.dir, 'annotations.json'), JSON.stringify({ tags: ['later'] }));
  const third = index.refresh();
  const bs = third.sweeps.find((s) => s.id === b.id)!;
  assert.equal(bs.runs_damaged, 1);
  assert.equal(bs.runs_done, b.done - 1);
  assert.notEqual(bs.best?.run, b.best.run, 'a damaged run is never the best');
  assert.deepEqual(bs.tags, ['later']);

  rmSync(b.dir, { recursive: true });
  assert.deepEqual(index.refresh().removed, [`${b.experiment}/${b.id}`]);
  assert.equal(index.summary(b.id), undefined);
});

test('an unreadable sweep.json lists its sweep as damaged, with its runs still counted', () => {
  const runsDir = join(tempDir('dlsweep-index-'), 'runs');
  const [a] = makeSyntheticRuns(runsDir, { experiments: 1, sweepsPerExperiment: 1, runsPerSweep: 4 });
  writeFileSync(join(a.dir, 'sweep.json'), '{"id": ');
  const s = new StoreIndex(runsDir).home().experiments[0].sweeps[0];
  assert.equal(s.status, 'damaged');
  assert.match(s.problem!, /sweep\.json is not valid JSON/);
  assert.equal(s.runs_done, 4);
  assert.equal(s.runs_planned, null);
});

test('a summary taken from a record that its runs contradict is corrected once the runs are read, and reported as a change', () => {
  const runsDir = join(tempDir('dlsweep-index-'), 'runs');
  const [a] = makeSyntheticRuns(runsDir, { experiments: 1, sweepsPerExperiment: 1, runsPerSweep: 8 });
  // The best run was damaged after the sweep ended: its record still names it.
  writeFileSync(join(a.dir, a.best.run, 'metrics.json'), '{"status": "done", "run_');
  const index = new StoreIndex(runsDir);
  assert.equal(index.home().experiments[0].sweeps[0].best!.run, a.best.run, 'from the record');
  const v = index.verify(1000);
  assert.equal(v.left, 0);
  assert.equal(v.sweeps.length, 1);
  assert.equal(v.sweeps[0].runs_damaged, 1);
  assert.equal(v.sweeps[0].runs_done, a.done - 1);
  assert.notEqual(v.sweeps[0].best!.run, a.best.run);
  assert.deepEqual(v.runs, [], 'runs recorded before the server started are not announced');
  assert.deepEqual(index.verify(1000), { sweeps: [], runs: [], removed: [], left: 0 });
});

test('a symbolic link in the runs folder leading elsewhere is not indexed: neither a linked experiment folder nor a linked sweep folder', () => {
  const runsDir = join(tempDir('dlsweep-index-'), 'runs');
  const elsewhere = join(tempDir('dlsweep-index-'), 'runs');
  const own = makeSyntheticRuns(runsDir, { experiments: 1, sweepsPerExperiment: 1, runsPerSweep: 3, failEvery: 0, divergeEvery: 0 });
  const other = makeSyntheticRuns(elsewhere, { experiments: 2, sweepsPerExperiment: 2, runsPerSweep: 3, failEvery: 0, divergeEvery: 0 });
  const linkedSweep = other.find((m) => m.experiment === 'synthetic-000' && m.id !== own[0].id)!;
  symlinkSync(linkedSweep.dir, join(runsDir, 'synthetic-000', linkedSweep.id));
  symlinkSync(join(elsewhere, 'synthetic-001'), join(runsDir, 'linked'));
  const home = new StoreIndex(runsDir).home();
  assert.deepEqual(home.experiments.map((e) => [e.name, e.sweeps.map((s) => s.id)]), [['synthetic-000', [own[0].id]]]);
  assert.deepEqual(home.index, { sweeps: 1, sweeps_read: 0 });
});

test('a symbolic link inside the runs folder to a sweep listed under its own name is indexed once, by its real folder', () => {
  const runsDir = join(tempDir('dlsweep-index-'), 'runs');
  const own = makeSyntheticRuns(runsDir, { experiments: 2, sweepsPerExperiment: 1, runsPerSweep: 3, failEvery: 0, divergeEvery: 0 });
  // An experiment folder linked under another name, and a sweep folder linked into the other experiment.
  symlinkSync(join(runsDir, 'synthetic-000'), join(runsDir, 'alias'));
  symlinkSync(own[0].dir, join(runsDir, 'synthetic-001', '20990101-000000-0000'));
  const index = new StoreIndex(runsDir);
  const listed = (home: ReturnType<StoreIndex['home']>) => home.experiments.map((e) => [e.name, e.sweeps.map((x) => x.id)]);
  const expected = [
    ['synthetic-000', [own[0].id]],
    ['synthetic-001', [own[1].id]],
  ];
  assert.deepEqual(listed(index.home()), expected);
  assert.deepEqual(index.home().index, { sweeps: 2, sweeps_read: 0 });
  index.verify(1000);
  assert.deepEqual(listed(index.home()), expected);
});
