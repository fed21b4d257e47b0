import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GET_WISCONSIN, skipUnlessPresent } from '../helpers/requirements.js';
import { SHARED_ORACLE, WISCONSIN_CSV, WISCONSIN_ORACLE } from '../helpers/wisconsin.js';

const REPO = process.cwd();

/** Files under dir (recursive), relative to REPO. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [relative(REPO, p)];
  });
}

/** Expand a path pattern whose segments may hold `*` (as sh does), relative to REPO. */
function expand(pattern: string): string[] {
  let paths = [''];
  for (const segment of pattern.split('/').filter(Boolean)) {
    const re = new RegExp('^' + segment.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
    paths = paths.flatMap((p) => {
      const dir = join(REPO, p);
      if (!segment.includes('*')) return existsSync(join(dir, segment)) ? [join(p, segment)] : [];
      if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
      return readdirSync(dir).filter((n) => re.test(n)).map((n) => join(p, n));
    });
  }
  return paths;
}

test('npm test runs every test file and nothing else (no helper, fixture or bench module counted as a test)', () => {
  const script = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.test as string;
  const targets = script.split(/\s+/).filter((w) => w.startsWith('dist/'));
  assert.ok(targets.length > 0, script);
  const run = new Set(targets.flatMap(expand));
  const all = walk(join(REPO, 'dist', 'test')).filter((f) => f.endsWith('.js'));
  const tests = all.filter((f) => f.endsWith('.test.js'));
  // The suite has modules that are not tests: they must exist for this check to mean something.
  const others = all.filter((f) => !f.endsWith('.test.js'));
  assert.ok(others.some((f) => f.includes('/helpers/')) && others.some((f) => f.includes('/bench/')), others.join(', '));
  assert.deepEqual([...run].sort(), tests.sort());
  for (const f of run) assert.match(f, /\.test\.js$/);
});

test('skipUnlessPresent: outside CI an absent file skips the test, naming it; under CI=true the test runs (and fails)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-req-'));
  const present = join(dir, 'present.csv');
  writeFileSync(present, 'x\n');
  const absent = join(dir, 'absent.csv');
  assert.equal(skipUnlessPresent([present], GET_WISCONSIN, {}), false);
  assert.equal(skipUnlessPresent([present, absent], GET_WISCONSIN, {}), `absent: ${absent} (${GET_WISCONSIN})`);
  assert.equal(skipUnlessPresent([present, absent], GET_WISCONSIN, { CI: 'true' }), false);
  assert.equal(skipUnlessPresent([present, absent], GET_WISCONSIN, { CI: 'false' }), `absent: ${absent} (${GET_WISCONSIN})`);
});

test('under CI=true the dataset and the oracle are present (a CI run cannot pass without them)', { skip: process.env.CI !== 'true' && 'checked only under CI=true' }, () => {
  for (const f of [WISCONSIN_CSV, WISCONSIN_ORACLE]) assert.ok(existsSync(f), `${f} is absent: CI needs it (.ci/run copies the dataset from ../shared/data)`);
});

test('the oracle\'s reference values kept in the repository are those of the original oracle', { skip: skipUnlessPresent([SHARED_ORACLE], 'the original oracle lives in ../shared/oracle/') }, () => {
  assert.deepEqual(JSON.parse(readFileSync(WISCONSIN_ORACLE, 'utf8')), JSON.parse(readFileSync(SHARED_ORACLE, 'utf8')));
  // The values the engine is checked against at 1e-9 are in the copy.
  const copy = JSON.parse(readFileSync(WISCONSIN_ORACLE, 'utf8'));
  assert.equal(copy.loss_every_500['0'], 0.673967454691);
  assert.equal(copy.dataset_sha256, '402c585309c399237740f635ef9919dc512cca12cbeb20de5e563a4593f22b64');
});
