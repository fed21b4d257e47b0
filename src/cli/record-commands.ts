/**
 * The commands that read, annotate and clean up what sweeps recorded: compare, ls, show, tag, untag, note,
 * predict, export, verify, rm, gc, thresholds, diff, report. Actions store their exit code in `result`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { compareCommand } from './compare.js';
import { lsCommand } from './ls.js';
import { showCommand } from './show.js';
import { diffCommand } from './diff.js';
import { verifyCommand } from './verify.js';
import { thresholdsCommand } from './thresholds.js';
import { reportCommand } from './report.js';
import { DEFAULT_METRIC } from '../report/compare/shared.js';
import { noteCommand, tagCommand, untagCommand } from './annotate.js';
import { EXPORT_FORMATS, exportCommand, predictCommand } from './predict.js';
import { gcCommand, parseAge, rmCommand } from './rm.js';
import { formatOption, oneCharacter, outputOption, positiveInt, topCount } from './options.js';
import type { CliIO } from './io.js';

/** Add the record commands to `program` (whose --runs-dir they read). */
export function registerRecordCommands(program: Command, io: CliIO, result: { code: number }): void {
  program
    .command('compare')
    .description(
      'compare the runs of one or more sweeps: a sweep folder, an experiment name (its latest sweep), NAME/SWEEP_ID, NAME/latest, or a sweep id; ' +
        'default: the latest sweep. Several sweeps: the columns are the union of their parameters (- where a run lacks one)',
    )
    .argument('[targets...]', 'sweeps or experiments to compare (name them before variadic options such as --group-by)')
    .option('--sort <columns>', 'sort by columns, comma-separated, each NAME, NAME:asc or NAME:desc (default direction: best first for metrics, ascending otherwise; full ties by the lower run number; a metric sorted by is always shown; a run fact no run has, e.g. bracket outside Hyperband, is refused)')
    .option('--where <expr>', 'keep the runs for which the expression holds, e.g. "learning_rate < 0.05 and validation.recall >= 0.98"')
    .option('--columns <names>', 'columns to show, comma-separated (parameters and/or metrics); +NAME,+NAME adds to the default columns')
    .option('--only-changed', 'show only the parameters that differ between the runs shown', true)
    .option('--no-only-changed', 'show every parameter')
    .option('--top <n>', 'show the first N runs (or groups) only, or all', topCount)
    .option('--group-by <params...>', 'aggregate the runs of each combination of these parameters (mean, std, min, max, count)')
    .option('--pivot <names...>', 'two-way table: ROW_PARAM COL_PARAM METRIC (mean of the metric per cell)')
    .option('--marginals [metric]', `for each parameter, the metric (default: the sweep's objective, ${DEFAULT_METRIC} unless the experiment declares one) averaged per value`)
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
    .description('list experiments and their sweeps, newest first: search method, start, status, runs done/failed/diverged (done 19/≤96: an unfinished asha search trains at most 96), best metric, duration (time worked, without the idle time before a resume or extension), tags, description; then each experiment\'s lr-find results')
    .argument('[experiments...]', 'only these experiments')
    .option('--metric <name>', `the metric shown for each sweep's best run (the best by the sweep's objective); default: the first metric of that objective`)
    .option('--size', 'add the disk space each sweep takes (and that of each experiment\'s lr-find results)')
    .option('--tag <tag>', 'only sweeps carrying this tag, on the sweep (from the experiment file or dlsweep tag) or on one of its runs (dlsweep tag RUN); repeat for several (all required)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(formatOption())
    .addOption(outputOption())
    .action(async (experiments: string[], opts) => {
      result.code = await lsCommand(experiments, { runsDir: program.opts().runsDir, metric: opts.metric, format: opts.format, output: opts.output, tags: opts.tag, size: Boolean(opts.size) }, io);
    });

  program
    .command('show')
    .description(
      'show a run (parameters, metrics, confusion matrix, loss curve, files; a search\'s run: its trial, rung, bracket and horizon) or a sweep (facts, grid, best runs, files). ' +
        'Runs: SWEEP_ID/INDEX, SWEEP_ID/HASH_PREFIX, EXPERIMENT/latest/INDEX, EXPERIMENT/best or SWEEP_ID/best (the best finished run by the sweep\'s objective), a run folder, or a bare hash prefix; default: the latest sweep',
    )
    .argument('[target]', 'run or sweep')
    .option('--log', 'draw the loss curve on a log scale')
    .option('--top <n>', 'runs listed for a sweep, best first (default 5, or all; with --json, all unless given)', topCount)
    .option('--json', 'print JSON instead of text')
    .action((target: string | undefined, opts) => {
      result.code = showCommand(target, { runsDir: program.opts().runsDir, log: Boolean(opts.log), json: Boolean(opts.json), top: opts.top }, io);
    });

  const targetHelp = 'a sweep (EXPERIMENT/SWEEP_ID, EXPERIMENT/latest, a sweep id, an experiment name for its latest sweep) or a run (SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, EXPERIMENT/best, SWEEP_ID/best, ...)';
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
        'predicted_class, predicted_label, imputed and error (rows with a missing or non-numeric value get an error, never a guess; a text cell starting with = + - @ gets a leading \' so spreadsheets never run it as a formula). ' +
        'Rows holding the label column are also scored (accuracy, loss, confusion counts on stderr). Exit code 1 when some rows were not predicted',
    )
    .argument('<run>', 'a run (SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, ...) or EXPERIMENT/best, SWEEP_ID/best: the best finished run of that sweep')
    .requiredOption('-i, --input <file>', "CSV rows: a header naming the features, or the training file's columns, or the features only, in order")
    .addOption(new Option('-o, --output <file>', 'write the CSV to this file (atomically) instead of stdout'))
    .option('--metrics <file>', 'write the metrics over the labelled rows to this file as JSON')
    .option('--delimiter <char>', "the input's field separator (default: the training file's dataset.delimiter, recorded in model.json)", oneCharacter('--delimiter'))
    .action(async (run: string, opts) => {
      result.code = await predictCommand(run, { runsDir: program.opts().runsDir, input: opts.input, output: opts.output, metrics: opts.metrics, delimiter: opts.delimiter }, io);
    });

  program
    .command('export')
    .description(
      "write a run's model: onnx, a float64 ONNX graph (x: [N x features] raw feature values, complete rows -> scaling, dense layers, activations, " +
        'sigmoid -> probability [N x 1], predicted_class [N x 1]); json, model.json (network, threshold, fitted preprocessing)',
    )
    .argument('<run>', 'a run (SWEEP_ID/INDEX, EXPERIMENT/latest/INDEX, ...) or EXPERIMENT/best, SWEEP_ID/best')
    .addOption(new Option('--format <format>', 'onnx or json (default: from the --output extension, .onnx or .json)').choices([...EXPORT_FORMATS]))
    .requiredOption('-o, --output <file>', 'the file to write (atomically)')
    .action(async (run: string, opts) => {
      result.code = await exportCommand(run, { runsDir: program.opts().runsDir, format: opts.format, output: opts.output }, io);
    });

  program
    .command('verify')
    .description(
      'check every file of every run (params.json, metrics.json, timing.json, model.json, curve.csv, predictions.csv, roc.csv, trajectory.csv) and each sweep.json and search.json (of a search); ' +
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
      'remove sweeps (or lr-find results), after a confirmation: each is renamed away, then deleted, so an interrupted removal never leaves a half sweep that ls lists. A running sweep is refused',
    )
    .argument('<sweeps...>', 'sweeps: EXPERIMENT/SWEEP_ID, a sweep id or unique prefix, EXPERIMENT/latest; lr-find results: EXPERIMENT/lr-find-ID (as ls lists them)')
    .option('-y, --yes', 'remove without asking')
    .action(async (sweeps: string[], opts) => {
      result.code = await rmCommand(sweeps, { runsDir: program.opts().runsDir, yes: Boolean(opts.yes), stdin: process.stdin }, io);
    });

  program
    .command('gc')
    .description('remove old sweeps: beyond the N newest of each experiment (--keep) and/or started longer ago than AGE (--older-than); running sweeps stay. Each experiment\'s lr-find results go by the same rules, counted apart from its sweeps')
    .option('--keep <n>', "keep each experiment's N newest sweeps (--keep 0 is refused unless with --older-than or --dry-run: it would remove every sweep)", (v: string) => (/^\d+$/.test(v) ? Number(v) : (() => { throw new InvalidArgumentError('--keep takes a whole number, e.g. --keep 5'); })()))
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
    .argument('<run>', "a run: SWEEP_ID/INDEX, SWEEP_ID/HASH_PREFIX, EXPERIMENT/latest/INDEX, a run folder, a hash prefix, or EXPERIMENT/best, SWEEP_ID/best (the best run by the sweep's objective)")
    .option('--recall-at-least <r>', 'the highest thresholds whose recall (sensitivity) is at least r, in (0, 1]: prints the low end of their interval')
    .option('--cost-fn <a>', 'with --cost-fp: the threshold of lowest cost a·FN + b·FP')
    .option('--cost-fp <b>', 'the cost of a false positive (with --cost-fn)')
    .option('--youden', "the threshold of largest Youden's J = recall + specificity - 1")
    .option('--json', 'print JSON instead of text')
    .action((run: string, opts) => {
      result.code = thresholdsCommand(run, { runsDir: program.opts().runsDir, recallAtLeast: opts.recallAtLeast, costFn: opts.costFn, costFp: opts.costFp, youden: Boolean(opts.youden), json: Boolean(opts.json) }, io);
    });

  program
    .command('diff')
    .description('two runs side by side: parameters and metrics (search runs: trial, rung, bracket, horizon), differences marked (≠), metric differences as B - A; runs of sweeps on different data get a warning, as in compare')
    .argument('<run-a>', 'a run: SWEEP_ID/INDEX, SWEEP_ID/HASH_PREFIX, EXPERIMENT/latest/INDEX, EXPERIMENT/best, SWEEP_ID/best, a run folder, or a hash prefix')
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
    .option('--metric <name>', `metric of the heatmap and of the curve colours (default: the sweep's objective, ${DEFAULT_METRIC} unless the experiment declares one)`)
    .option('--heatmap <params...>', 'the two grid axes of the heatmap: ROW_PARAM COL_PARAM (default: the first two that vary; for a search, the first two with at most 12 values)')
    .option('--max-curves <n>', 'draw the curves of at most N runs, best first (default 50)', positiveInt('--max-curves'))
    .addOption(new Option('-o, --output <file>', 'write the report to this file (atomically) instead of <sweep>/report.html'))
    .action(async (target: string | undefined, opts) => {
      result.code = await reportCommand(target, { runsDir: program.opts().runsDir, metric: opts.metric, heatmap: opts.heatmap, maxCurves: opts.maxCurves, output: opts.output }, io);
    });
}
