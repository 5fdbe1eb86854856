/**
 * Top-K of a micro-batch of requests on one model: requests of known users (`user` set) are
 * scored from their cached newest-position features (computed by one forward pass over the
 * histories of those not cached yet), the others (`items` histories) by `recommend` of
 * @seqrec/train. Either way: scores of every item, the history and `exclude` ids removed,
 * top-K; equal to `recommend` for the same history within float rounding.
 *
 * Letters: B requests, T window, d hidden, V items.
 */
import type { SequentialRecommender } from '@seqrec/models';
import { tf } from '@seqrec/runtime';
import {
  excludedIds,
  historyBatch,
  recommend,
  type Recommendation,
  type RecommendRequest,
  type TimeSettings,
} from '@seqrec/train';
import type { UserFeatureCache } from './UserFeatureCache';

/** A request as the scorer receives it: a history, and the dense user id when it is a known user's. */
export type ScoringRequest = RecommendRequest & { user?: number };

export async function scoreRequests(
  model: SequentialRecommender,
  time: TimeSettings | null,
  cache: UserFeatureCache,
  requests: readonly ScoringRequest[],
  k: number,
): Promise<Recommendation[]> {
  const results = new Array<Recommendation>(requests.length);
  const known = requests.flatMap((r, i) => (r.user === undefined ? [] : [i]));
  const others = requests.flatMap((r, i) => (r.user === undefined ? [i] : []));
  if (others.length > 0) {
    const recs = await recommend(
      model,
      others.map((i) => requests[i] as ScoringRequest),
      k,
      time,
    );
    others.forEach((i, row) => (results[i] = recs[row] as Recommendation));
  }
  if (known.length > 0) {
    const recs = await scoreKnownUsers(
      model,
      time,
      cache,
      known.map((i) => requests[i] as ScoringRequest),
      k,
    );
    known.forEach((i, row) => (results[i] = recs[row] as Recommendation));
  }
  return results;
}

async function scoreKnownUsers(
  model: SequentialRecommender,
  time: TimeSettings | null,
  cache: UserFeatureCache,
  requests: readonly ScoringRequest[],
  k: number,
): Promise<Recommendation[]> {
  const users = requests.map((r) => r.user as number);
  const missing = [...new Set(users.filter((u) => !cache.has(u)))];
  if (missing.length > 0) {
    const histories = missing.map((u) => requests[users.indexOf(u)] as ScoringRequest);
    const features = tf.tidy(() =>
      model.lastFeatures(historyTensors(histories, model.config.maxlen, time), { lastPositionOnly: true }),
    );
    const values = features.dataSync(); // [missing, d]
    features.dispose();
    const d = cache.dim;
    missing.forEach((u, row) => cache.set(u, values.subarray(row * d, (row + 1) * d)));
  }
  const { numItems } = model.config;
  const b = requests.length;
  const d = cache.dim;
  const kk = Math.max(0, Math.min(k, numItems));
  const rows = new Float32Array(b * d);
  users.forEach((u, row) => rows.set(cache.get(u), row * d));
  const excluded = requests.map((r) => excludedIds(r, numItems));
  const penalty = new Float32Array(b * numItems); // -Infinity at excluded items, column j = item j + 1
  excluded.forEach((ids, row) => ids.forEach((id) => (penalty[row * numItems + id - 1] = -Infinity)));
  const best = tf.tidy(() => {
    const items = (model.weights.get('item_emb') as tf.Variable).slice([1, 0]); // [V, d], without the padding row
    const scores = tf.matMul(tf.tensor2d(rows, [b, d]), items, false, true); // [B, V], as scoreAll's
    return tf.topk(tf.add(scores, tf.tensor2d(penalty, [b, numItems])), kk);
  });
  const v = (await best.values.data()) as Float32Array;
  const ix = (await best.indices.data()) as Int32Array;
  tf.dispose([best.values, best.indices]);
  return excluded.map((ids, row) => {
    const keep = Math.min(kk, numItems - ids.size); // fewer recommendable items than k: drop the -Infinity tail
    return {
      items: Int32Array.from(ix.subarray(row * kk, row * kk + keep), (column) => column + 1),
      scores: v.slice(row * kk, row * kk + keep),
    };
  });
}

/** historyBatch of @seqrec/train as the model's input tensors (caller disposes; inside a tidy here). */
function historyTensors(requests: readonly RecommendRequest[], maxlen: number, time: TimeSettings | null) {
  const { seq, rel, rows, length } = historyBatch(requests, maxlen, time);
  return {
    seq: tf.tensor2d(seq, [rows, length], 'int32'),
    rel: rel === null ? null : tf.tensor3d(rel, [rows, length, length], 'int32'),
  };
}
