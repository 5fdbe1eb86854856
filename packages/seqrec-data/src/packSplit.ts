/**
 * packSplit (internal): a split flattened into a few typed arrays, which is what the samplers
 * read and what the prefetch worker receives (typed arrays clone cheaply; class instances don't).
 * Row r is user `users[r]`; its whole sequence (train, then valid and test when present) is
 * `items[offsets[r] .. offsets[r + 1])`, the first `trainLength[r]` of which are train.
 */
import { DataFormatError } from './DataFormatError';
import { type SplitDataset } from './leaveOneOutSplit';
import { type TimeOptions, checkTimeOptions, timeKeys } from './timeIntervals';

export interface PackedSplit {
  numItems: number;
  users: Int32Array;
  offsets: Int32Array;
  trainLength: Int32Array;
  items: Int32Array;
  /** Time keys per interaction (see timeIntervals.ts), or null when not time-aware. */
  keys: Float64Array | null;
  divisor: number;
  span: number;
}

export function packSplit(split: SplitDataset, time: TimeOptions | null, where: string): PackedSplit {
  const U = split.users.length;
  const offsets = new Int32Array(U + 1);
  const trainLength = new Int32Array(U);
  const users = new Int32Array(U);
  for (let r = 0; r < U; r++) {
    const s = split.users[r];
    users[r] = s.user;
    trainLength[r] = s.train.length;
    offsets[r + 1] = offsets[r] + s.train.length + (s.valid > 0 ? 2 : 0);
  }
  const items = new Int32Array(offsets[U]);
  if (time !== null) {
    checkTimeOptions(time, where);
    if (!split.dataset.hasTimestamps)
      throw new DataFormatError(where, 0, 'time-aware sampling needs timestamps, but the dataset has none');
  }
  const keys = time === null ? null : new Float64Array(offsets[U]);
  const times = time === null ? null : new Float64Array(offsets[U]);
  let divisor = 1;
  for (let r = 0; r < U; r++) {
    const s = split.users[r];
    const o = offsets[r];
    items.set(s.train, o);
    if (s.valid > 0) {
      items[o + s.train.length] = s.valid;
      items[o + s.train.length + 1] = s.test;
    }
    if (time !== null && keys !== null && times !== null) {
      // Keys need the user's whole sequence: personal scale and t_min are per user, not per window.
      times.set(s.trainTimes ?? [], o);
      if (s.valid > 0) {
        times[o + s.train.length] = s.validTime;
        times[o + s.train.length + 1] = s.testTime;
      }
      const n = offsets[r + 1] - o;
      divisor = timeKeys(times.subarray(o, o + n), time.unit, keys.subarray(o, o + n));
    }
  }
  return { numItems: split.dataset.numItems, users, offsets, trainLength, items, keys, divisor, span: time?.span ?? 0 };
}

/** Batch window length: the longest real length rounded up to a multiple of 8, capped at maxlen (bucketing), else maxlen. */
export function windowLength(longest: number, maxlen: number, bucketing: boolean): number {
  if (!bucketing) return maxlen;
  return Math.min(maxlen, Math.max(8, Math.ceil(longest / 8) * 8));
}

/**
 * Rows sorted by `length` (stable counting sort, so ties keep their incoming order) and cut into
 * consecutive groups of `batchSize`. Returns the reordered rows.
 */
export function sortByLength(rows: Int32Array, length: (r: number) => number, maxLength: number): Int32Array {
  const count = new Int32Array(maxLength + 2);
  for (const r of rows) count[length(r) + 1]++;
  for (let l = 1; l <= maxLength + 1; l++) count[l] += count[l - 1];
  const out = new Int32Array(rows.length);
  for (const r of rows) out[count[length(r)]++] = r;
  return out;
}
