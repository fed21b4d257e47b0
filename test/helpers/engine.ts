/** Choosing the training engine for a piece of test or bench code. */
import type { EngineMode } from '../../src/train/fast/train-fast.js';

/** Runs fn with DLSWEEP_ENGINE set to mode, restoring the previous value. */
export function withEngine<T>(mode: EngineMode, fn: () => T): T {
  const before = process.env.DLSWEEP_ENGINE;
  process.env.DLSWEEP_ENGINE = mode;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.DLSWEEP_ENGINE;
    else process.env.DLSWEEP_ENGINE = before;
  }
}
