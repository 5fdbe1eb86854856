// Test helper: a small split with timestamps and varied lengths, built through the public API.
import {
  buildDataset,
  generateSyntheticInteractions,
  leaveOneOutSplit,
  parseInteractions,
  type SplitDataset,
} from '@seqrec/data';

/** Users 1..4 over items 1..20 with lengths 5, 2, 1, 12 (user 2 trains on 2 items, user 3 on 1). */
export function tinySplit(): SplitDataset {
  const lines: string[] = [];
  const add = (u: number, items: number[]): void =>
    items.forEach((it, k) => lines.push(`${u} ${it} ${1000 + k * 60 * (k + 1)}`));
  add(1, [1, 2, 3, 4, 5]);
  add(2, [6, 7]);
  add(3, [8]);
  add(4, [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  return leaveOneOutSplit(buildDataset(parseInteractions(lines.join('\n'), 'tiny.txt')));
}

/** A synthetic split of `users` users. */
export function syntheticSplit(users: number, seed = 1): SplitDataset {
  return leaveOneOutSplit(buildDataset(generateSyntheticInteractions({ users, items: 200, seed })));
}
