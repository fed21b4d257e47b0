/**
 * Reading an experiment file: the text from disk, then YAML 1.2 (core schema) parsed with positions, every YAML
 * problem turned into a Diagnostic with file:line:column. Output: the document's plain data and its Source (for
 * positions), or a DiagnosticError when the text is not a usable YAML mapping.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Parser, visit, type CST, type Node, type YAMLError, type YAMLMap } from 'yaml';
import { DiagnosticError, UserError, type Diagnostic } from '../errors.js';
import { readFailure } from '../write-errors.js';
import { formatPath, Source, type Segments } from './source.js';

/** An experiment file's parsed form: its data, its source (positions), and problems that do not stop the checks. */
export interface ParsedYaml {
  src: Source;
  data: Record<string, unknown>;
  /** Errors that leave the tree whole (duplicate keys, tags outside the core schema): reported with the checks' errors. */
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** Paths of values with a tag outside the core schema: their tag's error is theirs, other checks' at or under them are dropped. */
  masked: string[];
}

export const MINIMAL_EXAMPLE = ['name: my-sweep', 'dataset: wisconsin', 'grid:', '  learning_rate: [0.01, 0.1]'].join('\n');

/**
 * The largest experiment file read, in bytes (1 MiB): experiment files take a few hundred bytes, and 1 MiB holds
 * some 100,000 grid values, the most a sweep may run (--max-runs). Larger text is refused before it is parsed.
 */
export const MAX_EXPERIMENT_BYTES = 1 << 20;

/**
 * The most levels of lists and mappings an experiment file may nest. The schema's deepest value is at level 4
 * (the top mapping, grid:, the lr_schedule list, one schedule's mapping); YAML nested hundreds deep would
 * exhaust the parser's stack, so it is refused at the first list or mapping past the limit.
 */
export const MAX_NESTING = 32;

/** The most keys one mapping may hold: the largest an experiment needs, fixed: or grid: with every parameter, has about 40. */
export const MAX_KEYS = 1000;

/**
 * The text of an experiment file (UTF-8); `file` is resolved against `cwd`.
 * Throws: UserError when the file does not exist, is a folder, or cannot be read; DiagnosticError when it
 * is UTF-16 (with a byte-order mark or without: NUL bytes), holds any NUL byte, or is not valid UTF-8.
 */
export function readExperimentText(file: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  let bytes: Buffer;
  try {
    bytes = readAtMost(abs, MAX_EXPERIMENT_BYTES + 1);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UserError(
        `experiment file not found: ${file}`,
        `looked for ${abs}. Give the path of a YAML experiment file, e.g. experiments/seed-article.yaml.`,
      );
    }
    if (code === 'EISDIR') {
      throw new UserError(`experiment file ${file} is a folder, not a file`, 'give the path of a YAML file inside it, e.g. experiments/seed-article.yaml.');
    }
    const { why, hint } = readFailure(e, file);
    throw new UserError(`cannot read experiment file ${file}: ${why}`, hint);
  }
  if (bytes.length > MAX_EXPERIMENT_BYTES) throw tooLarge(file);
  // UTF-16 (as some Windows editors save) would read as NUL-riddled keys: say what the file is instead.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new DiagnosticError([
      {
        severity: 'error',
        file,
        line: 1,
        column: 1,
        path: '',
        message: `the file is not UTF-8: it starts with a UTF-16 byte-order mark (${bytes[0] === 0xff ? 'little' : 'big'}-endian)`,
        hint: `save it as UTF-8 in your editor, or convert it: iconv -f UTF-16 -t UTF-8 ${file} > converted.yaml`,
      },
    ]);
  }
  // Without a byte-order mark, UTF-16 shows as a NUL byte beside each ASCII character; YAML allows no NUL anywhere.
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const endian = utf16Endianness(bytes);
    const before = bytes.subarray(0, nul).toString('utf8');
    throw new DiagnosticError([
      {
        severity: 'error',
        file,
        line: endian ? 1 : before.split('\n').length,
        column: endian ? 1 : before.length - before.lastIndexOf('\n'),
        path: '',
        message: endian
          ? `the file is not UTF-8: it holds NUL bytes beside its characters, as UTF-16 (${endian === 'LE' ? 'little' : 'big'}-endian) without a byte-order mark does`
          : 'the file is not UTF-8 text: it holds a NUL byte (a binary file?)',
        hint: endian
          ? `save it as UTF-8 in your editor, or convert it: iconv -f UTF-16${endian} -t UTF-8 ${file} > converted.yaml`
          : 'give the path of a YAML experiment file saved as UTF-8',
      },
    ]);
  }
  const text = bytes.toString('utf8');
  if (!isUtf8(bytes)) {
    // Undecodable bytes would read as U+FFFD and surface later as a wrong value: point at the first one instead.
    const before = text.slice(0, text.indexOf('\uFFFD'));
    const line = before.split('\n').length;
    throw new DiagnosticError([
      {
        severity: 'error',
        file,
        line,
        column: before.length - before.lastIndexOf('\n'),
        path: '',
        message: 'the file is not UTF-8: this line holds bytes that are not a UTF-8 character (another encoding, such as Latin-1, or a binary file)',
        hint: `save it as UTF-8 in your editor, or convert it: iconv -f LATIN1 -t UTF-8 ${file} > converted.yaml`,
      },
    ]);
  }
  return text;
}

/**
 * 'BE' or 'LE' when `bytes` read as UTF-16 without a byte-order mark: most of the first 1,000 code units have a NUL
 * high byte (ASCII text), at even offsets for big-endian, odd ones for little-endian; undefined otherwise.
 */
function utf16Endianness(bytes: Buffer): 'BE' | 'LE' | undefined {
  const units = Math.min(1000, Math.floor(bytes.length / 2));
  let even = 0;
  let odd = 0;
  for (let i = 0; i < units; i++) {
    if (bytes[2 * i] === 0) even++;
    if (bytes[2 * i + 1] === 0) odd++;
  }
  if (units === 0) return undefined;
  if (even >= units / 2 && odd === 0) return 'BE';
  if (odd >= units / 2 && even === 0) return 'LE';
  return undefined;
}

/**
 * The first `limit` bytes of a file (all of it when shorter), read in chunks: a huge file, or a device that never
 * ends (/dev/zero), is not read past the limit. Throws: the file system's error (ENOENT, EISDIR...).
 */
function readAtMost(file: string, limit: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 16, limit - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** The refusal of an experiment file over MAX_EXPERIMENT_BYTES. */
function tooLarge(file: string): DiagnosticError {
  return new DiagnosticError([
    {
      severity: 'error',
      file,
      path: '',
      message: `the file is larger than ${MAX_EXPERIMENT_BYTES / 2 ** 20} MiB, the most an experiment file may hold (one takes a few hundred bytes)`,
      hint: 'is this the experiment file? A grid too large to write by hand is better drawn by a search: search: {method: random, trials: 100} with distributions such as learning_rate: {log_uniform: [1.0e-4, 1.0]}',
    },
  ]);
}

/**
 * Where the text's lists and mappings go past what an experiment file may hold: the first one nested deeper
 * than MAX_NESTING (with the deepest level reached), else the first mapping with more than MAX_KEYS keys; undefined
 * when neither. Reads yaml's concrete syntax tree, which its parser builds without recursion, and walks it with
 * a stack of its own, so any depth is measured without exhausting the call stack (and a mapping of 50,000 keys
 * never reaches the quadratic duplicate-key check). Fills `lineCounter` with the text's line starts.
 */
function shapeProblem(text: string, lineCounter: LineCounter): { offset: number; deepest?: number; keys?: number } | undefined {
  const stack: { token: CST.Token; level: number }[] = [];
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) stack.push({ token, level: 0 });
  let deep: number | undefined;
  let wide: { offset: number; keys: number } | undefined;
  let deepest = 0;
  while (stack.length > 0) {
    const { token, level } = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push({ token: token.value, level });
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      const inner = level + 1;
      deepest = Math.max(deepest, inner);
      if (inner > MAX_NESTING && (deep === undefined || token.offset < deep)) deep = token.offset;
      const isMapping = token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
      if (isMapping && token.items.length > MAX_KEYS && (wide === undefined || token.offset < wide.offset)) wide = { offset: token.offset, keys: token.items.length };
      for (const item of token.items) {
        if ('key' in item && item.key) stack.push({ token: item.key, level: inner });
        if (item.value) stack.push({ token: item.value, level: inner });
      }
    }
  }
  if (deep !== undefined) return { offset: deep, deepest };
  return wide;
}

/**
 * Parse experiment text as YAML 1.2 with positions. `file` is used in diagnostics. Numbers written with leading
 * zeros are read as decimal, with a warning.
 * Throws: DiagnosticError for text over MAX_EXPERIMENT_BYTES, lists and mappings nested deeper than
 * MAX_NESTING, a mapping of more than MAX_KEYS keys, a syntax error (all of them, positioned), a `%YAML` directive for another version, merge keys
 * (`<<: *anchor`), aliases that expand past 1000 values, an empty document, or a top level that is not a mapping.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  if (text.length > MAX_EXPERIMENT_BYTES || Buffer.byteLength(text) > MAX_EXPERIMENT_BYTES) throw tooLarge(file);
  const counter = new LineCounter();
  const shape = shapeProblem(text, counter);
  if (shape) {
    const at = { ...new Source(text, file, new Document(), counter).atOffset(shape.offset), length: 1 };
    throw new DiagnosticError([
      shape.deepest !== undefined
        ? {
            severity: 'error',
            file,
            path: '',
            message: `YAML nested too deep: this list or mapping is at level ${MAX_NESTING + 1} (the file reaches level ${shape.deepest}), and an experiment file nests at most ${MAX_NESTING} levels`,
            expected: `at most ${MAX_NESTING} levels of lists and mappings (an experiment needs 4: grid: {lr_schedule: [{kind: step}]})`,
            hint: 'look for brackets `[` or `{` opened by mistake (or never closed), or a generated file that nests each value in the one before',
            ...at,
          }
        : {
            severity: 'error',
            file,
            path: '',
            message: `this mapping holds ${shape.keys!.toLocaleString('en-US')} keys, and a mapping of an experiment file holds at most ${MAX_KEYS.toLocaleString('en-US')}`,
            expected: `at most ${MAX_KEYS.toLocaleString('en-US')} keys (fixed: or grid: with every parameter holds about 40)`,
            hint: 'is this the experiment file? A parameter takes its candidates as one list: learning_rate: [0.01, 0.1]',
            ...at,
          },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const src = new Source(text, file, doc, lineCounter);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];

  // Duplicate keys do not stop the checks; other syntax errors do (the tree may be partial).
  let syntaxBroken = false;
  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') errors.push(duplicateKey(e, src));
    else {
      syntaxBroken = true;
      errors.push(yamlProblem(e, src, 'error'));
    }
  }
  for (const w of doc.warnings) warnings.push(yamlProblem(w, src, 'warning'));
  if (syntaxBroken) {
    // The parser notices an unclosed bracket or quote only where the file ends or the indentation drops, and
    // says so there: point at the opener instead, and drop the parser's errors that follow from it.
    const unclosed = unclosedOpeners(text, src);
    if (unclosed.length > 0) {
      const first = Math.min(...unclosed.map((u) => u.offset));
      const before = errors.filter((d) => d.line !== undefined && src.position(first).line > d.line && !/not closed|end with an? [\]}]|Missing closing/.test(d.message + (d.hint ?? '')));
      throw new DiagnosticError(sortDiagnostics([...before, ...unclosed.map((u) => u.diagnostic)]));
    }
    throw new DiagnosticError(sortDiagnostics(errors));
  }
  // Before any check that follows aliases: an alias inside its own anchor would make each of them recurse forever.
  const cycles = cyclicAliases(src);
  if (cycles.length > 0) throw new DiagnosticError(sortDiagnostics(cycles));
  // Values read under another YAML version, or mappings built by merge keys, are not what the checks would see.
  const version = versionDirective(text, src);
  if (version) throw new DiagnosticError([version]);
  const merges = mergeKeys(src);
  if (merges.length > 0) throw new DiagnosticError(sortDiagnostics(merges));
  // A foreign tag leaves the tree whole: its error goes with the checks' errors on the rest of the file.
  const tags = foreignTags(src);
  errors.push(...tags);
  const aliases = unresolvedAliases(src);
  if (aliases.length > 0) throw new DiagnosticError(sortDiagnostics(aliases));
  warnings.push(...leadingZeros(src));

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    throw new DiagnosticError([
      {
        severity: 'error',
        file,
        path: '',
        line: 1,
        column: 1,
        message: 'the experiment file is empty',
        hint: `an experiment needs at least a name and a dataset, e.g.\n${MINIMAL_EXAMPLE}`,
      },
    ]);
  }
  if (!isMap(root)) {
    throw new DiagnosticError([
      {
        severity: 'error',
        file,
        path: '',
        message: `the top level must be a mapping of keys (name:, dataset:, grid: ...), not ${isSeq(root) ? 'a list' : 'a single value'}`,
        found: src.found(root),
        hint: `e.g.\n${MINIMAL_EXAMPLE}`,
        ...src.at(root),
      },
    ]);
  }

  let data: Record<string, unknown>;
  try {
    data = doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown>;
  } catch (e) {
    const alias = /alias count/i.test((e as Error).message) ? multiplyingAlias(src) : undefined;
    if (alias) throw new DiagnosticError([alias]);
    throw new DiagnosticError([
      { severity: 'error', file, path: '', line: 1, column: 1, message: `cannot read the YAML document: ${(e as Error).message}` },
    ]);
  }
  return { src, data, errors, warnings, masked: tags.map((d) => d.path) };
}

/** Diagnostics in file order (line, then column; unpositioned last). */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

// ---------------------------------------------------------------------------------------------------------------
// YAML problems

const YAML_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'the file contains more than one YAML document',
  // The parser's own guard (nesting past MAX_NESTING is refused before it is reached, see shapeProblem).
  RESOURCE_EXHAUSTION: 'the document is too large or too deeply nested to read',
};

const SYNTAX_HINTS: Record<string, string> = {
  BAD_INDENT: 'check the indentation: the keys of one mapping start in the same column (spaces, not tabs)',
  TAB_AS_INDENT: 'YAML indentation uses spaces, not tabs',
  MULTIPLE_DOCS: 'an experiment file holds one YAML document: remove the `---` line',
  MISSING_CHAR: 'a bracket or quote is not closed',
  MULTILINE_IMPLICIT_KEY: 'a key and its `:` must be on one line (is a `:` or a closing quote missing?)',
  BLOCK_AS_IMPLICIT_KEY: 'is a `:` missing, or a value that contains `: ` unquoted?',
  UNEXPECTED_TOKEN: 'check the characters at this position (unquoted `:`, `#`, `[` or `{` in a value need quotes)',
};

function yamlProblem(e: YAMLError, src: Source, severity: 'error' | 'warning'): Diagnostic {
  const message =
    YAML_MESSAGES[e.code] ?? e.message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
  const d: Diagnostic = {
    severity,
    file: src.file,
    path: '',
    message: severity === 'error' ? `YAML syntax error: ${message}` : message,
    ...src.atOffset(e.pos[0], e.pos[1]),
  };
  const hint = /end with an? [\]}]/.test(message)
    ? 'a `[` or `{` opened before this point is not closed (is a `]` or `}` missing?)'
    : SYNTAX_HINTS[e.code];
  if (hint) d.hint = hint;
  return d;
}

/** Whether a quoted scalar's source (from its opening quote on) has its closing quote. */
function quoteClosed(source: string): boolean {
  const quote = source[0];
  for (let i = 1; i < source.length; i++) {
    if (quote === '"' && source[i] === '\\') i++;
    else if (source[i] === quote) {
      // In single quotes, '' is a quote inside the string.
      if (quote === "'" && source[i + 1] === "'") i++;
      else return true;
    }
  }
  return false;
}

type Opener = { offset: number; char: string; onOneLine: boolean };
/** A `]` or `}` that ends a collection opened by the other bracket. */
type Mismatch = { offset: number; char: string; opener: number; openerChar: string };

/**
 * Reads yaml's concrete syntax tree for brackets and quotes: those never closed (an opener whose collection
 * holds an unclosed quote is left out: the quote is the fault) and closers that end the innermost collection
 * with the wrong bracket. Nesting is already within MAX_NESTING, so recursion is shallow.
 */
function bracketProblems(text: string): { found: Opener[]; mismatches: Mismatch[] } {
  const found: Opener[] = [];
  const mismatches: Mismatch[] = [];
  const lineEnd = (offset: number): number => {
    const i = text.indexOf('\n', offset);
    return i < 0 ? text.length : i;
  };
  /** Walks a token; true when an unclosed quote lies inside it. */
  const walk = (token: CST.Token | undefined | null): boolean => {
    if (!token) return false;
    if (token.type === 'document') return walk(token.value);
    if (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') {
      if (quoteClosed(token.source)) return false;
      found.push({ offset: token.offset, char: token.source[0], onOneLine: true });
      return true;
    }
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      let quote = false;
      for (const item of token.items) {
        if ('key' in item && walk(item.key as CST.Token | null)) quote = true;
        if (walk(item.value)) quote = true;
      }
      if (token.type === 'flow-collection' && !quote) {
        // The parser ends a collection at the first `]` or `}`, whichever it is.
        const closer = token.end.find((t) => t.type === 'flow-seq-end' || t.type === 'flow-map-end');
        if (closer && closer.source !== closerOf(token.start.source)) {
          mismatches.push({ offset: closer.offset, char: closer.source, opener: token.offset, openerChar: token.start.source });
        } else if (!closer) {
          const end = lineEnd(token.offset);
          const onOneLine = token.items.every((it) => (it.value?.offset ?? 0) < end && (!('key' in it) || !it.key || it.key.offset < end));
          found.push({ offset: token.offset, char: token.start.source, onOneLine });
        }
      }
      return quote;
    }
    return false;
  };
  for (const token of new Parser().parse(text)) walk(token);
  return { found, mismatches };
}

const closerOf = (c: string): string => (c === '[' ? ']' : c === '{' ? '}' : c);

/**
 * The `[`, `{` and quotes of the text that are never closed, each as a diagnostic at the opener itself, and the
 * `]` or `}` that closes a collection opened by the other bracket, as a diagnostic at that closer. On a line with
 * a wrong closer, the one hint repairs the whole line (each wrong closer replaced, what is left open closed at
 * its end), shown only when the repaired line reads without a bracket problem; the openers it closes are not
 * reported apart.
 */
function unclosedOpeners(text: string, src: Source): { offset: number; diagnostic: Diagnostic }[] {
  const { found, mismatches } = bracketProblems(text);
  const lineEnd = (offset: number): number => {
    const i = text.indexOf('\n', offset);
    return i < 0 ? text.length : i;
  };
  const lineOf = (offset: number): number => src.position(offset).line;
  /**
   * The line repaired one of two ways: each wrong closer replaced by the right one (`{a: 1]` -> `{a: 1}`), or
   * the first wrong closer removed (`{a: 1]}` -> `{a: 1}`), its one-line openers still open closed at its end.
   */
  const repaired = (line: number, how: 'replace' | 'remove'): string => {
    let lineText = src.lines[line - 1] ?? '';
    const lineStart = text.split('\n').slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    const onLine = mismatches.filter((x) => lineOf(x.offset) === line).sort((x, y) => y.offset - x.offset);
    for (const m of how === 'replace' ? onLine : onLine.slice(-1)) {
      const at = m.offset - lineStart;
      lineText = lineText.slice(0, at) + (how === 'replace' ? closerOf(m.openerChar) : '') + lineText.slice(at + 1);
    }
    const open = found.filter((f) => lineOf(f.offset) === line && f.onOneLine).sort((a, b) => b.offset - a.offset);
    return lineText.replace(/\s+$/, '') + open.map((f) => closerOf(f.char)).join('');
  };
  /** Whether the text with this line in place of the line reads without a problem on it. */
  const reads = (line: number, fixed: string): boolean => {
    const lines = text.split('\n');
    lines[line - 1] = fixed;
    const fixedText = lines.join('\n');
    const after = bracketProblems(fixedText);
    const fixedLines = new LineCounter();
    const fixedDoc = parseDocument(fixedText, { lineCounter: fixedLines, prettyErrors: false, version: '1.2' });
    return (
      !fixedDoc.errors.some((e) => e.code !== 'DUPLICATE_KEY' && fixedLines.linePos(e.pos[0]).line === line) &&
      !after.mismatches.some((m) => fixedLines.linePos(m.offset).line === line) &&
      !after.found.some((f) => fixedLines.linePos(f.offset).line === line)
    );
  };
  const fixes = new Map<number, { how: 'replace' | 'remove'; example: string }>();
  for (const line of new Set(mismatches.map((m) => lineOf(m.offset)))) {
    if (/#/.test(src.lines[line - 1] ?? '')) continue;
    for (const how of ['replace', 'remove'] as const) {
      const fixed = repaired(line, how);
      if (!reads(line, fixed)) continue;
      fixes.set(line, { how, example: fixed.trim() });
      break;
    }
  }
  const out: { offset: number; diagnostic: Diagnostic }[] = [];
  for (const m of mismatches) {
    const line = lineOf(m.offset);
    const fix = fixes.get(line);
    // Once the first wrong closer of the line is removed the others are right: it alone is the fault.
    if (fix?.how === 'remove' && mismatches.some((x) => lineOf(x.offset) === line && x.offset < m.offset)) continue;
    const opened = src.position(m.opener);
    const expected = closerOf(m.openerChar);
    const kind = m.openerChar === '[' ? 'list' : 'mapping';
    const diagnostic: Diagnostic = {
      severity: 'error',
      file: src.file,
      path: '',
      message: `YAML syntax error: this \`${m.char}\` closes the \`${m.openerChar}\` opened at ${opened.line}:${opened.column}; expected \`${expected}\``,
      expected: `a \`${expected}\` to close the ${kind}`,
      hint:
        fix === undefined
          ? `write \`${expected}\` in place of the \`${m.char}\``
          : fix.how === 'replace'
            ? `write \`${expected}\` in place of the \`${m.char}\`, e.g. ${fix.example}`
            : `remove this \`${m.char}\`, e.g. ${fix.example}`,
      ...src.atOffset(m.offset, m.offset + 1),
    };
    out.push({ offset: m.offset, diagnostic });
  }
  for (const o of found) {
    const line = lineOf(o.offset);
    // The repaired line of a wrong closer closes it already.
    if (o.onOneLine && fixes.get(line) !== undefined) continue;
    // The opener's line with every opener on it still open closed at its end, innermost first: what to write.
    const lineText = src.lines[line - 1] ?? '';
    const sameLine = found.filter((f) => lineOf(f.offset) === line && f.onOneLine).sort((a, b) => b.offset - a.offset);
    // A quote followed by brackets or commas on its line leaves unknown where the string was meant to end.
    const quoteAmbiguous = (o.char === '"' || o.char === "'") && /[\]},]/.test(text.slice(o.offset + 1, lineEnd(o.offset)));
    const example =
      o.onOneLine && !quoteAmbiguous && !/#/.test(lineText) && !mismatches.some((m) => lineOf(m.offset) === line)
        ? `${lineText.trim()}${sameLine.map((f) => closerOf(f.char)).join('')}`
        : undefined;
    const kind = o.char === '[' ? 'list' : o.char === '{' ? 'mapping' : 'quoted string';
    const closer = closerOf(o.char);
    const diagnostic: Diagnostic = {
      severity: 'error',
      file: src.file,
      path: '',
      message:
        o.char === '[' || o.char === '{'
          ? `YAML syntax error: this \`${o.char}\` is not closed: the ${kind} it opens has no \`${closer}\``
          : `YAML syntax error: this \`${o.char}\` is not closed: no \`${closer}\` ends the ${kind}, so it runs on to the end of the file`,
      expected: o.char === '[' || o.char === '{' ? `a \`${closer}\` after the ${kind}'s last ${o.char === '[' ? 'item' : 'entry'}` : `a closing \`${closer}\` where the string ends`,
      hint: example !== undefined ? `add the \`${closer}\`, e.g. ${example}` : `add the \`${closer}\` after the ${kind}'s last ${o.char === '[' ? 'item' : o.char === '{' ? 'entry' : 'character'}${o.char === '[' || o.char === '{' ? '' : ' (or remove the quote if the value needs none)'}`,
      ...src.atOffset(o.offset, o.offset + 1),
    };
    out.push({ offset: o.offset, diagnostic });
  }
  return out;
}

function duplicateKey(e: YAMLError, src: Source): Diagnostic {
  let name = '';
  let firstLine: number | undefined;
  let segs: Segments = [];
  visit(src.doc, {
    Map(_key, map, ancestry) {
      const idx = map.items.findIndex((p) => (p.key as Node | null)?.range?.[0] === e.pos[0]);
      if (idx < 0) return undefined;
      const pair = map.items[idx];
      name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const first = map.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
      if (first && first !== pair && (first.key as Node).range) firstLine = src.position((first.key as Node).range![0]).line;
      segs = [...pathOf(ancestry), name];
      return visit.BREAK;
    },
  });
  return {
    severity: 'error',
    file: src.file,
    path: formatPath(segs),
    message: `duplicate key \`${name}\`${firstLine !== undefined ? ` (first given on line ${firstLine})` : ''}`,
    hint: 'each key may appear once in a mapping: keep one of them',
    ...src.atOffset(e.pos[0], e.pos[1]),
  };
}

/** Document path of a visited node from its ancestry (pairs give keys, sequences indices). */
function pathOf(ancestry: readonly unknown[]): Segments {
  const out: Segments = [];
  for (let i = 0; i < ancestry.length; i++) {
    const a = ancestry[i];
    if (isPair(a) && isScalar(a.key)) out.push(String(a.key.value));
    else if (isSeq(a)) {
      const next = ancestry[i + 1];
      const idx = a.items.indexOf(next as never);
      if (idx >= 0) out.push(idx);
    }
  }
  return out;
}


// ---------------------------------------------------------------------------------------------------------------
// YAML 1.2 only: no version directive for another version, no merge keys, a word on leading zeros

/**
 * A `%YAML` directive for a version other than 1.2 changes how values read (under 1.1, `0010` is octal 8 and
 * `yes` is true): refused at the directive, so nothing is trained on values the user did not mean.
 */
function versionDirective(text: string, src: Source): Diagnostic | undefined {
  // Directives come before the first `---`; a line starting with % anywhere else is not one.
  const re = /^%YAML[ \t]+(\S+)/gm;
  const end = /^---/m.exec(text)?.index ?? text.length;
  for (let m = re.exec(text); m && m.index < end; m = re.exec(text)) {
    if (m[1] === '1.2') continue;
    return {
      severity: 'error',
      file: src.file,
      path: '',
      message: `the file declares YAML ${m[1]}: dlsweep reads experiment files as YAML 1.2 only`,
      hint:
        `remove the \`${m[0].trim()}\` line. Under YAML 1.2, 0010 is 10 (YAML 1.1: octal 8), yes/no/on/off are strings ` +
        '(write true or false), and 1:30 is a string (YAML 1.1: 90)',
      ...src.atOffset(m.index, m.index + m[0].length),
    };
  }
  return undefined;
}

/**
 * Aliases that expand past the loader's limit (1000 alias nodes, the "billion laughs" guard): one error at the
 * first alias whose anchored value itself holds aliases, since aliases of aliases are what multiply.
 */
function multiplyingAlias(src: Source): Diagnostic | undefined {
  let first: { alias: Node; ancestry: readonly unknown[] } | undefined;
  let fallback: typeof first;
  visit(src.doc, {
    Alias(_key, alias, ancestry) {
      fallback ??= { alias: alias as unknown as Node, ancestry };
      let nested = false;
      const target = alias.resolve(src.doc);
      if (target) visit(target as Node, { Alias: () => { nested = true; return visit.BREAK; } });
      if (nested) {
        first = { alias: alias as unknown as Node, ancestry };
        return visit.BREAK;
      }
    },
  });
  const at = first ?? fallback;
  if (!at) return undefined;
  const name = (at.alias as unknown as { source: string }).source;
  return {
    severity: 'error',
    file: src.file,
    path: formatPath(pathOf([...at.ancestry, at.alias])),
    message: `aliases expand to too many values: \`*${name}\` repeats a value that itself holds aliases, and such repeats multiply (the file is refused past 1000 aliases read)`,
    hint: 'write the values out, or let an alias repeat only a value without aliases inside (`- *step`)',
    ...src.at(at.alias),
  };
}

/**
 * Aliases inside the value their anchor names (`tags: &t [a, *t]`, `fixed: &f {x: *f}`): the value would hold
 * itself, without end. One error at each such alias. An alias names the nearest anchor before it, so a value it
 * names either ends before the alias or contains it: a cycle is always an alias inside its own anchor's value.
 */
function cyclicAliases(src: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(src.doc, {
    Alias(_key, alias, ancestry) {
      const target = alias.resolve(src.doc);
      if (target === undefined || !ancestry.includes(target as never)) return;
      // The node's range starts at its value, which may be on a later line than its `&name` (a block mapping).
      const at = target.range ? src.text.lastIndexOf(`&${alias.source}`, target.range[0]) : -1;
      const anchor = at >= 0 ? src.position(at).line : undefined;
      out.push({
        severity: 'error',
        file: src.file,
        path: formatPath(pathOf([...ancestry, alias])),
        message:
          `alias \`*${alias.source}\` refers to a value that contains it (\`&${alias.source}\`${anchor !== undefined ? ` on line ${anchor}` : ''}): ` +
          'a cycle, the value would hold itself without end',
        hint: `write the value out here instead of \`*${alias.source}\`, or put the anchor on a value that does not contain this alias`,
        ...src.at(alias as unknown as Node),
      });
    },
  });
  return out;
}

/** The tags of YAML 1.2's core schema: a value tagged with one of them reads as the plain value would. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`));

/**
 * Values with a tag outside the core schema (`!!binary`, `!!set`, `!!timestamp` of YAML 1.1, or a local `!foo`):
 * they read as bytes, sets or dates that no field takes, so each is one error at the value instead of a
 * "must be a number, not a mapping" that names neither.
 */
function foreignTags(src: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(src.doc, {
    Node(_key, node, ancestry) {
      const tag = (node as { tag?: string }).tag;
      if (tag === undefined || CORE_TAGS.has(tag)) return;
      const shown = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
      out.push({
        severity: 'error',
        file: src.file,
        path: formatPath(pathOf([...ancestry, node])),
        message: `the YAML tag \`${shown}\` is not read: an experiment file holds plain numbers, strings, lists and mappings`,
        hint: `remove \`${shown}\` and write the value itself (a string needs no tag; quote it if it looks like a number)`,
        ...src.at(node as Node),
      });
    },
  });
  return out;
}

/** `<<: *anchor` merge keys (a YAML 1.1 extension): one error at each, with the mapping written out in full. */
/** Aliases (`*x`) with no anchor `&x` before them: each is one error at the alias, instead of the loader's exception. */
function unresolvedAliases(src: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(src.doc, {
    Alias(_key, alias, ancestry) {
      if (alias.resolve(src.doc) !== undefined) return;
      out.push({
        severity: 'error',
        file: src.file,
        path: formatPath(pathOf([...ancestry, alias])),
        message: `alias \`*${alias.source}\` names no anchor: \`&${alias.source}\` is not set before it`,
        hint: `put \`&${alias.source}\` on a value above this line (an anchor must come before its aliases), or write the value out here`,
        ...src.at(alias as unknown as Node),
      });
    },
  });
  return out;
}

function mergeKeys(src: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(src.doc, {
    Pair(_key, pair, ancestry) {
      if (!isScalar(pair.key) || pair.key.value !== '<<' || pair.key.type !== 'PLAIN') return;
      const parent = ancestry[ancestry.length - 1];
      const d: Diagnostic = {
        severity: 'error',
        file: src.file,
        path: formatPath([...pathOf(ancestry), '<<']),
        message: 'merge keys (`<<: *anchor`) are not supported: dlsweep reads YAML 1.2, which has none',
        ...src.at(pair.key as Node),
      };
      const merged = isMap(parent) ? expandMerge(parent, src) : undefined;
      d.hint = merged
        ? `write the mapping out in full: ${merged}`
        : 'write every key of the mapping out in full (an anchor and alias may still repeat a whole value: `- *step`)';
      out.push(d);
    },
  });
  return out;
}

/** The flow text of a mapping with its merge keys applied (own keys win), or undefined when not plain aliases. */
function expandMerge(map: YAMLMap, src: Source): string | undefined {
  const fields = new Map<string, string>();
  const own = new Map<string, string>();
  for (const p of map.items) {
    if (!isScalar(p.key)) return undefined;
    if (p.key.value === '<<') {
      const sources = isSeq(p.value) ? p.value.items : [p.value];
      for (const s of sources) {
        const target = isAlias(s) ? s.resolve(src.doc) : undefined;
        if (!isMap(target)) return undefined;
        for (const q of target.items) if (isScalar(q.key) && !fields.has(String(q.key.value))) fields.set(String(q.key.value), src.spelling(q.value));
      }
    } else {
      own.set(String(p.key.value), src.spelling(p.value));
    }
  }
  for (const [k, v] of own) fields.set(k, v);
  return `{${[...fields].map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
}

/** Numbers written with leading zeros (`0010`): YAML 1.2 reads them as decimal, YAML 1.1 tools as octal. */
function leadingZeros(src: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(src.doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'number' || node.type !== 'PLAIN' || !node.range) return;
      const text = src.text.slice(node.range[0], node.range[1]).trim();
      const m = /^([-+]?)0+(\d[\d.]*([eE][-+]?\d+)?)$/.exec(text);
      if (!m || text.startsWith('0.') || /^[-+]?0\./.test(text)) return;
      out.push({
        severity: 'warning',
        file: src.file,
        path: '',
        message: `number written with leading zeros: \`${text}\` is read as ${String(node.value)} (YAML 1.2; YAML 1.1 tools read 0-prefixed integers as octal)`,
        hint: `write ${m[1]}${m[2]}`,
        ...src.at(node),
      });
    },
  });
  return out;
}
