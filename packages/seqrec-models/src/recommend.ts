/**
 * Inference, in one place: top-K recommendations for histories given as dense item ids (oldest
 * first), with the history's own items (and any `exclude` ids) excluded, and the exclusion mask
 * that evaluation's full ranking shares (`fullRanks` of @seqrec/train). Everything scoring needs
 * comes from the model's config (window, interval unit and span). Scores and the top-K selection
 * stay on the device; only K ids and K scores per history are downloaded.
 */
import { type TimeOptions, timeIntervalMatrix } from '@seqrec/data';
import { tf } from '@seqrec/runtime';
import { timeSettings } from './config';
import type { SequentialRecommender } from './types';

export interface RecommendRequest {
  /** Dense item ids, oldest first (only the newest `maxlen` are used). */
  items: Int32Array;
  /** Timestamps of `items` (TiSASRec needs them), sorted ascending; null/absent for SASRec. */
  times?: ArrayLike<number> | null;
  /** More dense item ids never to recommend besides the history's (ids outside 1..V are ignored). */
  exclude?: ArrayLike<number>;
}

export interface Recommendation {
  /** Dense item ids, best first. */
  items: Int32Array;
  /** Their scores. */
  scores: Float32Array;
}

/**
 * [B, columns] bool: true at the padding id 0 and at every id of row b's `exclude[b]` (ids
 * outside 0..columns-1 are ignored). The items no row may be recommended or ranked against.
 */
export function excludedItemsMask(exclude: readonly ArrayLike<number>[], columns: number): tf.Tensor2D {
  return tf.tidy(() => {
    const b = exclude.length;
    const idx: number[] = [];
    exclude.forEach((ids, row) => {
      idx.push(row, 0);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        if (Number.isInteger(id) && id > 0 && id < columns) idx.push(row, id);
      }
    });
    const hits = tf.scatterND(tf.tensor2d(idx, [idx.length / 2, 2], 'int32'), tf.ones([idx.length / 2], 'int32'), [
      b,
      columns,
    ]);
    return tf.greater(hits, 0) as tf.Tensor2D;
  });
}

/** @param k recommendations per history (clipped to the number of recommendable items). */
export async function recommend(
  model: SequentialRecommender,
  requests: readonly RecommendRequest[],
  k: number,
): Promise<Recommendation[]> {
  const { maxlen, numItems } = model.config;
  const time = timeSettings(model.config);
  const b = requests.length;
  if (b === 0) return [];
  const { seq, rel, length: t } = historyBatch(requests, maxlen, time);
  const scores = tf.tidy(() => {
    const seqT = tf.tensor2d(seq, [b, t], 'int32');
    const relT = rel === null ? null : tf.tensor3d(rel, [b, t, t], 'int32');
    return model.scoreAll({ seq: seqT, rel: relT }, { lastPositionOnly: true }); // [B, V+1]
  });
  try {
    return await topKExcluding(
      scores,
      requests.map((r) => excludedIds(r, numItems)),
      k,
    );
  } finally {
    scores.dispose();
  }
}

/**
 * The top `k` items of each row of `scores` ([B, V+1], column = item id) with the padding id 0 and
 * row b's `excluded[b]` ids (ids in 1..V, as `excludedIds` gives them) left out; fewer than `k`
 * when fewer items are left. `scores` stays the caller's.
 */
export async function topKExcluding(
  scores: tf.Tensor2D,
  excluded: readonly Set<number>[],
  k: number,
): Promise<Recommendation[]> {
  const [b, columns] = scores.shape;
  const numItems = columns - 1;
  const kk = Math.max(0, Math.min(k, numItems));
  const { values, indices } = tf.tidy(() => {
    const mask = excludedItemsMask(
      excluded.map((ids) => [...ids]),
      columns,
    );
    return tf.topk(tf.where(mask, tf.fill([b, columns], -Infinity), scores), kk);
  });
  const v = (await values.data()) as Float32Array;
  const ix = (await indices.data()) as Int32Array;
  values.dispose();
  indices.dispose();
  return excluded.map((ids, row) => {
    // Fewer recommendable items than k: drop the excluded (-Infinity) tail.
    const keep = Math.min(kk, numItems - ids.size);
    return { items: ix.slice(row * kk, row * kk + keep), scores: v.slice(row * kk, row * kk + keep) };
  });
}

/** The distinct dense ids a request must not get back: its history and its valid `exclude` ids. */
export function excludedIds(request: RecommendRequest, numItems: number): Set<number> {
  const ids = new Set<number>();
  for (const id of request.items) if (id >= 1 && id <= numItems) ids.add(id);
  for (const id of Array.from(request.exclude ?? []))
    if (Number.isInteger(id) && id >= 1 && id <= numItems) ids.add(id);
  return ids;
}

/**
 * The newest `maxlen` items of each history, left-padded to the longest (length T):
 * seq [B*T], rel [B*T*T] (the model's interval matrices; null for SASRec).
 */
export function historyBatch(
  requests: readonly RecommendRequest[],
  maxlen: number,
  time: TimeOptions | null,
): { seq: Int32Array; rel: Int32Array | null; rows: number; length: number } {
  const windows = requests.map((r) => {
    if (r.items.length === 0) throw new RangeError('recommend: a history must hold at least one item');
    const start = Math.max(0, r.items.length - maxlen);
    return { items: r.items.subarray(start), times: r.times ? Array.from(r.times).slice(start) : null };
  });
  const b = windows.length;
  const t = Math.max(...windows.map((w) => w.items.length));
  const seq = new Int32Array(b * t);
  const rel = time === null ? null : new Int32Array(b * t * t);
  windows.forEach((w, row) => {
    const pad = t - w.items.length;
    seq.set(w.items, row * t + pad);
    if (rel === null) return;
    if (w.times === null) throw new RangeError('recommend: this model is time-aware; every history needs timestamps');
    const m = timeIntervalMatrix(w.times, time as TimeOptions);
    const n = w.items.length;
    for (let i = 0; i < n; i++) rel.set(m.subarray(i * n, (i + 1) * n), row * t * t + (pad + i) * t + pad);
  });
  return { seq, rel, rows: b, length: t };
}
