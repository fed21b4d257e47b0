/**
 * Version of the numerical engine. Part of every run's identity: bump it whenever a change to src/train/
 * can change any recorded number, so that resumed sweeps never mix results of two engines.
 */
export const ENGINE_VERSION = '1';
