/** `dlsweep data ls`: what the known datasets' files are in a data folder (present, rows, checksum, source). */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { rowsOf } from '../datasets/download.js';
import { sha256Hex } from '../datasets/fingerprint.js';
import { checkDataDir } from '../datasets/install.js';
import { KNOWN_DATASETS } from '../datasets/registry.js';
import type { CliIO } from './io.js';

/** One known dataset in `data ls`. */
export interface DataLsRow {
  name: string;
  /** Absolute path where the file is expected. */
  path: string;
  present: boolean;
  /** Size in bytes, when present. */
  bytes?: number;
  /** sha256 (hex) of the file, when present. */
  sha256?: string;
  /** The sha256 the file should have, when dlsweep knows its source. */
  expectedSha256?: string;
  /** Whether sha256 equals expectedSha256 (undefined when absent or nothing is expected). */
  sha256Matches?: boolean;
  /** Non-blank lines, when present. */
  rows?: number;
  /** Download URL (default, not a mirror), when known. */
  source?: string;
  /** Why a present path could not be read (a folder, no permission). */
  problem?: string;
}

/**
 * The known datasets and their state in `dataDir` (resolved against the current directory): present or not,
 * sha256 and whether it matches, row count (non-blank lines), source URL.
 * Reads each present file whole (managed files are small). Throws: nothing for missing or unreadable files
 * (they are reported in the row).
 */
export function dataLs(dataDir: string): DataLsRow[] {
  return KNOWN_DATASETS.map((d) => {
    const path = resolve(dataDir, d.file);
    const source = d.source;
    const row: DataLsRow = { name: d.name, path, present: false, expectedSha256: source?.sha256, source: source?.url };
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') row.problem = code === 'EISDIR' ? 'a folder, not a file' : (e as Error).message;
      return row;
    }
    const sha256 = sha256Hex(bytes);
    return {
      ...row,
      present: true,
      bytes: bytes.length,
      sha256,
      sha256Matches: source ? sha256 === source.sha256 : undefined,
      rows: rowsOf(bytes),
    };
  });
}

/**
 * `dlsweep data ls`: one line per known dataset (present or not, rows, sha256 and whether it is the expected
 * file, path), then each source. Returns exit code 0. Throws: UserError when the data folder is a file; nothing
 * for missing files.
 */
export function dataLsCommand(options: { dataDir?: string }, io: CliIO): number {
  const dataDir = resolve(io.cwd, options.dataDir ?? 'data');
  checkDataDir(dataDir, io.cwd);
  const rows = dataLs(dataDir);
  io.stdout.write(formatDataLs(rows, io.cwd) + '\n');
  return 0;
}

/** The `data ls` text: an aligned table, then source and description lines. */
export function formatDataLs(rows: DataLsRow[], cwd: string): string {
  const show = (p: string) => {
    const rel = relative(cwd, p);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
  };
  const table = [
    ['dataset', 'present', 'rows', 'sha256', 'path'],
    ...rows.map((r) => [
      r.name,
      r.present ? 'yes' : r.problem ? `no (${r.problem})` : 'no',
      r.rows === undefined ? '-' : String(r.rows),
      r.sha256 === undefined ? '-' : `${r.sha256}${r.sha256Matches === true ? ' (ok)' : r.sha256Matches === false ? ` (differs: expected ${r.expectedSha256})` : ''}`,
      show(r.path),
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((line) => line[c].length)));
  const lines = table.map((line) => line.map((cell, c) => (c === line.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '));
  for (const r of rows) {
    const d = KNOWN_DATASETS.find((k) => k.name === r.name);
    if (r.source) lines.push(`${r.name} source: ${r.source}`);
    if (!r.present && r.source) lines.push(`${r.name}: get it with \`dlsweep data fetch ${r.name}\``);
    if (d && !r.source) lines.push(`${r.name}: ${d.description}`);
  }
  return lines.join('\n');
}

