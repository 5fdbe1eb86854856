/**
 * The training objectives seqrec offers (issue 13), their settings, defaults and range checks.
 *
 *   bce              the spec's binary cross-entropy, one sampled negative per position
 *                    (shared/spec/MODEL.md §Heads and loss; the SASRec paper's objective)
 *   ce               softmax cross-entropy over the whole catalogue at every target position
 *   sampled_softmax  softmax over the target and N negatives shared by the step, with the
 *                    log-Q correction of the sampling distribution (Yi et al., RecSys 2019)
 *   gbce             gSASRec's generalised BCE (Petrov & Macdonald, RecSys 2023, §4): N uniform
 *                    negatives per target position, the positive term raised to the power beta(t)
 *
 * Every loss is the mean over target positions (pos != 0); padded positions contribute nothing.
 */
import { checkRange, intRange, numberRange } from '../optionRange';

export const LOSSES = ['bce', 'ce', 'sampled_softmax', 'gbce'] as const;
export type LossName = (typeof LOSSES)[number];

/** How the negatives of `sampled_softmax` are drawn (gbce always draws uniformly, as the paper). */
export const NEGATIVE_SAMPLINGS = ['uniform', 'popularity'] as const;
export type NegativeSampling = (typeof NEGATIVE_SAMPLINGS)[number];

export interface LossConfig {
  /** The objective. Default 'bce' (the seed's). */
  loss: LossName;
  /** N: negatives per step shared by every position of the batch (sampled_softmax), or per target position (gbce). Default 256. */
  numNegatives: number;
  /** Distribution of sampled_softmax's negatives. Default 'uniform'. */
  negativeSampling: NegativeSampling;
  /** gSASRec's calibration t in [0, 1] (0 = plain BCE over N negatives, 1 = fully calibrated). Default 0.75 (the paper's). */
  gbceT: number;
}

export const DEFAULT_LOSS_CONFIG: Readonly<LossConfig> = {
  loss: 'bce',
  numNegatives: 256,
  negativeSampling: 'uniform',
  gbceT: 0.75,
};

export const LOSS_LIMITS = {
  /** Negatives per step at most. */
  numNegatives: 1000000,
  /**
   * `ce` refuses catalogues above this: its logits are chunked (memory stays bounded), but a
   * step costs B*T*V*d multiply-adds, hours per epoch at millions of items on a CPU.
   */
  ceMaxItems: 200000,
} as const;

/** The range of each numeric loss setting (read by `resolveLossConfig` and the CLI's flag parser). */
export const LOSS_RANGES = {
  numNegatives: intRange(1, LOSS_LIMITS.numNegatives),
  gbceT: numberRange((x) => x >= 0 && x <= 1, 'a number in [0, 1]'),
} as const;

/** Which settings each loss reads; a setting given for a loss that ignores it is refused. */
const USES: Record<keyof Omit<LossConfig, 'loss'>, readonly LossName[]> = {
  numNegatives: ['sampled_softmax', 'gbce'],
  negativeSampling: ['sampled_softmax'],
  gbceT: ['gbce'],
};

/**
 * Fills defaults and checks every field (RangeError naming it). Settings passed explicitly for a
 * loss that does not use them are refused, so `--loss bce --num_negatives 256` is not silently a
 * one-negative run. `numItems`, when given, checks the catalogue against the loss (ce's limit,
 * N below the catalogue).
 */
export function resolveLossConfig(partial: Partial<LossConfig> = {}, numItems?: number): LossConfig {
  const config: LossConfig = { ...DEFAULT_LOSS_CONFIG };
  for (const [key, value] of Object.entries(partial))
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  if (!(LOSSES as readonly string[]).includes(config.loss))
    throw new RangeError(`loss must be one of ${LOSSES.join(', ')}, got '${String(config.loss)}'`);
  for (const [key, users] of Object.entries(USES) as [keyof typeof USES, readonly LossName[]][]) {
    if (partial[key] !== undefined && !users.includes(config.loss))
      throw new RangeError(`${key} applies to loss ${users.join(' / ')}, not to '${config.loss}'`);
  }
  checkRange('numNegatives', config.numNegatives, LOSS_RANGES.numNegatives);
  if (!(NEGATIVE_SAMPLINGS as readonly string[]).includes(config.negativeSampling))
    throw new RangeError(
      `negativeSampling must be one of ${NEGATIVE_SAMPLINGS.join(', ')}, got '${String(config.negativeSampling)}'`,
    );
  checkRange('gbceT', config.gbceT, LOSS_RANGES.gbceT);
  if (numItems !== undefined) checkLossForCatalogue(config, numItems);
  return config;
}

/** The settings of `config` its loss reads: the loss, and of the others only those in its USES row. */
export function lossSettingsUsed(config: LossConfig): Partial<LossConfig> {
  const used: Partial<LossConfig> = { loss: config.loss };
  for (const [key, users] of Object.entries(USES) as [keyof typeof USES, readonly LossName[]][])
    if (users.includes(config.loss)) (used as Record<string, unknown>)[key] = config[key];
  return used;
}

/** Throws when the loss cannot train on a catalogue of `numItems` items. */
export function checkLossForCatalogue(config: LossConfig, numItems: number): void {
  if (config.loss === 'ce' && numItems > LOSS_LIMITS.ceMaxItems) {
    throw new RangeError(
      `loss 'ce' computes a softmax over all ${numItems} items at every position (B*T*V*d work per step); ` +
        `it is limited to ${LOSS_LIMITS.ceMaxItems} items: use loss 'sampled_softmax' (or 'gbce') with numNegatives`,
    );
  }
  if (config.loss === 'gbce' && config.numNegatives > numItems - 1) {
    throw new RangeError(
      `numNegatives (${config.numNegatives}) must be at most the catalogue size - 1 (${
        numItems - 1
      }) for gbce (alpha = N / (V - 1) <= 1)`,
    );
  }
}
