/**
 * What every output of the same thing says alike: Markdown cells escaped one way (compare, ls, diff,
 * table.md), the warning for runs on different data (compare and diff), an unfinished asha search's
 * size as the bound it is (verify, ls, show, report.html), and a stopped sweep's status and counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempRunsDir, writeSweep } from './report-fixtures.js';
import { compareCommand } from '../../src/cli/compare.js';
import { lsCommand } from '../../src/cli/ls.js';
import { buildComparison, renderMarkdown } from '../../src/report/sweep-files.js';
import { sweepRows } from '../../src/report/rows.js';
import { diffCommand } from '../../src/cli/diff.js';
import { showCommand } from '../../src/cli/show.js';
import { verifyCommand } from '../../src/cli/verify.js';
import { readSweepFile } from '../../src/store/read-runs.js';
import { writeReport } from '../../src/report/sweep-files.js';
import { reportCommand } from '../../src/cli/report.js';

/** An io that keeps what is written. */
function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { cwd: '/', env: {}, stdout: { write: (s: string) => ((out.stdout += s), true) }, stderr: { write: (s: string) => ((out.stderr += s), true) } } as never };
}

const NOTE = 'a | b\nsecond line <script>alert(1)</script> & more';
// As written by hand: newline folded to one space, pipe escaped, HTML characters as entities.
const ESCAPED = 'a \\| b second line &lt;script&gt;alert(1)&lt;/script&gt; &amp; more';

/** The table lines of a Markdown output: every line that starts a row with `|`. */
const tableLines = (md: string) => md.split('\n').filter((l) => l.startsWith('|'));

test('a note with a line break, a pipe and HTML: one table row and escaped text in compare, ls and table.md', async () => {
  const runsDir = tempRunsDir();
  const dir = writeSweep(runsDir, 'inj', '20260101-000000-abcd', [{ params: { learning_rate: 0.1 } }, { params: { learning_rate: 0.2 } }]);
  const annotations = { tags: [], note: NOTE, updated_at: '2026-01-01T00:00:09.000Z' };
  const run1 = readdirSync(dir).filter((f) => /^0001-/.test(f))[0];
  writeFileSync(join(dir, run1, 'annotations.json'), JSON.stringify(annotations));
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify(annotations));

  const compared = capture();
  assert.equal(await compareCommand(['inj'], { runsDir, format: 'markdown' }, compared.io), 0);
  // Header, separator and two runs: the note's line break does not start a row of its own.
  assert.equal(tableLines(compared.out.stdout).length, 4, compared.out.stdout);
  assert.ok(compared.out.stdout.includes(ESCAPED), compared.out.stdout);
  assert.doesNotMatch(compared.out.stdout, /<script>/);

  const listed = capture();
  assert.equal(await lsCommand([], { runsDir, format: 'markdown' }, listed.io), 0);
  assert.equal(tableLines(listed.out.stdout).length, 3, listed.out.stdout);
  assert.doesNotMatch(listed.out.stdout, /<script>|second line\n/);
  assert.match(listed.out.stdout, /a \\\| b second line &lt;script&gt;/);

  const table = renderMarkdown(buildComparison('inj/20260101-000000-abcd', sweepRows(dir)));
  assert.equal(tableLines(table).length, 4, table);
  assert.ok(table.includes(ESCAPED), table);
});

test('diff of two runs trained on different data warns as compare does; runs on the same data get no warning', async () => {
  const runsDir = tempRunsDir();
  // A fixed split and a k-fold split of the same file: different fingerprints, so different data.
  writeSweep(runsDir, 'fixed', '20260101-000000-aaaa', [{ params: { learning_rate: 0.1 } }, { params: { learning_rate: 0.2 } }], { dataset: { name: 'wisconsin', sha256: 'a'.repeat(64), fingerprint: '1'.repeat(64) } });
  writeSweep(runsDir, 'kfold', '20260101-000000-bbbb', [{ params: { learning_rate: 0.1 } }], { dataset: { name: 'wisconsin', sha256: 'a'.repeat(64), fingerprint: '2'.repeat(64) } });
  const prefix = 'warning: these sweeps use different data (wisconsin@11111111, wisconsin@22222222); ';

  const compared = capture();
  assert.equal(await compareCommand(['fixed', 'kfold'], { runsDir }, compared.io), 0);
  assert.ok(compared.out.stdout.includes(prefix), compared.out.stdout);

  for (const format of ['table', 'markdown'] as const) {
    const diffed = capture();
    assert.equal(await diffCommand('fixed/latest/1', 'kfold/latest/1', { runsDir, format }, diffed.io), 0);
    assert.ok(diffed.out.stdout.includes(prefix), diffed.out.stdout);
  }
  const json = capture();
  assert.equal(await diffCommand('fixed/latest/1', 'kfold/latest/1', { runsDir, format: 'json' }, json.io), 0);
  assert.ok(JSON.parse(json.out.stdout).notes.some((n: string) => n.startsWith(prefix)), json.out.stdout);

  const same = capture();
  assert.equal(await diffCommand('fixed/latest/1', 'fixed/latest/2', { runsDir }, same.io), 0);
  assert.doesNotMatch(same.out.stdout + same.out.stderr, /different data/);
});

test("an unfinished asha search's size is said as a bound by ls, show and report.html, as verify says it; a finished one's is not", async () => {
  const runsDir = tempRunsDir();
  const runs = (n: number) => Array.from({ length: n }, (_, i) => ({ params: { learning_rate: 0.01 * (i + 1), iterations: 30 } }));
  // 19 runs recorded of at most 96: sweep.json's grid_size is asha's bound until search.json says it finished.
  const open = writeSweep(runsDir, 'asha', '20260101-000000-aaaa', runs(19), { search: { method: 'asha', trials: 64 }, grid_size: 96, status: 'interrupted' });
  const done = writeSweep(runsDir, 'fin', '20260101-000000-bbbb', runs(5), { search: { method: 'asha', trials: 3 }, grid_size: 5 });
  writeFileSync(join(done, 'search.json'), JSON.stringify({ finished: true }));
  const pending = 96 - 19;

  const verified = capture();
  verifyCommand('asha', { runsDir }, verified.io);
  assert.match(verified.out.stdout, new RegExp(`at most ${pending} pending`));

  const listed = capture();
  assert.equal(await lsCommand([], { runsDir }, listed.io), 0);
  assert.match(listed.out.stdout, /19\/≤96/);
  assert.match(listed.out.stdout, new RegExp(`at most ${pending} pending`));
  assert.match(listed.out.stdout, /5\/5 /);
  assert.doesNotMatch(listed.out.stdout, /≤5|[^t] 77 pending/);

  const shown = capture();
  assert.equal(showCommand('asha/20260101-000000-aaaa', { runsDir }, shown.io), 0);
  assert.match(shown.out.stdout, new RegExp(`, at most ${pending} pending`));

  const html = readFileSync(await writeReport(open, { ...readSweepFile(open), counts: { done: 19, diverged: 0, failed: 0, interrupted: 0, pending } }, undefined, {}, join(runsDir, 'r.html')), 'utf8');
  assert.match(html, new RegExp(`at most ${pending} pending`));
});

/**
 * The cells of a GFM table row read as GitHub does: a backslash escapes the next character (an escaped pipe
 * splits no cell), `\|` then stands for `|`, and the cell's inline text undoes backslash escapes of ASCII
 * punctuation and the three entities markdownText writes.
 */
function gfmCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  const body = line.trim().replace(/^\|/, '');
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && i + 1 < body.length) {
      cell += body[i] + body[i + 1];
      i++;
    } else if (body[i] === '|') {
      cells.push(cell);
      cell = '';
    } else cell += body[i];
  }
  if (cell.trim() !== '') cells.push(cell);
  return cells.map((c) =>
    c
      .trim()
      .replace(/\\\|/g, '|')
      .replace(/\\([!-/:-@[-`{-~])/g, '$1')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

test('a note with a backslash before a pipe is one Markdown cell, read back as typed (a\\|b was written a\\\\|b: two cells)', async () => {
  const notes = ['a\\|b', 'C:\\dir\\ | x\\\\|y', 'ends in \\'];
  const runsDir = tempRunsDir();
  const dir = writeSweep(runsDir, 'bs', '20260101-000000-abcd', notes.map((_, i) => ({ params: { learning_rate: 0.1 * (i + 1) } })));
  const folders = readdirSync(dir).filter((f) => /^\d{4}-/.test(f)).sort();
  notes.forEach((note, i) => writeFileSync(join(dir, folders[i], 'annotations.json'), JSON.stringify({ tags: [], note, updated_at: '2026-01-01T00:00:09.000Z' })));
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify({ tags: [], note: notes[0], updated_at: '2026-01-01T00:00:09.000Z' }));
  const compared = capture();
  assert.equal(await compareCommand(['bs'], { runsDir, format: 'markdown' }, compared.io), 0);
  const listed = capture();
  assert.equal(await lsCommand([], { runsDir, format: 'markdown' }, listed.io), 0);
  for (const [md, expected] of [[compared.out.stdout, notes], [listed.out.stdout, [notes[0]]]] as const) {
    const [header, , ...rows] = tableLines(md);
    const width = gfmCells(header).length;
    const read = rows.map((r) => gfmCells(r));
    for (const cells of read) assert.equal(cells.length, width, md);
    for (const note of expected) assert.ok(read.some((cells) => cells.includes(note)), `${note} not a cell of:\n${md}`);
  }
});

test('compare and diff with --format csv or json warn on stderr of runs on different data (csv dropped the warning); table formats show it once, above the table', async () => {
  const runsDir = tempRunsDir();
  writeSweep(runsDir, 'fixed', '20260101-000000-aaaa', [{ params: { learning_rate: 0.1 } }], { dataset: { name: 'wisconsin', sha256: 'a'.repeat(64), fingerprint: '1'.repeat(64) } });
  writeSweep(runsDir, 'kfold', '20260101-000000-bbbb', [{ params: { learning_rate: 0.1 } }], { dataset: { name: 'wisconsin', sha256: 'a'.repeat(64), fingerprint: '2'.repeat(64) } });
  const prefix = 'warning: these sweeps use different data (wisconsin@11111111, wisconsin@22222222); ';
  const runs = [
    (format: 'csv' | 'json' | 'table', io: never) => compareCommand(['fixed', 'kfold'], { runsDir, format }, io),
    (format: 'csv' | 'json' | 'table', io: never) => diffCommand('fixed/latest/1', 'kfold/latest/1', { runsDir, format }, io),
  ];
  for (const command of runs) {
    for (const format of ['csv', 'json'] as const) {
      const got = capture();
      assert.equal(await command(format, got.io), 0);
      assert.ok(got.out.stderr.split('\n').some((l) => l.startsWith(prefix)), `${format}: ${got.out.stderr}`);
    }
    const table = capture();
    assert.equal(await command('table', table.io), 0);
    assert.ok(table.out.stdout.includes(prefix) && !table.out.stderr.includes(prefix), table.out.stderr);
  }
});

/** Make a sweep.json look written a minute ago: without a lock, a sweep marked running is then a stopped one. */
function age(dir: string): void {
  const then = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'sweep.json'), then, then);
}

test('an asha search killed after search.json says it finished and before sweep.json does: ls, show, verify and report count nothing pending; unfinished, the pending count is a bound', async () => {
  const runsDir = tempRunsDir();
  const runs = Array.from({ length: 6 }, (_, i) => ({ params: { learning_rate: 0.01 * (i + 1), iterations: 30 } }));
  // 6 runs recorded of at most 15; sweep.json still as its last write during the search left it: running, 4 done.
  const dir = writeSweep(runsDir, 'asha', '20260101-000000-aaaa', runs, { search: { method: 'asha', trials: 5 }, grid_size: 15, status: 'running', counts: { done: 4, diverged: 0, failed: 0, interrupted: 0, pending: 11 } });
  const folders = readdirSync(dir).filter((f) => /^\d{4}-/.test(f)).sort();
  const batches = [{ index: 0, decisions: [], runs: folders.slice(0, 4).map((folder) => ({ folder })) }, { index: 1, decisions: [], runs: folders.slice(4).map((folder) => ({ folder })) }];
  age(dir);
  for (const finished of [true, false]) {
    writeFileSync(join(dir, 'search.json'), JSON.stringify({ method: 'asha', batches, finished }));
    // Finished: its 6 runs are all it trains. Unfinished: 15 - 6 = 9 more at most.
    const pending = finished ? /pending/ : /at most 9 pending/;
    const listed = capture();
    assert.equal(await lsCommand([], { runsDir }, listed.io), 0);
    assert.match(listed.out.stdout, /stopped/);
    assert.match(listed.out.stdout, finished ? /6\/6 / : /6\/≤15 /);
    if (finished) assert.doesNotMatch(listed.out.stdout, pending);
    else assert.match(listed.out.stdout, pending);
    const shown = capture();
    assert.equal(showCommand('asha/20260101-000000-aaaa', { runsDir }, shown.io), 0);
    if (finished) assert.doesNotMatch(shown.out.stdout, pending);
    else assert.match(shown.out.stdout, pending);
    const verified = capture();
    verifyCommand('asha', { runsDir }, verified.io);
    // (The fixture's run folders lack model.json: verify finds them damaged, which is not what is checked here.)
    assert.match(verified.out.stdout, finished ? /\(asha search of 6 runs\)/ : /\(asha search of at most 15 runs\)/);
    if (finished) assert.doesNotMatch(verified.out.stdout, /pending/);
    else assert.match(verified.out.stdout, pending);
    const reported = capture();
    assert.equal(await reportCommand('asha', { runsDir, output: join(runsDir, 'r.html') }, reported.io), 0, reported.out.stderr);
    const facts = /<dl class="facts">.*?<\/dl>/s.exec(readFileSync(join(runsDir, 'r.html'), 'utf8'))?.[0] ?? '';
    assert.match(facts, /<dt>status<\/dt><dd>stopped<\/dd>/);
    assert.match(facts, finished ? /<dd>6 done, 0 diverged, 0 failed \(/ : /<dd>6 done, 0 diverged, 0 failed, at most 9 pending \(/);
  }
});

test('report of a grid whose process died: the status and counts of ls and show (stopped, counted from the run folders), not the running record it left', async () => {
  const runsDir = tempRunsDir();
  const runs = Array.from({ length: 4 }, (_, i) => ({ params: { learning_rate: 0.01 * (i + 1) } }));
  // 4 runs recorded of 6; sweep.json as the sweep started: running, nothing done.
  const dir = writeSweep(runsDir, 'g', '20260101-000000-aaaa', runs, { grid_size: 6, status: 'running', counts: { done: 0, diverged: 0, failed: 0, interrupted: 0, pending: 6 } });
  age(dir);
  const listed = capture();
  assert.equal(await lsCommand([], { runsDir }, listed.io), 0);
  assert.match(listed.out.stdout, /stopped .*4\/6 .*2 pending/);
  const reported = capture();
  assert.equal(await reportCommand('g', { runsDir }, reported.io), 0, reported.out.stderr);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  const facts = /<dl class="facts">.*?<\/dl>/s.exec(html)?.[0] ?? '';
  assert.match(facts, /<dt>status<\/dt><dd>stopped<\/dd>/);
  assert.match(facts, /<dt>runs<\/dt><dd>4 done, 0 diverged, 0 failed, 2 pending /);
});
