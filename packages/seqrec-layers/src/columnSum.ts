/**
 * Sum over the rows of a matrix, `[N, d] -> [d]`, as `ones[1, N] x X`.
 *
 * Bias and LayerNorm gradients reduce `[B*T, d]` over its first axis. tfjs-wasm's `Sum`
 * transposes first and then reduces (about 5 ms for 25,600 x 50); the product runs on the
 * SIMD matmul kernel in a fraction of that, and on cpu it is no slower than `tf.sum`.
 */
import { tf } from '@seqrec/runtime';

export function columnSum(x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [N, d] = x.shape;
    return tf.matMul(tf.ones([1, N]), x).reshape([d]) as tf.Tensor1D;
  });
}
