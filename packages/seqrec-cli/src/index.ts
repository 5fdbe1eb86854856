export { run } from './run';
export type { CliIo, Output } from './io';
export { processIo, makeOutput } from './io';
export { UsageError, EXIT } from './errors';
export { TRAIN_FLAGS, resolveTrainFlags } from './trainFlags';
export type { TrainSettings } from './trainFlags';
export { normalizeFlags } from './flagSpelling';
// The benchmark's step shapes and synthetic input, for the development probes in tools/probes.
export { modelConfigOf, isTimeAware, lcg, syntheticBatch } from './bench';
export type { BenchConfig, SyntheticSizes, Variant } from './bench';
