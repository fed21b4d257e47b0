/**
 * Build step: write the experiment schema's validator as standalone ES module code next to this file
 * (dist/src/experiment/schema-validator.cjs). Run by `npm run build` after tsc.
 */
import { writeFileSync } from 'node:fs';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { compileValidator, schemaHash } from './compile-validator.js';

const { ajv, validate } = await compileValidator({ code: { source: true } });
const code = (standaloneCode as unknown as { default: typeof standaloneCode }).default ?? standaloneCode;
const source = (code as unknown as (a: typeof ajv, v: typeof validate) => string)(ajv, validate);
// The hash lets the loader notice a validator compiled from another version of the schema.
writeFileSync(new URL('./schema-validator.cjs', import.meta.url), `${source}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash())};\n`);
