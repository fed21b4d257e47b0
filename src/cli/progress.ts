/**
 * Progress of a sweep: a live bar (cli-progress) on a terminal, a plain line at most every 5 s otherwise,
 * nothing with --quiet. The ETA counts updates (iterations x folds), so long trainings weigh more.
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

/** Counts runs recorded and updates run, in flight and finished. */
class Tracker {
  private readonly start = Date.now();
  done = 0;
  private finishedUpdates = 0;
  /** "training:fold" -> updates so far, for trainings in flight. */
  private readonly partial = new Map<string, number>();
  private readonly inflight = new Set<number>();

  constructor(private readonly totalUpdates: number) {}

  started(t: number) {
    this.inflight.add(t);
  }
  progressed(t: number, fold: number, iteration: number) {
    if (this.inflight.has(t)) this.partial.set(`${t}:${fold}`, iteration);
  }
  finished(t: number, updates: number) {
    this.inflight.delete(t);
    for (const k of [...this.partial.keys()]) if (k.startsWith(`${t}:`)) this.partial.delete(k);
    this.finishedUpdates += updates;
  }
  snapshot() {
    let doneUpdates = this.finishedUpdates;
    for (const v of this.partial.values()) doneUpdates += v;
    const elapsed = (Date.now() - this.start) / 1000;
    const eta = doneUpdates > 0 ? formatDuration(Math.max(0, (elapsed * (this.totalUpdates - doneUpdates)) / doneUpdates)) : '?';
    return { elapsed: formatDuration(elapsed), eta, inflight: this.inflight.size };
  }
}

/** A progress reporter for `total` pending runs whose trainings add up to `totalUpdates` updates. */
export function createProgress(io: CliIO, total: number, totalUpdates: number, quiet: boolean): Progress {
  if (quiet || total === 0) return { stop() {} };
  const tracker = new Tracker(totalUpdates);
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
      tracker.started(t);
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
