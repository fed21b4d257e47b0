/**
 * The folders of src/ keep a one-way order: no file imports, directly or through others, a file that imports it.
 * madge reads the TypeScript sources (type-only imports included) and lists every cycle.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from '../helpers/cli.js';

interface MadgeResult {
  circular(): string[][];
  obj(): Record<string, string[]>;
}
type Madge = (path: string, config: Record<string, unknown>) => Promise<MadgeResult>;

const madge = createRequire(import.meta.url)('madge') as Madge;

async function graph(): Promise<MadgeResult> {
  return madge(join(REPO, 'src'), {
    fileExtensions: ['ts'],
    tsConfig: join(REPO, 'tsconfig.json'),
    // Type-only imports count: a cycle of types is still a cycle between files.
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
}

test('no import cycle between files of src/', async () => {
  const result = await graph();
  // The graph must have been read (a wrong path would find no file and no cycle).
  assert.ok(Object.keys(result.obj()).length > 50, 'madge found the source files');
  const cycles = result.circular();
  assert.deepEqual(cycles.map((c) => c.join(' -> ')), []);
});

test('datasets/ imports nothing from experiment/', async () => {
  const deps = (await graph()).obj();
  const wrong = Object.entries(deps).flatMap(([file, imports]) =>
    file.startsWith('datasets/') ? imports.filter((i) => i.startsWith('experiment/')).map((i) => `${file} -> ${i}`) : [],
  );
  assert.deepEqual(wrong, []);
});
