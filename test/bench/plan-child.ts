/**
 * Child process of the plan benchmark: runs `dlsweep plan FILE --data-dir DIR` in-process and prints one
 * JSON line with its time and the process's peak resident memory, which the parent cannot otherwise read.
 * Usage: node dist/test/bench/plan-child.js FILE DATA_DIR
 */
import { runCli } from '../../src/cli/main.js';

// Under `node --test dist/test/` (which runs every file of a test/ folder) this is not a test: do nothing.
if (process.env.NODE_TEST_CONTEXT) process.exit(0);

const [file, dataDir] = process.argv.slice(2);
let out = '';
const t0 = performance.now();
const code = await runCli(['plan', file, '--data-dir', dataDir], {
  stdout: { write: (s: string) => (out += s) },
  stderr: { write: (s: string) => process.stderr.write(s) },
  cwd: process.cwd(),
  env: process.env,
});
const seconds = (performance.now() - t0) / 1000;
if (code !== 0) {
  process.stderr.write(out);
  process.exit(code);
}
const gridLine = out.split('\n').find((l) => /grid point/.test(l)) ?? '';
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(JSON.stringify({ seconds, max_rss_mib: process.resourceUsage().maxRSS / 1024, grid_line: gridLine }) + '\n');
