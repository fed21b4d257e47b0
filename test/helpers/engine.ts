/** Choosing the training engine for a piece of test or bench code. */
import type { EngineMode, TrainRequest } from '../../src/train/types.js';

/** The request with its engine set to mode. */
export function withEngine(mode: EngineMode, req: TrainRequest): TrainRequest {
  return { ...req, engine: mode };
}
