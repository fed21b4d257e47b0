/**
 * The full disk of the write-failure tests: a runs folder on a 192 KB tmpfs and a grid whose run folders fill
 * it part way through (40 runs of a 48-unit network; a real ENOSPC, not a mock).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { syntheticExperiment, writeExperiment } from './cli.js';
import { mountTmpfsOrSkip } from './tmpfs.js';

/**
 * `dir`/runs on a 192 KB tmpfs and `dir`/full.yaml, a grid of 8 learning rates x 5 seeds (experiment `full`)
 * that stops on it with ENOSPC. Undefined when no tmpfs can be mounted here (the test is then skipped);
 * otherwise the caller unmounts `runs` (tmpfs.ts unmount).
 */
export function fullDiskGrid(t: TestContext, dir: string): { runs: string; file: string } | undefined {
  const runs = join(dir, 'runs');
  mkdirSync(runs);
  // A tiny tmpfs is a real full disk; it needs root and mount rights, which CI has (skip elsewhere).
  if (!mountTmpfsOrSkip(t, runs, 'size=192k')) return undefined;
  const file = writeExperiment(
    dir,
    'full.yaml',
    syntheticExperiment('full', '  learning_rate: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08]\n  seed: [1, 2, 3, 4, 5]', 'fixed:\n  hidden_sizes: [48]\n  iterations: 100\n'),
  );
  return { runs, file };
}
