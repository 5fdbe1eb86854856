/**
 * One config type for the four variants (spec: shared/spec/MODEL.md).
 *
 *   SASRec            kind 'sasrec',   mhc null
 *   SASRec + mHC      kind 'sasrec',   mhc {...}
 *   TiSASRec          kind 'tisasrec', mhc null
 *   TiSASRec + mHC    kind 'tisasrec', mhc {...}   (the default, as in the original main.py)
 */
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

/** Fills defaults and checks every field; throws a message naming the field. */
export function resolveModelConfig(partial: Partial<ModelConfig> & { numItems: number }): ModelConfig {
  const config: ModelConfig = {
    ...DEFAULT_MODEL_CONFIG,
    ...partial,
    mhc: partial.mhc === undefined ? DEFAULT_MHC : partial.mhc,
  };
  const positiveInt = (name: keyof ModelConfig, value: number) => {
    if (!Number.isInteger(value) || value <= 0)
      throw new RangeError(`model config: ${name} must be a positive integer, got ${value}`);
    const max = (MODEL_LIMITS as Record<string, number>)[name];
    if (max !== undefined && value > max)
      throw new RangeError(`model config: ${name} must be at most ${max}, got ${value}`);
  };
  if (config.kind !== 'sasrec' && config.kind !== 'tisasrec')
    throw new RangeError(`model config: kind must be 'sasrec' or 'tisasrec', got '${String(config.kind)}'`);
  positiveInt('numItems', config.numItems);
  positiveInt('maxlen', config.maxlen);
  positiveInt('hiddenUnits', config.hiddenUnits);
  positiveInt('numBlocks', config.numBlocks);
  positiveInt('numHeads', config.numHeads);
  positiveInt('timeSpan', config.timeSpan);
  if (config.hiddenUnits % config.numHeads !== 0) {
    throw new RangeError(
      `model config: hiddenUnits (${config.hiddenUnits}) must be divisible by numHeads (${config.numHeads})`,
    );
  }
  if (!(config.dropoutRate >= 0 && config.dropoutRate < 1))
    throw new RangeError(`model config: dropoutRate must be in [0, 1), got ${config.dropoutRate}`);
  if (!(config.l2Emb >= 0)) throw new RangeError(`model config: l2Emb must be >= 0, got ${config.l2Emb}`);
  if (!(config.layerNormEps > 0))
    throw new RangeError(`model config: layerNormEps must be > 0, got ${config.layerNormEps}`);
  if (config.mhc !== null) {
    const m = config.mhc;
    if (!Number.isInteger(m.expansionRate) || m.expansionRate < 1 || m.expansionRate > MODEL_LIMITS.expansionRate)
      throw new RangeError(
        `model config: mhc.expansionRate must be an integer in [1, ${MODEL_LIMITS.expansionRate}], got ${m.expansionRate}`,
      );
    if (!Number.isInteger(m.sinkhornIters) || m.sinkhornIters < 1 || m.sinkhornIters > MODEL_LIMITS.sinkhornIters)
      throw new RangeError(
        `model config: mhc.sinkhornIters must be an integer in [1, ${MODEL_LIMITS.sinkhornIters}], got ${m.sinkhornIters}`,
      );
    if (!(m.initGate >= 0)) throw new RangeError(`model config: mhc.initGate must be >= 0, got ${m.initGate}`);
  }
  return config;
}
