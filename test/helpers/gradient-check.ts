/** Finite-difference gradient checks for the network tests. */
import type { NetworkParams } from '../../src/train/types.js';

/**
 * Worst relative error between the backprop gradients (dW, db: shaped like net.W, net.b) and central
 * differences (step 1e-5) of `objective`, over every weight and bias of `net`. The relative error is
 * |numeric - backprop| / max(|numeric| + |backprop|, floor): the floor keeps the rounding error of the
 * difference quotient from dominating where a gradient is tiny.
 */
export function worstGradientError(net: NetworkParams, grads: { dW: Float64Array[]; db: Float64Array[] }, objective: () => number, floor: number): number {
  const h = 1e-5;
  let worst = 0;
  const check = (arr: Float64Array, grad: Float64Array): void => {
    for (let i = 0; i < arr.length; i++) {
      const saved = arr[i];
      arr[i] = saved + h;
      const lp = objective();
      arr[i] = saved - h;
      const lm = objective();
      arr[i] = saved;
      const numeric = (lp - lm) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - grad[i]) / Math.max(Math.abs(numeric) + Math.abs(grad[i]), floor));
    }
  };
  net.W.forEach((W, l) => {
    check(W, grads.dW[l]);
    check(net.b[l], grads.db[l]);
  });
  return worst;
}
