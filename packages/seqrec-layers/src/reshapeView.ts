/**
 * `x.reshape(shape)` whose gradient keeps nothing for the backward pass. tfjs's `Reshape`
 * gradient keeps its input (only to read its shape), so the `[B, T, d] <-> [B*T, d]` reshapes
 * around every Dense and LayerNorm held each layer's output until backward: at d 256 that was
 * the largest part of a step's memory.
 */
import { tf } from '@seqrec/runtime';

export function reshapeView(x: tf.Tensor, shape: number[]): tf.Tensor {
  const inputShape = x.shape;
  const reshape = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([]);
    return { value: (input as tf.Tensor).reshape(shape), gradFunc: (dy) => (dy as tf.Tensor).reshape(inputShape) };
  });
  return reshape(x);
}
