/**
 * Checks of an experiment beyond its JSON Schema: name safety, rules between keys, and the discriminator's
 * spelling (`kind:` everywhere; `method:` gets a did-you-mean).
 */
import { DATASET_DEFAULTS, fixedSplitProblems } from '../datasets/config.js';
import { knownDataset } from '../datasets/registry.js';
import type { Node } from 'yaml';
import type { Diagnostic } from '../errors.js';
import { isObject } from '../guards.js';
import { networkSizeProblem } from '../train/size.js';
import { MAX_HIDDEN_UNITS, PARAMS, paramSpec } from './params.js';
import { NAME_MAX_BYTES, safeName, unsafeNameReasons } from './names.js';
import { formatPath, type Segments, type Source } from './source.js';
import { firstControlCharacter } from './schema.js';

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
        message: `experiment name cannot be used as a folder under runs/ and in addresses: ${reasons.join('; ')}`,
        expected: `a folder name valid on Windows, macOS and Linux: 1-${NAME_MAX_BYTES} bytes, none of < > : " / \\ | ? * or control characters, not starting with a dot nor ending with a dot or space, not a device name (con, nul, com1...), not shaped like a sweep id (20261129-111502-3fa2), not latest or best, not starting with -`,
        found: src.found(src.nodeAt(['name'])),
        hint: `the name is the folder under runs/; use e.g. name: ${safeName(data.name)}`,
      });
    }
  }

  // description: printed on terminals by ls and show, so no control characters.
  const control = typeof data.description === 'string' ? firstControlCharacter(data.description) : undefined;
  if (control) {
    err(['description'], src.nodeAt(['description']), {
      message: `contains the control character ${control}`,
      expected: 'text without control characters (line feeds and tabs are fine)',
      found: src.found(src.nodeAt(['description'])),
      hint: 'remove it; escapes such as \\e or \\u001b in a double-quoted string write control characters',
    });
  }

  // `grid:` with nothing under it (often axes that lost their indentation): one run of the defaults, said so.
  if ('grid' in data && (data.grid === null || (isObject(data.grid) && Object.keys(data.grid).length === 0))) {
    err(['grid'], src.keyNodeAt(['grid']), {
      severity: 'warning',
      message:
        isObject(data.search) && data.search.method !== undefined && data.search.method !== 'grid'
          ? 'no axes: the search has no parameter to draw, so every trial trains the same configuration'
          : 'no axes: the sweep is one run, every parameter at its default (or its fixed: value)',
      hint: 'list axes indented under grid:, e.g. `  learning_rate: [0.01, 0.1]`, or remove the grid: line',
    });
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
      for (const p of fixedSplitProblems(split.train, split.validation, undefined, isRange(split.test) ? split.test : undefined)) {
        const segs: Segments = ['dataset', 'split', p.field];
        err(segs, src.nodeAt(segs), {
          message: p.message,
          ...(p.message.startsWith('row range is reversed') ? { expected: '[first, last] with first ≤ last (both inclusive)' } : {}),
          found: src.found(src.nodeAt(segs)),
          hint: p.hint,
        });
      }
    }
    // A holdout's test and validation rows come out of the same rows: together they must leave training rows.
    if (isObject(split) && split.kind === 'holdout' && typeof split.test_fraction === 'number') {
      const v = typeof split.validation_fraction === 'number' ? split.validation_fraction : DATASET_DEFAULTS.holdout.validation_fraction;
      if (split.test_fraction + v >= 1) {
        const segs: Segments = ['dataset', 'split', 'test_fraction'];
        err(segs, src.nodeAt(segs), {
          message: `test_fraction ${split.test_fraction} and validation_fraction ${v} leave no training rows`,
          expected: 'test_fraction + validation_fraction < 1',
          found: src.found(src.nodeAt(segs)),
          hint: 'e.g. validation_fraction: 0.2 and test_fraction: 0.2 train on the other 60% of the rows',
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
        hint: `write features: 2 (${syn.kind} reads the first two), or use kind: blobs for one feature`,
      });
    }
  }

  // A known dataset's fixed split counts the rows its own cleaning keeps: keeping other rows moves the ranges.
  if (isObject(ds) && typeof ds.name === 'string' && ds.split === undefined) {
    const known = knownDataset(ds.name);
    const split = known?.preset.split;
    const changed = (['missing_strategy', 'missing_values'] as const).filter(
      (k) => ds[k] !== undefined && JSON.stringify(ds[k]) !== JSON.stringify(known?.preset[k]),
    );
    if (known && split?.kind === 'fixed' && changed.length > 0) {
      const segs: Segments = ['dataset', changed[0]];
      err(segs, src.nodeAt(segs), {
        message:
          `${changed.map((k) => `${k}: ${src.found(src.nodeAt(['dataset', k]))}`).join(' and ')} changes which rows ${known.name} keeps, ` +
          `but its fixed split (train [${split.train.join(', ')}], validation [${split.validation.join(', ')}]) counts the rows of its own cleaning ` +
          `(missing_strategy: ${known.preset.missing_strategy}): the ranges would select other samples, and leave rows in no split`,
        hint: 'give a split for the rows you keep, e.g. split: {kind: holdout, validation_fraction: 0.25} or split: {kind: kfold, k: 5}',
      });
    }
  }

  // Networks too large to allocate, and thresholds that decide nothing.
  const features = inputFeatures(data.dataset);
  for (const [segs, value] of paramValues(data, 'hidden_sizes')) {
    // A layer out of the schema's range already has its own message: one message per value.
    if (!Array.isArray(value) || !value.every((h) => Number.isInteger(h) && h >= 1 && h <= MAX_HIDDEN_UNITS)) continue;
    const problem = networkSizeProblem(features ?? 1, value as number[]);
    if (problem) {
      err(segs, src.nodeAt(segs), {
        message: `network too large: ${problem}${features === undefined ? ' (counting one input feature; the data has at least that)' : ''}`,
        found: src.found(src.nodeAt(segs)),
        hint: 'use fewer or narrower hidden layers',
      });
    }
  }
  for (const [segs, value] of paramValues(data, 'threshold')) {
    if (value !== 0 && value !== 1) continue;
    err(segs, src.nodeAt(segs), {
      severity: 'warning',
      message:
        value === 1
          ? 'threshold 1 predicts nothing positive: a sample is positive when its probability p > threshold, and p ≤ 1 always'
          : 'threshold 0 predicts every sample positive: p > 0 holds for every output of the sigmoid',
      hint: 'thresholds strictly between 0 and 1 separate the classes, e.g. 0.5',
    });
  }
  return out;
}

function isRange(x: unknown): x is [number, number] {
  return Array.isArray(x) && x.length === 2 && x.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0);
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

/** Every value of a parameter in the document, fixed or on the grid, with its path. */
function paramValues(data: Record<string, unknown>, name: string): [Segments, unknown][] {
  const out: [Segments, unknown][] = [];
  if (isObject(data.fixed) && name in data.fixed) out.push([['fixed', name], data.fixed[name]]);
  const axis = isObject(data.grid) ? data.grid[name] : undefined;
  if (Array.isArray(axis)) axis.forEach((v, i) => out.push([['grid', name, i], v]));
  return out;
}

/** The number of input features when the document tells it (a known dataset's preset, generated data). */
function inputFeatures(ds: unknown): number | undefined {
  if (isObject(ds) && isObject(ds.synthetic)) return typeof ds.synthetic.features === 'number' ? ds.synthetic.features : undefined;
  const name = typeof ds === 'string' ? ds : isObject(ds) && typeof ds.name === 'string' ? ds.name : undefined;
  const known = name === undefined ? undefined : knownDataset(name);
  if (!known?.columns || (isObject(ds) && ('features' in ds || 'drop_columns' in ds || 'label' in ds))) return undefined;
  return known.columns.length - 1 - known.preset.drop_columns.length;
}
