/**
 * SASRec (Kang & McAuley 2018), pre-LN as pmixer/SASRec.pytorch with norm_first
 * (shared/spec/MODEL.md §Embedding): `x = item_emb[seq] * sqrt(d) + pos_emb[pos * mask]`, where
 * the window position of column t is `t + 1 + (maxlen - T)` so trimming a batch changes nothing.
 */
import { tf } from '@seqrec/runtime';
import { Embedding } from '@seqrec/layers';
import type { ModelConfig } from './config';
import { Recommender, firstWindowPosition } from './recommender';

export class SASRec extends Recommender {
  readonly positionEmbedding: Embedding; // pos_emb [maxlen+1, d], row 0 = padding

  constructor(config: ModelConfig, seed: number) {
    super(config, seed);
    this.positionEmbedding = this.addSublayer(
      new Embedding({
        name: 'pos_emb',
        rows: config.maxlen + 1,
        dim: config.hiddenUnits,
        paddingZero: true,
        seed: seed + 2,
      }),
    );
  }

  protected embed(seq: tf.Tensor2D, mask: tf.Tensor3D): tf.Tensor3D {
    const [B, T] = seq.shape;
    const first = firstWindowPosition(T, this.config.maxlen) + 1;
    const positions = tf.mul(
      tf.range(first, first + T, 1, 'int32').reshape([1, T]),
      tf.cast(mask.reshape([B, T]), 'int32'),
    ); // [B, T]
    const items = tf.mul(this.itemEmbedding.apply(seq), Math.sqrt(this.config.hiddenUnits)); // [B, T, d]
    return tf.add(items, this.positionEmbedding.apply(positions)) as tf.Tensor3D;
  }

  protected timeInputs(): null {
    return null;
  }
}
