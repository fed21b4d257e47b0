/** Warnings about damaged runs: readers show them and go on, naming each once. */
import { notARunWarning, type Row } from '../report/rows.js';
import { NOT_A_RUN_FOLDER, holdsNoRunOfItsOwn } from '../store/integrity.js';
import { searchRecordProblems } from '../store/search-file.js';
import type { CliIO } from './io.js';

/** The warning for one damaged run (a row whose status is damaged; its note lists the problems). */
export function damagedWarning(row: Pick<Row, 'sweep' | 'folder' | 'note'>): string {
  // A file named like a run folder holds no run: resume has nothing to train again there.
  if (row.note === NOT_A_RUN_FOLDER) return notARunWarning(row.sweep, row.folder);
  // Another run's files: resume cannot make it a run of this sweep (integrity.ts otherRunsFiles).
  if (holdsNoRunOfItsOwn([row.note ?? ''])) return `warning: ${row.sweep}/${row.folder} ${row.note}; shown as damaged and left out of the results (dlsweep verify ${row.sweep} says where to move it)`;
  return `warning: ${row.sweep}/${row.folder} is damaged: ${row.note ?? 'unreadable'}; shown as damaged and left out of the results (dlsweep verify lists it; run --resume trains it again)`;
}

/** One warning per damaged row, each run once. */
export function damagedWarnings(rows: readonly Pick<Row, 'sweep' | 'folder' | 'note' | 'status'>[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rows) {
    if (r.status !== 'damaged' || seen.has(`${r.sweep}/${r.folder}`)) continue;
    seen.add(`${r.sweep}/${r.folder}`);
    out.push(damagedWarning(r));
  }
  return out;
}

/** Write one warning per damaged row to stderr, each run once. */
export function warnDamaged(io: CliIO, rows: readonly Pick<Row, 'sweep' | 'folder' | 'note' | 'status'>[]): void {
  for (const line of damagedWarnings(rows)) io.stderr.write(line + '\n');
}

/**
 * The warnings for a search sweep whose search.json is missing, damaged or not its own (store/search-file.ts
 * searchRecordProblems), `name` as EXPERIMENT/SWEEP_ID: the readers go on from the run folders and sweep.json
 * (a search sweep.json records done is finished), and a resume writes search.json again. None for a grid.
 */
export function searchRecordWarnings(dir: string, name: string, sweep: { status?: string; search?: { method: string } }): string[] {
  return searchRecordProblems(dir, sweep).map((p) => `warning: ${name}: ${p}; the runs are read from their folders (dlsweep verify ${name} lists what is wrong; dlsweep run EXPERIMENT_FILE --resume ${name} rebuilds it)`);
}
