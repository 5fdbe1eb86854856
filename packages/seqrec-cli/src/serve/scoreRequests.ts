/**
 * Top-K of a micro-batch of requests on one model: requests of known users (`user` set) are
 * scored from their cached newest-position features (computed by one forward pass over the
 * histories of those not cached yet), the others (`items` histories) by `recommend` of
 * @seqrec/train. Either way: scores of every item, the history and `exclude` ids removed,
 * top-K; equal to `recommend` for the same history within float rounding.
 *
 * Letters: B requests, T window, d hidden, V items.
 */
import { timeIntervalMatrix } from '@seqrec/data';
import type { SequentialRecommender } from '@seqrec/models';
import { tf } from '@seqrec/runtime';
import { recommend, type Recommendation, type RecommendRequest, type TimeSettings } from '@seqrec/train';
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
      model.lastFeatures(historyBatch(histories, model.config.maxlen, time), { lastPositionOnly: true }),
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

/** The newest `maxlen` items of each history, left-padded to the longest: seq [B, T], rel [B, T, T] (TiSASRec). */
function historyBatch(requests: readonly RecommendRequest[], maxlen: number, time: TimeSettings | null) {
  const windows = requests.map((r) => {
    if (r.items.length === 0) throw new RangeError('a history must hold at least one item');
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
    if (w.times === null) throw new RangeError('this model is time-aware; every history needs timestamps');
    const m = timeIntervalMatrix(w.times, time as TimeSettings);
    const n = w.items.length;
    for (let i = 0; i < n; i++) rel.set(m.subarray(i * n, (i + 1) * n), row * t * t + (pad + i) * t + pad);
  });
  return {
    seq: tf.tensor2d(seq, [b, t], 'int32'),
    rel: rel === null ? null : tf.tensor3d(rel, [b, t, t], 'int32'),
  };
}

/** The distinct dense ids a request must not get back: its history and its valid `exclude` ids. */
function excludedIds(request: RecommendRequest, numItems: number): Set<number> {
  const ids = new Set<number>();
  for (const id of request.items) if (id >= 1 && id <= numItems) ids.add(id);
  for (const id of Array.from(request.exclude ?? []))
    if (Number.isInteger(id) && id >= 1 && id <= numItems) ids.add(id);
  return ids;
}
