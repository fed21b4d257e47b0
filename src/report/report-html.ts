/**
 * report.html: one self-contained page per sweep (inline SVG charts, inline CSS and script, a Content
 * Security Policy that forbids network requests), written next to table.md after every sweep and by
 * `dlsweep report`. Sections: facts, loss curves (train and validation, linear or log), a heatmap of a
 * metric over two grid axes (a search's: over two parameters with at most 12 values, choices in the file's
 * order, each trial at the furthest rung it reached; or a note saying why none), the search's charts (search-section.ts), the confusion matrices of the best runs, their ROC, precision-recall and threshold
 * curves (threshold-section.ts), and the sortable table of all runs.
 */
import { counted } from '../text.js';
import { readCurve } from '../store/curve.js';
import { furthestRuns, searchSection } from './search-section.js';
import { thresholdSection, thresholdSpecs } from './threshold-section.js';
import type { Spec } from 'vega';
import { landscapeSection, type ReportLandscapes } from './landscape-section.js';
import { dataSection, type DataSummary } from './data-section.js';
import type { SweepFile } from '../store/records.js';
import { UserError } from '../errors.js';
import { describeObjective, objectiveStatement } from '../sweep/objective.js';
import type { SweepDesign } from './design.js';
import { bestOf, rowsObjective, type Row } from './rows.js';
import { knownColumns, resolveColumn, sortRows, type ColumnDef } from './columns.js';
import { optimisticNote, runsView, testFigures } from './compare/runs.js';
import { cellText, drawnDigits, splitParams } from './compare/shared.js';
import { distinctValues, pivotTable } from './compare/pivot.js';
import { aggregateKind, describeDuration, formatMetric, formatMs, formatParam, metricLabel, runCountsText, searchTrainingText, sizeText } from './format.js';
import { renderSvg } from './charts.js';
import { downsample } from '../ui/static/charts/frame.js';
import { confusionSpec, curveSpec, heatmapSpec, type CurveDatum, type HeatDatum } from '../ui/static/charts/sweep-specs.js';
import { SORT_SCRIPT, escapeHtml, htmlPage, renderHtmlTable } from './render.js';

/** Choices for report.html (all optional). */
export interface ReportOptions {
  /** Metric of the heatmap and of the curves' colours (default validation.accuracy). */
  metric?: string;
  /** Heatmap axes: row and column parameters (default: the first two varying grid axes, seed last). */
  axes?: [string, string];
  /** Most curves drawn (best runs first); default 50. */
  maxCurves?: number;
  /** Most points per curve (evenly thinned); default 80. */
  maxPoints?: number;
  /** Confusion matrices drawn (best runs first); default 3. */
  matrices?: number;
  /** The sweep's size is an upper bound (store/live-status.ts sizeIsUpperBound): its pending count is said as "at most". */
  sizeIsBound?: boolean;
  /** The status to state instead of sweep.json's (store/live-status.ts liveStatus: stopped, incomplete), as show does. */
  status?: string;
  /** The sweep's grid from its saved experiment (design.ts): the facts' fixed and grid lines come from it. */
  design?: SweepDesign;
  /** Loss landscapes computed at the end of the sweep (record.landscape), read back (landscape-section.ts). */
  landscapes?: ReportLandscapes;
  /** The data the sweep trained on, described (data.json, data-section.ts). */
  data?: DataSummary;
  /** Loss curves read ahead, by run folder path (a row's dir); readCurve reads the others. */
  curves?: (runDir: string) => ReturnType<typeof readCurve> | undefined;
}

/** A row's value of a parameter as the report's table writes it (compare's cellText). */
type ParamText = (r: Row, param: string) => string;

/** Metric columns of the report's table. */
const TABLE_COLUMNS = '+validation.precision,+validation.recall,+validation.specificity,+validation.f1,+validation.roc_auc,+training_ms';

function shortLabel(r: Row, varying: ColumnDef[], text: ParamText): string {
  const vals = varying.map((d) => text(r, d.key));
  return `${String(r.index).padStart(4, '0')}${vals.length ? ` (${vals.join(', ')})` : ''}`;
}

/** Most values a side of a search's heatmap (the ui's rule too): past it a side is unreadable. */
const MAX_HEAT_VALUES = 12;

/**
 * The parameters a search's heatmap may take as axes: at most MAX_HEAT_VALUES values (a parameter drawn from
 * a distribution has about one value per trial), and not the updates of a search over rungs (a trial's
 * budget, not one of its parameters). Their value counts come along for the notes.
 */
function searchHeatAxes(rows: Row[], varying: ColumnDef[]): { readable: ColumnDef[]; many: { def: ColumnDef; count: number }[] } {
  const rungs = new Set(rows.filter((r) => r.search).map((r) => r.search!.rung)).size;
  const readable: ColumnDef[] = [];
  const many: { def: ColumnDef; count: number }[] = [];
  for (const d of varying) {
    if (d.key === 'iterations' && rungs > 1) continue;
    const count = distinctValues(rows, d).length;
    if (count <= MAX_HEAT_VALUES) readable.push(d);
    else many.push({ def: d, count });
  }
  return { readable, many };
}

function chooseAxes(rows: Row[], defs: ColumnDef[], axes?: [string, string]): [ColumnDef, ColumnDef] | undefined {
  if (axes) return [resolveColumn(axes[0], defs, '--heatmap', ['param']), resolveColumn(axes[1], defs, '--heatmap', ['param'])];
  const varying = splitParams(rows, defs).varying;
  // A search's default axes are its parameters with few values (choices), not those drawn from a distribution.
  const candidates = rows.some((r) => r.search) ? searchHeatAxes(rows, varying).readable : varying;
  // Repeats (seed) are averaged over rather than drawn, unless nothing else varies.
  const ordered = [...candidates.filter((d) => d.key !== 'seed'), ...candidates.filter((d) => d.key === 'seed')];
  return ordered.length >= 2 ? [ordered[0], ordered[1]] : undefined;
}

/**
 * Why a search's heatmap over these axes is left out, or undefined when it is readable: a side of more than
 * MAX_HEAT_VALUES values, or most cells empty (a search samples its space, so its trials fill few cells).
 */
function unreadableHeatmap(rowDef: ColumnDef, colDef: ColumnDef, rowCount: number, colCount: number, empty: number): string | undefined {
  const cells = `A heatmap of ${rowDef.key} by ${colDef.key} would have ${rowCount} × ${colCount} cells`;
  const elsewhere = 'the parallel coordinates under Search show every trial\'s parameters and objective.';
  if (rowCount > MAX_HEAT_VALUES || colCount > MAX_HEAT_VALUES) {
    return `${cells}, too many to read (at most ${MAX_HEAT_VALUES} values a side); ${elsewhere}`;
  }
  if (empty > (rowCount * colCount) / 2) return `${cells}, ${empty} of them empty (a search samples its space); ${elsewhere}`;
  return undefined;
}

function figure(svg: string, attrs = '', caption = ''): string {
  return `<figure${attrs}>${svg}${caption ? `<figcaption class="note">${caption}</figcaption>` : ''}</figure>`;
}

/** The best finished runs, best first, whose confusion matrices and threshold curves the report draws. */
function bestFinished(sorted: Row[], matrices = 3): Row[] {
  return sorted.filter((r) => r.status === 'done').slice(0, matrices);
}

/** A run's confusion matrix (validation rows), its title marking the best. */
function confusionOf(r: Row, best: Set<Row>): Spec {
  const m = r.metrics;
  return confusionSpec(`${r.folder}${best.has(r) ? ' (best)' : ''}`, { tn: m['validation.tn'] ?? 0, fp: m['validation.fp'] ?? 0, fn: m['validation.fn'] ?? 0, tp: m['validation.tp'] ?? 0 });
}

/**
 * The specs of the report's charts of its best runs for these rows (confusion matrices, ROC, precision-recall
 * and threshold curves), as renderReport draws them: drawn ahead by a search while its last trainings run,
 * for the runs recorded so far; when those trainings' runs do not rank among the best, the report asks for
 * the same specs. Throws: nothing.
 */
export function bestRunsChartSpecs(rows: Row[], options: Pick<ReportOptions, 'matrices'> = {}): Spec[] {
  const best = bestOf(rows);
  const runs = bestFinished(sortRows(rows), options.matrices);
  return [...runs.map((r) => confusionOf(r, best)), ...thresholdSpecs(runs, rows, best)];
}

/**
 * The HTML of a sweep's report from its rows (read with sweepRows) and sweep.json.
 * Throws: UserError for an unknown metric or axis in the options.
 */
export async function renderReport(sweepTitle: string, sweep: SweepFile, rows: Row[], options: ReportOptions = {}): Promise<string> {
  const maxCurves = options.maxCurves ?? 50;
  const maxPoints = options.maxPoints ?? 80;
  const defs = knownColumns(rows);
  // Best first by the sweep's objective (sweep.json), as compare orders and stars them; the heatmap's and
  // the curves' metric is the objective's unless another is named.
  const { objective } = rowsObjective(rows);
  const metric = resolveColumn(options.metric ?? objective.keys[0].metric, defs, '--metric', ['metric']);
  const goal = objective.keys.find((k) => k.metric === metric.key)?.goal;
  const higher = goal ? goal === 'maximize' : metric.better !== 'low';
  const sorted = sortRows(rows);
  const best = bestOf(rows);
  const { varying, fixed } = splitParams(rows, defs);
  // Parameters in labels and captions as the table writes them (a search's drawn numbers shortened alike).
  const digits = drawnDigits(varying, rows);
  const paramText: ParamText = (r, param) => {
    const def = defs.find((d) => d.key === param);
    return def ? cellText(def, r, digits) : formatParam(r.params[param], r.spellings[param]);
  };
  // The grid as started (all axes, fixed values as written), not as far as the recorded runs cover it.
  const design = options.design;
  const designFixed = design ? design.fixed.map((f) => `${f.name}=${f.text}`) : fixed.map((f) => `${f.name}=${f.value}`);
  const designAxes = design ? design.axes.map((a) => a.name) : varying.map((d) => d.key);
  // Sections are built in page order, each drawing its charts without waiting for the sections before it:
  // the charts are drawn concurrently (by a pool's threads, when run hands them over; see charts.ts).
  const sections: (string | Promise<string>)[] = [];

  // Facts.
  const c = sweep.counts;
  const duration = describeDuration(sweep);
  const facts: [string, string][] = [
    ['status', (options.status ?? sweep.status) + (sweep.error ? ` (${sweep.error})` : '')],
    ['runs', `${runCountsText(c, options.sizeIsBound)} (${sizeText(sweep)}, ${counted(sweep.trainings, 'training')})`],
    ['started', `${sweep.started_at}${sweep.ended_at ? `, ended ${sweep.ended_at} (${duration})` : ''}`],
    ['dataset', `${sweep.dataset.name ?? 'custom'} (sha256 ${sweep.dataset.sha256.slice(0, 12)}…)`],
    ['objective', objectiveStatement(objective).replace(/^objective: /, '')],
    ['fixed', designFixed.length ? designFixed.join(', ') : 'none'],
    ...(design?.searched.length ? [['searched', design.searched.map((a) => `${a.name} ${a.text}`).join(', ')] as [string, string]] : []),
    ['grid axes', designAxes.length ? designAxes.join(', ') : 'none'],
    ['versions', `dlsweep ${sweep.dlsweep_version}, engine ${sweep.engine_version}, node ${sweep.node_version}${sweep.git_commit ? `, git ${sweep.git_commit.slice(0, 10)}` : ''}`],
  ];
  // The sweep's tags: the experiment file's, and those every run carries (dlsweep tag on the sweep).
  const common = rows.length ? (rows[0].tags ?? []).filter((t) => rows.every((r) => r.tags?.includes(t))) : [];
  const tags = [...new Set([...(sweep.tags ?? []), ...common])];
  if (tags.length) facts.unshift(['tags', tags.join(', ')]);
  if (sweep.description) facts.unshift(['description', sweep.description]);
  const top = sorted[0];
  if (top && top.status === 'done') {
    const params = varying.map((d) => `${d.key}=${paramText(top, d.key)}`).join(', ');
    facts.splice(2, 0, [
      'best run',
      `${top.folder}${params ? ` (${params})` : ''}: val acc ${formatMetric('validation.accuracy', top.metrics['validation.accuracy'])}, val loss ${formatMetric('validation.loss', top.metrics['validation.loss'])}, val recall ${formatMetric('validation.recall', top.metrics['validation.recall'])}` +
        objective.keys
          .filter((k) => !['validation.accuracy', 'validation.loss', 'validation.recall'].includes(k.metric))
          .map((k) => `, ${k.metric} ${formatMetric(k.metric, top.metrics[k.metric])}`)
          .join('') +
        // A search run: its trial and rung, and how a horizon shaped its training (its parameters alone train otherwise).
        (top.search ? `; ${searchTrainingText(top.search, top.params, sweep.search?.method)}` : ''),
    ]);
  }
  const finishedCount = rows.filter((r) => r.status === 'done').length;
  // The test rows chose nothing: the best run's figures on them are the unbiased estimate; without them, the
  // validation figures of a run chosen among several are optimistic.
  if (top && top.status === 'done' && top.metrics['test.loss'] != null) facts.splice(3, 0, ['test (unbiased estimate)', testFigures(top)]);
  else if (top && top.status === 'done' && finishedCount > 1) facts.splice(3, 0, ['caution', optimisticNote(finishedCount)]);
  const tiedCount = rows.filter((r) => r.tie?.tied && !best.has(r)).length;
  if (top && top.status === 'done' && rows.some((r) => r.tie)) {
    facts.splice(3, 0, [
      'tied with the best',
      `${tiedCount === 1 ? '1 run is' : `${tiedCount} runs are`} statistically indistinguishable from the best (McNemar's exact test on the same validation rows, p >= 0.05; marked ≈ in the table)`,
    ]);
  }
  sections.push(
    `<header><h1>${escapeHtml(sweepTitle)}</h1><dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>` +
      `<p class="note">Sections: <a href="#curves">loss curves</a> · <a href="#heatmap">heatmap</a> · ${rows.some((r) => r.search) ? '<a href="#search">search</a> · ' : ''}${options.landscapes ? '<a href="#landscapes">loss landscapes</a> · ' : ''}<a href="#confusion">confusion matrices</a> · <a href="#thresholds">ROC and threshold curves</a> · <a href="#runs">all runs</a>${options.data ? ' · <a href="#data">data</a>' : ''}. Undefined metrics (e.g. precision with no positive prediction) show n/a.</p></header>`,
  );

  // Loss curves: the best runs first, up to maxCurves distinct curves. Runs with the same curve (a training
  // shared by thresholds) are one line, under the best of them.
  const withCurves: { row: Row; curve: ReturnType<typeof readCurve>; sharing: Row[] }[] = [];
  const byCurve = new Map<string, (typeof withCurves)[number]>();
  let covered = 0;
  for (const r of sorted) {
    if (r.status !== 'done' && r.status !== 'diverged') continue;
    const curve = r.dir ? (options.curves?.(r.dir) ?? readCurve(r.dir)) : [];
    if (!curve.length) continue;
    const key = JSON.stringify(curve);
    const same = byCurve.get(key);
    if (same) {
      same.sharing.push(r);
      covered++;
      continue;
    }
    if (withCurves.length >= maxCurves) continue;
    const entry = { row: r, curve, sharing: [] };
    byCurve.set(key, entry);
    withCurves.push(entry);
    covered++;
  }
  const eligible = sorted.filter((r) => r.status === 'done' || r.status === 'diverged').length;
  const colorBy = withCurves.length <= 10 ? 'run' : 'score';
  const scores = withCurves.map((w) => w.row.metrics[metric.key]).filter((v): v is number => typeof v === 'number');
  const scoreDomain: [number, number] | undefined = scores.length ? [Math.min(...scores), Math.max(...scores)] : undefined;
  const worst = scoreDomain ? (higher ? scoreDomain[0] : scoreDomain[1]) : null;
  const labels = withCurves.map((w) => shortLabel(w.row, varying, paramText) + (w.sharing.length ? ` +${w.sharing.length} sharing its curve` : ''));
  const data: Record<'train' | 'validation', CurveDatum[]> = { train: [], validation: [] };
  // Drawn in data order, so the worst first and the best last: the best run's line is on top.
  for (let i = withCurves.length - 1; i >= 0; i--) {
    const w = withCurves[i];
    const score = w.row.status === 'done' ? (w.row.metrics[metric.key] ?? worst) : worst;
    for (const p of downsample(w.curve, maxPoints)) {
      if (Number.isFinite(p.train_loss)) data.train.push({ run: w.row.folder, label: labels[i], iteration: p.iteration, loss: p.train_loss, score });
      if (Number.isFinite(p.validation_loss)) data.validation.push({ run: w.row.folder, label: labels[i], iteration: p.iteration, loss: p.validation_loss, score });
    }
  }
  const all = [...data.train, ...data.validation].map((d) => d.loss);
  const positive = all.filter((v) => v > 0);
  let curvesHtml: string | Promise<string>;
  if (withCurves.length === 0) {
    curvesHtml = '<p class="note">No run has a loss curve yet.</p>';
  } else {
    const domain: [number, number] = [Math.min(...all), Math.max(...all)];
    // A loss of exactly 0 has no place on a log axis: such points are drawn at a floor a decade below the
    // smallest positive loss, and the note says which runs.
    const floor = positive.length ? Math.min(...positive) / 10 : 1e-3;
    const atZero = [...new Set([...data.train, ...data.validation].filter((d) => !(d.loss > 0)).map((d) => d.label))];
    const logDomain: [number, number] = positive.length ? [atZero.length ? floor : Math.min(...positive), Math.max(...positive)] : [floor, 1];
    const chart = async (split: 'train' | 'validation', log: boolean) => {
      const values = log ? data[split].map((d) => (d.loss > 0 ? d : { ...d, loss: floor })) : data[split];
      const series = new Set(values.map((d) => d.run)).size;
      const svg = await renderSvg(
        curveSpec(values, {
          title: `${split} loss`,
          log,
          domain: log ? logDomain : domain,
          colorBy,
          runOrder: labels,
          scoreTitle: metricLabel(metric.key),
          scoreDomain,
          higherIsBetter: higher,
          legend: split === 'validation',
        }),
      );
      return figure(svg, ` class="curve" data-split="${split}" data-series="${series}"`);
    };
    const charts = Promise.all([chart('train', false), chart('validation', false), chart('train', true), chart('validation', true)]);
    const shownNote =
      covered < eligible
        ? `Curves of the best ${covered} of ${eligible} runs (by ${escapeHtml(describeObjective(objective.keys))}); draw more with <code>dlsweep report --max-curves N</code>.`
        : eligible === 1 ? 'The one run with a curve.' : `All ${eligible} runs with a curve.`;
    const sharedNote = withCurves.some((w) => w.sharing.length)
      ? ` Runs with the same curve (one training shared by their thresholds) are one line, labelled with the best of them; the best runs are drawn on top.`
      : ' The best runs are drawn on top.';
    const colourNote =
      colorBy === 'run'
        ? 'One colour per run; the legend lists runs best first, with their grid values in parentheses' + (varying.length ? ` (${varying.map((d) => d.key).join(', ')})` : '') + '.'
        : `Coloured by ${escapeHtml(metric.key)} (${higher ? 'dark = high' : 'dark = low'}); hover a line for its run.`;
    const zeroNote = atZero.length
      ? `<p class="note" id="log-floor-note">Log scale: ${atZero.length === 1 ? 'a run reaches' : `${atZero.length} runs reach`} a loss of 0 (${escapeHtml(atZero.join('; '))}); those points are drawn at ${escapeHtml(formatMetric('loss', floor))}, the bottom of the axis.</p>`
      : '';
    // Losses spanning more than two decades (a diverging or stuck run) flatten the others on a linear axis.
    const startLog = positive.length > 0 && logDomain[1] / logDomain[0] > 100;
    curvesHtml = charts.then(
      ([trLin, vaLin, trLog, vaLog]) =>
        `<p class="note">${shownNote} ${colourNote}${sharedNote}</p>` +
        `<p><label class="toggle"><input type="checkbox" id="log-toggle"${startLog ? ' checked' : ''}> log scale</label></p>` +
        `<div id="curves-linear" class="charts" data-runs="${withCurves.length}"${startLog ? ' hidden' : ''}>${trLin}${vaLin}</div>` +
        `<div id="curves-log" class="charts" data-runs="${withCurves.length}" data-floor="${floor}"${startLog ? '' : ' hidden'}>${zeroNote}${trLog}${vaLog}</div>`,
    );
  }
  sections.push(Promise.resolve(curvesHtml).then((html) => `<section id="curves"><h2>Loss curves</h2>${html}</section>`));

  // Heatmap of the metric over two grid axes.
  const axes = chooseAxes(rows, defs, options.axes);
  let heatHtml: string | Promise<string>;
  const search = rows.some((r) => r.search);
  const unread = (why: string) => `<p class="note" id="heatmap-none">${escapeHtml(why)} Other axes: <code>dlsweep report --heatmap ROW_PARAM COL_PARAM</code>.</p>`;
  if (!axes && search) {
    const { readable, many } = searchHeatAxes(rows, varying);
    const tooMany = many.map((m) => `${m.def.key} ${m.count}`).join(', ');
    heatHtml = unread(
      `No heatmap: it needs two parameters with at most ${MAX_HEAT_VALUES} values each, and this search has ${readable.length === 1 ? `one (${readable[0].key})` : 'none'}` +
        (tooMany ? ` (values drawn by its trials: ${tooMany})` : '') +
        `. The parallel coordinates under Search show every trial's parameters and objective.`,
    );
  } else if (!axes) {
    heatHtml = '<p class="note">A heatmap needs two grid axes with several values; this sweep has ' + (varying.length === 1 ? `one (${escapeHtml(varying[0].key)})` : 'none') + '.</p>';
  } else {
    const [rowDef, colDef] = axes;
    // A search's cells count each trial once, at the furthest rung it reached (its point in the search charts),
    // and its choices come in the file's order; a grid's values stay in value order.
    const heatRows = search ? furthestRuns(rows) : rows;
    const fileOrder = (key: string) => (search ? design?.axes.find((a) => a.name === key)?.values.map((v) => v.value) : undefined);
    const { rowValues, colValues, cells } = pivotTable(heatRows, rowDef, colDef, metric.key, { row: fileOrder(rowDef.key), col: fileOrder(colDef.key) });
    const why = search ? unreadableHeatmap(rowDef, colDef, rowValues.length, colValues.length, cells.flat().filter((c) => c.mean === null).length) : undefined;
    const kind = aggregateKind(metric.key);
    const heat: HeatDatum[] = [];
    rowValues.forEach((rv, i) =>
      colValues.forEach((cv, j) => heat.push({ row: rv.text, col: cv.text, value: cells[i][j].mean, n: cells[i][j].n, text: cells[i][j].mean === null ? '-' : formatMetric(metric.key, cells[i][j].mean, kind) })),
    );
    const means = heat.map((h) => h.value).filter((v): v is number => v !== null);
    const counts = heat.map((h) => h.n).filter((n) => n > 0);
    const others = varying.filter((d) => d !== rowDef && d !== colDef).map((d) => d.key);
    const svg = means.length && !why
      ? renderSvg(
          heatmapSpec(heat, {
            rowTitle: rowDef.key,
            colTitle: colDef.key,
            rowOrder: rowValues.map((v) => v.text),
            colOrder: colValues.map((v) => v.text),
            metricTitle: metricLabel(metric.key),
            higherIsBetter: higher,
            domain: [Math.min(...means), Math.max(...means)],
          }),
        )
      : Promise.resolve('');
    const lo = Math.min(...counts);
    const hi = Math.max(...counts);
    const also = others.length ? ` (also varying: ${escapeHtml(others.join(', '))})` : '';
    const overRungs = search && new Set(rows.filter((r) => r.search).map((r) => r.search!.rung)).size > 1;
    const cellNote = !counts.length
      ? ''
      : overRungs
        ? `; each cell is ${hi === 1 ? 'one trial' : `the mean over ${lo === hi ? hi : `${lo}-${hi}`} trials`}, ${hi === 1 ? 'taken' : 'each'} at the furthest rung it reached, as the search charts take it${also}`
        : hi > 1
          ? `; each cell is the mean over ${lo === hi ? hi : `${lo}-${hi}`} finished runs${also}`
          : '';
    const note =
      `<p class="note">${escapeHtml(metric.key)} by ${escapeHtml(rowDef.key)} (rows) and ${escapeHtml(colDef.key)} (columns)` +
      cellNote +
      `. Other axes: <code>dlsweep report --heatmap ROW_PARAM COL_PARAM --metric METRIC</code>.</p>`;
    heatHtml = why ? unread(why) : svg.then((chart) => note + (chart ? figure(chart, ' id="heatmap-chart"') : '<p class="note">No finished run.</p>'));
  }
  sections.push(Promise.resolve(heatHtml).then((html) => `<section id="heatmap"><h2>Heatmap</h2>${html}</section>`));

  // Searches: objective by trial, rungs, parallel coordinates (src/report/search-section.ts).
  // The choices' axes of the parallel coordinates in the file's order, as the heatmap's.
  const choiceOrders = Object.fromEntries((design?.axes ?? []).map((a) => [a.name, a.values.map((v) => v.value)]));
  sections.push(searchSection(rows, varying.map((d) => d.key), sweep.search?.method, choiceOrders));

  // Loss landscapes of the best runs (record.landscape).
  if (options.landscapes) sections.push(landscapeSection(options.landscapes, rows, varying.map((d) => d.key), paramText));

  // Confusion matrices of the best runs.
  const bestDone = bestFinished(sorted, options.matrices);
  const matrices = Promise.all(
    bestDone.map(async (r) => {
      const m = r.metrics;
      const svg = await renderSvg(confusionOf(r, best));
      const params = varying.map((d) => `${d.key}=${paramText(r, d.key)}`).join(', ');
      const caption = `${escapeHtml(params || 'no varying parameter')}<br>val acc ${formatMetric('validation.accuracy', m['validation.accuracy'])} · precision ${formatMetric('validation.precision', m['validation.precision'])} · recall ${formatMetric('validation.recall', m['validation.recall'])} · specificity ${formatMetric('validation.specificity', m['validation.specificity'])}`;
      return figure(svg, ' class="confusion"', caption);
    }),
  );
  sections.push(
    matrices.then(
      (figures) =>
        `<section id="confusion"><h2>Confusion matrices of the best runs</h2>` +
        (figures.length ? `<p class="note">Validation split${bestDone.some((r) => r.n !== undefined) ? ' (k-fold runs: counts summed over the folds, each row once, out of fold)' : ''}; rows are the actual class, columns the prediction (positive when p &gt; threshold).</p><div class="charts">${figures.join('')}</div>` : '<p class="note">No finished run.</p>') +
        `</section>`,
    ),
  );

  sections.push(thresholdSection(bestDone, rows, best));

  // The table of all runs.
  const view = runsView(sweepTitle, rows, { columns: TABLE_COLUMNS, design });
  sections.push(
    `<section id="runs"><h2>All runs</h2><p class="note">${escapeHtml([...view.notes, 'Click a column header to sort; click again to reverse.'].join(' · '))}</p>` +
      `<div class="table-wrap">${renderHtmlTable(view, 'runs-table')}</div>${view.footnotes.map((f) => `<p class="note">${escapeHtml(f)}</p>`).join('')}</section>`,
  );
  // The data the sweep trained on.
  if (options.data) sections.push(dataSection(options.data));
  sections.push(`<footer><p class="note">Generated by dlsweep ${escapeHtml(sweep.dlsweep_version)}. Regenerate with <code>dlsweep report ${escapeHtml(sweepTitle)}</code>.</p></footer>`);

  const toggle = `
var box = document.getElementById('log-toggle');
if (box) box.addEventListener('change', function () {
  document.getElementById('curves-linear').hidden = box.checked;
  document.getElementById('curves-log').hidden = !box.checked;
});`;
  // A section with nothing to show ('' from searchSection without a search) leaves no line behind.
  const html = (await Promise.all(sections)).filter((section) => section !== '');
  return htmlPage(`${sweepTitle} · dlsweep report`, html.join('\n'), SORT_SCRIPT + toggle);
}

/** Parse `--heatmap ROW COL` values. Throws: UserError unless exactly two names. */
export function parseAxes(values: string[] | undefined): [string, string] | undefined {
  if (!values || values.length === 0) return undefined;
  const names = values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  if (names.length !== 2) throw new UserError(`--heatmap takes two parameters (ROW COL), got ${names.length}`, 'e.g. --heatmap learning_rate hidden_sizes');
  return [names[0], names[1]];
}

