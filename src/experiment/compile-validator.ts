/**
 * The experiment schema's validator, compiled once. `npm run build` writes it as standalone code
 * (dist/src/experiment/schema-validator.cjs, by write-validator.ts) so that a run does not spend a fifth of a
 * second compiling the schema at start-up; without that file it is compiled here, with the same options.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, ValidateFunction } from 'ajv';
import { experimentSchema } from './schema.js';

/** sha256 of the schema the validator was compiled from: a precompiled validator of another schema is stale. */
export function schemaHash(): string {
  return createHash('sha256').update(JSON.stringify(experimentSchema())).digest('hex');
}

/** Ajv's options for the experiment schema: every error at once, strict schema, errors carry their schema. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;

/**
 * Compile the experiment schema with AJV_OPTIONS (and `extra`, e.g. code generation options). Ajv's
 * compiler is imported here, on demand: a normal run only loads the precompiled validator.
 */
export async function compileValidator(extra: Record<string, unknown> = {}): Promise<{ ajv: Ajv; validate: ValidateFunction }> {
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  return { ajv, validate: ajv.compile(experimentSchema()) };
}

async function loadValidator(): Promise<ValidateFunction> {
  const file = fileURLToPath(new URL('./schema-validator.cjs', import.meta.url));
  // Missing when tsc ran without the build's last step: compile the schema now.
  if (!existsSync(file)) return (await compileValidator()).validate;
  // CommonJS (ajv's standalone code requires its runtime helpers), loaded with require(): import() would
  // first scan its 300 kB for exports, a third of a start-up's module loading.
  const mod = createRequire(import.meta.url)(file) as { default: ValidateFunction & { schemaHash?: string } };
  // Compiled from an older schema (tsc run without the build's last step): compile the current one.
  if (mod.default.schemaHash !== schemaHash()) return (await compileValidator()).validate;
  return mod.default;
}

/** The validator: precompiled when the build wrote it, else compiled now. */
export const validateExperimentSchema: ValidateFunction = await loadValidator();
