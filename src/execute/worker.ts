/**
 * The worker entry: one training per message, no file system access (beyond loading the kernels). Piscina
 * calls the default export. A training that throws returns { ok: false } so that only its runs fail; a
 * worker that dies is seen by the local executor (local.ts) as a rejected task. Once the trainings are
 * done, the same threads draw the report's charts (ChartTask): vega is loaded by the first one.
 */
import { performance } from 'node:perf_hooks';
import { train } from '../train/train.js';
import { loadKernels } from '../train/fast/wasm.js';
import { parentPort, threadId } from 'node:worker_threads';
import { WORKER_READY, isChartTask, type ChartOutcome, type ChartTask, type TaskOutcome, type TrainTask, type WorkerReady } from './messages.js';
import { drawSvg, warmChartEngine } from '../report/charts.js';
import { injectedFault } from './faults.js';

// Compile the WebAssembly kernels while the pool starts rather than in the first training (a millisecond or
// so, wasted only when every training runs on the TypeScript engine). A failure is left for the first
// training that needs the kernels to report, as its error.
try {
  loadKernels();
  warmTraining();
} catch {
  // reported by the first training
}
// Every module of this thread is loaded: it may now be stopped safely (see LocalExecutor.close). Piscina
// loads this file with require(), which evaluates it and then still builds the module's CommonJS facade;
// stopping the thread then aborts Node. Posting from a microtask says "loaded" only once require() returned.
queueMicrotask(() => parentPort?.postMessage({ kind: WORKER_READY, threadId } satisfies WorkerReady));

/**
 * Train a small network once, results discarded, while the pool starts: the first training of a thread runs
 * cold (its kernels compiled on first call, its memory grown, its JavaScript not yet optimized), 15-70 ms for
 * what takes 2-3 ms warm (100 updates of the study's network), and that cost otherwise falls on the first
 * batch a search waits for. The data are fixed numbers: nothing depends on the run. Throws: as train.
 */
function warmTraining(): void {
  // A data set of the study's size, its rows distinct (duplicates would be collapsed): the kernels' memory
  // grows here rather than in the first real training.
  const features = 9;
  const m = 512;
  const X = new Float64Array(features * m);
  for (let i = 0; i < X.length; i++) X[i] = ((i * 7919) % 1009) / 1009;
  const y = new Float64Array(m).map((_, j) => j % 2);
  const split = { X: { rows: features, cols: m, data: X }, y };
  train({
    config: { hidden_sizes: [5], init: 'lecun_normal', learning_rate: 0.1, seed: 1 },
    engine: 'auto',
    checkpoints: [10, 20],
    thresholds: [0.5],
    curve_every: 10,
    keep_state: true,
    train: split,
    validation: split,
  });
}

export default function runTask(task: TrainTask | ChartTask): TaskOutcome | Promise<ChartOutcome> {
  if (isChartTask(task)) return drawChart(task);
  const start = performance.now();
  try {
    injectedFault(task.request.config);
    let last = 0;
    const result = train(task.request, (iteration) => {
      // Throttled: a message per ~250 ms is plenty for a progress bar.
      const now = performance.now();
      if (task.progress && now - last > 250) {
        last = now;
        task.progress.postMessage(iteration);
      }
    });
    return { ok: true, training: task.training, fold: task.fold, result, training_ms: performance.now() - start };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, training: task.training, fold: task.fold, error: err.message, stack: err.stack, training_ms: performance.now() - start };
  } finally {
    task.progress?.close();
  }
}

async function drawChart(task: ChartTask): Promise<ChartOutcome> {
  try {
    if (!task.spec) {
      await warmChartEngine();
      return { ok: true, svg: '', threadId };
    }
    return { ok: true, svg: await drawSvg(task.spec), threadId };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, error: err.message, stack: err.stack, threadId };
  }
}
