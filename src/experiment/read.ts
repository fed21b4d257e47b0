/**
 * Reading an experiment file: the text from disk, then YAML 1.2 (core schema) parsed with positions, every YAML
 * problem turned into a Diagnostic with file:line:column. Output: the document's plain data and its Source (for
 * positions), or a DiagnosticError when the text is not a usable YAML mapping.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node, type YAMLError } from 'yaml';
import { DiagnosticError, UserError, type Diagnostic } from '../errors.js';
import { formatPath, Source, type Segments } from './source.js';

/** An experiment file's parsed form: its data, its source (positions), and problems that do not stop the checks. */
export interface ParsedYaml {
  src: Source;
  data: Record<string, unknown>;
  /** Errors that leave the tree whole (duplicate keys): reported with the checks' errors. */
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export const MINIMAL_EXAMPLE = ['name: my-sweep', 'dataset: wisconsin', 'grid:', '  learning_rate: [0.01, 0.1]'].join('\n');

/**
 * The text of an experiment file; `file` is resolved against `cwd`.
 * Throws: UserError when the file does not exist, is a folder, or cannot be read.
 */
export function readExperimentText(file: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  try {
    return readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UserError(
        `experiment file not found: ${file}`,
        `looked for ${abs}. Give the path of a YAML experiment file, e.g. experiments/seed-article.yaml.`,
      );
    }
    if (code === 'EISDIR') {
      throw new UserError(`experiment file not found: ${file} is a folder`, 'give the path of a YAML file inside it, e.g. experiments/seed-article.yaml.');
    }
    throw new UserError(`cannot read experiment file ${file}: ${(e as Error).message}`, 'check the file permissions.');
  }
}

/**
 * Parse experiment text as YAML 1.2 with positions. `file` is used in diagnostics.
 * Throws: DiagnosticError for a syntax error (all of them, positioned), an empty document, or a top level that
 * is not a mapping.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
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
  if (syntaxBroken) throw new DiagnosticError(sortDiagnostics(errors));

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
    throw new DiagnosticError([
      { severity: 'error', file, path: '', line: 1, column: 1, message: `cannot read the YAML document: ${(e as Error).message}` },
    ]);
  }
  return { src, data, errors, warnings };
}

/** Diagnostics in file order (line, then column; unpositioned last). */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

// ---------------------------------------------------------------------------------------------------------------
// YAML problems

const YAML_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'the file contains more than one YAML document',
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

