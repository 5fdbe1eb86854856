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

/**
 * `softmax(a + b + bias) * mask` (attention weights with dropout; `mask` = 0 or 1 / keep, no
 * gradient) keeping p = softmax(...) and its output pd = p * mask for the backward pass, and
 * not the mask: with dP = dy * mask, p * dP = pd * dy and sum(dP * p) = sum(dy * pd), so
 *   ds = pd * dy - p * sum(dy * pd).
 * pd is what the next matmul keeps anyway, so the mask and a third [B, h, T, T] tensor per
 * block are not held until backward.
 */
export function maskedSoftmaxDropout(a: tf.Tensor, b: tf.Tensor | null, bias: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const forward = (scores: tf.Tensor, save: tf.GradSaveFunc) => {
    const p = tf.softmax(tf.add(scores, bias));
    const pd = tf.mul(p, mask);
    save([p, pd]);
    return pd;
  };
  const backward = (dy: tf.Tensor, [p, pd]: tf.Tensor[]): tf.Tensor => {
    const weighted = tf.mul(pd as tf.Tensor, dy);
    return tf.sub(weighted, tf.mul(p as tf.Tensor, tf.sum(weighted, -1, true)));
  };
  if (b === null) {
    const single = tf.customGrad((x, save) => ({
      value: forward(x as tf.Tensor, save as tf.GradSaveFunc),
      gradFunc: (dy, saved) => backward(dy as tf.Tensor, saved),
    }));
    return single(a);
  }
  const pair = tf.customGrad((x, y, save) => ({
    value: forward(tf.add(x as tf.Tensor, y as tf.Tensor), save as tf.GradSaveFunc),
    gradFunc: (dy, saved) => {
      const grad = backward(dy as tf.Tensor, saved);
      return [grad, grad.clone()];
    },
  }));
  return pair(a, b);
}
