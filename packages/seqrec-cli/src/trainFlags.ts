/**
 * The flags of `seqrec train`: the reference main.py argument table (same names, meanings and
 * defaults) plus seqrec's own. `resolveTrainFlags` turns commander's raw strings into checked,
 * typed settings once; every bad value is a UsageError naming the flag.
 */
import { BACKENDS, DEVICES, type BackendName, type Device } from '@seqrec/runtime';
import {
  BATCHINGS,
  DEFAULT_BATCHING,
  INTERACTION_FORMATS,
  TIME_UNITS,
  type Batching,
  type InteractionFormat,
} from '@seqrec/data';
import {
  DEFAULT_MHC,
  DEFAULT_MODEL_CONFIG,
  MODEL_RANGES,
  headsProblem,
  lossSettingsUsed,
  type LossConfig,
  type ModelConfig,
} from '@seqrec/models';
import { TRAIN_DEFAULTS, TRAIN_RANGES, type EmbeddingUpdate, type Protocol } from '@seqrec/train';
import type { TrainOptions } from '@seqrec/train/node';
import { COLUMN_FLAG_ROWS } from './columnFlags';
import { LOSS_FLAG_ROWS, resolveLossFlags } from './lossFlags';
import { UsageError } from './errors';
import { bool, choice, intList, ranged } from './parseFlags';

const MODEL = DEFAULT_MODEL_CONFIG;

/** [flag, value placeholder ('' = boolean switch), default, help]. Order = help order. */
export const TRAIN_FLAGS: readonly (readonly [string, string, string | undefined, string])[] = [
  [
    'dataset',
    'name|path',
    'synthetic',
    "dataset name (looked up in --data_dir as <name>.txt or <name>/), a file/folder path, or 'synthetic'",
  ],
  ['train_dir', 'dir', undefined, 'output folder (checkpoints, metrics.jsonl, args.json); required'],
  ['batch_size', 'n', String(TRAIN_DEFAULTS.batchSize), 'users per training batch'],
  ['lr', 'x', String(TRAIN_DEFAULTS.lr), 'peak learning rate (Adam, betas 0.9/0.98)'],
  [
    'lr_decay_step',
    'epochs',
    String(TRAIN_DEFAULTS.lrDecayStep),
    'multiply the learning rate by --lr_decay_rate every this many epochs',
  ],
  ['lr_decay_rate', 'x', String(TRAIN_DEFAULTS.lrDecayRate), 'learning-rate decay factor'],
  ['warmup_steps', 'n', String(TRAIN_DEFAULTS.warmupSteps), 'optimizer steps of linear warm-up (0 = none)'],
  ...LOSS_FLAG_ROWS,
  ['maxlen', 'n', String(MODEL.maxlen), 'longest input sequence'],
  ['hidden_units', 'd', String(MODEL.hiddenUnits), 'embedding / hidden size'],
  ['num_blocks', 'n', String(MODEL.numBlocks), 'transformer blocks'],
  ['num_heads', 'h', String(MODEL.numHeads), 'attention heads (must divide --hidden_units)'],
  ['dropout_rate', 'p', String(MODEL.dropoutRate), 'dropout rate'],
  ['l2_emb', 'x', String(MODEL.l2Emb), 'L2 weight on the item embeddings'],
  ['device', 'auto|cuda|cpu', 'auto', 'where to compute'],
  ['no_time', '', undefined, 'SASRec instead of TiSASRec (no time intervals)'],
  ['no_mhc', '', undefined, 'plain residual blocks instead of mHC'],
  ['mhc_expansion_rate', 'n', String(DEFAULT_MHC.expansionRate), 'mHC residual streams'],
  ['mhc_sinkhorn_iter', 'n', String(DEFAULT_MHC.sinkhornIters), 'mHC Sinkhorn-Knopp iterations'],
  ['mhc_init_gate', 'x', String(DEFAULT_MHC.initGate), 'initial mHC gate alpha'],
  [
    'mhc_no_amp',
    '',
    undefined,
    'accepted for compatibility: tfjs computes in float32, so mHC always runs in full precision',
  ],
  ['time_span', 'S', String(MODEL.timeSpan), 'clip time intervals to 0..S'],
  ['time_unit', TIME_UNITS.join('|'), MODEL.timeUnit, 'unit of the time intervals'],
  ['num_epochs', 'n', String(TRAIN_DEFAULTS.numEpochs), 'epochs to train'],
  [
    'inference_only',
    '[bool]',
    undefined,
    'evaluate a saved model (--state_dict_path, else <train_dir>/best) without training',
  ],
  ['state_dict_path', 'dir', undefined, 'saved model or checkpoint directory to start from'],
  ['seed', 'n', String(TRAIN_DEFAULTS.seed), 'seeds init, dropout, sampling and evaluation'],
  ['eval_every', 'epochs', String(TRAIN_DEFAULTS.evalEvery), 'evaluate every this many epochs (and after the last)'],
  [
    'eval_protocol',
    'sampled|full|both',
    protocolFlag(TRAIN_DEFAULTS.evalProtocols),
    'evaluation protocol(s); with both, sampled is first and selects the best model',
  ],
  ['eval_users', 'n', String(TRAIN_DEFAULTS.evalUsers), 'evaluate at most this many users (seeded sample)'],
  ['eval_batch_size', 'n', undefined, 'users per evaluation batch (default: --batch_size)'],
  ['data_dir', 'dir', 'data', 'where a bare --dataset name is looked up'],
  ['format', INTERACTION_FORMATS.join('|'), undefined, 'input format (default: detected)'],
  ...COLUMN_FLAG_ROWS,
  ['backend', 'tensorflow|wasm|cpu', undefined, 'pin the tfjs backend (default: chosen from --device)'],
  ['resume', '', undefined, "continue from <train_dir>/last (the settings that change the result must be the run's)"],
  ['overwrite', '', undefined, 'replace the run in --train_dir (deletes only the files seqrec wrote there)'],
  ['json', '', undefined, 'JSON lines on stdout (one per evaluation, then a summary); human logs go to stderr'],
  [
    'early_stop_patience',
    'evals',
    String(TRAIN_DEFAULTS.earlyStopPatience),
    'stop after this many evaluations without improvement (0 = never)',
  ],
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
    TRAIN_DEFAULTS.lossNormalization,
    "a step's loss: the mean over its batch's positions, or their sum over the epoch's mean per batch",
  ],
  ['topk', 'K[,K...]', TRAIN_DEFAULTS.ks.join(','), 'cut-offs of NDCG@K / HR@K'],
  [
    'workers',
    'n|auto',
    'auto',
    'threads computing each step (data-parallel; 1 = single thread; at most --batch_size). auto: the number of cores on wasm/cpu (1 on tensorflow), with steps too small to gain from threads (e.g. short histories) on one thread; n: every step on n threads',
  ],
];

/**
 * The settings of `seqrec train` that are train options of the same name: the one mapping from
 * flags to `TrainOptions` (see {@link trainOptionsOf}).
 */
const OPTION_SETTINGS = [
  'trainDir',
  'model',
  'seed',
  'batchSize',
  'lr',
  'lrDecayStep',
  'lrDecayRate',
  'warmupSteps',
  'lrSchedule',
  'numEpochs',
  'evalEvery',
  'evalProtocols',
  'ks',
  'evalUsers',
  'evalBatchSize',
  'earlyStopPatience',
  'batching',
  'lossNormalization',
  'resume',
  'overwrite',
  'workers',
] as const satisfies readonly (keyof TrainOptions)[];

type OptionSettings = {
  [K in (typeof OPTION_SETTINGS)[number]]-?: Exclude<TrainOptions[K], undefined>;
};

/** Checked flags of `seqrec train`, as recorded in args.json (`seqrec_settings`). */
export interface TrainSettings extends Omit<OptionSettings, 'model' | 'workers'> {
  dataset: string;
  dataDir: string;
  format?: InteractionFormat;
  device: Device;
  backend?: BackendName;
  model: Omit<ModelConfig, 'numItems'>;
  /** The training objective and its settings (@seqrec/models `LossConfig`). */
  loss: LossConfig;
  /** How Adam updates the item table (@seqrec/train `EmbeddingUpdate`); undefined = the loss's default. */
  embeddingUpdate: EmbeddingUpdate | undefined;
  json: boolean;
  inferenceOnly: boolean;
  stateDictPath: string | null;
  mhcNoAmp: boolean;
  /** Threads computing each training step (the main thread included); 'auto' = train's default. */
  workers: number | 'auto';
}

/**
 * The train options the flags set: the settings of {@link OPTION_SETTINGS} under the same names,
 * and of the loss settings only those the loss reads (@seqrec/train refuses the others).
 */
export function trainOptionsOf(
  s: TrainSettings,
): Pick<TrainOptions, (typeof OPTION_SETTINGS)[number] | 'embeddingUpdate'> & Partial<LossConfig> {
  const options = Object.fromEntries(OPTION_SETTINGS.map((key) => [key, s[key]])) as Pick<
    TrainOptions,
    (typeof OPTION_SETTINGS)[number]
  >;
  return {
    ...options,
    ...lossSettingsUsed(s.loss),
    ...(s.embeddingUpdate === undefined ? {} : { embeddingUpdate: s.embeddingUpdate }),
  };
}

/** `--eval_protocol`'s value for a protocol list: `both`, or the one protocol. */
function protocolFlag(protocols: readonly Protocol[]): string {
  return protocols.length > 1 ? 'both' : (protocols[0] as string);
}

/** Checks and types the raw commander values (`raw` is keyed by snake_case flag name). */
export function resolveTrainFlags(raw: Record<string, unknown>): TrainSettings {
  const s = (k: string) => raw[k] as string | undefined;
  if (s('train_dir') === undefined || s('train_dir') === '') throw new UsageError('missing required flag --train_dir');
  const hiddenUnits = ranged('hidden_units', s('hidden_units'), MODEL_RANGES.hiddenUnits);
  const numHeads = ranged('num_heads', s('num_heads'), MODEL_RANGES.numHeads);
  if (headsProblem(hiddenUnits, numHeads) !== null) {
    throw new UsageError(`--num_heads ${numHeads} must divide --hidden_units ${hiddenUnits}`);
  }
  const noMhc = bool('no_mhc', raw['no_mhc']);
  const batchSize = ranged('batch_size', s('batch_size'), TRAIN_RANGES.batchSize);
  const evalProtocol = choice('eval_protocol', s('eval_protocol'), ['sampled', 'full', 'both'] as const);
  const { lrSchedule, embeddingUpdate, ...loss } = resolveLossFlags(raw);
  return {
    dataset: s('dataset') as string,
    trainDir: s('train_dir') as string,
    dataDir: s('data_dir') as string,
    format: s('format') === undefined ? undefined : choice('format', s('format'), INTERACTION_FORMATS),
    device: choice('device', s('device'), DEVICES),
    backend: s('backend') === undefined ? undefined : choice('backend', s('backend'), BACKENDS),
    model: {
      kind: bool('no_time', raw['no_time']) ? 'sasrec' : 'tisasrec',
      maxlen: ranged('maxlen', s('maxlen'), MODEL_RANGES.maxlen),
      hiddenUnits,
      numBlocks: ranged('num_blocks', s('num_blocks'), MODEL_RANGES.numBlocks),
      numHeads,
      dropoutRate: ranged('dropout_rate', s('dropout_rate'), MODEL_RANGES.dropoutRate),
      timeSpan: ranged('time_span', s('time_span'), MODEL_RANGES.timeSpan),
      timeUnit: choice('time_unit', s('time_unit'), TIME_UNITS),
      mhc: noMhc
        ? null
        : {
            expansionRate: ranged('mhc_expansion_rate', s('mhc_expansion_rate'), MODEL_RANGES.mhc.expansionRate),
            sinkhornIters: ranged('mhc_sinkhorn_iter', s('mhc_sinkhorn_iter'), MODEL_RANGES.mhc.sinkhornIters),
            initGate: ranged('mhc_init_gate', s('mhc_init_gate'), MODEL_RANGES.mhc.initGate),
          },
      l2Emb: ranged('l2_emb', s('l2_emb'), MODEL_RANGES.l2Emb),
      layerNormEps: MODEL.layerNormEps,
    },
    batchSize,
    lr: ranged('lr', s('lr'), TRAIN_RANGES.lr),
    lrDecayStep: ranged('lr_decay_step', s('lr_decay_step'), TRAIN_RANGES.lrDecayStep),
    lrDecayRate: ranged('lr_decay_rate', s('lr_decay_rate'), TRAIN_RANGES.lrDecayRate),
    warmupSteps: ranged('warmup_steps', s('warmup_steps'), TRAIN_RANGES.warmupSteps),
    lrSchedule,
    loss,
    embeddingUpdate,
    numEpochs: ranged('num_epochs', s('num_epochs'), TRAIN_RANGES.numEpochs),
    seed: ranged('seed', s('seed'), TRAIN_RANGES.seed),
    evalEvery: ranged('eval_every', s('eval_every'), TRAIN_RANGES.evalEvery),
    evalProtocols: evalProtocol === 'both' ? ['sampled', 'full'] : [evalProtocol],
    evalUsers: ranged('eval_users', s('eval_users'), TRAIN_RANGES.evalUsers),
    evalBatchSize:
      s('eval_batch_size') === undefined
        ? batchSize
        : ranged('eval_batch_size', s('eval_batch_size'), TRAIN_RANGES.evalBatchSize),
    earlyStopPatience: ranged('early_stop_patience', s('early_stop_patience'), TRAIN_RANGES.earlyStopPatience),
    batching: batchingFlag(raw),
    lossNormalization: choice('loss_normalization', s('loss_normalization'), ['batch', 'epoch'] as const),
    ks: intList('topk', s('topk'), TRAIN_RANGES.k),
    resume: bool('resume', raw['resume']),
    overwrite: bool('overwrite', raw['overwrite']),
    json: bool('json', raw['json']),
    inferenceOnly: bool('inference_only', raw['inference_only']),
    stateDictPath: s('state_dict_path') ?? null,
    mhcNoAmp: bool('mhc_no_amp', raw['mhc_no_amp']),
    workers: workersFlag(s('workers')),
  };
}

/** --workers n|auto (auto: train's default, which leaves small steps on one thread). */
function workersFlag(value: string | undefined): number | 'auto' {
  return value === undefined || value === 'auto' ? 'auto' : ranged('workers', value, TRAIN_RANGES.workers);
}

/** --batching, with --no_bucketing as an alias of `--batching random`. */
function batchingFlag(raw: Record<string, unknown>): Batching {
  const batching = choice('batching', raw['batching'] as string | undefined, BATCHINGS);
  if (!bool('no_bucketing', raw['no_bucketing'])) return batching;
  if (batching === 'bucketed') throw new UsageError('--no_bucketing contradicts --batching bucketed');
  return 'random';
}

/** The settings recorded in a train dir's args.json; runs from before --batching recorded `bucketing`. */
export type RecordedSettings = TrainSettings | (Omit<TrainSettings, 'batching'> & { bucketing: boolean });

/** A recorded run's batching (a run from before --batching: `bucketing` true = bucketed, false = random). */
export function recordedBatching(s: RecordedSettings): Batching {
  return 'batching' in s ? s.batching : s.bucketing ? 'bucketed' : 'random';
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
