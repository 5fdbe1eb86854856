/**
 * gSASRec's generalised binary cross-entropy (Petrov & Macdonald, "gSASRec: Reducing
 * Overconfidence in Sequential Recommendation Trained with Negative Sampling", RecSys 2023, §4):
 *
 *   alpha = N / (V - 1)                                   (negative sampling rate)
 *   beta  = alpha * (t * (1 - 1/alpha) + 1/alpha)         (t in [0, 1]: calibration)
 *   loss  = -1/(N+1) * ( log sigmoid(s+)^beta + sum_j log(1 - sigmoid(s_j)) )
 *
 * t = 0 gives beta = 1 (plain BCE over N negatives); t = 1 gives beta = alpha, whose predicted
 * probabilities are calibrated to the full catalogue. Here the N uniform negatives are drawn once
 * per step and shared by every position (the paper draws them per position; each position still
 * sees N uniform negatives, which is what alpha assumes). An accidental hit (a negative equal to
 * the target) is left out of that position's sum. The loss is the mean over target positions.
 *
 * Letters: M target positions, N negatives, d hidden, V items.
 */
import { tf } from '@seqrec/runtime';

/** gSASRec's beta for N negatives out of V items with calibration t (paper §4, eq. for beta). */
export function gbceBeta(numNegatives: number, numItems: number, t: number): number {
  const alpha = numNegatives / (numItems - 1);
  return alpha * (t * (1 - 1 / alpha) + 1 / alpha);
}

/**
 * features [M, d], targets [M], table [V+1, d], negatives [N] -> scalar mean over positions of
 * (beta * softplus(-s+) + sum_j softplus(s_j)) / (N + 1). Call inside a tidy.
 */
export function generalizedBceLoss(
  features: tf.Tensor2D,
  targets: tf.Tensor1D,
  table: tf.Tensor2D,
  negatives: tf.Tensor1D,
  beta: number,
): tf.Scalar {
  const N = negatives.shape[0];
  const posLogits = tf.sum(tf.mul(features, tf.gather(table, targets)), -1); // [M]
  const negLogits = tf.matMul(features, tf.gather(table, negatives), false, true); // [M, N]
  const kept = tf.cast(tf.notEqual(targets.expandDims(1), negatives.expandDims(0)), 'float32'); // [M, N]
  // -log sigmoid(s)^beta = beta * softplus(-s);  -log(1 - sigmoid(s)) = softplus(s)
  const positive = tf.mul(beta, tf.softplus(tf.neg(posLogits))); // [M]
  const negative = tf.sum(tf.mul(tf.softplus(negLogits), kept), 1); // [M]
  return tf.div(tf.mean(tf.add(positive, negative)), N + 1) as tf.Scalar;
}
