/**
 * trainEpoch (internal): the batches of one training epoch (spec DATA_AND_EVAL.md §Training
 * samples), shared by TrainSampler and the prefetch worker so both yield identical batches.
 *
 * For a user's train sequence s (length >= 2): input = s[:-1], pos = s[1:], right-aligned into the
 * window with left padding (the newest positions kept); one negative per real position, uniform
 * over items not in s. Users are shuffled and cut into batches of `batchSize` users; how a batch
 * is laid out depends on the batching (see BATCHINGS).
 */
import { DataFormatError } from './DataFormatError';
import { packRows, type PackedPlacement } from './packRows';
import { type PackedSplit, sortByLength, windowLength } from './packSplit';
import { type Random } from './Random';
import { fillTimeIntervalBlock } from './timeIntervals';

/**
 * How users are drawn into batches and laid out in them.
 * - `packed`: random batches (users drawn uniformly, independently of their length, as the
 *   reference samplers do), several users packed side by side per row so that almost no compute
 *   goes to padding. The default: it learns what `random` learns at about `bucketed`'s cost.
 * - `random`: random batches, one user per row, every row padded to maxlen (the reference's
 *   layout; what `--no_bucketing` always did).
 * - `bucketed`: users of similar length batched together, one per row, T trimmed to the longest.
 *   Cheapest per epoch, but each step sees only short or only long histories, and the model learns
 *   less per epoch (docs/RESULTS.md).
 */
export const BATCHINGS = ['packed', 'random', 'bucketed'] as const;
export type Batching = (typeof BATCHINGS)[number];
export const DEFAULT_BATCHING: Batching = 'packed';

/** A training batch. All arrays are owned by the batch (safe to keep or transfer). */
export interface TrainBatch {
  /** The batch's users (dense ids), row by row; a packed row holds several, in slot order. */
  users: Int32Array;
  /** B: rows in this batch (the last batch of an epoch may be smaller; packed batches have fewer rows than users). */
  size: number;
  /** T: window length of this batch. */
  length: number;
  /** [B*T] row-major input item ids, left padded with 0, newest in the last column. */
  seq: Int32Array;
  /** [B*T] next item per position, 0 at padding. */
  pos: Int32Array;
  /** [B*T] sampled negative per position, 0 at padding. */
  neg: Int32Array;
  /** [B*T*T] interval matrices (time-aware only), else null. In packed rows, only same-user entries are set. */
  rel: Int32Array | null;
  /** [B*T] slot (1-based) of each column's user in its row, 0 at padding; null unless packed. */
  segments: Int32Array | null;
}

export interface EpochPlan {
  maxlen: number;
  batchSize: number;
  batching: Batching;
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

/** One user per row: user i at row i, right-aligned in a window of T. */
function onePerRow(real: number[], T: number): { rows: number; length: number; placements: PackedPlacement[] } {
  return { rows: real.length, length: T, placements: real.map((n, i) => ({ row: i, column: T - n, slot: 1 })) };
}

export function* trainEpoch(p: PackedSplit, rows: Int32Array, plan: EpochPlan, rng: Random): Generator<TrainBatch> {
  const { maxlen, batchSize, batching } = plan;
  const real = (r: number): number => samplePositions(p, r, maxlen);
  let order: Int32Array = rng.shuffle(rows.slice());
  if (batching === 'bucketed') order = sortByLength(order, real, maxlen);
  const numBatches = Math.ceil(order.length / batchSize);
  const batchOrder = Int32Array.from({ length: numBatches }, (_, i) => i);
  // Unless bucketed, the users are already in random order; shuffling batches changes nothing
  // statistically, but doing it always keeps one code path.
  rng.shuffle(batchOrder);

  const V = p.numItems;
  const inTrain = new Uint8Array(V + 1);
  for (const b of batchOrder) {
    const batchRows = order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
    const lengths = Array.from(batchRows, real);
    const layout =
      batching === 'packed'
        ? packRows(lengths, maxlen)
        : onePerRow(lengths, windowLength(Math.max(...lengths), maxlen, batching === 'bucketed'));
    const { rows: B, length: T, placements } = layout;
    const users = new Int32Array(batchRows.length);
    const seq = new Int32Array(B * T);
    const pos = new Int32Array(B * T);
    const neg = new Int32Array(B * T);
    const rel = plan.timeAware && p.keys !== null ? new Int32Array(B * T * T) : null;
    const segments = batching === 'packed' ? new Int32Array(B * T) : null;
    // Users go in row order (and slot order within a row), so `users` reads row by row.
    const userOrder = Array.from(batchRows.keys()).sort(
      (x, y) =>
        (placements[x] as PackedPlacement).row - (placements[y] as PackedPlacement).row ||
        (placements[x] as PackedPlacement).slot - (placements[y] as PackedPlacement).slot,
    );
    userOrder.forEach((i, k) => {
      const r = batchRows[i] as number;
      const { row: rowIndex, column, slot } = placements[i] as PackedPlacement;
      users[k] = p.users[r];
      const o = p.offsets[r];
      const L = p.trainLength[r];
      const n = real(r);
      const from = o + L - 1 - n; // first kept input position
      const at = rowIndex * T + column;
      seq.set(p.items.subarray(from, from + n), at);
      pos.set(p.items.subarray(from + 1, from + 1 + n), at);
      segments?.fill(slot, at, at + n);
      let distinct = 0;
      for (let k2 = o; k2 < o + L; k2++) {
        if (inTrain[p.items[k2]] === 0) distinct++;
        inTrain[p.items[k2]] = 1;
      }
      if (distinct >= V)
        throw new DataFormatError(
          'TrainSampler',
          0,
          `user ${p.users[r]} has interacted with every item, no negative can be drawn`,
        );
      for (let k2 = 0; k2 < n; k2++) {
        let x: number;
        do x = 1 + rng.nextInt(V);
        while (inTrain[x] === 1);
        neg[at + k2] = x;
      }
      for (let k2 = o; k2 < o + L; k2++) inTrain[p.items[k2]] = 0;
      if (rel !== null && p.keys !== null)
        fillTimeIntervalBlock(rel, rowIndex * T * T, T, column, p.keys, from, n, p.divisor, p.span);
    });
    yield { users, size: B, length: T, seq, pos, neg, rel, segments };
  }
}
