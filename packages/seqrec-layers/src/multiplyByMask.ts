/**
 * `x * mask` for a constant mask (dropout masks, padding masks) that keeps only the mask for
 * the backward pass: dx = dy * mask. tfjs's `Mul` keeps both inputs, so every masked
 * activation would stay alive until backward, a `[B, T, d]` tensor per use.
 */
import { tf } from '@seqrec/runtime';

/** x: any shape; mask: x's shape or broadcastable to it (no gradient) -> x's shape. */
export function multiplyByMask<T extends tf.Tensor>(x: T, mask: tf.Tensor): T {
  const masked = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([mask]);
    return { value: tf.mul(input as tf.Tensor, mask), gradFunc: (dy, [saved]) => tf.mul(dy as tf.Tensor, saved) };
  });
  return masked(x) as T;
}
