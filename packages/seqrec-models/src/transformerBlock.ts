/**
 * One pre-LN transformer block (shared/spec/MODEL.md §Block), plain or with mHC:
 *
 *   plain:  x = x + Attn(LN_attn(x));  x = x + FFN(LN_ffn(x));  x = x * mask
 *   mHC:    X = mhc_attn(X, Attn o LN_attn);  X = mhc_ffn(X, FFN o LN_ffn);  X = X * mask
 *
 * Letters: B batch, T window, d hidden, n mHC streams.
 */
import { tf } from '@seqrec/runtime';
import {
  CausalSelfAttention,
  Layer,
  LayerNorm,
  ManifoldHyperConnection,
  PointwiseFeedForward,
  TimeIntervalAttention,
  multiplyByMask,
  residualAdd,
  type ForwardContext,
  type TimeIntervalInputs,
} from '@seqrec/layers';
import type { ModelConfig } from './config';

/** Tensors computed once per forward and shared by every block. */
export interface BlockInputs {
  /** [B, T, 1] float32, 1 at real items. */
  mask: tf.Tensor3D;
  /** [B, 1, T, T] additive causal + key-padding bias. */
  bias: tf.Tensor4D;
  /** TiSASRec only. */
  intervals: TimeIntervalInputs | null;
}

export class TransformerBlock extends Layer {
  readonly attnLn: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ffnLn: LayerNorm;
  readonly ffn: PointwiseFeedForward;
  readonly mhcAttn: ManifoldHyperConnection | null;
  readonly mhcFfn: ManifoldHyperConnection | null;

  constructor(config: ModelConfig, index: number, seed: number) {
    super(`blocks.${index}`);
    const { hiddenUnits: dim, numHeads, dropoutRate, layerNormEps: eps } = config;
    const attentionConfig = { name: 'attn', dim, numHeads, dropoutRate, seed: seed + 10 };
    this.attnLn = this.addSublayer(new LayerNorm({ name: 'attn_ln', dim, eps }));
    this.attn = this.addSublayer(
      config.kind === 'tisasrec'
        ? new TimeIntervalAttention(attentionConfig)
        : new CausalSelfAttention(attentionConfig),
    );
    this.ffnLn = this.addSublayer(new LayerNorm({ name: 'ffn_ln', dim, eps }));
    this.ffn = this.addSublayer(new PointwiseFeedForward({ name: 'ffn', dim, dropoutRate, seed: seed + 20 }));
    const mhc = config.mhc;
    const hyperConnection = (name: string, sublayerIndex: number) =>
      mhc === null ? null : this.addSublayer(new ManifoldHyperConnection({ name, dim, ...mhc, sublayerIndex }));
    this.mhcAttn = hyperConnection('mhc_attn', 2 * index);
    this.mhcFfn = hyperConnection('mhc_ffn', 2 * index + 1);
  }

  /** x: [B, T, d] (plain) or [B, T, n, d] (mHC streams) -> same shape */
  apply(x: tf.Tensor, inputs: BlockInputs, context: ForwardContext): tf.Tensor {
    // A scope per block: what the backward pass needs is kept by the ops that saved it; the
    // rest (LayerNorm outputs, residual sums) is freed here instead of at the end of the forward.
    return tf.tidy(() => {
      const attention = (h: tf.Tensor3D) => this.attention(this.attnLn.apply(h) as tf.Tensor3D, inputs, context);
      const feedForward = (h: tf.Tensor3D) => this.ffn.apply(this.ffnLn.apply(h) as tf.Tensor3D, context);
      if (this.mhcAttn === null || this.mhcFfn === null) {
        // residualAdd and multiplyByMask keep nothing / only the mask (tf.add, tf.mul keep both inputs)
        const afterAttention = residualAdd(x, attention(x as tf.Tensor3D));
        const afterFeedForward = residualAdd(afterAttention, feedForward(afterAttention as tf.Tensor3D));
        return multiplyByMask(afterFeedForward, inputs.mask);
      }
      // [B, T, n, d]; the FFN's hyper-connection applies the block's mask
      return this.mhcFfn.apply(this.mhcAttn.apply(x as tf.Tensor4D, attention), feedForward, inputs.mask);
    });
  }

  /** Either attention takes the block's inputs: interval attention its intervals, causal attention the bias alone. */
  private attention(u: tf.Tensor3D, inputs: BlockInputs, context: ForwardContext): tf.Tensor3D {
    return this.attn.apply(u, inputs, context);
  }
}
