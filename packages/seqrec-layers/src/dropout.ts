/**
 * Inverted dropout whose mask is drawn in JavaScript from the forward context's seed.
 *
 * tfjs's `tf.dropout` builds its mask with four full-size ops (uniform noise, add, floor, div),
 * and an attention dropout is `[B, h, T, T]`: 20 MB per temporary at B 128, T 200. Drawing the
 * `0 | 1/keep` mask directly costs one tensor, and the same seed gives the same mask on every
 * backend, so seeded runs match across cpu and wasm.
 */
import { tf } from '@seqrec/runtime';
import type { ForwardContext } from './forwardContext';

/** A `[shape]` float32 mask of 0 (dropped, probability `rate`) and 1 / (1 - rate). */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const size = tf.util.sizeFromShape(shape);
  const keep = 1 - rate;
  const threshold = keep * 2 ** 32;
  const scale = 1 / keep;
  const mask = new Float32Array(size);
  // sfc32, seeded by splitting the 32-bit seed; fast and good enough for Bernoulli masks.
  let a = 0x9e3779b9;
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
  for (let i = 0; i < size; i++) mask[i] = next() < threshold ? scale : 0;
  return tf.tensor(mask, shape, 'float32');
}

export function dropout<T extends tf.Tensor>(x: T, rate: number, context: ForwardContext): T {
  if (!context.training || rate === 0) return x;
  return tf.mul(x, dropoutMask(x.shape, rate, context.nextSeed())) as T;
}
