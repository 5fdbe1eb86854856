/**
 * `a + b` of two same-shape tensors (a residual connection) that keeps nothing for the
 * backward pass: both gradients are dy. tfjs's `Add` keeps both inputs (to reduce broadcast
 * gradients), which for a residual stream holds two `[B, T, d]` tensors per block until backward.
 */
import { tf } from '@seqrec/runtime';

const add = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([]);
  return {
    value: tf.add(a as tf.Tensor, b as tf.Tensor),
    gradFunc: (dy) => [dy as tf.Tensor, (dy as tf.Tensor).clone()],
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

export function residualAdd<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  if (!tf.util.arraysEqual(a.shape, b.shape))
    throw new RangeError(`residualAdd: shapes ${JSON.stringify(a.shape)} and ${JSON.stringify(b.shape)} differ`);
  return add(a, b) as T;
}
