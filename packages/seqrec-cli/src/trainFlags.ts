/**
 * The flags of `seqrec train`: the reference main.py argument table (same names, meanings and
 * defaults) plus seqrec's own. `resolveTrainFlags` turns commander's raw strings into checked,
 * typed settings once; every bad value is a UsageError naming the flag.
 */
import { BACKENDS, DEVICES, type BackendName, type Device } from '@seqrec/runtime';
import { BATCHINGS, DEFAULT_BATCHING, type Batching, type InteractionFormat, type TimeUnit } from '@seqrec/data';
import { MODEL_LIMITS, type LossConfig, type ModelConfig } from '@seqrec/models';
import type { LrScheduleName, Protocol } from '@seqrec/train';
import { TRAIN_LIMITS } from '@seqrec/train/node';
import { COLUMN_FLAG_ROWS } from './columnFlags';
import { LOSS_FLAG_ROWS, resolveLossFlags } from './lossFlags';
import { UsageError } from './errors';
import { bool, choice, int, intList, num } from './parseFlags';

/** [flag, value placeholder ('' = boolean switch), default, help]. Order = help order. */
export const TRAIN_FLAGS: readonly (readonly [string, string, string | undefined, string])[] = [
  [
    'dataset',
    'name|path',
    'synthetic',
    "dataset name (looked up in --data_dir as <name>.txt or <name>/), a file/folder path, or 'synthetic'",
  ],
  ['train_dir', 'dir', undefined, 'output folder (checkpoints, metrics.jsonl, args.json); required'],
  ['batch_size', 'n', '128', 'users per training batch'],
  ['lr', 'x', '0.001', 'peak learning rate (Adam, betas 0.9/0.98)'],
  ['lr_decay_step', 'epochs', '1000', 'multiply the learning rate by --lr_decay_rate every this many epochs'],
  ['lr_decay_rate', 'x', '0.95', 'learning-rate decay factor'],
  ['warmup_steps', 'n', '100', 'optimizer steps of linear warm-up (0 = none)'],
  ...LOSS_FLAG_ROWS,
  ['maxlen', 'n', '200', 'longest input sequence'],
  ['hidden_units', 'd', '50', 'embedding / hidden size'],
  ['num_blocks', 'n', '2', 'transformer blocks'],
  ['num_heads', 'h', '2', 'attention heads (must divide --hidden_units)'],
  ['dropout_rate', 'p', '0.2', 'dropout rate'],
  ['l2_emb', 'x', '0', 'L2 weight on the item embeddings'],
  ['device', 'auto|cuda|cpu', 'auto', 'where to compute'],
  ['no_time', '', undefined, 'SASRec instead of TiSASRec (no time intervals)'],
  ['no_mhc', '', undefined, 'plain residual blocks instead of mHC'],
  ['mhc_expansion_rate', 'n', '4', 'mHC residual streams'],
  ['mhc_sinkhorn_iter', 'n', '20', 'mHC Sinkhorn-Knopp iterations'],
  ['mhc_init_gate', 'x', '0.01', 'initial mHC gate alpha'],
  [
    'mhc_no_amp',
    '',
    undefined,
    'accepted for compatibility: tfjs computes in float32, so mHC always runs in full precision',
  ],
  ['time_span', 'S', '100', 'clip time intervals to 0..S'],
  ['time_unit', 'second|minute|hour|day|personal', 'hour', 'unit of the time intervals'],
  ['num_epochs', 'n', '1000', 'epochs to train'],
  [
    'inference_only',
    '[bool]',
    undefined,
    'evaluate a saved model (--state_dict_path, else <train_dir>/best) without training',
  ],
  ['state_dict_path', 'dir', undefined, 'saved model or checkpoint directory to start from'],
  ['seed', 'n', '42', 'seeds init, dropout, sampling and evaluation'],
  ['eval_every', 'epochs', '20', 'evaluate every this many epochs (and after the last)'],
  [
    'eval_protocol',
    'sampled|full|both',
    'both',
    'evaluation protocol(s); with both, sampled is first and selects the best model',
  ],
  ['eval_users', 'n', '10000', 'evaluate at most this many users (seeded sample)'],
  ['eval_batch_size', 'n', undefined, 'users per evaluation batch (default: --batch_size)'],
  ['data_dir', 'dir', 'data', 'where a bare --dataset name is looked up'],
  ['format', 'ml-1m|ml-100k|sasrec|csv|tsv', undefined, 'input format (default: detected)'],
  ...COLUMN_FLAG_ROWS,
  ['backend', 'tensorflow|wasm|cpu', undefined, 'pin the tfjs backend (default: chosen from --device)'],
  ['resume', '', undefined, "continue from <train_dir>/last (the settings that change the result must be the run's)"],
  ['overwrite', '', undefined, 'replace the run in --train_dir (deletes only the files seqrec wrote there)'],
  ['json', '', undefined, 'JSON lines on stdout (one per evaluation, then a summary); human logs go to stderr'],
  ['early_stop_patience', 'evals', '0', 'stop after this many evaluations without improvement (0 = never)'],
  [
    'batching',
    BATCHINGS.join('|'),
    DEFAULT_BATCHING,
    'random batches with users packed side by side in rows (packed), one user per row padded to --maxlen (random, the reference layout), or users of similar length together (bucketed: fastest epochs, learns less per epoch)',
  ],
  ['no_bucketing', '', undefined, 'the same as --batching random'],
  [
    'loss_normalization',
    'batch|epoch',
    'batch',
    "a step's loss: the mean over its batch's positions, or their sum over the epoch's mean per batch",
  ],
  ['topk', 'K[,K...]', '10', 'cut-offs of NDCG@K / HR@K'],
  [
    'workers',
    'n',
    undefined,
    'threads computing each step (data-parallel; 1 = single thread; default: the number of cores on wasm/cpu, 1 on tensorflow; at most --batch_size)',
  ],
];

export interface TrainSettings {
  dataset: string;
  trainDir: string;
  dataDir: string;
  format?: InteractionFormat;
  device: Device;
  backend?: BackendName;
  model: Omit<ModelConfig, 'numItems'>;
  timeUnit: TimeUnit;
  batchSize: number;
  lr: number;
  lrDecayStep: number;
  lrDecayRate: number;
  warmupSteps: number;
  lrSchedule: LrScheduleName;
  /** The training objective and its settings (@seqrec/models `LossConfig`). */
  loss: LossConfig;
  numEpochs: number;
  seed: number;
  evalEvery: number;
  protocols: Protocol[];
  evalUsers: number;
  evalBatchSize: number;
  earlyStopPatience: number;
  batching: Batching;
  lossNormalization: 'batch' | 'epoch';
  ks: number[];
  resume: boolean;
  overwrite: boolean;
  json: boolean;
  inferenceOnly: boolean;
  stateDictPath: string | null;
  mhcNoAmp: boolean;
  /** Threads computing each training step (the main thread included); undefined = the backend's default. */
  workers: number | undefined;
}

const FORMATS: readonly InteractionFormat[] = ['ml-1m', 'ml-100k', 'sasrec', 'csv', 'tsv'];
const TIME_UNITS: readonly TimeUnit[] = ['second', 'minute', 'hour', 'day', 'personal'];

/** Checks and types the raw commander values (`raw` is keyed by snake_case flag name). */
export function resolveTrainFlags(raw: Record<string, unknown>): TrainSettings {
  const s = (k: string) => raw[k] as string | undefined;
  if (s('train_dir') === undefined || s('train_dir') === '') throw new UsageError('missing required flag --train_dir');
  const hiddenUnits = int('hidden_units', s('hidden_units'), 1, MODEL_LIMITS.hiddenUnits);
  const numHeads = int('num_heads', s('num_heads'), 1, MODEL_LIMITS.numHeads);
  if (hiddenUnits % numHeads !== 0) {
    throw new UsageError(`--num_heads ${numHeads} must divide --hidden_units ${hiddenUnits}`);
  }
  const noMhc = bool('no_mhc', raw['no_mhc']);
  const batchSize = int('batch_size', s('batch_size'), 1, TRAIN_LIMITS.batchSize);
  const evalProtocol = choice('eval_protocol', s('eval_protocol'), ['sampled', 'full', 'both'] as const);
  const { lrSchedule, ...loss } = resolveLossFlags(raw);
  return {
    dataset: s('dataset') as string,
    trainDir: s('train_dir') as string,
    dataDir: s('data_dir') as string,
    format: s('format') === undefined ? undefined : choice('format', s('format'), FORMATS),
    device: choice('device', s('device'), DEVICES),
    backend: s('backend') === undefined ? undefined : choice('backend', s('backend'), BACKENDS),
    model: {
      kind: bool('no_time', raw['no_time']) ? 'sasrec' : 'tisasrec',
      maxlen: int('maxlen', s('maxlen'), 1, MODEL_LIMITS.maxlen),
      hiddenUnits,
      numBlocks: int('num_blocks', s('num_blocks'), 1, MODEL_LIMITS.numBlocks),
      numHeads,
      dropoutRate: num('dropout_rate', s('dropout_rate'), (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
      timeSpan: int('time_span', s('time_span'), 1, MODEL_LIMITS.timeSpan),
      mhc: noMhc
        ? null
        : {
            expansionRate: int('mhc_expansion_rate', s('mhc_expansion_rate'), 1, MODEL_LIMITS.expansionRate),
            sinkhornIters: int('mhc_sinkhorn_iter', s('mhc_sinkhorn_iter'), 1, MODEL_LIMITS.sinkhornIters),
            initGate: num('mhc_init_gate', s('mhc_init_gate'), (x) => x >= 0, 'a number >= 0'),
          },
      l2Emb: num('l2_emb', s('l2_emb'), (x) => x >= 0, 'a number >= 0'),
      layerNormEps: 1e-8,
    },
    timeUnit: choice('time_unit', s('time_unit'), TIME_UNITS),
    batchSize,
    lr: num('lr', s('lr'), (x) => x > 0, 'a positive number'),
    lrDecayStep: int('lr_decay_step', s('lr_decay_step'), 1, TRAIN_LIMITS.lrDecayStep),
    lrDecayRate: num('lr_decay_rate', s('lr_decay_rate'), (x) => x > 0 && x <= 1, 'a number in (0, 1]'),
    warmupSteps: int('warmup_steps', s('warmup_steps'), 0, TRAIN_LIMITS.warmupSteps),
    lrSchedule,
    loss,
    numEpochs: int('num_epochs', s('num_epochs'), 1, TRAIN_LIMITS.numEpochs),
    seed: int('seed', s('seed'), 0),
    evalEvery: int('eval_every', s('eval_every'), 1, TRAIN_LIMITS.evalEvery),
    protocols: evalProtocol === 'both' ? ['sampled', 'full'] : [evalProtocol],
    evalUsers: int('eval_users', s('eval_users')),
    evalBatchSize:
      s('eval_batch_size') === undefined
        ? batchSize
        : int('eval_batch_size', s('eval_batch_size'), 1, TRAIN_LIMITS.evalBatchSize),
    earlyStopPatience: int('early_stop_patience', s('early_stop_patience'), 0, TRAIN_LIMITS.earlyStopPatience),
    batching: batchingFlag(raw),
    lossNormalization: choice('loss_normalization', s('loss_normalization'), ['batch', 'epoch'] as const),
    ks: intList('topk', s('topk'), TRAIN_LIMITS.k),
    resume: bool('resume', raw['resume']),
    overwrite: bool('overwrite', raw['overwrite']),
    json: bool('json', raw['json']),
    inferenceOnly: bool('inference_only', raw['inference_only']),
    stateDictPath: s('state_dict_path') ?? null,
    mhcNoAmp: bool('mhc_no_amp', raw['mhc_no_amp']),
    workers: s('workers') === undefined ? undefined : int('workers', s('workers'), 1, TRAIN_LIMITS.workers),
  };
}

/** --batching, with --no_bucketing as an alias of `--batching random`. */
function batchingFlag(raw: Record<string, unknown>): Batching {
  const batching = choice('batching', raw['batching'] as string | undefined, BATCHINGS);
  if (!bool('no_bucketing', raw['no_bucketing'])) return batching;
  if (batching === 'bucketed') throw new UsageError('--no_bucketing contradicts --batching bucketed');
  return 'random';
}

/**
 * Whether evaluation batches of a run are length-sorted: always, except under the reference's
 * own layout (`random`). Runs recorded before --batching existed stored `bucketing` instead.
 */
export function evalBucketing(s: TrainSettings | (Omit<TrainSettings, 'batching'> & { bucketing: boolean })): boolean {
  return 'batching' in s ? s.batching !== 'random' : s.bucketing;
}

/** Train options (`batchSize`, `model.maxlen`, `data`) whose flag is not their snake_case name. */
const FLAG_OF_OPTION: Record<string, string> = {
  ks: 'topk',
  evalProtocols: 'eval_protocol',
  data: 'dataset',
  'model.numItems': 'dataset',
  'model.kind': 'no_time',
  'model.mhc': 'no_mhc / --mhc_*',
  'model.layerNormEps': 'layer_norm_eps (not a flag)',
  adam: 'adam (not a flag)',
};

/** The flag of a train option, e.g. `batchSize` -> `--batch_size`, for messages of @seqrec/train. */
export function flagOfOption(option: string): string {
  const known = FLAG_OF_OPTION[option];
  if (known !== undefined) return `--${known}`;
  return `--${option.replace(/^model\./, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}
