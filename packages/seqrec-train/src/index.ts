// @seqrec/train: evaluation protocols, metrics, ranks, Adam, schedules, training steps and
// recommendation; browser-safe. The training loop, checkpoints and worker threads (Node only)
// are exported by `@seqrec/train/node` (src/node.ts).
export { TRAIN_DEFAULTS, TRAIN_LIMITS, TRAIN_RANGES } from './defaults';
export type { TrainEvent } from './events';
export { evaluate, runEvalOptions, PROTOCOLS, SPLITS } from './evaluate';
export type { EvalOptions, EvalRecord, RunEvalSettings, Protocol, SplitName, TimeSettings } from './evaluate';
export { MetricAccumulator, metricNames, metricsFromRanks } from './metrics';
export { curvePoints, learningCurveSvg } from './learningCurves';
export type { CurveSelection, CurveSeries } from './learningCurves';
export { bootstrapInterval, compareRanks, parseRanksCsv, splitmix32 } from './pairedBootstrap';
export type { CompareOptions, PairedComparison, RankGroups } from './pairedBootstrap';
export type { Metrics } from './metrics';
export { sampledRanks, fullRanks } from './rank';
export { Adam } from './adam';
export type { AdamOptions, AdamState, DenseGradient } from './adam';
export { lazyAdamRows } from './lazyAdamRows';
export type { RowGradient, LazyAdamStep } from './lazyAdamRows';
export { EMBEDDING_UPDATES, defaultEmbeddingUpdate, checkEmbeddingUpdate, stepReadsItemRows } from './embeddingUpdate';
export type { EmbeddingUpdate } from './embeddingUpdate';
export { stepItemRows } from './sparseItemRows';
export type { StepItemRows } from './sparseItemRows';
export { learningRate, LR_SCHEDULES, DEFAULT_LR_SCHEDULE } from './schedule';
export type { LrSchedule, LrScheduleName } from './schedule';
export { trainStep, stepGradients, toTrainingBatch, weightsAreFinite, BCE_OBJECTIVE } from './trainStep';
export type { StepObjective, StepGradients } from './trainStep';
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
