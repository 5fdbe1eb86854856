// @seqrec/train/node: the Node-only part of @seqrec/train: the training loop, its options,
// checkpoints and crash-safe directories, metrics.jsonl, data-parallel worker threads.
export { train } from './trainer';
export type { TrainResult } from './trainer';
export { resolveTrainOptions, defaultWorkers } from './options';
export type { TrainOptions, ResolvedTrainOptions } from './options';
export { saveCheckpoint, loadCheckpoint, findCheckpoint, findSavedModel } from './checkpoint';
export type { CheckpointContents, LoadedCheckpoint, RunInfo, TrainerState } from './checkpoint';
export { writeDirAtomic, resolveAtomicDir } from './atomicDir';
export { MetricsLog, METRICS_FILE } from './metricsLog';
export { DataParallel } from './dataParallel';
export type { DataParallelOptions } from './dataParallel';
