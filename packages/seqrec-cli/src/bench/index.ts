/** The benchmark harness behind `seqrec bench` (see docs/PERFORMANCE.md). */
export { runBench } from './runBench';
export type { BenchEvent } from './runBench';
export { resolveBenchOptions, repsFor, DEFAULT_DATASET } from './options';
export type { BenchOptions, ResolvedBenchOptions } from './options';
export { benchConfigs, configLabel, variantName, modelConfigOf, isTimeAware } from './configs';
export { lcg, syntheticBatch } from './syntheticInput';
export type { SyntheticSizes } from './syntheticInput';
export { renderBench, alignTable } from './renderTable';
export { PYTORCH_REFERENCE, referenceFor } from './reference';
export { VARIANTS } from './types';
export type { BenchConfig, BenchReport, StepResult, EpochResult, BenchFailure, MachineInfo, Variant } from './types';
