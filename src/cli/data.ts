/** `dlsweep data fetch NAME` and `dlsweep data ls`: get managed datasets onto this machine and see what is there. */
import type { Command } from 'commander';
import { fetchDataset, timeoutFromEnv } from '../datasets/install.js';
import { KNOWN_DATASETS, requireKnown } from '../datasets/registry.js';
import { dataLsCommand } from './data-ls.js';
import { dataDescribeCommand } from './data-describe.js';
import type { CliIO } from './io.js';

export interface DataFetchOptions {
  /** Data folder, relative to io.cwd; default "data". */
  dataDir?: string;
  /** Local copy to install instead of downloading. */
  from?: string;
  /** Mirror URL; default: the dataset's own environment variable (e.g. DLSWEEP_WISCONSIN_URL), then its source. */
  url?: string;
  /** Replace an existing file. */
  force?: boolean;
}

/**
 * `dlsweep data fetch NAME`: download (or --from copy) a known dataset into the data folder, checking its sha256.
 * Prints progress and the result to stdout; returns exit code 0 (also when the file was already there).
 * The stall timeout comes from DLSWEEP_FETCH_TIMEOUT_MS (milliseconds; default 30 000).
 * Throws: UserError (exit 2) for an unknown name and for every failed download or copy.
 */
export async function dataFetchCommand(name: string, options: DataFetchOptions, io: CliIO): Promise<number> {
  const source = requireKnown(name).source;
  const envUrl = source ? io.env[source.urlEnv]?.trim() || undefined : undefined;
  await fetchDataset(name, {
    dataDir: options.dataDir ?? 'data',
    cwd: io.cwd,
    from: options.from,
    // --from wins over a mirror set in the environment: the user named the bytes to install.
    url: options.url ?? (options.from === undefined ? envUrl : undefined),
    force: options.force,
    timeoutMs: timeoutFromEnv(io.env),
    log: (line) => io.stdout.write(line + '\n'),
  });
  return 0;
}

/** Add the `data` command group (fetch, ls) to the program; actions store their exit code in `result`. */
export function registerDataCommands(program: Command, io: CliIO, result: { code: number }): void {
  const data = program.command('data').description('managed datasets (such as wisconsin): download them, list what is present, describe what they hold');
  data
    .command('fetch')
    .description(
      'download a known dataset into the data folder, check its sha256 and install it atomically (nothing is left behind on failure). ' +
        'Set DLSWEEP_FETCH_TIMEOUT_MS to change the 30 s stall timeout.',
    )
    .argument('<name>', `dataset name (${KNOWN_DATASETS.map((d) => d.name).join(', ')})`)
    .option('--from <file>', 'install this local copy instead of downloading (same checksum check)')
    .option('--url <url>', 'download from this mirror (default: DLSWEEP_WISCONSIN_URL, then the UCI repository)')
    .option('--force', 'download (or copy) even if the file is there, replacing it; needed when it has a different checksum')
    .option('--data-dir <dir>', 'folder of managed datasets (default: ./data)')
    .action(async (name: string, opts) => {
      result.code = await dataFetchCommand(name, { dataDir: opts.dataDir, from: opts.from, url: opts.url, force: Boolean(opts.force) }, io);
    });
  data
    .command('ls')
    .description('list the known datasets: present or not, row count, sha256 (and whether it is the expected file), path, source')
    .option('--data-dir <dir>', 'folder of managed datasets (default: ./data)')
    .action((opts) => {
      result.code = dataLsCommand({ dataDir: opts.dataDir }, io);
    });
  data
    .command('describe')
    .description(
      'rows read, used and dropped (and why), class balance per split, and per feature over the training rows (in the file\'s units): ' +
        'min, max, mean, std, missing cells, distinct values, correlation with the label; duplicate training rows. ' +
        '--html FILE also writes a page with the class balance and each scaled feature\'s histogram by class',
    )
    .argument('<dataset-or-experiment>', `a known dataset (${KNOWN_DATASETS.map((d) => d.name).join(', ')}, with its preset preprocessing) or an experiment file (its dataset:)`)
    .option('--json', 'print the description as JSON')
    .option('--html <file>', 'also write an HTML page with the histograms of each scaled feature by class')
    .option('--data-dir <dir>', 'folder of managed datasets (default: ./data)')
    .action(async (target: string, opts) => {
      result.code = await dataDescribeCommand(target, { dataDir: opts.dataDir, json: Boolean(opts.json), html: opts.html }, io);
    });
}
