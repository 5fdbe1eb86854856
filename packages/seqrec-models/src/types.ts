import type { tf } from '@seqrec/runtime';
import type { ModelConfig } from './config';

/** A left-padded batch of sequences (spec MODEL.md §Inputs). */
export interface SequenceBatch {
  /** [B, T] int32 item ids, 0 = padding, newest item in the last column. */
  seq: tf.Tensor2D;
  /** [B, T, T] int32 clipped time intervals; required by TiSASRec, ignored by SASRec. */
  rel?: tf.Tensor3D | null;
  /**
   * [B, T] int32 user slot of each column when a row packs several users side by side (training
   * only; 0 = padding), or null / absent for one user per row. A packed user's features equal
   * those of the same user in a row of its own (block-diagonal attention, per-user positions).
   */
  segments?: tf.Tensor2D | null;
}

/** A training batch: the next items and one sampled negative per position. */
export interface TrainingBatch extends SequenceBatch {
  /** [B, T] int32 target item per position, 0 where there is none. */
  pos: tf.Tensor2D;
  /** [B, T] int32 negative item per position, 0 where pos is 0. */
  neg: tf.Tensor2D;
  /**
   * int32 negatives of the sampled losses: [N] shared by every position of the step
   * (sampled_softmax), or [B, T, N], N per position, 0 at padding (gbce).
   */
  negatives?: tf.Tensor1D | tf.Tensor3D | null;
  /** [N] log of each shared negative's sampling probability; null/absent when uniform. */
  negativeLogQ?: tf.Tensor1D | null;
  /** [B, T] log sampling probability of each position's target (0 at padding); null/absent when uniform. */
  targetLogQ?: tf.Tensor2D | null;
}

export interface ForwardOptions {
  /** Applies dropout when true. Default false. */
  training?: boolean;
  /**
   * When this batch is a shard of a larger one (data-parallel workers): the index of its first
   * row in the whole batch, so dropout masks equal those of the whole batch. Default 0.
   */
  rowOffset?: number;
  /**
   * [K, d] rows standing in for `item_emb` (training only): every item id of the batch (seq,
   * pos, neg, negatives) indexes this table instead of the whole [V+1, d] one, and the l2Emb
   * term sums over it. The sparse embedding update of @seqrec/train passes the rows a step
   * touches, so autodiff yields a [K, d] gradient instead of a dense [V+1, d] one. Default: the
   * model's own table.
   */
  itemTable?: tf.Tensor2D;
}

export interface ScoreOptions {
  /**
   * Computes the last block at the newest position only (its keys and values still read every
   * position): the same scores as the full forward, for about half a 2-block model's work.
   * Default false (the full forward, then its newest position).
   */
  lastPositionOnly?: boolean;
}

/** What every model of this package offers (SASRec and TiSASRec, with or without mHC). */
export interface SequentialRecommender {
  readonly config: ModelConfig;
  /** The seed the model was created with (weight init and dropout); saved with the model. */
  readonly seed: number;
  /** Every trainable weight by stable name (spec names: `item_emb`, `blocks.0.attn.q.kernel`, ...). */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** [B, T, d] final features (after the last LayerNorm). */
  features(batch: SequenceBatch, options?: ForwardOptions): tf.Tensor3D;
  /** [B, T] logits of the targets and of the negatives against the features at each position. */
  trainingLogits(batch: TrainingBatch, options?: ForwardOptions): { posLogits: tf.Tensor2D; negLogits: tf.Tensor2D };
  /** BCE loss of the spec, plus l2Emb * sum(item_emb^2). A scalar. */
  loss(batch: TrainingBatch, options?: ForwardOptions): tf.Scalar;
  /** [B, d] final features at the newest position (eval mode): what `score` and `scoreAll` multiply the item embeddings by. */
  lastFeatures(batch: SequenceBatch, options?: ScoreOptions): tf.Tensor2D;
  /** [B, C] scores of the given candidate ids at the last position (eval mode). */
  score(batch: SequenceBatch, candidates: tf.Tensor2D, options?: ScoreOptions): tf.Tensor2D;
  /** [B, V+1] scores of every item id at the last position; column 0 (padding) is -Infinity. */
  scoreAll(batch: SequenceBatch, options?: ScoreOptions): tf.Tensor2D;
  /** The dropout random state (a counter); checkpoints store it so a resumed run is identical. */
  getRngState(): number;
  setRngState(state: number): void;
  /** Frees every weight. */
  dispose(): void;
}
