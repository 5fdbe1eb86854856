/**
 * Inverted dropout with seeded masks (`dropoutMask` of @seqrec/runtime, which owns how masks are
 * drawn: per batch row from (seed, the row's index in the whole batch), so a batch split into
 * shards across data-parallel workers (ForwardContext.rowOffset) gets exactly the masks the whole
 * batch would, and one worker or several give the same result; weight tables use one stream).
 */
import { dropoutMask, type tf } from '@seqrec/runtime';
import type { ForwardContext } from './forwardContext';
import { multiplyByMask } from './multiplyByMask';

export { dropoutMask };
export type { DropoutMaskOptions } from '@seqrec/runtime';

/** Dropout of a batch tensor (axis 0 = batch rows). */
export function dropout<T extends tf.Tensor>(x: T, rate: number, context: ForwardContext): T {
  if (!context.training || rate === 0) return x;
  const mask = dropoutMask(x.shape, rate, context.nextSeed(), { perRow: true, rowOffset: context.rowOffset ?? 0 });
  const dropped = multiplyByMask(x, mask); // keeps only the mask for backward, not x
  mask.dispose();
  return dropped;
}

/** Dropout of a weight table shared by the whole batch (TiSASRec's position and interval tables). */
export function dropoutShared<T extends tf.Tensor>(x: T, rate: number, context: ForwardContext): T {
  if (!context.training || rate === 0) return x;
  const mask = dropoutMask(x.shape, rate, context.nextSeed());
  const dropped = multiplyByMask(x, mask);
  mask.dispose();
  return dropped;
}
