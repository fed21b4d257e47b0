/** Small CSV files written by tests, and dataset configs for them. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CsvDatasetConfig } from '../../src/experiment/types.js';

/** A fresh temp folder for a test file's data. */
export function testDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A function that writes a CSV text into `dir` (as f0.csv, f1.csv, ...) and returns its path. */
export function csvWriter(dir: string): (text: string | Buffer) => string {
  let fileNo = 0;
  return (text) => {
    const p = join(dir, `f${fileNo++}.csv`);
    writeFileSync(p, text);
    return p;
  };
}

/** A CSV config for small test files: label = the column "label", positive 1, `defaults` then `over` on top. */
export function csvConfigWith(defaults: Partial<CsvDatasetConfig>) {
  return (path: string, over: Partial<CsvDatasetConfig> = {}): CsvDatasetConfig => ({
    kind: 'csv',
    path,
    header: 'auto',
    delimiter: ',',
    label: 'label',
    positive: [1],
    drop_columns: [],
    missing_values: ['?', ''],
    missing_strategy: 'drop',
    normalize: { kind: 'none', fit: 'train' },
    split: { kind: 'fixed', train: [0, 5], validation: [6, 9] },
    ...defaults,
    ...over,
  });
}
