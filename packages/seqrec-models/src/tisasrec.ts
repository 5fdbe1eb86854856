/**
 * TiSASRec (Li, Wang & McAuley 2020), pre-LN, with the efficient interval attention of
 * shared/spec/MODEL.md §Attn. No position term is added to x; absolute positions enter the
 * attention as pos_K / pos_V (indexed by window position - 1) and intervals as time_K / time_V
 * (indexed by rel, clipped to 0..S). All four tables are shared by every block.
 *
 * Dropout (training only) is applied to the four tables once per forward: the original's
 * per-element dropout on [B, T, T, d] interval embeddings is what the efficient form avoids.
 */
import { tf } from '@seqrec/runtime';
import { Embedding, dropoutShared, intervalBucketIndex, type ForwardContext } from '@seqrec/layers';
import type { ModelConfig } from './config';
import { Recommender, firstWindowPosition } from './recommender';
import type { SequenceBatch } from './types';

export class TiSASRec extends Recommender {
  readonly positionKeys: Embedding; // pos_K [maxlen, d]
  readonly positionValues: Embedding; // pos_V [maxlen, d]
  readonly intervalKeys: Embedding; // time_K [S+1, d]
  readonly intervalValues: Embedding; // time_V [S+1, d]

  constructor(config: ModelConfig, seed: number) {
    super(config, seed);
    const dim = config.hiddenUnits;
    const table = (name: string, rows: number, offset: number) =>
      this.addSublayer(new Embedding({ name, rows, dim, seed: seed + offset }));
    this.positionKeys = table('pos_K', config.maxlen, 2);
    this.positionValues = table('pos_V', config.maxlen, 3);
    this.intervalKeys = table('time_K', config.timeSpan + 1, 4);
    this.intervalValues = table('time_V', config.timeSpan + 1, 5);
  }

  protected embed(seq: tf.Tensor2D, _positions: tf.Tensor2D, itemTable: tf.Tensor2D): tf.Tensor3D {
    return tf.mul(this.itemEmbedding.apply(seq, itemTable), Math.sqrt(this.config.hiddenUnits)) as tf.Tensor3D;
  }

  protected timeInputs(batch: SequenceBatch, positions: tf.Tensor2D, context: ForwardContext) {
    const { rel, seq } = batch;
    const T = seq.shape[1];
    if (rel == null) throw new Error('TiSASRec needs rel, the [B, T, T] time-interval matrix of the batch');
    if (rel.shape[0] !== seq.shape[0] || rel.shape[1] !== T || rel.shape[2] !== T) {
      throw new RangeError(`TiSASRec: rel has shape [${rel.shape.join(', ')}], expected [${seq.shape[0]}, ${T}, ${T}]`);
    }
    const { maxlen, hiddenUnits: d, dropoutRate: rate, numHeads, timeSpan } = this.config;
    const first = firstWindowPosition(T, maxlen);
    // One user per row: every row has the same positions, a [T, d] slice of the table. Packed
    // rows: each token's own row of the table, [B, T, d] (padding reads row 0; it is masked).
    const window = (table: Embedding): tf.Tensor2D | tf.Tensor3D =>
      batch.segments == null
        ? dropoutShared(table.table.slice([first, 0], [T, d]) as tf.Tensor2D, rate, context)
        : (tf.gather(
            dropoutShared(table.table as tf.Tensor2D, rate, context) as tf.Tensor,
            tf.maximum(tf.sub(positions, tf.scalar(1, 'int32')), tf.scalar(0, 'int32')),
          ) as tf.Tensor3D);
    return {
      positionKeys: window(this.positionKeys), // [T, d] or [B, T, d]
      positionValues: window(this.positionValues), // [T, d] or [B, T, d]
      intervalKeys: dropoutShared(this.intervalKeys.table as tf.Tensor2D, rate, context), // [S+1, d]
      intervalValues: dropoutShared(this.intervalValues.table as tf.Tensor2D, rate, context), // [S+1, d]
      bucketIndex: intervalBucketIndex(rel, numHeads, timeSpan), // [B, h, T, T]
    };
  }
}
