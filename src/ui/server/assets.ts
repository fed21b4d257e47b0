/**
 * The files the ui server sends besides JSON: the pages (src/ui/static, served as they are) and an
 * allow-list of browser builds from node_modules (/vendor/NAME). Both tables are built once at start-up
 * and looked up by name: a URL is never joined onto a path, so no request can name a file outside them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file the server may send: where it is and its Content-Type. */
export interface Asset {
  path: string;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type of a file name (unknown kinds: application/octet-stream, which nosniff keeps inert). */
export function contentType(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Browser builds served under /vendor/: URL name -> [package, file inside it]. The import map in
 * index.html points at these names; add a row here to serve another file (nothing else from
 * node_modules is reachable).
 */
export const VENDOR_FILES: Readonly<Record<string, readonly [string, string]>> = {
  'preact.mjs': ['preact', 'dist/preact.mjs'],
  'preact-hooks.mjs': ['preact', 'hooks/dist/hooks.mjs'],
  'htm.mjs': ['htm', 'dist/htm.mjs'],
  'htm-preact.mjs': ['htm', 'preact/index.module.js'],
  'uplot.mjs': ['uplot', 'dist/uPlot.esm.js'],
  'uplot.css': ['uplot', 'dist/uPlot.min.css'],
  'vega.min.js': ['vega', 'build/vega.min.js'],
  // Vega's expressions evaluated without new Function, so the CSP needs no 'unsafe-eval'.
  'vega-interpreter.min.js': ['vega-interpreter', 'build/vega-interpreter.min.js'],
};

/** The root folder of an installed package, found the way Node finds it from this file. */
function packageRoot(name: string): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    // Packages whose exports hide package.json: walk up from their entry point.
    try {
      let dir = dirname(require.resolve(name));
      while (!existsSync(join(dir, 'package.json'))) {
        const up = dirname(dir);
        if (up === dir) return undefined;
        dir = up;
      }
      return dir;
    } catch {
      return undefined;
    }
  }
}

/** The vendor table resolved to files present on this machine (a missing package leaves its rows out). */
export function vendorAssets(): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const [name, [pkg, file]] of Object.entries(VENDOR_FILES)) {
    const root = packageRoot(pkg);
    if (root && existsSync(join(root, file))) out.set(name, { path: join(root, file), type: contentType(name) });
  }
  return out;
}

/**
 * Where the pages are: dist/bundle/ui-static, which the build assembles from src/ui/static (its files as
 * they are, its TypeScript modules as compiled by tsc). Found beside the bundle (the installed `dlsweep`),
 * or from the compiled files of dist/src/ui/server.
 */
export function staticRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'ui-static'), join(here, '..', '..', '..', 'bundle', 'ui-static')];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[candidates.length - 1];
}

/**
 * Every file under `root` by its path relative to it with forward slashes (`pages/home.js`), listed once.
 * Hidden files and folders are left out. A missing root gives an empty table.
 */
export function staticAssets(root: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) out.set(relative(root, path).split(sep).join('/'), { path, type: contentType(name) });
    }
  };
  walk(root);
  return out;
}

/** The text of the page shell (index.html), or a minimal page saying the pages are missing. */
export function readShell(root: string): string {
  try {
    return readFileSync(join(root, 'index.html'), 'utf8');
  } catch {
    return '<!doctype html><meta charset="utf-8"><title>dlsweep</title><p>The pages of dlsweep ui are missing from this installation.</p>\n';
  }
}
