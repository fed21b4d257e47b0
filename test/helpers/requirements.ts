/**
 * Files some tests need that a clone does not hold (the Wisconsin CSV is never committed). Outside CI a
 * test whose files are absent is skipped, saying which; under CI=true it runs and fails instead, so that a
 * CI run without its data can never pass by skipping the checks that need it.
 */
import { existsSync } from 'node:fs';

/**
 * The `skip` option of a test that needs `files`: false when they are all present; otherwise the reason
 * (naming the absent files and `how` to get them), except under CI=true, where it is false so the test runs
 * and fails on the absent file.
 */
export function skipUnlessPresent(files: string[], how: string, env: Record<string, string | undefined> = process.env): string | false {
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length === 0 || env.CI === 'true') return false;
  return `absent: ${missing.join(', ')} (${how})`;
}

/** How to get the dataset. */
export const GET_WISCONSIN = 'copy it into data/ or run: dlsweep data fetch wisconsin';
