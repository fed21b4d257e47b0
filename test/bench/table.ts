/**
 * The terminal table of a big sweep: 10,000 runs drawn as `run --top all` and `compare` draw them, against
 * one cli-table3 table of the same rows (whose layout pass is quadratic in rows, so the reference is timed
 * on 2,000 rows, where it already takes seconds). Work on each side: the same view, every row drawn.
 */
import Table from 'cli-table3';
import type { BenchRow } from './report.js';
import { median, time } from './measure.js';
import { runsView } from '../../src/report/compare/index.js';
import { renderTerminalView, type TableView } from '../../src/report/render.js';
import { row } from '../unit/report-fixtures.js';

/** The runs view of n in-memory runs over a 3-axis grid (the table a sweep of n points prints). */
function sweepView(n: number): TableView {
  const rows = Array.from({ length: n }, (_, i) =>
    row(i + 1, { learning_rate: [0.001, 0.01, 0.1, 1][i % 4], hidden_sizes: [[i % 50]], seed: Math.floor(i / 200) }, {
      'train.loss': 0.1 + (i % 97) / 1000,
      'train.accuracy': 0.9 + (i % 89) / 1000,
      'validation.loss': 0.12 + (i % 83) / 1000,
      'validation.accuracy': 0.88 + (i % 79) / 1000,
      'validation.fn': i % 7,
      'validation.fp': i % 5,
    }),
  );
  return runsView('bench/20260101-000000-abcd', rows);
}

/** One cli-table3 table of the whole view, as the terminal renderer drew it before chunking. */
function oneTable(view: TableView): string {
  const table = new Table({ head: view.columns.map((c) => c.label), chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, style: { head: [], border: [] } });
  for (const r of view.rows) table.push(r.cells.map((c) => c.text));
  return table.toString();
}

/** Rows: 2,000 runs ours vs one table; 10,000 runs ours alone (goal: two seconds at most). */
export function tableCases(reps: number): BenchRow[] {
  const small = sweepView(2000);
  const big = sweepView(10_000);
  const ours2k: number[] = [];
  const ref2k: number[] = [];
  const ours10k: number[] = [];
  for (let i = 0; i < reps; i++) {
    ours2k.push(time(() => renderTerminalView(small)));
    ref2k.push(time(() => oneTable(small)));
    ours10k.push(time(() => renderTerminalView(big)));
  }
  return [
    {
      id: 'table-2k',
      case: 'terminal table of 2,000 runs, every row drawn: chunks of 200 rows vs one cli-table3 table',
      ours: median(ours2k),
      ours_samples: ours2k,
      unit: 's',
      reference: median(ref2k),
      reference_samples: ref2k,
      reference_name: 'one cli-table3 table',
      goal: 'faster than one table',
      goal_ratio: 1,
    },
    {
      id: 'table-10k',
      case: 'terminal table of 10,000 runs, every row drawn (run --top all, compare)',
      ours: median(ours10k),
      ours_samples: ours10k,
      unit: 's',
      reference: null,
      reference_samples: [],
      reference_name: null,
      goal: '<= 2 s',
      goal_ratio: null,
      goal_max: 2,
    },
  ];
}
