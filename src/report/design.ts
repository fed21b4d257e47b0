/**
 * The grid of a sweep, read back from its saved experiment file (the last extension's, else experiment.yaml): every axis with all its
 * values, and the fixed parameters as written. Tables and the report of a sweep that is not finished (or
 * lost runs) describe the grid from here, not from the runs recorded so far, which may cover one value of
 * an axis only.
 */
import { readFileSync } from 'node:fs';
import { parseExperiment } from '../experiment/index.js';
import { CORE_PARAMS, paramSpec } from '../experiment/params.js';
import type { Experiment, ParamValue } from '../experiment/types.js';
import { currentExperimentPath } from '../store/paths.js';
import { hasRungs } from '../search/method.js';
import { rungs } from '../search/halving.js';
import { equalValues, paramOrder } from './columns.js';
import { formatParam } from './format.js';

/** A sweep's grid: its axes (two values or more) and its fixed parameters (one-value axes included). */
export interface SweepDesign {
  /**
   * Axes with several values, in parameter-table order; values in file order (the order a grid runs them in,
   * and the one quasirandom draws choices by) with the user's spelling.
   */
  axes: { name: string; values: { value: ParamValue; text: string }[] }[];
  /**
   * Parameters that are the same in every run, as written: fixed ones given in the file or among the
   * study's parameters (CORE_PARAMS; others at their default are left out), and one-value axes.
   */
  fixed: { name: string; value: ParamValue; text: string }[];
  /**
   * A search's method (undefined for a grid) and its numeric searched axes, each as its distribution with
   * its bounds as the file and plan write it (`learning_rate {log_uniform: [1.0e-3, 1.0]}`), plus `iterations` as the rungs of halving, asha and hyperband:
   * what each run draws or reaches, never a fixed value.
   */
  method?: string;
  searched: { name: string; text: string }[];
}

/** The design of a validated experiment (see SweepDesign). */
export function designOf(exp: Pick<Experiment, 'axes' | 'fixed' | 'fixedSpellings'> & Partial<Pick<Experiment, 'search'>>): SweepDesign {
  const axes: SweepDesign['axes'] = [];
  const fixed: SweepDesign['fixed'] = [];
  const searched: SweepDesign['searched'] = [];
  const search = exp.search;
  const searchedText = new Map<string, string>();
  for (const a of search?.axes ?? []) {
    const d = a.distribution;
    if (d.kind !== 'categorical') {
      // As the file and plan write it ({log_uniform: [1.0e-3, 1.0]}: 1.0e-3 stays 1.0e-3), as show writes every other value.
      const written = search?.spellings[a.name];
      searchedText.set(a.name, written && written.startsWith('{') ? written : `{${d.kind}: [${formatParam(d.low)}, ${formatParam(d.high)}]}`);
    }
  }
  if (search && hasRungs(search.settings.method)) {
    const s = search.settings;
    searchedText.set('iterations', `rungs ${rungs(s.minIterations, s.maxIterations, s.reductionFactor).join(', ')}`);
  }
  const axisByName = new Map(exp.axes.map((a) => [a.name, a]));
  for (const name of paramOrder([...exp.axes.map((a) => a.name), ...Object.keys(exp.fixed), ...searchedText.keys()])) {
    const axis = axisByName.get(name);
    const drawn = searchedText.get(name);
    if (drawn !== undefined) {
      if (!searched.some((x) => x.name === name)) searched.push({ name, text: drawn });
      continue;
    }
    if (axis && axis.values.length > 1) {
      const values = axis.values.map((value, i) => ({ value, text: formatParam(value, axis.spellings[i]) }));
      axes.push({ name, values });
    } else if (axis) {
      fixed.push({ name, value: axis.values[0], text: formatParam(axis.values[0], axis.spellings[0]) });
    } else {
      const value = exp.fixed[name];
      const spec = paramSpec(name);
      const atDefault = spec !== undefined && spec.default !== undefined && equalValues(value, spec.default);
      if (!atDefault || CORE_PARAMS.includes(name)) {
        fixed.push({ name, value, text: formatParam(value, exp.fixedSpellings[name]) });
      }
    }
  }
  return { axes, fixed, method: search?.settings.method, searched };
}

/**
 * The design of the sweep in `sweepDir`, from its experiment.yaml; undefined when that file is missing or
 * no longer valid (an experiment saved by an older version), in which case callers describe the grid from
 * the runs. Throws: nothing.
 */
export function readDesign(sweepDir: string): SweepDesign | undefined {
  try {
    const file = currentExperimentPath(sweepDir);
    return designOf(parseExperiment(readFileSync(file, 'utf8'), file, { cwd: sweepDir }));
  } catch {
    return undefined;
  }
}

/**
 * The design of the sweep in `sweepDir` that is running experiment `exp` (as loaded): designOf(exp) when the
 * experiment file the sweep keeps (currentExperimentPath) holds exp's text, which readDesign would parse to the
 * same axes, fixed parameters and search (they come from the text alone); otherwise (a resume whose saved
 * file is spelled otherwise, an extended sweep) readDesign. Throws: nothing.
 */
export function sweepDesign(sweepDir: string, exp: Experiment): SweepDesign | undefined {
  try {
    if (readFileSync(currentExperimentPath(sweepDir), 'utf8') === exp.text) return designOf(exp);
  } catch {
    // unreadable: readDesign says undefined
  }
  return readDesign(sweepDir);
}
