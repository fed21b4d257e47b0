/**
 * The bookkeeping of early stopping, the same for both engines: the best validation loss seen at a check,
 * where it was seen, the checks waited since, and (restore_best) a copy of the weights it was seen with.
 * Rule: stop when `patience` checks in a row improve on the best loss by no more than `min_delta`
 * (Prechelt 1998, "Early stopping - but when?"; the rule of Keras's EarlyStopping callback).
 */
import { cloneParams, copyParamsInto } from './network.js';
import { base64ToF64, f64ToBase64, flattenParams, unflattenInto, type TrainingState } from './state.js';
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

  /** The bookkeeping as a training state holds it (state.ts). Throws: nothing. */
  exportState(): NonNullable<TrainingState['patience']> {
    return { best_loss: f64ToBase64([this.bestLoss]), best_at: this.bestAt, wait: this.wait, best: this.best ? f64ToBase64(flattenParams(this.best)) : null };
  }

  /** Continue with the bookkeeping of a training state. Throws: Error when it does not fit (restore_best, shapes). */
  importState(p: NonNullable<TrainingState['patience']>): void {
    if ((p.best === null) !== (this.best === undefined)) throw new Error('training state: restore_best differs');
    this.bestLoss = base64ToF64(p.best_loss, 'patience.best_loss')[0];
    this.bestAt = p.best_at;
    this.wait = p.wait;
    if (this.best && p.best !== null) unflattenInto(base64ToF64(p.best, 'patience.best'), this.best.W, this.best.b, 'patience.best');
  }

  /** The best check's weights and update count when restore_best applies and a check was made. */
  restorable(): { model: NetworkParams; at: number } | undefined {
    return this.best && this.bestAt >= 0 ? { model: this.best, at: this.bestAt } : undefined;
  }
}
