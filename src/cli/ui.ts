/**
 * `dlsweep ui [--port N] [--host 127.0.0.1] [--open]`: serve the local web app over the runs folder until
 * stopped (Ctrl-C or SIGTERM), read-only. Bound to loopback by default; another address needs a token,
 * which is printed in the URL.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import { experimentsIn } from '../store/sweep-folders.js';
import type { UiServer } from '../ui/server/serve.js';
import type { CliIO } from './io.js';

/** The default port of `dlsweep ui`. */
export const DEFAULT_UI_PORT = 8750;

/** Options of `dlsweep ui`. */
export interface UiOptions {
  runsDir: string;
  port: number;
  host: string;
  open: boolean;
  /** Resolves when the server should stop (default: on SIGINT or SIGTERM). */
  until?: Promise<unknown>;
  /** Called once listening (tests). */
  onListening?: (server: UiServer) => void;
}

/** --port: 0 to 65535 (0: any free port). */
export function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535) throw new InvalidArgumentError('--port takes a port number from 1 to 65535 (0: any free port), e.g. --port 8750');
  return n;
}

function stopSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `dlsweep ui`: serve until stopped; returns the exit code (0).
 * Throws: UserError when the port is taken or the address cannot be bound.
 */
export async function uiCommand(options: UiOptions, io: CliIO): Promise<number> {
  const runsDir = resolve(io.cwd, options.runsDir);
  // A folder not made yet is served empty (a sweep started later appears); a file there is refused.
  experimentsIn(runsDir);
  // Loaded here, not with the CLI: the web server is in a chunk of its own that other commands never load.
  const { startUiServer, isWildcard } = await import('../ui/server/serve.js');
  const { isLoopback } = await import('../ui/server/security.js');
  let server: UiServer;
  try {
    server = await startUiServer({ runsDir, host: options.host, port: options.port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${options.port} on ${options.host} is in use`, `choose another: dlsweep ui --port ${options.port + 1} (or --port 0 for any free port)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new UserError(`--host ${options.host} is not an address of this machine`, 'give one of its addresses, or leave --host out to serve on 127.0.0.1 only');
    if (code === 'EACCES') throw new UserError(`port ${options.port} needs privileges on this system`, 'use a port above 1023, e.g. --port 8750');
    throw e;
  }
  const stopped = options.until ?? stopSignal();
  // A wildcard address (0.0.0.0) is bound as asked, but a browser cannot open it: each address that reaches it is printed.
  io.stdout.write(`dlsweep ui: serving ${runsDir} (read-only) at\n${server.urls.map((u) => `  ${u}\n`).join('')}Ctrl-C to stop.\n`);
  if (!isLoopback(options.host)) {
    const where = isWildcard(options.host) ? 'every address of this machine' : 'this address';
    io.stderr.write(`warning: bound to ${options.host}: anyone who can reach ${where} and has a URL above (with its token) can read every run in ${runsDir}\n`);
  }
  options.onListening?.(server);
  if (options.open) {
    try {
      const { default: open } = await import('open');
      // This machine's own address when several reach it (a wildcard): the browser opened runs here.
      await open(server.urls.at(-1)!);
    } catch (e) {
      io.stderr.write(`warning: could not open a browser (${(e as Error).message}); open the URL above yourself\n`);
    }
  }
  await stopped;
  await server.close();
  return 0;
}
