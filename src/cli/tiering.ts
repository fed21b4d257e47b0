/**
 * V8's tiering for a command that lives seconds. By default V8 hands a function to its optimizing compiler
 * (TurboFan, on background threads) after a small budget of bytecode has run; a `dlsweep run` then spends
 * about a quarter of its CPU time compiling optimized code for parsing, recording and drawing code that runs
 * for a few milliseconds in all, on a machine whose cores the training threads need. A budget 16 times the
 * default (67,584 bytes of bytecode in Node 20's V8 11.3) still optimizes what is really hot (the training
 * threads' loops run as fast: `npm run bench`), and cuts that compiling by more than two thirds. Measured on
 * a search of 81 trials (whole `dlsweep run`, 6 alternated runs each, quiet machine): 1.10 s and 1.91 s of CPU
 * at 16x, 1.17 s and 2.07 s at 8x, 1.44 s and 2.60 s at 1x; 32x and 64x were no faster than 16x.
 *
 * Imported first by main.ts, so that it applies before the other modules run; V8's flags are the process's,
 * so the worker threads started later have it too. Only on the V8 it was measured with: another may not
 * know the flag, and would print a warning for it.
 */
import { setFlagsFromString } from 'node:v8';

if (process.versions.v8.startsWith('11.')) setFlagsFromString('--interrupt-budget=1081344');
