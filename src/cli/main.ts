#!/usr/bin/env node
/**
 * The dlsweep command line. The one place that maps errors to exit codes:
 *   0 success; 1 some runs failed (or the sweep stopped on a write error or a lost queue), or a write failed in any
 *   command (disk full, read-only, permissions); 2 usage or invalid
 *   input (experiment file, data, options, a queue that cannot be reached or refuses the password); 70 an internal error (a bug: its stack is printed); 130 interrupted.
 */
// First: V8's settings for a short-lived command, before the other modules run.
import './tiering.js';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { DiagnosticError, UserError, shortenLines } from '../errors.js';
import { buildProgram } from './program.js';
import type { CliIO } from './io.js';
import { drained, orderedOutput } from './ordered-output.js';
import { PATH_ERRORS, describeWriteError, isWriteError, writeErrorHint } from './write-errors.js';
import { QueueError } from '../execute/queue/connect.js';

export const EXIT = { ok: 0, runsFailed: 1, usage: 2, internal: 70, interrupted: 130 } as const;

/** Run the CLI with injected streams; resolves to the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const result: { code: number; command?: string } = { code: EXIT.ok };
  const program = buildProgram(io, result);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error (already printed).
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    // Messages are shortened line by line (diagnostics are when rendered): a value pasted by mistake (a
    // 4,000-character key) is not echoed whole.
    if (e instanceof DiagnosticError) {
      io.stderr.write(e.message + '\n');
      if (debug) io.stderr.write((e.stack ?? '') + '\n');
      return EXIT.usage;
    }
    if (e instanceof UserError) {
      io.stderr.write(shortenLines(`error: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`));
      if (debug) io.stderr.write((e.stack ?? '') + '\n');
      return EXIT.usage;
    }
    if (e instanceof QueueError) {
      io.stderr.write(shortenLines(`error: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`));
      if (debug) io.stderr.write((e.stack ?? '') + '\n');
      return e.lost ? EXIT.runsFailed : EXIT.usage;
    }
    if (isWriteError(e)) {
      // Disk full, permissions, a path that cannot be a folder: the user's to fix, not a bug; finished runs
      // are never touched by a failed write.
      const badPath = PATH_ERRORS.has(e.code ?? '');
      io.stderr.write(shortenLines(`error: ${describeWriteError(e)}\nhint: ${writeErrorHint(e, result.command)}\n`));
      if (debug) io.stderr.write((e.stack ?? '') + '\n');
      return badPath ? EXIT.usage : EXIT.runsFailed;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`internal error: ${err.message}\nThis is a bug in dlsweep; please report it with the output below.\n${err.stack ?? ''}\n`);
    return EXIT.internal;
  }
}

function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // A closed pipe (`dlsweep run ... | head`) must not kill a sweep: what cannot be shown is dropped, the
  // runs are still recorded.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  // Into one pipe (2>&1) both streams keep their order; a terminal shows each write as it comes.
  const output = process.stdout.isTTY || process.stderr.isTTY ? undefined : orderedOutput(process.stdout, process.stderr);
  const code = await runCli(process.argv.slice(2), { stdout: output?.stdout ?? process.stdout, stderr: output?.stderr ?? process.stderr, cwd: process.cwd(), env: process.env });
  // Everything is written and every thread stopped by now. Exiting at once, rather than when the event loop
  // has drained, skips tearing down the heap (tens of milliseconds after a sweep that drew charts); what
  // is still buffered for stdout and stderr is handed over first, however slowly it is read.
  await (output ? output.flushed() : Promise.all([drained(process.stdout), drained(process.stderr)]));
  process.exit(code);
}
