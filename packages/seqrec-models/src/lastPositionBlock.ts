/**
 * A transformer block computed at the newest position only (inference, the last block of a model
 * whose newest-position features alone are used: scoring, serving). Attention keys and values
 * (and, with mHC, the pre-mixing) still read every position of the input; everything after the
 * attention is per token and runs on one position. Equal to the last position of
 * `TransformerBlock.apply` in inference mode.
 *
 * Letters: B batch, T window, d hidden, n mHC streams.
 */
import { tf } from '@seqrec/runtime';
import { INFERENCE, MASKED_SCORE, hyperConnectionAtLastPosition, lastQueryAttention } from '@seqrec/layers';
import type { BlockInputs, TransformerBlock } from './transformerBlock';

/** x: [B, T, d] (plain) or [B, T, n, d] (mHC streams) -> the block's output at the newest position, [B, 1, d] or [B, 1, n, d]. */
export function blockAtLastPosition(block: TransformerBlock, x: tf.Tensor, inputs: BlockInputs): tf.Tensor {
  return tf.tidy(() => {
    const [B, T] = x.shape;
    // The model gives intervals exactly when its attention is interval attention (TiSASRec's
    // timeInputs, which refuses a batch without rel; SASRec's are null), as in TransformerBlock.apply.
    const intervals = inputs.intervals;
    // The newest query's row of inputs.bias: only padded keys are masked (none is in its future).
    const keyBias = tf.mul(tf.sub(1, inputs.mask), MASKED_SCORE).reshape([B, 1, 1, T]) as tf.Tensor4D;
    // [B, T, d] at every position -> [B, 1, d] at the newest
    const attention = (h: tf.Tensor3D) =>
      lastQueryAttention(block.attn, block.attnLn.apply(h) as tf.Tensor3D, keyBias, intervals);
    const feedForward = (h: tf.Tensor3D) => block.ffn.apply(block.ffnLn.apply(h) as tf.Tensor3D, INFERENCE);
    const newestMask = inputs.mask.slice([0, T - 1, 0], [B, 1, 1]); // [B, 1, 1]
    if (block.mhcAttn === null || block.mhcFfn === null) {
      const d = x.shape[2] as number;
      const newest = x.slice([0, T - 1, 0], [B, 1, d]); // [B, 1, d]
      const afterAttention = tf.add(newest, attention(x as tf.Tensor3D)); // [B, 1, d]
      const afterFeedForward = tf.add(afterAttention, feedForward(afterAttention as tf.Tensor3D));
      return tf.mul(afterFeedForward, newestMask);
    }
    const afterAttention = hyperConnectionAtLastPosition(block.mhcAttn, x as tf.Tensor4D, attention); // [B, 1, n, d]
    const streams = block.mhcFfn.apply(afterAttention, feedForward); // [B, 1, n, d]
    return tf.mul(streams, newestMask.expandDims(3)); // mask [B, 1, 1, 1]
  });
}
