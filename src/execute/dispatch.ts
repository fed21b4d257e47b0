/**
 * Running many orders on an executor: keeps `executor.capacity` of them in flight, in the given order, and
 * hands each outcome to the caller as it arrives. Used by `run` for a whole plan, and usable by a search
 * method for each batch it proposes. Knows nothing of files: the caller's onOutcome records.
 */
import type { ExecuteHooks, Executor, Outcome, TrainingOrder } from './executor.js';

export interface DispatchOptions<T extends TrainingOrder> {
  /** Aborting stops submitting; orders in flight come back interrupted (or cancelled) to onOutcome. */
  signal?: AbortSignal;
  /** Progress hooks for one order. */
  hooks?(order: T): ExecuteHooks;
  /**
   * Called once per submitted order, in completion order. An error thrown here (a failed write) stops the
   * dispatch: nothing more is submitted, later outcomes are dropped, and dispatchAll reports it as fatal.
   */
  onOutcome(order: T, outcome: Outcome): void;
}

export interface DispatchResult {
  /** The signal aborted before every order was submitted and finished. */
  interrupted: boolean;
  /** What stopped the dispatch: an error of onOutcome, or of the executor itself. */
  fatal?: Error;
}

/** Run `orders` on `executor`. Never throws: see DispatchResult. */
export async function dispatchAll<T extends TrainingOrder>(executor: Executor, orders: Iterable<T>, options: DispatchOptions<T>): Promise<DispatchResult> {
  const result: DispatchResult = { interrupted: false };
  const cancel = new AbortController();
  const onAbort = () => {
    result.interrupted = true;
    cancel.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const inflight = new Set<Promise<void>>();
  const submit = (order: T) => {
    const p: Promise<void> = executor
      .execute(order, { signal: cancel.signal, hooks: options.hooks?.(order) })
      .then((outcome) => {
        if (!result.fatal) options.onOutcome(order, outcome);
      })
      .catch((e: unknown) => {
        result.fatal ??= e instanceof Error ? e : new Error(String(e));
        cancel.abort();
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  try {
    const it = orders[Symbol.iterator]();
    for (;;) {
      while (inflight.size < executor.capacity && !cancel.signal.aborted) {
        const next = it.next();
        if (next.done) break;
        submit(next.value);
      }
      if (inflight.size === 0) break;
      await Promise.race(inflight);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return result;
}
