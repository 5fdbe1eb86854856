/**
 * LayerNorm over the last axis with biased variance (shared/spec/MODEL.md §Block):
 * `(x - mean) / sqrt(var + eps) * gamma + beta`.
 */
import { tf } from '@seqrec/runtime';
import { Layer } from './layer';

export interface LayerNormConfig {
  name: string;
  dim: number;
  /** Default 1e-8, as the spec (PyTorch's default would be 1e-5). */
  eps?: number;
}

export class LayerNorm extends Layer {
  readonly gamma: tf.Variable; // [d]
  readonly beta: tf.Variable; // [d]
  private readonly eps: number;

  constructor(config: LayerNormConfig) {
    super(config.name);
    this.eps = config.eps ?? 1e-8;
    this.gamma = this.addWeight('gamma', tf.ones([config.dim]));
    this.beta = this.addWeight('beta', tf.zeros([config.dim]));
  }

  /** x: [..., d] -> [..., d] */
  apply(x: tf.Tensor): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(normalized, this.gamma), this.beta);
  }
}
