/**
 * What SASRec and TiSASRec share (shared/spec/MODEL.md): the item embedding, the blocks, the
 * final LayerNorm, the mHC expand/merge, the BCE loss and the scoring heads. Subclasses say
 * how positions (and time) enter: `embed` and `blockInputs`.
 *
 * Letters: B batch, T window, d hidden, n mHC streams, V items, C candidates.
 */
import { tf } from '@seqrec/runtime';
import {
  Embedding,
  INFERENCE,
  Layer,
  LayerNorm,
  SeedSequence,
  attentionBias,
  dropout,
  multiplyByMask,
  expandStreams,
  mergeStreams,
  type ForwardContext,
} from '@seqrec/layers';
import type { ModelConfig } from './config';
import { TransformerBlock, type BlockInputs } from './transformerBlock';
import { blockAtLastPosition } from './lastPositionBlock';
import type { ForwardOptions, ScoreOptions, SequenceBatch, SequentialRecommender, TrainingBatch } from './types';
import { windowPositions } from './windowPositions';

/** The name of the item embedding table among `weights` (spec MODEL.md §Embedding: item_emb [V+1, d]). */
export const ITEM_EMBEDDING_WEIGHT = 'item_emb';

export abstract class Recommender extends Layer implements SequentialRecommender {
  readonly itemEmbedding: Embedding; // item_emb [V+1, d]
  readonly blocks: TransformerBlock[];
  readonly lastLn: LayerNorm;
  private readonly dropoutSeeds: SeedSequence;
  private weightMap: Map<string, tf.Variable> | null = null;

  constructor(readonly config: ModelConfig, readonly seed: number) {
    super('');
    const d = config.hiddenUnits;
    this.dropoutSeeds = new SeedSequence(seed ^ 0x5eed);
    this.itemEmbedding = this.addSublayer(
      new Embedding({
        name: ITEM_EMBEDDING_WEIGHT,
        rows: config.numItems + 1,
        dim: d,
        paddingZero: true,
        seed: seed + 1,
      }),
    );
    this.blocks = Array.from({ length: config.numBlocks }, (_, i) =>
      this.addSublayer(new TransformerBlock(config, i, seed + 1000 * (i + 1))),
    );
    this.lastLn = this.addSublayer(new LayerNorm({ name: 'last_ln', dim: d, eps: config.layerNormEps }));
  }

  get weights(): ReadonlyMap<string, tf.Variable> {
    this.weightMap ??= this.namedWeights();
    return this.weightMap;
  }

  /**
   * seq: [B, T], positions: [B, T] window positions (0 = padding), itemTable: the item rows seq
   * indexes (the model's item_emb, or ForwardOptions.itemTable) -> x [B, T, d] (before dropout and mask).
   */
  protected abstract embed(seq: tf.Tensor2D, positions: tf.Tensor2D, itemTable: tf.Tensor2D): tf.Tensor3D;

  /** Per-forward inputs of the blocks beyond mask and bias (TiSASRec: interval tables). */
  protected abstract timeInputs(
    batch: SequenceBatch,
    positions: tf.Tensor2D,
    context: ForwardContext,
  ): BlockInputs['intervals'];

  features(batch: SequenceBatch, options: ForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => this.forward(batch, this.contextFor(options), this.itemTableFor(options)));
  }

  trainingLogits(
    batch: TrainingBatch,
    options: ForwardOptions = {},
  ): { posLogits: tf.Tensor2D; negLogits: tf.Tensor2D } {
    return tf.tidy(() => {
      const table = this.itemTableFor(options);
      const features = this.forward(batch, this.contextFor(options), table); // [B, T, d]
      return { posLogits: this.logits(features, batch.pos, table), negLogits: this.logits(features, batch.neg, table) };
    });
  }

  loss(batch: TrainingBatch, options: ForwardOptions = {}): tf.Scalar {
    return tf.tidy(() => {
      const table = this.itemTableFor(options);
      const features = this.forward(batch, this.contextFor(options), table); // [B, T, d]
      const posLogits = this.logits(features, batch.pos, table); // [B, T]
      const negLogits = this.logits(features, batch.neg, table); // [B, T]
      const targets = tf.cast(tf.notEqual(batch.pos, 0), 'float32'); // [B, T]
      const count = tf.maximum(tf.sum(targets), 1);
      // -log sigmoid(p) = softplus(-p);  -log(1 - sigmoid(n)) = softplus(n)
      const bce = tf.div(
        tf.sum(tf.mul(tf.add(tf.softplus(tf.neg(posLogits)), tf.softplus(negLogits)), targets)),
        count,
      );
      if (this.config.l2Emb === 0) return bce as tf.Scalar;
      return tf.add(bce, tf.mul(this.config.l2Emb, tf.sum(tf.square(table)))) as tf.Scalar;
    });
  }

  /** [B, T] logits of the given item ids (rows of `table`) against the features at every position. */
  private logits(features: tf.Tensor3D, items: tf.Tensor2D, table: tf.Tensor2D): tf.Tensor2D {
    return tf.sum(tf.mul(features, this.itemEmbedding.apply(items, table)), -1) as tf.Tensor2D;
  }

  /** The item rows a forward pass indexes: ForwardOptions.itemTable (training only) or item_emb. */
  private itemTableFor(options: ForwardOptions): tf.Tensor2D {
    if (options.itemTable === undefined) return this.itemEmbedding.table as tf.Tensor as tf.Tensor2D;
    if (options.training !== true) throw new Error('ForwardOptions.itemTable is for training forward passes only');
    return options.itemTable;
  }

  score(batch: SequenceBatch, candidates: tf.Tensor2D, options: ScoreOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const last = this.newestFeatures(batch, options); // [B, d]
      const candidateRows = tf.gather(this.itemEmbedding.table, candidates); // [B, C, d]
      return tf.sum(tf.mul(candidateRows, last.expandDims(1)), -1) as tf.Tensor2D; // [B, C]
    });
  }

  scoreAll(batch: SequenceBatch, options: ScoreOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const last = this.newestFeatures(batch, options); // [B, d]
      const items = this.itemEmbedding.table.slice([1, 0]); // [V, d], without the padding row
      const scores = tf.matMul(last, items, false, true); // [B, V]
      return tf.concat([tf.fill([last.shape[0], 1], -Infinity), scores], 1) as tf.Tensor2D; // [B, V+1]
    });
  }

  getRngState(): number {
    return this.dropoutSeeds.getState();
  }

  setRngState(state: number): void {
    this.dropoutSeeds.setState(state);
  }

  lastFeatures(batch: SequenceBatch, options: ScoreOptions = {}): tf.Tensor2D {
    return tf.tidy(() => this.newestFeatures(batch, options));
  }

  /** [B, d] features at the newest position, in inference mode. Call inside a tidy. */
  private newestFeatures(batch: SequenceBatch, options: ScoreOptions): tf.Tensor2D {
    if (options.lastPositionOnly === true) return this.newestPositionForward(batch);
    const features = this.forward(batch, INFERENCE); // [B, T, d]
    const [B, T, d] = features.shape;
    return features.slice([0, T - 1, 0], [B, 1, d]).reshape([B, d]);
  }

  /**
   * seq [B, T] -> [B, d], the features of `forward` at the newest position, with the last block
   * computed at that position only (lastPositionBlock.ts). Inference mode; call inside a tidy.
   */
  private newestPositionForward(batch: SequenceBatch): tf.Tensor2D {
    if (batch.segments != null)
      throw new Error('lastPositionOnly scores one user per row: packed batches are for training');
    const { x, inputs } = this.blockInputs(batch, INFERENCE);
    let h = x;
    this.blocks.forEach((block, i) => {
      h = i < this.blocks.length - 1 ? block.apply(h, inputs, INFERENCE) : blockAtLastPosition(block, h, inputs);
    }); // [B, 1, d] or [B, 1, n, d]
    if (h.rank === 4) h = mergeStreams(h as tf.Tensor4D); // [B, 1, d]
    const [B, , d] = h.shape;
    return (this.lastLn.apply(h) as tf.Tensor3D).reshape([B, d as number]);
  }

  private contextFor(options: ForwardOptions): ForwardContext {
    return options.training === true
      ? { training: true, nextSeed: () => this.dropoutSeeds.next(), rowOffset: options.rowOffset ?? 0 }
      : INFERENCE;
  }

  /** The whole network: seq [B, T] -> features [B, T, d]. Call inside a tidy. */
  private forward(
    batch: SequenceBatch,
    context: ForwardContext,
    itemTable: tf.Tensor2D = this.itemEmbedding.table as tf.Tensor as tf.Tensor2D,
  ): tf.Tensor3D {
    const { x: embedded, inputs } = this.blockInputs(batch, context, itemTable);
    let x = embedded;
    for (const block of this.blocks) x = block.apply(x, inputs, context);
    if (x.rank === 4) x = mergeStreams(x as tf.Tensor4D); // [B, T, d]
    return this.lastLn.apply(x) as tf.Tensor3D;
  }

  /**
   * seq [B, T] -> the first block's input x ([B, T, d], or [B, T, n, d] mHC streams) and the
   * per-forward tensors every block shares. Call inside a tidy.
   */
  private blockInputs(
    batch: SequenceBatch,
    context: ForwardContext,
    itemTable: tf.Tensor2D = this.itemEmbedding.table as tf.Tensor as tf.Tensor2D,
  ): { x: tf.Tensor; inputs: BlockInputs } {
    const { seq } = batch;
    const T = seq.shape[1];
    if (T > this.config.maxlen) throw new RangeError(`window of ${T} positions exceeds maxlen ${this.config.maxlen}`);
    const segments = batch.segments ?? null;
    const mask = tf.cast(tf.notEqual(seq, 0), 'float32').expandDims(2) as tf.Tensor3D; // [B, T, 1]
    const positions = windowPositions(seq, segments, this.config.maxlen); // [B, T]
    const inputs: BlockInputs = {
      mask,
      bias: attentionBias(seq, segments),
      intervals: this.timeInputs(batch, positions, context),
    };
    const embedded = this.embed(seq, positions, itemTable); // [B, T, d]
    let x: tf.Tensor = multiplyByMask(dropout(embedded, this.config.dropoutRate, context), mask);
    const streamCount = this.config.mhc?.expansionRate ?? 0;
    if (streamCount > 0) x = expandStreams(x as tf.Tensor3D, streamCount); // [B, T, n, d]
    return { x, inputs };
  }
}

/** Index of the first window column in the maxlen-long position tables: the newest item is always at maxlen. */
export function firstWindowPosition(windowLength: number, maxlen: number): number {
  return maxlen - windowLength;
}
