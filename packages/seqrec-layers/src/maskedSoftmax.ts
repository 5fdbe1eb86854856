/**
 * `softmax(a + b + bias)` over the last axis, with a gradient that keeps only the output.
 *
 * tfjs's autodiff saves both inputs of every `Add` for the backward pass; for attention scores
 * that is two more `[B, h, T, T]` tensors per sum per block, held until backward. The softmax
 * gradient needs only its output p: d/ds = p * (dy - sum(dy * p)), and the sum's gradient passes
 * that to every addend unchanged. `bias` is a constant (no gradient).
 */
import { tf } from '@seqrec/runtime';

/** a, b: [..., T] scores (b optional); bias: broadcastable constant -> [..., T] probabilities. */
export function maskedSoftmax(a: tf.Tensor, b: tf.Tensor | null, bias: tf.Tensor): tf.Tensor {
  if (b === null) {
    const single = tf.customGrad((x, save) => {
      const p = tf.softmax(tf.add(x as tf.Tensor, bias));
      (save as tf.GradSaveFunc)([p]);
      return { value: p, gradFunc: (dy, saved) => softmaxGrad(dy as tf.Tensor, saved[0]) };
    });
    return single(a);
  }
  const pair = tf.customGrad((x, y, save) => {
    const p = tf.softmax(tf.add(tf.add(x as tf.Tensor, y as tf.Tensor), bias));
    (save as tf.GradSaveFunc)([p]);
    return {
      value: p,
      gradFunc: (dy, saved) => {
        const grad = softmaxGrad(dy as tf.Tensor, saved[0]);
        return [grad, grad.clone()];
      },
    };
  });
  return pair(a, b);
}

function softmaxGrad(dy: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return tf.mul(p, tf.sub(dy, tf.sum(tf.mul(dy, p), -1, true)));
}
