/** The runs table of `dlsweep compare` (and of `run`, table.md, `show SWEEP` and report.html): one row per run. */
import { bestFootnote } from '../../sweep/objective.js';
import { counted } from '../../text.js';
import { checkShownColumns, describeSort, sortRows } from '../columns.js';
import { bestOf, differentDataWarning, objectiveOfRow, rowDatasets, rowsObjective, type Row } from '../rows.js';
import { formatMetric, tellsRung } from '../format.js';
import type { TableView, ViewCell, ViewColumn, ViewRow } from '../render.js';
import type { ColumnDef } from '../columns.js';
import { DEFAULT_METRIC_KEYS, SEARCH_COLUMN_KEYS, STOP_COLUMN_KEYS, chosenColumns, drawnDigits, metricCell, prepare, splitParams, statusText, type QueryOptions } from './shared.js';

/**
 * The runs table: --where, --sort, --top, --columns and --only-changed applied (a parameter is "changed"
 * when it differs between the runs kept by --where); a metric sorted by is shown; best rows marked; runs
 * that did not finish listed last with their status. Several sweeps get a sweep column; a parameter a sweep
 * lacks shows `-`. Throws: UserError for a bad option (unknown column, bad expression).
 */
export function runsView(title: string, allRows: Row[], options: QueryOptions = {}): TableView {
  return runsTable(title, allRows, options).view;
}

/** runsView, plus the rows shown in display order. */
export function runsTable(title: string, allRows: Row[], options: QueryOptions = {}): { view: TableView; shown: Row[] } {
  const { defs, rows: filtered, keys } = prepare(allRows, options);
  const sorted = sortRows(filtered, keys);
  // The best by the sweeps' objective, whatever the display order; sweeps on different data (or declaring
  // different objectives) each get their own best, since one global best would compare unlike figures.
  const perDataset = rowDatasets(allRows).length > 1;
  const best = bestOf(filtered);
  const { objective, mixed } = rowsObjective(filtered);
  const shown = options.top !== undefined ? sorted.slice(0, options.top) : sorted;
  // Varying over every kept run, not just the top N: the columns do not depend on --top.
  const byRows = splitParams(sorted, defs);
  // One sweep's table describes its grid from the saved experiment: an axis stays a column, and a fixed
  // line stays fixed, however few of the runs are recorded yet.
  const design = options.design;
  const varying = design ? defs.filter((d) => d.kind === 'param' && (byRows.varying.includes(d) || design.axes.some((a) => a.name === d.key) || design.searched.some((a) => a.name === d.key))) : byRows.varying;
  const fixed = design ? design.fixed.filter((f) => !varying.some((d) => d.key === f.name)).map((f) => ({ name: f.name, value: f.text })) : byRows.fixed;
  // Early stopping: where and why each training ended is part of the default table when any run has it.
  const stopKeys = filtered.some((r) => r.stop?.stopped_at != null) ? STOP_COLUMN_KEYS : [];
  // Searches: the trial of each run, likewise, and its rung under a method with rungs.
  const searchKeys = SEARCH_COLUMN_KEYS.filter((k) => (k === 'rung' ? filtered.some((r) => r.search && tellsRung(r.method)) : filtered.some((r) => r.search)));
  // The objective's metrics are columns too: the star is judged by them (each sweep's own, when mixed).
  const objectiveKeys = [...new Set(filtered.flatMap((r) => objectiveOfRow(r).keys.map((k) => k.metric)))].filter((k) => !DEFAULT_METRIC_KEYS.includes(k));
  const cols = chosenColumns(options.columns, defs, [...searchKeys, ...DEFAULT_METRIC_KEYS, ...objectiveKeys, ...stopKeys]);
  checkShownColumns([...(cols.params ?? []), ...cols.metrics], allRows);
  const params = cols.params ?? (options.onlyChanged === false ? defs.filter((d) => d.kind === 'param') : varying);
  // Tags and notes: tags every row carries go in the notes line; the others, and notes, get a column.
  const common = (sorted[0]?.tags ?? []).filter((t) => sorted.every((r) => r.tags?.includes(t)));
  const sharedTags = common.join(', ');
  if (!cols.params) {
    if (sorted.some((r) => (r.tags ?? []).length > common.length)) params.push(defs.find((d) => d.key === 'tags')!);
    if (sorted.some((r) => r.userNote !== undefined)) params.push(defs.find((d) => d.key === 'note')!);
    // Runs copied from an earlier sweep say where from.
    if (sorted.some((r) => r.reused_from !== undefined)) params.push(defs.find((d) => d.key === 'reused_from')!);
  }
  // A search's drawn numbers: few digits, but as many as the rows shown need to tell them apart.
  const digits = drawnDigits(params, shown);
  const cell = (def: ColumnDef, r: Row): ViewCell => {
    if (def.key !== 'tags' || def.kind !== 'meta' || cols.params) return metricCell(def, r, digits);
    const own = (r.tags ?? []).filter((t) => !common.includes(t));
    return { text: own.length ? own.join(', ') : '-', value: r.tags ?? [] };
  };
  // Every column once: a column added with --columns +NAME that the table shows already (the run, a varying
  // parameter, the tags or note column) keeps its place there.
  // A metric the rows are sorted by is always shown: an order by a hidden column cannot be checked.
  const ordering = keys.filter((k) => k.column.kind === 'metric' && !cols.metrics.includes(k.column)).map((k) => k.column);
  const metrics = [...cols.metrics, ...ordering].filter((m) => m.key !== 'run' && !params.includes(m));
  const placed = (key: string) => params.some((p) => p.key === key) || metrics.some((m) => m.key === key);
  const sweeps = new Set(allRows.map((r) => r.sweep));
  const showSweep = sweeps.size > 1 && !placed('sweep');
  const showDataset = perDataset && !placed('dataset');
  // Unfinished runs get a status column at the end, unless --columns placed one already.
  const showStatus = shown.some((r) => r.status !== 'done') && !placed('status');
  const withStd = metrics.filter((m) => shown.some((r) => r.status === 'done' && r.std[m.key] !== undefined));

  const columns: ViewColumn[] = [
    { key: 'best', label: '' },
    ...(showSweep ? [{ key: 'sweep', label: 'sweep' }] : []),
    ...(showDataset ? [{ key: 'dataset', label: 'dataset' }] : []),
    { key: 'run', label: 'run' },
    ...params.filter((p) => p.key !== 'run').map((p) => ({ key: p.key, label: p.label, align: p.kind === 'meta' && p.type === 'number' ? ('right' as const) : undefined })),
    ...metrics.map((m) => ({ key: m.key, label: m.label, align: 'right' as const })),
    ...withStd.flatMap((m) => [
      { key: `${m.key}.std`, label: `${m.label} std`, only: 'machine' as const },
      { key: `${m.key}.n`, label: `${m.label} n`, only: 'machine' as const },
    ]),
    ...(showStatus ? [{ key: 'status', label: 'status' }] : []),
  ];
  const viewRows: ViewRow[] = shown.map((r) => ({
    best: best.has(r),
    status: r.status,
    run: r.index,
    cells: [
      { text: best.has(r) ? '*' : r.tie?.tied ? '≈' : '', value: best.has(r) },
      ...(showSweep ? [{ text: r.sweep, value: r.sweep }] : []),
      ...(showDataset ? [{ text: r.dataset ?? '-', value: r.dataset }] : []),
      { text: r.folder, value: r.folder },
      ...params.filter((p) => p.key !== 'run').map((p) => cell(p, r)),
      ...metrics.map((m) => metricCell(m, r)),
      ...withStd.flatMap((m) => [
        { text: '', value: r.status === 'done' ? r.std[m.key] : undefined },
        { text: '', value: r.status === 'done' ? (r.n?.[m.key] ?? 1) : undefined },
      ]),
      ...(showStatus ? [{ text: statusText(r), value: r.status }] : []),
    ],
  }));

  const notes: string[] = [];
  if (fixed.length && !cols.params && options.onlyChanged !== false) notes.push(`fixed: ${fixed.map((f) => `${f.name}=${f.value}`).join(', ')}`);
  const dataWarning = differentDataWarning(allRows, 'the best run is marked per dataset');
  if (dataWarning) notes.push(dataWarning);
  if (mixed) notes.push('warning: these sweeps declare different objectives; the best run is marked per objective, and the default order is the default objective');
  if (sharedTags && !cols.params) notes.push(`tags of every run: ${sharedTags}`);
  if (options.where !== undefined) notes.push(`where: ${options.where} (${filtered.length} of ${counted(allRows.length, 'run')})`);
  const footnotes: string[] = [];
  if (best.size) footnotes.push(mixed ? "* best by each sweep's objective" : bestFootnote(objective));
  const finished = sorted.filter((r) => r.status === 'done').length;
  // With a test split the best run's unbiased figures are said under the table (the test rows chose
  // nothing); without one, that its validation figures are optimistic.
  const tested = [...best].filter((r) => r.metrics['test.loss'] != null);
  if (tested.length) footnotes.push(...testEstimateLines(tested));
  else if (best.size && finished > 1) footnotes.push(optimisticNote(finished));
  const tied = sorted.filter((r) => r.tie?.tied && !best.has(r)).length;
  if (tied) {
    footnotes.push(
      `≈ ${tied === 1 ? '1 run is' : `${tied} runs are`} statistically indistinguishable from the best (McNemar's exact test on the same validation rows, p >= 0.05; column tied_with_best)`,
    );
  }
  if (keys.length) footnotes.push(`sorted by ${describeSort(keys)}; unfinished runs last`);
  if (withStd.length) {
    const pooled = [...new Set(shown.flatMap((r) => r.pooled ?? []))].filter((k) => metrics.some((m) => m.key === k));
    // Confusion counts are not means: say so where a count column is shown.
    const counts = metrics.filter((m) => /\.(tn|fp|fn|tp)$/.test(m.key));
    // Said per split, as testFigures says it of test counts: how often each row is counted differs.
    const ks = [...new Set(shown.map((r) => r.n?.['test.loss'] ?? r.n?.['validation.loss']).filter((k) => k !== undefined))];
    const k = ks.length === 1 ? ks[0] : undefined;
    const summed = (['train', 'validation', 'test'] as const)
      .map((split) => [split, counts.filter((m) => m.key.startsWith(`${split}.`))] as const)
      .filter(([, ms]) => ms.length)
      .map(([split, ms]) => `; ${ms.map((m) => m.label).join(', ')}: confusion counts ${summedCounts(split, k)}`)
      .join('');
    footnotes.push(`k-fold runs: mean ± sample standard deviation (n - 1) over the folds${summed}${pooled.length ? `; ${pooled.join(', ')}: from the confusion counts pooled over folds where a fold leaves it undefined` : ''}`);
  }
  if (shown.length < sorted.length) footnotes.push(`top ${shown.length} of ${counted(sorted.length, 'run')}`);
  const n = shown.length;
  // A table cut by --top says of how many: "6 of 40 runs", not "6 runs".
  const summary = n < sorted.length ? `${n} of ${counted(sorted.length, 'run')}` : counted(n, 'run');
  return { view: { kind: 'runs', nameKey: 'run', title, summary, notes, footnotes, columns, rows: viewRows }, shown };
}


/**
 * How a k-fold run's confusion counts of a split add up over its `k` folds (undefined: runs of different k):
 * the one wording of the table's footnote and of the test figures under it.
 */
export function summedCounts(split: 'train' | 'validation' | 'test', k: number | undefined): string {
  if (split === 'validation') return 'summed over the folds: each row once, scored out of fold';
  if (split === 'train') return k === undefined ? "summed over the folds' models: each training row counted k - 1 times" : `summed over the ${k} folds' models: each training row counted ${k - 1} times`;
  return k === undefined ? "summed over the folds' models: each test row counted once per fold" : `summed over the ${k} folds' models: each test row counted ${k} times`;
}

/** The test figures of a run, e.g. `accuracy 0.9780 [0.9452, 0.9915], recall ..., loss 0.0712`. */
export function testFigures(r: Row): string {
  const interval = (k: string) => {
    const lo = r.metrics[`test.${k}_ci_low`];
    const hi = r.metrics[`test.${k}_ci_high`];
    return lo != null && hi != null ? ` [${formatMetric(`test.${k}`, lo)}, ${formatMetric(`test.${k}`, hi)}]` : '';
  };
  const std = (k: string) => (r.std[`test.${k}`] != null ? ` ± ${formatMetric(`test.${k}`, r.std[`test.${k}`])}` : '');
  const parts = ['accuracy', 'recall', 'specificity', 'precision', 'f1', 'roc_auc'].map((k) => `${k === 'roc_auc' ? 'ROC AUC' : k} ${formatMetric(`test.${k}`, r.metrics[`test.${k}`])}${std(k)}${interval(k)}`);
  const c = ['tn', 'fp', 'fn', 'tp'].map((k) => `${k.toUpperCase()} ${formatMetric(`test.${k}`, r.metrics[`test.${k}`])}`).join(' ');
  // k-fold: every fold's model scored the same test rows, so the counts add up to k times the rows.
  const folds = r.n?.['test.loss'];
  const summed = folds !== undefined ? ` (${summedCounts('test', folds)})` : '';
  return `${parts.join(', ')}, loss ${formatMetric('test.loss', r.metrics['test.loss'])}${std('loss')}; ${c}${summed}`;
}

/**
 * Lines under a table for the best runs that have test figures: labelled as the unbiased estimate of the
 * configuration chosen on the validation rows (the test rows chose nothing).
 */
export function testEstimateLines(best: Row[]): string[] {
  const kfold = best.filter((r) => r.n?.['test.loss'] !== undefined).length;
  // k-fold test figures are means over the folds' models, with no interval: promise one only where it is given.
  const interval = kfold === 0 ? '; [95% interval]' : kfold < best.length ? '; [95% interval] for runs of one split' : '';
  return [
    `test rows, never used to choose (the unbiased estimate of the chosen configuration${kfold ? '; k-fold: mean ± sample std over the folds\' models' : ''}${interval}):`,
    ...best.map((r) => `  ${r.folder}: ${testFigures(r)}`),
  ];
}

/**
 * Why the best run's validation figures overstate it: chosen among `finished` runs (thresholds or any axis)
 * on the same validation rows it is scored on, with no held-out test split to check it.
 */
export function optimisticNote(finished: number): string {
  return `the best run's validation figures are optimistic: it was chosen among ${finished} runs on the same validation rows, and no test split was held out to check it`;
}
