/**
 * Moving attention heads between `[B, T, d]` and `[B, h, T, dh]`, with gradients that keep
 * nothing: a reshape and a transpose are undone by the inverse transpose and reshape. tfjs's
 * `Reshape` keeps its input for the backward pass, so each of Q, K and V stayed alive twice
 * (before and after the transpose) until backward.
 *
 * Letters: B batch, T window, d hidden, h heads, dh = d / h.
 */
import { tf } from '@seqrec/runtime';

/** [B, T, d] -> [B, h, T, dh], times `scale` (Q's 1 / sqrt(dh): no separate product to keep). */
export function splitHeads(x: tf.Tensor, numHeads: number, scale = 1): tf.Tensor4D {
  const [B, T, d] = x.shape as [number, number, number];
  const dh = d / numHeads;
  const split = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([]);
    const scaled = scale === 1 ? (input as tf.Tensor) : tf.mul(input as tf.Tensor, scale);
    return {
      value: scaled.reshape([B, T, numHeads, dh]).transpose([0, 2, 1, 3]),
      gradFunc: (dy) => {
        const merged = (dy as tf.Tensor).transpose([0, 2, 1, 3]).reshape([B, T, d]);
        return scale === 1 ? merged : tf.mul(merged, scale);
      },
    };
  });
  return split(x) as tf.Tensor4D;
}

/** [B, h, T, dh] -> [B, T, d] */
export function mergeHeads(x: tf.Tensor): tf.Tensor3D {
  const [B, h, T, dh] = x.shape as [number, number, number, number];
  const merge = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([]);
    return {
      value: (input as tf.Tensor).transpose([0, 2, 1, 3]).reshape([B, T, h * dh]),
      gradFunc: (dy) => (dy as tf.Tensor).reshape([B, T, h, dh]).transpose([0, 2, 1, 3]),
    };
  });
  return merge(x) as tf.Tensor3D;
}
