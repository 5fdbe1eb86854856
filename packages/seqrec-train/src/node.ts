// @seqrec/train/node: the Node-only part of @seqrec/train: the training loop, its options,
// crash-safe checkpoints, metrics.jsonl, data-parallel worker threads.
export { train } from './trainer';
export type { TrainResult } from './trainer';
export { resolveTrainOptions, defaultWorkers, lossConfigOf, adamOptionsOf } from './options';
export type { TrainOptions, ResolvedTrainOptions } from './options';
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
export { MANIFEST_FILE, verifyManifest } from './manifest';
export { TrainDirClaim, RUN_MARKER, LOCK_FILE, CHECKPOINT_DIRS } from './trainDir';
export type { TrainDirMode } from './trainDir';
export { RESUME_MAY_CHANGE, resumeDifferences } from './resumeCheck';
export type { ResumeDifference } from './resumeCheck';
export { readJsonFile, parseJsonFile, hasFields } from './stateFile';
export { MetricsLog, METRICS_FILE } from './metricsLog';
export { DataParallel } from './dataParallel';
export { worthSharding } from './stepSharding';
export type { DataParallelOptions } from './dataParallel';
