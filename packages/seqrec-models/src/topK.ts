/**
 * Top-K recommendation over every item, batched, excluding given items per row (the user's
 * history): full-ranking scores with excluded ids and the padding id set to -Infinity, then
 * `tf.topk`.
 */
import { tf } from '@seqrec/runtime';
import type { SequenceBatch, SequentialRecommender } from './types';

export interface TopK {
  /** Per row, the K best item ids (dense), best first. */
  items: Int32Array[];
  /** Their scores. */
  scores: Float32Array[];
}

/** exclude[b]: dense item ids never to recommend to row b. */
export function topK(
  model: SequentialRecommender,
  batch: SequenceBatch,
  k: number,
  exclude: ArrayLike<number>[] = [],
): TopK {
  const B = batch.seq.shape[0];
  const columns = model.config.numItems + 1;
  const count = Math.min(k, model.config.numItems);
  const penalty = new Float32Array(B * columns);
  exclude.forEach((ids, row) => {
    for (let i = 0; i < ids.length; i++)
      if (ids[i] > 0 && ids[i] < columns) penalty[row * columns + ids[i]] = -Infinity;
  });
  const [values, indices] = tf.tidy(() => {
    const scores = tf.add(model.scoreAll(batch), tf.tensor2d(penalty, [B, columns])); // [B, V+1]
    const best = tf.topk(scores, count);
    return [best.values, best.indices];
  });
  const flatScores = values.dataSync() as Float32Array;
  const flatItems = indices.dataSync() as Int32Array;
  tf.dispose([values, indices]);
  const items: Int32Array[] = [];
  const scores: Float32Array[] = [];
  for (let row = 0; row < B; row++) {
    const keep: number[] = [];
    for (let j = 0; j < count; j++) if (flatScores[row * count + j] > -Infinity) keep.push(row * count + j);
    items.push(Int32Array.from(keep, (i) => flatItems[i]));
    scores.push(Float32Array.from(keep, (i) => flatScores[i]));
  }
  return { items, scores };
}
