/**
 * Write schema/experiment.schema.json from experimentSchema() (run: npm run build && npm run schema).
 * A unit test fails when the committed file differs from the generated one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { experimentSchemaText } from './schema.js';

// This file runs from dist/src/experiment/: the repository root is three levels up.
const target = fileURLToPath(new URL('../../../schema/experiment.schema.json', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, experimentSchemaText());
console.log(`wrote ${target}`);
