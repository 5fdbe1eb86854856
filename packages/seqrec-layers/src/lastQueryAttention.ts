/**
 * Inference-only attention of the newest position (the last column) over the whole window: what
 * the last block of a model needs when only the newest position's features are used (scoring,
 * serving). Keys and values are still projected at every position; the query, the scores, the
 * softmax and the output projection are computed for one position instead of T. Equal to the
 * last row of `CausalSelfAttention.apply` / `TimeIntervalAttention.apply` in
 * inference mode (no dropout).
 *
 * TiSASRec: for the one query row the interval of key j is a function of j alone, so the
 * interval embeddings are added to the keys and values (K_j + pK_j + time_K[rel_j]) instead of
 * going through the [h, B, T, S+1] buckets of the full form: O(B T d) here.
 *
 * Letters: B batch, T window, d hidden, h heads, dh = d / h, S time span.
 */
import { tf } from '@seqrec/runtime';
import type { CausalSelfAttention } from './causalSelfAttention';
import type { TimeIntervalInputs } from './timeIntervalAttention';

/**
 * attention: the layer (its q, k, v, o projections and head count)
 * u:         [B, T, d] normalised input at every position
 * keyBias:   [B, 1, 1, T] the newest query's row of attentionBias: MASKED_SCORE at padded keys,
 *            0 elsewhere (no key is in its future)
 * intervals: TiSASRec's inputs, null for SASRec attention
 * returns    [B, 1, d], the attention output at the newest position
 */
export function lastQueryAttention(
  attention: CausalSelfAttention,
  u: tf.Tensor3D,
  keyBias: tf.Tensor4D,
  intervals: TimeIntervalInputs | null,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, d] = u.shape;
    const h = attention.config.numHeads;
    const dh = d / h;
    const splitHeads = (x: tf.Tensor, rows: number) =>
      x.reshape([B, rows, h, dh]).transpose([0, 2, 1, 3]) as tf.Tensor4D; // [B, rows, d] -> [B, h, rows, dh]
    const newest = u.slice([0, T - 1, 0], [B, 1, d]); // [B, 1, d]
    const q = splitHeads(tf.mul(attention.q.apply(newest), 1 / Math.sqrt(dh)), 1); // [B, h, 1, dh]
    let keys = attention.k.apply(u); // [B, T, d]
    let values = attention.v.apply(u); // [B, T, d]
    if (intervals !== null) {
      const intervalRow = newestIntervalBuckets(intervals.bucketIndex, intervals.intervalKeys.shape[0]); // [B, T]
      keys = tf.add(tf.add(keys, intervals.positionKeys), tf.gather(intervals.intervalKeys, intervalRow));
      values = tf.add(tf.add(values, intervals.positionValues), tf.gather(intervals.intervalValues, intervalRow));
    }
    const scores = tf.matMul(q, splitHeads(keys, T), false, true); // [B, h, 1, T]
    const weights = tf.softmax(tf.add(scores, keyBias)); // [B, h, 1, T]
    const out = tf.matMul(weights, splitHeads(values, T)); // [B, h, 1, dh]
    return attention.o.apply(out.transpose([0, 2, 1, 3]).reshape([B, 1, d])) as tf.Tensor3D;
  });
}

/**
 * The clipped interval rel[b, T-1, j] of every key j for the newest query, read back from the
 * shared bucket index ((head * B + b) * T + i) * (S + 1) + rel (intervalBucketIndex): its
 * remainder modulo S + 1 in head 0's last row. [B, h, T, T] -> [B, T] int32 in 0..S.
 */
function newestIntervalBuckets(bucketIndex: tf.Tensor4D, buckets: number): tf.Tensor2D {
  const [B, , T] = bucketIndex.shape;
  const lastRow = bucketIndex.slice([0, 0, T - 1, 0], [B, 1, 1, T]).reshape([B, T]); // [B, T]
  return tf.mod(lastRow, tf.scalar(buckets, 'int32')) as tf.Tensor2D;
}
