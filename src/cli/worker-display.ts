/**
 * What `dlsweep worker` prints while it trains. Into a pipe or a file: one line per training when it ends (done,
 * diverged or failed, with its size and time), and one per job it cannot train. On a terminal: a live
 * display (cli-progress) with a summary line and one bar per training in hand, counting its updates over
 * every fold; failures and refused jobs are printed above the bars.
 */
import cliProgress from 'cli-progress';
import type { Outcome } from '../execute/executor.js';
import type { TakenTraining, WorkerEvents } from '../execute/queue/worker.js';
import { plural } from '../text.js';
import { formatDuration, type OutStream } from './io.js';

export interface WorkerDisplay extends WorkerEvents {
  /** A line from the command itself (start, signals, stop), printed without breaking the bars. */
  note(line: string): void;
  /** Leave the terminal as a shell expects it (the bars' last state kept). */
  stop(): void;
}

/** How a training ended, in a word: a done training whose folds diverged (any of them) is "diverged". */
function endWord(outcome: Outcome): string {
  if (outcome.status === 'done') return outcome.results.some((r) => r.status === 'diverged') ? 'diverged' : 'done';
  return outcome.status;
}

function label(t: TakenTraining): string {
  return `${t.experiment} ${t.sweep} training ${t.training}`;
}

function size(t: TakenTraining): string {
  return `${t.updates} updates x ${t.folds} ${plural(t.folds, 'fold')}`;
}

/** The line of an ended training: `NAME: done EXPERIMENT SWEEP training N (U updates x F folds) in 1.2 s[: error]`. */
export function endLine(name: string, t: TakenTraining, outcome: Outcome): string {
  const error = outcome.status === 'failed' ? `: ${outcome.error}` : '';
  return `${name}: ${endWord(outcome)} ${label(t)} (${size(t)}) in ${(outcome.training_ms / 1000).toFixed(1)} s${error}`;
}

/** The display for a worker named `name` writing to `out` (a terminal gets the bars). */
export function createWorkerDisplay(name: string, out: OutStream): WorkerDisplay {
  const unusable = (id: string, reason: string) => `${name}: job ${id} ${reason}`;
  if (!out.isTTY) {
    return {
      taken() {},
      progress() {},
      finished: (t, outcome) => void out.write(endLine(name, t, outcome) + '\n'),
      unusable: (id, reason) => void out.write(unusable(id, reason) + '\n'),
      note: (line) => void out.write(line + '\n'),
      stop() {},
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream: out as unknown as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: false,
      gracefulExit: false,
      fps: 5,
      barsize: 24,
      format: '  {label} {bar} {percentage}% | {value}/{total} updates',
    },
    cliProgress.Presets.shades_classic,
  );
  const counts = { done: 0, diverged: 0, failed: 0, interrupted: 0, cancelled: 0 };
  const t0 = Date.now();
  const inHand = new Map<string, { bar: cliProgress.SingleBar; folds: Map<number, number> }>();
  const summaryText = () =>
    `worker ${name}: ${counts.done} done, ${counts.diverged} diverged, ${counts.failed} failed, ${inHand.size} in hand, up ${formatDuration((Date.now() - t0) / 1000)}`;
  const summary = bars.create(1, 0, { summary: summaryText() }, { format: '{summary}' });
  const refresh = () => summary.update(0, { summary: summaryText() });
  // The summary's clock moves even while nothing happens.
  const clock = setInterval(refresh, 1000);
  clock.unref();
  const log = (line: string) => bars.log(line + '\n');
  return {
    taken(t) {
      const bar = bars.create(t.updates * t.folds, 0, { label: label(t) });
      inHand.set(t.id, { bar, folds: new Map() });
      refresh();
    },
    progress(t, fold, iteration) {
      const held = inHand.get(t.id);
      if (!held) return;
      held.folds.set(fold, iteration);
      let sum = 0;
      for (const v of held.folds.values()) sum += v;
      held.bar.update(sum);
    },
    finished(t, outcome) {
      const held = inHand.get(t.id);
      if (held) bars.remove(held.bar);
      inHand.delete(t.id);
      counts[endWord(outcome) as keyof typeof counts]++;
      if (outcome.status !== 'done') log(endLine(name, t, outcome));
      refresh();
    },
    unusable: (id, reason) => log(unusable(id, reason)),
    note: log,
    stop() {
      clearInterval(clock);
      refresh();
      bars.update(); // prints the lines still waiting for the next frame
      bars.stop();
    },
  };
}
