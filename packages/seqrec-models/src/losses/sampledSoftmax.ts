/**
 * Sampled softmax with the log-Q correction (Bengio & Senecal 2008; Yi et al., "Sampling-bias-
 * corrected neural modeling", RecSys 2019, §3): at every target position, a softmax over the
 * target and the N negatives drawn for the whole step, every logit minus log Q(item), where Q is
 * the sampling distribution. Uniform Q is a constant that cancels (no correction needed); with
 * popularity sampling it keeps popular items from being over-penalised. A negative equal to the
 * position's target (an accidental hit) is left out of that position's softmax.
 *
 * Letters: M target positions, N negatives, d hidden.
 */
import { tf } from '@seqrec/runtime';

/** A loss's shared negatives for one step. */
export interface SharedNegatives {
  /** [N] int32 negative item ids (>= 1), shared by every position of the batch. */
  items: tf.Tensor1D;
  /** [N] log Q of each negative, or null when Q is uniform (the correction cancels). */
  logQ: tf.Tensor1D | null;
  /** [M] log Q of each position's target, or null when Q is uniform. */
  targetLogQ: tf.Tensor1D | null;
}

/** A large negative logit: exp() of it is 0 in float32, and it stays finite. */
const EXCLUDED = -1e9;

/**
 * features [M, d], targets [M], table [V+1, d] -> scalar mean over the M positions of
 * logsumexp([s+ - logQ+, s_j - logQ_j]) - (s+ - logQ+). Call inside a tidy.
 */
export function sampledSoftmaxLoss(
  features: tf.Tensor2D,
  targets: tf.Tensor1D,
  table: tf.Tensor2D,
  negatives: SharedNegatives,
): tf.Scalar {
  let posLogits = tf.sum(tf.mul(features, tf.gather(table, targets)), -1) as tf.Tensor1D; // [M]
  let negLogits = tf.matMul(features, tf.gather(table, negatives.items), false, true) as tf.Tensor2D; // [M, N]
  if (negatives.logQ !== null && negatives.targetLogQ !== null) {
    posLogits = tf.sub(posLogits, negatives.targetLogQ);
    negLogits = tf.sub(negLogits, negatives.logQ.expandDims(0));
  }
  const hits = tf.equal(targets.expandDims(1), negatives.items.expandDims(0)); // [M, N]
  negLogits = tf.where(hits, tf.fill(negLogits.shape, EXCLUDED), negLogits);
  const logits = tf.concat([posLogits.expandDims(1), negLogits], 1); // [M, N+1]
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), posLogits)) as tf.Scalar;
}
