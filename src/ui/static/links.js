/** URLs of the app's pages; ids and folder names are percent-encoded segment by segment. */
const enc = (s) => String(s).split('/').map(encodeURIComponent).join('/');

export const sweepUrl = (id) => `/sweep/${enc(id)}`;
export const runUrl = (sweep, run) => `/run/${enc(sweep)}/${encodeURIComponent(run)}`;
export const sweepApi = (id) => `sweeps/${enc(id)}`;
export const runApi = (sweep, run) => `runs/${enc(sweep)}/${encodeURIComponent(run)}`;
/** The compare page for some runs (`SWEEP/RUN`) and sweeps (ids). */
export function compareUrl(runs = [], sweeps = []) {
  const q = new URLSearchParams();
  if (runs.length) q.set('runs', runs.join(','));
  if (sweeps.length) q.set('sweeps', sweeps.join(','));
  return `/compare?${q}`;
}

/** Go to a path inside the app without reloading. */
export function navigate(path, replace = false) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event('dlsweep:navigate'));
  if (!replace) window.scrollTo(0, 0);
}

