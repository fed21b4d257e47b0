#!/usr/bin/env node
/**
 * The dlsweep command line. The one place that maps errors to exit codes:
 *   0 success; 1 some runs failed (or the sweep stopped on a write error); 2 usage or invalid input
 *   (experiment file, data, options); 70 an internal error (a bug: its stack is printed); 130 interrupted.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DiagnosticError, UserError } from '../errors.js';
import { toolVersion } from '../store/provenance.js';
import { DEFAULT_MAX_RUNS, planCommand, runCommand } from './run.js';
import { compareCommand } from './compare.js';
import { registerDataCommands } from './data.js';
import type { CliIO } from './io.js';

export const EXIT = { ok: 0, runsFailed: 1, usage: 2, internal: 70, interrupted: 130 } as const;

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} takes a whole number of at least 1, e.g. ${name} 4`);
    }
    return n;
  };
}

const HELP_AFTER = `
Exit codes: 0 success, 1 some runs failed, 2 invalid input or usage, 70 internal error, 130 interrupted.
Quick start: dlsweep run experiments/seed-article.yaml && dlsweep compare`;

/** Build the command tree; actions store their exit code in `result`. */
function buildProgram(io: CliIO, result: { code: number }): Command {
  const program = new Command('dlsweep')
    .description('Grid sweeps of small from-scratch neural networks: train every grid point in parallel, record each run, compare them.')
    .version(toolVersion(), '-V, --version')
    .option('--runs-dir <dir>', 'where sweeps are recorded', 'runs')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run dlsweep --help for usage)')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const common = (c: Command) =>
    c
      .option('--data-dir <dir>', 'folder of managed datasets such as wisconsin (default: ./data)')
      .option('--workers <n>', 'worker threads (default: the available parallelism)', positiveInt('--workers'))
      .option('--max-runs <n>', 'refuse grids with more points than this', positiveInt('--max-runs'), DEFAULT_MAX_RUNS)
      .option('--no-share', 'train every grid point alone instead of sharing trainings across thresholds and iteration counts');

  common(
    program
      .command('run')
      .description(
        'train every point of the experiment\'s grid and record each run under <runs-dir>/<experiment>/<sweep-id>/. ' +
          'A training that throws fails only its runs; a worker thread that dies is replaced and its training retried once, then failed.',
      )
      .argument('<file>', 'experiment file (YAML)'),
  )
    .addOption(new Option('--resume [sweep]', 'continue a sweep of this experiment (a sweep id, or latest): finished runs are kept'))
    .option('-q, --quiet', 'print only the final table')
    .action(async (file: string, opts) => {
      result.code = await runCommand(
        file,
        { runsDir: program.opts().runsDir, dataDir: opts.dataDir, workers: opts.workers, maxRuns: opts.maxRuns, share: opts.share, quiet: Boolean(opts.quiet), resume: opts.resume },
        io,
      );
    });

  common(program.command('plan').description('print what `run` would train (grid points, trainings, updates) without training').argument('<file>', 'experiment file (YAML)')).action(
    async (file: string, opts) => {
      result.code = await planCommand(file, { runsDir: program.opts().runsDir, dataDir: opts.dataDir, workers: opts.workers, maxRuns: opts.maxRuns, share: opts.share, quiet: false }, io);
    },
  );

  program
    .command('compare')
    .description('print the comparison table of one or more sweeps: a sweep folder, an experiment name (its latest sweep), NAME/SWEEP_ID, or a sweep id; default: the latest sweep')
    .argument('[targets...]', 'sweeps or experiments to compare')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'markdown']).default('table'))
    .action((targets: string[], opts) => {
      result.code = compareCommand(targets, { runsDir: program.opts().runsDir, format: opts.format }, io);
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
  const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
  process.exitCode = code;
}
