/**
 * leaveOneOutSplit: the SASRec/TiSASRec split (spec DATA_AND_EVAL.md §Sequences and split).
 * Users with fewer than 3 interactions: all in train, none in valid/test. Otherwise train = all
 * but the last two, valid = second to last, test = last.
 */
import { type Dataset } from './buildDataset';

export interface UserSplit {
  user: number;
  /** Oldest first. A view into the dataset's sequence (shared, do not write). */
  train: Int32Array;
  trainTimes: Float64Array | null;
  /** Validation item, or 0 when the user has < 3 interactions. */
  valid: number;
  /** Timestamp of `valid` (0 without timestamps or without a valid item). */
  validTime: number;
  /** Test item, or 0 when the user has < 3 interactions. */
  test: number;
  testTime: number;
}

export interface SplitDataset {
  dataset: Dataset;
  /** `users[u - 1].user === u`. */
  users: UserSplit[];
}

export function leaveOneOutSplit(dataset: Dataset): SplitDataset {
  const users = dataset.sequences.map((s): UserSplit => {
    const n = s.items.length;
    const t = s.timestamps;
    if (n < 3) return { user: s.user, train: s.items, trainTimes: t, valid: 0, validTime: 0, test: 0, testTime: 0 };
    return {
      user: s.user,
      train: s.items.subarray(0, n - 2),
      trainTimes: t === null ? null : t.subarray(0, n - 2),
      valid: s.items[n - 2],
      validTime: t === null ? 0 : t[n - 2],
      test: s.items[n - 1],
      testTime: t === null ? 0 : t[n - 1],
    };
  });
  return { dataset, users };
}
