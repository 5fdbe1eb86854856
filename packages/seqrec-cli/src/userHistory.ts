/**
 * A known user's whole history as a recommendation input: train items, then the valid and test
 * items (a served model recommends what comes after everything the user did).
 */
import type { UserSplit } from '@seqrec/data';
import type { RecommendRequest } from '@seqrec/train';

export function userHistory(u: UserSplit): RecommendRequest {
  const tail = [u.valid, u.test].filter((x) => x !== 0);
  const items = Int32Array.from([...u.train, ...tail]);
  const times = u.trainTimes === null ? null : [...u.trainTimes, ...[u.validTime, u.testTime].slice(0, tail.length)];
  return { items, times };
}
