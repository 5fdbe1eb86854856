/**
 * Top-K of a micro-batch of requests on one model: requests of known users (`user` set) are
 * scored from their cached newest-position features (computed by one forward pass over the
 * histories of those not cached yet), the others (`items` histories) by `recommend` of
 * @seqrec/models. Either way: scores of every item, then `topKExcluding` of @seqrec/models (the
 * history and `exclude` ids removed); equal to `recommend` for the same history within float
 * rounding. The interval settings are the model's (`timeSettings`).
 *
 * Letters: B requests, T window, d hidden, V items.
 */
import {
  excludedIds,
  historyBatch,
  recommend,
  timeSettings,
  topKExcluding,
  type Recommendation,
  type RecommendRequest,
  type SequentialRecommender,
} from '@seqrec/models';
import { tf } from '@seqrec/runtime';
import type { UserFeatureCache } from './UserFeatureCache';

/** A request as the scorer receives it: a history, and the dense user id when it is a known user's. */
export type ScoringRequest = RecommendRequest & { user?: number };

export async function scoreRequests(
  model: SequentialRecommender,
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
    );
    others.forEach((i, row) => (results[i] = recs[row] as Recommendation));
  }
  if (known.length > 0) {
    const recs = await scoreKnownUsers(
      model,
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
  cache: UserFeatureCache,
  requests: readonly ScoringRequest[],
  k: number,
): Promise<Recommendation[]> {
  const users = requests.map((r) => r.user as number);
  const missing = [...new Set(users.filter((u) => !cache.has(u)))];
  if (missing.length > 0) {
    const histories = missing.map((u) => requests[users.indexOf(u)] as ScoringRequest);
    const features = tf.tidy(() => model.lastFeatures(historyTensors(histories, model), { lastPositionOnly: true }));
    const values = features.dataSync(); // [missing, d]
    features.dispose();
    const d = cache.dim;
    missing.forEach((u, row) => cache.set(u, values.subarray(row * d, (row + 1) * d)));
  }
  const b = requests.length;
  const d = cache.dim;
  const rows = new Float32Array(b * d);
  users.forEach((u, row) => rows.set(cache.get(u), row * d));
  const scores = tf.tidy(() => {
    const items = (model.weights.get('item_emb') as tf.Variable).slice([1, 0]); // [V, d], without the padding row
    const scores = tf.matMul(tf.tensor2d(rows, [b, d]), items, false, true); // [B, V], as scoreAll's
    return tf.concat([tf.fill([b, 1], -Infinity), scores], 1) as tf.Tensor2D; // [B, V+1], column = item id
  });
  try {
    return await topKExcluding(
      scores,
      requests.map((r) => excludedIds(r, model.config.numItems)),
      k,
    );
  } finally {
    scores.dispose();
  }
}

/** historyBatch of @seqrec/models as the model's input tensors (caller disposes; inside a tidy here). */
function historyTensors(requests: readonly RecommendRequest[], model: SequentialRecommender) {
  const { seq, rel, rows, length } = historyBatch(requests, model.config.maxlen, timeSettings(model.config));
  return {
    seq: tf.tensor2d(seq, [rows, length], 'int32'),
    rel: rel === null ? null : tf.tensor3d(rel, [rows, length, length], 'int32'),
  };
}
