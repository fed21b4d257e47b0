/**
 * Checks of an experiment beyond its JSON Schema: name safety, rules between keys, and the discriminator's
 * spelling (`kind:` everywhere; `method:` gets a did-you-mean).
 */
import { fixedSplitProblems } from '../datasets/config.js';
import type { Node } from 'yaml';
import type { Diagnostic } from '../errors.js';
import { isObject } from '../guards.js';
import { PARAMS, paramSpec } from './params.js';
import { NAME_MAX_LENGTH } from './schema.js';
import { formatPath, type Segments, type Source } from './source.js';

/**
 * What the schema cannot express: a safe experiment name, a parameter both fixed and an axis, parameters without
 * a default, fixed split ranges (reversed, overlapping), generator feature counts. Looks only at the parts that
 * have the right shape (the schema reports the rest). Returns errors and warnings, positioned. Throws: nothing.
 */
export function semanticChecks(data: Record<string, unknown>, src: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (segs: Segments, node: Node | undefined, fields: Partial<Diagnostic> & { message: string }): void => {
    out.push({ severity: 'error', file: src.file, path: formatPath(segs), ...src.at(node), ...fields });
  };

  // name: a safe single path segment.
  if (typeof data.name === 'string') {
    const reasons = unsafeNameReasons(data.name);
    if (reasons.length > 0) {
      err(['name'], src.nodeAt(['name']), {
        message: `unsafe experiment name: ${reasons.join('; ')}`,
        expected: `a folder name: 1-${NAME_MAX_LENGTH} characters, no /, \\, : or control characters, not starting with .`,
        found: src.found(src.nodeAt(['name'])),
        hint: `the name is the folder under runs/; use e.g. name: ${safeName(data.name)}`,
      });
    }
  }

  // A parameter is fixed or an axis, never both.
  if (isObject(data.fixed) && isObject(data.grid)) {
    for (const k of Object.keys(data.grid)) {
      if (!paramSpec(k) || !Object.prototype.hasOwnProperty.call(data.fixed, k)) continue;
      const fixedKey = src.keyNodeAt(['fixed', k]);
      const fixedLine = fixedKey?.range ? src.position(fixedKey.range[0]).line : undefined;
      err(['grid', k], src.keyNodeAt(['grid', k]), {
        message: `\`${k}\` is both a grid axis and fixed (fixed.${k}${fixedLine ? ` on line ${fixedLine}` : ''})`,
        hint: `keep one: remove fixed.${k} to sweep it, or remove grid.${k} to hold it at ${src.spelling(src.nodeAt(['fixed', k]))}`,
      });
    }
  }

  // Parameters without a default must be given.
  for (const p of PARAMS) {
    if (p.default !== undefined) continue;
    const given = (isObject(data.fixed) && p.name in data.fixed) || (isObject(data.grid) && p.name in data.grid);
    if (!given) {
      err([], src.doc.contents as Node, {
        message: `parameter \`${p.name}\` has no default: give it under fixed: or grid:`,
        hint: `e.g.\nfixed:\n  ${p.name}: ${p.example}`,
      });
    }
  }

  // Dataset details.
  const ds = data.dataset;
  if (isObject(ds)) {
    const split = ds.split;
    if (isObject(split) && split.kind === 'fixed' && isRange(split.train) && isRange(split.validation)) {
      for (const p of fixedSplitProblems(split.train, split.validation)) {
        const segs: Segments = ['dataset', 'split', p.field];
        err(segs, src.nodeAt(segs), {
          message: p.message,
          ...(p.message.startsWith('row range is reversed') ? { expected: '[first, last] with first ≤ last (both inclusive)' } : {}),
          found: src.found(src.nodeAt(segs)),
          hint: p.hint,
        });
      }
    }
    const syn = ds.synthetic;
    if (isObject(syn) && (syn.kind === 'xor' || syn.kind === 'circles') && typeof syn.features === 'number' && syn.features < 2) {
      const segs: Segments = ['dataset', 'synthetic', 'features'];
      err(segs, src.nodeAt(segs), {
        message: `${syn.kind} data needs at least 2 features`,
        expected: 'an integer ≥ 2',
        found: src.found(src.nodeAt(segs)),
      });
    }
  }
  return out;
}

function isRange(x: unknown): x is [number, number] {
  return Array.isArray(x) && x.length === 2 && x.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0);
}

/** Why a name is not a safe single path segment ([] when it is). */
export function unsafeNameReasons(name: string): string[] {
  const reasons: string[] = [];
  if (name.length === 0) reasons.push('it is empty');
  // File systems limit names in bytes (255 on most); 100 bytes of UTF-8 leaves room and fits everywhere.
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > NAME_MAX_LENGTH) {
    reasons.push(
      bytes === name.length
        ? `it is ${name.length} characters long (at most ${NAME_MAX_LENGTH})`
        : `it takes ${bytes} bytes in UTF-8 (at most ${NAME_MAX_LENGTH}; a non-ASCII character takes 2 to 4)`,
    );
  }
  const bad = [...new Set([...name].filter((c) => c === '/' || c === '\\' || c === ':'))];
  if (bad.length) reasons.push(`it contains ${bad.map((c) => `\`${c}\``).join(', ')}`);
  if (/[\u0000-\u001f\u007f]/.test(name)) reasons.push('it contains control characters');
  if (name === '.' || name === '..') reasons.push(`\`${name}\` is not a folder name`);
  else if (name.startsWith('.')) reasons.push('it starts with `.` (a hidden folder)');
  return reasons;
}

/** A safe variant of an unsafe name: unsafe characters become `-`, leading dots go, at most 100 characters. */
export function safeName(name: string): string {
  const s = name
    .replace(/[/\\:\u0000-\u001f\u007f]+/g, '-')
    .replace(/^[.\s-]+/, '')
    .slice(0, NAME_MAX_LENGTH)
    .replace(/[\s-]+$/, '');
  return s === '' ? 'my-experiment' : s;
}


// ---------------------------------------------------------------------------------------------------------------
// One word for the discriminator

/** The spelling of the discriminator that `kind` replaced (split and normalize used it). */
const OLD_DISCRIMINATOR = 'method';

/** Paths of every option object whose form is named by `kind:` in this document. */
function discriminatedPaths(data: Record<string, unknown>): Segments[] {
  const out: Segments[] = [];
  if (isObject(data.dataset)) for (const k of ['split', 'normalize', 'synthetic']) out.push(['dataset', k]);
  const kindParams = PARAMS.filter((p) => JSON.stringify(p.schema).includes('"kind":{"const"')).map((p) => p.name);
  for (const name of kindParams) {
    out.push(['fixed', name]);
    const axis = isObject(data.grid) ? data.grid[name] : undefined;
    if (Array.isArray(axis)) axis.forEach((_, i) => out.push(['grid', name, i]));
  }
  return out;
}

function valueAt(data: unknown, segs: Segments): unknown {
  let cur = data;
  for (const s of segs) {
    if (isObject(cur) && typeof s === 'string') cur = cur[s];
    else if (Array.isArray(cur) && typeof s === 'number') cur = cur[s];
    else return undefined;
  }
  return cur;
}

/**
 * `method:` where the discriminator `kind:` belongs (split, normalize, synthetic, lr_schedule): one positioned
 * error per object naming the right key, and a copy of the data with the key renamed, so that the schema
 * reports only what else is wrong. Throws: nothing.
 */
export function discriminatorSpelling(data: Record<string, unknown>, src: Source): { diagnostics: Diagnostic[]; data: Record<string, unknown> } {
  const diagnostics: Diagnostic[] = [];
  let patched: Record<string, unknown> | undefined;
  for (const segs of discriminatedPaths(data)) {
    const obj = valueAt(data, segs);
    if (!isObject(obj) || !(OLD_DISCRIMINATOR in obj) || 'kind' in obj) continue;
    const keySegs = [...segs, OLD_DISCRIMINATOR];
    const value = obj[OLD_DISCRIMINATOR];
    diagnostics.push({
      severity: 'error',
      file: src.file,
      path: formatPath(keySegs),
      message: `unknown key \`${OLD_DISCRIMINATOR}\`: the form of ${formatPath(segs.filter((s) => typeof s === 'string').slice(-1))} is named by \`kind\``,
      found: src.found(src.keyNodeAt(keySegs)),
      hint: `did you mean \`kind\`? write \`kind: ${typeof value === 'string' ? value : '...'}\` (every option object with several forms uses kind:)`,
      ...src.at(src.keyNodeAt(keySegs)),
    });
    patched ??= structuredClone(data);
    const target = valueAt(patched, segs) as Record<string, unknown>;
    const renamed = Object.fromEntries(Object.entries(target).map(([k, v]) => [k === OLD_DISCRIMINATOR ? 'kind' : k, v]));
    for (const k of Object.keys(target)) delete target[k];
    Object.assign(target, renamed);
  }
  return { diagnostics, data: patched ?? data };
}
