/**
 * The experiment schema's validator, compiled once. `npm run build` writes it as standalone code
 * (dist/src/experiment/schema-validator.cjs, by write-validator.ts) so that a run does not spend a fifth of a
 * second compiling the schema at start-up; without that file it is compiled here, with the same options.
 */
import { createHash } from 'node:crypto';
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
  try {
    // CommonJS: ajv's standalone code requires its runtime helpers.
    const mod = (await import(new URL('./schema-validator.cjs', import.meta.url).href)) as { default: ValidateFunction & { schemaHash?: string } };
    // Compiled from an older schema (tsc run without the build's last step): compile the current one.
    if (mod.default.schemaHash !== schemaHash()) return (await compileValidator()).validate;
    return mod.default;
  } catch (e) {
    // Only a missing file (tsc run without the build step) falls back; anything else is a broken build.
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    return (await compileValidator()).validate;
  }
}

/** The validator: precompiled when the build wrote it, else compiled now. */
export const validateExperimentSchema: ValidateFunction = await loadValidator();
