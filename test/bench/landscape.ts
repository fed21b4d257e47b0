/**
 * The loss landscape benchmark: a 2-D landscape of 51 x 51 points (filter-normalized random directions,
 * Li et al. 2018) around a trained 9-15-1 network on the study's 500 training rows, forward passes only:
 * the default (the fast engine's kernels) against the TypeScript forward pass, side by side, alternating.
 */
import { getActivation } from '../../src/train/activations.js';
import { fromModelJson } from '../../src/train/network.js';
import { Rng } from '../../src/train/rng.js';
import { train } from '../../src/train/train.js';
import { filterNormalizedDirection, landscapeGrid, linspace } from '../../src/train/landscape.js';
import { loadWisconsin } from '../helpers/wisconsin.js';
import { WISCONSIN, median, time } from './measure.js';
import type { BenchRow } from './report.js';

/** 51 x 51 points, as `dlsweep landscape RUN --dims 2` draws by default. */
const STEPS = 51;

export function landscapeCases(reps: number): BenchRow[] {
  const data = loadWisconsin(WISCONSIN);
  const trained = train({ config: { hidden_sizes: [15], init: 'lecun_normal', learning_rate: 0.07, seed: 1 }, checkpoints: [3000], thresholds: [0.5], curve_every: 3000, train: data.train, validation: data.validation });
  const net = fromModelJson(trained.checkpoints[0].model!);
  const rng = new Rng(0);
  const d1 = filterNormalizedDirection(net, rng);
  const d2 = filterNormalizedDirection(net, rng);
  const alphas = linspace(-1, 1, STEPS);
  const grid = (engine: 'fast' | 'ts') => landscapeGrid({ net, hidden: getActivation('relu'), data: data.train, d1, d2, alphas, betas: alphas, threshold: 0.5, engine });
  // Warm-up (JIT, the kernels' instantiation), and the two engines' agreement on this grid.
  const a = grid('fast');
  const b = grid('ts');
  const agree = Math.max(...a.map((p, i) => Math.abs(p.loss - b[i].loss) / Math.max(1, Math.abs(b[i].loss))));
  const fast: number[] = [];
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    fast.push(time(() => grid('fast')));
    ts.push(time(() => grid('ts')));
  }
  const rows = data.train.y.length;
  return [
    {
      id: 'landscape-2d-51',
      case: `dlsweep landscape --dims 2: 51 x 51 = ${STEPS * STEPS} forward passes of 9-15-1 on the ${rows} training rows (loss and accuracy at each point), fast engine; reference: the TypeScript forward pass, same points`,
      ours: median(fast),
      ours_samples: fast,
      unit: 's',
      reference: median(ts),
      reference_samples: ts,
      reference_name: 'TypeScript forward pass (--engine ts)',
      goal: '< 1 s',
      goal_ratio: null,
      goal_max: 1,
      extra: { points: STEPS * STEPS, rows, max_relative_loss_difference: agree },
    },
  ];
}
