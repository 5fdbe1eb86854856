/**
 * Inverted dropout whose mask is drawn in JavaScript from the forward context's seed.
 *
 * tfjs's `tf.dropout` builds its mask with four full-size ops (uniform noise, add, floor, div),
 * and an attention dropout is `[B, h, T, T]`: 20 MB per temporary at B 128, T 200. Drawing the
 * `0 | 1/keep` mask directly costs one tensor, and the same seed gives the same mask on every
 * backend, so seeded runs match across cpu and wasm.
 *
 * Masks of batch tensors (axis 0 = rows of the batch) are drawn row by row, each row from
 * (seed, its index in the whole batch): a batch split into shards across data-parallel workers
 * (ForwardContext.rowOffset) gets exactly the masks the whole batch would, so training with
 * one worker or several gives the same result. Weight tables use one stream for the tensor.
 */
import { tf } from '@seqrec/runtime';
import type { ForwardContext } from './forwardContext';
import { multiplyByMask } from './multiplyByMask';

/** sfc32 seeded from two integers; fast and good enough for Bernoulli masks. */
function fillMask(
  mask: Float32Array,
  from: number,
  to: number,
  seed: number,
  stream: number,
  threshold: number,
  scale: number,
): void {
  let a = 0x9e3779b9 ^ stream;
  let b = seed | 0;
  let c = 0x243f6a88;
  let d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next(); // mix the seed in before use
  for (let i = from; i < to; i++) mask[i] = next() < threshold ? scale : 0;
}

export interface DropoutMaskOptions {
  /** Draw each row of axis 0 from its own stream, numbered from `rowOffset`. Default false. */
  perRow?: boolean;
  /** Index of this tensor's first row in the whole batch. Default 0. */
  rowOffset?: number;
}

/** A `[shape]` float32 mask of 0 (dropped, probability `rate`) and 1 / (1 - rate). */
export function dropoutMask(shape: number[], rate: number, seed: number, options: DropoutMaskOptions = {}): tf.Tensor {
  const size = tf.util.sizeFromShape(shape);
  const keep = 1 - rate;
  const threshold = keep * 2 ** 32;
  const scale = 1 / keep;
  const mask = new Float32Array(size);
  if (options.perRow === true && shape.length > 1) {
    const rowSize = size / shape[0];
    const offset = options.rowOffset ?? 0;
    for (let row = 0; row < shape[0]; row++) {
      fillMask(mask, row * rowSize, (row + 1) * rowSize, seed, offset + row + 1, threshold, scale);
    }
  } else {
    fillMask(mask, 0, size, seed, 0, threshold, scale);
  }
  return tf.tensor(mask, shape, 'float32');
}

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
