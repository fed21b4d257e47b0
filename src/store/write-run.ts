/** Writing one run folder. metrics.json goes last: a run is done only once it says so. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CurvePoint, ModelJson } from '../train/types.js';
import { writeJsonAtomic, writeTextAtomic } from './atomic.js';
import { RUN_FILES } from './paths.js';
import type { RunMetricsFile, RunParamsFile, RunTimingFile } from './records.js';

export interface RunWrite {
  params: RunParamsFile;
  metrics: RunMetricsFile;
  curve?: CurvePoint[];
  model?: ModelJson;
  timing?: RunTimingFile;
  /** Full error text (stack) for failed runs. */
  error?: string;
}

/** curve.csv text: a header and one row per point, numbers in full precision. */
export function curveCsv(curve: CurvePoint[]): string {
  const lines = ['iteration,train_loss,validation_loss'];
  for (const p of curve) lines.push(`${p.iteration},${p.train_loss},${p.validation_loss}`);
  return lines.join('\n') + '\n';
}

/**
 * Write a run's folder inside sweepDir: params, curve, model, timing, error, then metrics.
 * Throws: the file system's error (ENOSPC, EACCES...).
 */
export async function writeRun(sweepDir: string, run: RunWrite): Promise<void> {
  const dir = join(sweepDir, run.params.folder);
  await mkdir(dir, { recursive: true });
  await writeJsonAtomic(join(dir, RUN_FILES.params), run.params);
  if (run.curve) await writeTextAtomic(join(dir, RUN_FILES.curve), curveCsv(run.curve));
  if (run.model) await writeJsonAtomic(join(dir, RUN_FILES.model), run.model);
  if (run.timing) await writeJsonAtomic(join(dir, RUN_FILES.timing), run.timing);
  if (run.error) await writeTextAtomic(join(dir, RUN_FILES.error), run.error.endsWith('\n') ? run.error : run.error + '\n');
  await writeJsonAtomic(join(dir, RUN_FILES.metrics), run.metrics);
}
