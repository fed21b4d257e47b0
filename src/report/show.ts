/**
 * Text views of one run (`dlsweep show RUN`) and one sweep (`dlsweep show SWEEP`): parameters, metrics,
 * the confusion matrix laid out as a matrix, an ASCII loss curve (asciichart), and where the files are.
 */
import { counted } from '../text.js';
import { objectiveStatement, recordedObjective } from '../sweep/objective.js';
import { describeWidening } from '../sweep/extend.js';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RUN_FILES, SWEEP_FILES } from '../store/paths.js';
import type { SweepFile } from '../store/records.js';
import type { StoredRun } from '../store/read-runs.js';
import { SPLIT_METRICS, rowOf, type Row } from './rows.js';
import { knownColumns, paramOrder } from './columns.js';
import { cleanNumber, describeDuration, formatMeanStd, formatMetric, formatMs, formatParam, runCountsText, searchTrainingText, sizeText } from './format.js';
import { liveSize, sizeIsUpperBound } from '../store/live-status.js';
import { readCurve } from '../store/curve.js';
import { countRows } from './sweep-files.js';
import { runsView } from './compare/runs.js';
import { splitParams } from './compare/shared.js';
import { distinctValues } from './compare/pivot.js';
import { asciichart } from './ascii-chart.js';
import type { SweepDesign } from './design.js';
import { downsample } from '../ui/static/charts/frame.js';
import { renderTerminalView } from './render.js';


const NAMES: Record<string, string> = {
  loss: 'loss',
  accuracy: 'accuracy',
  precision: 'precision',
  recall: 'recall (sensitivity)',
  specificity: 'specificity',
  f1: 'F1',
  roc_auc: 'ROC AUC',
  baseline_accuracy: 'baseline accuracy',
  tn: 'TN',
  fp: 'FP',
  fn: 'FN',
  tp: 'TP',
};

const BOLD = (s: string) => `\u001b[1m${s}\u001b[22m`;

/** Lay out rows of cells in aligned columns (right-aligned where `right[i]`), two spaces apart. */
export function align(rows: string[][], right: boolean[] = []): string[] {
  const width = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return rows.map((r) =>
    r
      .map((c, i) => {
        const pad = ' '.repeat(widths[i] - width(c));
        return right[i] ? pad + c : i === r.length - 1 ? c : c + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** A 2 x 2 confusion matrix as text lines: actual class in rows, predicted in columns. */
export function confusionLines(c: { tn: number; fp: number; fn: number; tp: number }): string[] {
  return align(
    [
      ['', '', 'predicted', ''],
      ['', '', 'negative', 'positive'],
      ['actual', 'negative', String(c.tn), String(c.fp)],
      ['', 'positive', String(c.fn), String(c.tp)],
    ],
    [false, false, true, true],
  );
}

/**
 * An ASCII chart of a run's loss curve (train and validation), at most `width` points wide.
 * Returns [] when the run has no curve.
 */
export function curveLines(dir: string, options: { width?: number; height?: number; log?: boolean; color?: boolean } = {}): string[] {
  const curve = readCurve(dir).filter((p) => Number.isFinite(p.train_loss));
  if (curve.length < 2) return [];
  const points = downsample(curve, Math.max(10, options.width ?? 70));
  // Log scale: a loss of 0 (or below) is drawn at a floor a decade under the smallest positive loss, and the
  // caption says so; it is never dropped or put at an arbitrary 1e-12.
  const losses = points.flatMap((p) => [p.train_loss, p.validation_loss]).filter((v) => Number.isFinite(v));
  const positive = losses.filter((v) => v > 0);
  const floor = positive.length ? Math.min(...positive) / 10 : 1e-3;
  const atFloor = options.log && losses.some((v) => !(v > 0));
  const tf = (v: number) => (options.log ? Math.log10(v > 0 ? v : floor) : v);
  const train = points.map((p) => tf(p.train_loss));
  const validation = points.map((p) => (Number.isFinite(p.validation_loss) ? tf(p.validation_loss) : NaN));
  const label = (v: number) => formatMetric('loss', options.log ? 10 ** v : v).padStart(9);
  const hasValidation = validation.some((v) => !Number.isNaN(v));
  const first = points[0].iteration;
  const last = points.at(-1)!.iteration;
  const axis = `${' '.repeat(11)}${String(first)}${' '.repeat(Math.max(1, points.length - String(first).length - String(last).length))}${last}`;
  const caption = `${' '.repeat(11)}iteration (updates)${options.log ? ', log-scale loss' : ''}${atFloor ? `; losses of 0 drawn at ${formatMetric('loss', floor)}, the bottom of the axis` : ''}`;
  if (options.color) {
    const series = hasValidation ? [train, validation] : [train];
    const chart = asciichart.plot(series, { height: options.height ?? 12, format: label, colors: [asciichart.blue, asciichart.magenta] });
    const key = `${asciichart.blue}──${asciichart.reset} train  ${asciichart.magenta}──${asciichart.reset} validation`;
    return [...chart.split('\n'), axis, `${caption}; ${key}`];
  }
  // Without colour two lines on one chart cannot be told apart: one chart per split, on the same scale.
  const all = [...train, ...validation].filter((v) => !Number.isNaN(v));
  const scale = { height: Math.max(4, Math.round((options.height ?? 12) * 0.6)), format: label, min: Math.min(...all), max: Math.max(...all) };
  const out = ['  train', ...asciichart.plot(train, scale).split('\n')];
  if (hasValidation) out.push('  validation', ...asciichart.plot(validation, scale).split('\n'));
  return [...out, axis, caption];
}

const STOP_REASONS: Record<string, string> = {
  no_improvement: 'no improvement of the validation loss within patience',
  max_iterations: 'iteration limit reached',
  mixed: 'folds differ',
};

/** One line on early stopping: where and why the training ended, and which weights were kept. */
export function earlyStopLine(m: { stopped_at?: number; stop_reason?: string; restored_from?: number; folds?: { restored_from?: number }[] }): string {
  const at = m.folds?.length ? `${cleanNumber(m.stopped_at!)} (mean over ${m.folds.length} folds)` : String(m.stopped_at);
  const why = STOP_REASONS[m.stop_reason ?? ''] ?? m.stop_reason ?? '?';
  const foldsRestored = m.folds?.map((f) => f.restored_from).filter((v): v is number => v !== undefined) ?? [];
  const kept =
    m.restored_from !== undefined
      ? `weights restored from update ${m.restored_from} (the best check)`
      : foldsRestored.length
        ? `weights restored from updates ${foldsRestored.join(', ')} (each fold's best check)`
        : 'last weights kept';
  return `early stopping: stopped at update ${at}, ${why}; ${kept}`;
}

/**
 * The `dlsweep show RUN` text. `options.method`: the search method of the run's sweep (sweep.json), which
 * decides whether a search run's bracket is told (hyperband's).
 */
export function runDetail(sweepTitle: string, run: StoredRun, options: { color?: boolean; log?: boolean; width?: number; method?: string } = {}, sweepTags: string[] = []): string {
  const row = rowOf(sweepTitle, run, sweepTags);
  const m = run.metrics;
  const b = options.color ? BOLD : (s: string) => s;
  const out: string[] = [];
  out.push(b(`${sweepTitle}/${run.folder}`) + `  ${row.status}${row.note ? `: ${row.note}` : ''}`);
  out.push(`run id ${run.params.run_id}`);
  // A search run: where it stands in the search, and a horizon that made its training differ from a plain one.
  if (run.params.search) out.push(`search ${searchTrainingText(run.params.search, run.params.params, options.method)}`);
  if (row.reused_from) out.push(`reused from ${row.reused_from} (the same run id, recorded there; copied into this sweep instead of trained)`);
  if (run.timing) out.push(`training ${formatMs(run.timing.training_ms)}${run.timing.shared_by > 1 ? ` (one training shared by ${run.timing.shared_by} runs)` : ''}, finished ${run.timing.finished_at}`);
  if (m?.diverged) out.push(`diverged at update ${m.diverged.iteration}; last finite training loss ${formatMetric('loss', m.diverged.last_finite_loss)}`);
  if (m?.stopped_at !== undefined) out.push(earlyStopLine(m));
  const own = run.annotations?.tags ?? [];
  const inherited = sweepTags.filter((t) => !own.includes(t));
  if (own.length || inherited.length) out.push(`tags ${[...own, ...inherited.map((t) => `${t} (sweep)`)].join(', ')}`);
  if (run.annotations?.note) out.push(`note ${run.annotations.note}`);

  out.push('', b('parameters'));
  const names = paramOrder(Object.keys(run.params.params));
  out.push(...align(names.map((n) => [n, formatParam(run.params.params[n], run.params.spellings?.[n])])).map((l) => `  ${l}`));

  if (m?.train && m.validation) {
    const folds = m.folds?.length;
    const pooled = row.pooled?.length ? `; ${row.pooled.join(', ')} from the pooled counts (undefined in some fold)` : '';
    out.push('', b(`metrics${folds ? ` (${folds} folds: mean ± sample std (n - 1) over folds; confusion counts summed${pooled})` : ''}`));
    // The test column, when the split holds test rows out: scored, never used to choose.
    const splits = m.test ? (['train', 'validation', 'test'] as const) : (['train', 'validation'] as const);
    const table: string[][] = [['', ...splits]];
    const withCi = (s: string, k: string) => {
      const text = formatMeanStd(`${s}.${k}`, row.metrics[`${s}.${k}`], row.std[`${s}.${k}`] ?? undefined);
      const lo = row.metrics[`${s}.${k}_ci_low`];
      const hi = row.metrics[`${s}.${k}_ci_high`];
      return lo == null || hi == null ? text : `${text} [${formatMetric('accuracy', lo)}, ${formatMetric('accuracy', hi)}]`;
    };
    for (const k of SPLIT_METRICS.slice(0, 8)) {
      table.push([NAMES[k], ...splits.map((s) => withCi(s, k))]);
    }
    table.push(['samples', String(m.train.samples), String(m.validation.samples), ...(m.test ? [String(m.test.samples)] : [])]);
    out.push(...align(table, [false, ...splits.map(() => true)]).map((l) => `  ${l}`));
    out.push('', b(`confusion matrix (threshold ${cleanNumber(m.threshold)}: positive when p > threshold)`));
    // One matrix per split, named, side by side in the metrics table's order (train, validation, test).
    const matrices = splits.map((s) => ({ name: s, lines: confusionLines(m[s]!.confusion) }));
    const widths = matrices.map((x) => Math.max(x.name.length, ...x.lines.map((l) => l.length)));
    const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('    ')}`;
    out.push(line(matrices.map((x) => x.name)));
    matrices[0].lines.forEach((_, i) => out.push(line(matrices.map((x) => x.lines[i]))));
    if (m.test) out.push('  test: rows held out of every choice (the objective, the best run, searches): an unbiased estimate' + (folds ? '; k-fold: each fold\'s model on the same test rows, counts summed, no interval' : ''));
    out.push('  [low, high]: 95% Wilson score interval from the confusion counts' + (folds ? ' (validation: pooled over folds, each row once out of fold; none for train, whose counts take each row k - 1 times)' : '') + '; ROC AUC: DeLong interval');
    out.push('  n/a: undefined (e.g. precision with no positive prediction)');
  } else if (m?.error) {
    out.push('', `error: ${m.error}`);
  }

  const chart = curveLines(run.dir, { color: options.color, log: options.log, width: options.width });
  if (chart.length) out.push('', b(`loss curve${options.log ? ' (log scale)' : ''}`), ...chart);

  out.push('', b('files'), `  ${run.dir}`);
  const files = Object.values(RUN_FILES).filter((f) => existsSync(join(run.dir, f)));
  out.push(`  ${files.join('  ')}`);
  return out.join('\n') + '\n';
}

/** The `dlsweep show SWEEP` text: facts, the grid, the best runs, the files. */
export function sweepDetail(
  sweepTitle: string,
  dir: string,
  sweep: SweepFile,
  rows: Row[],
  options: { color?: boolean; status?: string; top?: number; tags?: string[]; note?: string; design?: SweepDesign } = {},
): string {
  const b = options.color ? BOLD : (s: string) => s;
  const counts = countRows(rows, liveSize(dir, sweep));
  const out: string[] = [];
  out.push(b(sweepTitle) + `  ${options.status ?? sweep.status}${sweep.error ? `: ${sweep.error}` : ''}`);
  const duration = describeDuration(sweep);
  const facts: string[][] = [
    ...(sweep.description ? [['description', sweep.description]] : []),
    ...(options.tags?.length ? [['tags', options.tags.join(', ')]] : []),
    ...(options.note ? [['note', options.note]] : []),
    ['started', `${sweep.started_at}${sweep.ended_at ? `, ended ${sweep.ended_at} (${duration})` : ''}`],
    ['runs', `${runCountsText(counts, sizeIsUpperBound(dir, sweep))} (${sizeText(sweep)}, ${counted(sweep.trainings, 'training')})`],
    ['dataset', `${sweep.dataset.name ?? 'custom'}, sha256 ${sweep.dataset.sha256}`],
    ['objective', objectiveStatement(recordedObjective(sweep)).replace(/^objective: /, '')],
    ['versions', `dlsweep ${sweep.dlsweep_version}, engine ${sweep.engine_version}, node ${sweep.node_version}${sweep.git_commit ? `, git ${sweep.git_commit}` : ''}`],
  ];
  if (sweep.resumed_at?.length) facts.push(['resumed', sweep.resumed_at.join(', ')]);
  // Each widening of the grid (run --extend): when, what it added, and the runs it numbered.
  for (const e of sweep.extensions ?? []) {
    const runs = e.runs === 0 ? 'no new runs' : e.runs === 1 ? `run ${e.first_run}` : `runs ${e.first_run}-${e.first_run + e.runs - 1}`;
    facts.push(['extended', `${e.at}: ${describeWidening(e.added)} (${runs}; ${e.file})`]);
  }
  // The grid as started (the saved experiment), whatever part of it is recorded; from the runs when unreadable.
  const design = options.design;
  // Only without the saved experiment are the runs' parameters looked at (every run's: worth skipping).
  const byRows = design ? undefined : splitParams(rows, knownColumns(rows));
  const fixedText = design ? design.fixed.map((f) => `${f.name}=${f.text}`) : byRows!.fixed.map((f) => `${f.name}=${f.value}`);
  const grid = design
    ? design.axes.map((a) => `${a.name} (${a.values.map((v) => v.text).join(', ')})`)
    : byRows!.varying.map((d) => `${d.key} (${distinctValues(rows, d).map((v) => v.text).join(', ')})`);
  if (fixedText.length) facts.push(['fixed', fixedText.join(', ')]);
  if (design?.searched.length) facts.push(['searched', design.searched.map((a) => `${a.name} ${a.text}`).join(', ')]);
  if (grid.length) facts.push([sweep.search ? 'choices' : 'grid', grid.join(' x ')]);
  out.push(...align(facts).map((l) => `  ${l}`));
  const top = options.top ?? 5;
  if (rows.length) {
    const view = runsView(sweepTitle, rows, { top, design });
    const shown = Math.min(top, rows.length);
    // The heading says how many of how many: the table's own "top N of M runs" line would say it again in other words.
    const footnotes = view.footnotes.filter((f) => f !== `top ${shown} of ${counted(rows.length, 'run')}`);
    out.push('', b(`best ${shown} of ${counted(rows.length, 'run')}`), renderTerminalView({ ...view, title: '', summary: undefined, notes: [], footnotes }, options).replace(/^\n/, ''));
  }
  out.push('', b('files'), `  ${dir}`);
  out.push(`  ${Object.values(SWEEP_FILES).filter((f) => f !== SWEEP_FILES.lock && existsSync(join(dir, f))).join('  ')}`);
  // An address is suggested only when it names a run: a sweep stopped before its first run has none.
  if (rows.length) out.push(`  show a run: dlsweep show ${basename(dir)}/1   all runs: dlsweep compare ${sweepTitle}`);
  else out.push(`  no runs yet: if it stopped, resume it to run them: dlsweep run EXPERIMENT_FILE --resume ${sweepTitle}`);
  return out.join('\n') + '\n';
}
