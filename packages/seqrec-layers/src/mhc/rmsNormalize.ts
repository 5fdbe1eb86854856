/**
 * RMS normalisation without a gain over the last axis (shared/spec/MODEL.md §mHC, the `xn` of
 * the mixing coefficients): xn = x * r, r = 1 / sqrt(mean(x^2) + eps).
 *
 * The gradient is written out so the backward pass keeps only xn and r; through autodiff,
 * square/mean/rsqrt keep casts and copies of the [N, n*d] input (n times wider than a token):
 *   dx = r * (dxn - xn * mean(dxn * xn))
 */
import { tf } from '@seqrec/runtime';

/** x [N, k] -> [N, k] */
export function rmsNormalize(x: tf.Tensor2D, eps: number): tf.Tensor2D {
  const normalize = tf.customGrad((input, save) => {
    const rows = input as tf.Tensor2D;
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(rows), -1, true), eps)); // [N, 1]
    const xn = tf.mul(rows, r); // [N, k]
    (save as tf.GradSaveFunc)([xn, r]);
    return {
      value: xn,
      gradFunc: (dy, [savedXn, savedR]) => {
        const meanDyXn = tf.mean(tf.mul(dy as tf.Tensor2D, savedXn), -1, true); // [N, 1]
        return tf.mul(savedR, tf.sub(dy as tf.Tensor2D, tf.mul(savedXn, meanDyXn)));
      },
    };
  });
  return normalize(x) as tf.Tensor2D;
}
