/**
 * buildDataset: dense ids and per-user chronological sequences (spec DATA_AND_EVAL.md
 * §Sequences and split: sorted by timestamp, equal timestamps keep file order; without
 * timestamps, file order).
 */
import { type InteractionLog } from './InteractionLog';
import { Vocabulary } from './Vocabulary';

/** One user's interactions in chronological order. */
export interface UserSequence {
  /** Dense user id 1..U. */
  user: number;
  /** Dense item ids 1..V, oldest first. */
  items: Int32Array;
  /** Timestamps aligned with `items` (non-decreasing), or null when the input has none. */
  timestamps: Float64Array | null;
}

export interface Dataset {
  vocab: Vocabulary;
  numUsers: number;
  numItems: number;
  hasTimestamps: boolean;
  /** `sequences[u - 1].user === u`; every user has at least one interaction. */
  sequences: UserSequence[];
}

/** Maps raw ids to dense ids and groups interactions into per-user sequences. Does not mutate `log`. */
export function buildDataset(log: InteractionLog): Dataset {
  const vocab = Vocabulary.fromRawIds(log.rawUsers, log.rawItems);
  const n = log.rawUsers.length;
  const U = vocab.numUsers;
  const userOf = new Int32Array(n);
  const itemOf = new Int32Array(n);
  // Map lookups dominate on 1M lines; raw ids repeat, so caching the previous line's user helps
  // the common "grouped by user" layout.
  let prevRaw = '';
  let prevId = 0;
  for (let i = 0; i < n; i++) {
    const ru = log.rawUsers[i];
    if (ru !== prevRaw) {
      prevRaw = ru;
      prevId = vocab.userId(ru) as number;
    }
    userOf[i] = prevId;
    itemOf[i] = vocab.itemId(log.rawItems[i]) as number;
  }

  // Counting sort by user keeps file order inside each user (a stable bucketing).
  const start = new Int32Array(U + 2);
  for (let i = 0; i < n; i++) start[userOf[i] + 1]++;
  for (let u = 1; u <= U + 1; u++) start[u] += start[u - 1];
  const fill = start.slice();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[userOf[i]]++] = i;

  const times = log.timestamps;
  const sequences: UserSequence[] = new Array(U);
  for (let u = 1; u <= U; u++) {
    const lo = start[u];
    const hi = start[u + 1];
    let idx = order.subarray(lo, hi);
    if (times !== null) {
      let sorted = true;
      for (let k = lo + 1; k < hi && sorted; k++) sorted = times[order[k]] >= times[order[k - 1]];
      // Array.prototype.sort is stable (ES2019), so equal timestamps keep file order.
      if (!sorted) idx = Int32Array.from(Array.from(idx).sort((a, b) => times[a] - times[b]));
    }
    const items = new Int32Array(hi - lo);
    const ts = times === null ? null : new Float64Array(hi - lo);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      items[k] = itemOf[i];
      if (ts !== null && times !== null) ts[k] = times[i];
    }
    sequences[u - 1] = { user: u, items, timestamps: ts };
  }
  return { vocab, numUsers: U, numItems: vocab.numItems, hasTimestamps: times !== null, sequences };
}
