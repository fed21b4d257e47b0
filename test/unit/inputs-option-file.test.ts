/**
 * A CSV file named on the command line (`dlsweep predict --input FILE`) that is missing or a folder: the message
 * names the option that gave it, never an experiment's dataset.path that the command does not have.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/errors.js';
import { readCsvFile } from '../../src/datasets/csv.js';

test('predict --input: a missing file or a folder is reported against --input, with a hint, not against dataset.path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlsweep-input-'));
  const missing = join(dir, 'rows.csv');
  const refused = (path: string, message: string) =>
    assert.throws(
      () => readCsvFile(path, undefined, ',', '--input'),
      (e: unknown) => e instanceof UserError && e.message === message && /--input FILE/.test(e.hint ?? '') && !/dataset\.path|experiment/.test(`${e.message} ${e.hint}`),
    );
  refused(missing, `--input: file not found: ${missing}`);
  refused(dir, `--input: ${dir} is a folder, not a file`);
});
