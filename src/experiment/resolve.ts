/**
 * Resolving a valid experiment document into typed parts: grid axes (file order, values completed with their
 * defaults, duplicates removed with a warning), fixed values, and the dataset configuration (registry presets,
 * defaults from DATASET_DEFAULTS).
 */
import path from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { DATASET_DEFAULTS, type CsvDatasetConfig, type DatasetConfig, type NormalizeConfig, type SplitConfig, type SyntheticGenerator } from '../datasets/config.js';
import { knownDataset } from '../datasets/registry.js';
import type { Diagnostic } from '../errors.js';
import { isObject } from '../guards.js';
import { paramSpec } from './params.js';
import { formatPath, type Segments, type Source } from './source.js';
import type { Axis, ParamValue } from './types.js';
import { canonicalJson } from '../canonical-json.js';
import { clip } from '../text.js';

type Obj = Record<string, unknown>;

/** The grid's keys in the order of the file (the order of the axes). */
export function gridKeysInFileOrder(src: Source, grid: Obj): string[] {
  const node = src.nodeAt(['grid']);
  if (isMap(node)) {
    const keys = node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter((k) => k in grid);
    return [...new Set(keys)];
  }
  return Object.keys(grid);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return false;
}

/** A parameter value with the defaults of its omitted fields filled in (ParamSpec.complete), else as is. */
export function completeValue(name: string, v: ParamValue): ParamValue {
  const complete = paramSpec(name)?.complete;
  return complete ? complete(v) : v;
}

/** One axis from its valid values: completed, duplicates removed with a warning, spellings kept. */
export function buildAxis(name: string, raw: ParamValue[], src: Source, warnings: Diagnostic[]): Axis {
  const node = src.nodeAt(['grid', name]);
  const items = isSeq(node) ? (node.items as Node[]) : [];
  const values: ParamValue[] = [];
  const spellings: string[] = [];
  const firstIndex: number[] = [];
  // Values by their canonical JSON (equal exactly when sameValue holds), so that an axis of 100,000 values is
  // checked in linear time; a value without one (none after validation) is compared with each kept value.
  const seen = new Map<string, number>();
  // Completed first, so that `{kind: cosine}` and `{kind: cosine, min_learning_rate: 0}` are found equal.
  raw.map((v) => completeValue(name, v)).forEach((v, i) => {
    const spelling = src.spelling(items[i]);
    let key: string | undefined;
    try {
      key = canonicalJson(v);
    } catch {
      key = undefined;
    }
    const k = key !== undefined ? (seen.get(key) ?? -1) : values.findIndex((u) => sameValue(u, v));
    if (k >= 0) {
      const segs: Segments = ['grid', name, i];
      warnings.push({
        severity: 'warning',
        file: src.file,
        path: formatPath(segs),
        message: `duplicate value \`${clip(spelling)}\` on axis ${name} (equal to \`${clip(spellings[k])}\`, ${formatPath(['grid', name, firstIndex[k]])}): removed`,
        hint: 'each value of an axis is run once; remove the duplicate',
        ...src.at(items[i]),
      });
      return;
    }
    if (key !== undefined) seen.set(key, values.length);
    values.push(v);
    spellings.push(spelling);
    firstIndex.push(i);
  });
  return { name, values, spellings };
}

function fillSplit(s: Obj): SplitConfig {
  switch (s.kind) {
    case 'fixed':
      return {
        kind: 'fixed',
        train: [...(s.train as [number, number])],
        validation: [...(s.validation as [number, number])],
        ...(Array.isArray(s.test) ? { test: [...(s.test as [number, number])] as [number, number] } : {}),
      };
    case 'kfold':
      return { kind: 'kfold', k: s.k as number, ...DATASET_DEFAULTS.kfold, ...pick(s, ['stratify', 'seed', 'test_fraction']) };
    default:
      return { kind: 'holdout', ...DATASET_DEFAULTS.holdout, ...pick(s, ['validation_fraction', 'stratify', 'seed', 'test_fraction']) };
  }
}

/** The fields of `o` named in `keys` that are given (not undefined). */
function pick(o: Obj, keys: string[]): Obj {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

function fillNormalize(n: unknown, base: NormalizeConfig): NormalizeConfig {
  return { ...base, ...(isObject(n) ? (n as Partial<NormalizeConfig>) : {}) };
}

function fillSplitOr(s: unknown): SplitConfig {
  return isObject(s) ? fillSplit(s) : structuredClone(DATASET_DEFAULTS.split);
}

const CSV_FIELDS = ['header', 'delimiter', 'label', 'positive', 'negative', 'drop_columns', 'features', 'missing_values', 'missing_strategy'] as const;

/**
 * The dataset configuration from a valid `dataset:` value: a known name (its registry preset, the file in
 * `dataDir`), a known name with overrides, a CSV file (`path` relative to `baseDir`) or generated data; omitted
 * fields take DATASET_DEFAULTS. Throws: nothing (the value was validated).
 */
export function resolveDataset(ds: unknown, baseDir: string, dataDir: string): DatasetConfig {
  if (typeof ds === 'string') return knownCsv(ds, {}, dataDir);
  const d = ds as Obj;
  if (isObject(d.synthetic)) {
    const s = d.synthetic;
    return {
      kind: 'synthetic',
      generator: s.kind as SyntheticGenerator,
      samples: s.samples as number,
      features: s.features as number,
      ...DATASET_DEFAULTS.synthetic,
      ...pick(s, ['noise', 'seed']),
      normalize: fillNormalize(d.normalize, DATASET_DEFAULTS.normalize),
      split: fillSplitOr(d.split),
    };
  }
  if (typeof d.name === 'string') return knownCsv(d.name, d, dataDir);
  const defaults = structuredClone(DATASET_DEFAULTS.csv);
  const given = structuredClone(pick(d, ['header', 'delimiter', 'drop_columns', 'missing_values', 'missing_strategy']));
  const out: CsvDatasetConfig = {
    kind: 'csv',
    path: path.resolve(baseDir, d.path as string),
    ...defaults,
    ...given,
    label: d.label as string | number,
    positive: [...(d.positive as (string | number)[])],
    normalize: fillNormalize(d.normalize, DATASET_DEFAULTS.normalize),
    split: fillSplitOr(d.split),
  };
  if (Array.isArray(d.negative)) out.negative = [...(d.negative as (string | number)[])];
  if (Array.isArray(d.features)) out.features = [...(d.features as (string | number)[])];
  return out;
}

function knownCsv(name: string, overrides: Obj, dataDir: string): CsvDatasetConfig {
  const known = knownDataset(name)!;
  const preset = structuredClone(known.preset);
  const out: CsvDatasetConfig = { kind: 'csv', name, path: path.join(dataDir, known.file), ...preset };
  for (const f of CSV_FIELDS) {
    if (overrides[f] !== undefined) (out as unknown as Obj)[f] = structuredClone(overrides[f]);
  }
  if (overrides.normalize !== undefined) out.normalize = fillNormalize(overrides.normalize, preset.normalize);
  if (isObject(overrides.split)) out.split = fillSplit(overrides.split);
  return out;
}
