export { train, timeSettings } from './trainer';
export type { TrainResult } from './trainer';
export { resolveTrainOptions, defaultWorkers, TRAIN_LIMITS } from './options';
export type { TrainOptions, ResolvedTrainOptions } from './options';
export type { TrainEvent } from './events';
export { evaluate, PROTOCOLS, SPLITS } from './evaluate';
export type { EvalOptions, EvalRecord, Protocol, SplitName, TimeSettings } from './evaluate';
export { MetricAccumulator, metricNames, metricsFromRanks } from './metrics';
export type { Metrics } from './metrics';
export { sampledRanks, fullRanks } from './rank';
export { Adam } from './adam';
export type { AdamOptions, AdamState } from './adam';
export { learningRate } from './schedule';
export type { LrSchedule } from './schedule';
export { trainStep, toTrainingBatch, weightsAreFinite } from './trainStep';
export {
  saveCheckpoint,
  loadCheckpoint,
  findCheckpoint,
  findSavedModel,
  searchCheckpoint,
  removeCheckpointDir,
  foreignCheckpointFiles,
  CHECKPOINT_FILES,
} from './checkpoint';
export type {
  CheckpointContents,
  CheckpointSearch,
  CheckpointStage,
  LoadedCheckpoint,
  RunInfo,
  TrainerState,
} from './checkpoint';
export { writeDirAtomic, resolveAtomicDir, atomicDirCandidates, writeFileSynced, withPath } from './atomicDir';
export type { SwapStage } from './atomicDir';
export { MANIFEST_FILE, verifyManifest } from './manifest';
export { TrainDirClaim, RUN_MARKER, LOCK_FILE, CHECKPOINT_DIRS } from './trainDir';
export type { TrainDirMode } from './trainDir';
export { RESUME_MAY_CHANGE, resumeDifferences } from './resumeCheck';
export type { ResumeDifference } from './resumeCheck';
export { checkTrainingMemory, trainingMemoryTerms, WASM_HEAP_BYTES } from './memoryEstimate';
export type { MemoryTerm } from './memoryEstimate';
export { readJsonFile, parseJsonFile, hasFields } from './stateFile';
export { MetricsLog, METRICS_FILE } from './metricsLog';
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
export { recommend } from './recommend';
export type { RecommendRequest, Recommendation } from './recommend';
export { DataParallel } from './dataParallel';
export type { DataParallelOptions } from './dataParallel';
