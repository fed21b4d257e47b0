/**
 * The ui server's routes (Hono): the page shell for every page path, /static/* and /vendor/* from the
 * tables of assets.ts, the JSON API (api.ts) and server-sent events (events.ts). Every request passes the
 * checks of security.ts first: GET and HEAD only (405 otherwise), a plausible path (404 otherwise), a Host header
 * naming this server (a loopback name when bound to loopback), and the token when one is set.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { staticAssets, staticRoot, vendorAssets, readShell, type Asset } from './assets.js';
import { REFUSED_PATH, TOKEN_COOKIE, contentSecurityPolicy, escapeHtml, hostName, importMapHashes, isLoopback, plausiblePath, securityHeaders, tokenMatches } from './security.js';
import type { StoreIndex } from './store-index.js';
import { ApiError, curvesJson, homeJson, runJson, sweepJson } from './api.js';
import type { EventHub } from './events.js';

/** What the routes need. */
export interface AppOptions {
  index: StoreIndex;
  /** Required on every request (query `token`, then the cookie) when set: a server bound to another address than loopback. */
  token?: string;
  /** The address bound: requests to a loopback server must name a loopback host (guards against DNS rebinding). */
  host: string;
  /** Server-sent events; absent: /api/events is 404 (unit tests of the other routes). */
  events?: EventHub;
  /** Where the pages are (default: staticRoot()). */
  staticDir?: string;
}

type Env = { Bindings: { incoming?: IncomingMessage } };

/** The paths that load the page shell (client-side routing decides what it shows). */
const PAGE_PATHS = ['/', '/sweep/:sweepId', '/run/:sweepId/:runFolder', '/compare'];

function notFoundPage(path: string): string {
  const what = path === REFUSED_PATH ? 'That address' : escapeHtml(path);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Not found: dlsweep</title></head><body><h1>Not found</h1><p>${what} is not a page of dlsweep ui. <a href="/">Home</a></p></body></html>\n`;
}

/** The Hono app serving one runs folder. */
export function createApp(options: AppOptions): Hono<Env> {
  const root = options.staticDir ?? staticRoot();
  const statics = staticAssets(root);
  const vendor = vendorAssets();
  const shell = readShell(root);
  const headers = securityHeaders(contentSecurityPolicy(importMapHashes(shell)));
  const loopbackOnly = isLoopback(options.host);
  const app = new Hono<Env>();

  const isApi = (c: Context<Env>) => c.req.path === '/api' || c.req.path.startsWith('/api/');
  const notFound = (c: Context<Env>) => (isApi(c) ? c.json({ error: `no such resource: ${c.req.path}` }, 404) : c.html(notFoundPage(c.req.path), 404));

  app.use('*', async (c, next) => {
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    // HEAD is GET without the body (Hono answers it with the GET route), so `curl -I` works.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      c.header('Allow', 'GET, HEAD');
      return c.json({ error: `${c.req.method} is not allowed: dlsweep ui is read-only` }, 405);
    }
    // The path as sent (serve.ts replaces implausible ones before the adapter parses them; checked again
    // here for apps served otherwise, e.g. by app.request in tests).
    const raw = c.env?.incoming?.url ?? new URL(c.req.url).pathname;
    if (!plausiblePath(raw.split('?')[0])) return notFound(c);
    if (loopbackOnly && !isLoopback(hostName(c.req.header('host') ?? ''))) {
      return c.text('dlsweep ui answers requests addressed to this machine only (127.0.0.1 or localhost)', 403);
    }
    if (options.token !== undefined) {
      const fromQuery = c.req.query('token');
      if (tokenMatches(fromQuery, options.token)) {
        setCookie(c, TOKEN_COOKIE, options.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      } else if (!tokenMatches(getCookie(c, TOKEN_COOKIE), options.token)) {
        return c.text('this dlsweep ui needs its token: open the URL it printed (…?token=…)', 403);
      }
    }
    c.header('Cache-Control', 'no-store');
    // HEAD of the event stream: its headers, without subscribing a stream nobody reads.
    if (c.req.method === 'HEAD' && c.req.path === '/api/events' && options.events) return c.body(null, 200, { 'Content-Type': 'text/event-stream' });
    await next();
  });

  for (const path of PAGE_PATHS) app.get(path, (c) => c.html(shell));

  const sendAsset = (c: Context<Env>, asset: Asset | undefined) => {
    if (!asset) return notFound(c);
    let body: Buffer;
    try {
      body = readFileSync(asset.path);
    } catch {
      return notFound(c);
    }
    return c.body(new Uint8Array(body), 200, { 'Content-Type': asset.type });
  };
  app.get('/static/*', (c) => sendAsset(c, statics.get(c.req.path.slice('/static/'.length))));
  app.get('/vendor/*', (c) => sendAsset(c, vendor.get(c.req.path.slice('/vendor/'.length))));

  app.get('/api/home', (c) => c.json(homeJson(options.index)));
  app.get('/api/sweeps/:id', (c) => c.json(sweepJson(options.index, c.req.param('id'), { where: c.req.query('where'), sort: c.req.query('sort'), group: c.req.query('group') })));
  app.get('/api/sweeps/:id/curves', (c) => c.json(curvesJson(options.index, c.req.param('id'))));
  app.get('/api/runs/:sweepId/:runFolder', (c) => c.json(runJson(options.index, c.req.param('sweepId'), c.req.param('runFolder'))));
  if (options.events) {
    const events = options.events;
    app.get('/api/events', (c) => events.stream(c));
  }

  app.notFound(notFound);
  app.onError((e, c) => {
    if (e instanceof ApiError) return c.json({ error: e.message, ...(e.hint ? { hint: e.hint } : {}) }, e.status);
    // Never a crash: an unexpected error answers 500 and the server goes on.
    return isApi(c) ? c.json({ error: `internal error: ${e.message}` }, 500) : c.text('internal error', 500);
  });
  return app;
}
