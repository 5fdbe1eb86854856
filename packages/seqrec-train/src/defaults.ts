/**
 * The defaults and ranges of the training and evaluation options, each written once: the
 * trainer (options.ts), evaluation (evaluate.ts) and the CLI's flag table read them here. The
 * defaults are the reference `main.py` argument table's. Browser-safe (evaluation uses them).
 */
import { DEFAULT_BATCHING } from '@seqrec/data';
import { intRange, numberRange } from '@seqrec/models';
import { DEFAULT_LR_SCHEDULE } from './schedule';

export const TRAIN_DEFAULTS = {
  seed: 42,
  batchSize: 128,
  lr: 0.001,
  lrDecayStep: 1000,
  lrDecayRate: 0.95,
  warmupSteps: 100,
  lrSchedule: DEFAULT_LR_SCHEDULE,
  adam: { beta1: 0.9, beta2: 0.98, epsilon: 1e-8 },
  numEpochs: 1000,
  evalEvery: 20,
  evalProtocols: ['sampled', 'full'],
  ks: [10],
  evalUsers: 10000,
  earlyStopPatience: 0,
  batching: DEFAULT_BATCHING,
  lossNormalization: 'batch',
  checkpointEvery: 1,
  /** Negatives per user of the sampled evaluation protocol (spec DATA_AND_EVAL.md §Evaluation). */
  evalNegatives: 100,
} as const;

/** Upper bounds of the loop's sizes (the model's are MODEL_LIMITS of @seqrec/models). */
export const TRAIN_LIMITS = {
  batchSize: 65536,
  evalBatchSize: 65536,
  workers: 256,
  numEpochs: 1000000,
  evalEvery: 1000000,
  checkpointEvery: 1000000,
  lrDecayStep: 1000000000,
  warmupSteps: 1000000000,
  earlyStopPatience: 1000000,
  k: 100000,
} as const;

/** The range of every numeric option of `TrainOptions` (and of each K in `ks`). */
export const TRAIN_RANGES = {
  seed: intRange(0),
  batchSize: intRange(1, TRAIN_LIMITS.batchSize),
  lr: numberRange((x) => x > 0, 'a positive number'),
  lrDecayStep: intRange(1, TRAIN_LIMITS.lrDecayStep),
  lrDecayRate: numberRange((x) => x > 0 && x <= 1, 'a number in (0, 1]'),
  warmupSteps: intRange(0, TRAIN_LIMITS.warmupSteps),
  numEpochs: intRange(1, TRAIN_LIMITS.numEpochs),
  evalEvery: intRange(1, TRAIN_LIMITS.evalEvery),
  evalUsers: intRange(1),
  evalBatchSize: intRange(1, TRAIN_LIMITS.evalBatchSize),
  earlyStopPatience: intRange(0, TRAIN_LIMITS.earlyStopPatience),
  checkpointEvery: intRange(1, TRAIN_LIMITS.checkpointEvery),
  workers: intRange(1, TRAIN_LIMITS.workers),
  k: intRange(1, TRAIN_LIMITS.k),
} as const;
