/**
 * The parsers and shared options of the command line: whole numbers, worker counts, folders, the engine.
 * Each parser throws commander's InvalidArgumentError, which commander prints as a usage error (exit 2).
 */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors.js';
import { OUTPUT_FORMATS } from '../report/render.js';
import { ENGINE_MODES, type EngineMode } from '../train/types.js';
import { MAX_PLANNED_RUNS } from '../sweep/plan.js';

/** Commander parser of run's --top: a whole number >= 1, or `all` (Infinity). */
export function topCount(value: string): number {
  return value.trim().toLowerCase() === 'all' ? Infinity : positiveInt('--top')(value);
}

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} takes a whole number of at least 1, e.g. ${name} 4`);
    }
    return n;
  };
}

/** The most worker threads `run` starts: beyond a few per core they only share the same cores. */
export const MAX_WORKERS = Math.max(64, 4 * availableParallelism());

export function workerCount(value: string): number {
  const n = positiveInt('--workers')(value);
  if (n > MAX_WORKERS) {
    throw new InvalidArgumentError(
      `--workers takes at most ${MAX_WORKERS} (this machine runs ${availableParallelism()} threads at once; more threads only share those cores), e.g. --workers ${availableParallelism()}`,
    );
  }
  return n;
}

/** MAX_PLANNED_RUNS as --help and messages show it (100,000); without Intl, whose first use costs ~30 ms. */
export const MAX_RUNS_SHOWN = String(MAX_PLANNED_RUNS).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * Commander parser of --max-runs: 1 to MAX_PLANNED_RUNS. A larger limit could never be used (a sweep holds
 * no more runs), so it is refused as typed rather than taken and ignored.
 */
export function maxRunsCount(value: string): number {
  const n = positiveInt('--max-runs')(value);
  if (n > MAX_PLANNED_RUNS) {
    throw new InvalidArgumentError(
      `--max-runs takes at most ${MAX_RUNS_SHOWN} (a sweep holds no more runs: each is planned in memory); narrow the grid or split it, e.g. --max-runs ${MAX_PLANNED_RUNS}`,
    );
  }
  return n;
}

/** Commander parser of a field separator: one character other than a quote or a line break; `\t` typed as two characters is a tab. */
export function oneCharacter(name: string) {
  return (value: string): string => {
    const c = value === '\\t' ? '\t' : value;
    if ([...c].length !== 1 || c === '"' || c === '\n' || c === '\r') throw new InvalidArgumentError(`${name} takes one character (not a quote or a line break), e.g. ${name} ';', or \\t for a tab`);
    return c;
  };
}

export function nonEmpty(name: string) {
  return (value: string): string => {
    if (value.trim() === '') throw new InvalidArgumentError(`${name} takes a folder, e.g. ${name} runs`);
    return value;
  };
}

/**
 * The training engine of a command: --engine if given, else DLSWEEP_ENGINE, else auto. Resolved once here
 * and passed in every training request (the training code reads no environment).
 * Throws: UserError for a DLSWEEP_ENGINE other than auto, fast or ts.
 */
export function resolveEngine(option: EngineMode | undefined, env: Record<string, string | undefined>): EngineMode {
  if (option !== undefined) return option;
  const v = env.DLSWEEP_ENGINE;
  if (v === undefined || v === '') return 'auto';
  if ((ENGINE_MODES as readonly string[]).includes(v)) return v as EngineMode;
  throw new UserError(`DLSWEEP_ENGINE must be ${ENGINE_MODES.join(', ')}, got ${JSON.stringify(v)}`, 'unset it, or choose the engine with --engine auto|fast|ts');
}

/** --engine of the commands that train. */
export const engineOption = () =>
  new Option('--engine <engine>', 'training engine: auto (WebAssembly where it applies exactly, TypeScript elsewhere), fast (WebAssembly only), ts (TypeScript); default: DLSWEEP_ENGINE, else auto').choices(
    ENGINE_MODES,
  );

/** --format of the commands that print records. */
export const formatOption = () => new Option('--format <format>', "output format (default: from the --output extension, else table); csv writes a text cell starting with = + - @ with a leading ' so spreadsheets never run it as a formula").choices(OUTPUT_FORMATS);
/** -o/--output of the commands that print records. */
export const outputOption = () => new Option('-o, --output <file>', 'write to this file (atomically) instead of stdout');
