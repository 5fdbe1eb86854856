/**
 * Tie-pessimistic ranks computed on the device: only B integers per batch are downloaded,
 * never the [B, V+1] score matrix (spec DATA_AND_EVAL.md §Evaluation).
 *
 * A target whose score is NaN gets the worst rank (every other candidate counts as beating it).
 */
import { excludedItemsMask } from '@seqrec/models';
import { tf } from '@seqrec/runtime';

/**
 * Ranks for candidate lists whose column 0 is the target (the `sampled` protocol).
 * @param scores [B, C] scores; column 0 is the target.
 * @returns [B] int32 rank = #{j >= 1 : scores[:, j] >= scores[:, 0]}.
 */
export function sampledRanks(scores: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [b, c] = scores.shape;
    const target = tf.slice(scores, [0, 0], [b, 1]);
    const others = tf.slice(scores, [0, 1], [b, c - 1]);
    const count = tf.sum(tf.cast(tf.greaterEqual(others, target), 'int32'), 1);
    return tf.where(tf.isNaN(tf.reshape(target, [b])), tf.fill([b], c - 1, 'int32'), count) as tf.Tensor1D;
  });
}

/**
 * Ranks against every item (the `full` protocol). Excluded items (`excludedItemsMask` of
 * @seqrec/models, as recommendations exclude a history) get score -Infinity first, so they never
 * beat a finite target; column 0 (padding) is always excluded; the target is never.
 * @param scores [B, V+1] scores of every item id.
 * @param targets [B] target item ids.
 * @param exclude per row, the item ids to exclude (the input sequence).
 * @returns [B] int32 rank = #{c != target, c not excluded : score(c) >= score(target)}.
 */
export function fullRanks(scores: tf.Tensor2D, targets: Int32Array, exclude: readonly Int32Array[]): tf.Tensor1D {
  return tf.tidy(() => {
    const [b, n] = scores.shape;
    const excluded = excludedItemsMask(exclude, n);
    const isTarget = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), n), 'bool');
    const masked = tf.where(tf.logicalAnd(excluded, tf.logicalNot(isTarget)), tf.fill([b, n], -Infinity), scores);
    const targetScore = tf.sum(tf.where(isTarget, scores, tf.zerosLike(scores)), 1, true);
    const beats = tf.logicalAnd(tf.greaterEqual(masked, targetScore), tf.logicalNot(isTarget));
    const count = tf.sum(tf.cast(beats, 'int32'), 1);
    // NaN target: rank = number of other items (worst possible).
    return tf.where(tf.isNaN(tf.reshape(targetScore, [b])), tf.fill([b], n - 2, 'int32'), count) as tf.Tensor1D;
  });
}
