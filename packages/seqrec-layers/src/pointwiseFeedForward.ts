/**
 * Point-wise feed-forward (shared/spec/MODEL.md §FFN):
 * `dropout(dropout(relu(u W1 + b1)) W2 + b2)` with `W1, W2` both `[d, d]` as in SASRec.
 */
import { tf } from '@seqrec/runtime';
import { Dense } from './dense';
import { dropout } from './dropout';
import type { ForwardContext } from './forwardContext';
import { Layer } from './layer';
import { reluDropout } from './reluDropout';

export interface PointwiseFeedForwardConfig {
  name: string;
  dim: number;
  dropoutRate: number;
  seed: number;
}

export class PointwiseFeedForward extends Layer {
  readonly l1: Dense;
  readonly l2: Dense;

  constructor(readonly config: PointwiseFeedForwardConfig) {
    super(config.name);
    const { dim, seed } = config;
    this.l1 = this.addSublayer(new Dense({ name: 'l1', inputDim: dim, outputDim: dim, seed: seed + 1 }));
    this.l2 = this.addSublayer(new Dense({ name: 'l2', inputDim: dim, outputDim: dim, seed: seed + 2 }));
  }

  /** u: [B, T, d] -> [B, T, d] */
  apply(u: tf.Tensor3D, context: ForwardContext): tf.Tensor3D {
    return tf.tidy(() => {
      const rate = this.config.dropoutRate;
      const hidden = reluDropout(this.l1.apply(u), rate, context); // keeps only itself for backward
      return dropout(this.l2.apply(hidden), rate, context) as tf.Tensor3D;
    });
  }
}
