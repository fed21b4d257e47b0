/**
 * A table ready to print (TableView) and its renderers: terminal (cli-table3, the only importer of it),
 * Markdown, CSV, JSON and an HTML <table> that sorts when a header is clicked. Every comparison (runs,
 * groups, pivot, marginals, sweeps) builds a TableView, so every one of them has every output format.
 * Text formats show each cell's `text`; machine formats (CSV, JSON) its typed `value`.
 */
import Table from 'cli-table3';
import stringWidth from 'string-width';
import { toCsv } from '../csv-write.js';
import type { ParamValue } from '../experiment/types.js';
import { cleanNumber } from './format.js';
import { isObject } from '../guards.js';

/** A column of a TableView. */
export interface ViewColumn {
  /** Machine name: CSV header and JSON key. */
  key: string;
  /** Header in text formats. */
  label: string;
  align?: 'left' | 'right';
  /** `text`: shown only in terminal, Markdown and HTML; `machine`: only in CSV and JSON. */
  only?: 'text' | 'machine';
}

/** A typed cell value: a parameter or metric value, undefined when absent, or named numbers (statistics). */
export type CellValue = ParamValue | undefined | { [name: string]: number | null };

/** A cell: the text shown in text formats and the typed value written by CSV and JSON. */
export interface ViewCell {
  text: string;
  value: CellValue;
}

/** A row of a TableView. */
export interface ViewRow {
  cells: ViewCell[];
  /** Marked as best (bold on a terminal, bold in Markdown and HTML). */
  best?: boolean;
  /** A run that did not finish (its status cell is coloured on a terminal). */
  status?: 'done' | 'diverged' | 'failed' | 'interrupted' | 'damaged' | 'pending';
  /** The run's number (0-based index) in a table of runs: HTML tables break ties of a sort by it (data-run). */
  run?: number;
}

/** A table ready to render in any output format. */
export interface TableView {
  /** What kind of table, for JSON consumers: runs, groups, pivot, marginals, sweeps, diff... */
  kind: string;
  /** e.g. quick/20261129-112859-538f */
  title: string;
  /** e.g. "8 runs", printed after the title on a terminal. */
  summary?: string;
  /** Lines above the table (fixed parameters, what the cells are). */
  notes: string[];
  /** Lines below the table (what the best marker means, what was left out). */
  footnotes: string[];
  columns: ViewColumn[];
  rows: ViewRow[];
  /** Key of the column that names each row (bold in Markdown for best rows); default: the first with a label. */
  nameKey?: string;
}

/** The output formats of compare, ls and diff. */
export type OutputFormat = 'table' | 'markdown' | 'csv' | 'json' | 'html';
/** Every output format, for the --format choices. */
export const OUTPUT_FORMATS: OutputFormat[] = ['table', 'markdown', 'csv', 'json', 'html'];

const BOLD = (s: string) => `\u001b[1m${s}\u001b[22m`;
const RED = (s: string) => `\u001b[31m${s}\u001b[39m`;
const YELLOW = (s: string) => `\u001b[33m${s}\u001b[39m`;
const DIM = (s: string) => `\u001b[2m${s}\u001b[22m`;

function textColumns(view: TableView): number[] {
  return view.columns.map((c, i) => (c.only === 'machine' ? -1 : i)).filter((i) => i >= 0);
}

/** Rows per cli-table3 table: its layout pass compares every cell with every earlier row (quadratic). */
const TERMINAL_CHUNK_ROWS = 200;

/**
 * The view for a terminal; `color` bolds best rows and colours unfinished statuses (pass useColor's answer).
 * Linear in rows: a long table is drawn by cli-table3 in chunks of TERMINAL_CHUNK_ROWS rows sharing the
 * column widths of the whole table, and the chunks are joined where their borders meet, so the text is the
 * same as one table's (10,000 rows draw in well under a second instead of a minute).
 */
export function renderTerminalView(view: TableView, options: { color?: boolean } = {}): string {
  const idx = textColumns(view);
  const head = idx.map((i) => view.columns[i].label);
  const chunked = view.rows.length > TERMINAL_CHUNK_ROWS;
  // Widths as cli-table3 computes them (display width plus one space of padding each side), over every row.
  const colWidths = chunked ? idx.map((i, k) => 2 + view.rows.reduce((w, r) => Math.max(w, stringWidth(r.cells[i].text)), stringWidth(head[k]))) : undefined;
  const newTable = (withHead: boolean) =>
    new Table({
      head: withHead ? head : [],
      ...(colWidths ? { colWidths } : {}),
      // No rule between rows: the table stays compact for long sweeps.
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      style: { head: options.color ? ['cyan'] : [], border: options.color ? ['grey'] : [] },
      colAligns: idx.map((i) => view.columns[i].align ?? 'left'),
    });
  const parts: string[] = [];
  for (let from = 0; from < view.rows.length; from += TERMINAL_CHUNK_ROWS) {
    const table = newTable(from === 0);
    for (const r of view.rows.slice(from, from + TERMINAL_CHUNK_ROWS)) {
      let cells = idx.map((i) => r.cells[i].text);
      if (options.color) {
        if (r.best) cells = cells.map(BOLD);
        else if (r.status === 'failed' || r.status === 'interrupted' || r.status === 'damaged') cells = cells.map(RED);
        else if (r.status === 'diverged') cells = cells.map(YELLOW);
        else if (r.status === 'pending') cells = cells.map(DIM);
      }
      table.push(cells);
    }
    const text = table.toString().split('\n');
    // A chunk after the first loses its top border, one before the last its bottom border.
    parts.push(...text.slice(from === 0 ? 0 : 1, from + TERMINAL_CHUNK_ROWS < view.rows.length ? -1 : undefined));
  }
  const lines = [view.summary ? `${view.title}: ${view.summary}` : view.title, ...view.notes];
  lines.push(view.rows.length ? parts.join('\n') : '(no rows)');
  lines.push(...view.footnotes);
  return lines.join('\n');
}

/**
 * Text made safe for one line of Markdown (a table cell, a title, a note), the one escaping of every
 * Markdown output: line breaks (and the spaces around them) folded into one space, since a raw newline ends
 * a table row; `|` escaped, since it splits cells, and `\` before it (GFM reads `\|` in `a\|b` as an escaped
 * pipe, so the text's own backslash needs escaping too); `&`, `<` and `>` as entities, so that text (a note, a
 * description) is shown as written and never taken for HTML by a Markdown viewer.
 */
export function markdownText(s: string): string {
  return s
    .replace(/\s*(\r\n|\r|\n)\s*/g, ' ')
    // Backslashes first: one before a pipe would otherwise escape the pipe's own backslash and split the cell.
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|');
}

/** A line of text above or below the table: markdownText, and a leading `*` escaped (not a list item). */
function markdownLine(s: string): string {
  return markdownText(s).replace(/^\*/, '\\*');
}

/** The view as Markdown: a `#` title, notes, a pipe table (best rows' first text cell in bold), footnotes. */
export function renderMarkdownView(view: TableView): string {
  const idx = textColumns(view);
  const lines = [`# ${markdownText(view.title)}`, ''];
  if (view.notes.length) lines.push(...view.notes.map(markdownLine), '');
  lines.push(`| ${idx.map((i) => markdownText(view.columns[i].label)).join(' | ')} |`);
  lines.push(`|${idx.map((i) => (view.columns[i].align === 'right' ? '---:' : '---')).join('|')}|`);
  // The cell to bold: the first one that names the row (after the marker column).
  const name = idx.find((i) => (view.nameKey ? view.columns[i].key === view.nameKey : view.columns[i].label !== '')) ?? idx[0];
  for (const r of view.rows) {
    const cells = idx.map((i) => {
      const t = markdownText(r.cells[i].text);
      return r.best && i === name && t ? `**${t}**` : t;
    });
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (view.footnotes.length) lines.push('', ...view.footnotes.map(markdownLine));
  return lines.join('\n') + '\n';
}

/**
 * Named numbers (a statistics cell: mean, std, n...). A parameter's value can be an object too (lr_schedule,
 * early_stopping), but it holds a string or a boolean: it is a value, written as JSON.
 */
function isStats(v: CellValue): v is { [name: string]: number | null } {
  return isObject(v) && Object.values(v).every((x) => x === null || typeof x === 'number');
}

function machineValue(v: CellValue): CellValue {
  if (typeof v === 'number') return cleanNumber(v);
  if (Array.isArray(v)) return v.map((x) => machineValue(x) as ParamValue);
  if (isStats(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'number' ? cleanNumber(x) : x]));
  return v;
}

function csvText(v: CellValue): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return String(cleanNumber(v));
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(machineValue(v));
}

/**
 * The view as CSV: one header of column keys, typed values (numbers to 12 significant digits, lists as
 * JSON, undefined values empty); a column of statistics becomes one column per statistic (`KEY.mean`...).
 */
export function renderCsvView(view: TableView): string {
  const idx = view.columns.map((c, i) => (c.only === 'text' ? -1 : i)).filter((i) => i >= 0);
  const header: string[] = [];
  const getters: ((r: ViewRow) => string)[] = [];
  for (const i of idx) {
    const key = view.columns[i].key;
    const subs: string[] = [];
    // A column of statistics (every value named numbers) becomes one column per statistic; any other keeps
    // its values, objects as JSON (diff's A and B hold numbers, strings and a schedule's object alike).
    const values = view.rows.map((r) => r.cells[i].value).filter((v) => v !== undefined && v !== null);
    if (values.length > 0 && values.every(isStats)) for (const v of values) for (const k of Object.keys(v)) if (!subs.includes(k)) subs.push(k);
    if (subs.length === 0) {
      header.push(key);
      getters.push((r) => csvText(r.cells[i].value));
    } else {
      for (const s of subs) {
        header.push(`${key}.${s}`);
        getters.push((r) => {
          const v = r.cells[i].value;
          return isStats(v) ? csvText(v[s]) : '';
        });
      }
    }
  }
  return toCsv([header, ...view.rows.map((r) => getters.map((g) => g(r)))]);
}

/** The view as JSON: title, notes, columns and one object per row keyed by column key (typed values; absent keys omitted). */
export function renderJsonView(view: TableView): string {
  const idx = view.columns.map((c, i) => (c.only === 'text' ? -1 : i)).filter((i) => i >= 0);
  const rows = view.rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const i of idx) {
      const v = r.cells[i].value;
      if (v !== undefined) o[view.columns[i].key] = machineValue(v);
    }
    return o;
  });
  const out = {
    kind: view.kind,
    title: view.title,
    notes: view.notes,
    footnotes: view.footnotes,
    columns: idx.map((i) => ({ key: view.columns[i].key, label: view.columns[i].label })),
    rows,
  };
  return JSON.stringify(out, null, 2) + '\n';
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function sortValue(v: CellValue): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (isStats(v) && typeof v.mean === 'number') return String(v.mean);
  return undefined;
}

/**
 * The view as an HTML <table class="sortable"> (no page around it). Number cells carry data-v for the
 * sorting script (SORT_SCRIPT), rows of runs their run number as data-run; best rows have class "best",
 * unfinished runs their status as class.
 */
export function renderHtmlTable(view: TableView, id = 'table'): string {
  const idx = textColumns(view);
  const parts: string[] = [`<table class="sortable" id="${escapeHtml(id)}"><thead><tr>`];
  for (const i of idx) {
    const c = view.columns[i];
    parts.push(`<th${c.align === 'right' ? ' class="num"' : ''} title="${escapeHtml(c.key)}">${escapeHtml(c.label)}</th>`);
  }
  parts.push('</tr></thead><tbody>');
  for (const r of view.rows) {
    const cls = [r.best ? 'best' : '', r.status && r.status !== 'done' ? r.status : ''].filter(Boolean).join(' ');
    const run = r.run !== undefined ? ` data-run="${r.run}"` : '';
    parts.push(cls ? `<tr class="${cls}"${run}>` : `<tr${run}>`);
    for (const i of idx) {
      const cell = r.cells[i];
      const v = sortValue(cell.value);
      const c = view.columns[i];
      parts.push(`<td${c.align === 'right' ? ' class="num"' : ''}${v !== undefined ? ` data-v="${v}"` : ''}>${escapeHtml(cell.text)}</td>`);
    }
    parts.push('</tr>');
  }
  parts.push('</tbody></table>');
  return parts.join('');
}

/**
 * Inline script: clicking a header of a table.sortable sorts its rows (numbers by data-v, n/a and - last,
 * text by code point); a second click reverses. Full ties go to the lower run number (data-run), as
 * compare --sort breaks them. No library, no network.
 */
export const SORT_SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.tabIndex = 0;
    function sort() {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function byRun(a, b) {
        var ra = a.getAttribute('data-run'), rb = b.getAttribute('data-run');
        return ra === null || rb === null ? 0 : Number(ra) - Number(rb);
      }
      function byCell(a, b) {
        var ca = a.cells[col], cb = b.cells[col];
        var va = ca.getAttribute('data-v'), vb = cb.getAttribute('data-v');
        if (va === null || vb === null) {
          if (va !== null) return -1;
          if (vb !== null) return 1;
          var ta = ca.textContent, tb = cb.textContent;
          var ma = ta === 'n/a' || ta === '-' || ta === '', mb = tb === 'n/a' || tb === '-' || tb === '';
          if (ma !== mb) return ma ? 1 : -1;
          return (ta < tb ? -1 : ta > tb ? 1 : 0) * (asc ? 1 : -1);
        }
        return (Number(va) - Number(vb)) * (asc ? 1 : -1);
      }
      rows.sort(function (a, b) { return byCell(a, b) || byRun(a, b); });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
  });
});
`;

/** Shared style of dlsweep's HTML pages (report.html and compare --format html). */
export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --best: #fff8c5; --bad: #ffebe9; --warn: #fff1e5; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); margin: 0; padding: 24px 32px 48px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
p, li { color: var(--fg); }
.muted, .note { color: var(--muted); }
.note { font-size: 13px; margin: 4px 0; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
figure.confusion { width: 280px; }
.table-wrap { overflow-x: auto; }
table.sortable { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
table.sortable th, table.sortable td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; white-space: nowrap; }
table.sortable th { position: sticky; top: 0; background: #f6f8fa; cursor: pointer; user-select: none; }
table.sortable th[aria-sort=ascending]::after { content: " \\25B2"; font-size: 10px; }
table.sortable th[aria-sort=descending]::after { content: " \\25BC"; font-size: 10px; }
table.sortable .num { text-align: right; }
table.sortable tr.best td { background: var(--best); font-weight: 600; }
table.sortable tr.failed td, table.sortable tr.interrupted td, table.sortable tr.damaged td { background: var(--bad); }
table.sortable tr.diverged td { background: var(--warn); }
label.toggle { user-select: none; cursor: pointer; }
`;

/** A complete, self-contained HTML page (no external resource; a CSP forbids network requests). */
export function htmlPage(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
${body}
${script ? `<script>${script}</script>` : ''}
</body>
</html>
`;
}

/** The view as a standalone HTML page: title, notes, the sortable table, footnotes. */
export function renderHtmlView(view: TableView): string {
  const body = [
    `<h1>${escapeHtml(view.title)}</h1>`,
    view.summary ? `<p class="muted">${escapeHtml(view.summary)}</p>` : '',
    ...view.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`),
    `<div class="table-wrap">${renderHtmlTable(view)}</div>`,
    ...view.footnotes.map((n) => `<p class="note">${escapeHtml(n)}</p>`),
  ].join('\n');
  return htmlPage(view.title, body, SORT_SCRIPT);
}

/** Render a view in a format; text formats end with a newline. */
export function renderView(view: TableView, format: OutputFormat, options: { color?: boolean } = {}): string {
  switch (format) {
    case 'markdown':
      return renderMarkdownView(view);
    case 'csv':
      return renderCsvView(view);
    case 'json':
      return renderJsonView(view);
    case 'html':
      return renderHtmlView(view);
    default:
      return renderTerminalView(view, options) + '\n';
  }
}
