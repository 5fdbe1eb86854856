// @seqrec/data: loaders, id vocabulary, leave-one-out split, time intervals and seeded samplers.
// Spec: shared/spec/DATA_AND_EVAL.md. Browser-safe: what needs Node (files, worker threads) is
// exported by `@seqrec/data/node` (src/node.ts) instead.
export { DataFormatError } from './DataFormatError';
export { excerpt } from './excerpt';
export { MissingColumnError } from './MissingColumnError';
export type { ColumnOption } from './MissingColumnError';
export { INTERACTION_FORMATS } from './InteractionLog';
export type { InteractionFormat, InteractionLog, LoadOptions } from './InteractionLog';
export { InteractionParser, parseInteractions, detectFormat } from './InteractionParser';
export { Vocabulary } from './Vocabulary';
export { buildDataset } from './buildDataset';
export type { Dataset, UserSequence } from './buildDataset';
export { leaveOneOutSplit } from './leaveOneOutSplit';
export type { SplitDataset, UserSplit } from './leaveOneOutSplit';
export { userHistory } from './userHistory';
export type { UserHistory } from './userHistory';
export { datasetStats, formatStatsTable } from './datasetStats';
export type { DatasetStats } from './datasetStats';
export { Random } from './Random';
export type { RandomState } from './Random';
export { TIME_UNITS, TIME_UNIT_SECONDS, personalTimeScale, timeIntervalMatrix } from './timeIntervals';
export type { TimeOptions, TimeUnit } from './timeIntervals';
export { TrainSampler } from './TrainSampler';
export type { BatchSampler, SamplerOptions, SamplerState } from './TrainSampler';
export { BATCHINGS, DEFAULT_BATCHING } from './trainEpoch';
export { stepPositionCost } from './packRows';
export type { Batching, TrainBatch } from './trainEpoch';
export { evalBatches } from './evalBatches';
export type { EvalBatch, EvalBatchOptions, EvalBatches } from './evalBatches';
export { sampleEvalCandidates } from './sampleEvalCandidates';
export { generateSyntheticInteractions } from './generateSyntheticInteractions';
export type { SyntheticOptions } from './generateSyntheticInteractions';
