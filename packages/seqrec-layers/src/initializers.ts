/**
 * Weight initialisers (shared/spec/MODEL.md §Initialisation): Xavier/Glorot for matrices and
 * embedding tables, zeros and ones for biases and LayerNorm. Every random one takes a seed so
 * model construction is reproducible.
 */
import { tf } from '@seqrec/runtime';

/** Glorot uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(shape: [number, number], seed: number): tf.Tensor2D {
  const limit = Math.sqrt(6 / (shape[0] + shape[1]));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

/** Glorot normal: N(0, 2 / (fanIn + fanOut)), as PyTorch's xavier_normal_ (not truncated). */
export function xavierNormal(shape: [number, number], seed: number): tf.Tensor2D {
  const std = Math.sqrt(2 / (shape[0] + shape[1]));
  return tf.randomNormal(shape, 0, std, 'float32', seed);
}

export type Initializer = 'xavierUniform' | 'xavierNormal' | 'zeros';

export function initialize(kind: Initializer, shape: [number, number], seed: number): tf.Tensor2D {
  if (kind === 'zeros') return tf.zeros(shape);
  return kind === 'xavierUniform' ? xavierUniform(shape, seed) : xavierNormal(shape, seed);
}
