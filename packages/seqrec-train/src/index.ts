// @seqrec/train: evaluation protocols, metrics, ranks, Adam, schedules, training steps and
// recommendation; browser-safe. The training loop, checkpoints and worker threads (Node only)
// are exported by `@seqrec/train/node` (src/node.ts).
export { timeSettings } from './timeSettings';
export type { TrainEvent } from './events';
export { evaluate, PROTOCOLS, SPLITS } from './evaluate';
export type { EvalOptions, EvalRecord, Protocol, SplitName, TimeSettings } from './evaluate';
export { MetricAccumulator, metricNames, metricsFromRanks } from './metrics';
export type { Metrics } from './metrics';
export { sampledRanks, fullRanks } from './rank';
export { Adam } from './adam';
export type { AdamOptions, AdamState } from './adam';
export { learningRate, LR_SCHEDULES, DEFAULT_LR_SCHEDULE } from './schedule';
export type { LrSchedule, LrScheduleName } from './schedule';
export { trainStep, toTrainingBatch, weightsAreFinite, BCE_OBJECTIVE } from './trainStep';
export type { StepObjective } from './trainStep';
export { StepNegativeSampler, usesStepNegatives } from './stepNegatives';
export type { StepNegatives } from './stepNegatives';
export { checkTrainingMemory, trainingMemoryTerms, WASM_HEAP_BYTES } from './memoryEstimate';
export type { MemoryTerm } from './memoryEstimate';
export { timeToQuality, parseEvalMetric } from './timeToQuality';
export type { TimeToQuality, EvalMetric } from './timeToQuality';
export {
  NonFiniteLossError,
  TrainInputError,
  TrainDirError,
  ResumeMismatchError,
  CorruptStateError,
  UnusableDataError,
  MemoryLimitError,
  short,
} from './errors';
export { recommend, historyBatch, excludedIds } from './recommend';
export type { RecommendRequest, Recommendation } from './recommend';
