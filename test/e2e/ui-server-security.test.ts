/**
 * `dlsweep ui` is local and read-only: real HTTP requests to the real command. Loopback by default; another
 * address only with the printed token; every method but GET 405; no path from the URL (traversal, encoded
 * and double-encoded, absolute, NUL: 404); CSP and nosniff on every response; text the server renders escaped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/cli.js';
import { rawRequest, startUi } from '../helpers/ui.js';

const TRAVERSALS = [
  '/static/../../package.json',
  '/static/..%2f..%2fpackage.json',
  '/static/%2e%2e/%2e%2e/package.json',
  '/static/%252e%252e/%252e%252e/package.json',
  '/static/%252e%252e%252fpackage.json',
  '/vendor/../preact/package.json',
  '/vendor/..%5c..%5cpackage.json',
  '/static/..\\..\\package.json',
  '/api/runs/..%2f..%2f/secret.txt',
  '/api/sweeps/..%2f..%2fsecret',
  '/api/runs/20261129-111502-3fa2/..',
  '/run/%2e%2e/%2e%2e',
  '/static/%00app.js',
  '/static/app.js%00',
  '//etc/passwd',
  '/static//etc/passwd',
  '/static/%2fetc%2fpasswd',
  '/secret.txt',
  '/..%2fsecret.txt',
];

test('dlsweep ui refuses traversal (plain, encoded, double-encoded, backslash, absolute, NUL) with 404 and reads nothing outside', { timeout: 60_000 }, async () => {
  const dir = tempDir('dlsweep-ui-sec-');
  // A file beside the runs folder that no request may read.
  writeFileSync(join(dir, 'secret.txt'), 'SECRET-CONTENT\n');
  const ui = await startUi(dir);
  try {
    for (const path of TRAVERSALS) {
      const r = await rawRequest(ui.port, path);
      assert.equal(r.status, 404, `${path} -> ${r.status}`);
      assert.doesNotMatch(r.body, /SECRET-CONTENT|"name":\s*"dlsweep"|root:/, path);
    }
  } finally {
    await ui.stop();
  }
});

test('dlsweep ui is read-only: every method but GET and HEAD is 405 with Allow: GET, HEAD; HEAD is GET without the body; nothing is written', { timeout: 60_000 }, async () => {
  const dir = tempDir('dlsweep-ui-ro-');
  writeFileSync(join(dir, 'keep.txt'), 'x');
  const listing = () => readdirSync(dir, { recursive: true }).map(String).sort().map((n) => `${n}:${statSync(join(dir, n)).mtimeMs}`);
  const before = listing();
  const ui = await startUi(dir);
  try {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
      for (const path of ['/', '/api/home', '/api/sweeps/20261129-111502-3fa2', '/static/app.js']) {
        const r = await rawRequest(ui.port, path, { method });
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.equal(r.headers.allow, 'GET, HEAD');
      }
    }
    // HEAD (curl -I): GET's status and content type, no body; the unknown sweep is 404 as with GET.
    for (const path of ['/', '/api/home', '/api/sweeps/20261129-111502-3fa2', '/static/app.js', '/api/events']) {
      const head = await rawRequest(ui.port, path, { method: 'HEAD' });
      const expected = path === '/api/sweeps/20261129-111502-3fa2' ? 404 : 200;
      assert.equal(head.status, expected, `HEAD ${path}`);
      assert.equal(head.body, '', `HEAD ${path}`);
      const type = { '/': 'text/html', '/static/app.js': 'javascript', '/api/events': 'text/event-stream' }[path] ?? 'application/json';
      assert.ok(String(head.headers['content-type']).includes(type), `HEAD ${path}: ${head.headers['content-type']}`);
    }
    // HEAD passes the same checks as GET: a request addressed to another host is refused.
    assert.equal((await rawRequest(ui.port, '/api/home', { method: 'HEAD', headers: { host: 'evil.example' } })).status, 403);
    assert.deepEqual(listing(), before, 'no file created or changed');
  } finally {
    await ui.stop();
  }
});

test('every response carries the Content-Security-Policy (with the import map hash only) and nosniff; a 404 page escapes the path', { timeout: 60_000 }, async () => {
  const dir = tempDir('dlsweep-ui-csp-');
  const ui = await startUi(dir);
  try {
    for (const path of ['/', '/api/home', '/static/app.js', '/vendor/preact.mjs', '/nothing', '/api/nothing']) {
      const r = await rawRequest(ui.port, path);
      const csp = String(r.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, path);
      assert.match(csp, /object-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
    }
    const shell = await rawRequest(ui.port, '/');
    // The hash is that of the page's import map, computed here independently.
    const { createHash } = await import('node:crypto');
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(shell.body)![1];
    assert.ok(String(shell.headers['content-security-policy']).includes(`'sha256-${createHash('sha256').update(map).digest('base64')}'`));
    const page = await rawRequest(ui.port, '/%3Cscript%3Ealert(1)%3C/script%3E');
    assert.equal(page.status, 404);
    assert.doesNotMatch(page.body, /<script>alert/);
    assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const api = await rawRequest(ui.port, '/api/%3Cb%3E');
    assert.equal(api.status, 404);
    assert.match(String(api.headers['content-type']), /^application\/json/);
  } finally {
    await ui.stop();
  }
});

test('by default dlsweep ui listens on 127.0.0.1 only, and answers only requests addressed to a loopback name', { timeout: 60_000 }, async () => {
  const dir = tempDir('dlsweep-ui-lo-');
  const ui = await startUi(dir);
  try {
    assert.match(ui.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.doesNotMatch(ui.url, /token/);
    assert.equal((await rawRequest(ui.port, '/api/home')).status, 200);
    assert.equal((await rawRequest(ui.port, '/api/home', { headers: { host: `localhost:${ui.port}` } })).status, 200);
    // DNS rebinding: a page of another site whose name now resolves to 127.0.0.1.
    assert.equal((await rawRequest(ui.port, '/api/home', { headers: { host: `evil.example:${ui.port}` } })).status, 403);
    // Another address of this machine does not reach it.
    const other = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (other) await assert.rejects(rawRequest(ui.port, '/api/home', { host: other.address }), /ECONNREFUSED/);
  } finally {
    await ui.stop();
  }
});

test('--host other than loopback serves only with the random token printed in the URL (then a cookie)', { timeout: 60_000 }, async () => {
  const dir = tempDir('dlsweep-ui-tok-');
  const ui = await startUi(dir, ['--host', '0.0.0.0']);
  const second = await startUi(dir, ['--host', '0.0.0.0']);
  try {
    const token = new URL(ui.url).searchParams.get('token');
    assert.ok(token && token.length >= 32, ui.url);
    assert.notEqual(new URL(second.url).searchParams.get('token'), token, 'a new token each start');
    assert.match(ui.stderr(), /warning: bound to 0\.0\.0\.0/);
    assert.equal((await rawRequest(ui.port, '/api/home')).status, 403);
    assert.equal((await rawRequest(ui.port, '/')).status, 403);
    assert.equal((await rawRequest(ui.port, `/api/home?token=${token!.slice(0, -1)}x`)).status, 403);
    const first = await rawRequest(ui.port, `/?token=${token}`);
    assert.equal(first.status, 200);
    const cookie = String(first.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    const pair = cookie.split(';')[0];
    assert.equal((await rawRequest(ui.port, '/api/home', { headers: { cookie: pair } })).status, 200);
    assert.equal((await rawRequest(ui.port, '/api/home', { headers: { cookie: 'dlsweep_token=wrong' } })).status, 403);
  } finally {
    await ui.stop();
    await second.stop();
  }
});

test('--host 0.0.0.0 binds every address but prints only URLs a browser can open: each interface address of the machine, then 127.0.0.1, each serving with the token', { timeout: 60_000 }, async () => {
  const dir = tempDir('dlsweep-ui-any-');
  const ui = await startUi(dir, ['--host', '0.0.0.0']);
  try {
    const printed = ui.stdout().match(/http:\/\/\S+/g) ?? [];
    assert.doesNotMatch(ui.stdout(), /0\.0\.0\.0/);
    const expected = [
      ...Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === 'IPv4' && !a.internal)
        .map((a) => a!.address),
      '127.0.0.1',
    ];
    assert.deepEqual(printed.map((u) => new URL(u).hostname), expected);
    for (const u of printed) {
      const url = new URL(u);
      assert.equal(Number(url.port), ui.port);
      assert.equal((await rawRequest(ui.port, `/api/home?token=${url.searchParams.get('token')}`, { host: url.hostname })).status, 200, u);
    }
  } finally {
    await ui.stop();
  }
});
