// @seqrec/data: loaders, id vocabulary, leave-one-out split, time intervals and seeded samplers.
// Spec: shared/spec/DATA_AND_EVAL.md. The only public entry of the package.
export { DataFormatError } from './DataFormatError';
export type { InteractionFormat, InteractionLog, LoadOptions } from './InteractionLog';
export { InteractionParser, parseInteractions, detectFormat } from './InteractionParser';
export { loadInteractions } from './loadInteractions';
export { Vocabulary } from './Vocabulary';
export { buildDataset } from './buildDataset';
export type { Dataset, UserSequence } from './buildDataset';
export { leaveOneOutSplit } from './leaveOneOutSplit';
export type { SplitDataset, UserSplit } from './leaveOneOutSplit';
export { datasetStats, formatStatsTable } from './datasetStats';
export type { DatasetStats } from './datasetStats';
export { Random } from './Random';
export type { RandomState } from './Random';
export { TIME_UNIT_SECONDS, personalTimeScale, timeIntervalMatrix } from './timeIntervals';
export type { TimeOptions, TimeUnit } from './timeIntervals';
export { TrainSampler } from './TrainSampler';
export type { SamplerOptions, SamplerState } from './TrainSampler';
export type { TrainBatch } from './trainEpoch';
export { PrefetchSampler, prefetch } from './PrefetchSampler';
export type { PrefetchOptions } from './PrefetchSampler';
export { evalBatches } from './evalBatches';
export type { EvalBatch, EvalBatchOptions, EvalBatches } from './evalBatches';
export { sampleEvalCandidates } from './sampleEvalCandidates';
export { generateSyntheticInteractions, writeInteractionsText } from './generateSyntheticInteractions';
export type { SyntheticOptions } from './generateSyntheticInteractions';
export { writeFileAtomic } from './writeFileAtomic';
export { startWorker } from './startWorker';
