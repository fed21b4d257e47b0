/**
 * Reading a CSV file: bytes -> checked UTF-8 text -> records with their 1-based file line numbers.
 * Parsing is csv-parse's (RFC 4180 quotes, any line ending); this file adds the checks and line bookkeeping.
 */
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';
import { readFailure } from '../write-errors.js';
import { dataError, listFirst } from './problems.js';
import { sha256Hex } from './fingerprint.js';
import { knownDataset, missingFileMessage } from './registry.js';
import { plural } from '../text.js';

/** One CSV record: its fields (untrimmed) and the 1-based file line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** A parsed CSV file. */
export interface CsvFile {
  /** sha256 (hex) of the file's bytes as read (BOM and line endings included). */
  sha256: string;
  /** Non-blank records in file order. */
  records: CsvRecord[];
  warnings: string[];
  /** The text ends without a line break after its last record (as a file cut short does, among others). */
  endsMidLine?: boolean;
}

/** The dataset file is missing or is a folder: whoever read the experiment points this at its dataset.path. */
export class DatasetFileError extends UserError {
  constructor(
    message: string,
    hint: string,
    readonly path: string,
    /** The problem without the path's name, e.g. "file not found: data/x.csv". */
    readonly problem: string,
  ) {
    super(message, hint);
    this.name = 'DatasetFileError';
  }
}

/**
 * Read and parse a CSV file.
 * Accepts a UTF-8 BOM, LF / CRLF / CR line endings, quoted fields; blank lines at the end are ignored,
 * blank lines elsewhere are skipped with a warning.
 * `managedName` is the known dataset name (e.g. "wisconsin"), used for the missing-file message. `option` names
 * the command-line option that gave the path when it is not an experiment's dataset (e.g. `--input`), so
 * that a missing file is reported against that option rather than against dataset.path.
 * Throws: UserError when the file is missing or unreadable; DiagnosticError (with line and column when known)
 * when it is empty, not text (NUL byte, invalid UTF-8) or malformed CSV (unclosed quote...).
 */
export function readCsvFile(path: string, managedName?: string, delimiter = ',', option?: string): CsvFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (option !== undefined) {
      if (code === 'ENOENT') throw new UserError(`${option}: file not found: ${path}`, `give the path of a CSV file with ${option} FILE`);
      if (code === 'EISDIR') throw new UserError(`${option}: ${path} is a folder, not a file`, `give the path of a CSV file inside it with ${option} FILE`);
      const { why, hint } = readFailure(e, path);
      throw new UserError(`${option}: cannot read ${path}: ${why}`, hint);
    }
    if (code === 'ENOENT') {
      const known = managedName === undefined ? undefined : knownDataset(managedName);
      if (known) throw new UserError(missingFileMessage(known, path));
      throw new DatasetFileError(`Dataset file not found: ${path}`, 'put the CSV file at that path, or set dataset.path in the experiment file to where it is', path, `file not found: ${path}`);
    }
    if (code === 'EISDIR') throw new DatasetFileError(`Dataset path is a directory, not a file: ${path}`, 'set dataset.path to a CSV file', path, `${path} is a folder, not a file`);
    const { why, hint } = readFailure(e, path);
    throw new UserError(`cannot read dataset file ${path}: ${why}`, hint);
  }
  const sha256 = sha256Hex(bytes);
  const text = decodeText(path, bytes);
  return { sha256, ...parseCsvText(path, text, delimiter) };
}

/**
 * Check that bytes are UTF-8 text and decode them, dropping a leading BOM.
 * Throws: DiagnosticError on an empty file, a NUL byte (binary or UTF-16 file) or invalid UTF-8.
 */
export function decodeText(file: string, bytes: Uint8Array): string {
  if (bytes.length === 0) throw dataError(file, 'the file is empty (0 bytes)', { hint: 'expected CSV text: one row per line, comma-separated values' });
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw dataError(file, `not a text file: NUL byte at byte offset ${nul}`, {
      line: lineOfOffset(bytes, nul),
      hint: 'expected a UTF-8 CSV file; if it is UTF-16 or a spreadsheet (.xlsx), save it as CSV UTF-8',
    });
  }
  if (!isUtf8(bytes)) {
    // Locate the first bad sequence via the replacement character of a lenient decode (close enough for a message).
    const lenient = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    const at = lenient.indexOf('\uFFFD');
    const line = at >= 0 ? lenient.slice(0, at).split('\n').length : undefined;
    throw dataError(file, 'not a UTF-8 text file: invalid UTF-8 byte sequence', {
      line,
      hint: 'save the file as CSV UTF-8 (e.g. convert from Latin-1 with `iconv -f latin1 -t utf-8`)',
    });
  }
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

/** 1-based line number of a byte offset (counting LF). */
function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

interface ParsedRow {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * Parse CSV text (no BOM) into non-blank records with their starting line numbers; `delimiter` separates fields.
 * Throws: DiagnosticError on malformed quoting or when there is no non-blank record.
 */
export function parseCsvText(file: string, text: string, delimiter = ','): { records: CsvRecord[]; warnings: string[]; endsMidLine: boolean } {
  // Why normalize: csv-parse counts a CRLF inside a quoted field as two lines; with LF only its counts are exact.
  const lf = text.replace(/\r\n?/g, '\n');
  let rows: ParsedRow[];
  try {
    rows = parse(lf, {
      info: true,
      raw: true,
      relax_column_count: true, // we report wrong field counts ourselves, with the expected count
      skip_empty_lines: false, // we need to see blank lines to warn about them and keep line numbers exact
      bom: false,
      delimiter,
    }) as unknown as ParsedRow[];
  } catch (e) {
    throw csvParseError(file, lf, e);
  }
  const records: CsvRecord[] = [];
  const blank: number[] = [];
  let trailingBlank = 0;
  let prevEnd = 0;
  for (const row of rows) {
    const line = prevEnd + 1;
    prevEnd = row.info.lines;
    if (row.raw.trim() === '') {
      blank.push(line);
      trailingBlank++;
      continue;
    }
    trailingBlank = 0;
    records.push({ fields: row.record, line });
  }
  if (records.length === 0) {
    throw dataError(file, 'the file has no data: only blank lines', { hint: 'expected CSV text: one row per line, comma-separated values' });
  }
  const warnings: string[] = [];
  const inner = blank.slice(0, blank.length - trailingBlank);
  if (inner.length > 0) {
    warnings.push(`skipped ${inner.length} blank ${plural(inner.length, 'line')} (line ${listFirst(inner.slice(0, 10), inner.length)})`);
  }
  return { records, warnings, endsMidLine: !/\n\s*$/.test(lf) };
}

/** Turn a csv-parse error into a positioned diagnostic. */
function csvParseError(file: string, text: string, e: unknown): Error {
  const err = e as { code?: string; message?: string; lines?: number; index?: number; raw?: string };
  if (typeof err.code !== 'string' || err.code === 'CSV_INVALID_ARGUMENT') return e as Error;
  let line = typeof err.lines === 'number' ? err.lines : undefined;
  const column = typeof err.index === 'number' ? err.index + 1 : undefined;
  let message = err.message ?? 'malformed CSV';
  let hint = 'a field containing quotes must be quoted itself, with inner quotes doubled: "say ""hi"""';
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
    // csv-parse's raw is the unfinished record, i.e. the end of the text: point at the line where it starts.
    if (typeof err.raw === 'string' && err.raw.length > 0 && text.endsWith(err.raw)) {
      line = text.slice(0, text.length - err.raw.length).split('\n').length;
    }
    message = 'a quoted field is never closed (the quote runs to the end of the file)';
    hint = 'add the closing double quote';
  } else if (err.code === 'INVALID_OPENING_QUOTE') {
    message = 'malformed CSV: a double quote inside an unquoted field';
  } else if (err.code === 'CSV_INVALID_CLOSING_QUOTE') {
    message = 'malformed CSV: text after the closing quote of a quoted field';
  } else {
    // csv-parse's own wording counts fields from 0; our column is 1-based, so keep only its first clause.
    message = `malformed CSV: ${message.replace(/^[A-Za-z ]+: /, '').split(/ at line | on field /)[0]}`;
  }
  return dataError(file, message, { line, column, hint });
}

/** Candidate field separators, in the order they are suggested. */
const DELIMITERS = [',', ';', '\t', '|'];

/** The first candidate separator other than `delimiter` that `line` holds, or undefined. */
export function otherDelimiterIn(line: string, delimiter: string): string | undefined {
  return DELIMITERS.find((d) => d !== delimiter && line.includes(d));
}

/** A separator in a message: `;`, or tab (\t). */
export function shownDelimiter(d: string): string {
  return d === '\t' ? 'tab (\\t)' : `\`${d}\``;
}

/**
 * A dataset needs a label column and a feature column: when every line holds a single field, the file is most
 * likely separated by another character. Throws: DiagnosticError naming the separator the first line holds,
 * if any, and the option that sets it.
 */
export function requireTwoColumns(file: string, records: CsvRecord[], delimiter: string): void {
  if (records.length > 0 && records.every((r) => r.fields.length === 1)) throw oneColumn(file, records[0], delimiter);
}

function oneColumn(file: string, first: CsvRecord, delimiter: string): Error {
  const line = first.fields[0];
  const other = otherDelimiterIn(line, delimiter);
  const found = other === undefined ? [] : [other];
  const shown = shownDelimiter;
  const yaml = (d: string): string => (d === '\t' ? '"\\t"' : `"${d}"`);
  return dataError(file, `every line holds one field when split at ${shown(delimiter)}${found.length ? `; the lines are separated by ${shown(found[0])}` : ''}`, {
    line: first.line,
    found: line.length > 60 ? `${line.slice(0, 57)}...` : line,
    expected: 'a label column and at least one feature column',
    hint: found.length ? `set dataset.delimiter: ${yaml(found[0])}` : 'separate the fields with a comma, or set dataset.delimiter to the character between them',
  });
}
