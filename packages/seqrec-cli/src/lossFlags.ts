/**
 * The flags of the training objective and the learning-rate schedule (issue 13). Their defaults,
 * ranges and consistency rules are @seqrec/models' (`DEFAULT_LOSS_CONFIG`, `LOSS_RANGES`,
 * `resolveLossConfig`) and @seqrec/train's (`LR_SCHEDULES`, `TRAIN_DEFAULTS.lrSchedule`); this file
 * only maps flags to them and names the flag in every error.
 */
import {
  DEFAULT_LOSS_CONFIG,
  LOSSES,
  LOSS_RANGES,
  NEGATIVE_SAMPLINGS,
  checkLossForCatalogue,
  resolveLossConfig,
  type LossConfig,
} from '@seqrec/models';
import {
  EMBEDDING_UPDATES,
  LR_SCHEDULES,
  TRAIN_DEFAULTS,
  checkEmbeddingUpdate,
  type EmbeddingUpdate,
  type LrScheduleName,
} from '@seqrec/train';
import { UsageError } from './errors';
import { choice, ranged } from './parseFlags';

/** Rows of TRAIN_FLAGS: [flag, value placeholder, default, help]. */
export const LOSS_FLAG_ROWS: readonly (readonly [string, string, string | undefined, string])[] = [
  [
    'loss',
    LOSSES.join('|'),
    DEFAULT_LOSS_CONFIG.loss,
    "training objective: bce (one sampled negative per position, the papers'), ce (softmax over every item), sampled_softmax (--num_negatives shared per step, log-Q corrected), gbce (gSASRec's generalised BCE, --num_negatives per target position)",
  ],
  [
    'num_negatives',
    'N',
    undefined,
    `negatives per step of sampled_softmax, per target position of gbce (default ${DEFAULT_LOSS_CONFIG.numNegatives})`,
  ],
  [
    'negative_sampling',
    NEGATIVE_SAMPLINGS.join('|'),
    undefined,
    `distribution of sampled_softmax's negatives (default ${DEFAULT_LOSS_CONFIG.negativeSampling})`,
  ],
  ['gbce_t', 't', undefined, `gbce's calibration t in [0, 1] (default ${DEFAULT_LOSS_CONFIG.gbceT})`],
  [
    'embedding_update',
    EMBEDDING_UPDATES.join('|'),
    undefined,
    'how Adam updates the item embeddings: dense (every row every step) or lazy (only the rows the step reads, lazy Adam; refused for ce). Default: lazy for sampled_softmax and gbce, dense for bce and ce',
  ],
  [
    'lr_schedule',
    LR_SCHEDULES.join('|'),
    TRAIN_DEFAULTS.lrSchedule,
    'after warm-up: step (--lr_decay_rate every --lr_decay_step epochs), cosine (to 0 at the last epoch), constant',
  ],
];

const FLAG_OF: Record<keyof LossConfig | 'embeddingUpdate', string> = {
  loss: 'loss',
  numNegatives: 'num_negatives',
  negativeSampling: 'negative_sampling',
  gbceT: 'gbce_t',
  embeddingUpdate: 'embedding_update',
};

/** A @seqrec/models message with its option names spelled as flags. */
function asFlags(message: string): string {
  return message.replace(
    /\b(loss|numNegatives|negativeSampling|gbceT|embeddingUpdate)\b/g,
    (name) => `--${FLAG_OF[name as keyof typeof FLAG_OF]}`,
  );
}

/**
 * Checks and types the loss flags (`raw` keyed by snake_case flag name). `embeddingUpdate` is
 * undefined when not given (@seqrec/train then picks the loss's default).
 */
export function resolveLossFlags(
  raw: Record<string, unknown>,
): LossConfig & { lrSchedule: LrScheduleName; embeddingUpdate: EmbeddingUpdate | undefined } {
  const s = (k: string) => raw[k] as string | undefined;
  const given = <T>(flag: string, parse: (v: string) => T): T | undefined =>
    s(flag) === undefined ? undefined : parse(s(flag) as string);
  const partial: Partial<LossConfig> = {
    loss: choice('loss', s('loss'), LOSSES),
    numNegatives: given('num_negatives', (v) => ranged('num_negatives', v, LOSS_RANGES.numNegatives)),
    negativeSampling: given('negative_sampling', (v) => choice('negative_sampling', v, NEGATIVE_SAMPLINGS)),
    gbceT: given('gbce_t', (v) => ranged('gbce_t', v, LOSS_RANGES.gbceT)),
  };
  const embeddingUpdate = given('embedding_update', (v) => choice('embedding_update', v, EMBEDDING_UPDATES));
  try {
    const loss = resolveLossConfig(partial);
    if (embeddingUpdate !== undefined) checkEmbeddingUpdate(embeddingUpdate, loss.loss);
    return { ...loss, lrSchedule: choice('lr_schedule', s('lr_schedule'), LR_SCHEDULES), embeddingUpdate };
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(asFlags(error.message));
    throw error;
  }
}

/** The loss against the data's catalogue (ce's limit, gbce's N < V), as a flag error. */
export function checkLossFlagsForCatalogue(loss: LossConfig, numItems: number): void {
  try {
    checkLossForCatalogue(loss, numItems);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(asFlags(error.message));
    throw error;
  }
}
