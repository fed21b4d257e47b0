/**
 * Update rules. Each takes the gradient g of the mean loss with respect to a parameter p (one entry of a W_l
 * or b_l), adds the L2 term λ p for weights (never biases), and updates p with the step size η of this
 * update (the schedule's rate). State is per parameter, allocated once, zero at the start; t counts updates
 * from 1.
 *
 *   gd        p -= η g                                                     (the study's; Cauchy 1847)
 *   momentum  v = μ v + g;            p -= η v                             (heavy ball: Polyak 1964; this form is
 *                                                                            PyTorch's SGD(momentum=μ), Sutskever et al. 2013)
 *   nesterov  v = μ v + g;            p -= η (g + μ v)                     (Nesterov 1983, in the form of Bengio,
 *                                                                            Boulanger-Lewandowski & Pascanu 2013, "Advances in
 *                                                                            optimizing recurrent networks"; PyTorch's nesterov=True)
 *   adagrad   G = G + g²;             p -= η g / (√G + ε)                  (Duchi, Hazan & Singer 2011, JMLR 12)
 *   rmsprop   s = ρ s + (1 - ρ) g²;   p -= η g / (√s + ε)                  (Tieleman & Hinton 2012, COURSERA lecture 6.5;
 *                                                                            ρ named as in Goodfellow, Bengio & Courville 2016, alg. 8.5)
 *   adam      m = β1 m + (1 - β1) g;  v = β2 v + (1 - β2) g²;
 *             m̂ = m / (1 - β1^t);     v̂ = v / (1 - β2^t);   p -= η m̂ / (√v̂ + ε)   (Kingma & Ba 2015, "Adam: a method
 *                                                                            for stochastic optimization", ICLR, algorithm 1)
 *
 * ε is added outside the square root in every rule (as Kingma & Ba, and PyTorch, do). L2 here is the
 * coupled penalty (it goes through the adaptive scaling), not AdamW's decoupled weight decay.
 */
import type { GradientBuffers } from './network.js';
import { flattenTensors, unflattenInto } from './state.js';
import type { NetworkParams, OptimizerName, TrainingOptions } from './types.js';

/** Names of the update rules, in documentation order. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['gd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];

/** What an update rule needs: its name, its constants and the L2 penalty (see TrainingOptions). */
export type OptimizerSettings = Pick<TrainingOptions, 'optimizer' | 'momentum' | 'beta1' | 'beta2' | 'rho' | 'epsilon' | 'l2'>;

/** An update rule with its state, for one network. */
export interface Optimizer {
  readonly name: OptimizerName;
  /** Updates so far. */
  readonly t: number;
  /**
   * Applies one update with step size `lr` to net.W and net.b from grads.dW and grads.db (gradients of the mean
   * loss, without the L2 term, which is added here for weights). No allocation.
   * Returns false if any updated parameter is NaN or ±Infinity (the training has diverged).
   */
  step(net: NetworkParams, grads: GradientBuffers, lr: number): boolean;
  /** Copies of the rule's states in state order (W1 b1 W2 b2 ..., see state.ts); empty for a rule without one. */
  exportState(): { s1: Float64Array; s2: Float64Array };
  /**
   * Continue after `t` updates with these states (as exportState gives them).
   * Throws: Error when a state's length does not fit the network.
   */
  importState(t: number, s1: Float64Array, s2: Float64Array): void;
}

/** One parameter array's update: p, its gradient g, two state arrays, the step size, the L2 coefficient. */
type Rule = (p: Float64Array, g: Float64Array, s1: Float64Array, s2: Float64Array, lr: number, l2: number) => boolean;

/**
 * Creates the update rule `settings.optimizer` for a network shaped like `net`, with zero state.
 * Throws: Error for an unknown optimizer name.
 */
export function createOptimizer(settings: OptimizerSettings, net: NetworkParams): Optimizer {
  const { momentum: mu, beta1, beta2, rho, epsilon: eps, l2 } = settings;
  const stateful = settings.optimizer !== 'gd';
  const twoStates = settings.optimizer === 'adam';
  const empty = new Float64Array(0);
  const alloc = (a: Float64Array, used: boolean) => (used ? new Float64Array(a.length) : empty);
  const s1W = net.W.map((w) => alloc(w, stateful));
  const s1b = net.b.map((b) => alloc(b, stateful));
  const s2W = net.W.map((w) => alloc(w, twoStates));
  const s2b = net.b.map((b) => alloc(b, twoStates));
  // Adam's bias corrections 1 - β^t, updated once per step (not per parameter).
  let c1 = 1;
  let c2 = 1;

  let rule: Rule;
  switch (settings.optimizer) {
    case 'gd':
      rule = (p, g, _s1, _s2, lr, decay) => {
        let finite = true;
        if (decay === 0) {
          for (let i = 0; i < p.length; i++) {
            const w = p[i] - lr * g[i]; // the exact expression of the study's update
            p[i] = w;
            if (w - w !== 0) finite = false; // x - x is NaN exactly when x is NaN or infinite
          }
        } else {
          for (let i = 0; i < p.length; i++) {
            const w = p[i] - lr * (g[i] + decay * p[i]);
            p[i] = w;
            if (w - w !== 0) finite = false;
          }
        }
        return finite;
      };
      break;
    case 'momentum':
    case 'nesterov': {
      const nesterov = settings.optimizer === 'nesterov';
      rule = (p, g, v, _s2, lr, decay) => {
        let finite = true;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i] + decay * p[i];
          const vi = mu * v[i] + gi;
          v[i] = vi;
          const w = p[i] - lr * (nesterov ? gi + mu * vi : vi);
          p[i] = w;
          if (w - w !== 0) finite = false;
        }
        return finite;
      };
      break;
    }
    case 'adagrad':
      rule = (p, g, G, _s2, lr, decay) => {
        let finite = true;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i] + decay * p[i];
          const Gi = G[i] + gi * gi;
          G[i] = Gi;
          const w = p[i] - (lr * gi) / (Math.sqrt(Gi) + eps);
          p[i] = w;
          if (w - w !== 0) finite = false;
        }
        return finite;
      };
      break;
    case 'rmsprop':
      rule = (p, g, s, _s2, lr, decay) => {
        let finite = true;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i] + decay * p[i];
          const si = rho * s[i] + (1 - rho) * gi * gi;
          s[i] = si;
          const w = p[i] - (lr * gi) / (Math.sqrt(si) + eps);
          p[i] = w;
          if (w - w !== 0) finite = false;
        }
        return finite;
      };
      break;
    case 'adam':
      rule = (p, g, m, v, lr, decay) => {
        let finite = true;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i] + decay * p[i];
          const mi = beta1 * m[i] + (1 - beta1) * gi;
          const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          const w = p[i] - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
          p[i] = w;
          if (w - w !== 0) finite = false;
        }
        return finite;
      };
      break;
    default:
      throw new Error(`unknown optimizer ${JSON.stringify(settings.optimizer)}; valid: ${OPTIMIZER_NAMES.join(', ')}`);
  }

  let t = 0;
  const load = (flat: Float64Array, W: Float64Array[], b: Float64Array[], used: boolean, what: string) => {
    if (!used) {
      if (flat.length !== 0) throw new Error(`training state: ${settings.optimizer} has no ${what}`);
      return;
    }
    unflattenInto(flat, W, b, what);
  };
  return {
    name: settings.optimizer,
    get t() {
      return t;
    },
    exportState: () => ({ s1: flattenTensors(s1W, s1b), s2: flattenTensors(s2W, s2b) }),
    importState(steps, s1, s2) {
      load(s1, s1W, s1b, stateful, 's1');
      load(s2, s2W, s2b, twoStates, 's2');
      t = steps; // step() derives Adam's bias corrections from t
    },
    step(net, grads, lr) {
      t++;
      if (twoStates) {
        c1 = 1 - Math.pow(beta1, t);
        c2 = 1 - Math.pow(beta2, t);
      }
      let finite = true;
      for (let l = 0; l < net.W.length; l++) {
        if (!rule(net.W[l], grads.dW[l], s1W[l], s2W[l], lr, l2)) finite = false;
        if (!rule(net.b[l], grads.db[l], s1b[l], s2b[l], lr, 0)) finite = false;
      }
      return finite;
    },
  };
}
