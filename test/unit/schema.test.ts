import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { experimentSchema, experimentSchemaText } from '../../src/experiment/schema.js';
import { PARAMS } from '../../src/experiment/params.js';

type Schema = Record<string, unknown>;

/** Every subschema with its JSON-pointer-ish location. */
function* walk(s: unknown, at: string): Generator<[string, Schema]> {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return;
  const schema = s as Schema;
  yield [at, schema];
  if (typeof schema.properties === 'object' && schema.properties !== null) {
    for (const [k, v] of Object.entries(schema.properties)) yield* walk(v, `${at}/properties/${k}`);
  }
  if (schema.items) yield* walk(schema.items, `${at}/items`);
  for (const comb of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[comb];
    if (Array.isArray(branches)) for (const [i, b] of branches.entries()) yield* walk(b, `${at}/${comb}/${i}`);
  }
}

test('the committed schema/experiment.schema.json equals the generated one', () => {
  const file = path.resolve(process.cwd(), 'schema/experiment.schema.json');
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    assert.fail(`${file} is missing: run \`npm run build && npm run schema\` and commit it`);
  }
  assert.ok(
    committed === experimentSchemaText(),
    'schema/experiment.schema.json is out of date: run `npm run build && npm run schema` and commit the result',
  );
});

test('every property has a description', () => {
  const missing: string[] = [];
  let count = 0;
  for (const [at, s] of walk(experimentSchema(), '#')) {
    if (typeof s.properties !== 'object' || s.properties === null) continue;
    for (const [k, v] of Object.entries(s.properties as Record<string, Schema>)) {
      count++;
      if (typeof v.description !== 'string' || v.description.trim() === '') missing.push(`${at}/properties/${k}`);
    }
  }
  assert.ok(count > 40, `walked only ${count} properties`);
  assert.deepEqual(missing, []);
});

test('objects reject unknown keys everywhere', () => {
  const open: string[] = [];
  for (const [at, s] of walk(experimentSchema(), '#')) {
    const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
    if (isObject && s.additionalProperties !== false) open.push(at);
  }
  assert.deepEqual(open, []);
});

test('draft-07 with $id and title; fixed and grid follow the parameter table', () => {
  const s = experimentSchema() as Schema & { properties: Record<string, Schema & { properties: Record<string, Schema> }> };
  assert.equal(s.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.match(String(s.$id), /^https:\/\/.+\/experiment\.schema\.json$/);
  assert.equal(typeof s.title, 'string');
  assert.deepEqual(Object.keys(s.properties.fixed.properties), PARAMS.map((p) => p.name));
  assert.deepEqual(Object.keys(s.properties.grid.properties), PARAMS.map((p) => p.name));
  for (const p of PARAMS) {
    assert.equal(s.properties.fixed.properties[p.name].description, p.description);
    assert.deepEqual(s.properties.grid.properties[p.name].items, p.schema);
    assert.equal(s.properties.grid.properties[p.name].minItems, 1);
  }
});

test('the build precompiles the schema validator, and it judges like a freshly compiled one', async () => {
  const { existsSync } = await import('node:fs');
  const { compileValidator, validateExperimentSchema } = await import('../../src/experiment/compile-validator.js');
  const file = new URL('../../src/experiment/schema-validator.cjs', import.meta.url);
  assert.ok(existsSync(file), 'npm run build writes dist/src/experiment/schema-validator.cjs');
  const precompiled = (await import(file.href)).default;
  assert.equal(validateExperimentSchema, precompiled);
  const fresh = (await compileValidator()).validate;
  const docs: unknown[] = [
    { name: 'x', dataset: 'wisconsin', grid: { learning_rate: [0.01, 0.07] } },
    { name: 'x', dataset: 'wisconsin', grid: { learnig_rate: [0.01] } },
    { name: 'x', dataset: 'wisconsin', fixed: { iterations: -1, init: 'lecun' } },
    { dataset: { path: 'a.csv' } },
  ];
  for (const doc of docs) {
    assert.equal(precompiled(doc), fresh(doc));
    const strip = (errors: { instancePath: string; keyword: string; params: unknown }[] | null | undefined) =>
      (errors ?? []).map((e) => [e.instancePath, e.keyword, JSON.stringify(e.params)].join(' ')).sort();
    assert.deepEqual(strip(precompiled.errors), strip(fresh.errors));
  }
});
