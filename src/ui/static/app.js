/**
 * The dlsweep ui in the browser: a small history-API router over four pages (home, sweep, run, compare).
 * Plain ES modules (Preact with htm), loaded through the import map in index.html; no build step.
 */
import { render } from 'preact';
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { Home } from './pages/home.js';
import { Sweep } from './pages/sweep.js';
import { Run } from './pages/run.js';
import { Compare } from './pages/compare.js';
import { navigate } from './links.js';

/** The page for a location: { page, params }. */
function route(loc) {
  const parts = loc.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(loc.search);
  if (parts.length === 0) return { page: 'home' };
  if (parts[0] === 'sweep' && parts.length >= 2) return { page: 'sweep', sweep: parts.slice(1).join('/'), query };
  if (parts[0] === 'run' && parts.length >= 3) return { page: 'run', sweep: parts.slice(1, -1).join('/'), run: parts[parts.length - 1] };
  if (parts[0] === 'compare' && parts.length === 1) return { page: 'compare', query };
  return { page: 'missing' };
}

// Links inside the app are followed by the router (ctrl/shift/middle clicks open tabs as usual).
document.addEventListener('click', (e) => {
  const a = e.target.closest?.('a[href]');
  if (!a || a.target || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/static/') || url.pathname.startsWith('/api/')) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

function App() {
  const [loc, setLoc] = useState(() => ({ pathname: location.pathname, search: location.search }));
  useEffect(() => {
    const update = () => setLoc({ pathname: location.pathname, search: location.search });
    window.addEventListener('popstate', update);
    window.addEventListener('dlsweep:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('dlsweep:navigate', update);
    };
  }, []);
  const r = route(loc);
  let page;
  if (r.page === 'home') page = html`<${Home} />`;
  else if (r.page === 'sweep') page = html`<${Sweep} key=${r.sweep} id=${r.sweep} query=${r.query} />`;
  else if (r.page === 'run') page = html`<${Run} key=${`${r.sweep}/${r.run}`} sweep=${r.sweep} run=${r.run} />`;
  else if (r.page === 'compare') page = html`<${Compare} query=${r.query} />`;
  else page = html`<div class="error"><h1>Not found</h1><p>No page at ${loc.pathname}.</p></div>`;
  return html`<header class="top"><a class="brand" href="/">dlsweep</a><nav><a href="/">experiments</a></nav></header><main>${page}</main>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the shell's Loading… placeholder
render(html`<${App} />`, root);
