/**
 * Cleaning a parsed CSV: header, column choice, labels to 0/1, missing values, numbers.
 * Output: a CleanTable (sample-major raw values, NaN where a value will be imputed) plus what was dropped.
 */
import type { CsvDatasetConfig } from './config.js';
import { UserError, type Diagnostic } from '../errors.js';
import type { CsvFile } from './csv.js';
import { OUT_OF_RANGE, columnNames, detectHeader, identifierWarnings, isNumeric, isOutOfRange, looksLikeHeader, resolveColumn, throwOnDuplicateNames } from './columns.js';
import { DatasetSettingsError, dataDiagnostic, dataError, listFirst, q, settingPath, throwIfAny, type SettingProblem } from './problems.js';
import type { CleanTable, DroppedRows } from './types.js';
import { knownDataset } from './registry.js';
import { plural } from '../text.js';

/** How many line numbers a report or message lists. */
export const FIRST_ROWS = 10;

/** The cleaned table and everything the report and the fingerprint need about how it was made. */
export interface CleanedCsv {
  table: CleanTable;
  header: boolean;
  columnNames: string[];
  labelIndex: number;
  featureIndices: number[];
  /** Data records in the file (header and blank lines excluded). */
  rowsRead: number;
  dropped: DroppedRows[];
  /** Per feature: missing cells kept for imputation (mean/median strategies). */
  missing: { count: number; first_rows: number[] }[];
  positive: string[];
  negative: string[];
  warnings: string[];
  /** Resolved settings that determine the cleaned table (part of the fingerprint). */
  settings: Record<string, unknown>;
}

const BAD_VALUE = '\0bad value';

/** A label value as the comparable trimmed string (so 4 and "4" are the same). */
function labelString(v: string | number): string {
  return String(v).trim();
}

/** The key under which label cells count as one value: the number for numeric cells ("2.0" is 2), else the text. */
function labelKey(cell: string): string {
  return isNumeric(cell) ? String(Number(cell)) : cell;
}

/** Label matching: equal trimmed strings, or equal numbers when both are numeric ("4.0" matches 4). */
class LabelSet {
  readonly strings: string[];
  private readonly exact: Set<string>;
  private readonly numbers: Set<number>;
  constructor(values: (string | number)[]) {
    this.strings = [...new Set(values.map(labelString))];
    this.exact = new Set(this.strings);
    this.numbers = new Set(this.strings.filter(isNumeric).map(Number));
  }
  has(cell: string): boolean {
    return this.exact.has(cell) || (this.numbers.size > 0 && isNumeric(cell) && this.numbers.has(Number(cell)));
  }
}

/**
 * Clean a parsed CSV file according to the dataset settings.
 * Rows with a missing label are always dropped; rows with a missing feature are dropped (strategy drop)
 * or kept with NaN for later imputation (mean/median).
 * Throws: DatasetSettingsError listing every problem of the column settings (unknown or ambiguous columns,
 * indices out of range, a column both label and dropped or feature, one listed twice...), or the positive
 * (negative) setting that names no row; UserError for bad label settings
 * (empty positive list, overlapping classes);
 * DiagnosticError (line = 1-based file line, column = 1-based CSV field number) for rows with a wrong
 * number of fields, non-numeric feature values, label values neither positive nor negative, or no rows left.
 */
export function cleanCsv(csv: CsvFile, config: CsvDatasetConfig): CleanedCsv {
  const file = config.path;
  const missingSet = new Set(config.missing_values.map((s) => s.trim()));
  const records = csv.records;
  const header = config.header === 'auto' ? detectHeader(records[0].fields, records[1]?.fields, missingSet) : config.header;
  const count = records[0].fields.length;
  // One line of names and nothing else (auto cannot tell a header from data without a second row).
  if (records.length === 1 && config.header !== false && looksLikeHeader(records[0].fields, missingSet)) {
    throw dataError(file, `the file holds only a header line (${records[0].fields.map((c) => c.trim()).join(', ')}) and no data rows`, {
      line: records[0].line,
      hint: 'add the data rows below the header line',
    });
  }
  const known = config.name !== undefined && !header ? knownDataset(config.name)?.columns : undefined;
  const names = columnNames(count, header ? records[0].fields : undefined, known);
  const named = header || (known !== undefined && known.length === count);
  if (header) throwOnDuplicateNames(file, names, records[0].line);
  const data = header ? records.slice(1) : records;
  if (data.length === 0) {
    throw dataError(file, 'the file has a header row but no data rows', { line: records[0].line });
  }

  // Columns: every problem of the column settings is collected, so one run reports them all.
  const settingProblems: SettingProblem[] = [];
  const problem = (setting: (string | number)[], message: string, extra: Parameters<typeof dataDiagnostic>[2]): void => {
    const d = dataDiagnostic(file, message, extra);
    d.path = settingPath(setting);
    settingProblems.push({ setting, diagnostic: d });
  };
  const column = (ref: string | number, setting: (string | number)[]): number | undefined => {
    const r = resolveColumn(ref, names, named, file);
    if (typeof r === 'number') return r;
    problem(setting, r.message, { expected: r.expected, found: r.found, hint: r.hint });
    return undefined;
  };
  const shown = (j: number): string => `column ${j} ("${names[j]}")`;
  const labelAt = column(config.label, ['label']);
  const dropped = new Set<number>();
  config.drop_columns.forEach((ref, i) => {
    const j = column(ref, ['drop_columns', i]);
    if (j === undefined) return;
    if (j === labelAt) problem(['drop_columns', i], `${shown(j)} is the label column; it cannot be dropped`, { hint: 'remove it from drop_columns (or choose another label column)' });
    else if (dropped.has(j)) problem(['drop_columns', i], `${shown(j)} is listed twice`, { hint: 'remove the second one' });
    else dropped.add(j);
  });
  let featureIndices: number[];
  if (config.features !== undefined) {
    featureIndices = [];
    config.features.forEach((ref, i) => {
      const j = column(ref, ['features', i]);
      if (j === undefined) return;
      if (j === labelAt) problem(['features', i], `${shown(j)} is the label column; it cannot also be a feature`, { hint: 'remove it from features' });
      else if (dropped.has(j)) problem(['features', i], `${shown(j)} is also listed in dataset.drop_columns`, { hint: 'keep it in one of features and drop_columns' });
      else if (featureIndices.includes(j)) problem(['features', i], `${shown(j)} is listed twice`, { hint: 'remove the second one' });
      else featureIndices.push(j);
    });
  } else {
    featureIndices = names.map((_, j) => j).filter((j) => j !== labelAt && !dropped.has(j));
  }
  if (featureIndices.length === 0 && settingProblems.length === 0) {
    const setting = config.features !== undefined ? ['features'] : config.drop_columns.length > 0 ? ['drop_columns'] : ['label'];
    problem(
      setting,
      `no feature columns left in ${file} (label column ${labelAt}, dropped ${[...dropped].join(', ') || 'none'})`,
      { hint: 'keep at least one column besides the label: drop fewer columns, or list features' },
    );
  }
  if (settingProblems.length > 0) throw new DatasetSettingsError(settingProblems);
  const labelIndex = labelAt!;
  const F = featureIndices.length;
  const featureNames = featureIndices.map((j) => names[j]);

  // Labels.
  if (config.positive.length === 0) throw new UserError('dataset.positive: list at least one label value of the positive class, e.g. [4] or ["M"].');
  const positive = new LabelSet(config.positive);
  const negative = config.negative !== undefined && config.negative.length > 0 ? new LabelSet(config.negative) : undefined;
  if (negative) {
    const both = negative.strings.filter((s) => positive.has(s));
    if (both.length > 0) throw new UserError(`dataset.positive and dataset.negative both contain ${both.map(q).join(', ')}; a label value belongs to one class.`);
  }

  // Rows.
  const diagnostics: Diagnostic[] = [];
  const values = new Float64Array(data.length * F);
  const y = new Uint8Array(data.length);
  const lines = new Int32Array(data.length);
  const dropReasons = new Map<string, DroppedRows>();
  const missing = featureNames.map(() => ({ count: 0, first_rows: [] as number[] }));
  const badNumbers = new Map<number, { line: number; cell: string; count: number }>(); // by feature position
  const badLabels = new Map<string, { lines: number[]; count: number }>();
  const positivesSeen = new Set<string>();
  const negativesSeen = new Set<string>();
  // Without dataset.negative the other class is one value: its cells by value, to refuse a third one.
  const implicitNegatives = new Map<string, { cells: Set<string>; lines: number[]; count: number }>();
  const impute = config.missing_strategy !== 'drop';
  const expectedFieldsLine = records[0].line;
  let kept = 0;
  const drop = (reason: string, line: number): void => {
    let d = dropReasons.get(reason);
    if (!d) dropReasons.set(reason, (d = { reason, count: 0, first_rows: [] }));
    d.count++;
    if (d.first_rows.length < FIRST_ROWS) d.first_rows.push(line);
  };

  const sep = config.delimiter === '\t' ? 'tab' : config.delimiter;
  const lastRecord = data[data.length - 1];
  for (const rec of data) {
    const f = rec.fields;
    if (f.length !== count) {
      // The likely cause first: a short last row with no line break after it is a file cut short.
      const cut = f.length < count && rec === lastRecord && csv.endsMidLine === true;
      diagnostics.push(
        dataDiagnostic(file, `row has ${f.length} ${plural(f.length, 'field')}, expected ${count} (as in line ${expectedFieldsLine})${cut ? ': the file ends in the middle of this row' : ''}`, {
          line: rec.line,
          column: f.length > count ? count + 1 : f.length,
          expected: `${count} ${sep === ',' ? 'comma' : `${sep}`}-separated fields`,
          found: `${f.length} fields`,
          hint: cut
            ? 'the file looks cut short (an interrupted download or copy): get the whole file again'
            : f.length > count
              ? `a value containing ${sep === 'tab' ? 'a tab' : `a ${sep}`} must be quoted: "1${config.delimiter}5"`
              : `every row needs ${count} fields: write a missing value as an empty field, e.g. 1${config.delimiter}${config.delimiter}3`,
        }),
      );
      continue;
    }
    const labelCell = f[labelIndex].trim();
    if (missingSet.has(labelCell)) {
      drop('missing label', rec.line);
      continue;
    }
    let label: number;
    if (positive.has(labelCell)) {
      label = 1;
      positivesSeen.add(labelCell);
    } else if (negative ? negative.has(labelCell) : labelCell !== '') {
      label = 0;
      negativesSeen.add(labelCell);
      if (!negative) {
        const key = labelKey(labelCell);
        let v = implicitNegatives.get(key);
        if (!v) implicitNegatives.set(key, (v = { cells: new Set(), lines: [], count: 0 }));
        v.cells.add(labelCell);
        v.count++;
        if (v.lines.length < FIRST_ROWS) v.lines.push(rec.line);
      }
    } else {
      let b = badLabels.get(labelCell);
      if (!b) badLabels.set(labelCell, (b = { lines: [], count: 0 }));
      b.count++;
      if (b.lines.length < FIRST_ROWS) b.lines.push(rec.line);
      continue;
    }
    const base = kept * F;
    let dropReason: string | undefined;
    for (let k = 0; k < F; k++) {
      const cell = f[featureIndices[k]].trim();
      if (missingSet.has(cell)) {
        if (impute) {
          values[base + k] = NaN;
          missing[k].count++;
          if (missing[k].first_rows.length < FIRST_ROWS) missing[k].first_rows.push(rec.line);
        } else if (dropReason === undefined) {
          dropReason = `missing value in ${featureNames[k]}`;
        }
      } else if (isNumeric(cell) && Number.isFinite(Number(cell))) {
        values[base + k] = Number(cell);
      } else {
        const b = badNumbers.get(k);
        if (b) b.count++;
        else badNumbers.set(k, { line: rec.line, cell, count: 1 });
        dropReason = BAD_VALUE; // the row is an error anyway (reported below); keeps it out of the table
      }
    }
    if (dropReason !== undefined) {
      if (dropReason !== BAD_VALUE) drop(dropReason, rec.line);
      continue;
    }
    y[kept] = label;
    lines[kept] = rec.line;
    kept++;
  }

  const markers = [...missingSet].map(q).join(', ');
  for (const [k, b] of badNumbers) {
    const j = featureIndices[k];
    diagnostics.push(
      dataDiagnostic(file, `${isOutOfRange(b.cell) ? 'value' : 'non-numeric value'} ${q(b.cell)} in feature column "${featureNames[k]}" (0-based index ${j})${isOutOfRange(b.cell) ? ` is ${OUT_OF_RANGE}` : ''}${b.count > 1 ? `; ${b.count - 1} more row(s) in this column too` : ''}`, {
        line: b.line,
        column: j + 1,
        expected: `a ${isOutOfRange(b.cell) ? 'finite ' : ''}number${markers ? ` or a missing-value marker (${markers})` : ''}`,
        found: q(b.cell),
        hint: isOutOfRange(b.cell)
          ? `store "${featureNames[k]}" in other units so that its values are finite doubles, or add ${j} to dataset.drop_columns`
          : `if "${featureNames[k]}" is not a feature, add ${j} to dataset.drop_columns; if ${q(b.cell)} marks a missing value, add it to dataset.missing_values`,
      }),
    );
  }
  const declared = `positive (${positive.strings.join(', ')})${negative ? ` nor negative (${negative.strings.join(', ')})` : ''}`;
  for (const [cell, b] of badLabels) {
    diagnostics.push(
      dataDiagnostic(
        file,
        cell === ''
          ? `empty label cell in column "${names[labelIndex]}" on ${b.count} row(s), first at line ${listFirst(b.lines, b.count)}`
          : `label value ${q(cell)} in column "${names[labelIndex]}" is neither ${declared}: ${b.count} row(s), first at line ${listFirst(b.lines, b.count)}`,
        {
          line: b.lines[0],
          column: labelIndex + 1,
          expected: `a label value of the positive class (${positive.strings.map(q).join(', ')})${negative ? ` or of the negative class (${negative.strings.map(q).join(', ')})` : ' or the one other value (the negative class)'}${markers ? `, or a missing-value marker (${markers})` : ''}`,
          found: q(cell),
          hint:
            cell === ''
              ? 'add "" to dataset.missing_values to drop these rows'
              : `add ${q(cell)} to dataset.positive or dataset.negative, or to dataset.missing_values to drop these rows`,
        },
      ),
    );
  }
  // (With no positive row at all, the error below naming the values the column holds says more.)
  if (implicitNegatives.size > 1 && positivesSeen.size > 0) diagnostics.push(extraClassDiagnostic(file, names[labelIndex], labelIndex, positive.strings, implicitNegatives));
  diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throwIfAny(diagnostics);

  const droppedList = [...dropReasons.values()];
  if (kept === 0) {
    throw dataError(file, `no rows left after cleaning: all ${data.length} data rows were dropped (${droppedList.map((d) => `${d.count} ${d.reason}`).join('; ')})`, {
      hint: 'check dataset.missing_values, or impute with dataset.missing_strategy: mean',
    });
  }

  // One class only: name the values the label column holds, rather than let a split come out one-sided.
  if (positivesSeen.size === 0 || negativesSeen.size === 0) {
    const missingClass = positivesSeen.size === 0 ? 'positive' : 'negative';
    const seen = [...positivesSeen, ...negativesSeen].sort();
    // The setting that names no row is the fault: reported at its value in the experiment file (cli/load.ts).
    const setting = missingClass === 'negative' && negative ? 'negative' : 'positive';
    problem(
      [setting],
      `no row is ${missingClass}: dataset.positive is ${positive.strings.map(q).join(', ')}${negative ? ` and dataset.negative ${negative.strings.map(q).join(', ')}` : ''}, and column "${names[labelIndex]}" holds only ${seen.slice(0, 8).map(q).join(', ')}${seen.length > 8 ? `, ... (${seen.length} values)` : ''}`,
      {
        expected: 'label values of both classes',
        found: `only ${missingClass === 'positive' ? 'negative' : 'positive'} rows (${kept})`,
        // A column of one value holds one class whatever positive says: no setting of it can give both classes.
        hint:
          new Set(seen.map(labelKey)).size === 1
            ? `the data has one class only: every row's "${names[labelIndex]}" is ${q(seen[0])}, so no choice of dataset.positive leaves rows of both classes. ` +
              'Use a file that holds rows of both classes, or set dataset.label to the column that holds the classes'
            : `set dataset.positive${negative ? ' and dataset.negative' : ''} to the label values of each class, e.g. positive: [${seen[seen.length - 1] ?? '1'}]`,
      },
    );
    throw new DatasetSettingsError(settingProblems);
  }

  const warnings: string[] = identifierWarnings(featureNames, values.subarray(0, kept * F), kept, featureIndices);
  const unseenPos = positive.strings.filter((s) => ![...positivesSeen].some((c) => new LabelSet([s]).has(c)));
  if (unseenPos.length > 0) warnings.push(`positive label value(s) ${unseenPos.map(q).join(', ')} never occur in column "${names[labelIndex]}"`);
  if (negative) {
    const unseenNeg = negative.strings.filter((s) => ![...negativesSeen].some((c) => new LabelSet([s]).has(c)));
    if (unseenNeg.length > 0) warnings.push(`negative label value(s) ${unseenNeg.map(q).join(', ')} never occur in column "${names[labelIndex]}"`);
  }

  const table: CleanTable = {
    file,
    rows: kept,
    features: F,
    featureNames,
    values: values.subarray(0, kept * F),
    y: y.subarray(0, kept),
    lines: lines.subarray(0, kept),
  };
  return {
    table,
    header,
    columnNames: names,
    labelIndex,
    featureIndices,
    rowsRead: data.length,
    dropped: droppedList,
    missing,
    positive: positive.strings,
    negative: negative ? negative.strings : [...negativesSeen].sort(),
    warnings,
    settings: {
      header,
      label: labelIndex,
      features: featureIndices,
      positive: [...positive.strings].sort(),
      negative: negative ? [...negative.strings].sort() : null,
      missing_values: [...missingSet].sort(),
      missing_strategy: config.missing_strategy,
      // Only when not the default comma, so the fingerprints of comma-separated files stay as they were.
      ...(config.delimiter !== undefined && config.delimiter !== ',' ? { delimiter: config.delimiter } : {}),
    },
  };
}

/**
 * The error for a label column holding more than two classes when dataset.negative is not given: the
 * negative class is then the one value that is not positive, so two or more such values (0/1/2 with
 * positive [2], or a stray 3 among Wisconsin's 2s and 4s) would be merged into it silently.
 * Positioned at the first row of the rarest of those values (the likeliest stray).
 */
function extraClassDiagnostic(
  file: string,
  column: string,
  labelIndex: number,
  positive: string[],
  others: Map<string, { cells: Set<string>; lines: number[]; count: number }>,
): Diagnostic {
  const values = [...others.values()];
  const rarest = values.reduce((a, b) => (b.count < a.count ? b : a));
  const shown = (v: (typeof values)[number]) => [...v.cells].map(q).join(' = ');
  const all = values.map((v) => `${shown(v)} (${v.count} ${plural(v.count, 'row')}, first at line ${listFirst(v.lines, v.count)})`);
  const negatives = values.map((v) => [...v.cells][0]);
  const yaml = (cells: string[]) => `[${cells.map((c) => (isNumeric(c) ? c : q(c))).join(', ')}]`;
  return dataDiagnostic(
    file,
    `label column "${column}" holds ${values.length} values besides the positive ${positive.map(q).join(', ')}: ${all.join(', ')}; without dataset.negative the negative class must be a single value`,
    {
      line: rarest.lines[0],
      column: labelIndex + 1,
      expected: `two classes: the positive ${positive.map(q).join(', ')} and one other value`,
      found: `${values.length} other values: ${values.map(shown).join(', ')}`,
      hint: `if ${shown(rarest)} is a mistake, correct those rows or add ${q([...rarest.cells][0])} to dataset.missing_values to drop them; to count these values as the negative class, set dataset.negative: ${yaml(negatives)}`,
    },
  );
}
