/**
 * `dropout(relu(x))` (the FFN's hidden layer) keeping only its output y for the backward pass.
 * y is the next Dense's input, which that layer keeps anyway, and it determines the gradient:
 * y > 0 exactly where x > 0 and the unit was kept, so dx = dy * (y > 0) / keep. Separately,
 * relu would keep x, and the dropout product relu(x) and the mask.
 */
import { tf } from '@seqrec/runtime';
import { dropoutMask } from './dropout';
import type { ForwardContext } from './forwardContext';

/** x: [B, ...] (axis 0 = batch rows, as `dropout`) -> same shape. */
export function reluDropout<T extends tf.Tensor>(x: T, rate: number, context: ForwardContext): T {
  if (!context.training) return tf.relu(x);
  const scale = 1 / (1 - rate);
  // Drawn even at rate 0 would change the seed stream; `dropout` draws nothing then either.
  const mask =
    rate === 0
      ? null
      : dropoutMask(x.shape, rate, context.nextSeed(), { perRow: true, rowOffset: context.rowOffset ?? 0 });
  const apply = tf.customGrad((input, save) => {
    const y = mask === null ? tf.relu(input as tf.Tensor) : tf.mul(tf.relu(input as tf.Tensor), mask);
    (save as tf.GradSaveFunc)([y]);
    return {
      value: y,
      gradFunc: (dy, [saved]) => tf.mul(dy as tf.Tensor, tf.mul(tf.step(saved as tf.Tensor), scale)),
    };
  });
  const out = apply(x) as T;
  mask?.dispose();
  return out;
}
