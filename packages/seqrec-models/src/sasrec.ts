/**
 * SASRec (Kang & McAuley 2018), pre-LN as pmixer/SASRec.pytorch with norm_first
 * (shared/spec/MODEL.md §Embedding): `x = item_emb[seq] * sqrt(d) + pos_emb[pos * mask]`, where
 * `pos` is the window position (windowPositions.ts): the newest item is always at maxlen, so
 * trimming or packing a batch changes nothing.
 */
import { tf } from '@seqrec/runtime';
import { Embedding } from '@seqrec/layers';
import type { ModelConfig } from './config';
import { Recommender } from './recommender';

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

  protected embed(seq: tf.Tensor2D, positions: tf.Tensor2D, itemTable: tf.Tensor2D): tf.Tensor3D {
    const items = tf.mul(this.itemEmbedding.apply(seq, itemTable), Math.sqrt(this.config.hiddenUnits)); // [B, T, d]
    return tf.add(items, this.positionEmbedding.apply(positions)) as tf.Tensor3D;
  }

  protected timeInputs(): null {
    return null;
  }
}
