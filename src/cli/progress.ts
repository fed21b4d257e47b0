/**
 * Progress of a sweep: a live bar (cli-progress) on a terminal, a plain line at most every 5 s otherwise,
 * nothing with --quiet. The ETA counts updates (iterations x folds) per training: see Tracker.
 */
import cliProgress from 'cli-progress';
import type { RecorderEvents } from '../store/recorder.js';
import { formatDuration, type CliIO } from './io.js';

/** What a progress display hears: trainings handed out and progressing (from the executor's hooks), runs recorded (from the recorder). */
export interface Progress extends RecorderEvents {
  /** A training (all folds) was handed to a worker. */
  trainingStarted?(training: number): void;
  /** A training reports its update count (long trainings only, throttled). */
  trainingProgress?(training: number, fold: number, iteration: number): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 5000;

/**
 * Counts runs recorded and estimates the time left from updates, per training: the updates left are what
 * each unfinished training still has to run (its planned length times folds, less what it has reported);
 * the pace is the updates actually run so far (a training that stopped early counts what it ran, not its
 * planned length) over the time elapsed. No ETA ("?") until a training has ended: before, the pace of the
 * first updates leaves out threads' start-up and recording and promises far too little.
 */
export class Tracker {
  private readonly start: number;
  done = 0;
  /** Updates actually run by finished trainings. */
  private finishedUpdates = 0;
  /** Planned updates (length x folds) of the trainings not finished yet. */
  private readonly planned: Map<number, number>;
  /** "training:fold" -> updates so far, for trainings in flight. */
  private readonly partial = new Map<string, number>();
  private readonly started = new Set<number>();
  /** Trainings ended: no ETA before the first, whose pace alone includes start-up and recording. */
  private ended = 0;

  /**
   * planned: each pending training's updates (its length times the folds); workers: trainings that can run
   * at once (more handed out wait in the pool's queue); now: the clock, in ms (tests pass their own).
   */
  constructor(
    planned: ReadonlyMap<number, number>,
    private readonly workers: number,
    private readonly now: () => number = Date.now,
  ) {
    this.planned = new Map(planned);
    this.start = now();
  }

  trainingStarted(t: number) {
    this.started.add(t);
  }
  progressed(t: number, fold: number, iteration: number) {
    if (this.started.has(t)) this.partial.set(`${t}:${fold}`, iteration);
  }
  /** A training ended (all folds) after running `updates` updates (0 when it failed). */
  finished(t: number, updates: number) {
    this.started.delete(t);
    this.planned.delete(t);
    for (const k of [...this.partial.keys()]) if (k.startsWith(`${t}:`)) this.partial.delete(k);
    this.finishedUpdates += updates;
    this.ended++;
  }
  /** Updates run so far and updates left. */
  updates(): { run: number; left: number } {
    let run = this.finishedUpdates;
    const reported = new Map<number, number>();
    for (const [k, v] of this.partial) {
      run += v;
      const t = Number(k.slice(0, k.indexOf(':')));
      reported.set(t, (reported.get(t) ?? 0) + v);
    }
    let left = 0;
    for (const [t, n] of this.planned) left += Math.max(0, n - (reported.get(t) ?? 0));
    return { run, left };
  }
  snapshot() {
    const { run, left } = this.updates();
    const elapsed = (this.now() - this.start) / 1000;
    const eta = this.ended > 0 && run > 0 ? formatDuration((elapsed * left) / run) : '?';
    // Handed-out trainings beyond the threads wait in the pool's queue: they are not in flight.
    return { elapsed: formatDuration(elapsed), eta, inflight: Math.min(this.started.size, this.workers) };
  }
}

/**
 * A progress reporter for `total` pending runs; planned: each pending training's updates (length times
 * folds); workers: trainings that run at once.
 */
export function createProgress(io: CliIO, total: number, planned: ReadonlyMap<number, number>, workers: number, quiet: boolean): Progress {
  if (quiet || total === 0) return { stop() {} };
  const tracker = new Tracker(planned, workers);
  let render: (force?: boolean) => void;
  let stop = () => {};
  if (io.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'training {bar} {value}/{total} runs | {inflight} in flight | {elapsed_text} elapsed | ETA {eta_text}',
        stream: io.stderr as unknown as NodeJS.WritableStream,
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { inflight: 0, elapsed_text: '0.0s', eta_text: '?' });
    render = () => {
      const s = tracker.snapshot();
      bar.update(tracker.done, { inflight: s.inflight, elapsed_text: s.elapsed, eta_text: s.eta });
    };
    const timer = setInterval(render, 500);
    timer.unref();
    stop = () => {
      clearInterval(timer);
      bar.stop();
    };
  } else {
    let last = Date.now();
    render = (force = false) => {
      if (!force && Date.now() - last < PLAIN_INTERVAL_MS) return;
      last = Date.now();
      const s = tracker.snapshot();
      io.stderr.write(`progress: ${tracker.done}/${total} runs, ${s.inflight} in flight, ${s.elapsed} elapsed, ETA ${s.eta}\n`);
    };
  }
  return {
    trainingStarted(t) {
      tracker.trainingStarted(t);
      render();
    },
    trainingProgress(t, fold, iteration) {
      tracker.progressed(t, fold, iteration);
      render();
    },
    runRecorded() {
      tracker.done++;
      render();
    },
    trainingFinished(t, updates) {
      tracker.finished(t, updates);
      render();
    },
    stop,
  };
}
