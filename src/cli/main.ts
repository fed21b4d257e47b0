#!/usr/bin/env node
/**
 * The dlsweep command line. The one place that maps errors to exit codes:
 *   0 success; 1 some runs failed (or the sweep stopped on a write error); 2 usage or invalid input
 *   (experiment file, data, options); 70 an internal error (a bug: its stack is printed); 130 interrupted.
 */
import { realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DiagnosticError, UserError } from '../errors.js';
import { toolVersion } from '../store/provenance.js';
import { DEFAULT_MAX_RUNS, planCommand, runCommand } from './run.js';
import { compareCommand } from './compare.js';
import { lsCommand } from './ls.js';
import { showCommand } from './show.js';
import { diffCommand } from './diff.js';
import { verifyCommand } from './verify.js';
import { thresholdsCommand } from './thresholds.js';
import { reportCommand } from './report.js';
import { OUTPUT_FORMATS } from '../report/render.js';
import { DEFAULT_METRIC } from '../report/compare/shared.js';
import { DEFAULT_TOP } from '../report/sweep-files.js';
import { registerDataCommands } from './data.js';
import { noteCommand, tagCommand, untagCommand } from './annotate.js';
import { EXPORT_FORMATS, exportCommand, predictCommand } from './predict.js';
import { gcCommand, parseAge, rmCommand } from './rm.js';
import { LR_FIND_DEFAULTS, lrFindCommand, positiveNumber, stepsCount } from './lr-find.js';
import { LANDSCAPE_DEFAULTS, landscapeCommand, landscapeSeed, landscapeSteps } from './landscape.js';
import type { CliIO } from './io.js';
import { drained, orderedOutput } from './ordered-output.js';
import { PATH_ERRORS, describeWriteError, isWriteError, writeErrorHint } from './write-errors.js';
import { ENGINE_MODES, type EngineMode } from '../train/types.js';
import { QueueError } from '../execute/queue/connect.js';
import { queueStatusCommand, workerCommand } from './queue.js';

export const EXIT = { ok: 0, runsFailed: 1, usage: 2, internal: 70, interrupted: 130 } as const;

/** Commander parser of run's --top: a whole number >= 1, or `all` (Infinity). */
function topCount(value: string): number {
  return value.trim().toLowerCase() === 'all' ? Infinity : positiveInt('--top')(value);
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} takes a whole number of at least 1, e.g. ${name} 4`);
    }
    return n;
  };
}

/** The most worker threads `run` starts: beyond a few per core they only share the same cores. */
export const MAX_WORKERS = Math.max(64, 4 * availableParallelism());

function workerCount(value: string): number {
  const n = positiveInt('--workers')(value);
  if (n > MAX_WORKERS) {
    throw new InvalidArgumentError(
      `--workers takes at most ${MAX_WORKERS} (this machine runs ${availableParallelism()} threads at once; more threads only share those cores), e.g. --workers ${availableParallelism()}`,
    );
  }
  return n;
}

function nonEmpty(name: string) {
  return (value: string): string => {
    if (value.trim() === '') throw new InvalidArgumentError(`${name} takes a folder, e.g. ${name} runs`);
    return value;
  };
}

/**
 * The training engine of a command: --engine if given, else DLSWEEP_ENGINE, else auto. Resolved once here
 * and passed in every training request (the training code reads no environment).
 * Throws: UserError for a DLSWEEP_ENGINE other than auto, fast or ts.
 */
export function resolveEngine(option: EngineMode | undefined, env: Record<string, string | undefined>): EngineMode {
  if (option !== undefined) return option;
  const v = env.DLSWEEP_ENGINE;
  if (v === undefined || v === '') return 'auto';
  if ((ENGINE_MODES as readonly string[]).includes(v)) return v as EngineMode;
  throw new UserError(`DLSWEEP_ENGINE must be ${ENGINE_MODES.join(', ')}, got ${JSON.stringify(v)}`, 'unset it, or choose the engine with --engine auto|fast|ts');
}

const engineOption = () =>
  new Option('--engine <engine>', 'training engine: auto (WebAssembly where it applies exactly, TypeScript elsewhere), fast (WebAssembly only), ts (TypeScript); default: DLSWEEP_ENGINE, else auto').choices(
    ENGINE_MODES,
  );

const HELP_AFTER = `
Exit codes: 0 success, 1 some runs failed, 2 invalid input or usage, 70 internal error, 130 interrupted.
Environment: NO_COLOR (no colour), DLSWEEP_ENGINE=auto|fast|ts (default of --engine), DLSWEEP_NO_FETCH=1 (never
download data), DLSWEEP_WISCONSIN_URL (download mirror), DLSWEEP_FETCH_TIMEOUT_MS (download stall timeout),
DLSWEEP_QUEUE_LOCK_MS (queue job lock, default 10000: a silent worker's trainings return after 1.5x this).
Quick start: dlsweep run experiments/seed-article.yaml && dlsweep compare`;

/** Build the command tree; actions store their exit code in `result`. */
function buildProgram(io: CliIO, result: { code: number }): Command {
  const program = new Command('dlsweep')
    .description('Grid sweeps of small from-scratch neural networks: train every grid point in parallel, record each run, compare them.')
    .version(toolVersion(), '-V, --version')
    .option('--runs-dir <dir>', 'where sweeps are recorded', nonEmpty('--runs-dir'), 'runs')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run dlsweep --help for usage)')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const common = (c: Command) =>
    c
      .option('--data-dir <dir>', 'folder of managed datasets such as wisconsin (default: ./data)')
      .option('--workers <n>', `worker threads, 1 to ${MAX_WORKERS} (default: the available parallelism)`, workerCount)
      .option('--max-runs <n>', 'refuse grids with more points (searches with more trials) than this (at most 100,000)', positiveInt('--max-runs'), DEFAULT_MAX_RUNS)
      .option('--no-share', 'train every grid point alone instead of sharing trainings across thresholds and iteration counts')
      .addOption(engineOption());

  common(
    program
      .command('run')
      .description(
        'train every point of the experiment\'s grid, or the configurations its search: block draws (random, quasirandom, halving, hyperband, tpe), and record each run under <runs-dir>/<experiment>/<sweep-id>/. ' +
          'A training that throws fails only its runs; a worker thread that dies is replaced and its training retried once, then failed.',
      )
      .argument('<file>', 'experiment file (YAML)'),
  )
    .addOption(new Option('--resume [sweep]', 'continue a sweep of this experiment (a sweep id, or latest): finished runs are kept'))
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
          top: opts.top,
          engine: resolveEngine(opts.engine, io.env),
          queue: opts.queue,
        },
        io,
      );
    });

  common(program.command('plan').description('print what `run` would train (grid points, trainings, updates; for a search its trials, rungs and the most updates) without training').argument('<file>', 'experiment file (YAML)')).action(
    async (file: string, opts) => {
      result.code = await planCommand(file, { runsDir: program.opts().runsDir, dataDir: opts.dataDir, workers: opts.workers, maxRuns: opts.maxRuns, share: opts.share, quiet: false, engine: resolveEngine(opts.engine, io.env) },
        io,
      );
    },
  );

  const formatOption = () => new Option('--format <format>', 'output format (default: from the --output extension, else table)').choices(OUTPUT_FORMATS);
  const outputOption = () => new Option('-o, --output <file>', 'write to this file (atomically) instead of stdout');

  program
    .command('compare')
    .description(
      'compare the runs of one or more sweeps: a sweep folder, an experiment name (its latest sweep), NAME/SWEEP_ID, NAME/latest, or a sweep id; ' +
        'default: the latest sweep. Several sweeps: the columns are the union of their parameters (- where a run lacks one)',
    )
    .argument('[targets...]', 'sweeps or experiments to compare (name them before variadic options such as --group-by)')
    .option('--sort <columns>', 'sort by columns, comma-separated, each NAME, NAME:asc or NAME:desc (default direction: best first for metrics, ascending otherwise)')
    .option('--where <expr>', 'keep the runs for which the expression holds, e.g. "learning_rate < 0.05 and validation.recall >= 0.98"')
    .option('--columns <names>', 'columns to show, comma-separated (parameters and/or metrics); +NAME,+NAME adds to the default columns')
    .option('--only-changed', 'show only the parameters that differ between the runs shown', true)
    .option('--no-only-changed', 'show every parameter')
    .option('--top <n>', 'show the first N runs (or groups) only', positiveInt('--top'))
    .option('--group-by <params...>', 'aggregate the runs of each combination of these parameters (mean, std, min, max, count)')
    .option('--pivot <names...>', 'two-way table: ROW_PARAM COL_PARAM METRIC (mean of the metric per cell)')
    .option('--marginals [metric]', `for each parameter, the metric (default ${DEFAULT_METRIC}) averaged per value`)
    .addOption(formatOption())
    .addOption(outputOption())
    .action(async (targets: string[], opts) => {
      result.code = await compareCommand(
        targets,
        {
          runsDir: program.opts().runsDir,
          format: opts.format,
          output: opts.output,
          sort: opts.sort,
          where: opts.where,
          columns: opts.columns,
          onlyChanged: opts.onlyChanged,
          top: opts.top,
          groupBy: opts.groupBy,
          pivot: opts.pivot,
          marginals: opts.marginals,
        },
        io,
      );
    });

  program
    .command('ls')
    .description('list experiments and their sweeps, newest first: search method, start, status, runs done/failed/diverged, best metric, duration, tags, description')
    .argument('[experiments...]', 'only these experiments')
    .option('--metric <name>', 'the metric whose best value is shown', DEFAULT_METRIC)
    .option('--size', 'add the disk space each sweep takes')
    .option('--tag <tag>', 'only sweeps with this tag (from the experiment file or dlsweep tag); repeat for several (all required)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(formatOption())
    .addOption(outputOption())
    .action(async (experiments: string[], opts) => {
      result.code = await lsCommand(experiments, { runsDir: program.opts().runsDir, metric: opts.metric, format: opts.format, output: opts.output, tags: opts.tag, size: Boolean(opts.size) }, io);
    });

  program
    .command('show')
    .description(
      'show a run (parameters, metrics, confusion matrix, loss curve, files) or a sweep (facts, grid, best runs, files). ' +
        'Runs: SWEEP_ID/INDEX, SWEEP_ID/HASH_PREFIX, EXPERIMENT/latest/INDEX, a run folder, or a bare hash prefix; default: the latest sweep',
    )
    .argument('[target]', 'run or sweep')
    .option('--log', 'draw the loss curve on a log scale')
    .option('--top <n>', 'runs listed for a sweep, best first (default 5; with --json, all unless given)', positiveInt('--top'))
    .option('--json', 'print JSON instead of text')
    .action((target: string | undefined, opts) => {
      result.code = showCommand(target, { runsDir: program.opts().runsDir, log: Boolean(opts.log), json: Boolean(opts.json), top: opts.top }, io);
    });

  const targetHelp = 'a sweep (EXPERIMENT/SWEEP_ID, EXPERIMENT/latest, a sweep id, an experiment name for its latest sweep) or a run (SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, ...)';
  program
    .command('tag')
    .description(
      'add tags to a sweep or a run (kept in its annotations.json; results are not touched). A run carries its sweep\'s tags too. ' +
        'Filter with: dlsweep ls --tag TAG, dlsweep compare --where \'tags has "TAG"\'',
    )
    .argument('<target>', targetHelp)
    .argument('<tags...>', 'tags: letters, digits, . _ - : / + = @ (no spaces)')
    .action(async (target: string, tags: string[]) => {
      result.code = await tagCommand(target, tags, { runsDir: program.opts().runsDir }, io);
    });
  program
    .command('untag')
    .description('remove tags from a sweep or a run (tags written in the experiment file stay: edit the file)')
    .argument('<target>', targetHelp)
    .argument('<tags...>', 'tags to remove')
    .action(async (target: string, tags: string[]) => {
      result.code = await untagCommand(target, tags, { runsDir: program.opts().runsDir }, io);
    });
  program
    .command('note')
    .description('set the note of a sweep or a run (replacing its previous note), remove it with --clear, or print it (no text)')
    .argument('<target>', targetHelp)
    .argument('[text]', 'the note, quoted')
    .option('--clear', 'remove the note')
    .action(async (target: string, text: string | undefined, opts) => {
      result.code = await noteCommand(target, text, { runsDir: program.opts().runsDir, clear: Boolean(opts.clear) }, io);
    });

  program
    .command('predict')
    .description(
      "apply a run's preprocessing (as fitted at training) and network to new rows; writes CSV: the input's columns, probability, " +
        'predicted_class, predicted_label, imputed and error (rows with a missing or non-numeric value get an error, never a guess). ' +
        'Rows holding the label column are also scored (accuracy, loss, confusion counts on stderr). Exit code 1 when some rows were not predicted',
    )
    .argument('<run>', 'a run (SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, ...) or EXPERIMENT/best, SWEEP_ID/best: the best finished run of that sweep')
    .requiredOption('-i, --input <file>', "CSV rows: a header naming the features, or the training file's columns, or the features only, in order")
    .addOption(new Option('-o, --output <file>', 'write the CSV to this file (atomically) instead of stdout'))
    .option('--metrics <file>', 'write the metrics over the labelled rows to this file as JSON')
    .action(async (run: string, opts) => {
      result.code = await predictCommand(run, { runsDir: program.opts().runsDir, input: opts.input, output: opts.output, metrics: opts.metrics }, io);
    });

  program
    .command('export')
    .description(
      "write a run's model: onnx, a float64 ONNX graph (x: [N x features] raw feature values, complete rows -> scaling, dense layers, activations, " +
        'sigmoid -> probability [N x 1], predicted_class [N x 1]); json, model.json (network, threshold, fitted preprocessing)',
    )
    .argument('<run>', 'a run (SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, ...) or EXPERIMENT/best, SWEEP_ID/best')
    .addOption(new Option('--format <format>', 'onnx or json').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('-o, --output <file>', 'the file to write (atomically)')
    .action(async (run: string, opts) => {
      result.code = await exportCommand(run, { runsDir: program.opts().runsDir, format: opts.format, output: opts.output }, io);
    });

  program
    .command('verify')
    .description(
      'check every file of every run (params.json, metrics.json, timing.json, model.json, curve.csv) and each sweep.json; ' +
        'list damaged runs and what run --resume would train again. Exit 0 when nothing is damaged, 1 otherwise',
    )
    .argument('[sweep]', 'a sweep or experiment (default: every sweep under --runs-dir)')
    .option('--json', 'print JSON instead of text')
    .action((target: string | undefined, opts) => {
      result.code = verifyCommand(target, { runsDir: program.opts().runsDir, json: Boolean(opts.json) }, io);
    });

  program
    .command('rm')
    .description(
      'remove sweeps, after a confirmation: each is renamed away, then deleted, so an interrupted removal never leaves a half sweep that ls lists. A running sweep is refused',
    )
    .argument('<sweeps...>', 'sweeps: EXPERIMENT/SWEEP_ID, a sweep id or unique prefix, EXPERIMENT/latest')
    .option('-y, --yes', 'remove without asking')
    .action(async (sweeps: string[], opts) => {
      result.code = await rmCommand(sweeps, { runsDir: program.opts().runsDir, yes: Boolean(opts.yes), stdin: process.stdin }, io);
    });

  program
    .command('gc')
    .description('remove old sweeps: beyond the N newest of each experiment (--keep) and/or started longer ago than AGE (--older-than); running sweeps stay')
    .option('--keep <n>', "keep each experiment's N newest sweeps", (v: string) => (/^\d+$/.test(v) ? Number(v) : (() => { throw new InvalidArgumentError('--keep takes a whole number, e.g. --keep 5'); })()))
    .option('--older-than <age>', 'only sweeps started longer ago than this: 30d, 12h, 90m', parseAge)
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('-y, --yes', 'remove without asking')
    .action(async (opts) => {
      result.code = await gcCommand({ runsDir: program.opts().runsDir, keep: opts.keep, olderThanMs: opts.olderThan, dryRun: Boolean(opts.dryRun), yes: Boolean(opts.yes), stdin: process.stdin }, io);
    });

  program
    .command('thresholds')
    .description(
      'choose a decision threshold for a run from its stored validation predictions by one rule, and report it on the validation rows ' +
        '(and on test rows when the run has them). For a screening test the usual rule is a minimum recall: --recall-at-least 0.99',
    )
    .argument('<run>', 'a run: SWEEP_ID/INDEX, SWEEP_ID/HASH_PREFIX, EXPERIMENT/latest/INDEX, a run folder, or a hash prefix')
    .option('--recall-at-least <r>', 'the highest threshold whose recall (sensitivity) is at least r, in (0, 1]')
    .option('--cost-fn <a>', 'with --cost-fp: the threshold of lowest cost a·FN + b·FP')
    .option('--cost-fp <b>', 'the cost of a false positive (with --cost-fn)')
    .option('--youden', "the threshold of largest Youden's J = recall + specificity - 1")
    .option('--json', 'print JSON instead of text')
    .action((run: string, opts) => {
      result.code = thresholdsCommand(run, { runsDir: program.opts().runsDir, recallAtLeast: opts.recallAtLeast, costFn: opts.costFn, costFp: opts.costFp, youden: Boolean(opts.youden), json: Boolean(opts.json) }, io);
    });

  program
    .command('diff')
    .description('two runs side by side: parameters and metrics, differences marked (≠), metric differences as B - A')
    .argument('<run-a>', 'a run: SWEEP_ID/INDEX, SWEEP_ID/HASH_PREFIX, EXPERIMENT/latest/INDEX, a run folder, or a hash prefix')
    .argument('<run-b>', 'another run')
    .option('--only-changed', 'show only the rows that differ')
    .addOption(formatOption())
    .addOption(outputOption())
    .action(async (a: string, b: string, opts) => {
      result.code = await diffCommand(a, b, { runsDir: program.opts().runsDir, onlyChanged: Boolean(opts.onlyChanged), format: opts.format, output: opts.output }, io);
    });

  program
    .command('report')
    .description('(re)generate a sweep\'s report.html: loss curves, heatmap, confusion matrices, sortable table; self-contained, opens offline')
    .argument('[sweep]', 'sweep or experiment (default: the latest sweep)')
    .option('--metric <name>', 'metric of the heatmap and of the curve colours', DEFAULT_METRIC)
    .option('--heatmap <params...>', 'the two grid axes of the heatmap: ROW_PARAM COL_PARAM (default: the first two that vary)')
    .option('--max-curves <n>', 'draw the curves of at most N runs, best first (default 50)', positiveInt('--max-curves'))
    .addOption(new Option('-o, --output <file>', 'write the report to this file (atomically) instead of <sweep>/report.html'))
    .action(async (target: string | undefined, opts) => {
      result.code = await reportCommand(target, { runsDir: program.opts().runsDir, metric: opts.metric, heatmap: opts.heatmap, maxCurves: opts.maxCurves, output: opts.output }, io);
    });

  program
    .command('lr-find')
    .description(
      "Smith's learning-rate range test with the settings of the experiment's first grid point: train while the rate grows " +
        'exponentially from --min to --max, stop when the loss explodes, suggest the rate of steepest descent; ' +
        'prints the curve and records it in <runs-dir>/<experiment>/lr-find-<time>/ (curve.csv, lr-find.json, lr-find.svg)',
    )
    .argument('<file>', 'experiment file (YAML)')
    .option('--min <rate>', 'smallest learning rate', positiveNumber('--min'), LR_FIND_DEFAULTS.min)
    .option('--max <rate>', 'largest learning rate', positiveNumber('--max'), LR_FIND_DEFAULTS.max)
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
        "that neuron's weight norm, biases 0), or --from-init: the line from the initialization to theta* (Goodfellow et al. 2015). " +
        'Writes landscape-*.csv (a, b, loss, accuracy) into the run folder and draws a line chart (1-D) or a heatmap (2-D)',
    )
    .argument('<run>', 'a run: SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, EXPERIMENT/best, a run folder, or a hash prefix')
    .addOption(new Option('--dims <n>', 'directions: 1 (a line) or 2 (a grid)').choices(['1', '2']).default(String(LANDSCAPE_DEFAULTS.dims)))
    .addOption(new Option('--directions <kind>', 'how directions are chosen').choices(['random']).default('random'))
    .option('--range <r>', 'a (and b) from -r to r, in units of the filter-normalized direction', positiveNumber('--range'), LANDSCAPE_DEFAULTS.range)
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
        'Needs no dataset file: the data come with the sweep. A worker that dies loses nothing: its trainings return to the queue within 1.5 x the job lock (15 s by default)',
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

  registerDataCommands(program, io, result);
  return program;
}

/** Run the CLI with injected streams; resolves to the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const result = { code: EXIT.ok };
  const program = buildProgram(io, result);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error (already printed).
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof DiagnosticError) {
      io.stderr.write(e.message + '\n');
      if (debug) io.stderr.write((e.stack ?? '') + '\n');
      return EXIT.usage;
    }
    if (e instanceof UserError) {
      io.stderr.write(`error: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
      if (debug) io.stderr.write((e.stack ?? '') + '\n');
      return EXIT.usage;
    }
    if (e instanceof QueueError) {
      io.stderr.write(`error: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
      if (debug) io.stderr.write((e.stack ?? '') + '\n');
      return EXIT.runsFailed;
    }
    if (isWriteError(e)) {
      // Disk full, permissions, a path that cannot be a folder: the user's to fix, not a bug; finished runs
      // are never touched by a failed write.
      const badPath = PATH_ERRORS.has(e.code ?? '');
      io.stderr.write(`error: ${describeWriteError(e)}\nhint: ${writeErrorHint(e)}\n`);
      if (debug) io.stderr.write((e.stack ?? '') + '\n');
      return badPath ? EXIT.usage : EXIT.runsFailed;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`internal error: ${err.message}\nThis is a bug in dlsweep; please report it with the output below.\n${err.stack ?? ''}\n`);
    return EXIT.internal;
  }
}

function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // A closed pipe (`dlsweep run ... | head`) must not kill a sweep: what cannot be shown is dropped, the
  // runs are still recorded.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  // Into one pipe (2>&1) both streams keep their order; a terminal shows each write as it comes.
  const output = process.stdout.isTTY || process.stderr.isTTY ? undefined : orderedOutput(process.stdout, process.stderr);
  const code = await runCli(process.argv.slice(2), { stdout: output?.stdout ?? process.stdout, stderr: output?.stderr ?? process.stderr, cwd: process.cwd(), env: process.env });
  // Everything is written and every thread stopped by now. Exiting at once, rather than when the event loop
  // has drained, skips tearing down the heap (tens of milliseconds after a sweep that drew charts); what
  // is still buffered for stdout and stderr is handed over first, however slowly it is read.
  await (output ? output.flushed() : Promise.all([drained(process.stdout), drained(process.stderr)]));
  process.exit(code);
}
