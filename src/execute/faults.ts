/**
 * Fault injection for tests of failure isolation, driven by the environment variable DLSWEEP_INJECT_FAULT:
 * `KIND:PARAM=VALUE`, where KIND is `throw` (the training throws), `exit` (the worker thread dies) or
 * `hang` (the training never returns), applied to trainings whose PARAM equals VALUE (compared as text),
 * e.g. `exit:learning_rate=0.07`. Unset in normal use.
 */
export function injectedFault(config: Record<string, unknown>): void {
  const spec = process.env.DLSWEEP_INJECT_FAULT;
  if (!spec) return;
  const m = /^(throw|exit|hang):([a-z_0-9]+)=(.*)$/.exec(spec);
  if (!m) return;
  const [, kind, param, value] = m;
  const actual = config[param];
  if (actual === undefined || (Array.isArray(actual) ? JSON.stringify(actual) : String(actual)) !== value) return;
  if (kind === 'throw') throw new Error(`injected fault (${spec})`);
  if (kind === 'exit') process.exit(3);
  if (kind === 'hang') for (;;);
}
