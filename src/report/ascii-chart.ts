/** asciichart, the terminal's chart library (`show`'s loss curve, `lr-find`'s curve), loaded in one place. */
import { createRequire } from 'node:module';

// asciichart is CommonJS without detectable named exports; require gives its real exports object.
export const asciichart = createRequire(import.meta.url)('asciichart') as typeof import('asciichart');
