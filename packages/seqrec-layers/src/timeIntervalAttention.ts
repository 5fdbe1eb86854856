/**
 * Time-interval-aware self-attention of TiSASRec (shared/spec/MODEL.md §Attn), in the efficient
 * form the spec requires: no `[B, T, T, d]` tensor is ever built.
 *
 *   score_ij = Q_i . (K_j + pK_j) + Q_i . time_K[rel_ij]
 *   out_i    = sum_j w_ij (V_j + pV_j) + sum_j w_ij time_V[rel_ij]
 *
 * The interval terms go through `[h, B, T, S+1]` buckets instead: `qt = Q time_K^T` is gathered
 * by `rel` for the scores, and the weights are scatter-added into buckets by `rel` and
 * multiplied by `time_V` for the output. Memory is O(B h T (T + S)), not O(B T T d).
 *
 * Letters: B batch, T window, d hidden, h heads, dh = d / h, S time span.
 */
import { gatherLowerTriangle, headBucketIndex, scatterLowerTriangle, tf } from '@seqrec/runtime';
import { causalScores, causalWeightedValues } from './causalProducts';
import { CausalSelfAttention, type AttentionInputs } from './causalSelfAttention';
import type { ForwardContext } from './forwardContext';

/** Per-forward inputs shared by every block (the tables are model weights, after dropout). */
export interface TimeIntervalInputs {
  /** [T, d] absolute position keys pos_K[p] of the window, or [B, T, d] per row (packed batches). */
  positionKeys: tf.Tensor2D | tf.Tensor3D;
  /** [T, d] absolute position values pos_V[p], or [B, T, d] per row. */
  positionValues: tf.Tensor2D | tf.Tensor3D;
  /** [S+1, d] interval key table. */
  intervalKeys: tf.Tensor2D;
  /** [S+1, d] interval value table. */
  intervalValues: tf.Tensor2D;
  /** [B, h, T, T] int32 flat index of (head, b, i, rel_ij) in a [h, B, T, S+1] tensor; see intervalBucketIndex. */
  bucketIndex: tf.Tensor4D;
}

/**
 * rel: [B, T, T] int32 -> [B, h, T, T] int32 index into a flattened [h, B, T, S+1]:
 * ((head * B + b) * T + i) * (S + 1) + min(max(rel[b, i, j], 0), S). Built once per forward by
 * one kernel (runtime headBucketIndex: it needs no gradient, and tfjs ops would sit on the
 * autodiff tape) and used by every block for both the gather (scores) and the scatter (values).
 */
export function intervalBucketIndex(rel: tf.Tensor3D, numHeads: number, timeSpan: number): tf.Tensor4D {
  return headBucketIndex(rel, numHeads, timeSpan + 1);
}

/**
 * The interval scores table[index] [B, h, T, T] over the causal lower triangle, 0 above it (where
 * the scores are masked); the gradient scatter-adds dS back into the table's cells. On cpu and
 * wasm half the elements of a gather over the square (runtime gatherLowerTriangle).
 */
function intervalScores(table: tf.Tensor1D, index: tf.Tensor4D): tf.Tensor4D {
  const size = table.shape[0];
  const gather = tf.customGrad((t, i, save) => {
    (save as tf.GradSaveFunc)([i as tf.Tensor]);
    return {
      value: gatherLowerTriangle(t as tf.Tensor1D, i as tf.Tensor),
      gradFunc: (dy, [savedIndex]) => [
        scatterLowerTriangle(dy as tf.Tensor, savedIndex, size),
        tf.zerosLike(savedIndex),
      ],
    };
  });
  return gather(table, index) as tf.Tensor4D;
}

/**
 * Scatter-adds the attention weights [B, h, T, T] into `count` buckets by `index` over the lower
 * triangle (above it a real query's weights are 0); the gradient gathers the same cells.
 */
function scatterToBuckets(weights: tf.Tensor4D, index: tf.Tensor4D, count: number): tf.Tensor1D {
  const scatter = tf.customGrad((w, i, save) => {
    (save as tf.GradSaveFunc)([i as tf.Tensor]);
    return {
      value: scatterLowerTriangle(w as tf.Tensor, i as tf.Tensor, count),
      gradFunc: (dy, [savedIndex]) => [gatherLowerTriangle(dy as tf.Tensor1D, savedIndex), tf.zerosLike(savedIndex)],
    };
  });
  return scatter(weights, index) as tf.Tensor1D;
}

/** The inputs of interval attention: the bias, and the intervals (null only by mistake: an error). */
export interface TimeIntervalAttentionInputs extends AttentionInputs {
  intervals: TimeIntervalInputs | null;
}

export class TimeIntervalAttention extends CausalSelfAttention {
  /**
   * u:      [B, T, d] normalised input
   * inputs: the bias [B, 1, T, T] and the interval inputs
   * returns [B, T, d]
   */
  override apply(
    u: tf.Tensor3D,
    { bias, intervals }: TimeIntervalAttentionInputs,
    context: ForwardContext,
  ): tf.Tensor3D {
    if (intervals === null) throw new Error(`${this.name}: TiSASRec attention needs time intervals (rel)`);
    return tf.tidy(() => {
      const [B, T] = u.shape;
      const h = this.config.numHeads;
      const dh = this.headDim;
      const buckets = intervals.intervalKeys.shape[0]; // S + 1
      const q = this.scaledQueries(u); // [B, h, T, dh], divided by sqrt(dh) for both score terms
      const k = this.splitHeads(tf.add(this.k.apply(u), intervals.positionKeys)); // [B, h, T, dh]
      const v = this.splitHeads(tf.add(this.v.apply(u), intervals.positionValues)); // [B, h, T, dh]

      const qByHead = q.transpose([1, 0, 2, 3]).reshape([h, B * T, dh]); // [h, B*T, dh]
      const timeKeys = this.tableByHead(intervals.intervalKeys); // [h, S+1, dh]
      const qt = tf.matMul(qByHead, timeKeys, false, true); // [h, B*T, S+1]
      const scoresByInterval = intervalScores(qt.reshape([-1]) as tf.Tensor1D, intervals.bucketIndex); // [B, h, T, T]
      const scores = causalScores(q, k); // [B, h, T, T]
      const weights = this.attentionWeights(scores, scoresByInterval, bias, context); // [B, h, T, T]

      const bucketWeights = scatterToBuckets(weights, intervals.bucketIndex, h * B * T * buckets).reshape([
        h,
        B * T,
        buckets,
      ]); // [h, B*T, S+1]
      const intervalOut = tf.matMul(bucketWeights, this.tableByHead(intervals.intervalValues)); // [h, B*T, dh]
      const out = tf.add(
        causalWeightedValues(weights, v), // [B, h, T, dh]
        intervalOut.reshape([h, B, T, dh]).transpose([1, 0, 2, 3]), // [B, h, T, dh]
      );
      return this.o.apply(this.mergeHeads(out)) as tf.Tensor3D;
    });
  }

  /** [S+1, d] -> [h, S+1, dh] */
  private tableByHead(table: tf.Tensor2D): tf.Tensor3D {
    const rows = table.shape[0];
    return table.reshape([rows, this.config.numHeads, this.headDim]).transpose([1, 0, 2]) as tf.Tensor3D;
  }
}
