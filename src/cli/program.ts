/**
 * The command tree of dlsweep: global options, the commands that train (run, plan, lr-find, landscape,
 * worker, queue), then the record commands (record-commands.ts) and the data commands (data.ts).
 */
import { Command, Option } from 'commander';
import { UserError, shortenLines } from '../errors.js';
import { toolVersion } from '../store/provenance.js';
import { DEFAULT_MAX_RUNS, planCommand, runCommand } from './run.js';
import { DEFAULT_TOP } from '../report/sweep-files.js';
import { registerDataCommands } from './data.js';
import { registerRecordCommands } from './record-commands.js';
import { LR_FIND_DEFAULTS, lrFindCommand, positiveNumber, stepsCount } from './lr-find.js';
import { LANDSCAPE_DEFAULTS, landscapeCommand, landscapeSeed, landscapeSteps } from './landscape.js';
import { MAX_RUNS_SHOWN, MAX_WORKERS, engineOption, maxRunsCount, nonEmpty, positiveInt, resolveEngine, topCount, workerCount } from './options.js';
import type { CliIO } from './io.js';
import { queueStatusCommand, workerCommand } from './queue.js';
import { DEFAULT_UI_PORT, portNumber, uiCommand } from './ui.js';

const HELP_AFTER = `
Exit codes: 0 success, 1 some runs failed or a write failed (disk full, read-only, permissions), 2 invalid input or usage, 70 internal error, 130 interrupted.
Environment: NO_COLOR (no colour), DLSWEEP_ENGINE=auto|fast|ts (default of --engine), DLSWEEP_NO_FETCH=1 (never
download data), DLSWEEP_WISCONSIN_URL (download mirror), DLSWEEP_FETCH_TIMEOUT_MS (download stall timeout),
DLSWEEP_QUEUE_LOCK_MS (queue job lock, default 10000: a silent worker's trainings return within 1.25x this).
Quick start: dlsweep run experiments/seed-article.yaml && dlsweep compare`;
/**
 * Build the command tree; actions store their exit code in `result`, and `result.command` names the command
 * being run (`run`, `data fetch`), for the hint of an error it throws.
 */
export function buildProgram(io: CliIO, result: { code: number; command?: string }): Command {
  const program = new Command('dlsweep')
    .description('Grid sweeps of small from-scratch neural networks: train every grid point in parallel, record each run, compare them.')
    .version(toolVersion(), '-V, --version')
    .option('--runs-dir <dir>', 'where sweeps are recorded', nonEmpty('--runs-dir'), 'runs')
    .option('--data-dir <dir>', 'folder of managed datasets such as wisconsin (default: ./data), for the commands that read one')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run dlsweep --help for usage)')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(shortenLines(s)) });
  program.hook('preAction', (_program, action) => {
    const names: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) names.unshift(c.name());
    result.command = names.join(' ');
    // --data-dir before the command, like --runs-dir, is the command's own --data-dir; the command's, when both are given.
    const dataDir = (program.opts() as { dataDir?: string }).dataDir;
    if (dataDir === undefined) return;
    if (!action.options.some((o) => o.attributeName() === 'dataDir')) {
      throw new UserError(`--data-dir does not apply to dlsweep ${result.command}: it reads no dataset`, `remove --data-dir`);
    }
    if (action.getOptionValue('dataDir') === undefined) action.setOptionValue('dataDir', dataDir);
  });

  const common = (c: Command) =>
    c
      .option('--data-dir <dir>', 'folder of managed datasets such as wisconsin (default: ./data)')
      .option('--workers <n>', `worker threads, 1 to ${MAX_WORKERS} (default: the available parallelism)`, workerCount)
      .option('--max-runs <n>', `refuse grids with more points (searches that can record more runs) than this (at most ${MAX_RUNS_SHOWN})`, maxRunsCount, DEFAULT_MAX_RUNS)
      .option('--no-share', 'train every grid point alone instead of sharing trainings across thresholds and iteration counts')
      .addOption(engineOption());

  common(
    program
      .command('run')
      .description(
        'train every point of the experiment\'s grid, or the configurations its search: block draws (random, quasirandom, halving, asha, hyperband, tpe), and record each run under <runs-dir>/<experiment>/<sweep-id>/. ' +
          'A training that throws fails only its runs; a worker thread that dies is replaced and its training retried once, then failed.',
      )
      .argument('<file>', 'experiment file (YAML)'),
  )
    .addOption(new Option('--resume [sweep]', 'continue a sweep of this experiment (a sweep id, or latest): finished runs are kept').conflicts('extend'))
    .option(
      '--extend <sweep>',
      'widen a grid sweep of this experiment (a sweep id, or latest) after adding values to the grid in the file: only the new points are trained, into the same sweep; any other change is refused; a file that adds nothing is told so (exit 0, nothing written: --resume finishes an interrupted sweep)',
    )
    .option('--repair', "with --resume: when the sweep's sweep.json is damaged (cut short, edited), rebuild it from its run folders and this experiment file, which must be the one the sweep ran; the damaged file is kept as sweep.json.damaged")
    .option('--no-reuse', 'train runs even when a run with the same identity is recorded in another sweep of the experiment (by default it is copied)')
    .option(
      '--queue <url>',
      'train on the workers of a Redis queue (redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss:// for TLS; start them with dlsweep worker); --workers then counts threads of this process that train too (default 0)',
    )
    .option('-q, --quiet', 'print only the final table')
    .option('--top <n>', `rows of the final table: the best N (default ${DEFAULT_TOP}), or all; table.md and compare have every run`, topCount)
    .action(async (file: string, opts) => {
      result.code = await runCommand(
        file,
        {
          runsDir: program.opts().runsDir,
          dataDir: opts.dataDir,
          workers: opts.workers,
          maxRuns: opts.maxRuns,
          share: opts.share,
          quiet: Boolean(opts.quiet),
          resume: opts.resume,
          extend: opts.extend,
          repair: Boolean(opts.repair),
          reuse: opts.reuse,
          top: opts.top,
          engine: resolveEngine(opts.engine, io.env),
          queue: opts.queue,
        },
        io,
      );
    });

  common(
    program
      .command('plan')
      .description('print what `run` would train (grid points, trainings, updates, and how many runs it would copy from earlier sweeps; for a search its trials, rungs and the most updates) without training')
      .argument('<file>', 'experiment file (YAML)'),
  )
    .option('--no-reuse', 'count as if every run were trained (run --no-reuse)')
    .action(async (file: string, opts) => {
      result.code = await planCommand(file, { runsDir: program.opts().runsDir, dataDir: opts.dataDir, workers: opts.workers, maxRuns: opts.maxRuns, share: opts.share, quiet: false, engine: resolveEngine(opts.engine, io.env), reuse: opts.reuse },
        io,
      );
    });

  registerRecordCommands(program, io, result);

  program
    .command('lr-find')
    .description(
      "Smith's learning-rate range test with the settings of the experiment's first grid point: train while the rate grows " +
        'exponentially from --min to --max, stop when the loss explodes, suggest the rate of steepest descent; ' +
        'prints the curve and records it in <runs-dir>/<experiment>/lr-find-<time>/ (curve.csv, lr-find.json, lr-find.svg)',
    )
    .argument('<file>', 'experiment file (YAML)')
    .option('--min <rate>', 'smallest learning rate', positiveNumber('--min', '1e-6'), LR_FIND_DEFAULTS.min)
    .option('--max <rate>', 'largest learning rate', positiveNumber('--max', '10'), LR_FIND_DEFAULTS.max)
    .option('--steps <n>', 'updates, one per rate (at least 2)', stepsCount('--steps'), LR_FIND_DEFAULTS.steps)
    .option('--data-dir <dir>', 'folder of managed datasets such as wisconsin (default: ./data)')
    .addOption(engineOption())
    .action(async (file: string, opts) => {
      result.code = await lrFindCommand(
        file,
        { runsDir: program.opts().runsDir, dataDir: opts.dataDir, min: opts.min, max: opts.max, steps: opts.steps, engine: resolveEngine(opts.engine, io.env) },
        io,
      );
    });

  program
    .command('landscape')
    .description(
      "the loss and accuracy of a run's trained network theta* on a grid theta* + a d1 (+ b d2), on the rows it trained (or was validated) on, " +
        'preprocessed as the run did; random Gaussian directions filter-normalized as Li et al. 2018 (each neuron\'s incoming weights rescaled to ' +
        "that neuron's weight norm, biases 0), the two principal directions of the training trajectory (--directions pca, Li et al. section 7; " +
        'needs a run recorded with record.checkpoints_every; the trajectory is drawn on the plot), or --from-init: the line from the initialization ' +
        'to theta* (Goodfellow et al. 2015). Writes landscape-*.csv (a, b, loss, accuracy) and its chart landscape-*.svg (a contour plot in 2-D, a line in 1-D) ' +
        'into the run folder and draws a line chart (1-D) or a heatmap (2-D) in the terminal',
    )
    .argument('<run>', 'a run: SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, EXPERIMENT/best, SWEEP_ID/best, a run folder, or a hash prefix')
    .addOption(new Option('--dims <n>', 'directions: 1 (a line) or 2 (a grid)').choices(['1', '2']).default(String(LANDSCAPE_DEFAULTS.dims)))
    .addOption(new Option('--directions <kind>', 'random: filter-normalized Gaussian directions; pca: the principal directions of the recorded trajectory (always 2-D)').choices(['random', 'pca']).default('random'))
    .option('--range <r>', `a (and b) from -r to r, in units of the direction (default: ${LANDSCAPE_DEFAULTS.range}; for pca, the trajectory's extent on each axis plus a fifth)`, positiveNumber('--range', '0.5'))
    .option('--steps <n>', 'points per axis, 2 to 1001', landscapeSteps, LANDSCAPE_DEFAULTS.steps)
    .addOption(new Option('--split <split>', 'the rows the loss is measured on').choices(['train', 'validation']).default(LANDSCAPE_DEFAULTS.split))
    .option('--seed <s>', 'seed of the MT19937 stream the directions are drawn from, 0 to 2^32 - 1', landscapeSeed, LANDSCAPE_DEFAULTS.seed)
    .option('--from-init', 'the 1-D interpolation from the initialization (a = 0, redrawn from the run\'s seed and init) to the trained network (a = 1)')
    .option('--data-dir <dir>', 'folder of managed datasets such as wisconsin (default: ./data)')
    .action(async (ref: string, opts) => {
      result.code = await landscapeCommand(
        ref,
        { runsDir: program.opts().runsDir, dataDir: opts.dataDir, dims: Number(opts.dims) as 1 | 2, directions: opts.directions, range: opts.range, steps: opts.steps, split: opts.split, seed: opts.seed, fromInit: Boolean(opts.fromInit) },
        io,
      );
    });

  program
    .command('worker')
    .description(
      'take trainings from a Redis queue and train them on this machine until stopped (Ctrl-C: finish the trainings in hand, then stop). ' +
        'Needs no dataset file: the data come with the sweep. A worker that dies loses nothing: its trainings return to the queue within 1.25 x the job lock (12.5 s by default). ' +
        'Prints one line per training as it ends (into a pipe or file), or a summary and a progress bar per training in hand (on a terminal)',
    )
    .requiredOption('--queue <url>', 'redis://[:PASSWORD@]HOST[:PORT][/DB], or rediss:// for TLS')
    .option('--workers <n>', `trainings at once (threads), 1 to ${MAX_WORKERS} (default: the available parallelism)`, workerCount)
    .option('--name <name>', 'the name `queue status` shows (default: HOST-PID)')
    .action(async (opts) => {
      result.code = await workerCommand({ queue: opts.queue, workers: opts.workers, name: opts.name }, io);
    });

  program
    .command('queue')
    .description('inspect a Redis queue of trainings')
    .command('status')
    .description('jobs waiting, active, completed and failed, in all and per sweep, and the workers connected')
    .requiredOption('--queue <url>', 'redis://[:PASSWORD@]HOST[:PORT][/DB], or rediss:// for TLS')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      result.code = await queueStatusCommand({ queue: opts.queue, json: Boolean(opts.json) }, io);
    });

  program
    .command('ui')
    .description(
      'serve a local web app over the runs folder, read-only: experiments and sweeps (running ones update live), each sweep\'s runs ' +
        '(filter with the --where language, sort, group), loss curves, a run\'s metrics, confusion matrices and ROC/PR curves, runs side by side. ' +
        'Stops on Ctrl-C',
    )
    .option('--port <n>', `port to listen on (0: any free port)`, portNumber, DEFAULT_UI_PORT)
    .option('--host <address>', 'address to bind; any other than loopback requires the random token printed in the URL; 0.0.0.0 (or ::) binds every address and prints a URL for each one a browser can use', '127.0.0.1')
    .option('--open', 'open the URL in the default browser')
    .action(async (opts) => {
      result.code = await uiCommand({ runsDir: program.opts().runsDir, port: opts.port, host: opts.host, open: Boolean(opts.open) }, io);
    });

  registerDataCommands(program, io, result);
  pointHelpAtCommand(program, 'dlsweep');
  return program;
}

/** A usage error names the help of the command it came from (`dlsweep run --help`), not only the top level's. */
function pointHelpAtCommand(command: Command, path: string): void {
  for (const sub of command.commands) {
    const name = `${path} ${sub.name()}`;
    sub.showHelpAfterError(`(run ${name} --help for usage)`);
    pointHelpAtCommand(sub, name);
  }
}
