/**
 * A known user's whole history, the input of a recommendation: train items, then the valid and
 * test items (a served model recommends what comes after everything the user did). Built here
 * only: `seqrec recommend`, `recommend --all`, `serve` and the examples of `seqrec train` use it.
 */
import type { UserSplit } from './leaveOneOutSplit';

export interface UserHistory {
  /** Dense item ids, oldest first. */
  items: Int32Array;
  /** Their timestamps, or null when the data has none. */
  times: number[] | null;
}

export function userHistory(u: UserSplit): UserHistory {
  const tail = [u.valid, u.test].filter((x) => x !== 0);
  const items = Int32Array.from([...u.train, ...tail]);
  const times = u.trainTimes === null ? null : [...u.trainTimes, ...[u.validTime, u.testTime].slice(0, tail.length)];
  return { items, times };
}
