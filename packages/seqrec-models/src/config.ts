/**
 * One config type for the four variants (spec: shared/spec/MODEL.md).
 *
 *   SASRec            kind 'sasrec',   mhc null
 *   SASRec + mHC      kind 'sasrec',   mhc {...}
 *   TiSASRec          kind 'tisasrec', mhc null
 *   TiSASRec + mHC    kind 'tisasrec', mhc {...}   (the default, as in the original main.py)
 */
import { TIME_UNITS, type TimeOptions, type TimeUnit } from '@seqrec/data';
import { checkRange, intRange, numberRange } from './optionRange';

export interface MhcConfig {
  /** Number of parallel residual streams n. Default 4. */
  expansionRate: number;
  /** Sinkhorn-Knopp iterations for Hres. Default 20. */
  sinkhornIters: number;
  /** Initial value of the alpha gates. Default 0.01. */
  initGate: number;
}

export interface ModelConfig {
  kind: 'sasrec' | 'tisasrec';
  /** Number of items V; ids run 1..V and 0 is padding. */
  numItems: number;
  /** Longest window. Default 200. */
  maxlen: number;
  /** d. Default 50. */
  hiddenUnits: number;
  /** Default 2. */
  numBlocks: number;
  /** h; must divide hiddenUnits. Default 2. */
  numHeads: number;
  /** Dropout on embeddings, attention weights and FFN. Default 0.2. */
  dropoutRate: number;
  /** S: intervals are clipped to 0..S (TiSASRec only). Default 100. */
  timeSpan: number;
  /**
   * Unit of the intervals (TiSASRec only; spec DATA_AND_EVAL.md §Time intervals). In the config
   * because scoring a history needs it: a saved model is all that inference reads. Default 'hour'.
   */
  timeUnit: TimeUnit;
  /** null for the plain pre-LN residual. */
  mhc: MhcConfig | null;
  /** Weight of sum(item_emb^2) in the loss. Default 0. */
  l2Emb: number;
  /** LayerNorm epsilon. Default 1e-8. */
  layerNormEps: number;
}

export const DEFAULT_MHC: Readonly<MhcConfig> = { expansionRate: 4, sinkhornIters: 20, initGate: 0.01 };

export const DEFAULT_MODEL_CONFIG: Readonly<Omit<ModelConfig, 'numItems'>> = {
  kind: 'tisasrec',
  maxlen: 200,
  hiddenUnits: 50,
  numBlocks: 2,
  numHeads: 2,
  dropoutRate: 0.2,
  timeSpan: 100,
  timeUnit: 'hour',
  mhc: DEFAULT_MHC,
  l2Emb: 0,
  layerNormEps: 1e-8,
};

/**
 * Upper bounds of the sizes: far above any published setting, low enough that no tensor of a
 * step overflows a typed array (a `maxlen` of 1e8 would fail minutes later, deep in a kernel).
 */
export const MODEL_LIMITS = {
  maxlen: 10000,
  hiddenUnits: 4096,
  numBlocks: 64,
  numHeads: 256,
  timeSpan: 100000,
  expansionRate: 64,
  sinkhornIters: 1000,
} as const;

/** The range of every numeric field (sizes capped by MODEL_LIMITS). */
export const MODEL_RANGES = {
  numItems: intRange(1),
  maxlen: intRange(1, MODEL_LIMITS.maxlen),
  hiddenUnits: intRange(1, MODEL_LIMITS.hiddenUnits),
  numBlocks: intRange(1, MODEL_LIMITS.numBlocks),
  numHeads: intRange(1, MODEL_LIMITS.numHeads),
  timeSpan: intRange(1, MODEL_LIMITS.timeSpan),
  dropoutRate: numberRange((x) => x >= 0 && x < 1, 'a number in [0, 1)'),
  l2Emb: numberRange((x) => x >= 0, 'a number >= 0'),
  layerNormEps: numberRange((x) => x > 0, 'a positive number'),
  mhc: {
    expansionRate: intRange(1, MODEL_LIMITS.expansionRate),
    sinkhornIters: intRange(1, MODEL_LIMITS.sinkhornIters),
    initGate: numberRange((x) => x >= 0, 'a number >= 0'),
  },
} as const;

/** Why `numHeads` cannot split `hiddenUnits` into equal heads, or null when it can. */
export function headsProblem(hiddenUnits: number, numHeads: number): string | null {
  return hiddenUnits % numHeads === 0 ? null : `numHeads (${numHeads}) must divide hiddenUnits (${hiddenUnits})`;
}

/** Fills defaults and checks every field; throws a message naming the field. */
export function resolveModelConfig(partial: Partial<ModelConfig> & { numItems: number }): ModelConfig {
  const config: ModelConfig = {
    ...DEFAULT_MODEL_CONFIG,
    ...partial,
    mhc: partial.mhc === undefined ? DEFAULT_MHC : partial.mhc,
  };
  if (config.kind !== 'sasrec' && config.kind !== 'tisasrec')
    throw new RangeError(`model config: kind must be 'sasrec' or 'tisasrec', got '${String(config.kind)}'`);
  if (!(TIME_UNITS as readonly string[]).includes(config.timeUnit))
    throw new RangeError(
      `model config: timeUnit must be one of ${TIME_UNITS.join(', ')}, got '${String(config.timeUnit)}'`,
    );
  const { mhc: mhcRanges, ...ranges } = MODEL_RANGES;
  for (const [name, range] of Object.entries(ranges))
    checkRange(name, config[name as keyof typeof ranges], range, 'model config: ');
  const heads = headsProblem(config.hiddenUnits, config.numHeads);
  if (heads !== null) throw new RangeError(`model config: ${heads}`);
  if (config.mhc !== null) {
    for (const [name, range] of Object.entries(mhcRanges))
      checkRange(`mhc.${name}`, config.mhc[name as keyof MhcConfig], range, 'model config: ');
  }
  return config;
}

/** The interval settings of a model ({unit, span}), or null for SASRec (no intervals). */
export function timeSettings(config: ModelConfig): TimeOptions | null {
  return config.kind === 'tisasrec' ? { unit: config.timeUnit, span: config.timeSpan } : null;
}
