/**
 * trainEpoch (internal): the batches of one training epoch (spec DATA_AND_EVAL.md §Training
 * samples), shared by TrainSampler and the prefetch worker so both yield identical batches.
 *
 * For a user's train sequence s (length >= 2): input = s[:-1], pos = s[1:], right-aligned into the
 * window with left padding (the newest positions kept); one negative per real position, uniform
 * over items not in s. Users are shuffled; with bucketing they are then stably sorted by length
 * (so equal lengths stay shuffled), cut into batches, and the batch order is shuffled.
 */
import { DataFormatError } from './DataFormatError';
import { type PackedSplit, sortByLength, windowLength } from './packSplit';
import { type Random } from './Random';
import { fillTimeIntervals } from './timeIntervals';

/** A training batch. All arrays are owned by the batch (safe to keep or transfer). */
export interface TrainBatch {
  /** [B] dense user ids. */
  users: Int32Array;
  /** B: rows in this batch (the last batch of an epoch may be smaller than batchSize). */
  size: number;
  /** T: window length of this batch. */
  length: number;
  /** [B*T] row-major input item ids, left padded with 0, newest in the last column. */
  seq: Int32Array;
  /** [B*T] next item per position, 0 at padding. */
  pos: Int32Array;
  /** [B*T] sampled negative per position, 0 at padding. */
  neg: Int32Array;
  /** [B*T*T] interval matrices (time-aware only), else null. */
  rel: Int32Array | null;
}

export interface EpochPlan {
  maxlen: number;
  batchSize: number;
  bucketing: boolean;
  timeAware: boolean;
}

/** Rows (indices into the packed split) of users with >= 2 train items, i.e. one training sample. */
export function trainableRows(p: PackedSplit): Int32Array {
  const rows: number[] = [];
  for (let r = 0; r < p.users.length; r++) if (p.trainLength[r] >= 2) rows.push(r);
  return Int32Array.from(rows);
}

/** Target positions of row r's sample: its input length, capped at the window. */
function samplePositions(p: PackedSplit, r: number, maxlen: number): number {
  return Math.min(p.trainLength[r] - 1, maxlen);
}

/** Target positions of one epoch: every trainable row's sample once. */
export function epochPositions(p: PackedSplit, rows: Int32Array, maxlen: number): number {
  let total = 0;
  for (const r of rows) total += samplePositions(p, r, maxlen);
  return total;
}

export function* trainEpoch(p: PackedSplit, rows: Int32Array, plan: EpochPlan, rng: Random): Generator<TrainBatch> {
  const { maxlen, batchSize, bucketing } = plan;
  const real = (r: number): number => samplePositions(p, r, maxlen);
  let order: Int32Array = rng.shuffle(rows.slice());
  if (bucketing) order = sortByLength(order, real, maxlen);
  const numBatches = Math.ceil(order.length / batchSize);
  const batchOrder = Int32Array.from({ length: numBatches }, (_, i) => i);
  // Without bucketing the users are already in random order; shuffling batches changes nothing
  // statistically, but doing it always keeps one code path.
  rng.shuffle(batchOrder);

  const V = p.numItems;
  const inTrain = new Uint8Array(V + 1);
  for (const b of batchOrder) {
    const batchRows = order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
    const B = batchRows.length;
    let longest = 0;
    for (const r of batchRows) longest = Math.max(longest, real(r));
    const T = windowLength(longest, maxlen, bucketing);
    const users = new Int32Array(B);
    const seq = new Int32Array(B * T);
    const pos = new Int32Array(B * T);
    const neg = new Int32Array(B * T);
    const rel = plan.timeAware && p.keys !== null ? new Int32Array(B * T * T) : null;
    for (let i = 0; i < B; i++) {
      const r = batchRows[i];
      users[i] = p.users[r];
      const o = p.offsets[r];
      const L = p.trainLength[r];
      const n = real(r);
      const from = o + L - 1 - n; // first kept input position
      const row = i * T + (T - n);
      seq.set(p.items.subarray(from, from + n), row);
      pos.set(p.items.subarray(from + 1, from + 1 + n), row);
      let distinct = 0;
      for (let k = o; k < o + L; k++) {
        if (inTrain[p.items[k]] === 0) distinct++;
        inTrain[p.items[k]] = 1;
      }
      if (distinct >= V)
        throw new DataFormatError(
          'TrainSampler',
          0,
          `user ${p.users[r]} has interacted with every item, no negative can be drawn`,
        );
      for (let k = 0; k < n; k++) {
        let x: number;
        do x = 1 + rng.nextInt(V);
        while (inTrain[x] === 1);
        neg[row + k] = x;
      }
      for (let k = o; k < o + L; k++) inTrain[p.items[k]] = 0;
      if (rel !== null && p.keys !== null) fillTimeIntervals(rel, i * T * T, T, p.keys, from, n, p.divisor, p.span);
    }
    yield { users, size: B, length: T, seq, pos, neg, rel };
  }
}
