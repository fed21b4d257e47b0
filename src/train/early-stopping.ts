/**
 * The bookkeeping of early stopping, the same for both engines: the best validation loss seen at a check,
 * where it was seen, the checks waited since, and (restore_best) a copy of the weights it was seen with.
 * Rule: stop when `patience` checks in a row improve on the best loss by no more than `min_delta`
 * (Prechelt 1998, "Early stopping - but when?"; the rule of Keras's EarlyStopping callback).
 */
import { cloneParams, copyParamsInto } from './network.js';
import type { EarlyStopping, NetworkParams } from './types.js';

export class PatienceTracker {
  /** The weights of the best check (restore_best), else undefined. */
  readonly best: NetworkParams | undefined;
  private bestLoss = Infinity;
  /** Update count of the best check so far; -1 before the first check. */
  bestAt = -1;
  private wait = 0;

  /** net: the network being trained (its shape is copied for restore_best). */
  constructor(
    private readonly es: EarlyStopping,
    net: NetworkParams,
  ) {
    this.best = es.restore_best ? cloneParams(net) : undefined;
  }

  /**
   * Record a check of `net` after k updates with validation loss valLoss (nats); true when patience ran out.
   * Throws: nothing.
   */
  check(valLoss: number, k: number, net: NetworkParams): boolean {
    if (valLoss < this.bestLoss - this.es.min_delta) {
      this.bestLoss = valLoss;
      this.bestAt = k;
      this.wait = 0;
      if (this.best) copyParamsInto(net, this.best);
      return false;
    }
    return ++this.wait >= this.es.patience;
  }

  /** The best check's weights and update count when restore_best applies and a check was made. */
  restorable(): { model: NetworkParams; at: number } | undefined {
    return this.best && this.bestAt >= 0 ? { model: this.best, at: this.bestAt } : undefined;
  }
}
