/**
 * Load, validate and type an experiment file.
 *
 *   read and parse (read.ts: YAML 1.2 core schema, positioned YAML diagnostics)
 *   → schema validation (validate.ts: ajv) → checks the schema cannot express (checks.ts)
 *   → the typed Experiment (resolve.ts: defaults filled, dataset resolved, duplicate grid values removed).
 *
 * Every problem found is reported at once, as diagnostics with file:line:column, in one DiagnosticError.
 */
import path from 'node:path';
import { DiagnosticError, type Diagnostic } from '../errors.js';
import { isObject } from '../guards.js';
import { discriminatorSpelling, semanticChecks } from './checks.js';
import { canonicalName } from './names.js';
import { PARAMS } from './params.js';
import { parseYaml, readExperimentText, sortDiagnostics } from './read.js';
import { buildAxis, completeValue, gridKeysInFileOrder, resolveDataset } from './resolve.js';
import { recordChecks, resolveRecord } from './record.js';
import { schemaDiagnostics } from './validate.js';
import { distributionOf, repeatedDrawsWarning, resolveSearch, searchChecks } from './search.js';
import { objectiveChecks, resolveObjective } from './objective.js';
import type { Axis, Experiment, ParamValue } from './types.js';

export { safeName, unsafeNameReasons } from './names.js';

export interface LoadOptions {
  /** Folder of managed dataset files (e.g. wisconsin-cancer-dataset.csv); default `<cwd>/data`. */
  dataDir?: string;
  /** Base of relative paths (the file argument, dataDir); default process.cwd(). */
  cwd?: string;
}

/** Read and parse an experiment file. Throws UserError when the file cannot be read, DiagnosticError when invalid. */
export function loadExperiment(file: string, options: LoadOptions = {}): Experiment {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  return parseExperiment(readExperimentText(file, cwd), file, options);
}

/** Parse and validate experiment text (no I/O). `file` is used in diagnostics and to resolve relative paths. */
export function parseExperiment(text: string, file: string, options: LoadOptions = {}): Experiment {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const absoluteFile = path.resolve(cwd, file);
  const dataDir = path.resolve(cwd, options.dataDir ?? 'data');

  // 1. YAML.
  const parsed = parseYaml(text, file);
  const { src } = parsed;
  const errors: Diagnostic[] = [...parsed.errors];
  const warnings: Diagnostic[] = [...parsed.warnings];

  // 2. The schema, 3. what it cannot express.
  const spelling = discriminatorSpelling(parsed.data, src);
  errors.push(...spelling.diagnostics);
  const data = spelling.data;
  errors.push(...schemaDiagnostics(data, src));
  for (const d of semanticChecks(data, src)) (d.severity === 'error' ? errors : warnings).push(d);
  for (const d of searchChecks(data, src)) (d.severity === 'error' ? errors : warnings).push(d);
  errors.push(...objectiveChecks(data, src));
  errors.push(...recordChecks(data, src));
  // At a value with a foreign tag, the tag is the mistake: what the checks say of the value it became is not.
  const masked = (d: Diagnostic): boolean => !parsed.errors.includes(d) && parsed.masked.some((m) => m === '' || d.path === m || d.path.startsWith(`${m}.`) || d.path.startsWith(`${m}[`));
  if (errors.length > 0) throw new DiagnosticError(sortDiagnostics(dedupeDiagnostics(errors.filter((d) => !masked(d)))));

  // 4. The typed experiment.
  const grid = isObject(data.grid) ? data.grid : {};
  const fixedIn = isObject(data.fixed) ? data.fixed : {};
  const axes: Axis[] = [];
  for (const name of gridKeysInFileOrder(src, grid)) {
    if (distributionOf(grid[name])) continue; // a search's distribution: resolveSearch reads it
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

  const experiment: Experiment = {
    file,
    absoluteFile,
    text,
    name: canonicalName(data.name as string),
    dataset: resolveDataset(data.dataset, path.dirname(absoluteFile), dataDir),
    fixed,
    fixedSpellings,
    axes,
    record: resolveRecord(data.record),
    objective: resolveObjective(data, isObject(data.search) && data.search.method !== undefined && data.search.method !== 'grid'),
    warnings: sortDiagnostics(warnings),
  };
  if (typeof data.description === 'string') experiment.description = data.description;
  if (Array.isArray(data.tags) && data.tags.length) experiment.tags = [...new Set(data.tags as string[])];
  const search = resolveSearch(data, src, axes, fixed, experiment.objective.keys[0].goal);
  if (search) {
    experiment.search = search;
    const repeats = repeatedDrawsWarning(search);
    if (repeats) experiment.warnings = sortDiagnostics([...experiment.warnings, repeats]);
  }
  return experiment;
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
