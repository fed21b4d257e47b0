/**
 * Load, validate and type an experiment file.
 *
 *   parse (yaml, YAML 1.2 core schema) → schema validation (ajv) → checks the schema cannot express
 *   → the typed Experiment (defaults filled, dataset resolved, duplicate grid values removed with a warning).
 *
 * Every problem found is reported at once, as diagnostics with file:line:column, in one DiagnosticError.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node, type YAMLError } from 'yaml';
import { DiagnosticError, UserError, type Diagnostic } from '../errors.js';
import { PARAMS, paramSpec } from './params.js';
import { knownDataset } from './datasets.js';
import { DEFAULT_CURVE_EVERY, NAME_MAX_LENGTH } from './schema.js';
import { formatPath, Source, type Segments } from './source.js';
import { schemaDiagnostics } from './validate.js';
import type {
  Axis,
  CsvDatasetConfig,
  DatasetConfig,
  Experiment,
  NormalizeConfig,
  ParamValue,
  SplitConfig,
} from './types.js';

export interface LoadOptions {
  /** Folder of managed dataset files (e.g. wisconsin-cancer-dataset.csv); default `<cwd>/data`. */
  dataDir?: string;
  /** Base of relative paths (the file argument, dataDir); default process.cwd(). */
  cwd?: string;
}

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const MINIMAL_EXAMPLE = ['name: my-sweep', 'dataset: wisconsin', 'grid:', '  learning_rate: [0.01, 0.1]'].join('\n');

/** Read and parse an experiment file. Throws UserError when the file cannot be read, DiagnosticError when invalid. */
export function loadExperiment(file: string, options: LoadOptions = {}): Experiment {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UserError(
        `experiment file not found: ${file}`,
        `looked for ${abs}. Give the path of a YAML experiment file, e.g. experiments/seed-article.yaml.`,
      );
    }
    if (code === 'EISDIR') {
      throw new UserError(`experiment file not found: ${file} is a folder`, 'give the path of a YAML file inside it, e.g. experiments/seed-article.yaml.');
    }
    throw new UserError(`cannot read experiment file ${file}: ${(e as Error).message}`, 'check the file permissions.');
  }
  return parseExperiment(text, file, options);
}

/** Parse and validate experiment text (no I/O). `file` is used in diagnostics and to resolve relative paths. */
export function parseExperiment(text: string, file: string, options: LoadOptions = {}): Experiment {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const absoluteFile = path.resolve(cwd, file);
  const dataDir = path.resolve(cwd, options.dataDir ?? 'data');

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const src = new Source(text, file, doc, lineCounter);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];

  // 1. YAML syntax. Duplicate keys do not stop the checks; other syntax errors do (the tree may be partial).
  let syntaxBroken = false;
  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') errors.push(duplicateKey(e, src));
    else {
      syntaxBroken = true;
      errors.push(yamlProblem(e, src, 'error'));
    }
  }
  for (const w of doc.warnings) warnings.push(yamlProblem(w, src, 'warning'));
  if (syntaxBroken) throw new DiagnosticError(sortDiagnostics(errors));

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    throw new DiagnosticError([
      {
        severity: 'error',
        file,
        path: '',
        line: 1,
        column: 1,
        message: 'the experiment file is empty',
        hint: `an experiment needs at least a name and a dataset, e.g.\n${MINIMAL_EXAMPLE}`,
      },
    ]);
  }
  if (!isMap(root)) {
    throw new DiagnosticError([
      {
        severity: 'error',
        file,
        path: '',
        message: `the top level must be a mapping of keys (name:, dataset:, grid: ...), not ${isSeq(root) ? 'a list' : 'a single value'}`,
        found: src.found(root),
        hint: `e.g.\n${MINIMAL_EXAMPLE}`,
        ...src.at(root),
      },
    ]);
  }

  let data: Obj;
  try {
    data = doc.toJS({ maxAliasCount: 1000 }) as Obj;
  } catch (e) {
    throw new DiagnosticError([
      { severity: 'error', file, path: '', line: 1, column: 1, message: `cannot read the YAML document: ${(e as Error).message}` },
    ]);
  }

  // 2. The schema, 3. what it cannot express.
  errors.push(...schemaDiagnostics(data, src));
  for (const d of semanticChecks(data, src)) (d.severity === 'error' ? errors : warnings).push(d);
  if (errors.length > 0) throw new DiagnosticError(sortDiagnostics(dedupeDiagnostics(errors)));

  // 4. The typed experiment.
  const grid = isObj(data.grid) ? data.grid : {};
  const fixedIn = isObj(data.fixed) ? data.fixed : {};
  const axes: Axis[] = [];
  for (const name of gridKeysInFileOrder(src, grid)) {
    axes.push(buildAxis(name, grid[name] as ParamValue[], src, warnings));
  }
  const axisNames = new Set(axes.map((a) => a.name));
  const fixed: Record<string, ParamValue> = {};
  const fixedSpellings: Record<string, string> = {};
  for (const p of PARAMS) {
    if (axisNames.has(p.name)) continue;
    if (Object.prototype.hasOwnProperty.call(fixedIn, p.name)) {
      fixed[p.name] = completeValue(p.name, fixedIn[p.name] as ParamValue);
      fixedSpellings[p.name] = src.spelling(src.nodeAt(['fixed', p.name]));
    } else if (p.default !== undefined) {
      fixed[p.name] = structuredClone(p.default);
    }
  }
  const record = isObj(data.record) ? data.record : {};

  const experiment: Experiment = {
    file,
    absoluteFile,
    text,
    name: data.name as string,
    dataset: resolveDataset(data.dataset, path.dirname(absoluteFile), dataDir),
    fixed,
    fixedSpellings,
    axes,
    record: { curve_every: typeof record.curve_every === 'number' ? record.curve_every : DEFAULT_CURVE_EVERY },
    warnings: sortDiagnostics(warnings),
  };
  if (typeof data.description === 'string') experiment.description = data.description;
  if (Array.isArray(data.tags) && data.tags.length) experiment.tags = [...new Set(data.tags as string[])];
  return experiment;
}

// ---------------------------------------------------------------------------------------------------------------
// YAML problems

const YAML_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'the file contains more than one YAML document',
};

const SYNTAX_HINTS: Record<string, string> = {
  BAD_INDENT: 'check the indentation: the keys of one mapping start in the same column (spaces, not tabs)',
  TAB_AS_INDENT: 'YAML indentation uses spaces, not tabs',
  MULTIPLE_DOCS: 'an experiment file holds one YAML document: remove the `---` line',
  MISSING_CHAR: 'a bracket or quote is not closed',
  MULTILINE_IMPLICIT_KEY: 'a key and its `:` must be on one line (is a `:` or a closing quote missing?)',
  BLOCK_AS_IMPLICIT_KEY: 'is a `:` missing, or a value that contains `: ` unquoted?',
  UNEXPECTED_TOKEN: 'check the characters at this position (unquoted `:`, `#`, `[` or `{` in a value need quotes)',
};

function yamlProblem(e: YAMLError, src: Source, severity: 'error' | 'warning'): Diagnostic {
  const message =
    YAML_MESSAGES[e.code] ?? e.message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
  const d: Diagnostic = {
    severity,
    file: src.file,
    path: '',
    message: severity === 'error' ? `YAML syntax error: ${message}` : message,
    ...src.atOffset(e.pos[0], e.pos[1]),
  };
  const hint = /end with an? [\]}]/.test(message)
    ? 'a `[` or `{` opened before this point is not closed (is a `]` or `}` missing?)'
    : SYNTAX_HINTS[e.code];
  if (hint) d.hint = hint;
  return d;
}

function duplicateKey(e: YAMLError, src: Source): Diagnostic {
  let name = '';
  let firstLine: number | undefined;
  let segs: Segments = [];
  visit(src.doc, {
    Map(_key, map, ancestry) {
      const idx = map.items.findIndex((p) => (p.key as Node | null)?.range?.[0] === e.pos[0]);
      if (idx < 0) return undefined;
      const pair = map.items[idx];
      name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const first = map.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
      if (first && first !== pair && (first.key as Node).range) firstLine = src.position((first.key as Node).range![0]).line;
      segs = [...pathOf(ancestry), name];
      return visit.BREAK;
    },
  });
  return {
    severity: 'error',
    file: src.file,
    path: formatPath(segs),
    message: `duplicate key \`${name}\`${firstLine !== undefined ? ` (first given on line ${firstLine})` : ''}`,
    hint: 'each key may appear once in a mapping: keep one of them',
    ...src.atOffset(e.pos[0], e.pos[1]),
  };
}

/** Document path of a visited node from its ancestry (pairs give keys, sequences indices). */
function pathOf(ancestry: readonly unknown[]): Segments {
  const out: Segments = [];
  for (let i = 0; i < ancestry.length; i++) {
    const a = ancestry[i];
    if (isPair(a) && isScalar(a.key)) out.push(String(a.key.value));
    else if (isSeq(a)) {
      const next = ancestry[i + 1];
      const idx = a.items.indexOf(next as never);
      if (idx >= 0) out.push(idx);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks beyond the schema. They look only at the parts that have the right shape (the schema reports the rest).

function semanticChecks(data: Obj, src: Source): Diagnostic[] {
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
  if (isObj(data.fixed) && isObj(data.grid)) {
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
    const given = (isObj(data.fixed) && p.name in data.fixed) || (isObj(data.grid) && p.name in data.grid);
    if (!given) {
      err([], src.doc.contents as Node, {
        message: `parameter \`${p.name}\` has no default: give it under fixed: or grid:`,
        hint: `e.g.\nfixed:\n  ${p.name}: ${p.example}`,
      });
    }
  }

  // Dataset details.
  const ds = data.dataset;
  if (isObj(ds)) {
    const split = ds.split;
    if (isObj(split) && split.method === 'fixed') {
      const ranges: [string, unknown][] = [
        ['train', split.train],
        ['validation', split.validation],
      ];
      const ok: [number, number][] = [];
      for (const [k, r] of ranges) {
        if (!isRange(r)) continue;
        if (r[0] > r[1]) {
          const segs: Segments = ['dataset', 'split', k];
          err(segs, src.nodeAt(segs), {
            message: `row range is reversed: the first row (${r[0]}) is after the last (${r[1]})`,
            expected: '[first, last] with first ≤ last (both inclusive)',
            found: src.found(src.nodeAt(segs)),
            hint: `write ${k}: [${r[1]}, ${r[0]}]`,
          });
        } else ok.push(r);
      }
      if (ok.length === 2 && isRange(split.train) && isRange(split.validation)) {
        const [t, v] = [split.train, split.validation];
        if (t[0] <= v[1] && v[0] <= t[1]) {
          const segs: Segments = ['dataset', 'split', 'validation'];
          err(segs, src.nodeAt(segs), {
            severity: 'warning',
            message: `validation rows [${v[0]}, ${v[1]}] overlap the training rows [${t[0]}, ${t[1]}]`,
            hint: 'validation rows must not be trained on: make the ranges disjoint',
          });
        }
      }
    }
    const syn = ds.synthetic;
    if (isObj(syn) && (syn.kind === 'xor' || syn.kind === 'circles') && typeof syn.features === 'number' && syn.features < 2) {
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
// Building the result

function gridKeysInFileOrder(src: Source, grid: Obj): string[] {
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
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return false;
}

/** A parameter value with the defaults of its omitted fields filled in (ParamSpec.complete), else as is. */
function completeValue(name: string, v: ParamValue): ParamValue {
  const complete = paramSpec(name)?.complete;
  return complete ? complete(v) : v;
}

function buildAxis(name: string, raw: ParamValue[], src: Source, warnings: Diagnostic[]): Axis {
  const node = src.nodeAt(['grid', name]);
  const items = isSeq(node) ? (node.items as Node[]) : [];
  const values: ParamValue[] = [];
  const spellings: string[] = [];
  const firstIndex: number[] = [];
  // Completed first, so that `{kind: cosine}` and `{kind: cosine, min_learning_rate: 0}` are found equal.
  raw.map((v) => completeValue(name, v)).forEach((v, i) => {
    const spelling = src.spelling(items[i]);
    const k = values.findIndex((u) => sameValue(u, v));
    if (k >= 0) {
      const segs: Segments = ['grid', name, i];
      warnings.push({
        severity: 'warning',
        file: src.file,
        path: formatPath(segs),
        message: `duplicate value \`${spelling}\` on axis ${name} (equal to \`${spellings[k]}\`, ${formatPath(['grid', name, firstIndex[k]])}): removed`,
        hint: 'each value of an axis is run once; remove the duplicate',
        ...src.at(items[i]),
      });
      return;
    }
    values.push(v);
    spellings.push(spelling);
    firstIndex.push(i);
  });
  return { name, values, spellings };
}

const DEFAULT_NORMALIZE: NormalizeConfig = { method: 'minmax', fit: 'train' };
const DEFAULT_SPLIT: SplitConfig = { method: 'holdout', validation_fraction: 0.2, stratify: true, seed: 0 };

function fillSplit(s: Obj): SplitConfig {
  switch (s.method) {
    case 'fixed':
      return { method: 'fixed', train: [...(s.train as [number, number])], validation: [...(s.validation as [number, number])] };
    case 'kfold':
      return { method: 'kfold', k: s.k as number, stratify: (s.stratify as boolean | undefined) ?? true, seed: (s.seed as number | undefined) ?? 0 };
    default:
      return {
        method: 'holdout',
        validation_fraction: (s.validation_fraction as number | undefined) ?? 0.2,
        stratify: (s.stratify as boolean | undefined) ?? true,
        seed: (s.seed as number | undefined) ?? 0,
      };
  }
}

function fillNormalize(n: unknown, base: NormalizeConfig): NormalizeConfig {
  return { ...base, ...(isObj(n) ? (n as Partial<NormalizeConfig>) : {}) };
}

const CSV_FIELDS = ['header', 'label', 'positive', 'negative', 'drop_columns', 'features', 'missing_values', 'missing_strategy'] as const;

function resolveDataset(ds: unknown, baseDir: string, dataDir: string): DatasetConfig {
  if (typeof ds === 'string') return knownCsv(ds, {}, dataDir);
  const d = ds as Obj;
  if (isObj(d.synthetic)) {
    const s = d.synthetic;
    return {
      kind: 'synthetic',
      generator: s.kind as 'blobs' | 'xor' | 'circles',
      samples: s.samples as number,
      features: s.features as number,
      noise: (s.noise as number | undefined) ?? 0.1,
      seed: (s.seed as number | undefined) ?? 0,
      normalize: fillNormalize(d.normalize, DEFAULT_NORMALIZE),
      split: isObj(d.split) ? fillSplit(d.split) : { ...DEFAULT_SPLIT },
    };
  }
  if (typeof d.name === 'string') return knownCsv(d.name, d, dataDir);
  const out: CsvDatasetConfig = {
    kind: 'csv',
    path: path.resolve(baseDir, d.path as string),
    header: (d.header as 'auto' | boolean | undefined) ?? 'auto',
    label: d.label as string | number,
    positive: [...(d.positive as (string | number)[])],
    drop_columns: [...((d.drop_columns as (string | number)[] | undefined) ?? [])],
    missing_values: [...((d.missing_values as string[] | undefined) ?? ['?', ''])],
    missing_strategy: (d.missing_strategy as CsvDatasetConfig['missing_strategy'] | undefined) ?? 'drop',
    normalize: fillNormalize(d.normalize, DEFAULT_NORMALIZE),
    split: isObj(d.split) ? fillSplit(d.split) : { ...DEFAULT_SPLIT },
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
  if (isObj(overrides.split)) out.split = fillSplit(overrides.split);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

function dedupeDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.line}:${d.column}:${d.path}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
