/**
 * Sinkhorn-Knopp projection onto (nearly) doubly stochastic matrices
 * (shared/spec/MODEL.md §mHC, fixture shared/fixtures/sinkhorn.json):
 * `M = exp(L)`, then `iters` times: divide each row by its sum, then each column by its sum.
 *
 * The row maximum is subtracted before `exp`: the first row normalisation cancels any per-row
 * constant, so the result is the same and `exp` cannot overflow.
 */
import { tf } from '@seqrec/runtime';

/** logits: [..., n, n] -> [..., n, n]; columns sum to 1 exactly, rows approximately. */
export function sinkhornKnopp(logits: tf.Tensor, iters: number): tf.Tensor {
  return tf.tidy(() => {
    let m = tf.exp(tf.sub(logits, tf.max(logits, -1, true)));
    for (let i = 0; i < iters; i++) {
      m = tf.div(m, tf.sum(m, -1, true)); // rows
      m = tf.div(m, tf.sum(m, -2, true)); // columns
    }
    return m;
  });
}
