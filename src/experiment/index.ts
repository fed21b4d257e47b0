/** Experiment files: load, validate and type them (see load.ts), their JSON Schema and parameter table. */
export { loadExperiment, parseExperiment, safeName, unsafeNameReasons, type LoadOptions } from './load.js';
export { experimentSchema, experimentSchemaText, SCHEMA_ID } from './schema.js';
export { KNOWN_DATASETS, knownDataset, type KnownDataset } from '../datasets/registry.js';
export { PARAMS, paramSpec, INIT_NAMES, type ParamSpec, type ParamRole } from './params.js';
export type * from './types.js';
