/** Inverted dropout with a seed from the forward context, so training runs are reproducible. */
import { tf } from '@seqrec/runtime';
import type { ForwardContext } from './forwardContext';

export function dropout<T extends tf.Tensor>(x: T, rate: number, context: ForwardContext): T {
  if (!context.training || rate === 0) return x;
  return tf.dropout(x, rate, undefined, context.nextSeed()) as T;
}
