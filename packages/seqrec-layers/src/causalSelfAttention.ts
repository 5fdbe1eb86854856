/**
 * Causal multi-head self-attention with a key padding mask (shared/spec/MODEL.md §Attn), the
 * SASRec attention. Q, K, V and the output are separate `[d, d]` projections with biases.
 *
 * Letters: B batch, T window, d hidden, h heads, dh = d / h.
 */
import { tf } from '@seqrec/runtime';
import { causalScores, causalWeightedValues } from './causalProducts';
import { Dense } from './dense';
import { dropoutMask } from './dropout';
import type { ForwardContext } from './forwardContext';
import { mergeHeads, splitHeads } from './headLayout';
import { Layer } from './layer';
import { maskedSoftmax, maskedSoftmaxDropout } from './maskedSoftmax';

export interface AttentionConfig {
  name: string;
  dim: number;
  numHeads: number;
  dropoutRate: number;
  seed: number;
}

/** The value the spec gives masked scores. */
export const MASKED_SCORE = -1e9;

/**
 * Additive attention bias `[B, 1, T, T]`: 0 where query i may attend to key j (j <= i, key j
 * is a real item and, in a packed batch, i and j belong to the same user), MASKED_SCORE
 * elsewhere. Computed once per forward and shared by every block. Adding -1e9 to a score of
 * ordinary size rounds to -1e9 in float32, so this equals the spec's "replace by -1e9". Built
 * in JavaScript from the ids: it needs no gradient, and tfjs would otherwise keep the inputs of
 * every op that builds it until the backward pass.
 *
 * seq:      [B, T] int32 item ids, 0 = padding.
 * segments: [B, T] int32 user slot of each column in a packed row (see packedPositions), or
 *           null when every row holds one user. With packing the bias is block-diagonal, so each
 *           user's features equal those of the same user in a row of its own.
 */
export function attentionBias(seq: tf.Tensor2D, segments: tf.Tensor2D | null = null): tf.Tensor4D {
  const [B, T] = seq.shape;
  const ids = seq.dataSync();
  const slots = segments?.dataSync() ?? null;
  const bias = new Float32Array(B * T * T);
  const keyBias = new Float32Array(T); // one row's key-padding bias
  const firstKey = new Int32Array(T); // per query: its first key (its user's first column)
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < T; j++) keyBias[j] = ids[b * T + j] === 0 ? MASKED_SCORE : 0;
    const contiguous = slots === null || userColumnsFirst(slots, b * T, T, firstKey);
    for (let i = 0; i < T; i++) {
      const row = (b * T + i) * T;
      if (contiguous) {
        // Keys firstKey..i keep their padding bias, the others are masked.
        const from = slots === null ? 0 : firstKey[i];
        bias.fill(MASKED_SCORE, row, row + from);
        bias.set(keyBias.subarray(from, i + 1), row + from);
        bias.fill(MASKED_SCORE, row + i + 1, row + T);
        continue;
      }
      for (let j = 0; j < T; j++) {
        if (j > i || keyBias[j] !== 0 || slots![b * T + j] !== slots![b * T + i]) bias[row + j] = MASKED_SCORE;
      }
    }
  }
  return tf.tensor4d(bias, [B, 1, T, T]);
}

/**
 * When every user of the packed row at `offset` occupies one contiguous run of columns (as
 * packedPositions lays them out), writes each column's run start into `firstKey` and returns
 * true; false when a slot reappears after another one (then the bias is built key by key).
 */
function userColumnsFirst(slots: ArrayLike<number>, offset: number, T: number, firstKey: Int32Array): boolean {
  const seen = new Set<number>();
  for (let j = 0; j < T; j++) {
    const slot = slots[offset + j];
    if (j > 0 && slot === slots[offset + j - 1]) {
      firstKey[j] = firstKey[j - 1];
      continue;
    }
    if (seen.has(slot)) return false;
    seen.add(slot);
    firstKey[j] = j;
  }
  return true;
}

/** Per-forward inputs of an attention layer (TimeIntervalAttention adds the intervals). */
export interface AttentionInputs {
  /** [B, 1, T, T] additive causal + key-padding bias, from attentionBias. */
  bias: tf.Tensor4D;
}

export class CausalSelfAttention extends Layer {
  readonly q: Dense;
  readonly k: Dense;
  readonly v: Dense;
  readonly o: Dense;
  protected readonly headDim: number;

  constructor(readonly config: AttentionConfig) {
    super(config.name);
    const { dim, numHeads, seed } = config;
    if (dim % numHeads !== 0)
      throw new RangeError(`${config.name}: dim ${dim} is not divisible by numHeads ${numHeads}`);
    this.headDim = dim / numHeads;
    this.q = this.addSublayer(new Dense({ name: 'q', inputDim: dim, outputDim: dim, seed: seed + 1 }));
    this.k = this.addSublayer(new Dense({ name: 'k', inputDim: dim, outputDim: dim, seed: seed + 2 }));
    this.v = this.addSublayer(new Dense({ name: 'v', inputDim: dim, outputDim: dim, seed: seed + 3 }));
    this.o = this.addSublayer(new Dense({ name: 'o', inputDim: dim, outputDim: dim, seed: seed + 4 }));
  }

  /**
   * u:      [B, T, d] normalised input
   * inputs: the bias [B, 1, T, T]
   * returns [B, T, d]
   */
  apply(u: tf.Tensor3D, { bias }: AttentionInputs, context: ForwardContext): tf.Tensor3D {
    return tf.tidy(() => {
      const q = this.scaledQueries(u); // [B, h, T, dh]
      const k = this.splitHeads(this.k.apply(u)); // [B, h, T, dh]
      const v = this.splitHeads(this.v.apply(u)); // [B, h, T, dh]
      const scores = causalScores(q, k); // [B, h, T, T], already divided by sqrt(dh)
      const weights = this.attentionWeights(scores, null, bias, context); // [B, h, T, T]
      return this.o.apply(this.mergeHeads(causalWeightedValues(weights, v))) as tf.Tensor3D;
    });
  }

  /**
   * Q / sqrt(dh) as [B, h, T, dh]. Scaling Q (B*T*d values) instead of every score
   * (B*h*T*T values) gives the same scores for one full-size op less.
   */
  protected scaledQueries(u: tf.Tensor3D): tf.Tensor4D {
    return splitHeads(this.q.apply(u), this.config.numHeads, 1 / Math.sqrt(this.headDim));
  }

  /** scaled scores [B, h, T, T] (plus an optional second term of the same shape) -> dropout(softmax(sum + bias)) */
  protected attentionWeights(
    scores: tf.Tensor,
    extraScores: tf.Tensor | null,
    bias: tf.Tensor4D,
    context: ForwardContext,
  ): tf.Tensor4D {
    const rate = this.config.dropoutRate;
    if (!context.training || rate === 0) return maskedSoftmax(scores, extraScores, bias) as tf.Tensor4D;
    const mask = dropoutMask(scores.shape, rate, context.nextSeed(), {
      perRow: true,
      rowOffset: context.rowOffset ?? 0,
    });
    return maskedSoftmaxDropout(scores, extraScores, bias, mask) as tf.Tensor4D;
  }

  /** [B, T, d] -> [B, h, T, dh] */
  protected splitHeads(x: tf.Tensor): tf.Tensor4D {
    return splitHeads(x, this.config.numHeads);
  }

  /** [B, h, T, dh] -> [B, T, d] */
  protected mergeHeads(x: tf.Tensor): tf.Tensor3D {
    return mergeHeads(x);
  }
}
