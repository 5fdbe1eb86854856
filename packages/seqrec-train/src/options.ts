/**
 * Training options: one typed object, defaults resolved once (the defaults are the reference
 * `main.py` argument table's; see packages/seqrec-cli/README.md for the flag names).
 */
import * as os from 'node:os';
import { tf } from '@seqrec/runtime';
import { BATCHINGS, type Batching } from '@seqrec/data';
import {
  checkRange,
  ITEM_EMBEDDING_WEIGHT,
  resolveLossConfig,
  type LossConfig,
  type LossName,
  type ModelConfig,
  type NegativeSampling,
  type SequentialRecommender,
} from '@seqrec/models';
import { LR_SCHEDULES, type LrScheduleName } from './schedule';
import { checkEmbeddingUpdate, defaultEmbeddingUpdate, type EmbeddingUpdate } from './embeddingUpdate';
import type { AdamOptions } from './adam';
import type { CheckpointStage } from './checkpoint';
import type { Protocol } from './evaluate';
import { TRAIN_DEFAULTS, TRAIN_RANGES } from './defaults';
import type { TrainEvent } from './events';

export interface TrainOptions {
  /** Output folder: checkpoints (`last/`, `best/`) and `metrics.jsonl`. Required. */
  trainDir: string;
  /** Model settings (numItems comes from the data). Default: DEFAULT_MODEL_CONFIG (TiSASRec + mHC). */
  model?: Partial<Omit<ModelConfig, 'numItems'>>;
  /** Seeds model init, dropout, the sampler and evaluation. Default 42. */
  seed?: number;
  /** Users per optimizer step. Default 128. */
  batchSize?: number;
  /** Peak learning rate. Default 0.001. */
  lr?: number;
  /** Epochs between learning-rate decays. Default 1000. */
  lrDecayStep?: number;
  /** Decay factor. Default 0.95. */
  lrDecayRate?: number;
  /** Optimizer steps of linear warm-up (0 = none). Default 100. */
  warmupSteps?: number;
  /**
   * The schedule after warm-up (`LR_SCHEDULES`, schedule.ts): 'step' (decay by lrDecayRate every
   * lrDecayStep epochs), 'cosine' (to 0 at the last step of numEpochs), 'constant'. Default 'step'.
   */
  lrSchedule?: LrScheduleName;
  /**
   * The training objective (`LOSSES` of @seqrec/models): 'bce' (the spec's, one sampled negative
   * per position), 'ce' (softmax over every item), 'sampled_softmax' (numNegatives shared per step,
   * log-Q corrected), 'gbce' (gSASRec). Default 'bce'.
   */
  loss?: LossName;
  /** Negatives per step of sampled_softmax, per target position of gbce (refused for the other losses). Default 256. */
  numNegatives?: number;
  /** sampled_softmax's negative distribution: 'uniform' or 'popularity' (train counts). Default 'uniform'. */
  negativeSampling?: NegativeSampling;
  /** gbce's calibration t in [0, 1]. Default 0.75. */
  gbceT?: number;
  /**
   * How Adam updates the item embedding table (`EMBEDDING_UPDATES`, embeddingUpdate.ts): 'dense'
   * (every row every step, from the dense gradient) or 'lazy' (only the rows the step reads, lazy
   * Adam; refused for ce). Default: 'lazy' for sampled_softmax and gbce, 'dense' for bce and ce.
   */
  embeddingUpdate?: EmbeddingUpdate;
  /** Adam betas and epsilon. Default 0.9, 0.98, 1e-8. */
  adam?: { beta1?: number; beta2?: number; epsilon?: number };
  /** Last epoch (1-based, inclusive). Default 1000. */
  numEpochs?: number;
  /** Evaluate every this many epochs (and after the last one). Default 20. */
  evalEvery?: number;
  /** Protocols evaluated, in order; the first one's valid NDCG@K (first K) selects the best checkpoint. Default ['sampled','full']. */
  evalProtocols?: Protocol[];
  /** Cut-offs K of the metrics. Default [10]. */
  ks?: number[];
  /** Users evaluated at most (seeded sample). Default 10000. */
  evalUsers?: number;
  /** Users per evaluation forward pass. Default: batchSize. */
  evalBatchSize?: number;
  /** Stop after this many evaluations without a better selection metric; 0 = never. Default 0. */
  earlyStopPatience?: number;
  /**
   * How users are drawn into batches and laid out (`BATCHINGS` of @seqrec/data): 'packed' random
   * batches with several users per row, 'random' one user per row padded to maxlen (the
   * reference's layout), 'bucketed' users of similar length together. Default DEFAULT_BATCHING
   * ('packed').
   */
  batching?: Batching;
  /**
   * How a step's loss weighs its target positions. 'batch' (the reference's): the mean over the
   * batch's positions. 'epoch': their sum over the epoch's mean positions per batch, so a position
   * weighs the same in every step, as it does on average in randomly composed batches. With
   * 'bucketed' batching the batches are not random: under 'batch' a position of a batch of short
   * histories weighs up to maxlen / (shortest length) times one of a batch of long histories
   * (docs/RESULTS.md measures what that does to learning). Default 'batch'.
   */
  lossNormalization?: 'batch' | 'epoch';
  /** Continue from `<trainDir>/last` if it exists. Default false. */
  resume?: boolean;
  /** Write `last/` every this many epochs (and at every evaluation and the end). Default 1. */
  checkpointEvery?: number;
  /** Initialise the weights from this saved model / checkpoint directory. Default null. */
  initFrom?: string | null;
  /** Produce batches in a worker thread ahead of the compute (PrefetchSampler). Same batches either way. Default true. */
  prefetch?: boolean;
  /**
   * Threads computing each step's gradients (data-parallel on worker_threads, the main thread
   * included); 1 = the single-thread step. Same result up to float rounding. Capped by batchSize.
   * A number shards every step over that many threads. Default `'auto'`: `defaultWorkers()`
   * threads (the number of cores on wasm/cpu, 1 on tensorflow), and a step too small to earn
   * back the exchange between threads runs on the main thread alone (stepSharding.ts).
   */
  workers?: number | 'auto';
  /** Receives progress events; the library never prints. Default: none. */
  reporter?: (event: TrainEvent) => void;
  /** Extra JSON recorded in checkpoints' run.json (e.g. the CLI flags). Default {}. */
  runInfo?: Record<string, unknown>;
  /** Builds the model (tests inject faulty models). Default: `createModel` of @seqrec/models. */
  modelFactory?: (config: ModelConfig, seed: number) => SequentialRecommender;
  /** Tests only: called at every stage of writing `last/` at this epoch, to simulate a crash. */
  checkpointFault?: { epoch: number; fault: (stage: CheckpointStage) => void };
  /** Replace a run in `trainDir` (deleting only what seqrec wrote there). Default false: refuse one. */
  overwrite?: boolean;
  /** Files written into `trainDir` once everything is checked (e.g. the CLI's args.json); deleted by an overwrite. */
  runFiles?: Record<string, string>;
  /** How errors name an option (e.g. `batchSize` -> `--batch_size`). Default: the option's name. */
  optionName?: (option: string) => string;
}

export type ResolvedTrainOptions = Required<
  Omit<
    TrainOptions,
    | 'model'
    | 'reporter'
    | 'modelFactory'
    | 'checkpointFault'
    | 'adam'
    | 'overwrite'
    | 'runFiles'
    | 'optionName'
    | 'workers'
  >
> & {
  adam: { beta1: number; beta2: number; epsilon: number };
  /** Threads, resolved from `workers`. */
  workers: number;
  /** False under `workers: 'auto'`: steps too small to be worth sharding run on the main thread. */
  shardEveryStep: boolean;
};

/**
 * Default of `workers` for a tfjs backend (default: the active one): one thread per core
 * (`os.availableParallelism()`) on wasm and cpu, which compute on one thread; 1 on tensorflow
 * (tfjs-node already spreads each op over every core, and a GPU is one device).
 */
export function defaultWorkers(backend: string = tf.getBackend()): number {
  return backend === 'tensorflow' ? 1 : os.availableParallelism();
}

/** Defaults filled and values checked (throws RangeError naming the option). */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  const d = TRAIN_DEFAULTS;
  const loss = resolveLossConfig({
    loss: options.loss,
    numNegatives: options.numNegatives,
    negativeSampling: options.negativeSampling,
    gbceT: options.gbceT,
  });
  const r: ResolvedTrainOptions = {
    trainDir: options.trainDir,
    seed: options.seed ?? d.seed,
    batchSize: options.batchSize ?? d.batchSize,
    lr: options.lr ?? d.lr,
    lrDecayStep: options.lrDecayStep ?? d.lrDecayStep,
    lrDecayRate: options.lrDecayRate ?? d.lrDecayRate,
    warmupSteps: options.warmupSteps ?? d.warmupSteps,
    lrSchedule: options.lrSchedule ?? d.lrSchedule,
    ...loss,
    embeddingUpdate: options.embeddingUpdate ?? defaultEmbeddingUpdate(loss.loss),
    adam: {
      beta1: options.adam?.beta1 ?? d.adam.beta1,
      beta2: options.adam?.beta2 ?? d.adam.beta2,
      epsilon: options.adam?.epsilon ?? d.adam.epsilon,
    },
    numEpochs: options.numEpochs ?? d.numEpochs,
    evalEvery: options.evalEvery ?? d.evalEvery,
    evalProtocols: options.evalProtocols ?? [...d.evalProtocols],
    ks: options.ks ?? [...d.ks],
    evalUsers: options.evalUsers ?? d.evalUsers,
    evalBatchSize: options.evalBatchSize ?? options.batchSize ?? d.batchSize,
    earlyStopPatience: options.earlyStopPatience ?? d.earlyStopPatience,
    batching: options.batching ?? d.batching,
    lossNormalization: options.lossNormalization ?? d.lossNormalization,
    resume: options.resume ?? false,
    checkpointEvery: options.checkpointEvery ?? d.checkpointEvery,
    initFrom: options.initFrom ?? null,
    runInfo: options.runInfo ?? {},
    prefetch: options.prefetch ?? true,
    workers: options.workers === undefined || options.workers === 'auto' ? defaultWorkers() : options.workers,
    shardEveryStep: options.workers !== undefined && options.workers !== 'auto',
  };
  const { k: kRange, ...ranges } = TRAIN_RANGES;
  for (const [name, range] of Object.entries(ranges)) checkRange(name, r[name as keyof typeof ranges], range);
  r.workers = Math.min(r.workers, r.batchSize);
  if (r.lossNormalization !== 'batch' && r.lossNormalization !== 'epoch')
    throw new RangeError(`lossNormalization must be 'batch' or 'epoch', got ${String(r.lossNormalization)}`);
  if (!(BATCHINGS as readonly string[]).includes(r.batching))
    throw new RangeError(`batching must be one of ${BATCHINGS.join(', ')}, got ${String(r.batching)}`);
  if (!(LR_SCHEDULES as readonly string[]).includes(r.lrSchedule))
    throw new RangeError(`lrSchedule must be one of ${LR_SCHEDULES.join(', ')}, got ${String(r.lrSchedule)}`);
  if (r.evalProtocols.length === 0) throw new RangeError('evalProtocols must not be empty');
  if (r.ks.length === 0) throw new RangeError('ks must not be empty');
  for (const k of r.ks) checkRange('each of ks', k, kRange);
  checkEmbeddingUpdate(r.embeddingUpdate, r.loss);
  return r;
}

/** Adam's settings for resolved options: betas, epsilon and (lazy embedding update) the lazy item table. */
export function adamOptionsOf(o: ResolvedTrainOptions): AdamOptions {
  return { ...o.adam, lazy: o.embeddingUpdate === 'lazy' ? [ITEM_EMBEDDING_WEIGHT] : [] };
}

/** The loss settings of resolved options, as @seqrec/models takes them. */
export function lossConfigOf(o: ResolvedTrainOptions): LossConfig {
  return { loss: o.loss, numNegatives: o.numNegatives, negativeSampling: o.negativeSampling, gbceT: o.gbceT };
}
