/**
 * The JSON Schema (draft-07) of experiment files, built from the parameter table (params.ts) and the
 * dataset part (schema-dataset.ts). Used by the loader (ajv) and written to schema/experiment.schema.json
 * for editors (`# yaml-language-server: $schema=../schema/experiment.schema.json`).
 */
import { NAME_MAX_BYTES } from './names.js';
import { PARAMS } from './params.js';
import { distributionProperties, searchSchema } from './search.js';
import { objectiveSchema } from './objective.js';

export const SCHEMA_ID = 'https://dlsweep.dev/schema/experiment.schema.json';


/**
 * Tags (the experiment file's `tags:` and `dlsweep tag`): 1-64 letters, digits or . _ - : / + = @,
 * starting with a letter or digit; no spaces, so a list of them stays readable.
 */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-:/+=@]{0,63}$/;

/**
 * Control characters refused in free text (an experiment's `description`, `dlsweep note`): ls, show and the
 * tables print that text on a terminal, where ESC sequences would recolour, move the cursor or retitle the
 * window. Line feed and tab stay allowed. C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F).
 */
export const TEXT_CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The first control character of a text as an escape a reader can see (`\u001b`), or undefined. */
export function firstControlCharacter(text: string): string | undefined {
  const m = TEXT_CONTROL_CHARACTER.exec(text);
  return m ? `\\u${m[0].charCodeAt(0).toString(16).padStart(4, '0')}` : undefined;
}

export { DEFAULT_CURVE_EVERY } from './record.js';

import { clone, datasetSchema, type Schema } from './schema-dataset.js';
import { recordSchema } from './record.js';

/** The JSON Schema of experiment files (a fresh object on every call). */
export function experimentSchema(): Schema {
  const fixedProps: Record<string, Schema> = {};
  const gridProps: Record<string, Schema> = {};
  for (const p of PARAMS) {
    fixedProps[p.name] = {
      ...clone(p.schema),
      description: p.description,
      ...(p.default !== undefined ? { default: clone(p.default) } : {}),
    };
    // Numeric parameters also take a distribution (a mapping) for searches; the list keywords apply to lists only.
    const dist = distributionProperties(p);
    gridProps[p.name] = {
      type: dist ? ['array', 'object'] : 'array',
      minItems: 1,
      items: clone(p.schema),
      ...(dist ?? {}),
      description: `Grid axis: candidate values of ${p.name}, e.g. [${p.example}]${dist ? `, or under a search a distribution, e.g. {${Object.keys(dist.properties as object)[0]}: [low, high]}` : ''}. ${p.description}`,
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'dlsweep experiment',
    description:
      'A dlsweep experiment: a dataset, parameters held fixed, and grid axes; `dlsweep run FILE` trains every grid point.',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'dataset'],
    properties: {
      name: {
        type: 'string',
        minLength: 1,
        maxLength: NAME_MAX_BYTES,
        pattern: '^(?!\\.)(?!(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\\.|$))[^<>:"/\\\\|?*\\u0000-\\u001f\\u007f]*[^<>:"/\\\\|?*\\u0000-\\u001f\\u007f. ]$',
        description: `Experiment name, the folder name under runs/, portable to Windows, macOS and Linux: 1-${NAME_MAX_BYTES} bytes of UTF-8, none of < > : " / \\ | ? * or control characters, not starting with a dot nor ending with a dot or a space, not a Windows device name (con, prn, aux, nul, com1-9, lpt1-9), not shaped like a sweep id (20261129-111502-3fa2), which run addresses would read as that sweep, not latest or best (address words, in any case), not starting with - (read as an option).`,
      },
      description: { type: 'string', description: 'Free text describing the experiment (no control characters; line feeds and tabs are fine), recorded in each sweep and shown by ls, show and the report.' },
      tags: {
        type: ['array', 'null'],
        items: { type: 'string', pattern: TAG_PATTERN.source },
        description:
          'Tags of every sweep of this experiment, e.g. [baseline, wisconsin]: recorded in sweep.json, shown by ls, show and compare, usable in filters (ls --tag baseline, --where \'tags has "baseline"\'). Each tag: 1-64 letters, digits or . _ - : / + = @.',
      },
      dataset: datasetSchema(),
      fixed: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: fixedProps,
        description:
          'Parameters held constant: one value each. Parameters neither fixed nor on the grid take their defaults.',
      },
      grid: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: gridProps,
        description:
          'Grid axes: each key a parameter, each value a non-empty list of candidates. Every combination is one run. Empty or absent: a single run.',
      },
      search: searchSchema(),
      objective: objectiveSchema(),
      record: recordSchema() as Schema,
    },
  };
}

/** The text of schema/experiment.schema.json: the schema as 2-space JSON with a final newline. */
export function experimentSchemaText(): string {
  return `${JSON.stringify(experimentSchema(), null, 2)}\n`;
}
